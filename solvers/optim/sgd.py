"""Plain gradient descent: Δθₜ = −α·gₜ."""

from __future__ import annotations

from solvers.optim.base import Grad, Rule
from solvers.textfmt import fp, fv
from solvers.textfmt import sig6 as _num


class SGD(Rule):
    def update(self, t: int, grad: Grad) -> list[str]:
        a = self.h.lr
        self.delta = -a * grad.gu
        self.emit(t, "Update", "更新量", "Δθₜ = −α·gₜ", f"−{_num(a)}·{fp(grad.g)}", fv(self.delta))
        return [fv(grad.g), fv(self.delta)]
