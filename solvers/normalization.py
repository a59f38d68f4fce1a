"""Data normalization, batch normalization and layer normalization (nndl ch. 7.4–7.5).

Conventions (REFERENCE.md, nndl §7.5):

- min-max: x̂ = (x − min)/(max − min); standardization: x̂ = (x − μ)/σ with the population
  standard deviation σ (divide by N, not N − 1).
- Matrices hold one sample per row and one neuron (feature) per column.
- Batch norm: per column, over the K samples of the mini-batch: μ_B = mean, σ²_B = *biased*
  variance (1/K); ẑ = (z − μ_B)/√(σ²_B + ε) ⊙ γ + β. PyTorch's ``F.batch_norm(training=True)``
  normalizes with the same biased variance (it uses the unbiased one only for ``running_var``).
- Layer norm: the same per row, over the n neurons of one sample.
- γ and β are per neuron (one per column) in both; a single number is broadcast.
- The textbook places BN on the net input, before the activation: a = f(BN(Wa⁽ˡ⁻¹⁾ + b)).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from solvers.activations import NAMES, value
from solvers.arrays import as_matrix, as_vector
from solvers.core import Grid, ParamSpec, Solution, SolverInputError, Step, Text
from solvers.registry import carry, mistake, solver
from solvers.textfmt import _n as _u
from solvers.textfmt import _pn as _p
from solvers.textfmt import _v as _vec
from solvers.textfmt import grid_round

DEFAULT_EPS = 1e-5


_r = grid_round


# --------------------------------------------------------------------------- input checks


def per_feature(v: Any, n: int, name: str, default: float) -> np.ndarray:
    """γ or β as one value per column: None → default, one number → broadcast, else length n."""
    if v is None:
        return np.full(n, float(default))
    arr = as_vector(v, name)
    if arr.size == 1:
        return np.full(n, float(arr[0]))
    if arr.size != n:
        raise SolverInputError(
            Text(
                f"{name} needs one value per neuron (column): {n} values or a single number, got {arr.size}",
                f"{name} 每个神经元（列）一个值：应给 {n} 个数或一个数，实际给了 {arr.size} 个",
            )
        )
    return arr


def _eps(eps: Any) -> float:
    e = DEFAULT_EPS if eps is None else float(eps)
    if e < 0:
        raise SolverInputError(Text("ε cannot be negative", "ε 不能为负"))
    return e


# --------------------------------------------------------------------------- the computation


def normalize(
    x: np.ndarray,
    axis: int,
    gamma: np.ndarray,
    beta: np.ndarray,
    eps: float,
    ddof: int = 0,
    root: bool = True,
    center: bool = True,
    swap: bool = False,
) -> dict[str, np.ndarray]:
    """Normalize over ``axis`` (0: each column over the samples = BN; 1: each row = LN).

    The flags reproduce misconceptions: ``ddof=1`` the unbiased variance, ``root=False`` dividing
    by σ² + ε instead of its root, ``center=False`` not subtracting the mean, ``swap`` γ and β
    exchanged.
    """
    count = x.shape[axis]
    if count - ddof <= 0:
        raise SolverInputError(
            Text("the unbiased variance needs at least two values", "无偏方差至少需要两个数"),
        )
    mean = x.mean(axis=axis)
    dev = x - (mean[None, :] if axis == 0 else mean[:, None])
    var = (dev**2).sum(axis=axis) / (count - ddof)
    denom = var + eps
    if np.any(denom == 0):
        raise SolverInputError(
            Text(
                "a group of equal values has variance 0; with ε = 0 the division is undefined — give ε > 0",
                "某组数全相等，方差为 0；ε = 0 时无法相除，请给出 ε > 0",
            )
        )
    scale = np.sqrt(denom) if root else denom
    top = dev if center else x
    xhat = top / (scale[None, :] if axis == 0 else scale[:, None])
    g, b = (beta, gamma) if swap else (gamma, beta)
    out = xhat * g[None, :] + b[None, :]
    return {"mean": mean, "var": var, "std": np.sqrt(denom), "dev": dev, "xhat": xhat, "output": out}


def _labels(x: np.ndarray) -> tuple[list[str], list[str]]:
    return [f"k={k}" for k in range(1, x.shape[0] + 1)], [f"j={j}" for j in range(1, x.shape[1] + 1)]


def _norm_intro(x: np.ndarray, bn: bool, symbol: str) -> Step:
    """What is normalized over what: columns over the batch (batch norm) or each row (layer norm)."""
    rows, cols = _labels(x)
    k, n = x.shape
    if bn:
        return Step(
            Text(
                f"Mini-batch: K = {k} samples (rows) × n = {n} neurons (columns). Batch norm normalizes each "
                "neuron (column) over the K samples.",
                f"小批量：K = {k} 个样本（行）× n = {n} 个神经元（列）。批量归一化对每个神经元（每一列）在 K 个样本上做归一化。",
            ),
            grids=(Grid.of(_r(x), rows, cols, Text(f"input {symbol}", f"输入 {symbol}")),),
        )
    return Step(
        Text(
            f"{k} sample(s) (rows) × n = {n} neurons (columns). Layer norm normalizes each sample (row) over "
            "its n neurons; no other sample is involved.",
            f"{k} 个样本（行）× n = {n} 个神经元（列）。层归一化对每个样本（每一行）在它自己的 n 个神经元上做归一化，"
            "与其他样本无关。",
        ),
        grids=(Grid.of(_r(x), rows, cols, Text(f"input {symbol}", f"输入 {symbol}")),),
    )


def _spread_steps(
    devs: list[np.ndarray], res: dict[str, np.ndarray], bn: bool, count: int, idx: str, symbol: str, eps: float
) -> list[Step]:
    """The variance of each group (the biased one) and the standard deviation with ε."""
    steps: list[Step] = []
    var_sub = ";  ".join(
        f"σ²_{i} = ({' + '.join(f'({_u(d)})²' if d < 0 else f'{_u(d)}²' for d in dev)})/{count} = {_u(v)}"
        for i, (dev, v) in enumerate(zip(devs, res["var"], strict=True), start=1)
    )
    steps.append(
        Step(
            Text(
                f"Variance of each {'column' if bn else 'row'} (divide by {'K' if bn else 'n'} = {count}: the biased variance)",
                f"每{'列' if bn else '行'}的方差（除以 {'K' if bn else 'n'} = {count}：有偏方差）",
            ),
            formula=f"σ²_{idx} = (1/{'K' if bn else 'n'})·Σ ({symbol} − μ_{idx})²",
            substituted=var_sub,
            result=f"σ² = {_vec(res['var'])}",
            note=Text(
                "The textbook and PyTorch's training-mode normalization both divide by the count, not count − 1.",
                "教材与 PyTorch 训练模式的归一化都除以个数本身，而不是个数 − 1。",
            ),
        )
    )
    steps.append(
        Step(
            Text("Standard deviation with ε", "加 ε 后的标准差"),
            formula=f"√(σ²_{idx} + ε)",
            substituted=";  ".join(
                f"√({_u(v)} + {_u(eps)}) = {_u(s)}" for v, s in zip(res["var"], res["std"], strict=True)
            ),
            result=_vec(res["std"]),
            note=_eps_note(eps, res["var"]),
        )
    )
    return steps


def norm_steps(
    x: np.ndarray,
    axis: int,
    gamma: np.ndarray,
    beta: np.ndarray,
    eps: float,
    res: dict[str, np.ndarray],
    symbol: str = "z",
) -> list[Step]:
    """The worked steps of batch norm (axis 0) or layer norm (axis 1), from ``normalize``'s result."""
    rows, cols = _labels(x)
    k, n = x.shape
    bn = axis == 0
    count = k if bn else n
    idx = "j" if bn else "k"
    groups = [x[:, j] for j in range(n)] if bn else [x[i, :] for i in range(k)]
    devs = [res["dev"][:, j] for j in range(n)] if bn else [res["dev"][i, :] for i in range(k)]
    steps: list[Step] = [_norm_intro(x, bn, symbol)]
    mean_sub = ";  ".join(
        f"μ_{i} = ({' + '.join(_u(v) for v in grp)})/{count} = {_u(m)}".replace("+ −", "− ")
        for i, (grp, m) in enumerate(zip(groups, res["mean"], strict=True), start=1)
    )
    steps.append(
        Step(
            Text(f"Mean of each {'column' if bn else 'row'}", f"每{'列' if bn else '行'}的均值"),
            formula=f"μ_j = (1/K)·Σ_k {symbol}_kj" if bn else f"μ_k = (1/n)·Σ_j {symbol}_kj",
            substituted=mean_sub,
            result=f"μ = {_vec(res['mean'])}",
        )
    )
    steps.append(
        Step(
            Text("Deviations from the mean", "减去均值后的偏差"),
            formula=f"{symbol} − μ",
            grids=(Grid.of(_r(res["dev"]), rows, cols, Text(f"{symbol} − μ", f"{symbol} − μ")),),
        )
    )
    steps += _spread_steps(devs, res, bn, count, idx, symbol, eps)
    steps.append(
        Step(
            Text("Normalize", "归一化"),
            formula=f"ẑ = ({symbol} − μ)/√(σ² + ε)",
            grids=(Grid.of(_r(res["xhat"]), rows, cols, Text("ẑ", "ẑ")),),
        )
    )
    plain = bool(np.all(gamma == 1) and np.all(beta == 0))
    steps.append(
        Step(
            Text("Scale and shift (γ, β per neuron)", "缩放与平移（每个神经元一个 γ、β）"),
            formula="y = γ ⊙ ẑ + β",
            substituted=f"{_vec(gamma)} ⊙ ẑ + {_vec(beta)}",
            result="y = ẑ (γ = 1, β = 0)" if plain else "",
            grids=(Grid.of(_r(res["output"]), rows, cols, Text("output y", "输出 y")),),
        )
    )
    return steps


def _eps_note(eps: float, var: np.ndarray) -> Text | None:
    if eps > 0 and np.any(var < 1000 * eps):
        return Text(
            "A variance here is (nearly) 0: ε keeps the division defined, and those outputs are (close to) β.",
            "这里有方差（几乎）为 0：ε 保证除法有意义，这些输出（近似）等于 β。",
        )
    if eps < 1e-3:
        return Text(
            "ε only keeps the division safe; next to these variances it changes nothing in the first digits.",
            "ε 只为避免除以零；相对这些方差，它不影响前几位有效数字。",
        )
    return None


NORM_PARAMS = [
    ParamSpec(
        "x",
        "matrix",
        Text("rows = samples, columns = neurons, e.g. 1,2;3,4;5,6", "行 = 样本，列 = 神经元，如 1,2;3,4;5,6"),
    ),
    ParamSpec("eps", "number", Text("ε (default 1e-5)", "ε（默认 1e-5）"), default=DEFAULT_EPS, required=False),
    ParamSpec(
        "gamma",
        "vector",
        Text("scale γ per neuron, or one number (default 1)", "每个神经元的缩放 γ，或一个数（默认 1）"),
        default=None,
        required=False,
    ),
    ParamSpec(
        "beta",
        "vector",
        Text("shift β per neuron, or one number (default 0)", "每个神经元的平移 β，或一个数（默认 0）"),
        default=None,
        required=False,
    ),
]


def _inputs(x: Any, eps: Any, gamma: Any, beta: Any) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    arr = as_matrix(x, "x")
    n = arr.shape[1]
    return arr, _eps(eps), per_feature(gamma, n, "gamma", 1.0), per_feature(beta, n, "beta", 0.0)


def _answers(res: dict[str, np.ndarray]) -> dict[str, Any]:
    return {
        "output": res["output"].tolist(),
        "mean": res["mean"].tolist(),
        "var": res["var"].tolist(),
        "std": res["std"].tolist(),
        "xhat": res["xhat"].tolist(),
    }


@solver(
    "normalization.batchnorm",
    NORM_PARAMS,
    Text(
        "batch normalization of a mini-batch (each column over the samples)", "小批量的批量归一化（每列在样本间归一化）"
    ),
)
def batchnorm(x: Any, eps: float = DEFAULT_EPS, gamma: Any = None, beta: Any = None) -> Solution:
    arr, e, g, b = _inputs(x, eps, gamma, beta)
    if arr.shape[0] < 2:
        raise SolverInputError(
            Text(
                "batch norm needs at least two samples (rows) in the mini-batch",
                "批量归一化的小批量至少需要两个样本（行）",
            )
        )
    res = normalize(arr, 0, g, b, e)
    return Solution(answers=_answers(res), steps=norm_steps(arr, 0, g, b, e, res))


@solver(
    "normalization.layernorm",
    NORM_PARAMS,
    Text("layer normalization (each row over its neurons)", "层归一化（每行在其神经元间归一化）"),
)
def layernorm(x: Any, eps: float = DEFAULT_EPS, gamma: Any = None, beta: Any = None) -> Solution:
    arr, e, g, b = _inputs(x, eps, gamma, beta)
    if arr.shape[1] < 2:
        raise SolverInputError(
            Text("layer norm needs at least two neurons (columns)", "层归一化至少需要两个神经元（列）")
        )
    res = normalize(arr, 1, g, b, e)
    return Solution(answers=_answers(res), steps=norm_steps(arr, 1, g, b, e, res))


def _wrong(x: Any, eps: Any, gamma: Any, beta: Any, axis: int, keys: tuple[str, ...], **flags: Any) -> dict[str, Any]:
    arr, e, g, b = _inputs(x, eps, gamma, beta)
    if "eps_value" in flags:
        e = flags.pop("eps_value")
    try:
        res = normalize(arr, axis, g, b, e, **flags)
    except SolverInputError:
        return {}
    return {key: res[key].tolist() for key in keys}


for _sid, _axis, _other, _other_name in (
    ("normalization.batchnorm", 0, 1, "bn_over_features"),
    ("normalization.layernorm", 1, 0, "ln_over_batch"),
):

    def _register(sid: str = _sid, axis: int = _axis, other: int = _other, other_name: str = _other_name) -> None:
        @mistake(sid, "unbiased_variance")
        def _unbiased(x: Any, eps: float = DEFAULT_EPS, gamma: Any = None, beta: Any = None) -> dict[str, Any]:
            """Variance divided by count − 1 (the sample variance) instead of count."""
            return _wrong(x, eps, gamma, beta, axis, ("output", "var", "std", "xhat"), ddof=1)

        @mistake(sid, other_name)
        def _other_axis(x: Any, eps: float = DEFAULT_EPS, gamma: Any = None, beta: Any = None) -> dict[str, Any]:
            """Normalized along the wrong direction: BN per sample (row) or LN per neuron over the batch."""
            return _wrong(x, eps, gamma, beta, other, ("output", "mean", "var", "std", "xhat"))

        @mistake(sid, "eps_forgotten")
        def _no_eps(x: Any, eps: float = DEFAULT_EPS, gamma: Any = None, beta: Any = None) -> dict[str, Any]:
            return _wrong(x, eps, gamma, beta, axis, ("output", "std", "xhat"), eps_value=0.0)

        @mistake(sid, "gamma_beta_swapped")
        def _swapped(x: Any, eps: float = DEFAULT_EPS, gamma: Any = None, beta: Any = None) -> dict[str, Any]:
            return _wrong(x, eps, gamma, beta, axis, ("output",), swap=True)

        @mistake(sid, "std_instead_of_var")
        def _no_root(x: Any, eps: float = DEFAULT_EPS, gamma: Any = None, beta: Any = None) -> dict[str, Any]:
            """Divides by σ² + ε instead of √(σ² + ε)."""
            return _wrong(x, eps, gamma, beta, axis, ("output", "xhat"), root=False)

        @mistake(sid, "mean_not_subtracted")
        def _no_center(x: Any, eps: float = DEFAULT_EPS, gamma: Any = None, beta: Any = None) -> dict[str, Any]:
            return _wrong(x, eps, gamma, beta, axis, ("output", "xhat"), center=False)

        @carry(sid, "output")
        def _output_carried(given: dict[str, Any], **inputs: Any) -> Any:
            """The output from the student's own mean and variance."""
            return _carry_output(given, axis, inputs)

    _register()


def _carry_output(given: dict[str, Any], axis: int, inputs: dict[str, Any]) -> Any:
    if "mean" not in given or "var" not in given:
        return None
    try:
        arr, e, g, b = _inputs(inputs["x"], inputs.get("eps"), inputs.get("gamma"), inputs.get("beta"))
        mean = np.asarray(given["mean"], dtype=float).ravel()
        var = np.asarray(given["var"], dtype=float).ravel()
        size = arr.shape[1] if axis == 0 else arr.shape[0]
        if mean.size != size or var.size != size or np.any(var + e <= 0):
            return None
        if axis == 0:
            xhat = (arr - mean[None, :]) / np.sqrt(var + e)[None, :]
        else:
            xhat = (arr - mean[:, None]) / np.sqrt(var + e)[:, None]
        return (xhat * g[None, :] + b[None, :]).tolist()
    except (SolverInputError, ValueError, TypeError):
        return None


# --------------------------------------------------------------------------- BN inside a layer

LAYER_ACTIVATIONS = ("relu", "sigmoid", "tanh", "identity")
#: keys of the ``placement`` answer (a choice part), as in the textbook's exercise on where BN goes
PLACEMENTS = {
    "a": "f(BN(W·a + b)): on the net input, before the activation (textbook)",
    "b": "BN(f(W·a + b)): after the activation",
    "c": "f(W·BN(a) + b): on the layer's input, before the linear map",
}


def _net_input(a: Any, W: Any, b: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    A = as_matrix(a, "a")
    Wm = as_matrix(W, "W")
    if Wm.shape[1] != A.shape[1]:
        raise SolverInputError(
            Text(
                f"W must be n×d with d = {A.shape[1]} (the number of input columns of a); got {Wm.shape[0]}×{Wm.shape[1]}",
                f"W 应为 n×d，其中 d = {A.shape[1]}（a 的列数）；实际为 {Wm.shape[0]}×{Wm.shape[1]}",
            )
        )
    n = Wm.shape[0]
    bias = per_feature(b, n, "b", 0.0)
    return A, Wm, bias, A @ Wm.T + bias[None, :]


def _layer_act(activation: str) -> str:
    name = str(activation).strip().lower()
    if name not in LAYER_ACTIVATIONS:
        raise SolverInputError(
            Text(
                f"activation must be one of {', '.join(LAYER_ACTIVATIONS)}",
                f"激活函数应为 {'、'.join(LAYER_ACTIVATIONS)} 之一",
            )
        )
    return name


BN_LAYER_PARAMS = [
    ParamSpec(
        "a", "matrix", Text("inputs a⁽ˡ⁻¹⁾ of the mini-batch, one sample per row", "小批量的输入 a⁽ˡ⁻¹⁾，每行一个样本")
    ),
    ParamSpec("W", "matrix", Text("weights W (n×d: one row per neuron)", "权重 W（n×d：每个神经元一行）")),
    ParamSpec(
        "b",
        "vector",
        Text("bias b per neuron (default 0)", "每个神经元的偏置 b（默认 0）"),
        default=None,
        required=False,
    ),
    ParamSpec(
        "activation",
        "choice",
        Text("f: relu, sigmoid, tanh or identity (default relu)", "f：relu、sigmoid、tanh 或 identity（默认 relu）"),
        default="relu",
        required=False,
        choices=LAYER_ACTIVATIONS,
    ),
    *NORM_PARAMS[1:],
]


@solver(
    "normalization.bn_layer",
    BN_LAYER_PARAMS,
    Text("a layer with batch norm on the net input: f(BN(W·a + b))", "净输入上做批量归一化的一层：f(BN(W·a + b))"),
)
def bn_layer(
    a: Any,
    W: Any,
    b: Any = None,
    activation: str = "relu",
    eps: float = DEFAULT_EPS,
    gamma: Any = None,
    beta: Any = None,
) -> Solution:
    act = _layer_act(activation)
    A, Wm, bias, Z = _net_input(a, W, b)
    if A.shape[0] < 2:
        raise SolverInputError(Text("batch norm needs at least two samples (rows)", "批量归一化至少需要两个样本（行）"))
    n = Wm.shape[0]
    e, g, bt = _eps(eps), per_feature(gamma, n, "gamma", 1.0), per_feature(beta, n, "beta", 0.0)
    rows, _ = _labels(A)
    cols = [f"j={j}" for j in range(1, n + 1)]
    steps = [
        Step(
            Text(
                "The textbook puts BN on the net input, before the activation: a⁽ˡ⁾ = f(BN(W·a⁽ˡ⁻¹⁾ + b)).",
                "教材把批量归一化放在净输入上、激活函数之前：a⁽ˡ⁾ = f(BN(W·a⁽ˡ⁻¹⁾ + b))。",
            ),
            result="(a) f(BN(W·a + b))",
            note=Text(
                "BN subtracts each neuron's batch mean, so the bias b cancels out: it is redundant (β takes its role).",
                "BN 会减去每个神经元的批均值，偏置 b 被抵消，因此是多余的（由 β 承担平移作用）。",
            ),
        ),
        Step(
            Text(
                "Net input of each sample: z = W·a + b (one row per sample, so Z = A·Wᵀ + b)",
                "每个样本的净输入：z = W·a + b（每行一个样本，即 Z = A·Wᵀ + b）",
            ),
            formula="z_kj = Σ_i W_ji·a_ki + b_j",
            substituted=";  ".join(
                f"z_{k + 1}{j + 1} = "
                + " + ".join(f"{_p(Wm[j, i])}·{_p(A[k, i])}" for i in range(A.shape[1]))
                + (f" + {_p(bias[j])}" if bias[j] else "")
                + f" = {_u(Z[k, j])}"
                for k in range(A.shape[0])
                for j in range(n)
            )
            if A.size * n <= 24
            else "",
            grids=(
                Grid.of(_r(A), rows, [f"i={i}" for i in range(1, A.shape[1] + 1)], Text("inputs a", "输入 a")),
                Grid.of(
                    _r(Wm),
                    [f"j={j}" for j in range(1, n + 1)],
                    [f"i={i}" for i in range(1, A.shape[1] + 1)],
                    Text("weights W", "权重 W"),
                ),
                Grid.of(_r(Z), rows, cols, Text("net input z", "净输入 z")),
            ),
        ),
    ]
    res = normalize(Z, 0, g, bt, e)
    steps.extend(norm_steps(Z, 0, g, bt, e, res)[1:])
    out = value(act, res["output"])
    steps.append(
        Step(
            Text(f"Activation after BN: a = {NAMES[act]}(y)", f"BN 之后再激活：a = {NAMES[act]}(y)"),
            formula="a = f(BN(z))",
            grids=(Grid.of(_r(out), rows, cols, Text("output a", "输出 a")),),
        )
    )
    return Solution(
        answers={
            "z": Z.tolist(),
            "mean": res["mean"].tolist(),
            "var": res["var"].tolist(),
            "bn": res["output"].tolist(),
            "output": out.tolist(),
            "placement": "a",
        },
        steps=steps,
    )


@mistake("normalization.bn_layer", "bn_after_activation")
def _bn_after_activation(
    a: Any,
    W: Any,
    b: Any = None,
    activation: str = "relu",
    eps: float = DEFAULT_EPS,
    gamma: Any = None,
    beta: Any = None,
) -> dict[str, Any]:
    """BN(f(W·a + b)): the activation is applied first and its output normalized."""
    act = _layer_act(activation)
    _, Wm, _, Z = _net_input(a, W, b)
    n = Wm.shape[0]
    try:
        res = normalize(
            value(act, Z), 0, per_feature(gamma, n, "gamma", 1.0), per_feature(beta, n, "beta", 0.0), _eps(eps)
        )
    except SolverInputError:
        return {"placement": "b"}
    return {"output": res["output"].tolist(), "placement": "b"}


@mistake("normalization.bn_layer", "bn_before_linear")
def _bn_before_linear(
    a: Any,
    W: Any,
    b: Any = None,
    activation: str = "relu",
    eps: float = DEFAULT_EPS,
    gamma: Any = None,
    beta: Any = None,
) -> dict[str, Any]:
    """f(W·BN(a) + b): the inputs are normalized instead of the net input (γ, β as given if they fit)."""
    act = _layer_act(activation)
    A, Wm, bias, _ = _net_input(a, W, b)
    d = A.shape[1]
    try:
        g = per_feature(gamma, d, "gamma", 1.0)
        bt = per_feature(beta, d, "beta", 0.0)
    except SolverInputError:
        g, bt = np.ones(d), np.zeros(d)
    try:
        res = normalize(A, 0, g, bt, _eps(eps))
    except SolverInputError:
        return {"placement": "c"}
    return {"output": value(act, res["output"] @ Wm.T + bias[None, :]).tolist(), "placement": "c"}


@mistake("normalization.bn_layer", "unbiased_variance")
def _bn_layer_unbiased(
    a: Any,
    W: Any,
    b: Any = None,
    activation: str = "relu",
    eps: float = DEFAULT_EPS,
    gamma: Any = None,
    beta: Any = None,
) -> dict[str, Any]:
    act = _layer_act(activation)
    _, Wm, _, Z = _net_input(a, W, b)
    n = Wm.shape[0]
    res = normalize(Z, 0, per_feature(gamma, n, "gamma", 1.0), per_feature(beta, n, "beta", 0.0), _eps(eps), ddof=1)
    return {"var": res["var"].tolist(), "bn": res["output"].tolist(), "output": value(act, res["output"]).tolist()}


@carry("normalization.bn_layer", "output")
def _bn_layer_output_carried(given: dict[str, Any], **inputs: Any) -> Any:
    """f applied to the student's own BN result."""
    if "bn" not in given:
        return None
    try:
        return value(_layer_act(inputs.get("activation", "relu")), np.asarray(given["bn"], dtype=float)).tolist()
    except (SolverInputError, ValueError, TypeError):
        return None


# --------------------------------------------------------------------------- data normalization


@solver(
    "normalization.minmax",
    [
        ParamSpec(
            "x",
            "vector",
            Text("values of one feature over the samples, e.g. 2,4,6,10", "某个特征在各样本上的取值，如 2,4,6,10"),
        )
    ],
    Text("min-max normalization of one feature to [0, 1]", "把一个特征最大最小值归一化到 [0, 1]"),
)
def minmax(x: Any) -> Solution:
    xs = as_vector(x, "x")
    lo, hi = float(xs.min()), float(xs.max())
    if hi == lo:
        raise SolverInputError(Text("all values are equal: max − min = 0", "所有值都相等：max − min = 0"))
    out = (xs - lo) / (hi - lo)
    steps = [
        Step(
            Text("Smallest and largest value", "最小值与最大值"),
            substituted=f"x = {_vec(xs)}",
            result=f"min = {_u(lo)}, max = {_u(hi)}",
        ),
        Step(
            Text("Rescale every value to [0, 1]", "把每个值缩放到 [0, 1]"),
            formula="x̂ = (x − min)/(max − min)",
            substituted=";  ".join(
                f"({_u(v)} − {_u(lo)})/({_u(hi)} − {_u(lo)}) = {_u(o)}" for v, o in zip(xs, out, strict=True)
            ).replace("− −", "+ "),
            result=f"x̂ = {_vec(out)}",
            grids=(Grid.of([_r(xs), _r(out)], ["x", "x̂"]),),
        ),
    ]
    return Solution(answers={"output": out.tolist(), "min": lo, "max": hi}, steps=steps)


@mistake("normalization.minmax", "divide_by_max")
def _minmax_by_max(x: Any) -> dict[str, Any]:
    """(x − min)/max: the range replaced by the maximum."""
    xs = as_vector(x, "x")
    if xs.max() == 0:
        return {}
    return {"output": ((xs - xs.min()) / xs.max()).tolist()}


@mistake("normalization.minmax", "reversed")
def _minmax_reversed(x: Any) -> dict[str, Any]:
    """(max − x)/(max − min): the largest value mapped to 0 instead of 1."""
    xs = as_vector(x, "x")
    if xs.max() == xs.min():
        return {}
    return {"output": ((xs.max() - xs) / (xs.max() - xs.min())).tolist()}


def _standardize(xs: np.ndarray, ddof: int = 0) -> tuple[float, float, float]:
    if xs.size - ddof <= 0:
        raise SolverInputError(Text("the unbiased variance needs at least two values", "无偏方差至少需要两个数"))
    mean = float(xs.mean())
    var = float(((xs - mean) ** 2).sum() / (xs.size - ddof))
    return mean, var, float(np.sqrt(var))


@solver(
    "normalization.standardize",
    [
        ParamSpec(
            "x",
            "vector",
            Text("values of one feature over the samples, e.g. 2,4,6,8", "某个特征在各样本上的取值，如 2,4,6,8"),
        )
    ],
    Text(
        "standardization (z-score) of one feature with the population σ", "用总体标准差 σ 对一个特征做标准化（z 分数）"
    ),
)
def standardize(x: Any) -> Solution:
    xs = as_vector(x, "x")
    mean, var, std = _standardize(xs)
    if std == 0:
        raise SolverInputError(Text("all values are equal: σ = 0", "所有值都相等：σ = 0"))
    out = (xs - mean) / std
    dev = xs - mean
    n = xs.size
    steps = [
        Step(
            Text("Mean", "均值"),
            formula="μ = (1/N)·Σ x_n",
            substituted=f"({' + '.join(_u(v) for v in xs)})/{n}".replace("+ −", "− "),
            result=_u(mean),
        ),
        Step(
            Text("Variance with 1/N (population variance)", "方差，除以 N（总体方差）"),
            formula="σ² = (1/N)·Σ (x_n − μ)²",
            substituted=f"({' + '.join(f'({_u(d)})²' if d < 0 else f'{_u(d)}²' for d in dev)})/{n}",
            result=_u(var),
            note=Text(
                "Standardization uses the statistics of the data themselves: divide by N, not N − 1.",
                "标准化用数据本身的统计量：除以 N，而不是 N − 1。",
            ),
        ),
        Step(Text("Standard deviation", "标准差"), formula="σ = √σ²", substituted=f"√{_u(var)}", result=_u(std)),
        Step(
            Text("Standardize every value", "对每个值标准化"),
            formula="x̂ = (x − μ)/σ",
            substituted=";  ".join(
                f"({_u(v)} − {_u(mean)})/{_u(std)} = {_u(o)}" for v, o in zip(xs, out, strict=True)
            ).replace("− −", "+ "),
            result=f"x̂ = {_vec(out)}",
            grids=(Grid.of([_r(xs), _r(dev), _r(out)], ["x", "x − μ", "x̂"]),),
        ),
    ]
    return Solution(answers={"output": out.tolist(), "mean": mean, "var": var, "std": std}, steps=steps)


@mistake("normalization.standardize", "unbiased_variance")
def _std_unbiased(x: Any) -> dict[str, Any]:
    """The sample variance (÷ N − 1) instead of the population variance (÷ N)."""
    xs = as_vector(x, "x")
    try:
        mean, var, std = _standardize(xs, ddof=1)
    except SolverInputError:
        return {}
    if std == 0:
        return {}
    return {"output": ((xs - mean) / std).tolist(), "var": var, "std": std}


@mistake("normalization.standardize", "std_instead_of_var")
def _std_by_var(x: Any) -> dict[str, Any]:
    """Divides by σ² instead of σ."""
    xs = as_vector(x, "x")
    mean, var, _ = _standardize(xs)
    if var == 0:
        return {}
    return {"output": ((xs - mean) / var).tolist()}


@mistake("normalization.standardize", "mean_not_subtracted")
def _std_no_center(x: Any) -> dict[str, Any]:
    xs = as_vector(x, "x")
    _, _, std = _standardize(xs)
    if std == 0:
        return {}
    return {"output": (xs / std).tolist()}


@carry("normalization.standardize", "output")
def _std_output_carried(given: dict[str, Any], **inputs: Any) -> Any:
    """The standardized values from the student's own μ and σ."""
    if "mean" not in given or "std" not in given:
        return None
    try:
        std = float(given["std"])
        if std == 0:
            return None
        return ((as_vector(inputs["x"], "x") - float(given["mean"])) / std).tolist()
    except (SolverInputError, ValueError, TypeError):
        return None


# --------------------------------------------------------------------------- whitening (PCA / ZCA)


def _whitening(X: np.ndarray, eps: float) -> dict[str, Any]:
    """Centre, covariance with 1/N, eigen-decomposition (largest eigenvalue first, each
    eigenvector's largest-magnitude entry positive, so the answer is unique), rotation onto the
    principal axes, and division by √(λ + ε)."""
    mean = X.mean(axis=0)
    centred = X - mean
    cov = centred.T @ centred / X.shape[0]
    values, vectors = np.linalg.eigh(cov)
    order = np.argsort(values)[::-1]
    values, vectors = values[order], vectors[:, order]
    for j in range(vectors.shape[1]):
        if vectors[np.argmax(np.abs(vectors[:, j])), j] < 0:
            vectors[:, j] = -vectors[:, j]
    values = np.where(np.abs(values) < 1e-12, 0.0, values)
    rotated = centred @ vectors
    return {"mean": mean, "centred": centred, "cov": cov, "values": values, "vectors": vectors, "rotated": rotated}


@solver(
    "normalization.whiten",
    [
        ParamSpec(
            "X", "matrix", Text("data, one row per sample, e.g. 1,2;3,5;5,5", "数据，每行一个样本，如 1,2;3,5;5,5")
        ),
        ParamSpec(
            "eps",
            "number",
            Text("ε added to every eigenvalue before the root (default 0)", "开方前加到每个特征值上的 ε（默认 0）"),
            default=0.0,
            required=False,
        ),
    ],
    Text(
        "PCA and ZCA whitening: covariance, its eigenvalues and eigenvectors, decorrelated unit-variance features",
        "PCA 与 ZCA 白化：协方差矩阵、特征值与特征向量，去相关且方差为 1 的特征",
    ),
)
def whiten(X: Any, eps: float = 0.0) -> Solution:
    data = as_matrix(X, "X")
    n, d = data.shape
    if n < 2:
        raise SolverInputError(Text("whitening needs at least two samples (rows)", "白化至少需要两个样本（两行）"))
    eps = float(eps or 0.0)
    if eps < 0:
        raise SolverInputError(Text("ε must not be negative", "ε 不能为负"))
    w = _whitening(data, eps)
    if np.any(w["values"] + eps <= 0):
        raise SolverInputError(
            Text(
                "an eigenvalue of the covariance is 0 (a feature is constant or the features are linearly dependent): "
                "that direction cannot be scaled to variance 1; give ε > 0",
                "协方差矩阵有特征值为 0（某个特征是常数，或特征线性相关）：该方向无法缩放到方差 1；请给出 ε > 0",
            )
        )
    scale = 1.0 / np.sqrt(w["values"] + eps)
    pca = w["rotated"] * scale
    zca = pca @ w["vectors"].T
    labels = [f"x{i + 1}" for i in range(n)]
    features = [f"f{j + 1}" for j in range(d)]
    eig_text = ", ".join(f"λ{j + 1} = {_u(v)}" for j, v in enumerate(w["values"]))
    steps = [
        Step(
            Text("Mean of every feature (column)", "每个特征（列）的均值"),
            formula="μ = (1/N)·Σ_n x_n",
            substituted=";  ".join(
                f"f{j + 1}: ({' + '.join(_u(v) for v in data[:, j])})/{n}".replace("+ −", "− ") for j in range(d)
            ),
            result=_vec(w["mean"]),
        ),
        Step(
            Text("Centre the data", "数据去均值"),
            formula="x̃_n = x_n − μ",
            result=f"{n}×{d}",
            grids=(Grid.of(grid_round(w["centred"]), labels, features),),
        ),
        Step(
            Text("Covariance matrix, divided by N", "协方差矩阵，除以 N"),
            formula="Σ = (1/N)·X̃ᵀX̃",
            substituted=f"(1/{n})·X̃ᵀX̃",
            result=f"{d}×{d}",
            grids=(Grid.of(grid_round(w["cov"]), features, features),),
            note=Text(
                "Off-diagonal entries are the correlations whitening removes.",
                "非对角元素就是白化要去掉的相关性。",
            ),
        ),
        Step(
            Text(
                "Eigen-decomposition Σ = UΛUᵀ (largest eigenvalue first; each eigenvector's largest entry made positive)",
                "特征分解 Σ = UΛUᵀ（特征值从大到小；每个特征向量绝对值最大的分量取正）",
            ),
            formula="det(Σ − λI) = 0,  Σu = λu",
            substituted=eig_text,
            result=_vec(w["values"]),
            grids=(Grid.of(grid_round(w["vectors"]), features, [f"u{j + 1}" for j in range(d)], Text("U", "U")),),
        ),
        Step(
            Text(
                "PCA: rotate onto the principal axes (the features become uncorrelated)",
                "PCA：旋转到主成分方向（特征不再相关）",
            ),
            formula="z_n = Uᵀx̃_n",
            result=f"{n}×{d}",
            grids=(Grid.of(grid_round(w["rotated"]), labels, [f"z{j + 1}" for j in range(d)]),),
        ),
        Step(
            Text("PCA whitening: scale each axis to variance 1", "PCA 白化：把每个方向缩放到方差 1"),
            formula="x̂_PCA = z / √(λ + ε)",
            substituted="; ".join(f"z{j + 1}/√({_u(v)} + {_u(eps)})" for j, v in enumerate(w["values"])),
            result=f"{n}×{d}",
            grids=(Grid.of(grid_round(pca), labels, [f"z{j + 1}/√λ{j + 1}" for j in range(d)]),),
            note=Text(
                "The covariance of the whitened data is the identity: uncorrelated features, all with variance 1.",
                "白化后数据的协方差是单位矩阵：特征互不相关，方差都为 1。",
            ),
        ),
        Step(
            Text(
                "ZCA whitening: rotate back (closest to the original data; unique, unlike PCA's signs)",
                "ZCA 白化：再旋转回原坐标（最接近原数据；不像 PCA 那样有符号的任意性）",
            ),
            formula="x̂_ZCA = U·x̂_PCA",
            result=f"{n}×{d}",
            grids=(Grid.of(grid_round(zca), labels, features),),
        ),
    ]
    return Solution(
        answers={
            "mean": w["mean"].tolist(),
            "cov": w["cov"].tolist(),
            "eigenvalues": w["values"].tolist(),
            "pca_white": pca.tolist(),
            "zca_white": zca.tolist(),
        },
        steps=steps,
    )


@mistake("normalization.whiten", "unbiased_covariance")
def _whiten_unbiased(X: Any, eps: float = 0.0, **_: Any) -> dict[str, Any]:
    """Covariance with 1/(N − 1): the eigenvalues grow by N/(N − 1)."""
    data = as_matrix(X, "X")
    n = data.shape[0]
    w = _whitening(data, float(eps or 0.0))
    return {"cov": (w["cov"] * n / (n - 1)).tolist(), "eigenvalues": (w["values"] * n / (n - 1)).tolist()}


@mistake("normalization.whiten", "not_centred")
def _whiten_not_centred(X: Any, eps: float = 0.0, **_: Any) -> dict[str, Any]:
    """The second moment XᵀX/N instead of the covariance: the mean was not subtracted."""
    data = as_matrix(X, "X")
    moment = data.T @ data / data.shape[0]
    values = np.sort(np.linalg.eigvalsh(moment))[::-1]
    return {"cov": moment.tolist(), "eigenvalues": values.tolist()}


@mistake("normalization.whiten", "divided_by_eigenvalue")
def _whiten_by_lambda(X: Any, eps: float = 0.0, **_: Any) -> dict[str, Any]:
    """Divides the rotated data by λ instead of √λ."""
    data = as_matrix(X, "X")
    eps = float(eps or 0.0)
    w = _whitening(data, eps)
    if np.any(w["values"] + eps <= 0):
        return {}
    pca = w["rotated"] / (w["values"] + eps)
    return {"pca_white": pca.tolist(), "zca_white": (pca @ w["vectors"].T).tolist()}
