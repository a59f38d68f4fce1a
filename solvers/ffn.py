"""Feed-forward (fully connected) networks (nndl ch. 4.3): layer counting, parameter counts and
one forward pass.

Conventions (nndl §4.3): layer sizes M_0, M_1, …, M_L with M_0 the input; the input layer is
*not* counted, so the network has L = (number of sizes − 1) layers: L − 1 hidden layers and the
output layer. Layer l has W⁽ˡ⁾ ∈ ℝ^{M_l×M_{l−1}} and b⁽ˡ⁾ ∈ ℝ^{M_l}, so M_l·M_{l−1} + M_l
parameters. Forward pass with column vectors: z⁽ˡ⁾ = W⁽ˡ⁾a⁽ˡ⁻¹⁾ + b⁽ˡ⁾, a⁽ˡ⁾ = f_l(z⁽ˡ⁾), a⁽⁰⁾ = x.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from solvers.activations import ACTIVATIONS, NAMES, value
from solvers.arrays import softmax
from solvers.core import Grid, ParamSpec, Solution, SolverInputError, Step, Text
from solvers.registry import carry, mistake, solver
from solvers.textfmt import _n as _u
from solvers.textfmt import _pn as _p
from solvers.textfmt import _v as _vec
from solvers.textfmt import grid_round, sup


def _s(index: int) -> str:
    """Layer index as a superscript: ⁽²⁾."""
    return f"⁽{sup(index)}⁾"


_r = grid_round


# --------------------------------------------------------------------------- parameter counts


def _sizes(sizes: Any) -> list[int]:
    try:
        raw = [float(s) for s in (sizes if isinstance(sizes, (list, tuple)) else [sizes])]
    except (TypeError, ValueError):
        raise SolverInputError(
            Text("sizes must be a list of whole numbers, e.g. 784,256,10", "sizes 必须是一组整数，如 784,256,10")
        ) from None
    if len(raw) < 2:
        raise SolverInputError(
            Text("give at least two layer sizes: the input and the output", "至少给出两个层大小：输入层和输出层")
        )
    if any(s != int(s) or s < 1 for s in raw):
        raise SolverInputError(Text("every layer size must be a positive whole number", "每层的大小必须是正整数"))
    return [int(s) for s in raw]


def count_params(sizes: list[int], bias: bool = True) -> tuple[list[int], list[int]]:
    """Weights and biases of each layer l = 1..L."""
    weights = [sizes[i] * sizes[i - 1] for i in range(1, len(sizes))]
    biases = [sizes[i] if bias else 0 for i in range(1, len(sizes))]
    return weights, biases


@solver(
    "ffn.params",
    [
        ParamSpec(
            "sizes",
            "vector",
            Text("layer sizes from the input to the output, e.g. 784,256,10", "从输入到输出的各层大小，如 784,256,10"),
        ),
        ParamSpec(
            "bias",
            "bool",
            Text("every neuron has a bias (default true)", "每个神经元带偏置（默认 true）"),
            default=True,
            required=False,
        ),
    ],
    Text("an MLP: number of layers, parameters per layer and in total", "多层感知器：层数、每层与总参数量"),
)
def params(sizes: Any, bias: bool = True) -> Solution:
    m = _sizes(sizes)
    weights, biases = count_params(m, bool(bias))
    per_layer = [w + b for w, b in zip(weights, biases, strict=True)]
    layers = len(m) - 1
    steps = [
        Step(
            Text(
                f"Layer sizes M_0 … M_L = {', '.join(map(str, m))}. The input layer (layer 0) is not counted, so the "
                f"network has L = {layers} layer(s): {layers - 1} hidden and 1 output.",
                f"各层大小 M_0 … M_L = {', '.join(map(str, m))}。输入层（第 0 层）不计入层数，所以网络共 L = {layers} 层："
                f"{layers - 1} 个隐藏层和 1 个输出层。",
            ),
            formula="L = #{M_0, …, M_L} − 1",
            substituted=f"{len(m)} − 1",
            result=str(layers),
        )
    ]
    for index, (w, b) in enumerate(zip(weights, biases, strict=True), start=1):
        n_in, n_out = m[index - 1], m[index]
        steps.append(
            Step(
                Text(
                    f"Layer {index}: W{_s(index)} is {n_out}×{n_in}"
                    + (f", b{_s(index)} has {n_out} entries" if bias else " (no bias)"),
                    f"第 {index} 层：W{_s(index)} 为 {n_out}×{n_in}"
                    + (f"，b{_s(index)} 有 {n_out} 个元素" if bias else "（无偏置）"),
                ),
                formula="M_l·M_{l−1} + M_l" if bias else "M_l·M_{l−1}",
                substituted=f"{n_out}·{n_in} + {n_out}" if bias else f"{n_out}·{n_in}",
                result=str(w + b),
            )
        )
    total = sum(per_layer)
    steps.append(
        Step(
            Text("Total parameters", "参数总量"),
            formula="Σ_l (M_l·M_{l−1} + M_l)" if bias else "Σ_l M_l·M_{l−1}",
            substituted=" + ".join(map(str, per_layer)),
            result=str(total),
            grids=(
                Grid.of(
                    [[f"{m[i - 1]}→{m[i]}", weights[i - 1], biases[i - 1], per_layer[i - 1]] for i in range(1, len(m))],
                    [f"l={i}" for i in range(1, len(m))],
                    ("M_{l−1}→M_l", "W", "b", "Σ"),
                    Text("parameters per layer", "每层参数量"),
                ),
            ),
        )
    )
    return Solution(
        answers={
            "params": total,
            "weights": sum(weights),
            "biases": sum(biases),
            "per_layer": per_layer,
            "layers": layers,
            "hidden_layers": layers - 1,
            "neurons": sum(m[1:]),
        },
        steps=steps,
    )


@mistake("ffn.params", "biases_forgotten")
def _params_no_bias(sizes: Any, bias: bool = True) -> dict[str, Any]:
    if not bias:
        return {}
    weights, _ = count_params(_sizes(sizes), False)
    return {"params": sum(weights), "biases": 0, "per_layer": weights}


@mistake("ffn.params", "biases_added")
def _params_bias_added(sizes: Any, bias: bool = True) -> dict[str, Any]:
    """Biases counted although the question says the layers have none."""
    if bias:
        return {}
    weights, biases = count_params(_sizes(sizes), True)
    return {
        "params": sum(weights) + sum(biases),
        "biases": sum(biases),
        "per_layer": [w + b for w, b in zip(weights, biases, strict=True)],
    }


@mistake("ffn.params", "input_layer_counted")
def _params_input_counted(sizes: Any, **_: Any) -> dict[str, Any]:
    m = _sizes(sizes)
    return {"layers": len(m), "neurons": sum(m)}


@mistake("ffn.params", "output_layer_not_counted")
def _params_only_hidden(sizes: Any, **_: Any) -> dict[str, Any]:
    """Only the hidden layers counted as the network's layers."""
    m = _sizes(sizes)
    return {"layers": len(m) - 2, "neurons": sum(m[1:-1])}


@mistake("ffn.params", "input_biases_counted")
def _params_input_biases(sizes: Any, bias: bool = True) -> dict[str, Any]:
    """One bias per neuron of every layer including the input layer."""
    if not bias:
        return {}
    m = _sizes(sizes)
    weights, _ = count_params(m, False)
    return {"params": sum(weights) + sum(m), "biases": sum(m)}


# --------------------------------------------------------------------------- forward pass

HIDDEN = (*ACTIVATIONS, "identity")
OUTPUTS = ("linear", "sigmoid", "softmax", "same")


def _layers(
    x: Any, W1: Any, b1: Any, W2: Any, b2: Any, W3: Any, b3: Any
) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
    try:
        a0 = np.asarray(x if isinstance(x, (list, tuple)) else [x], dtype=float).ravel()
    except (TypeError, ValueError):
        raise SolverInputError(Text("x must be a list of numbers", "x 必须是一组数")) from None
    if a0.size == 0 or not np.all(np.isfinite(a0)):
        raise SolverInputError(Text("x must be a non-empty list of finite numbers", "x 必须是非空的一组有限数"))
    pairs = [(W1, b1), (W2, b2), (W3, b3)]
    layers: list[tuple[np.ndarray, np.ndarray]] = []
    n_in = a0.size
    ended = False
    for index, (W, b) in enumerate(pairs, start=1):
        if W is None:
            if b is not None:
                raise SolverInputError(Text(f"b{index} is given without W{index}", f"给了 b{index} 却没有 W{index}"))
            ended = True
            continue
        if ended:
            raise SolverInputError(
                Text(f"W{index} is given but an earlier layer is missing", f"给了 W{index}，但缺少前面的层")
            )
        try:
            Wm = np.asarray(W, dtype=float)
        except (TypeError, ValueError):
            raise SolverInputError(
                Text(f"W{index} must be a matrix with rows of equal length", f"W{index} 必须是各行等长的矩阵")
            ) from None
        if Wm.ndim == 1:
            Wm = Wm.reshape(1, -1)
        if Wm.ndim != 2 or Wm.size == 0 or not np.all(np.isfinite(Wm)):
            raise SolverInputError(
                Text(f"W{index} must be a non-empty matrix of numbers", f"W{index} 必须是非空的数值矩阵")
            )
        if Wm.shape[1] != n_in:
            hint_en = hint_zh = ""
            if Wm.shape[0] == n_in:
                hint_en = f" (it looks transposed: write W{index} with one row per neuron of layer {index})"
                hint_zh = f"（看起来转置了：W{index} 应每行对应第 {index} 层的一个神经元）"
            raise SolverInputError(
                Text(
                    f"W{index} must be M_{index}×{n_in} (one column per input of layer {index}); got {Wm.shape[0]}×{Wm.shape[1]}{hint_en}",
                    f"W{index} 应为 M_{index}×{n_in}（第 {index} 层每个输入对应一列）；实际为 {Wm.shape[0]}×{Wm.shape[1]}{hint_zh}",
                )
            )
        if b is None:
            bv = np.zeros(Wm.shape[0])
        else:
            bv = np.asarray(b if isinstance(b, (list, tuple)) else [b], dtype=float).ravel()
            if bv.size == 1 and Wm.shape[0] > 1:
                bv = np.full(Wm.shape[0], bv[0])
            if bv.size != Wm.shape[0]:
                raise SolverInputError(
                    Text(
                        f"b{index} needs {Wm.shape[0]} entries (one per neuron)",
                        f"b{index} 应有 {Wm.shape[0]} 个元素（每个神经元一个）",
                    )
                )
        layers.append((Wm, bv))
        n_in = Wm.shape[0]
    if not layers:
        raise SolverInputError(Text("give at least W1", "至少给出 W1"))
    return a0, layers


def _check_choices(activation: str, output: str) -> tuple[str, str]:
    act = str(activation).strip().lower()
    out = str(output).strip().lower()
    out = {"identity": "linear", "none": "linear"}.get(out, out)
    if act not in HIDDEN:
        raise SolverInputError(
            Text(f"activation must be one of {', '.join(HIDDEN)}", f"激活函数应为 {'、'.join(HIDDEN)} 之一")
        )
    if out not in OUTPUTS:
        raise SolverInputError(
            Text(f"output must be one of {', '.join(OUTPUTS)}", f"输出层应为 {'、'.join(OUTPUTS)} 之一")
        )
    return act, out


def _apply(kind: str, z: np.ndarray, slope: float, alpha: float) -> np.ndarray:
    if kind == "linear":
        return z.copy()
    if kind == "softmax":
        return softmax(z)
    return value(kind, z, slope, alpha)


def run(
    a0: np.ndarray,
    layers: list[tuple[np.ndarray, np.ndarray]],
    act: str,
    out: str,
    slope: float,
    alpha: float,
    *,
    use_bias: bool = True,
    hidden_act: bool = True,
    output_kind: str | None = None,
    transpose_square: bool = False,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(z⁽ˡ⁾, a⁽ˡ⁾) for every layer; the keyword flags reproduce misconceptions."""
    result: list[tuple[np.ndarray, np.ndarray]] = []
    a = a0
    last = len(layers)
    for index, (W, b) in enumerate(layers, start=1):
        Wm = W.T if transpose_square and W.shape[0] == W.shape[1] else W
        z = Wm @ a + (b if use_bias else 0.0)
        if index < last:
            a = _apply(act if hidden_act else "linear", z, slope, alpha)
        else:
            kind = output_kind or (act if out == "same" else out)
            a = _apply(kind, z, slope, alpha)
        result.append((z, a))
    return result


FORWARD_PARAMS = [
    ParamSpec("x", "vector", Text("input x = a⁽⁰⁾", "输入 x = a⁽⁰⁾")),
    ParamSpec(
        "W1", "matrix", Text("W⁽¹⁾, one row per neuron of layer 1 (M_1×M_0)", "W⁽¹⁾，第 1 层每个神经元一行（M_1×M_0）")
    ),
    ParamSpec("b1", "vector", Text("b⁽¹⁾ (default 0)", "b⁽¹⁾（默认 0）"), default=None, required=False),
    ParamSpec("W2", "matrix", Text("W⁽²⁾ (M_2×M_1), optional", "W⁽²⁾（M_2×M_1），可选"), default=None, required=False),
    ParamSpec("b2", "vector", Text("b⁽²⁾ (default 0)", "b⁽²⁾（默认 0）"), default=None, required=False),
    ParamSpec("W3", "matrix", Text("W⁽³⁾ (M_3×M_2), optional", "W⁽³⁾（M_3×M_2），可选"), default=None, required=False),
    ParamSpec("b3", "vector", Text("b⁽³⁾ (default 0)", "b⁽³⁾（默认 0）"), default=None, required=False),
    ParamSpec(
        "activation",
        "choice",
        Text("hidden activation f (default relu)", "隐藏层激活函数 f（默认 relu）"),
        default="relu",
        required=False,
        choices=HIDDEN,
    ),
    ParamSpec(
        "output",
        "choice",
        Text(
            "output layer: linear, sigmoid, softmax, or same as hidden (default linear)",
            "输出层：linear、sigmoid、softmax 或与隐藏层相同（默认 linear）",
        ),
        default="linear",
        required=False,
        choices=OUTPUTS,
    ),
    ParamSpec(
        "slope",
        "number",
        Text("leaky ReLU slope (default 0.01)", "Leaky ReLU 斜率（默认 0.01）"),
        default=0.01,
        required=False,
    ),
    ParamSpec("alpha", "number", Text("ELU α (default 1)", "ELU 的 α（默认 1）"), default=1.0, required=False),
]


def _kind_name(kind: str) -> tuple[str, str]:
    if kind == "linear":
        return "identity (linear output)", "恒等（线性输出）"
    if kind == "softmax":
        return "softmax", "softmax"
    return NAMES.get(kind, kind), NAMES.get(kind, kind)


def _activation_text(kind: str, index: int, z: np.ndarray, a: np.ndarray) -> tuple[str, str]:
    """The formula of a layer's activation and its substitution (softmax shows the exponentials)."""
    if kind == "softmax":
        if z.max() < 50:
            exps = np.exp(z)
            sub = f"e^z = {_vec(exps)}, Σ = {_u(exps.sum())}"
        else:  # shifting by max z changes nothing and avoids overflow
            exps = np.exp(z - z.max())
            sub = f"e^(z − max z) = {_vec(exps)}, Σ = {_u(exps.sum())}"
        formula = "a_i = e^{z_i} / Σ_j e^{z_j}"
    elif kind == "linear":
        sub, formula = "a = z", "a⁽ᴸ⁾ = z⁽ᴸ⁾"
    else:
        sub = ";  ".join(f"{NAMES[kind]}({_u(zj)}) = {_u(aj)}" for zj, aj in zip(z, a, strict=True))
        formula = f"a{_s(index)} = {NAMES[kind]}(z{_s(index)})"
    return formula, sub


@solver(
    "ffn.forward",
    FORWARD_PARAMS,
    Text("one forward pass of a small MLP: z and a of every layer", "小型多层感知器的一次前向传播：每层的 z 与 a"),
)
def forward(
    x: Any,
    W1: Any,
    b1: Any = None,
    W2: Any = None,
    b2: Any = None,
    W3: Any = None,
    b3: Any = None,
    activation: str = "relu",
    output: str = "linear",
    slope: float = 0.01,
    alpha: float = 1.0,
) -> Solution:
    act, out = _check_choices(activation, output)
    a0, layers = _layers(x, W1, b1, W2, b2, W3, b3)
    slope, alpha = float(slope), float(alpha)
    values = run(a0, layers, act, out, slope, alpha)
    last = len(layers)
    steps = [
        Step(
            Text(
                f"Input a⁽⁰⁾ = x = {_vec(a0)}. Each layer computes z⁽ˡ⁾ = W⁽ˡ⁾a⁽ˡ⁻¹⁾ + b⁽ˡ⁾, then a⁽ˡ⁾ = f(z⁽ˡ⁾); "
                f"{last} layer(s), the input layer is not counted.",
                f"输入 a⁽⁰⁾ = x = {_vec(a0)}。每层先算 z⁽ˡ⁾ = W⁽ˡ⁾a⁽ˡ⁻¹⁾ + b⁽ˡ⁾，再算 a⁽ˡ⁾ = f(z⁽ˡ⁾)；共 {last} 层（输入层不计）。",
            ),
        )
    ]
    answers: dict[str, Any] = {}
    a_prev = a0
    for index, ((W, b), (z, a)) in enumerate(zip(layers, values, strict=True), start=1):
        terms = []
        for j in range(W.shape[0]):
            products = " + ".join(f"{_p(W[j, i])}·{_p(a_prev[i])}" for i in range(W.shape[1]))
            terms.append(f"z_{j + 1} = {products} + {_p(b[j])} = {_u(z[j])}")
        kind = act if index < last else (act if out == "same" else out)
        en, zh = _kind_name(kind)
        rows = [[*_r(W[j]), _r(b[j]), _r(z[j]), _r(a[j])] for j in range(W.shape[0])]
        cols = [f"w{i + 1}" for i in range(W.shape[1])] + ["b", "z", "a"]
        steps.append(
            Step(
                Text(f"Layer {index}: net input", f"第 {index} 层：净输入"),
                formula=f"z{_s(index)} = W{_s(index)}·a{_s(index - 1)} + b{_s(index)}",
                substituted=";  ".join(terms),
                result=f"z{_s(index)} = {_vec(z)}",
            )
        )
        formula, sub = _activation_text(kind, index, z, a)
        steps.append(
            Step(
                Text(
                    f"Layer {index} ({'output' if index == last else 'hidden'}): activation {en}",
                    f"第 {index} 层（{'输出层' if index == last else '隐藏层'}）：激活函数 {zh}",
                ),
                formula=formula,
                substituted=sub,
                result=f"a{_s(index)} = {_vec(a)}",
                grids=(
                    Grid.of(
                        rows,
                        [f"j={j + 1}" for j in range(W.shape[0])],
                        cols,
                        Text(f"layer {index}", f"第 {index} 层"),
                    ),
                ),
                note=Text(
                    "The output layer of a regression network is linear: no activation on the last layer.",
                    "回归网络的输出层是线性的：最后一层不加激活函数。",
                )
                if kind == "linear" and act != "identity"
                else None,
            )
        )
        answers[f"z{index}"] = z.tolist()
        answers[f"a{index}"] = a.tolist()
        a_prev = a
    answers["output"] = values[-1][1].tolist()
    return Solution(answers=answers, steps=steps)


def _forward_answers(values: list[tuple[np.ndarray, np.ndarray]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for index, (z, a) in enumerate(values, start=1):
        out[f"z{index}"] = z.tolist()
        out[f"a{index}"] = a.tolist()
    out["output"] = values[-1][1].tolist()
    return out


def _forward_mistake(inputs: dict[str, Any], **flags: Any) -> dict[str, Any]:
    act, out = _check_choices(inputs.get("activation", "relu"), inputs.get("output", "linear"))
    a0, layers = _layers(
        inputs["x"],
        inputs["W1"],
        inputs.get("b1"),
        inputs.get("W2"),
        inputs.get("b2"),
        inputs.get("W3"),
        inputs.get("b3"),
    )
    values = run(a0, layers, act, out, float(inputs.get("slope", 0.01)), float(inputs.get("alpha", 1.0)), **flags)
    return _forward_answers(values)


def _final_layer(result: dict[str, Any]) -> dict[str, Any]:
    """Only the last layer's activation and the output (what an output-layer mistake changes)."""
    last = max(int(k[1:]) for k in result if k.startswith("a"))
    return {f"a{last}": result[f"a{last}"], "output": result["output"]}


@mistake("ffn.forward", "biases_forgotten")
def _fwd_no_bias(**inputs: Any) -> dict[str, Any]:
    return _forward_mistake(inputs, use_bias=False)


@mistake("ffn.forward", "output_activation_applied")
def _fwd_output_act(**inputs: Any) -> dict[str, Any]:
    """The hidden activation also applied to a linear output layer."""
    act, out = _check_choices(inputs.get("activation", "relu"), inputs.get("output", "linear"))
    if out != "linear":
        return {}
    return _final_layer(_forward_mistake(inputs, output_kind=act))


@mistake("ffn.forward", "output_activation_forgotten")
def _fwd_output_forgotten(**inputs: Any) -> dict[str, Any]:
    """z⁽ᴸ⁾ given as the output although the output layer has a sigmoid/softmax."""
    _, out = _check_choices(inputs.get("activation", "relu"), inputs.get("output", "linear"))
    if out == "linear":
        return {}
    return _final_layer(_forward_mistake(inputs, output_kind="linear"))


@mistake("ffn.forward", "hidden_activation_forgotten")
def _fwd_hidden_forgotten(**inputs: Any) -> dict[str, Any]:
    """a⁽ˡ⁾ = z⁽ˡ⁾ in the hidden layers (no nonlinearity)."""
    if inputs.get("W2") is None:
        return {}
    return _forward_mistake(inputs, hidden_act=False)


@mistake("ffn.forward", "w_transposed")
def _fwd_transposed(**inputs: Any) -> dict[str, Any]:
    """Wᵀa instead of Wa (only possible, and only caught, where W is square)."""
    _, layers = _layers(*(inputs.get(k) for k in ("x", "W1", "b1", "W2", "b2", "W3", "b3")))
    if not any(W.shape[0] == W.shape[1] for W, _ in layers):
        return {}
    return _forward_mistake(inputs, transpose_square=True)


@carry("ffn.forward", "output")
def _fwd_output_carried(given: dict[str, Any], **inputs: Any) -> Any:
    """The output from the student's own z⁽ᴸ⁾, or else from their a⁽ᴸ⁻¹⁾."""
    try:
        act, out = _check_choices(inputs.get("activation", "relu"), inputs.get("output", "linear"))
        _, layers = _layers(
            inputs["x"],
            inputs["W1"],
            inputs.get("b1"),
            inputs.get("W2"),
            inputs.get("b2"),
            inputs.get("W3"),
            inputs.get("b3"),
        )
        last = len(layers)
        kind = act if out == "same" else out
        slope, alpha = float(inputs.get("slope", 0.01)), float(inputs.get("alpha", 1.0))
        W, b = layers[-1]
        if f"z{last}" in given:  # the student's own net input of the output layer
            z = np.asarray(given[f"z{last}"], dtype=float).ravel()
            return _apply(kind, z, slope, alpha).tolist() if z.size == W.shape[0] else None
        key = f"a{last - 1}"
        if last < 2 or key not in given:
            return None
        a = np.asarray(given[key], dtype=float).ravel()
        if a.size != W.shape[1]:
            return None
        return _apply(kind, W @ a + b, slope, alpha).tolist()
    except (SolverInputError, ValueError, TypeError):
        return None


def _carry_layer(given: dict[str, Any], inputs: dict[str, Any], key: str) -> Any:
    """z⁽ˡ⁾ from the student's a⁽ˡ⁻¹⁾, or a⁽ˡ⁾ from the student's z⁽ˡ⁾."""
    try:
        act, out = _check_choices(inputs.get("activation", "relu"), inputs.get("output", "linear"))
        _, layers = _layers(
            inputs["x"],
            inputs["W1"],
            inputs.get("b1"),
            inputs.get("W2"),
            inputs.get("b2"),
            inputs.get("W3"),
            inputs.get("b3"),
        )
        index = int(key[1:])
        if index > len(layers):
            return None
        if key[0] == "z":
            source = f"a{index - 1}"
            if index < 2 or source not in given:
                return None
            a = np.asarray(given[source], dtype=float).ravel()
            W, b = layers[index - 1]
            return (W @ a + b).tolist() if a.size == W.shape[1] else None
        if f"z{index}" not in given:
            return None
        kind = act if index < len(layers) else (act if out == "same" else out)
        z = np.asarray(given[f"z{index}"], dtype=float).ravel()
        return _apply(kind, z, float(inputs.get("slope", 0.01)), float(inputs.get("alpha", 1.0))).tolist()
    except (SolverInputError, ValueError, TypeError):
        return None


for _key in ("a1", "z2", "a2", "z3", "a3"):

    def _register_carry(key: str = _key) -> None:
        @carry("ffn.forward", key)
        def _carried(given: dict[str, Any], **inputs: Any) -> Any:
            return _carry_layer(given, inputs, key)

    _register_carry()
