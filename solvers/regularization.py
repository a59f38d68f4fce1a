"""ℓ1/ℓ2 regularization and weight decay (nndl ch. 2 and 7).

Conventions:

- ℓ1 penalty λ‖w‖₁ = λ Σ|w_i|; its subgradient is λ·sign(w_i), taking 0 at w_i = 0 (any value in
  [−λ, λ] is a valid subgradient there).
- ℓ2 penalty: ``half=true`` (default) uses (λ/2)‖w‖², whose gradient is λw — the form of the
  textbook's structural risk; ``half=false`` uses λ‖w‖² with gradient 2λw. A step names the choice.
- Weight decay (textbook): θ_t ← (1 − β)θ_{t−1} − α g_t. For plain SGD it equals an ℓ2 step with
  β = αλ (for (λ/2)‖w‖²), i.e. w ← w − α(g + λw) = (1 − αλ)w − αg.
- Soft-thresholding (the proximal step of ℓ1): w ← sign(u)·max(|u| − αλ, 0) with u = w − αg; it
  sets small weights to exactly zero, which is where ℓ1's sparsity comes from.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# Formatting and input helpers are shared with the linear-model solvers.
from solvers.arrays import as_vector as _vector
from solvers.core import Grid, ParamSpec, Solution, SolverInputError, Step, Text
from solvers.registry import mistake, solver
from solvers.textfmt import _cells, _n, _pn, _sub, _v

NORMS = ("l1", "l2")


def _norm(norm: str) -> str:
    n = str(norm or "l2").lower().replace("ℓ", "l")
    if n not in NORMS:
        raise SolverInputError(Text("norm must be l1 or l2", "norm 只能是 l1 或 l2"))
    return n


def _nonneg(value: Any, name: str) -> float:
    v = float(value)
    if not np.isfinite(v) or v < 0:
        raise SolverInputError(Text(f"{name} must be a non-negative number", f"{name} 必须是非负数"))
    return v


def _positive(value: Any, name: str) -> float:
    v = float(value)
    if not np.isfinite(v) or v <= 0:
        raise SolverInputError(Text(f"{name} must be positive", f"{name} 必须为正"))
    return v


def _same_len(w: np.ndarray, g: np.ndarray) -> None:
    if w.size != g.size:
        raise SolverInputError(
            Text(f"w has {w.size} entries but g has {g.size}", f"w 有 {w.size} 个分量，而 g 有 {g.size} 个")
        )


def reg_gradient(w: np.ndarray, lam: float, norm: str, half: bool) -> np.ndarray:
    """Gradient (ℓ2) or subgradient (ℓ1, 0 at w_i = 0) of the penalty."""
    if norm == "l1":
        return lam * np.sign(w)
    return (1.0 if half else 2.0) * lam * w


def penalty_value(w: np.ndarray, lam: float, norm: str, half: bool) -> float:
    if norm == "l1":
        return float(lam * np.abs(w).sum())
    return float((0.5 if half else 1.0) * lam * (w**2).sum())


NORM = ParamSpec(
    "norm", "choice", Text("l1 or l2 (default l2)", "l1 或 l2（默认 l2）"), default="l2", required=False, choices=NORMS
)
HALF = ParamSpec(
    "half",
    "bool",
    Text(
        "ℓ2 written as (λ/2)‖w‖² (default true, gradient λw); false: λ‖w‖² (gradient 2λw)",
        "ℓ2 写作 (λ/2)‖w‖²（默认 true，梯度 λw）；false 则为 λ‖w‖²（梯度 2λw）",
    ),
    default=True,
    required=False,
)


def _convention_note(norm: str, half: bool) -> Text:
    if norm == "l1":
        return Text(
            "ℓ1 is not differentiable at 0: sign(0) = 0 is used there (any value in [−λ, λ] is a valid subgradient).",
            "ℓ1 在 0 处不可导：此处取 sign(0) = 0（[−λ, λ] 内任何值都是合法的次梯度）。",
        )
    if half:
        return Text(
            "Convention: (λ/2)‖w‖², as in the textbook's structural risk; the ½ makes the gradient simply λw.",
            "约定：采用 (λ/2)‖w‖²，与教材结构风险一致；½ 使梯度恰好为 λw。",
        )
    return Text(
        "Convention: λ‖w‖² without the ½, so the gradient is 2λw.",
        "约定：采用不带 ½ 的 λ‖w‖²，因此梯度为 2λw。",
    )


def _penalty_steps(
    wv: np.ndarray, lam: float, norm: str, half: bool, steps: list[Step]
) -> tuple[float, float, np.ndarray]:
    if norm == "l1":
        nv = float(np.abs(wv).sum())
        steps.append(
            Step(
                Text("ℓ1 norm: sum of absolute values", "ℓ1 范数：各分量绝对值之和"),
                formula="‖w‖₁ = Σ_i |w_i|",
                substituted=" + ".join(f"|{_n(v)}|" for v in wv),
                result=_n(nv, 6),
            )
        )
        pen = lam * nv
        steps.append(
            Step(
                Text("ℓ1 penalty", "ℓ1 正则项"),
                formula="λ‖w‖₁",
                substituted=f"{_n(lam)}·{_n(nv)}",
                result=_n(pen, 6),
            )
        )
        grad = reg_gradient(wv, lam, norm, half)
        steps.append(
            Step(
                Text(
                    "Subgradient: the same push of size λ on every non-zero weight, whatever its size",
                    "次梯度：对每个非零权重施加同样大小 λ 的推力，与权重大小无关",
                ),
                formula="∂(λ‖w‖₁)/∂w_i = λ·sign(w_i)",
                substituted="; ".join(f"{_n(lam)}·sign({_n(v)})" for v in wv),
                result=_v(grad, 6),
                note=_convention_note(norm, half),
            )
        )
        return nv, pen, grad
    nv = float((wv**2).sum())
    steps.append(
        Step(
            Text("Squared ℓ2 norm: sum of squares", "ℓ2 范数的平方：各分量平方和"),
            formula="‖w‖² = Σ_i w_i²",
            substituted=" + ".join(f"{_pn(v)}²" for v in wv),
            result=_n(nv, 6),
        )
    )
    c = 0.5 if half else 1.0
    pen = c * lam * nv
    steps.append(
        Step(
            Text("ℓ2 penalty", "ℓ2 正则项"),
            formula="(λ/2)‖w‖²" if half else "λ‖w‖²",
            substituted=f"({_n(lam)}/2)·{_n(nv)}" if half else f"{_n(lam)}·{_n(nv)}",
            result=_n(pen, 6),
            note=_convention_note(norm, half),
        )
    )
    grad = reg_gradient(wv, lam, norm, half)
    steps.append(
        Step(
            Text(
                "Gradient: proportional to each weight, so big weights are pushed hard and small ones barely",
                "梯度：与权重成正比，大权重受到的推力大，小权重几乎不受影响",
            ),
            formula="∂/∂w = λw" if half else "∂/∂w = 2λw",
            substituted="; ".join((f"{_n(lam)}·{_pn(v)}" if half else f"2·{_n(lam)}·{_pn(v)}") for v in wv),
            result=_v(grad, 6),
        )
    )
    return nv, pen, grad


# --------------------------------------------------------------------------- penalty and gradient


@solver(
    "regularization.penalty",
    [
        ParamSpec("w", "vector", Text("weights w (biases are usually not regularized)", "权重 w（偏置通常不加正则）")),
        ParamSpec("lam", "number", Text("regularization coefficient λ", "正则化系数 λ")),
        NORM,
        HALF,
        ParamSpec(
            "data_loss",
            "number",
            Text(
                "empirical risk (data loss) to add the penalty to (optional)",
                "要加上正则项的经验风险（数据损失，可选）",
            ),
            default=None,
            required=False,
        ),
    ],
    Text(
        "ℓ1/ℓ2 penalty, its (sub)gradient and the regularized (structural) risk", "ℓ1/ℓ2 正则项、其（次）梯度与结构风险"
    ),
)
def penalty(w: Any, lam: float, norm: str = "l2", half: bool = True, data_loss: Any = None) -> Solution:
    wv = _vector(w, "w")
    lam = _nonneg(lam, "λ")
    norm = _norm(norm)
    steps: list[Step] = []
    nv, pen, grad = _penalty_steps(wv, lam, norm, bool(half), steps)
    answers: dict[str, Any] = {"norm_value": nv, "penalty": pen, "grad": grad.tolist()}
    if data_loss is not None:
        total = float(data_loss) + pen
        steps.append(
            Step(
                Text(
                    "Structural risk = empirical risk + regularization term",
                    "结构风险 = 经验风险 + 正则化项",
                ),
                formula="R_struct(w) = R_emp(w) + Ω(w)",
                substituted=f"{_n(data_loss)} + {_n(pen)}",
                result=_n(total, 6),
            )
        )
        answers["total"] = total
    return Solution(answers=answers, steps=steps)


def _pen_answers(wv: np.ndarray, lam: float, norm: str, half: bool, data_loss: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "penalty": penalty_value(wv, lam, norm, half),
        "grad": reg_gradient(wv, lam, norm, half).tolist(),
    }
    if data_loss is not None:
        out["total"] = float(data_loss) + out["penalty"]
    return out


@mistake("regularization.penalty", "half_convention_swapped")
def _pen_half(w: Any, lam: float, norm: str = "l2", half: bool = True, data_loss: Any = None) -> dict[str, Any]:
    """Uses λ‖w‖² where (λ/2)‖w‖² was asked (or the other way round)."""
    if _norm(norm) != "l2":
        return {}
    return _pen_answers(_vector(w, "w"), float(lam), "l2", not half, data_loss)


@mistake("regularization.penalty", "l2_not_squared")
def _pen_not_squared(w: Any, lam: float, norm: str = "l2", half: bool = True, data_loss: Any = None) -> dict[str, Any]:
    """Uses the plain norm ‖w‖₂ instead of its square."""
    if _norm(norm) != "l2":
        return {}
    wv = _vector(w, "w")
    nrm = float(np.sqrt((wv**2).sum()))
    c = 0.5 if half else 1.0
    out: dict[str, Any] = {"norm_value": nrm, "penalty": c * float(lam) * nrm}
    if data_loss is not None:
        out["total"] = float(data_loss) + out["penalty"]
    return out


@mistake("regularization.penalty", "l1_grad_as_2lam_w")
def _pen_l1_2lw(w: Any, lam: float, norm: str = "l2", **_: Any) -> dict[str, Any]:
    """Differentiates |w| as if it were w²."""
    if _norm(norm) != "l1":
        return {}
    return {"grad": (2 * float(lam) * _vector(w, "w")).tolist()}


@mistake("regularization.penalty", "l1_abs_forgotten")
def _pen_l1_signed(w: Any, lam: float, norm: str = "l2", data_loss: Any = None, **_: Any) -> dict[str, Any]:
    """Sums the signed weights instead of their absolute values."""
    if _norm(norm) != "l1":
        return {}
    wv = _vector(w, "w")
    out: dict[str, Any] = {"norm_value": float(wv.sum()), "penalty": float(lam) * float(wv.sum())}
    if data_loss is not None:
        out["total"] = float(data_loss) + out["penalty"]
    return out


# --------------------------------------------------------------------------- one regularized SGD step


def _afterword(
    wv: np.ndarray, gv: np.ndarray, alpha: float, lam: float, norm: str, half: bool, answers: dict[str, Any]
) -> Step:
    """ℓ2: the same step read as weight decay (adds ``decay`` to the answers); ℓ1: how far each weight moves."""
    if norm != "l2":
        return Step(
            Text(
                "Note on ℓ1: the step moves every non-zero weight by αλ toward 0, so it can jump past 0; "
                "soft-thresholding (stop at 0) is what produces exact zeros",
                "关于 ℓ1：每个非零权重都向 0 移动 αλ，可能越过 0；软阈值（到 0 为止）才会得到恰好为 0 的权重",
            ),
            formula="|Δw_i| = α·λ",
            substituted=f"{_n(alpha)}·{_n(lam)}",
            result=_n(alpha * lam, 6),
        )
    k = lam if half else 2 * lam
    decay = 1 - alpha * k
    k_text = _n(lam) if half else f"2·{_n(lam)}"
    answers["decay"] = decay
    return Step(
        Text(
            "The same step as weight decay: shrink w by a constant factor, then take the plain gradient step",
            "同一步写成权重衰减：先把 w 乘以一个常数因子缩小，再做普通的梯度步",
        ),
        formula="w ← (1 − αλ)w − α·g" if half else "w ← (1 − 2αλ)w − α·g",
        substituted=f"1 − {_n(alpha)}·{k_text} = {_n(decay)}; "
        + "; ".join(f"{_n(decay)}·{_pn(a)} − {_n(alpha)}·{_pn(b)}" for a, b in zip(wv, gv, strict=True)),
        result=_v(decay * wv - alpha * gv, 6),
        note=Text(
            "For plain SGD, ℓ2 regularization and weight decay with β = αλ"
            + ("" if half else "·2")
            + " give the same step (the textbook's θ ← (1 − β)θ − αg); with adaptive optimizers such as Adam they differ.",
            "对普通 SGD，ℓ2 正则化与 β = αλ"
            + ("" if half else "·2")
            + " 的权重衰减（教材的 θ ← (1 − β)θ − αg）完全等价；对 Adam 等自适应方法二者不同。",
        ),
    )


@solver(
    "regularization.sgd_step",
    [
        ParamSpec("w", "vector", Text("current weights w", "当前权重 w")),
        ParamSpec("g", "vector", Text("gradient of the data loss at w", "数据损失在 w 处的梯度")),
        ParamSpec("alpha", "number", Text("learning rate α", "学习率 α")),
        ParamSpec("lam", "number", Text("regularization coefficient λ", "正则化系数 λ")),
        NORM,
        HALF,
    ],
    Text(
        "one gradient step on a loss with an ℓ1/ℓ2 penalty (and the weight-decay form of the ℓ2 step)",
        "带 ℓ1/ℓ2 正则项的一步梯度下降（以及 ℓ2 时的权重衰减写法）",
    ),
)
def sgd_step(w: Any, g: Any, alpha: float, lam: float, norm: str = "l2", half: bool = True) -> Solution:
    wv, gv = _vector(w, "w"), _vector(g, "g")
    _same_len(wv, gv)
    alpha = _positive(alpha, "α")
    lam = _nonneg(lam, "λ")
    norm = _norm(norm)
    half = bool(half)
    rg = reg_gradient(wv, lam, norm, half)
    steps: list[Step] = []
    if norm == "l1":
        formula = "∂Ω/∂w = λ·sign(w),  Ω = λ‖w‖₁"
        sub = "; ".join(f"{_n(lam)}·sign({_n(v)})" for v in wv)
    elif half:
        formula = "∂Ω/∂w = λw,  Ω = (λ/2)‖w‖²"
        sub = "; ".join(f"{_n(lam)}·{_pn(v)}" for v in wv)
    else:
        formula = "∂Ω/∂w = 2λw,  Ω = λ‖w‖²"
        sub = "; ".join(f"2·{_n(lam)}·{_pn(v)}" for v in wv)
    steps.append(
        Step(
            Text("(Sub)gradient of the penalty Ω(w)", "正则项 Ω(w) 的（次）梯度"),
            formula=formula,
            substituted=sub,
            result=_v(rg, 6),
            note=_convention_note(norm, half),
        )
    )
    total = gv + rg
    steps.append(
        Step(
            Text("Total gradient: data-loss gradient plus penalty gradient", "总梯度：数据损失梯度加上正则项梯度"),
            formula="∇ = g + ∂Ω/∂w",
            substituted="; ".join(f"{_n(a)} + {_pn(b)}" for a, b in zip(gv, rg, strict=True)),
            result=_v(total, 6),
        )
    )
    w_new = wv - alpha * total
    steps.append(
        Step(
            Text("Gradient-descent step", "梯度下降一步"),
            formula="w ← w − α·∇",
            substituted="; ".join(f"{_n(a)} − {_n(alpha)}·{_pn(b)}" for a, b in zip(wv, total, strict=True)),
            result=_v(w_new, 6),
            grids=(
                Grid.of(
                    _cells(np.vstack([wv, gv, rg, total, w_new]).T),
                    row_labels=[f"w{_sub(i + 1)}" for i in range(wv.size)],
                    col_labels=["w", "g", "∂Ω/∂w", "∇", "w_new"],
                    title=Text("Per-weight values", "逐个权重的数值"),
                ),
            ),
        )
    )
    answers: dict[str, Any] = {"reg_grad": rg.tolist(), "grad": total.tolist(), "w_new": w_new.tolist()}
    steps.append(_afterword(wv, gv, alpha, lam, norm, half, answers))
    return Solution(answers=answers, steps=steps)


def _step_answers(wv: np.ndarray, gv: np.ndarray, alpha: float, rg: np.ndarray, sign: float = 1.0) -> dict[str, Any]:
    total = gv + rg
    return {"reg_grad": rg.tolist(), "grad": total.tolist(), "w_new": (wv - sign * alpha * total).tolist()}


@mistake("regularization.sgd_step", "forgot_regularizer")
def _sgd_no_reg(w: Any, g: Any, alpha: float, norm: str = "l2", **_: Any) -> dict[str, Any]:
    wv, gv = _vector(w, "w"), _vector(g, "g")
    out = _step_answers(wv, gv, float(alpha), np.zeros_like(wv))
    if _norm(norm) == "l2":
        out["decay"] = 1.0
    return out


@mistake("regularization.sgd_step", "ascent_sign")
def _sgd_ascent(w: Any, g: Any, alpha: float, lam: float, norm: str = "l2", half: bool = True) -> dict[str, Any]:
    """w ← w + α∇: moves up the loss."""
    wv, gv = _vector(w, "w"), _vector(g, "g")
    out = _step_answers(wv, gv, float(alpha), reg_gradient(wv, float(lam), _norm(norm), bool(half)), sign=-1.0)
    del out["reg_grad"], out["grad"]
    return out


@mistake("regularization.sgd_step", "l1_grad_as_2lam_w")
def _sgd_l1_2lw(w: Any, g: Any, alpha: float, lam: float, norm: str = "l2", **_: Any) -> dict[str, Any]:
    if _norm(norm) != "l1":
        return {}
    wv, gv = _vector(w, "w"), _vector(g, "g")
    return _step_answers(wv, gv, float(alpha), 2 * float(lam) * wv)


@mistake("regularization.sgd_step", "half_convention_swapped")
def _sgd_half(w: Any, g: Any, alpha: float, lam: float, norm: str = "l2", half: bool = True) -> dict[str, Any]:
    """Uses 2λw for (λ/2)‖w‖² or λw for λ‖w‖²."""
    if _norm(norm) != "l2":
        return {}
    wv, gv = _vector(w, "w"), _vector(g, "g")
    out = _step_answers(wv, gv, float(alpha), reg_gradient(wv, float(lam), "l2", not half))
    out["decay"] = 1 - float(alpha) * float(lam) * (2.0 if half else 1.0)
    return out


@mistake("regularization.sgd_step", "decay_without_lr")
def _sgd_decay_no_lr(w: Any, g: Any, alpha: float, lam: float, norm: str = "l2", half: bool = True) -> dict[str, Any]:
    """Shrinks by (1 − λ) instead of (1 − αλ): the learning rate is not applied to the penalty."""
    if _norm(norm) != "l2":
        return {}
    wv, gv = _vector(w, "w"), _vector(g, "g")
    k = float(lam) * (1.0 if half else 2.0)
    return {"decay": 1 - k, "w_new": ((1 - k) * wv - float(alpha) * gv).tolist()}


# --------------------------------------------------------------------------- weight decay (textbook β form)


@solver(
    "regularization.weight_decay",
    [
        ParamSpec("w", "vector", Text("current weights w", "当前权重 w")),
        ParamSpec("g", "vector", Text("gradient of the data loss at w", "数据损失在 w 处的梯度")),
        ParamSpec("alpha", "number", Text("learning rate α", "学习率 α")),
        ParamSpec("beta", "number", Text("weight-decay coefficient β (0 < β < 1)", "权重衰减系数 β（0 < β < 1）")),
        HALF,
    ],
    Text(
        "one weight-decay step θ ← (1 − β)θ − αg and the equivalent ℓ2 coefficient for SGD",
        "一步权重衰减 θ ← (1 − β)θ − αg，以及 SGD 下等价的 ℓ2 系数",
    ),
)
def weight_decay(w: Any, g: Any, alpha: float, beta: float, half: bool = True) -> Solution:
    wv, gv = _vector(w, "w"), _vector(g, "g")
    _same_len(wv, gv)
    alpha = _positive(alpha, "α")
    beta = float(beta)
    if not 0 <= beta < 1:
        raise SolverInputError(Text("β must satisfy 0 ≤ β < 1", "β 必须满足 0 ≤ β < 1"))
    half = bool(half)
    decayed = (1 - beta) * wv
    steps = [
        Step(
            Text("Decay the weights", "先对权重做衰减"),
            formula="(1 − β)·w",
            substituted="; ".join(f"(1 − {_n(beta)})·{_pn(v)}" for v in wv),
            result=_v(decayed, 6),
        )
    ]
    w_new = decayed - alpha * gv
    steps.append(
        Step(
            Text("Then the plain gradient step (textbook weight decay)", "再做普通的梯度步（教材中的权重衰减）"),
            formula="w ← (1 − β)w − α·g",
            substituted="; ".join(f"{_n(a)} − {_n(alpha)}·{_pn(b)}" for a, b in zip(decayed, gv, strict=True)),
            result=_v(w_new, 6),
        )
    )
    lam = beta / alpha if half else beta / (2 * alpha)
    steps.append(
        Step(
            Text(
                "Equivalent ℓ2 coefficient for SGD: w − α(g + λw) = (1 − αλ)w − αg, so β = αλ"
                if half
                else "Equivalent ℓ2 coefficient for SGD: w − α(g + 2λw) = (1 − 2αλ)w − αg, so β = 2αλ",
                "SGD 下等价的 ℓ2 系数：w − α(g + λw) = (1 − αλ)w − αg，故 β = αλ"
                if half
                else "SGD 下等价的 ℓ2 系数：w − α(g + 2λw) = (1 − 2αλ)w − αg，故 β = 2αλ",
            ),
            formula="λ = β/α" if half else "λ = β/(2α)",
            substituted=f"{_n(beta)}/{_n(alpha)}" if half else f"{_n(beta)}/(2·{_n(alpha)})",
            result=_n(lam, 6),
            note=_convention_note("l2", half),
        )
    )
    check = wv - alpha * (gv + reg_gradient(wv, lam, "l2", half))
    steps.append(
        Step(
            Text(
                "Check: the ℓ2-regularized SGD step with this λ gives the same weights",
                "验算：用这个 λ 做带 ℓ2 正则的 SGD 步，得到相同的权重",
            ),
            formula="w − α(g + λw)" if half else "w − α(g + 2λw)",
            result=_v(check, 6),
        )
    )
    return Solution(answers={"decayed": decayed.tolist(), "w_new": w_new.tolist(), "lam": lam}, steps=steps)


@mistake("regularization.weight_decay", "lam_equals_beta")
def _wd_lam_beta(beta: float, half: bool = True, **_: Any) -> dict[str, Any]:
    """Forgets that the learning rate multiplies λ in the SGD step."""
    return {"lam": float(beta) if half else float(beta) / 2}


@mistake("regularization.weight_decay", "half_convention_swapped")
def _wd_half(alpha: float, beta: float, half: bool = True, **_: Any) -> dict[str, Any]:
    return {"lam": float(beta) / (2 * float(alpha)) if half else float(beta) / float(alpha)}


@mistake("regularization.weight_decay", "decay_after_step")
def _wd_after(w: Any, g: Any, alpha: float, beta: float, **_: Any) -> dict[str, Any]:
    """Decays the already-updated weights: (1 − β)(w − αg)."""
    wv, gv = _vector(w, "w"), _vector(g, "g")
    return {"w_new": ((1 - float(beta)) * (wv - float(alpha) * gv)).tolist()}


# --------------------------------------------------------------------------- soft-thresholding


def _shrink(u: np.ndarray, tau: float) -> np.ndarray:
    """sign(u)·max(|u| − τ, 0); a size within 1e-12 of τ counts as reaching 0 (float round-off)."""
    size = np.abs(u) - tau
    size[size < 1e-12] = 0.0
    return np.where(size == 0, 0.0, np.sign(u) * size)


@solver(
    "regularization.soft_threshold",
    [
        ParamSpec("w", "vector", Text("current weights w", "当前权重 w")),
        ParamSpec("lam", "number", Text("ℓ1 coefficient λ", "ℓ1 系数 λ")),
        ParamSpec(
            "alpha", "number", Text("learning rate α (default 1)", "学习率 α（默认 1）"), default=1.0, required=False
        ),
        ParamSpec(
            "g",
            "vector",
            Text("gradient of the data loss (optional; default 0)", "数据损失的梯度（可选，默认 0）"),
            default=None,
            required=False,
        ),
    ],
    Text(
        "ℓ1 proximal step (soft-thresholding): why ℓ1 makes weights exactly zero",
        "ℓ1 近端步（软阈值）：为什么 ℓ1 会把权重变成恰好为 0",
    ),
)
def soft_threshold(w: Any, lam: float, alpha: float = 1.0, g: Any = None) -> Solution:
    wv = _vector(w, "w")
    gv = np.zeros_like(wv) if g is None else _vector(g, "g")
    _same_len(wv, gv)
    alpha = _positive(alpha, "α")
    lam = _nonneg(lam, "λ")
    steps: list[Step] = []
    u = wv - alpha * gv
    if g is not None:
        steps.append(
            Step(
                Text("Plain gradient step on the data loss", "先对数据损失做普通梯度步"),
                formula="u = w − α·g",
                substituted="; ".join(f"{_n(a)} − {_n(alpha)}·{_pn(b)}" for a, b in zip(wv, gv, strict=True)),
                result=_v(u, 6),
            )
        )
    else:
        steps.append(
            Step(Text("No data gradient given: u = w", "未给数据梯度：u = w"), formula="u = w", result=_v(u, 6))
        )
    tau = alpha * lam
    steps.append(
        Step(
            Text("Threshold", "阈值"),
            formula="τ = α·λ",
            substituted=f"{_n(alpha)}·{_n(lam)}",
            result=_n(tau, 6),
        )
    )
    w_new = _shrink(u, tau)
    steps.append(
        Step(
            Text(
                "Soft-threshold each weight: shrink its size by τ and stop at 0",
                "对每个权重做软阈值：绝对值减去 τ，减到 0 为止",
            ),
            formula="w_i ← sign(u_i)·max(|u_i| − τ, 0)",
            substituted="; ".join(f"sign({_n(v)})·max({_n(abs(v))} − {_n(tau)}, 0)" for v in u),
            result=_v(w_new, 6),
            grids=(
                Grid.of(
                    _cells(np.vstack([wv, u, np.abs(u), w_new]).T),
                    row_labels=[f"w{_sub(i + 1)}" for i in range(wv.size)],
                    col_labels=["w", "u", "|u|", "w_new"],
                    title=Text("Soft-thresholding", "软阈值"),
                ),
            ),
        )
    )
    zeros = int(np.sum(w_new == 0))
    steps.append(
        Step(
            Text(
                "Weights set exactly to zero (every |u_i| ≤ τ): this is the sparsity ℓ1 brings; ℓ2 would only "
                "scale them down, never to exactly 0",
                "恰好变为 0 的权重（|u_i| ≤ τ 的那些）：这就是 ℓ1 带来的稀疏性；ℓ2 只会按比例缩小，不会恰好变成 0",
            ),
            formula="#{i : |u_i| ≤ τ}",
            result=str(zeros),
        )
    )
    return Solution(answers={"u": u.tolist(), "threshold": tau, "w_new": w_new.tolist(), "zeros": zeros}, steps=steps)


def _st_u(w: Any, alpha: float, g: Any) -> tuple[np.ndarray, np.ndarray]:
    wv = _vector(w, "w")
    gv = np.zeros_like(wv) if g is None else _vector(g, "g")
    return wv, wv - float(alpha) * gv


@mistake("regularization.soft_threshold", "subgradient_step")
def _st_subgradient(w: Any, lam: float, alpha: float = 1.0, g: Any = None) -> dict[str, Any]:
    """Takes a plain subgradient step u − αλ·sign(w): weights jump past 0 instead of stopping there."""
    wv, u = _st_u(w, alpha, g)
    w_new = u - float(alpha) * float(lam) * np.sign(wv)
    return {"w_new": w_new.tolist(), "zeros": int(np.sum(np.abs(w_new) < 1e-12))}


@mistake("regularization.soft_threshold", "no_clip_at_zero")
def _st_no_clip(w: Any, lam: float, alpha: float = 1.0, g: Any = None) -> dict[str, Any]:
    """sign(u)(|u| − τ) without the max(·, 0)."""
    _, u = _st_u(w, alpha, g)
    w_new = np.sign(u) * (np.abs(u) - float(alpha) * float(lam))
    return {"w_new": w_new.tolist(), "zeros": int(np.sum(np.abs(w_new) < 1e-12))}


@mistake("regularization.soft_threshold", "threshold_without_lr")
def _st_no_lr(w: Any, lam: float, alpha: float = 1.0, g: Any = None) -> dict[str, Any]:
    """Uses τ = λ instead of αλ."""
    if float(alpha) == 1.0:
        return {}
    _, u = _st_u(w, alpha, g)
    w_new = _shrink(u, float(lam))
    return {"threshold": float(lam), "w_new": w_new.tolist(), "zeros": int(np.sum(w_new == 0))}


# --------------------------------------------------------------------------- label smoothing

SMOOTHING_CONVENTIONS = ("textbook", "pytorch")


def _smoothed(classes: int, label: int, epsilon: float, convention: str) -> np.ndarray:
    """Textbook (nndl §7.7.6): the true class keeps 1 − ε, the other K − 1 classes share ε.
    PyTorch (CrossEntropyLoss(label_smoothing=ε)): (1 − ε)·one-hot + ε/K for every class."""
    if convention == "pytorch":
        target = np.full(classes, epsilon / classes)
        target[label - 1] += 1.0 - epsilon
    else:
        target = np.full(classes, epsilon / (classes - 1))
        target[label - 1] = 1.0 - epsilon
    return target


def _smoothing_inputs(K: Any, y: Any, epsilon: Any, convention: str) -> tuple[int, int, float, str]:
    classes, label, eps = int(K), int(y), float(epsilon)
    if classes < 2:
        raise SolverInputError(Text("label smoothing needs at least K = 2 classes", "标签平滑至少需要 K = 2 个类别"))
    if not 1 <= label <= classes:
        raise SolverInputError(Text(f"the true class y must be 1 … {classes}", f"真实类别 y 必须在 1 … {classes} 之间"))
    if not 0 <= eps < 1:
        raise SolverInputError(Text("ε must satisfy 0 ≤ ε < 1", "ε 必须满足 0 ≤ ε < 1"))
    convention = str(convention).lower()
    if convention not in SMOOTHING_CONVENTIONS:
        raise SolverInputError(Text("convention is textbook or pytorch", "convention 只能是 textbook 或 pytorch"))
    return classes, label, eps, convention


@solver(
    "regularization.label_smoothing",
    [
        ParamSpec("K", "int", Text("number of classes K", "类别数 K")),
        ParamSpec("y", "int", Text("true class, 1 … K", "真实类别，1 … K")),
        ParamSpec("epsilon", "number", Text("smoothing ε (e.g. 0.1)", "平滑系数 ε（如 0.1）")),
        ParamSpec(
            "probs",
            "vector",
            Text(
                "predicted probabilities ŷ of the K classes (optional: gives the loss)",
                "K 个类别的预测概率 ŷ（可选：用于计算损失）",
            ),
            required=False,
        ),
        ParamSpec(
            "convention",
            "choice",
            Text(
                "textbook: others get ε/(K−1) (default); pytorch: (1−ε)·one-hot + ε/K",
                "textbook：其他类各得 ε/(K−1)（默认）；pytorch：(1−ε)·one-hot + ε/K",
            ),
            default="textbook",
            required=False,
            choices=SMOOTHING_CONVENTIONS,
        ),
    ],
    Text("label smoothing: the soft target and its cross-entropy", "标签平滑：软目标及其交叉熵"),
)
def label_smoothing(K: int, y: int, epsilon: float, probs: Any = None, convention: str = "textbook") -> Solution:
    classes, label, eps, convention = _smoothing_inputs(K, y, epsilon, convention)
    target = _smoothed(classes, label, eps, convention)
    if convention == "pytorch":
        rule = Step(
            Text(
                "Convention: PyTorch (CrossEntropyLoss(label_smoothing=ε)) mixes the one-hot label with the uniform distribution",
                "约定：PyTorch（CrossEntropyLoss(label_smoothing=ε)）把 one-hot 标签与均匀分布混合",
            ),
            formula="ỹ = (1 − ε)·y + ε/K",
            substituted=f"ỹ_y = 1 − {_n(eps)} + {_n(eps)}/{classes};  ỹ_k = {_n(eps)}/{classes} (k ≠ y)",
            result=_v(target, 6),
        )
    else:
        rule = Step(
            Text(
                "Convention: textbook (nndl §7.7.6): the true class keeps 1 − ε, the K − 1 others share ε",
                "约定：教材（《神经网络与深度学习》7.7.6 节）：真实类别保留 1 − ε，其余 K − 1 类平分 ε",
            ),
            formula="ỹ_y = 1 − ε ;  ỹ_k = ε/(K − 1)  (k ≠ y)",
            substituted=f"ỹ_y = 1 − {_n(eps)};  ỹ_k = {_n(eps)}/({classes} − 1) (k ≠ y)",
            result=_v(target, 6),
            note=Text(
                "PyTorch's label_smoothing instead gives every class ε/K and the true class 1 − ε + ε/K.",
                "PyTorch 的标签平滑参数则给每个类 ε/K，真实类别为 1 − ε + ε/K。",
            ),
        )
    steps = [
        Step(
            Text("Hard target: the one-hot label", "硬目标：one-hot 标签"),
            formula="y = one-hot(y)",
            substituted=f"K = {classes}, y = {label}",
            result=_v(np.eye(classes)[label - 1]),
        ),
        rule,
        Step(
            Text("The soft target still sums to 1", "软目标的各分量之和仍为 1"),
            formula="Σ_k ỹ_k = 1",
            substituted=" + ".join(_n(v, 6) for v in target),
            result=_n(target.sum(), 6),
        ),
    ]
    answers: dict[str, Any] = {
        "smoothed": target.tolist(),
        "true_target": float(target[label - 1]),
        "other_target": float(target[label % classes]),
    }
    if probs is not None:
        p = _vector(probs, "probs")
        if p.size != classes:
            raise SolverInputError(Text(f"probs needs {classes} values", f"probs 需要 {classes} 个数"))
        if np.any(p <= 0) or np.any(p > 1) or abs(p.sum() - 1) > 1e-6:
            raise SolverInputError(
                Text("probs must be probabilities in (0, 1] that sum to 1", "probs 必须是 (0, 1] 内、和为 1 的概率")
            )
        losses = -target * np.log(p)
        loss = float(losses.sum())
        hard = float(-np.log(p[label - 1]))
        steps += [
            Step(
                Text(
                    "Cross-entropy with the soft target: every class now contributes",
                    "与软目标的交叉熵：每个类别都有贡献",
                ),
                formula="L = −Σ_k ỹ_k·ln ŷ_k",
                substituted=" + ".join(f"{_n(t, 4)}·(−ln {_n(q, 4)})" for t, q in zip(target, p, strict=True)),
                result=_n(loss, 6),
            ),
            Step(
                Text("For comparison: the loss with the hard label", "对比：硬标签的损失"),
                formula="L₀ = −ln ŷ_y  (one-hot)",
                substituted=f"−ln {_n(p[label - 1])}",
                result=_n(hard, 6),
                note=Text(
                    "With the soft target the loss cannot reach 0 even when ŷ_y → 1, so the model is not pushed to "
                    "over-confident outputs: that is the regularizing effect.",
                    "用软目标时，即使 ŷ_y → 1 损失也不会降到 0，模型不会被推向过度自信的输出：这就是它的正则化作用。",
                ),
            ),
        ]
        answers.update(loss=loss, hard_loss=hard)
    return Solution(answers=answers, steps=steps)


@mistake("regularization.label_smoothing", "eps_over_k")
def _ls_over_k(K: int, y: int, epsilon: float, convention: str = "textbook", **_: Any) -> dict[str, Any]:
    """In a textbook question, gives the other classes ε/K (PyTorch's share) with 1 − ε kept."""
    classes, label, eps, convention = _smoothing_inputs(K, y, epsilon, convention)
    if convention != "textbook":
        return {}
    return {"other_target": eps / classes}


@mistake("regularization.label_smoothing", "other_convention")
def _ls_other(
    K: int, y: int, epsilon: float, probs: Any = None, convention: str = "textbook", **_: Any
) -> dict[str, Any]:
    """The other convention's soft target (textbook ↔ PyTorch)."""
    classes, label, eps, convention = _smoothing_inputs(K, y, epsilon, convention)
    target = _smoothed(classes, label, eps, "textbook" if convention == "pytorch" else "pytorch")
    out: dict[str, Any] = {"smoothed": target.tolist(), "true_target": float(target[label - 1])}
    out["other_target"] = float(target[label % classes])
    if probs is not None:
        out["loss"] = float(-(target * np.log(_vector(probs, "probs"))).sum())
    return out


@mistake("regularization.label_smoothing", "hard_label_loss")
def _ls_hard(K: int, y: int, epsilon: float, probs: Any = None, **_: Any) -> dict[str, Any]:
    """The cross-entropy of the one-hot label, as if there were no smoothing."""
    if probs is None:
        return {}
    p = _vector(probs, "probs")
    return {"loss": float(-np.log(p[int(y) - 1]))}
