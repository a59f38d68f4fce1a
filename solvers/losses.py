"""Loss functions (nndl ch. 2–3) evaluated on given labels and predictions.

Conventions:

- 0-1 loss: I(y ≠ ŷ) (1 for a wrong prediction, 0 for a right one); its mean is the error rate.
- Squared loss: the textbook writes L = ½(y − ŷ)²; ``half=false`` gives (y − ŷ)². The choice is
  stated in a step.
- Absolute loss: |y − ŷ|.
- Cross-entropy: −ln ŷ_y with the natural log (one-hot label y, classes numbered 1…C);
  binary cross-entropy −[y ln p + (1 − y) ln(1 − p)] with y ∈ {0, 1}.
- Hinge loss: max(0, 1 − y·f(x)) with y ∈ {−1, +1}.
- ``reduction``: mean (default) or sum over the samples.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

# Formatting and input helpers are shared with the linear-model solvers.
from solvers.arrays import as_matrix as _matrix
from solvers.arrays import as_vector as _vector
from solvers.arrays import log_softmax, softmax
from solvers.core import Grid, ParamSpec, Solution, SolverInputError, Step, Text
from solvers.registry import mistake, solver
from solvers.textfmt import _cells, _n, _pn, _sub, _v

REDUCTIONS = ("mean", "sum")

REDUCTION = ParamSpec(
    "reduction",
    "choice",
    Text("mean (default) or sum over the samples", "对样本取平均（默认 mean）或求和（sum）"),
    default="mean",
    required=False,
    choices=REDUCTIONS,
)


def _reduction(reduction: str) -> str:
    r = str(reduction or "mean").lower()
    if r not in REDUCTIONS:
        raise SolverInputError(Text("reduction must be mean or sum", "reduction 只能是 mean 或 sum"))
    return r


def _pair(y: Any, pred: Any, name: str = "ŷ") -> tuple[np.ndarray, np.ndarray]:
    yv, pv = _vector(y, "y"), _vector(pred, name)
    if yv.size != pv.size:
        raise SolverInputError(
            Text(
                f"y has {yv.size} entries but {name} has {pv.size}",
                f"y 有 {yv.size} 个分量，而 {name} 有 {pv.size} 个",
            )
        )
    return yv, pv


def _reduce(losses: np.ndarray, reduction: str) -> float:
    return float(losses.mean() if reduction == "mean" else losses.sum())


def _other(reduction: str) -> str:
    return "sum" if reduction == "mean" else "mean"


def _reduce_step(losses: np.ndarray, reduction: str, name: Text = Text("Loss", "损失")) -> Step:
    n = losses.size
    terms = " + ".join(_n(v) for v in losses)
    value = _reduce(losses, reduction)
    if n == 1:
        return Step(
            Text(f"{name.en}: a single sample, so the loss is ℓ₁", f"{name.zh}：只有一个样本，损失即 ℓ₁"),
            formula="L = ℓ₁",
            result=_n(value, 6),
        )
    if reduction == "mean":
        return Step(
            Text(f"{name.en}: mean over the {n} samples", f"{name.zh}：对 {n} 个样本取平均"),
            formula="L = (1/N) Σ_n ℓ_n",
            substituted=f"(1/{n})·({terms})",
            result=_n(value, 6),
        )
    return Step(
        Text(f"{name.en}: sum over the {n} samples", f"{name.zh}：对 {n} 个样本求和"),
        formula="L = Σ_n ℓ_n",
        substituted=terms,
        result=_n(value, 6),
    )


def _table(columns: dict[str, Any], n: int) -> Grid:
    rows = [[_n(columns[k][i]) for k in columns] for i in range(n)]
    return Grid.of(
        rows,
        row_labels=[f"n={i + 1}" for i in range(n)],
        col_labels=list(columns),
        title=Text("Per-sample values", "逐样本数值"),
    )


# --------------------------------------------------------------------------- 0-1 loss


@solver(
    "losses.zero_one",
    [
        ParamSpec("y", "vector", Text("true labels", "真实标签")),
        ParamSpec("pred", "vector", Text("predicted labels", "预测标签")),
    ],
    Text("0-1 loss: per-sample mistakes and the error rate", "0-1 损失：逐样本错误与错误率"),
)
def zero_one(y: Any, pred: Any) -> Solution:
    yv, pv = _pair(y, pred)
    n = yv.size
    losses = (yv != pv).astype(float)
    steps = [
        Step(
            Text(
                "0-1 loss of every sample: 1 if the prediction is wrong, 0 if it is right",
                "每个样本的 0-1 损失：预测错为 1，预测对为 0",
            ),
            formula="ℓ_n = I(y_n ≠ ŷ_n)",
            substituted="; ".join(f"I({_n(yv[i])} ≠ {_n(pv[i])})" for i in range(n)),
            result=_v(losses),
            grids=(_table({"y": yv, "ŷ": pv, "ℓ": losses}, n),),
        )
    ]
    errors = int(losses.sum())
    steps.append(
        Step(
            Text("Number of mistakes", "错误个数"),
            formula="Σ_n I(y_n ≠ ŷ_n)",
            substituted=" + ".join(str(int(v)) for v in losses),
            result=str(errors),
        )
    )
    loss = float(losses.mean())
    steps.append(
        Step(
            Text(
                "Mean 0-1 loss = error rate (it is not differentiable, which is why training uses surrogate losses)",
                "平均 0-1 损失 = 错误率（它不可导，所以训练时用替代损失）",
            ),
            formula="L = (1/N) Σ_n I(y_n ≠ ŷ_n)",
            substituted=f"{errors}/{n}",
            result=_n(loss, 6),
        )
    )
    return Solution(answers={"losses": losses.tolist(), "errors": errors, "loss": loss}, steps=steps)


@mistake("losses.zero_one", "accuracy_instead_of_error")
def _zo_accuracy(y: Any, pred: Any) -> dict[str, Any]:
    yv, pv = _pair(y, pred)
    return {"loss": float((yv == pv).mean()), "errors": int((yv == pv).sum())}


@mistake("losses.zero_one", "sum_instead_of_mean")
def _zo_sum(y: Any, pred: Any) -> dict[str, Any]:
    yv, pv = _pair(y, pred)
    return {"loss": float((yv != pv).sum())}


# --------------------------------------------------------------------------- squared loss


@solver(
    "losses.squared",
    [
        ParamSpec("y", "vector", Text("targets y", "目标值 y")),
        ParamSpec("pred", "vector", Text("predictions ŷ", "预测值 ŷ")),
        ParamSpec(
            "half",
            "bool",
            Text(
                "use ½(y − ŷ)² as in the textbook (default true); false: (y − ŷ)²",
                "使用教材的 ½(y − ŷ)²（默认 true）；false 则为 (y − ŷ)²",
            ),
            default=True,
            required=False,
        ),
        REDUCTION,
    ],
    Text("squared loss on a vector of predictions", "一组预测上的平方损失"),
)
def squared(y: Any, pred: Any, half: bool = True, reduction: str = "mean") -> Solution:
    yv, pv = _pair(y, pred)
    reduction = _reduction(reduction)
    n = yv.size
    r = yv - pv
    steps = [
        Step(
            Text("Residuals", "残差"),
            formula="r_n = y_n − ŷ_n",
            substituted="; ".join(f"{_n(yv[i])} − {_pn(pv[i])}" for i in range(n)),
            result=_v(r, 6),
        )
    ]
    c = 0.5 if half else 1.0
    losses = c * r**2
    steps.append(
        Step(
            Text("Squared loss of every sample", "每个样本的平方损失"),
            formula="ℓ_n = ½(y_n − ŷ_n)²" if half else "ℓ_n = (y_n − ŷ_n)²",
            substituted="; ".join((f"½·{_pn(v)}²" if half else f"{_pn(v)}²") for v in r),
            result=_v(losses, 6),
            note=Text(
                "Convention: the textbook's ½(y − ŷ)² (the ½ cancels the 2 of the derivative)."
                if half
                else "Convention: (y − ŷ)² without the ½ (as PyTorch's MSELoss).",
                "约定：采用教材的 ½(y − ŷ)²（½ 用来抵消求导得到的 2）。"
                if half
                else "约定：不带 ½ 的 (y − ŷ)²（与 PyTorch 的 MSELoss 相同）。",
            ),
            grids=(_table({"y": yv, "ŷ": pv, "y − ŷ": r, "ℓ": losses}, n),),
        )
    )
    steps.append(_reduce_step(losses, reduction))
    return Solution(
        answers={"residuals": r.tolist(), "losses": losses.tolist(), "loss": _reduce(losses, reduction)}, steps=steps
    )


@mistake("losses.squared", "half_dropped")
def _sq_no_half(y: Any, pred: Any, half: bool = True, reduction: str = "mean") -> dict[str, Any]:
    if not half:
        return {}
    yv, pv = _pair(y, pred)
    losses = (yv - pv) ** 2
    return {"losses": losses.tolist(), "loss": _reduce(losses, _reduction(reduction))}


@mistake("losses.squared", "half_added")
def _sq_half_added(y: Any, pred: Any, half: bool = True, reduction: str = "mean") -> dict[str, Any]:
    if half:
        return {}
    yv, pv = _pair(y, pred)
    losses = 0.5 * (yv - pv) ** 2
    return {"losses": losses.tolist(), "loss": _reduce(losses, _reduction(reduction))}


@mistake("losses.squared", "mean_sum_swapped")
def _sq_reduction(y: Any, pred: Any, half: bool = True, reduction: str = "mean") -> dict[str, Any]:
    yv, pv = _pair(y, pred)
    losses = (0.5 if half else 1.0) * (yv - pv) ** 2
    return {"loss": _reduce(losses, _other(_reduction(reduction)))}


@mistake("losses.squared", "not_squared")
def _sq_not_squared(y: Any, pred: Any, half: bool = True, reduction: str = "mean") -> dict[str, Any]:
    """Forgets to square: the signed residuals are averaged and cancel."""
    yv, pv = _pair(y, pred)
    losses = (0.5 if half else 1.0) * (yv - pv)
    return {"losses": losses.tolist(), "loss": _reduce(losses, _reduction(reduction))}


# --------------------------------------------------------------------------- absolute loss


@solver(
    "losses.absolute",
    [
        ParamSpec("y", "vector", Text("targets y", "目标值 y")),
        ParamSpec("pred", "vector", Text("predictions ŷ", "预测值 ŷ")),
        REDUCTION,
    ],
    Text("absolute (L1) loss on a vector of predictions", "一组预测上的绝对值（L1）损失"),
)
def absolute(y: Any, pred: Any, reduction: str = "mean") -> Solution:
    yv, pv = _pair(y, pred)
    reduction = _reduction(reduction)
    n = yv.size
    r = yv - pv
    losses = np.abs(r)
    steps = [
        Step(
            Text("Absolute error of every sample", "每个样本的绝对误差"),
            formula="ℓ_n = |y_n − ŷ_n|",
            substituted="; ".join(f"|{_n(yv[i])} − {_pn(pv[i])}|" for i in range(n)),
            result=_v(losses, 6),
            grids=(_table({"y": yv, "ŷ": pv, "y − ŷ": r, "ℓ": losses}, n),),
        ),
        _reduce_step(losses, reduction),
    ]
    return Solution(answers={"losses": losses.tolist(), "loss": _reduce(losses, reduction)}, steps=steps)


@mistake("losses.absolute", "sign_kept")
def _abs_signed(y: Any, pred: Any, reduction: str = "mean") -> dict[str, Any]:
    """Forgets the absolute value, so positive and negative errors cancel."""
    yv, pv = _pair(y, pred)
    losses = yv - pv
    return {"losses": losses.tolist(), "loss": _reduce(losses, _reduction(reduction))}


@mistake("losses.absolute", "squared_instead")
def _abs_squared(y: Any, pred: Any, reduction: str = "mean") -> dict[str, Any]:
    yv, pv = _pair(y, pred)
    losses = (yv - pv) ** 2
    return {"losses": losses.tolist(), "loss": _reduce(losses, _reduction(reduction))}


@mistake("losses.absolute", "mean_sum_swapped")
def _abs_reduction(y: Any, pred: Any, reduction: str = "mean") -> dict[str, Any]:
    yv, pv = _pair(y, pred)
    return {"loss": _reduce(np.abs(yv - pv), _other(_reduction(reduction)))}


# --------------------------------------------------------------------------- multi-class cross-entropy


def _ce_inputs(probs: Any, y: Any, logits: bool) -> tuple[np.ndarray, np.ndarray]:
    P = _matrix(probs, "probs")
    n, c = P.shape
    if c < 2:
        raise SolverInputError(
            Text("each row needs one entry per class (at least 2)", "每一行需要每个类别一个值（至少 2 个）")
        )
    yv = _vector(y, "y")
    if yv.size != n:
        raise SolverInputError(Text(f"give one class label per row ({n})", f"每一行需要一个类别标签（共 {n} 个）"))
    if not np.all((yv == np.round(yv)) & (yv >= 1) & (yv <= c)):
        raise SolverInputError(Text(f"class labels are numbered 1…{c}", f"类别标签应为 1…{c} 之间的整数"))
    if logits:
        P = softmax(P)
    else:
        if np.any(P <= 0) or np.any(P > 1):
            raise SolverInputError(Text("probabilities must lie in (0, 1]", "概率必须在 (0, 1] 内"))
        if not np.allclose(P.sum(axis=1), 1.0, atol=1e-6):
            raise SolverInputError(
                Text(
                    "each row of probabilities must sum to 1 (pass logits=true for raw scores)",
                    "每一行概率之和必须为 1（若给的是原始得分，请设 logits=true）",
                )
            )
    return P, yv.astype(int)


def _ce_with(
    probs: Any, y: Any, reduction: str, logits: bool, log: Any, other_reduction: bool = False
) -> dict[str, Any]:
    P, yv = _ce_inputs(probs, y, logits)
    losses = -log(P[np.arange(len(yv)), yv - 1])
    red = _reduction(reduction)
    return {"losses": losses.tolist(), "loss": _reduce(losses, _other(red) if other_reduction else red)}


def _softmax_row_text(scores: np.ndarray) -> str:
    """exp(z)/Σexp(z) for one row; above exp's range the row is shifted by its maximum m first
    (exp(z − m)/Σexp(z − m) is the same ratio)."""
    top = float(scores.max())
    if top <= 700:
        return f"exp{_v(scores)}/{_n(np.exp(scores).sum())}"
    return f"exp{_v(scores - top)}/{_n(np.exp(scores - top).sum())} (m = {_n(top)} subtracted)"


@solver(
    "losses.cross_entropy",
    [
        ParamSpec(
            "probs",
            "matrix",
            Text("predicted class probabilities, one row per sample", "预测的类别概率，每个样本一行"),
        ),
        ParamSpec("y", "vector", Text("true class of each sample, 1…C", "每个样本的真实类别 1…C")),
        REDUCTION,
        ParamSpec(
            "logits",
            "bool",
            Text(
                "rows are raw scores: apply softmax first, as PyTorch's F.cross_entropy does (default false)",
                "每行是原始得分：先做 softmax（与 PyTorch 的 F.cross_entropy 相同，默认 false）",
            ),
            default=False,
            required=False,
        ),
    ],
    Text("cross-entropy loss of predicted class probabilities", "预测类别概率的交叉熵损失"),
)
def cross_entropy(probs: Any, y: Any, reduction: str = "mean", logits: bool = False) -> Solution:
    P, yv = _ce_inputs(probs, y, logits)
    reduction = _reduction(reduction)
    n, c = P.shape
    steps: list[Step] = []
    if logits:
        S = _matrix(probs, "probs")
        steps.append(
            Step(
                Text("Softmax of every row of scores", "对每一行得分做 softmax"),
                formula="ŷ_{n,c} = exp(z_{n,c}) / Σ_c' exp(z_{n,c'})",
                substituted="; ".join(_softmax_row_text(S[i]) for i in range(n)),
                result="; ".join(_v(P[i], 6) for i in range(n)),
                note=Text(
                    "PyTorch's F.cross_entropy takes these raw scores (logits) and numbers classes from 0.",
                    "PyTorch 的 F.cross_entropy 接收的正是原始得分（logits），且类别从 0 开始编号。",
                ),
            )
        )
    picked = P[np.arange(n), yv - 1]
    steps.append(
        Step(
            Text(
                "With a one-hot label only the true class's probability survives in −Σ_c y_c ln ŷ_c",
                "one-hot 标签下，−Σ_c y_c ln ŷ_c 中只剩真实类别的概率",
            ),
            formula="ŷ_{n,y_n}",
            substituted="; ".join(f"y{_sub(i + 1)} = {yv[i]} → ŷ = {_n(P[i, yv[i] - 1])}" for i in range(n)),
            result=_v(picked, 6),
            grids=(
                Grid.of(
                    _cells(P),
                    row_labels=[f"n={i + 1} (y={yv[i]})" for i in range(n)],
                    col_labels=[f"c={k + 1}" for k in range(c)],
                    title=Text("predicted probabilities", "预测概率"),
                ),
            ),
        )
    )
    with np.errstate(divide="ignore"):  # a true class given probability 0 has an infinite loss: refused
        losses = -log_softmax(_matrix(probs, "probs"))[np.arange(n), yv - 1] if logits else -np.log(picked)
    steps.append(
        Step(
            Text("Cross-entropy of every sample (natural log)", "每个样本的交叉熵（自然对数）"),
            formula="ℓ_n = −Σ_c y_{n,c} ln ŷ_{n,c} = −ln ŷ_{n,y_n}",
            substituted="; ".join(f"−ln {_n(v)}" for v in picked),
            result=_v(losses, 6),
            note=Text("ln is the natural logarithm (base e).", "ln 为自然对数（以 e 为底）。"),
        )
    )
    steps.append(_reduce_step(losses, reduction))
    return Solution(
        answers={"picked": picked.tolist(), "losses": losses.tolist(), "loss": _reduce(losses, reduction)}, steps=steps
    )


@mistake("losses.cross_entropy", "log10_instead_of_ln")
def _ce_log10(probs: Any, y: Any, reduction: str = "mean", logits: bool = False) -> dict[str, Any]:
    return _ce_with(probs, y, reduction, logits, np.log10)


@mistake("losses.cross_entropy", "log2_instead_of_ln")
def _ce_log2(probs: Any, y: Any, reduction: str = "mean", logits: bool = False) -> dict[str, Any]:
    return _ce_with(probs, y, reduction, logits, np.log2)


@mistake("losses.cross_entropy", "mean_sum_swapped")
def _ce_reduction(probs: Any, y: Any, reduction: str = "mean", logits: bool = False) -> dict[str, Any]:
    return {"loss": _ce_with(probs, y, reduction, logits, np.log, other_reduction=True)["loss"]}


@mistake("losses.cross_entropy", "predicted_class_used")
def _ce_argmax(probs: Any, y: Any, reduction: str = "mean", logits: bool = False) -> dict[str, Any]:
    """Takes −ln of the largest probability instead of the true class's."""
    P, _ = _ce_inputs(probs, y, logits)
    picked = P.max(axis=1)
    losses = -np.log(picked)
    return {"picked": picked.tolist(), "losses": losses.tolist(), "loss": _reduce(losses, _reduction(reduction))}


# --------------------------------------------------------------------------- binary cross-entropy


def _bce_inputs(y: Any, p: Any) -> tuple[np.ndarray, np.ndarray]:
    yv, pv = _pair(y, p, "p")
    if not np.all((yv == 0) | (yv == 1)):
        raise SolverInputError(Text("binary cross-entropy labels must be 0 or 1", "二分类交叉熵的标签必须是 0 或 1"))
    if np.any(pv <= 0) or np.any(pv >= 1):
        raise SolverInputError(
            Text("probabilities p must lie strictly between 0 and 1", "概率 p 必须严格介于 0 和 1 之间")
        )
    return yv, pv


def _bce_losses(yv: np.ndarray, pv: np.ndarray, log: Any = np.log) -> np.ndarray:
    return -np.where(yv == 1, log(pv), log(1 - pv))


@solver(
    "losses.bce",
    [
        ParamSpec("y", "vector", Text("labels y ∈ {0, 1}", "标签 y ∈ {0, 1}")),
        ParamSpec("p", "vector", Text("predicted probability of class 1", "预测为类别 1 的概率")),
        REDUCTION,
    ],
    Text("binary cross-entropy of predicted probabilities", "预测概率的二分类交叉熵"),
)
def bce(y: Any, p: Any, reduction: str = "mean") -> Solution:
    yv, pv = _bce_inputs(y, p)
    reduction = _reduction(reduction)
    n = yv.size
    losses = _bce_losses(yv, pv)
    parts = []
    for i in range(n):
        if yv[i] == 1:
            parts.append(f"ℓ{_sub(i + 1)} = −ln {_n(pv[i])}")
        else:
            parts.append(f"ℓ{_sub(i + 1)} = −ln(1 − {_n(pv[i])}) = −ln {_n(1 - pv[i])}")
    steps = [
        Step(
            Text(
                "Binary cross-entropy of every sample: y = 1 keeps −ln p, y = 0 keeps −ln(1 − p)",
                "每个样本的二分类交叉熵：y = 1 取 −ln p，y = 0 取 −ln(1 − p)",
            ),
            formula="ℓ_n = −[y_n ln p_n + (1 − y_n) ln(1 − p_n)]",
            substituted="; ".join(parts),
            result=_v(losses, 6),
            note=Text("ln is the natural logarithm (base e).", "ln 为自然对数（以 e 为底）。"),
            grids=(_table({"y": yv, "p": pv, "ℓ": losses}, n),),
        ),
        _reduce_step(losses, reduction),
    ]
    return Solution(answers={"losses": losses.tolist(), "loss": _reduce(losses, reduction)}, steps=steps)


def _bce_mistake(y: Any, p: Any, reduction: str, log: Any) -> dict[str, Any]:
    yv, pv = _bce_inputs(y, p)
    losses = _bce_losses(yv, pv, log)
    return {"losses": losses.tolist(), "loss": _reduce(losses, _reduction(reduction))}


@mistake("losses.bce", "log10_instead_of_ln")
def _bce_log10(y: Any, p: Any, reduction: str = "mean") -> dict[str, Any]:
    return _bce_mistake(y, p, reduction, np.log10)


@mistake("losses.bce", "log2_instead_of_ln")
def _bce_log2(y: Any, p: Any, reduction: str = "mean") -> dict[str, Any]:
    return _bce_mistake(y, p, reduction, np.log2)


@mistake("losses.bce", "mean_sum_swapped")
def _bce_reduction(y: Any, p: Any, reduction: str = "mean") -> dict[str, Any]:
    yv, pv = _bce_inputs(y, p)
    return {"loss": _reduce(_bce_losses(yv, pv), _other(_reduction(reduction)))}


@mistake("losses.bce", "only_positive_term")
def _bce_positive(y: Any, p: Any, reduction: str = "mean") -> dict[str, Any]:
    """Keeps only −y ln p: the y = 0 samples contribute nothing."""
    yv, pv = _bce_inputs(y, p)
    losses = -yv * np.log(pv)
    return {"losses": losses.tolist(), "loss": _reduce(losses, _reduction(reduction))}


# --------------------------------------------------------------------------- hinge loss


def _pm1(y: Any, f: Any) -> tuple[np.ndarray, np.ndarray]:
    yv, fv = _pair(y, f, "f")
    if not np.all((yv == 1) | (yv == -1)):
        raise SolverInputError(
            Text(
                "hinge (margin) losses use labels y ∈ {−1, +1}: write −1, not 0, for the negative class",
                "Hinge（间隔）损失的标签是 y ∈ {−1, +1}：负类写 −1 而不是 0",
            )
        )
    return yv, fv


@solver(
    "losses.hinge",
    [
        ParamSpec("y", "vector", Text("labels y ∈ {−1, +1}", "标签 y ∈ {−1, +1}")),
        ParamSpec("f", "vector", Text("classifier outputs (scores) f(x)", "分类器输出（得分）f(x)")),
        REDUCTION,
    ],
    Text("hinge loss max(0, 1 − y·f(x)) on a vector of scores", "一组得分上的 Hinge 损失 max(0, 1 − y·f(x))"),
)
def hinge(y: Any, f: Any, reduction: str = "mean") -> Solution:
    yv, fv = _pm1(y, f)
    reduction = _reduction(reduction)
    n = yv.size
    m = yv * fv
    steps = [
        Step(
            Text(
                "Margins: positive when the sample is on the right side, ≥ 1 when it is safely right",
                "间隔：分类正确时为正，≥ 1 时表示正确且有足够余量",
            ),
            formula="m_n = y_n·f(x_n)",
            substituted="; ".join(f"{_pn(yv[i])}·{_pn(fv[i])}" for i in range(n)),
            result=_v(m, 6),
            note=Text(
                "The hinge loss needs y ∈ {−1, +1}; with y ∈ {0, 1} every negative sample would get margin 0.",
                "Hinge 损失要求 y ∈ {−1, +1}；若用 y ∈ {0, 1}，每个负类样本的间隔都会变成 0。",
            ),
        )
    ]
    losses = np.maximum(0.0, 1.0 - m)
    steps.append(
        Step(
            Text(
                "Hinge loss of every sample (zero once the margin reaches 1)",
                "每个样本的 Hinge 损失（间隔达到 1 后为 0）",
            ),
            formula="ℓ_n = max(0, 1 − m_n)",
            substituted="; ".join(f"max(0, 1 − {_pn(v)})" for v in m),
            result=_v(losses, 6),
            grids=(_table({"y": yv, "f": fv, "y·f": m, "ℓ": losses}, n),),
        )
    )
    steps.append(_reduce_step(losses, reduction))
    return Solution(
        answers={"margins": m.tolist(), "losses": losses.tolist(), "loss": _reduce(losses, reduction)}, steps=steps
    )


def _hinge_mistake(y: Any, f: Any, reduction: str, rule: Any) -> dict[str, Any]:
    yv, fv = _pm1(y, f)
    losses = rule(yv, fv)
    return {"losses": losses.tolist(), "loss": _reduce(losses, _reduction(reduction))}


@mistake("losses.hinge", "labels_01")
def _hinge_01(y: Any, f: Any, reduction: str = "mean") -> dict[str, Any]:
    """Uses y = 0 for the negative class, so every negative sample costs max(0, 1 − 0) = 1."""
    out = _hinge_mistake(y, f, reduction, lambda yv, fv: np.maximum(0.0, 1.0 - np.where(yv < 0, 0.0, 1.0) * fv))
    yv, fv = _pm1(y, f)
    out["margins"] = (np.where(yv < 0, 0.0, 1.0) * fv).tolist()
    return out


@mistake("losses.hinge", "max_forgotten")
def _hinge_no_max(y: Any, f: Any, reduction: str = "mean") -> dict[str, Any]:
    return _hinge_mistake(y, f, reduction, lambda yv, fv: 1.0 - yv * fv)


@mistake("losses.hinge", "margin_one_forgotten")
def _hinge_perceptron(y: Any, f: Any, reduction: str = "mean") -> dict[str, Any]:
    """Uses max(0, −y·f) (the perceptron loss): correct but unsafe samples cost nothing."""
    return _hinge_mistake(y, f, reduction, lambda yv, fv: np.maximum(0.0, -yv * fv))


@mistake("losses.hinge", "mean_sum_swapped")
def _hinge_reduction(y: Any, f: Any, reduction: str = "mean") -> dict[str, Any]:
    yv, fv = _pm1(y, f)
    return {"loss": _reduce(np.maximum(0.0, 1.0 - yv * fv), _other(_reduction(reduction)))}


# --------------------------------------------------------------------------- margin-based comparison


@solver(
    "losses.margin",
    [
        ParamSpec("y", "number", Text("label y ∈ {−1, +1}", "标签 y ∈ {−1, +1}")),
        ParamSpec("f", "number", Text("classifier output f(x)", "分类器输出 f(x)")),
    ],
    Text(
        "one binary sample under the usual classification losses (0-1, squared, logistic, hinge, perceptron)",
        "一个二分类样本在常见分类损失下的取值（0-1、平方、Logistic、Hinge、感知器）",
    ),
)
def margin(y: float, f: float) -> Solution:
    yv, fv = _pm1([y], [f])
    yy, ff = float(yv[0]), float(fv[0])
    m = yy * ff
    steps = [
        Step(
            Text("Margin: every loss below is a function of m = y·f(x)", "间隔：下面每个损失都是 m = y·f(x) 的函数"),
            formula="m = y·f(x)",
            substituted=f"{_pn(yy)}·{_pn(ff)}",
            result=_n(m, 6),
        )
    ]
    zero_one = 1 if m <= 0 else 0
    steps.append(
        Step(
            Text("0-1 loss: 1 when the sign is wrong", "0-1 损失：符号错误时为 1"),
            formula="I(y·f(x) ≤ 0)",
            substituted=f"I({_n(m)} ≤ 0)",
            result=str(zero_one),
            note=Text("m = 0 (on the boundary) is counted as a mistake here.", "此处把 m = 0（恰在边界上）算作错误。"),
        )
    )
    sq = (1 - m) ** 2
    steps.append(
        Step(
            Text("Squared loss: (y − f)² = (1 − y·f)² because y² = 1", "平方损失：由于 y² = 1，(y − f)² = (1 − y·f)²"),
            formula="(1 − m)²",
            substituted=f"(1 − {_pn(m)})²",
            result=_n(sq, 6),
            note=Text(
                "Written without the ½ here, the usual form when classification losses are compared; it grows "
                "again for m > 1, punishing samples that are 'too right'.",
                "这里采用比较分类损失时常见的不带 ½ 的写法；当 m > 1 时它又变大，会惩罚“过于正确”的样本。",
            ),
        )
    )
    logistic = math.log1p(math.exp(-m)) if m > -30 else -m
    steps.append(
        Step(
            Text(
                "Logistic (cross-entropy) loss of logistic regression with y ∈ {−1, +1}",
                "Logistic 回归的交叉熵损失（y ∈ {−1, +1} 的写法）",
            ),
            formula="ln(1 + exp(−m))",
            substituted=f"ln(1 + exp({_n(-m)}))",
            result=_n(logistic, 6),
            note=Text(
                "Natural log; some plots use log₂ so that the curve passes through 1 at m = 0.",
                "这里用自然对数；有的图用 log₂，使曲线在 m = 0 处等于 1。",
            ),
        )
    )
    hinge_v = max(0.0, 1 - m)
    steps.append(
        Step(
            Text("Hinge loss (SVM)", "Hinge 损失（支持向量机）"),
            formula="max(0, 1 − m)",
            substituted=f"max(0, 1 − {_pn(m)})",
            result=_n(hinge_v, 6),
        )
    )
    perceptron = max(0.0, -m)
    steps.append(
        Step(
            Text("Perceptron loss", "感知器损失"),
            formula="max(0, −m)",
            substituted=f"max(0, {_n(-m)})",
            result=_n(perceptron, 6),
        )
    )
    return Solution(
        answers={
            "margin": m,
            "zero_one": zero_one,
            "squared": sq,
            "logistic": logistic,
            "hinge": hinge_v,
            "perceptron": perceptron,
        },
        steps=steps,
    )


@mistake("losses.margin", "label_sign_ignored")
def _margin_no_label(y: float, f: float) -> dict[str, Any]:
    """Uses f(x) itself as the margin (forgets to multiply by y); differs only when y = −1."""
    _pm1([y], [f])
    m = float(f)
    if float(y) == 1:
        return {}
    return {
        "margin": m,
        "zero_one": 1 if m <= 0 else 0,
        "squared": (1 - m) ** 2,
        "logistic": math.log1p(math.exp(-m)),
        "hinge": max(0.0, 1 - m),
        "perceptron": max(0.0, -m),
    }


@mistake("losses.margin", "hinge_max_forgotten")
def _margin_hinge_no_max(y: float, f: float) -> dict[str, Any]:
    m = float(y) * float(f)
    return {"hinge": 1 - m, "perceptron": -m}


@mistake("losses.margin", "squared_with_half")
def _margin_half(y: float, f: float) -> dict[str, Any]:
    m = float(y) * float(f)
    return {"squared": 0.5 * (1 - m) ** 2}
