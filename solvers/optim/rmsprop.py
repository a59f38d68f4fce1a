"""RMSprop: AdaGrad with a moving average, Gₜ = β·Gₜ₋₁ + (1 − β)·gₜ⊙gₜ."""

from __future__ import annotations

from solvers.optim.adagrad import AdaGrad
from solvers.optim.base import Hyper
from solvers.textfmt import sig6 as _num


class RMSprop(AdaGrad):
    running_sum = False

    @staticmethod
    def hyper_text(h: Hyper, convention: str) -> str:
        return f"α = {_num(h.lr)}, β = {_num(h.beta)}, ε = {_num(h.eps)}"
