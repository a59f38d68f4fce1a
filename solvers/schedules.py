"""Learning-rate schedules (nndl ch. 7.2): decay, warmup and cyclic schedules.

Conventions (REFERENCE.md), t = 0 is the first iteration unless stated:

- piecewise constant: α_t = α₀·Π β_k over the milestones T_k ≤ t (the decay applies from step T_k
  on, as PyTorch's MultiStepLR does);
- inverse time α_t = α₀/(1 + β·t); exponential α_t = α₀·β^t; natural exponential
  α_t = α₀·exp(−β·t); cosine α_t = ½·α₀·(1 + cos(tπ/T)) for 0 ≤ t ≤ T;
- warmup: α'_t = (t/T')·α₀ for 1 ≤ t ≤ T' (0 at t = 0); after the warmup a decay runs on the
  shifted clock τ = t − T' (cosine over the remaining T − T' iterations by default);
- cyclic (triangular, nndl 7.2.3): m = ⌊1 + t/(2ΔT)⌋, b = |t/ΔT − 2m + 1|,
  α_t = α_min + (α_max − α_min)·max(0, 1 − b) with α_min = lr0 and ΔT the half cycle;
- restart (SGDR with a fixed period T): α_t = α_min + ½(α_max − α_min)(1 + cos(π·(t mod T)/T)).
"""

from __future__ import annotations

import math
from typing import Any

from solvers.core import ParamSpec, Solution, Step, Text, fmt_num
from solvers.core import input_error as _bad
from solvers.registry import mistake, solver
from solvers.textfmt import sub as _sub

SCHEDULES = ("piecewise", "inverse-time", "exponential", "natural-exponential", "cosine", "warmup", "cyclic", "restart")
AFTER_WARMUP = ("cosine", "constant", "exponential", "natural-exponential", "inverse-time")
AFTER_NAMES = {
    "cosine": Text("cosine decay", "余弦衰减"),
    "constant": Text("constant rate", "保持不变"),
    "exponential": Text("exponential decay", "指数衰减"),
    "natural-exponential": Text("natural exponential decay", "自然指数衰减"),
    "inverse-time": Text("inverse time decay", "逆时衰减"),
}


def _n(x: float) -> str:
    """Six significant figures; round-off such as cos(π/2) = 6×10⁻¹⁷ is shown as 0."""
    return fmt_num(0.0 if abs(x) < 1e-12 else x, 6)


def _need(name: str, value: Any) -> Any:
    if value is None:
        raise _bad(f"this schedule needs {name}", f"该学习率调整方法需要参数 {name}")
    return value


def _cos_degrees(x: float) -> float:
    """What a calculator left in degree mode returns for cos(x)."""
    return math.cos(math.radians(x))


def _cosine_value(
    lr0: float, t: float, T: float, cos: Any = math.cos, with_pi: bool = True, half: bool = True
) -> float:
    angle = t * math.pi / T if with_pi else t / T
    return (0.5 if half else 1.0) * lr0 * (1 + cos(angle))


def _decay(
    kind: str, lr0: float, beta: float | None, t: float, T: float | None, confuse_exp: bool = False
) -> tuple[float, str, str]:
    """One closed-form decay: value, general formula, substituted formula."""
    if kind == "constant":
        return lr0, "α = α₀", _n(lr0)
    if kind == "inverse-time":
        b = float(_need("beta", beta))
        return lr0 / (1 + b * t), "α₀ / (1 + β·t)", f"{_n(lr0)} / (1 + {_n(b)}·{_n(t)})"
    if kind in ("exponential", "natural-exponential"):
        b = float(_need("beta", beta))
        natural = (kind == "natural-exponential") != confuse_exp
        if natural:
            return lr0 * math.exp(-b * t), "α₀·exp(−β·t)", f"{_n(lr0)}·exp(−{_n(b)}·{_n(t)})"
        if b <= 0:
            raise _bad("exponential decay needs β > 0", "指数衰减需要 β > 0")
        return lr0 * b**t, "α₀·β^t", f"{_n(lr0)}·{_n(b)}^{_n(t)}"
    if kind == "cosine":
        horizon = float(_need("T", T))
        return (
            _cosine_value(lr0, t, horizon),
            "½·α₀·(1 + cos(tπ/T))",
            f"½·{_n(lr0)}·(1 + cos({_n(t)}π/{_n(horizon)}))",
        )
    raise _bad(f"unknown decay {kind!r}", f"未知的衰减方式 {kind!r}")


def _piecewise_factor(
    t: int, milestones: list[float], factors: list[float], strict: bool = False
) -> tuple[float, list[int]]:
    total = 1.0
    used: list[int] = []
    for k, (m, f) in enumerate(zip(milestones, factors, strict=True)):
        if (t > m) if strict else (t >= m):
            total *= f
            used.append(k)
    return total, used


def _piecewise_inputs(milestones: Any, betas: Any, beta: float | None) -> tuple[list[float], list[float]]:
    ms = [float(m) for m in _need("milestones", milestones)]
    if not ms:
        raise _bad("give at least one milestone", "至少给出一个衰减节点")
    if any(b <= a for a, b in zip(ms, ms[1:], strict=False)):
        raise _bad("milestones must increase", "衰减节点必须递增")
    if betas is not None:
        fs = [float(b) for b in betas]
        if len(fs) != len(ms):
            raise _bad("give one factor per milestone", "每个衰减节点需对应一个衰减系数")
    else:
        fs = [float(_need("beta (or betas)", beta))] * len(ms)
    return ms, fs


def _check(lr0: float, t: int, allow_zero: bool = False) -> None:
    if not (lr0 >= 0 if allow_zero else lr0 > 0):
        raise _bad("lr0 must be positive", "lr0 必须为正")
    if t < 0:
        raise _bad("t cannot be negative", "t 不能为负")


SCHEDULE_PARAMS = [
    ParamSpec("schedule", "choice", Text(" | ".join(SCHEDULES), " | ".join(SCHEDULES)), choices=SCHEDULES),
    ParamSpec(
        "lr0",
        "number",
        Text(
            "initial learning rate α₀ (cyclic/restart: the minimum α_min)",
            "初始学习率 α₀（cyclic/restart：最小学习率 α_min）",
        ),
    ),
    ParamSpec("t", "int", Text("iteration t (t = 0 is the first)", "迭代次数 t（从 0 开始）")),
    ParamSpec(
        "beta",
        "number",
        Text(
            "decay rate β (inverse-time, exponential, natural-exponential; piecewise factor)",
            "衰减率 β（逆时、指数、自然指数衰减；分段衰减的系数）",
        ),
        default=None,
        required=False,
    ),
    ParamSpec(
        "T",
        "int",
        Text(
            "cosine horizon T (warmup: total iterations; restart: period)",
            "余弦衰减的总步数 T（warmup：总迭代数；restart：周期）",
        ),
        default=None,
        required=False,
    ),
    ParamSpec("warmup", "int", Text("warmup length T'", "预热步数 T'"), default=None, required=False),
    ParamSpec(
        "after",
        "choice",
        Text(
            "decay after the warmup, on the clock t − T' (default cosine)",
            "预热后的衰减方式，按 t − T' 计时（默认 cosine）",
        ),
        default="cosine",
        required=False,
        choices=AFTER_WARMUP,
    ),
    ParamSpec(
        "milestones",
        "vector",
        Text("piecewise: steps T₁ < T₂ < … where the rate is multiplied", "分段衰减：学习率相乘衰减的节点 T₁ < T₂ < …"),
        default=None,
        required=False,
    ),
    ParamSpec(
        "betas",
        "vector",
        Text(
            "piecewise: factor β_k for each milestone (default beta each time)",
            "分段衰减：各节点的衰减系数 β_k（默认都用 beta）",
        ),
        default=None,
        required=False,
    ),
    ParamSpec(
        "lr_max",
        "number",
        Text("cyclic/restart: the maximum α_max", "cyclic/restart：最大学习率 α_max"),
        default=None,
        required=False,
    ),
    ParamSpec(
        "step_size",
        "int",
        Text("cyclic: half cycle ΔT (a cycle lasts 2ΔT)", "cyclic：半个周期 ΔT（一个周期为 2ΔT）"),
        default=None,
        required=False,
    ),
]


@solver(
    "schedules.lr_schedule",
    SCHEDULE_PARAMS,
    Text(
        "learning rate at iteration t under a decay, warmup or cyclic schedule",
        "学习率衰减、预热或周期性调整下第 t 次迭代的学习率",
    ),
)
def lr_schedule(
    schedule: str,
    lr0: float,
    t: int,
    beta: float | None = None,
    T: int | None = None,
    warmup: int | None = None,
    after: str = "cosine",
    milestones: Any = None,
    betas: Any = None,
    lr_max: float | None = None,
    step_size: int | None = None,
) -> Solution:
    """Answers: ``lr`` (the learning rate at iteration t)."""
    lr0, t = float(lr0), int(t)
    schedule = str(schedule).lower()
    _check(lr0, t, allow_zero=schedule in ("cyclic", "restart"))
    steps: list[Step] = []
    if schedule == "piecewise":
        lr = _piecewise(lr0, t, milestones, betas, beta, steps)
    elif schedule in ("inverse-time", "exponential", "natural-exponential"):
        lr, formula, substituted = _decay(schedule, lr0, beta, t, None)
        names = {
            "inverse-time": Text("Inverse time decay", "逆时衰减"),
            "exponential": Text(
                "Exponential decay (β < 1 is the factor per step)", "指数衰减（β < 1 为每步的衰减系数）"
            ),
            "natural-exponential": Text(
                "Natural exponential decay (β > 0 is the rate in the exponent)",
                "自然指数衰减（β > 0 为指数中的衰减率）",
            ),
        }
        steps.append(Step(names[schedule], formula=f"α_t = {formula}", substituted=substituted, result=_n(lr)))
    elif schedule == "cosine":
        lr = _cosine(lr0, t, T, steps)
    elif schedule == "warmup":
        lr = _warmup(lr0, t, T, warmup, after, beta, steps)
    elif schedule == "cyclic":
        lr = _cyclic(lr0, t, lr_max, step_size, steps)
    elif schedule == "restart":
        lr = _restart(lr0, t, lr_max, T, steps)
    else:
        raise _bad(
            f"unknown schedule {schedule!r}; use one of {', '.join(SCHEDULES)}",
            f"未知的调整方式 {schedule!r}；可选 {', '.join(SCHEDULES)}",
        )
    return Solution(answers={"lr": lr}, steps=steps)


def _piecewise(lr0: float, t: int, milestones: Any, betas: Any, beta: float | None, steps: list[Step]) -> float:
    """Piecewise-constant decay: every milestone reached multiplies the rate by its β_k."""
    ms, fs = _piecewise_inputs(milestones, betas, beta)
    factor, used = _piecewise_factor(t, ms, fs)
    lr = lr0 * factor
    passed = ", ".join(f"T{_sub(k + 1)} = {_n(ms[k])}" for k in used)
    steps.append(
        Step(
            Text(
                "Milestones already reached (T_k ≤ t): each multiplies the rate by its β_k",
                "已到达的衰减节点（T_k ≤ t）：每个节点把学习率乘以 β_k",
            ),
            formula="α_t = α₀·Π_{T_k ≤ t} β_k",
            substituted=f"{_n(lr0)}" + "".join(f"·{_n(fs[k])}" for k in used),
            result=_n(lr),
            note=Text(f"reached: {passed or 'none'} (t = {t})", f"已到达：{passed or '无'}（t = {t}）"),
        )
    )
    return lr


def _cosine(lr0: float, t: int, T: int | None, steps: list[Step]) -> float:
    """Cosine decay over T iterations, with the angle in radians shown."""
    horizon = int(_need("T", T))
    if horizon <= 0 or t > horizon:
        raise _bad(
            f"cosine decay needs 0 ≤ t ≤ T (t = {t}, T = {horizon})",
            f"余弦衰减要求 0 ≤ t ≤ T（t = {t}，T = {horizon}）",
        )
    angle = t * math.pi / horizon
    lr = _cosine_value(lr0, t, horizon)
    steps.append(
        Step(
            Text("Angle in radians", "角度（弧度）"),
            formula="tπ/T",
            substituted=f"{t}·π/{horizon}",
            result=f"{_n(angle)} rad, cos = {_n(math.cos(angle))}",
            note=Text(
                "Use radians (a calculator in degree mode gives a wrong cosine).",
                "用弧度计算（计算器若处于角度制会算错余弦）。",
            ),
        )
    )
    steps.append(
        Step(
            Text("Cosine decay", "余弦衰减"),
            formula="α_t = ½·α₀·(1 + cos(tπ/T))",
            substituted=f"½·{_n(lr0)}·(1 + {_n(math.cos(angle))})",
            result=_n(lr),
        )
    )
    return lr


def _warmup(
    lr0: float, t: int, T: int | None, warmup: int | None, after: str, beta: float | None, steps: list[Step]
) -> float:
    tw = int(_need("warmup", warmup))
    if tw <= 0:
        raise _bad("warmup must be positive", "warmup 必须为正")
    after = str(after or "cosine").lower()
    if after not in AFTER_WARMUP:
        raise _bad(f"after must be one of {', '.join(AFTER_WARMUP)}", f"after 只能是 {', '.join(AFTER_WARMUP)} 之一")
    if t <= tw:
        lr = t / tw * lr0
        steps.append(
            Step(
                Text("Inside the warmup (t ≤ T'): the rate grows linearly", "处于预热阶段（t ≤ T'）：学习率线性增大"),
                formula="α'_t = (t/T')·α₀",
                substituted=f"({t}/{tw})·{_n(lr0)}",
                result=_n(lr),
            )
        )
        return lr
    tau = t - tw
    horizon = None
    if after == "cosine":
        total = int(_need("T", T))
        if total <= tw or t > total:
            raise _bad(
                f"warmup + cosine needs T' < t ≤ T (T' = {tw}, t = {t}, T = {total})",
                f"预热 + 余弦衰减要求 T' < t ≤ T（T' = {tw}，t = {t}，T = {total}）",
            )
        horizon = total - tw
    if horizon is None:
        clock = Text("After the warmup the decay starts on its own clock", "预热结束后衰减从头计时")
        formula, substituted, result = "τ = t − T'", f"{t} − {tw}", f"τ = {tau}"
    else:
        clock = Text(
            "After the warmup the decay starts on its own clock, over the remaining T − T' iterations",
            "预热结束后衰减从头计时，在剩余的 T − T' 次迭代内完成",
        )
        formula = "τ = t − T',  T − T'"
        substituted = f"{t} − {tw},  {int(_need('T', T))} − {tw}"
        result = f"τ = {tau},  T − T' = {horizon}"
    steps.append(Step(clock, formula=formula, substituted=substituted, result=result))
    lr, formula, substituted = _decay(after, lr0, beta, tau, horizon)
    name = AFTER_NAMES[after]
    steps.append(
        Step(
            Text(f"Decay after the warmup: {name.en}", f"预热后的衰减：{name.zh}"),
            formula="α_t = " + (formula.replace("t", "τ") if after != "cosine" else "½·α₀·(1 + cos(τπ/(T − T')))"),
            substituted=substituted,
            result=_n(lr),
        )
    )
    return lr


def _cyclic_value(lr_min: float, lr_max: float, t: int, half: float) -> tuple[float, int, float]:
    m = math.floor(1 + t / (2 * half))
    b = abs(t / half - 2 * m + 1)
    return lr_min + (lr_max - lr_min) * max(0.0, 1 - b), m, b


def _cyclic(lr0: float, t: int, lr_max: float | None, step_size: int | None, steps: list[Step]) -> float:
    top = float(_need("lr_max", lr_max))
    half = int(_need("step_size", step_size))
    if half <= 0 or top < lr0:
        raise _bad("cyclic needs step_size > 0 and lr_max ≥ lr0", "cyclic 要求 step_size > 0 且 lr_max ≥ lr0")
    lr, m, b = _cyclic_value(lr0, top, t, half)
    steps.append(
        Step(
            Text("Which cycle t is in (each cycle lasts 2ΔT)", "t 所在的周期（每个周期长 2ΔT）"),
            formula="m = ⌊1 + t/(2ΔT)⌋",
            substituted=f"⌊1 + {t}/(2·{half})⌋",
            result=str(m),
        )
    )
    steps.append(
        Step(
            Text("Position inside the cycle (0 at the peak, 1 at the ends)", "周期内的位置（峰值处为 0，两端为 1）"),
            formula="b = |t/ΔT − 2m + 1|",
            substituted=f"|{t}/{half} − 2·{m} + 1|",
            result=_n(b),
        )
    )
    steps.append(
        Step(
            Text("Triangular cyclic learning rate", "三角循环学习率"),
            formula="α_t = α_min + (α_max − α_min)·max(0, 1 − b)",
            substituted=f"{_n(lr0)} + ({_n(top)} − {_n(lr0)})·max(0, 1 − {_n(b)})",
            result=_n(lr),
        )
    )
    return lr


def _restart(lr0: float, t: int, lr_max: float | None, T: int | None, steps: list[Step]) -> float:
    top = float(_need("lr_max", lr_max))
    period = int(_need("T", T))
    if period <= 0 or top < lr0:
        raise _bad("restart needs T > 0 and lr_max ≥ lr0", "restart 要求 T > 0 且 lr_max ≥ lr0")
    cur = t % period
    lr = lr0 + 0.5 * (top - lr0) * (1 + math.cos(math.pi * cur / period))
    steps.append(
        Step(
            Text("Iterations since the last restart", "距上次重启的迭代次数"),
            formula="T_cur = t mod T",
            substituted=f"{t} mod {period}",
            result=str(cur),
        )
    )
    steps.append(
        Step(
            Text("Cosine annealing with warm restarts", "带热重启的余弦退火"),
            formula="α_t = α_min + ½(α_max − α_min)(1 + cos(π·T_cur/T))",
            substituted=f"{_n(lr0)} + ½({_n(top)} − {_n(lr0)})(1 + cos(π·{cur}/{period}))",
            result=_n(lr),
        )
    )
    return lr


# --------------------------------------------------------------------------- mistakes


def _with_cos(
    schedule: str, lr0: float, t: int, T: int | None, warmup: int | None, after: str, **cosine: Any
) -> dict[str, Any]:
    """Recompute a cosine answer (plain cosine, or cosine after a warmup) with a faulty cosine."""
    lr0, t = float(lr0), int(t)
    schedule = str(schedule).lower()
    if schedule == "cosine" and T:
        lr = _cosine_value(lr0, t, float(T), **cosine)
    elif schedule == "warmup" and str(after or "cosine").lower() == "cosine" and warmup and T and t > int(warmup):
        lr = _cosine_value(lr0, t - int(warmup), float(T) - int(warmup), **cosine)
    else:
        return {}
    return {"lr": lr}


@mistake("schedules.lr_schedule", "cosine_without_pi")
def _cos_no_pi(
    schedule: str, lr0: float, t: int, T: int | None = None, warmup: int | None = None, after: str = "cosine", **_: Any
) -> dict[str, Any]:
    """cos(t/T) instead of cos(tπ/T)."""
    return _with_cos(schedule, lr0, t, T, warmup, after, with_pi=False)


@mistake("schedules.lr_schedule", "cosine_degree_mode")
def _cos_degrees_mistake(
    schedule: str, lr0: float, t: int, T: int | None = None, warmup: int | None = None, after: str = "cosine", **_: Any
) -> dict[str, Any]:
    """tπ/T typed into a calculator left in degree mode."""
    return _with_cos(schedule, lr0, t, T, warmup, after, cos=_cos_degrees)


@mistake("schedules.lr_schedule", "cosine_no_half")
def _cos_no_half(
    schedule: str, lr0: float, t: int, T: int | None = None, warmup: int | None = None, after: str = "cosine", **_: Any
) -> dict[str, Any]:
    """α₀·(1 + cos(tπ/T)): the ½ forgotten, so the schedule starts at 2α₀."""
    return _with_cos(schedule, lr0, t, T, warmup, after, half=False)


@mistake("schedules.lr_schedule", "exponential_natural_confusion")
def _exp_confusion(
    schedule: str,
    lr0: float,
    t: int,
    beta: float | None = None,
    warmup: int | None = None,
    after: str = "cosine",
    **_: Any,
) -> dict[str, Any]:
    """α₀·exp(−βt) where α₀·β^t was asked, or the other way round."""
    schedule = str(schedule).lower()
    lr0, t = float(lr0), int(t)
    if beta is None or float(beta) <= 0:
        return {}
    if schedule in ("exponential", "natural-exponential"):
        lr, _, _ = _decay(schedule, lr0, beta, t, None, confuse_exp=True)
    elif (
        schedule == "warmup"
        and str(after).lower() in ("exponential", "natural-exponential")
        and warmup
        and t > int(warmup)
    ):
        lr, _, _ = _decay(str(after).lower(), lr0, beta, t - int(warmup), None, confuse_exp=True)
    else:
        return {}
    return {"lr": lr}


@mistake("schedules.lr_schedule", "inverse_time_missing_one")
def _inverse_no_one(schedule: str, lr0: float, t: int, beta: float | None = None, **_: Any) -> dict[str, Any]:
    """α₀/(β·t): the 1 in the denominator forgotten."""
    if str(schedule).lower() != "inverse-time" or beta is None or int(t) == 0 or float(beta) == 0:
        return {}
    lr = float(lr0) / (float(beta) * int(t))
    return {"lr": lr}


@mistake("schedules.lr_schedule", "milestone_off_by_one")
def _milestone_late(
    schedule: str, lr0: float, t: int, beta: float | None = None, milestones: Any = None, betas: Any = None, **_: Any
) -> dict[str, Any]:
    """The decay applied only after the milestone (T_k < t) instead of from it (T_k ≤ t)."""
    if str(schedule).lower() != "piecewise":
        return {}
    ms, fs = _piecewise_inputs(milestones, betas, beta)
    factor, _ = _piecewise_factor(int(t), ms, fs, strict=True)
    return {"lr": float(lr0) * factor}


@mistake("schedules.lr_schedule", "warmup_decay_not_shifted")
def _warmup_unshifted(
    schedule: str,
    lr0: float,
    t: int,
    beta: float | None = None,
    T: int | None = None,
    warmup: int | None = None,
    after: str = "cosine",
    **_: Any,
) -> dict[str, Any]:
    """After the warmup, the decay run on the raw clock t (and horizon T) instead of t − T'."""
    if str(schedule).lower() != "warmup" or not warmup or int(t) <= int(warmup):
        return {}
    kind = str(after or "cosine").lower()
    if kind == "constant" or (kind == "cosine" and not T):
        return {}
    lr, _, _ = _decay(kind, float(lr0), beta, int(t), None if T is None else float(T))
    return {"lr": lr}


@mistake("schedules.lr_schedule", "cycle_length_confused")
def _cycle_confused(
    schedule: str, lr0: float, t: int, lr_max: float | None = None, step_size: int | None = None, **_: Any
) -> dict[str, Any]:
    """ΔT taken as the whole cycle (up and down in ΔT steps) instead of the half cycle."""
    if str(schedule).lower() != "cyclic" or lr_max is None or not step_size:
        return {}
    lr, _, _ = _cyclic_value(float(lr0), float(lr_max), int(t), int(step_size) / 2)
    return {"lr": lr}
