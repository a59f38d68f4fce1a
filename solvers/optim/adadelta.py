"""AdaDelta: the step size comes from a moving average of the squared updates; ε inside both roots
in both conventions, and PyTorch multiplies the update by ``lr``."""

from __future__ import annotations

from typing import Any

import numpy as np

from solvers.core import Text
from solvers.optim.adaptive import Adaptive
from solvers.optim.base import Grad, Hyper, operand, square_text
from solvers.textfmt import fp, fv
from solvers.textfmt import sig6 as _num


class AdaDelta(Adaptive):
    columns = ("t", "gₜ", "Gₜ", "Δθₜ", "ΔX²ₜ", "θₜ")

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.acc_x = np.zeros(self.d)

    @staticmethod
    def hyper_text(h: Hyper, convention: str) -> str:
        return f"β = {_num(h.beta)}, ε = {_num(h.eps)}" + (f", lr = {_num(h.lr)}" if convention == "pytorch" else "")

    @staticmethod
    def note(convention: str) -> Text:
        if convention == "textbook":
            return Text(
                "Textbook AdaDelta has no learning rate: ε sits inside both square roots and ΔX²₀ = 0.",
                "教材中的 AdaDelta 没有学习率：ε 在两个根号内，ΔX²₀ = 0。",
            )
        return Text(
            "PyTorch AdaDelta: as the textbook (ε inside both roots) but the update is multiplied by lr; ΔX² is updated with the unscaled update.",
            "PyTorch 的 AdaDelta：与教材相同（ε 在两个根号内），但更新量再乘以 lr；ΔX² 用未乘 lr 的更新量计算。",
        )

    def update(self, t: int, grad: Grad) -> list[str]:
        den, den_formula = self.accumulate(t, grad)
        num, num_formula, num_sub = self.root(self.acc_x, "ΔX²ₜ₋₁")
        self.emit(
            t,
            "Numerator, from the moving average of the squared updates up to step t − 1",
            "分子：由截至第 t − 1 步的参数更新平方的移动平均求得",
            num_formula,
            num_sub,
            fv(num),
        )
        torch = self.convention == "pytorch"
        a, beta = self.h.lr, self.h.beta
        unscaled = -self.safe_div(num, den) * grad.gu
        self.delta = (a if torch else 1.0) * unscaled
        ratio = f"{operand(num_formula)}/{operand(den_formula)}"
        sq = "⊙" if self.d > 1 else "·"
        self.emit(
            t,
            "Update",
            "更新量",
            f"Δθₜ = −lr·{ratio}⊙gₜ" if torch else f"Δθₜ = −{ratio}⊙gₜ",
            f"−{f'{_num(a)}·' if torch else ''}{fv(num)}/{fv(den)}{sq}{fp(grad.g)}",
            fv(self.delta),
        )
        old_x = self.acc_x
        u2 = unscaled * unscaled  # "gradient not squared" concerns g only
        self.acc_x = old_x + u2 if self.flags.accumulate else beta * old_x + (1 - beta) * u2
        self.emit(
            t,
            "Moving average of the squared updates",
            "参数更新平方的指数衰减移动平均",
            "ΔX²ₜ = β·ΔX²ₜ₋₁ + (1 − β)·Δθₜ⊙Δθₜ",
            f"{_num(beta)}·{fp(old_x)} + {_num(1 - beta)}·{square_text(unscaled)}",
            fv(self.acc_x),
        )
        return [fv(grad.g), fv(self.acc_g), fv(self.delta), fv(self.acc_x)]

    def answers(self) -> dict[str, Any]:
        return {**super().answers(), "acc_dx": self.tolist(self.acc_x)}
