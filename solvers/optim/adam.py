"""Adam: moving averages of the gradient (M) and of its square (G), each bias-corrected."""

from __future__ import annotations

from typing import Any

import numpy as np

from solvers.core import SolverInputError, Text
from solvers.optim.adaptive import eps_note
from solvers.optim.base import Grad, Hyper, Rule, cancel, operand
from solvers.textfmt import fp, fv
from solvers.textfmt import sig6 as _num


class Adam(Rule):
    columns = ("t", "gₜ", "Mₜ", "Gₜ", "M̂ₜ", "Ĝₜ", "Δθₜ", "θₜ")
    adaptive = True
    note = staticmethod(eps_note)

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.acc_m = np.zeros(self.d)
        self.acc_g = np.zeros(self.d)
        self.m_hat = self.g_hat = np.zeros(self.d)

    @staticmethod
    def hyper_text(h: Hyper, convention: str) -> str:
        return f"α = {_num(h.lr)}, β₁ = {_num(h.beta1)}, β₂ = {_num(h.beta2)}, ε = {_num(h.eps)}"

    def moments(self, t: int, grad: Grad) -> None:
        b1, b2 = self.h.beta1, self.h.beta2
        old_m, old_g = self.acc_m, self.acc_g
        self.acc_m = cancel(b1 * old_m + (1 - b1) * grad.gu, b1 * old_m, (1 - b1) * grad.gu)
        self.emit(
            t,
            "First moment (moving average of the gradient)",
            "一阶矩（梯度的移动平均）",
            "Mₜ = β₁·Mₜ₋₁ + (1 − β₁)·gₜ",
            f"{_num(b1)}·{fp(old_m)} + {_num(1 - b1)}·{fp(grad.g)}",
            fv(self.acc_m),
        )
        self.acc_g = b2 * old_g + (1 - b2) * grad.g2
        self.emit(
            t,
            "Second moment (moving average of the squared gradient)",
            "二阶矩（梯度平方的移动平均）",
            "Gₜ = β₂·Gₜ₋₁ + (1 − β₂)·gₜ⊙gₜ",
            f"{_num(b2)}·{fp(old_g)} + {_num(1 - b2)}·{grad.g2_text}",
            fv(self.acc_g),
        )

    def correct(self, t: int) -> None:
        """M̂ₜ = Mₜ/(1 − β₁ᵗ), Ĝₜ = Gₜ/(1 − β₂ᵗ) (or no correction, under that misconception)."""
        if self.flags.no_bias_correction:
            self.m_hat, self.g_hat = self.acc_m, self.acc_g
            return
        b1, b2 = self.h.beta1, self.h.beta2
        k = t + self.flags.bias_exponent_shift
        c1, c2 = 1 - b1**k, 1 - b2**k
        if c1 == 0 or c2 == 0:
            raise SolverInputError(Text("bias correction divides by zero (β = 0?)", "偏差修正除以零（β 为 0？）"))
        self.m_hat, self.g_hat = self.acc_m / c1, self.acc_g / c2
        self.emit(
            t,
            "Bias correction of the first moment",
            "一阶矩的偏差修正",
            "M̂ₜ = Mₜ / (1 − β₁ᵗ)",
            f"{fp(self.acc_m)} / (1 − {_num(b1)}^{k}) = {fp(self.acc_m)} / {_num(c1)}",
            fv(self.m_hat),
        )
        self.emit(
            t,
            "Bias correction of the second moment",
            "二阶矩的偏差修正",
            "Ĝₜ = Gₜ / (1 − β₂ᵗ)",
            f"{fp(self.acc_g)} / (1 − {_num(b2)}^{k}) = {fp(self.acc_g)} / {_num(c2)}",
            fv(self.g_hat),
        )

    def update(self, t: int, grad: Grad) -> list[str]:
        self.moments(t, grad)
        self.correct(t)
        den, den_formula, den_sub = self.root(self.g_hat, "Ĝₜ")
        self.emit(t, "Denominator", "分母", den_formula, den_sub, fv(den))
        a = self.h.lr
        self.delta = -a * self.safe_div(self.m_hat, den)
        self.emit(
            t,
            "Update",
            "更新量",
            f"Δθₜ = −α·M̂ₜ/{operand(den_formula)}",
            f"−{_num(a)}·{fp(self.m_hat)}/{fp(den)}",
            fv(self.delta),
        )
        cells = (grad.g, self.acc_m, self.acc_g, self.m_hat, self.g_hat, self.delta)
        return [fv(x) for x in cells]

    def answers(self) -> dict[str, Any]:
        return {
            "acc": self.tolist(self.acc_g),
            "m": self.tolist(self.acc_m),
            "m_hat": self.tolist(self.m_hat),
            "g_hat": self.tolist(self.g_hat),
        }
