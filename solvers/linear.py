"""Linear classification models (nndl ch. 3): logistic regression and softmax regression.

Conventions (nndl and the course notes):

- Logistic regression: ŷ = p(y=1|x) = σ(wᵀx + b) with σ(z) = 1/(1 + exp(−z)); the net input is
  the log-odds, wᵀx + b = ln(p(y=1|x)/p(y=0|x)) (natural log). The notes write the model without
  a bias (x augmented with a constant 1); a bias is optional here.
- Cross-entropy risk: R(w) = −(1/N) Σ [y ln ŷ + (1 − y) ln(1 − ŷ)] with y ∈ {0, 1}.
- Gradient step (the notes' form): w ← w + α·(1/N) Σ x_n (y_n − ŷ_n), i.e. w − α·∂R/∂w.
- Softmax regression: W = [w_1, …, w_C] is d×C (one COLUMN per class), z = Wᵀx + b,
  ŷ = softmax(z); loss −ln ŷ_y; W ← W + α·(1/N) Σ x_n (y_n − ŷ_n)ᵀ with y_n one-hot.
  Class labels are numbered 1…C as in the textbook.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from solvers.arrays import as_matrix as _matrix
from solvers.arrays import as_vector as _vector
from solvers.arrays import bce_from_logits, log_softmax, sigmoid, softmax
from solvers.core import Grid, ParamSpec, Solution, SolverInputError, Step, Text, input_error
from solvers.registry import mistake, solver
from solvers.textfmt import _cells, _m, _n, _pn, _sub, _v


def _dot_text(w: np.ndarray, x: np.ndarray) -> str:
    return " + ".join(f"{_pn(a)}·{_pn(b)}" for a, b in zip(w, x, strict=True))


# --------------------------------------------------------------------------- input helpers


def _check_len(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    if a.shape[-1] != b.shape[-1]:
        raise SolverInputError(
            Text(
                f"{name_a} has {a.shape[-1]} components but {name_b} has {b.shape[-1]}",
                f"{name_a} 有 {a.shape[-1]} 个分量，而 {name_b} 有 {b.shape[-1]} 个",
            )
        )


def _labels01(value: Any, n: int) -> np.ndarray:
    y = _vector(value, "y")
    if y.size != n:
        raise SolverInputError(Text(f"give one label per sample ({n})", f"每个样本需要一个标签（共 {n} 个）"))
    if not np.all((y == 0) | (y == 1)):
        raise SolverInputError(
            Text(
                "logistic regression labels must be 0 or 1 (use 0, not −1, for the negative class)",
                "Logistic 回归的标签必须是 0 或 1（负类用 0 而不是 −1）",
            )
        )
    return y.astype(int)


def _class_labels(value: Any, n: int, classes: int) -> np.ndarray:
    y = _vector(value, "y")
    if y.size != n:
        raise SolverInputError(Text(f"give one class label per sample ({n})", f"每个样本需要一个类别标签（共 {n} 个）"))
    if not np.all((y == np.round(y)) & (y >= 1) & (y <= classes)):
        raise SolverInputError(Text(f"class labels are numbered 1…{classes}", f"类别标签应为 1…{classes} 之间的整数"))
    return y.astype(int)


def _check_alpha(alpha: float) -> float:
    alpha = float(alpha)
    if not math.isfinite(alpha) or alpha <= 0:
        raise SolverInputError(Text("the learning rate α must be positive", "学习率 α 必须为正"))
    return alpha


# --------------------------------------------------------------------------- math helpers


EXP_SHIFT_ABOVE = 700.0  # exp(x) overflows a float a little above 709


def bce(y: np.ndarray, p: np.ndarray, log: Any = np.log) -> np.ndarray:
    """Per-sample binary cross-entropy −[y log p + (1 − y) log(1 − p)] (natural log by default)."""
    with np.errstate(divide="ignore"):
        return -np.where(y == 1, log(p), log(1.0 - p))


# --------------------------------------------------------------------------- logistic: one sample


@solver(
    "linear.logistic",
    [
        ParamSpec("w", "vector", Text("weight vector w", "权重向量 w")),
        ParamSpec("x", "vector", Text("input vector x", "输入向量 x")),
        ParamSpec("b", "number", Text("bias b (default 0)", "偏置 b（默认 0）"), default=0.0, required=False),
    ],
    Text(
        "logistic regression on one input: σ(wᵀx + b), odds and log-odds",
        "Logistic 回归单个输入：σ(wᵀx + b)、几率与对数几率",
    ),
)
def logistic(w: Any, x: Any, b: float = 0.0) -> Solution:
    wv, xv = _vector(w, "w"), _vector(x, "x")
    _check_len(wv, xv, "w", "x")
    b = float(b or 0.0)
    z = float(wv @ xv + b)
    steps = [
        Step(
            Text("Net input (a linear function of x)", "净输入（x 的线性函数）"),
            formula="z = wᵀx + b",
            substituted=f"{_dot_text(wv, xv)} + {_pn(b)}",
            result=_n(z, 6),
        )
    ]
    p = float(sigmoid(z))
    steps.append(
        Step(
            Text("Probability of the positive class through the logistic function", "通过 Logistic 函数得到正类的概率"),
            formula="ŷ = p(y=1|x) = σ(z) = 1/(1 + exp(−z))",
            substituted=f"1/(1 + exp({_n(-z)}))",
            result=_n(p, 6),
        )
    )
    q = float(sigmoid(-z))  # = 1 − ŷ, without the cancellation of 1 − ŷ when ŷ ≈ 1
    steps.append(
        Step(
            Text("Probability of the negative class", "负类的概率"),
            formula="p(y=0|x) = 1 − ŷ",
            substituted=f"1 − {_n(p)}",
            result=_n(q, 6),
        )
    )
    if z > EXP_SHIFT_ABOVE:
        raise input_error(
            f"the odds exp(z) = exp({_n(z)}) are too large for a float (the log-odds are z = {_n(z)})",
            f"几率 exp(z) = exp({_n(z)}) 太大，超出浮点数范围（对数几率就是 z = {_n(z)}）",
        )
    odds = math.exp(z)  # = p/q, without dividing by a q that underflows to 0 for large z
    steps.append(
        Step(
            Text("Odds of the positive class", "正类的几率（odds）"),
            formula="odds = p(y=1|x)/p(y=0|x) = exp(z)",
            substituted=f"{_n(p)}/{_n(q)} = exp({_n(z)})",
            result=_n(odds, 6),
        )
    )
    log_odds = z  # ln(p/q) = ln(exp(z)) exactly; computing ln p − ln q would fail once q underflows
    steps.append(
        Step(
            Text(
                "Log-odds (natural log): it equals the net input, which is why logistic regression is "
                "called a log-linear (对数几率) model",
                "对数几率（自然对数）：它就等于净输入，这正是“对数几率回归”名字的由来",
            ),
            formula="ln(p(y=1|x)/p(y=0|x)) = wᵀx + b",
            substituted=f"ln({_n(odds)})",
            result=_n(log_odds, 6),
            note=Text(
                "ln is the natural logarithm (base e), not log₁₀.", "这里的 ln 是自然对数（以 e 为底），不是 log₁₀。"
            ),
        )
    )
    label = 1 if z >= 0 else 0
    steps.append(
        Step(
            Text("Decision: predict 1 when ŷ ≥ 0.5, i.e. when z ≥ 0", "判决：当 ŷ ≥ 0.5（即 z ≥ 0）时预测为 1"),
            formula="ŷ ≥ 0.5 ⇔ z ≥ 0",
            substituted=f"z = {_n(z)}",
            result=str(label),
        )
    )
    return Solution(
        answers={"z": z, "prob": p, "prob_neg": q, "odds": odds, "log_odds": log_odds, "label": label},
        steps=steps,
    )


def _logistic_from_z(z: float) -> dict[str, Any]:
    p = float(sigmoid(z))
    return {"z": z, "prob": p, "prob_neg": 1 - p, "odds": p / (1 - p), "log_odds": z, "label": 1 if z >= 0 else 0}


@mistake("linear.logistic", "bias_forgotten")
def _logistic_no_bias(w: Any, x: Any, b: float = 0.0) -> dict[str, Any]:
    if not b:
        return {}
    return _logistic_from_z(float(_vector(w, "w") @ _vector(x, "x")))


@mistake("linear.logistic", "sigmoid_sign_flipped")
def _logistic_sign_flipped(w: Any, x: Any, b: float = 0.0) -> dict[str, Any]:
    """Writes σ(z) = 1/(1 + exp(z)): every probability comes out as the other class's."""
    z = float(_vector(w, "w") @ _vector(x, "x") + float(b or 0.0))
    p = float(sigmoid(-z))
    return {"prob": p, "prob_neg": 1 - p, "odds": p / (1 - p), "log_odds": -z}


@mistake("linear.logistic", "log10_log_odds")
def _logistic_log10(w: Any, x: Any, b: float = 0.0) -> dict[str, Any]:
    z = float(_vector(w, "w") @ _vector(x, "x") + float(b or 0.0))
    return {"log_odds": z / math.log(10)}


@mistake("linear.logistic", "odds_inverted")
def _logistic_odds_inverted(w: Any, x: Any, b: float = 0.0) -> dict[str, Any]:
    """Takes p(y=0|x)/p(y=1|x) as the odds."""
    z = float(_vector(w, "w") @ _vector(x, "x") + float(b or 0.0))
    return {"odds": math.exp(-z), "log_odds": -z}


# --------------------------------------------------------------------------- odds from a probability


@solver(
    "linear.odds",
    [ParamSpec("p", "number", Text("probability of the positive class p(y=1|x)", "正类概率 p(y=1|x)"))],
    Text(
        "odds and log-odds of a probability (the net input wᵀx a logistic model needs)",
        "由概率求几率与对数几率（即 wᵀx）",
    ),
)
def odds(p: float) -> Solution:
    p = float(p)
    if not 0 < p < 1:
        raise SolverInputError(Text("p must lie strictly between 0 and 1", "p 必须严格介于 0 和 1 之间"))
    o = p / (1 - p)
    lo = math.log(o)
    steps = [
        Step(
            Text("Odds: probability of y=1 over probability of y=0", "几率：y=1 的概率除以 y=0 的概率"),
            formula="odds = p/(1 − p)",
            substituted=f"{_n(p)}/(1 − {_n(p)}) = {_n(p)}/{_n(1 - p)}",
            result=_n(o, 6),
        ),
        Step(
            Text(
                "Log-odds (natural log) = the net input wᵀx + b of a logistic model",
                "对数几率（自然对数）= Logistic 模型的净输入 wᵀx + b",
            ),
            formula="z = ln(p/(1 − p))",
            substituted=f"ln({_n(o)})",
            result=_n(lo, 6),
        ),
        Step(
            Text("Check: the logistic function maps z back to p", "验算：Logistic 函数把 z 映射回 p"),
            formula="σ(z) = 1/(1 + exp(−z))",
            substituted=f"1/(1 + exp({_n(-lo)}))",
            result=_n(sigmoid(lo), 6),
        ),
    ]
    return Solution(answers={"odds": o, "log_odds": lo}, steps=steps)


@mistake("linear.odds", "log10_log_odds")
def _odds_log10(p: float) -> dict[str, Any]:
    p = float(p)
    return {"log_odds": math.log10(p / (1 - p))}


@mistake("linear.odds", "odds_inverted")
def _odds_inverted(p: float) -> dict[str, Any]:
    p = float(p)
    return {"odds": (1 - p) / p, "log_odds": math.log((1 - p) / p)}


@mistake("linear.odds", "log_of_probability")
def _odds_log_p(p: float) -> dict[str, Any]:
    """Takes ln p as the log-odds (forgets to divide by 1 − p)."""
    p = float(p)
    return {"odds": p, "log_odds": math.log(p)}


# --------------------------------------------------------------------------- logistic: dataset


def _logistic_data(X: Any, y: Any, w: Any, b: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, float | None]:
    Xm = _matrix(X, "X")
    wv = _vector(w, "w")
    _check_len(Xm, wv, "each sample x", "w")
    yv = _labels01(y, Xm.shape[0])
    bias = None if b is None else float(b)
    return Xm, yv, wv, bias


def _logistic_forward(
    Xm: np.ndarray, yv: np.ndarray, wv: np.ndarray, bias: float | None, steps: list[Step]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """z, ŷ, per-sample losses and the mean loss, appending the steps that show them."""
    n = Xm.shape[0]
    b = bias or 0.0
    z = Xm @ wv + b
    bias_text = "" if bias is None else f" + {_pn(b)}"
    steps.append(
        Step(
            Text("Net input of every sample", "每个样本的净输入"),
            formula="z_n = wᵀx_n" + ("" if bias is None else " + b"),
            substituted="; ".join(f"z{_sub(i + 1)} = {_dot_text(wv, Xm[i])}{bias_text}" for i in range(n)),
            result=_v(z, 6),
            note=None
            if bias is not None
            else Text(
                "No separate bias: as in the notes, a bias can be folded into w by appending a constant 1 to x.",
                "没有单独的偏置：与笔记一致，偏置可以通过在 x 末尾补常数 1 并入 w。",
            ),
        )
    )
    p = sigmoid(z)
    steps.append(
        Step(
            Text("Predicted probability of class 1 for every sample", "每个样本属于类别 1 的预测概率"),
            formula="ŷ_n = σ(z_n) = 1/(1 + exp(−z_n))",
            substituted="; ".join(f"ŷ{_sub(i + 1)} = 1/(1 + exp({_n(-z[i])}))" for i in range(n)),
            result=_v(p, 6),
        )
    )
    # From z rather than from ŷ: −ln σ(z) = ln(1 + e^(−z)) stays finite when ŷ rounds to 0 or 1.
    losses = bce_from_logits(yv, z)
    parts = []
    for i in range(n):
        sign = "−" if yv[i] == 1 else ""
        by_z = f" = ln(1 + exp({sign}z{_sub(i + 1)})) = ln(1 + exp({_n(-z[i] if yv[i] == 1 else z[i])}))"
        if yv[i] == 1:
            tiny = p[i] < 1e-9
            parts.append(f"ℓ{_sub(i + 1)} = −ln ŷ{_sub(i + 1)}" + (by_z if tiny else f" = −ln {_n(p[i])}"))
        else:
            tiny = 1 - p[i] < 1e-9
            parts.append(f"ℓ{_sub(i + 1)} = −ln(1 − ŷ{_sub(i + 1)})" + (by_z if tiny else f" = −ln {_n(1 - p[i])}"))
    steps.append(
        Step(
            Text(
                "Cross-entropy of every sample (only the term of the true label survives)",
                "每个样本的交叉熵（只剩真实标签对应的那一项）",
            ),
            formula="ℓ_n = −[y_n ln ŷ_n + (1 − y_n) ln(1 − ŷ_n)]",
            substituted="; ".join(parts),
            result=_v(losses, 6),
            note=Text("ln is the natural logarithm.", "ln 为自然对数。"),
        )
    )
    loss = float(losses.mean())
    steps.append(
        Step(
            Text("Risk: the mean over the N samples", "风险：对 N 个样本取平均"),
            formula="R(w) = (1/N) Σ_n ℓ_n",
            substituted=f"(1/{n})·(" + " + ".join(_n(v) for v in losses) + ")",
            result=_n(loss, 6),
            grids=(
                Grid.of(
                    [[*(_n(v) for v in Xm[i]), str(int(yv[i])), _n(z[i]), _n(p[i]), _n(losses[i])] for i in range(n)],
                    row_labels=[f"n={i + 1}" for i in range(n)],
                    col_labels=[*(f"x{_sub(j + 1)}" for j in range(Xm.shape[1])), "y", "z", "ŷ", "ℓ"],
                    title=Text("Forward pass", "前向计算"),
                ),
            ),
        )
    )
    return z, p, losses, loss


LOGISTIC_DATA_PARAMS = [
    ParamSpec("X", "matrix", Text("samples, one row per sample x_n", "样本矩阵，每行一个样本 x_n")),
    ParamSpec("y", "vector", Text("labels y_n ∈ {0, 1}", "标签 y_n ∈ {0, 1}")),
    ParamSpec("w", "vector", Text("weight vector w", "权重向量 w")),
    ParamSpec(
        "b",
        "number",
        Text("bias b (omit for the notes' bias-free form)", "偏置 b（省略则为笔记中无偏置的形式）"),
        default=None,
        required=False,
    ),
]


@solver(
    "linear.logistic_loss",
    LOGISTIC_DATA_PARAMS,
    Text(
        "logistic regression: predictions and cross-entropy risk on a small dataset",
        "Logistic 回归：小数据集上的预测与交叉熵风险",
    ),
)
def logistic_loss(X: Any, y: Any, w: Any, b: Any = None) -> Solution:
    Xm, yv, wv, bias = _logistic_data(X, y, w, b)
    steps: list[Step] = []
    z, p, losses, loss = _logistic_forward(Xm, yv, wv, bias, steps)
    return Solution(
        answers={"z": z.tolist(), "probs": p.tolist(), "losses": losses.tolist(), "loss": loss}, steps=steps
    )


def _probs(X: Any, y: Any, w: Any, b: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    Xm, yv, wv, bias = _logistic_data(X, y, w, b)
    return Xm, yv, sigmoid(Xm @ wv + (bias or 0.0))


@mistake("linear.logistic_loss", "log10_instead_of_ln")
def _ll_log10(X: Any, y: Any, w: Any, b: Any = None) -> dict[str, Any]:
    _, yv, p = _probs(X, y, w, b)
    losses = bce(yv, p, np.log10)
    return {"losses": losses.tolist(), "loss": float(losses.mean())}


@mistake("linear.logistic_loss", "log2_instead_of_ln")
def _ll_log2(X: Any, y: Any, w: Any, b: Any = None) -> dict[str, Any]:
    _, yv, p = _probs(X, y, w, b)
    losses = bce(yv, p, np.log2)
    return {"losses": losses.tolist(), "loss": float(losses.mean())}


@mistake("linear.logistic_loss", "sum_instead_of_mean")
def _ll_sum(X: Any, y: Any, w: Any, b: Any = None) -> dict[str, Any]:
    _, yv, p = _probs(X, y, w, b)
    return {"loss": float(bce(yv, p).sum())}


@mistake("linear.logistic_loss", "only_positive_term")
def _ll_positive_only(X: Any, y: Any, w: Any, b: Any = None) -> dict[str, Any]:
    """Keeps only −y ln ŷ, so every y=0 sample contributes nothing."""
    _, yv, p = _probs(X, y, w, b)
    losses = -yv * np.log(p)
    return {"losses": losses.tolist(), "loss": float(losses.mean())}


# --------------------------------------------------------------------------- logistic: gradient step


def _logistic_update(
    Xm: np.ndarray, yv: np.ndarray, wv: np.ndarray, bias: float | None, alpha: float, sign: float, scale: float
) -> tuple[np.ndarray, np.ndarray, float | None, float]:
    """Update with ``sign``·α·``scale``·Σ x_n(y_n − ŷ_n): the right one has sign +1, scale 1/N.

    Returns (−∂R/∂w as the student would compute it, w_new, b_new, new loss)."""
    p = sigmoid(Xm @ wv + (bias or 0.0))
    e = yv - p
    direction = scale * (Xm.T @ e)
    w_new = wv + sign * alpha * direction
    b_new = None if bias is None else bias + sign * alpha * scale * float(e.sum())
    new_loss = float(bce_from_logits(yv, Xm @ w_new + (b_new or 0.0)).mean())
    return direction, w_new, b_new, new_loss


def _logistic_gradient(
    Xm: np.ndarray, yv: np.ndarray, p: np.ndarray, steps: list[Step]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Residuals, the averaged contributions x_n·e_n and the risk's gradient, with their steps appended."""
    n, d = Xm.shape
    e = yv - p
    steps.append(
        Step(
            Text("Residual of every sample: label minus prediction", "每个样本的残差：标签减去预测"),
            formula="e_n = y_n − ŷ_n",
            substituted="; ".join(f"e{_sub(i + 1)} = {int(yv[i])} − {_n(p[i])}" for i in range(n)),
            result=_v(e, 6),
        )
    )
    contrib = Xm * e[:, None]
    steps.append(
        Step(
            Text("Each sample's contribution x_n·e_n (input times residual)", "每个样本的贡献 x_n·e_n（输入乘以残差）"),
            formula="x_n (y_n − ŷ_n)",
            substituted="; ".join(f"{_n(e[i])}·{_v(Xm[i])}" for i in range(n)),
            result="; ".join(_v(r, 6) for r in contrib),
            grids=(
                Grid.of(
                    _cells(contrib),
                    row_labels=[f"n={i + 1}" for i in range(n)],
                    col_labels=[f"x{_sub(j + 1)}·e" for j in range(d)],
                    title=Text("x_n·(y_n − ŷ_n)", "x_n·(y_n − ŷ_n)"),
                ),
            ),
        )
    )
    mean_dir = contrib.sum(axis=0) / n
    grad = -mean_dir
    steps.append(
        Step(
            Text(
                "Gradient of the risk: average the contributions and negate",
                "风险的梯度：对各样本贡献取平均再取负号",
            ),
            formula="∂R/∂w = −(1/N) Σ_n x_n (y_n − ŷ_n)",
            substituted=f"−(1/{n})·{_v(contrib.sum(axis=0))}",
            result=_v(grad, 6),
        )
    )
    return e, mean_dir, grad


@solver(
    "linear.logistic_step",
    [
        *LOGISTIC_DATA_PARAMS,
        ParamSpec("alpha", "number", Text("learning rate α", "学习率 α"), default=0.1, required=False),
    ],
    Text(
        "logistic regression: one batch gradient-descent step on the cross-entropy risk",
        "Logistic 回归：交叉熵风险上的一步批量梯度下降",
    ),
)
def logistic_step(X: Any, y: Any, w: Any, b: Any = None, alpha: float = 0.1) -> Solution:
    Xm, yv, wv, bias = _logistic_data(X, y, w, b)
    alpha = _check_alpha(alpha)
    n, d = Xm.shape
    steps: list[Step] = []
    z, p, _, loss = _logistic_forward(Xm, yv, wv, bias, steps)
    e, mean_dir, grad = _logistic_gradient(Xm, yv, p, steps)
    w_new = wv + alpha * mean_dir
    steps.append(
        Step(
            Text(
                "Gradient-descent step: move against the gradient, i.e. add α times the averaged contributions",
                "梯度下降一步：沿负梯度方向移动，即加上 α 乘以平均贡献",
            ),
            formula="w ← w − α·∂R/∂w = w + α·(1/N) Σ_n x_n (y_n − ŷ_n)",
            substituted="; ".join(f"{_n(wv[j])} + {_n(alpha)}·{_pn(mean_dir[j])}" for j in range(d)),
            result=_v(w_new, 6),
        )
    )
    answers: dict[str, Any] = {
        "z": z.tolist(),
        "probs": p.tolist(),
        "residuals": e.tolist(),
        "grad_w": grad.tolist(),
        "w_new": w_new.tolist(),
        "loss": loss,
    }
    b_new = None
    if bias is not None:
        grad_b = -float(e.mean())
        b_new = bias - alpha * grad_b
        steps.append(
            Step(
                Text(
                    "Bias: its input is always 1, so its gradient is minus the mean residual",
                    "偏置：其输入恒为 1，梯度为残差平均值的相反数",
                ),
                formula="∂R/∂b = −(1/N) Σ_n (y_n − ŷ_n);  b ← b − α·∂R/∂b",
                substituted=f"∂R/∂b = −(1/{n})·{_pn(e.sum())} = {_n(grad_b)};  b = {_n(bias)} − {_n(alpha)}·{_pn(grad_b)}",
                result=_n(b_new, 6),
            )
        )
        answers["grad_b"] = grad_b
        answers["b_new"] = b_new
    new_loss = float(bce_from_logits(yv, Xm @ w_new + (b_new or 0.0)).mean())
    steps.append(
        Step(
            Text("Risk after the step (it should go down for a small enough α)", "更新后的风险（α 足够小时应当下降）"),
            formula="R(w_new) = −(1/N) Σ_n [y_n ln σ(w_newᵀx_n" + ("" if bias is None else " + b_new") + ") + …]",
            substituted=f"{_n(loss)} → {_n(new_loss)}",
            result=_n(new_loss, 6),
        )
    )
    answers["loss_new"] = new_loss
    return Solution(answers=answers, steps=steps)


def _step_mistake(X: Any, y: Any, w: Any, b: Any, alpha: float, sign: float, use_mean: bool) -> dict[str, Any]:
    Xm, yv, wv, bias = _logistic_data(X, y, w, b)
    n = Xm.shape[0]
    scale = 1.0 / n if use_mean else 1.0
    direction, w_new, b_new, new_loss = _logistic_update(Xm, yv, wv, bias, float(alpha), sign, scale)
    out: dict[str, Any] = {"grad_w": (-sign * direction).tolist(), "w_new": w_new.tolist(), "loss_new": new_loss}
    if bias is not None:
        e = yv - sigmoid(Xm @ wv + bias)
        out["grad_b"] = -sign * scale * float(e.sum())
        out["b_new"] = b_new
    return out


@mistake("linear.logistic_step", "gradient_sign_flipped")
def _ls_sign(X: Any, y: Any, w: Any, b: Any = None, alpha: float = 0.1) -> dict[str, Any]:
    """w ← w − α·(1/N)Σ x(y − ŷ): steps up the risk instead of down."""
    return _step_mistake(X, y, w, b, alpha, -1.0, True)


@mistake("linear.logistic_step", "forgot_1_over_n")
def _ls_no_mean(X: Any, y: Any, w: Any, b: Any = None, alpha: float = 0.1) -> dict[str, Any]:
    if _matrix(X, "X").shape[0] == 1:
        return {}
    return _step_mistake(X, y, w, b, alpha, 1.0, False)


@mistake("linear.logistic_step", "log10_instead_of_ln")
def _ls_log10(X: Any, y: Any, w: Any, b: Any = None, alpha: float = 0.1) -> dict[str, Any]:
    Xm, yv, wv, bias = _logistic_data(X, y, w, b)
    loss = float(bce(yv, sigmoid(Xm @ wv + (bias or 0.0)), np.log10).mean())
    _, w_new, b_new, _ = _logistic_update(Xm, yv, wv, bias, float(alpha), 1.0, 1.0 / Xm.shape[0])
    new_loss = float(bce(yv, sigmoid(Xm @ w_new + (b_new or 0.0)), np.log10).mean())
    return {"loss": loss, "loss_new": new_loss}


# --------------------------------------------------------------------------- softmax regression


def _softmax_inputs(W: Any, b: Any) -> tuple[np.ndarray, np.ndarray | None]:
    Wm = _matrix(W, "W")
    if Wm.shape[1] < 2:
        raise SolverInputError(
            Text(
                "W needs one column per class (at least 2): W = [w_1 … w_C] is d×C",
                "W 每一列对应一个类别（至少 2 列）：W = [w_1 … w_C] 为 d×C 矩阵",
            )
        )
    bv = None
    if b is not None:
        bv = _vector(b, "b")
        if bv.size != Wm.shape[1]:
            raise SolverInputError(
                Text("b needs one entry per class (column of W)", "b 需要每个类别（W 的每一列）一个分量")
            )
    return Wm, bv


def _softmax_forward_steps(
    Wm: np.ndarray, bv: np.ndarray | None, x: np.ndarray, steps: list[Step], tag: Text = Text("", "")
) -> np.ndarray:
    """Scores, exponentials, sum and probabilities for one input x, with their steps."""
    c = Wm.shape[1]
    z = Wm.T @ x + (0.0 if bv is None else bv)
    parts = []
    for k in range(c):
        bias = "" if bv is None else f" + {_pn(bv[k])}"
        parts.append(f"z{_sub(k + 1)} = {_dot_text(Wm[:, k], x)}{bias}")
    steps.append(
        Step(
            Text(
                f"{tag.en}Class scores: each class's weight column dotted with x",
                f"{tag.zh}各类得分：每个类别的权重列与 x 做内积",
            ),
            formula="z = Wᵀx" + ("" if bv is None else " + b") + ",  z_c = w_cᵀx" + ("" if bv is None else " + b_c"),
            substituted="; ".join(parts),
            result=_v(z, 6),
        )
    )
    shift = float(z.max()) if z.max() > EXP_SHIFT_ABOVE else 0.0
    ez = np.exp(z - shift)
    if shift:  # exp(800) overflows; exp(z − max z) gives the same probabilities (the factor cancels)
        steps.append(
            Step(
                Text(
                    f"{tag.en}Exponentiate every score minus the largest one, m = {_n(shift)} (exp(m) would "
                    "overflow; the common factor exp(m) cancels in the ratio)",
                    f"{tag.zh}每个得分先减去最大值 m = {_n(shift)} 再取指数（exp(m) 会溢出；公因子 exp(m) 在比值中约掉）",
                ),
                formula="exp(z_c − m)",
                substituted="; ".join(f"exp({_n(v - shift)})" for v in z),
                result=_v(ez, 6),
            )
        )
    else:
        steps.append(
            Step(
                Text(f"{tag.en}Exponentiate every score", f"{tag.zh}对每个得分取指数"),
                formula="exp(z_c)",
                substituted="; ".join(f"exp({_n(v)})" for v in z),
                result=_v(ez, 6),
            )
        )
    total = float(ez.sum())
    steps.append(
        Step(
            Text(f"{tag.en}Normalizer: sum of the exponentials", f"{tag.zh}归一化因子：各指数之和"),
            formula="Σ_c exp(z_c)",
            substituted=" + ".join(_n(v) for v in ez),
            result=_n(total, 6),
        )
    )
    probs = ez / total
    steps.append(
        Step(
            Text(f"{tag.en}Softmax probabilities (they sum to 1)", f"{tag.zh}Softmax 概率（和为 1）"),
            formula="ŷ_c = exp(z_c) / Σ_c' exp(z_c')",
            substituted="; ".join(f"ŷ{_sub(k + 1)} = {_n(ez[k])}/{_n(total)}" for k in range(c)),
            result=_v(probs, 6),
            grids=(
                Grid.of(
                    [_cells([z])[0], _cells([ez])[0], _cells([probs])[0]],
                    row_labels=["z", "exp(z)", "ŷ"],
                    col_labels=[f"c={k + 1}" for k in range(c)],
                    title=Text("Scores to probabilities", "得分到概率"),
                ),
            ),
        )
    )
    return probs


SOFTMAX_W = ParamSpec(
    "W",
    "matrix",
    Text(
        "weights W = [w_1 … w_C], d×C: one COLUMN per class, as in the textbook (z = Wᵀx)",
        "权重 W = [w_1 … w_C]，d×C：每一列对应一个类别，与教材一致（z = Wᵀx）",
    ),
)
SOFTMAX_B = ParamSpec(
    "b", "vector", Text("bias per class (optional)", "每个类别的偏置（可选）"), default=None, required=False
)


@solver(
    "linear.softmax",
    [
        SOFTMAX_W,
        ParamSpec("x", "vector", Text("input vector x (length d)", "输入向量 x（长度 d）")),
        SOFTMAX_B,
        ParamSpec(
            "y",
            "int",
            Text("true class 1…C for the loss (optional)", "用于计算损失的真实类别 1…C（可选）"),
            default=None,
            required=False,
        ),
    ],
    Text(
        "softmax regression: class scores, probabilities, prediction and cross-entropy loss",
        "Softmax 回归：各类得分、概率、预测与交叉熵损失",
    ),
)
def softmax_regression(W: Any, x: Any, b: Any = None, y: Any = None) -> Solution:
    Wm, bv = _softmax_inputs(W, b)
    xv = _vector(x, "x")
    if xv.size != Wm.shape[0]:
        raise SolverInputError(
            Text(
                f"x has {xv.size} components but W has {Wm.shape[0]} rows (W is d×C, one column per class)",
                f"x 有 {xv.size} 个分量，但 W 有 {Wm.shape[0]} 行（W 为 d×C，每列一个类别）",
            )
        )
    steps: list[Step] = []
    probs = _softmax_forward_steps(Wm, bv, xv, steps)
    z = Wm.T @ xv + (0.0 if bv is None else bv)
    pred = int(np.argmax(probs)) + 1
    steps.append(
        Step(
            Text(
                "Prediction: the class with the largest probability (= the largest score)",
                "预测：概率最大（即得分最大）的类别",
            ),
            formula="ŷ = argmax_c ŷ_c",
            result=str(pred),
        )
    )
    answers: dict[str, Any] = {"scores": z.tolist(), "probs": probs.tolist(), "pred": pred}
    if y is not None:
        label = int(_class_labels([y], 1, Wm.shape[1])[0])
        loss = -math.log(probs[label - 1])
        steps.append(
            Step(
                Text(
                    "Cross-entropy loss with a one-hot label: only the true class's probability counts",
                    "使用 one-hot 标签的交叉熵损失：只有真实类别的概率起作用",
                ),
                formula="L = −Σ_c y_c ln ŷ_c = −ln ŷ_y",
                substituted=f"−ln ŷ{_sub(label)} = −ln {_n(probs[label - 1])}",
                result=_n(loss, 6),
                note=Text("ln is the natural logarithm.", "ln 为自然对数。"),
            )
        )
        answers["loss"] = loss
    return Solution(answers=answers, steps=steps)


def _scores(W: Any, x: Any, b: Any) -> np.ndarray:
    Wm, bv = _softmax_inputs(W, b)
    return Wm.T @ _vector(x, "x") + (0.0 if bv is None else bv)


@mistake("linear.softmax", "no_exponent")
def _sm_no_exp(W: Any, x: Any, b: Any = None, y: Any = None) -> dict[str, Any]:
    """Normalizes the raw scores z_c/Σz instead of exp(z_c)/Σexp."""
    z = _scores(W, x, b)
    if abs(z.sum()) < 1e-12:
        return {}
    probs = z / z.sum()
    out: dict[str, Any] = {"probs": probs.tolist()}
    if y is not None and probs[int(y) - 1] > 0:
        out["loss"] = -math.log(probs[int(y) - 1])
    return out


@mistake("linear.softmax", "sigmoid_per_class")
def _sm_sigmoid(W: Any, x: Any, b: Any = None, y: Any = None) -> dict[str, Any]:
    """Squashes each score with σ separately: the 'probabilities' no longer sum to 1."""
    probs = sigmoid(_scores(W, x, b))
    out: dict[str, Any] = {"probs": probs.tolist()}
    if y is not None:
        out["loss"] = -math.log(probs[int(y) - 1])
    return out


@mistake("linear.softmax", "log10_instead_of_ln")
def _sm_log10(W: Any, x: Any, b: Any = None, y: Any = None) -> dict[str, Any]:
    if y is None:
        return {}
    return {"loss": -math.log10(softmax(_scores(W, x, b))[int(y) - 1])}


@mistake("linear.softmax", "rows_as_classes")
def _sm_rows(W: Any, x: Any, b: Any = None, y: Any = None) -> dict[str, Any]:
    """Computes Wx (rows as classes) instead of Wᵀx; only possible when W is square."""
    Wm, bv = _softmax_inputs(W, b)
    if Wm.shape[0] != Wm.shape[1]:
        return {}
    z = Wm @ _vector(x, "x") + (0.0 if bv is None else bv)
    probs = softmax(z)
    out: dict[str, Any] = {"scores": z.tolist(), "probs": probs.tolist(), "pred": int(np.argmax(probs)) + 1}
    if y is not None:
        out["loss"] = -math.log(probs[int(y) - 1])
    return out


# --------------------------------------------------------------------------- softmax gradient step


def _softmax_data(W: Any, X: Any, y: Any, b: Any) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, np.ndarray]:
    Wm, bv = _softmax_inputs(W, b)
    Xm = _matrix(X, "X")
    if Xm.shape[1] != Wm.shape[0]:
        raise SolverInputError(
            Text(
                f"each sample has {Xm.shape[1]} features but W has {Wm.shape[0]} rows (W is d×C)",
                f"每个样本有 {Xm.shape[1]} 个特征，但 W 有 {Wm.shape[0]} 行（W 为 d×C）",
            )
        )
    yv = _class_labels(y, Xm.shape[0], Wm.shape[1])
    return Wm, bv, Xm, yv


def _softmax_risk(Wm: np.ndarray, bv: np.ndarray | None, Xm: np.ndarray, yv: np.ndarray) -> tuple[np.ndarray, float]:
    Z = Xm @ Wm + (0.0 if bv is None else bv)
    return softmax(Z), float(-np.mean(log_softmax(Z)[np.arange(len(yv)), yv - 1]))


def _softmax_gradient(Xm: np.ndarray, E: np.ndarray, steps: list[Step]) -> tuple[np.ndarray, np.ndarray]:
    """Σ_n x_n (y_n − ŷ_n)ᵀ / N and the risk's gradient, with their worked steps appended."""
    n, d = Xm.shape
    c = E.shape[1]
    outer = [np.outer(Xm[i], E[i]) for i in range(n)]
    steps.append(
        Step(
            Text(
                "Each sample's contribution: outer product x_n (y_n − ŷ_n)ᵀ, a d×C matrix shaped like W",
                "每个样本的贡献：外积 x_n (y_n − ŷ_n)ᵀ，是与 W 同形的 d×C 矩阵",
            ),
            formula="x_n (y_n − ŷ_n)ᵀ",
            substituted="; ".join(f"{_v(Xm[i])}·{_v(E[i])}ᵀ" for i in range(n)),
            result="; ".join(_m(o, 4) for o in outer),
            grids=tuple(
                Grid.of(
                    _cells(outer[i]),
                    row_labels=[f"x{_sub(j + 1)}" for j in range(d)],
                    col_labels=[f"c={k + 1}" for k in range(c)],
                    title=Text(f"sample {i + 1}", f"样本 {i + 1}"),
                )
                for i in range(n)
            ),
        )
    )
    G = sum(outer) / n
    grad = -G
    steps.append(
        Step(
            Text(
                "Gradient of the risk: average the contributions and negate", "风险的梯度：对各样本贡献取平均再取负号"
            ),
            formula="∂R/∂W = −(1/N) Σ_n x_n (y_n − ŷ_n)ᵀ",
            substituted=f"−(1/{n})·{_m(sum(outer), 4)}",
            result=_m(grad),
            grids=(
                Grid.of(
                    _cells(grad),
                    row_labels=[f"x{_sub(j + 1)}" for j in range(d)],
                    col_labels=[f"c={k + 1}" for k in range(c)],
                    title=Text("∂R/∂W", "∂R/∂W"),
                ),
            ),
        )
    )
    return G, grad


def _softmax_update_step(Wm: np.ndarray, W_new: np.ndarray, G: np.ndarray, alpha: float) -> Step:
    """The gradient-descent step on every weight of W, with the updated W as a table."""
    d, c = Wm.shape
    return Step(
        Text("Gradient-descent step on every weight", "对每个权重做一步梯度下降"),
        formula="W ← W − α·∂R/∂W = W + α·(1/N) Σ_n x_n (y_n − ŷ_n)ᵀ",
        substituted="; ".join(
            f"W{_sub(j + 1)}{_sub(k + 1)} = {_n(Wm[j, k])} + {_n(alpha)}·{_pn(G[j, k])}"
            for j in range(d)
            for k in range(c)
        ),
        result=_m(W_new),
        grids=(
            Grid.of(
                _cells(W_new, 6),
                row_labels=[f"x{_sub(j + 1)}" for j in range(d)],
                col_labels=[f"w{_sub(k + 1)}" for k in range(c)],
                title=Text("updated W (columns are classes)", "更新后的 W（每列一个类别）"),
            ),
        ),
    )


@solver(
    "linear.softmax_step",
    [
        SOFTMAX_W,
        ParamSpec("X", "matrix", Text("samples, one row per sample x_n", "样本矩阵，每行一个样本 x_n")),
        ParamSpec("y", "vector", Text("true class of each sample, 1…C", "每个样本的真实类别 1…C")),
        SOFTMAX_B,
        ParamSpec("alpha", "number", Text("learning rate α", "学习率 α"), default=0.1, required=False),
    ],
    Text("softmax regression: one batch gradient-descent step", "Softmax 回归：一步批量梯度下降"),
)
def softmax_step(W: Any, X: Any, y: Any, b: Any = None, alpha: float = 0.1) -> Solution:
    Wm, bv, Xm, yv = _softmax_data(W, X, y, b)
    alpha = _check_alpha(alpha)
    n, d = Xm.shape
    c = Wm.shape[1]
    steps: list[Step] = []
    P = np.zeros((n, c))
    for i in range(n):
        tag = Text(f"Sample {i + 1}: ", f"样本 {i + 1}：") if n > 1 else Text("", "")
        P[i] = _softmax_forward_steps(Wm, bv, Xm[i], steps, tag)
    Y = np.eye(c)[yv - 1]
    E = Y - P
    logits = Xm @ Wm + (0.0 if bv is None else bv)
    losses = -log_softmax(logits)[np.arange(n), yv - 1]  # finite where ŷ of the true class rounds to 0
    loss = float(losses.mean())
    steps.append(
        Step(
            Text("Cross-entropy risk: mean of −ln ŷ of the true class", "交叉熵风险：真实类别的 −ln ŷ 的平均"),
            formula="R(W) = −(1/N) Σ_n ln ŷ_{n,y_n}",
            substituted=f"−(1/{n})·(" + " + ".join(f"ln {_n(P[i, yv[i] - 1])}" for i in range(n)) + ")",
            result=_n(loss, 6),
        )
    )
    steps.append(
        Step(
            Text("Error vectors: one-hot label minus predicted probabilities", "误差向量：one-hot 标签减去预测概率"),
            formula="e_n = y_n − ŷ_n  (y_n one-hot)",
            substituted="; ".join(f"e{_sub(i + 1)} = {_v(Y[i])} − {_v(P[i])}" for i in range(n)),
            result="; ".join(_v(E[i], 6) for i in range(n)),
            grids=(
                Grid.of(
                    _cells(E),
                    row_labels=[f"n={i + 1}" for i in range(n)],
                    col_labels=[f"c={k + 1}" for k in range(c)],
                    title=Text("y_n − ŷ_n", "y_n − ŷ_n"),
                ),
            ),
        )
    )
    G, grad = _softmax_gradient(Xm, E, steps)
    W_new = Wm + alpha * G
    steps.append(_softmax_update_step(Wm, W_new, G, alpha))
    answers: dict[str, Any] = {"probs": P.tolist(), "loss": loss, "grad_W": grad.tolist(), "W_new": W_new.tolist()}
    b_new = None
    if bv is not None:
        gb = E.mean(axis=0)
        b_new = bv + alpha * gb
        steps.append(
            Step(
                Text(
                    "Biases: the input of a bias is 1, so its step uses the mean error",
                    "偏置：偏置的输入恒为 1，更新使用平均误差",
                ),
                formula="b ← b + α·(1/N) Σ_n (y_n − ŷ_n)",
                substituted="; ".join(f"{_n(bv[k])} + {_n(alpha)}·{_pn(gb[k])}" for k in range(c)),
                result=_v(b_new, 6),
            )
        )
        answers["b_new"] = b_new.tolist()
    _, new_loss = _softmax_risk(W_new, b_new, Xm, yv)
    steps.append(
        Step(
            Text("Risk after the step", "更新后的风险"),
            formula="R(W_new)",
            substituted=f"{_n(loss)} → {_n(new_loss)}",
            result=_n(new_loss, 6),
        )
    )
    answers["loss_new"] = new_loss
    return Solution(answers=answers, steps=steps)


def _softmax_step_with(W: Any, X: Any, y: Any, b: Any, alpha: float, G_of: Any, gb_of: Any) -> dict[str, Any]:
    Wm, bv, Xm, yv = _softmax_data(W, X, y, b)
    P, _ = _softmax_risk(Wm, bv, Xm, yv)
    E = np.eye(Wm.shape[1])[yv - 1] - P
    G = G_of(Xm, E, P, yv)
    W_new = Wm + float(alpha) * G
    out: dict[str, Any] = {"grad_W": (-G).tolist(), "W_new": W_new.tolist()}
    b_new = None
    if bv is not None:
        b_new = bv + float(alpha) * gb_of(E, P, yv)
        out["b_new"] = b_new.tolist()
    out["loss_new"] = _softmax_risk(W_new, b_new, Xm, yv)[1]
    return out


@mistake("linear.softmax_step", "gradient_sign_flipped")
def _ss_sign(W: Any, X: Any, y: Any, b: Any = None, alpha: float = 0.1) -> dict[str, Any]:
    return _softmax_step_with(
        W, X, y, b, alpha, lambda Xm, E, P, yv: -(Xm.T @ E) / len(Xm), lambda E, P, yv: -E.mean(axis=0)
    )


@mistake("linear.softmax_step", "forgot_1_over_n")
def _ss_no_mean(W: Any, X: Any, y: Any, b: Any = None, alpha: float = 0.1) -> dict[str, Any]:
    if _matrix(X, "X").shape[0] == 1:
        return {}
    return _softmax_step_with(W, X, y, b, alpha, lambda Xm, E, P, yv: Xm.T @ E, lambda E, P, yv: E.sum(axis=0))


def _true_class_only_E(E: np.ndarray, yv: np.ndarray) -> np.ndarray:
    mask = np.eye(E.shape[1])[yv - 1]
    return E * mask


@mistake("linear.softmax_step", "true_class_only")
def _ss_true_only(W: Any, X: Any, y: Any, b: Any = None, alpha: float = 0.1) -> dict[str, Any]:
    """Updates only the true class's column with x(1 − ŷ_y), forgetting that the other classes'
    probabilities (−ŷ_c x) push their weights down."""
    return _softmax_step_with(
        W,
        X,
        y,
        b,
        alpha,
        lambda Xm, E, P, yv: (Xm.T @ _true_class_only_E(E, yv)) / len(Xm),
        lambda E, P, yv: _true_class_only_E(E, yv).mean(axis=0),
    )
