"""AdaGrad: Gₜ = Gₜ₋₁ + gₜ⊙gₜ, Δθₜ = −α·gₜ/√(Gₜ + ε)."""

from __future__ import annotations

from solvers.optim.adaptive import Adaptive
from solvers.optim.base import Grad, Hyper, operand
from solvers.textfmt import fp, fv
from solvers.textfmt import sig6 as _num


class AdaGrad(Adaptive):
    running_sum = True

    @staticmethod
    def hyper_text(h: Hyper, convention: str) -> str:
        return f"α = {_num(h.lr)}, ε = {_num(h.eps)}"

    def update(self, t: int, grad: Grad) -> list[str]:
        den, den_formula = self.accumulate(t, grad)
        a = self.h.lr
        self.delta = -a * self.safe_div(grad.gu, den)
        self.emit(
            t,
            "Update",
            "更新量",
            f"Δθₜ = −α·gₜ/{operand(den_formula)}",
            f"−{_num(a)}·{fp(grad.g)}/{fp(den)}",
            fv(self.delta),
        )
        return [fv(grad.g), fv(self.acc_g), fv(self.delta)]
