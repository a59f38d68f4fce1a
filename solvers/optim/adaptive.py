"""The shared part of AdaGrad, RMSprop and AdaDelta: a per-component accumulator G of squared
gradients (a running sum or a moving average) and the denominator built from it."""

from __future__ import annotations

from typing import Any

import numpy as np

from solvers.core import Text
from solvers.optim.base import Grad, Rule
from solvers.textfmt import fp, fv
from solvers.textfmt import sig6 as _num


def eps_note(convention: str) -> Text:
    """Where ε sits, for the methods whose two conventions differ only in that."""
    if convention == "textbook":
        return Text("Textbook convention: ε inside the square root, √(G + ε).", "教材约定：ε 在根号内，√(G + ε)。")
    return Text("PyTorch convention: ε outside the square root, √G + ε.", "PyTorch 约定：ε 在根号外，√G + ε。")


class Adaptive(Rule):
    columns = ("t", "gₜ", "Gₜ", "Δθₜ", "θₜ")
    adaptive = True
    #: AdaGrad sums the squared gradients; the others keep a moving average (unless the
    #: "AdaGrad instead of RMSprop" misconception is being reproduced)
    running_sum = False

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.acc_g = np.zeros(self.d)

    note = staticmethod(eps_note)

    def accumulate(self, t: int, grad: Grad) -> tuple[np.ndarray, str]:
        """Gₜ from Gₜ₋₁, then the denominator; returns the denominator and its formula."""
        old_g, beta = self.acc_g, self.h.beta
        if self.running_sum or self.flags.accumulate:
            self.acc_g = old_g + grad.g2
            self.emit(
                t,
                "Accumulate the squared gradients",
                "累积梯度平方",
                "Gₜ = Gₜ₋₁ + gₜ⊙gₜ",
                f"{fp(old_g)} + {grad.g2_text}",
                fv(self.acc_g),
            )
        else:
            self.acc_g = beta * old_g + (1 - beta) * grad.g2
            self.emit(
                t,
                "Moving average of the squared gradients",
                "梯度平方的指数衰减移动平均",
                "Gₜ = β·Gₜ₋₁ + (1 − β)·gₜ⊙gₜ",
                f"{_num(beta)}·{fp(old_g)} + {_num(1 - beta)}·{grad.g2_text}",
                fv(self.acc_g),
            )
        den, den_formula, den_sub = self.root(self.acc_g, "Gₜ")
        self.emit(t, "Denominator", "分母", den_formula, den_sub, fv(den))
        return den, den_formula

    def answers(self) -> dict[str, Any]:
        return {"acc": self.tolist(self.acc_g)}
