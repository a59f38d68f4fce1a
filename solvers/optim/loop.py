"""The loop shared by every optimizer: take the gradient (from the loss or the given sequence),
let the method compute Δθ, step θ, and keep the worked steps and the summary table."""

from __future__ import annotations

from typing import Any

import numpy as np

from solvers.core import Grid, SolverInputError, Step, Text
from solvers.optim.base import Flags, Grad, Rule, cancel, square_text
from solvers.optim.methods import CONVENTION_NAMES, METHOD_NAMES, rule_for
from solvers.optim.setup import Setup
from solvers.textfmt import fp, fv, sub
from solvers.textfmt import sig6 as _num
from solvers.textfmt import tolist as _tolist


def _gradient_at(s: Setup, steps: list[Step], point: np.ndarray, t: int, where: str) -> np.ndarray:
    if s.grads is not None:
        g = s.grads[t - 1]
        steps.append(
            Step(Text(f"Step {t}: gradient (given)", f"第 {t} 步：梯度（已知）"), formula=f"g{sub(t)}", result=fv(g))
        )
        return g
    assert s.loss is not None
    g = s.loss.gradient(point)
    point_text = ", ".join(_num(v) for v in point)
    steps.append(
        Step(
            Text(f"Step {t}: gradient at {where}", f"第 {t} 步：在 {where} 处求梯度"),
            formula=f"g{sub(t)} = ∇f({where})",
            substituted=f"∇f({point_text})",
            result=fv(g),
        )
    )
    return g


def _grad(g: np.ndarray, flags: Flags) -> Grad:
    gu = -g if flags.sign_error else g
    if flags.not_squared:
        return Grad(g, gu, gu, fp(g))
    return Grad(g, gu, gu * gu, square_text(g))


def _summary(rule: Rule, method: str, conv: str, rows: list[list[str]], s: Setup) -> Step:
    cols = list(rule.columns) + (["f(θ)"] if s.loss is not None else [])
    return Step(
        Text("Summary of every step", "各步汇总"),
        grids=(
            Grid.of(
                rows,
                col_labels=cols,
                title=Text(
                    f"{METHOD_NAMES[method].en} ({CONVENTION_NAMES[conv].en})",
                    f"{METHOD_NAMES[method].zh}（{CONVENTION_NAMES[conv].zh}）",
                ),
            ),
        ),
        note=Text(f"θ components: {', '.join(s.labels)}", f"θ 的分量：{', '.join(s.labels)}")
        if s.start.size > 1
        else None,
    )


def run(s: Setup, flags: Flags | None = None) -> tuple[dict[str, Any], list[Step]]:
    """Run the optimizer, returning the answers and the worked steps built from the same numbers."""
    fl = flags or Flags()
    method = fl.method or s.method
    conv = fl.convention or s.convention
    eps_inside = fl.eps_inside if fl.eps_inside is not None else (conv == "textbook" or method == "adadelta")
    steps: list[Step] = list(s.intro)
    rule = rule_for(method, conv)(s.hyper, fl, conv, eps_inside, s.start.size, steps)
    theta = s.start.copy()
    answers: dict[str, Any] = {}
    trajectory: list[list[float]] = []
    grads_used: list[list[float]] = []
    losses: list[float] = [s.loss.value(theta)] if s.loss is not None else []
    rows = [["0"] + ["—"] * (len(rule.columns) - 2) + [fv(theta)] + [_num(x) for x in losses]]
    for t in range(1, s.steps + 1):
        prev = theta.copy()
        look = rule.lookahead(prev, t)
        g = _gradient_at(
            s, steps, prev if look is None else look, t, f"θ{sub(t - 1)}" if look is None else f"θ̂{sub(t)}"
        )
        grads_used.append(_tolist(g))
        row = [str(t), *rule.update(t, _grad(g, fl))]
        delta = rule.delta
        theta = cancel(prev + delta, prev, delta)
        if not np.all(np.isfinite(theta)):
            raise SolverInputError(Text("the parameters left the finite range (diverged)", "参数发散为非有限值"))
        steps.append(
            Step(
                Text(f"Step {t}: new parameters", f"第 {t} 步：新的参数"),
                formula="θₜ = θₜ₋₁ + Δθₜ",
                substituted=f"{fv(prev)} + {fp(delta)}",
                result=f"θ{sub(t)} = {fv(theta)}",
            )
        )
        row.append(fv(theta))
        if s.loss is not None:
            losses.append(s.loss.value(theta))
            row.append(_num(losses[-1]))
        rows.append(row)
        trajectory.append(_tolist(theta))
        answers.update({f"theta_{t}": _tolist(theta), f"delta_{t}": _tolist(delta), f"grad_{t}": _tolist(g)})
    steps.append(_summary(rule, method, conv, rows, s))
    answers.update(trajectory=trajectory, theta=_tolist(theta), grads=grads_used, delta=_tolist(rule.delta))
    answers.update(rule.answers())
    if s.loss is not None:
        answers.update(losses=losses, loss=losses[-1])
    return answers, steps
