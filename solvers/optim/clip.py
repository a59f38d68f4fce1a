"""Gradient clipping by value or by norm (nndl ch. 7)."""

from __future__ import annotations

from typing import Any

import numpy as np

from solvers.arrays import as_flat_vector as as_vector
from solvers.core import ParamSpec, Solution, SolverInputError, Step, Text
from solvers.registry import mistake, solver
from solvers.textfmt import fp, fv
from solvers.textfmt import sig6 as _num
from solvers.textfmt import tolist as _tolist

CLIP_MODES = ("value", "norm")


def _clip_inputs(grad: Any, mode: str, threshold: float, low: float | None) -> tuple[np.ndarray, str, float, float]:
    g = as_vector(grad, "grad")
    mode = str(mode).lower()
    if mode not in CLIP_MODES:
        raise SolverInputError(Text("mode must be value or norm", "mode 只能是 value 或 norm"))
    b = float(threshold)
    a = -b if low is None else float(low)
    if mode == "norm" and not b > 0:
        raise SolverInputError(Text("the norm threshold b must be positive", "按模截断的阈值 b 必须为正"))
    if mode == "value" and a > b:
        raise SolverInputError(
            Text(f"the interval [a, b] = [{_num(a)}, {_num(b)}] is empty", f"区间 [a, b] = [{_num(a)}, {_num(b)}] 为空")
        )
    return g, mode, a, b


def _norm_clip(g: np.ndarray, b: float, norm: float, always: bool = False) -> tuple[np.ndarray, float]:
    if norm > b or (always and norm > 0):
        scale = b / norm
        return g * scale, scale
    return g.copy(), 1.0


@solver(
    "optim.clip",
    [
        ParamSpec("grad", "vector", Text("gradient g, e.g. 3,4", "梯度 g，如 3,4")),
        ParamSpec(
            "mode",
            "choice",
            Text(
                "value (clip each component to [a, b]) or norm (rescale if ‖g‖₂ > b)",
                "value（每个分量截断到 [a, b]）或 norm（‖g‖₂ > b 时按比例缩放）",
            ),
            choices=CLIP_MODES,
        ),
        ParamSpec("threshold", "number", Text("threshold b", "阈值 b")),
        ParamSpec(
            "low",
            "number",
            Text("lower bound a for value clipping (default −b)", "按值截断的下界 a（默认 −b）"),
            default=None,
            required=False,
        ),
    ],
    Text("gradient clipping by value or by norm", "梯度截断：按值截断或按模截断"),
)
def clip(grad: Any, mode: str, threshold: float, low: float | None = None) -> Solution:
    """Answers: ``grad`` (clipped gradient), ``norm`` (‖g‖₂ before), ``clipped_norm`` (after), ``scale``
    (norm mode: the factor b/‖g‖₂, or 1 when no clipping is needed)."""
    g, mode, a, b = _clip_inputs(grad, mode, threshold, low)
    norm = float(np.sqrt(np.sum(g * g)))
    steps = [
        Step(
            Text("L2 norm of the gradient", "梯度的 L2 范数"),
            formula="‖g‖₂ = √(Σᵢ gᵢ²)",
            substituted="√(" + " + ".join(f"{fp(v)}²" for v in g) + ")",
            result=_num(norm),
        )
    ]
    answers: dict[str, Any] = {"norm": norm}
    if mode == "value":
        out = np.maximum(np.minimum(g, b), a)
        steps.append(
            Step(
                Text("Clip every component into [a, b] separately", "每个分量分别截断到 [a, b]"),
                formula="gᵢ ← max(min(gᵢ, b), a)",
                substituted="; ".join(
                    f"max(min({_num(v)}, {_num(b)}), {_num(a)}) = {_num(o)}" for v, o in zip(g, out, strict=True)
                ),
                result=fv(out),
                note=Text(f"a = {_num(a)}, b = {_num(b)}", f"a = {_num(a)}，b = {_num(b)}"),
            )
        )
    else:
        out, scale = _norm_clip(g, b, norm)
        if norm > b:
            steps.append(
                Step(
                    Text(
                        "‖g‖₂ > b: rescale the whole vector to length b (the direction is kept)",
                        "‖g‖₂ > b：把整个向量缩放到长度 b（方向不变）",
                    ),
                    formula="g ← b·g/‖g‖₂",
                    substituted=f"{_num(b)}·{fv(g)}/{_num(norm)}",
                    result=fv(out),
                    note=Text(f"scaling factor b/‖g‖₂ = {_num(scale)}", f"缩放因子 b/‖g‖₂ = {_num(scale)}"),
                )
            )
        else:
            steps.append(
                Step(
                    Text("‖g‖₂ ≤ b: the gradient is left unchanged", "‖g‖₂ ≤ b：梯度保持不变"),
                    formula="‖g‖₂ ≤ b",
                    substituted=f"{_num(norm)} ≤ {_num(b)}",
                    result=fv(out),
                )
            )
        answers["scale"] = scale
    clipped_norm = float(np.sqrt(np.sum(out * out)))
    steps.append(Step(Text("Norm after clipping", "截断后的范数"), formula="‖g'‖₂", result=_num(clipped_norm)))
    answers.update(grad=_tolist(out), clipped_norm=clipped_norm)
    return Solution(answers=answers, steps=steps)


@mistake("optim.clip", "norm_clipping_per_component")
def _clip_per_component(grad: Any, mode: str, threshold: float, low: float | None = None) -> dict[str, Any]:
    """Norm clipping applied to each component as if it were its own vector: |gᵢ| > b becomes ±b."""
    g, mode, a, b = _clip_inputs(grad, mode, threshold, low)
    if mode != "norm":
        return {}
    out = np.where(np.abs(g) > b, b * np.sign(g), g)
    return {"grad": _tolist(out), "clipped_norm": float(np.linalg.norm(out))}


@mistake("optim.clip", "norm_clipping_when_value_asked")
def _clip_norm_for_value(grad: Any, mode: str, threshold: float, low: float | None = None) -> dict[str, Any]:
    g, mode, a, b = _clip_inputs(grad, mode, threshold, low)
    if mode != "value" or b <= 0:
        return {}
    out, _ = _norm_clip(g, b, float(np.linalg.norm(g)))
    return {"grad": _tolist(out), "clipped_norm": float(np.linalg.norm(out))}


@mistake("optim.clip", "norm_not_rooted")
def _clip_squared_norm(grad: Any, mode: str, threshold: float, low: float | None = None) -> dict[str, Any]:
    """‖g‖² used as the norm (the square root forgotten), both in the test and in the scaling."""
    g, mode, a, b = _clip_inputs(grad, mode, threshold, low)
    squared = float(np.sum(g * g))
    answers: dict[str, Any] = {"norm": squared}
    if mode == "norm":
        out, scale = _norm_clip(g, b, squared)
        answers.update(grad=_tolist(out), scale=scale, clipped_norm=float(np.linalg.norm(out)))
    return answers


@mistake("optim.clip", "always_rescale")
def _clip_always(grad: Any, mode: str, threshold: float, low: float | None = None) -> dict[str, Any]:
    """Rescaled to length b even though ‖g‖₂ ≤ b (which stretches a small gradient)."""
    g, mode, a, b = _clip_inputs(grad, mode, threshold, low)
    if mode != "norm":
        return {}
    out, scale = _norm_clip(g, b, float(np.linalg.norm(g)), always=True)
    return {"grad": _tolist(out), "scale": scale, "clipped_norm": float(np.linalg.norm(out))}


@mistake("optim.clip", "l1_norm")
def _clip_l1(grad: Any, mode: str, threshold: float, low: float | None = None) -> dict[str, Any]:
    """The L1 norm Σ|gᵢ| used instead of the L2 norm."""
    g, mode, a, b = _clip_inputs(grad, mode, threshold, low)
    l1 = float(np.sum(np.abs(g)))
    answers: dict[str, Any] = {"norm": l1}
    if mode == "norm":
        out, scale = _norm_clip(g, b, l1)
        answers.update(grad=_tolist(out), scale=scale, clipped_norm=float(np.linalg.norm(out)))
    return answers
