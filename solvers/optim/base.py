"""The shared base of the optimizers, in the manner of ``torch.optim.Optimizer``: every method is a
small class (its state, its update rule and the worked steps of one update) and the loop in
``solvers.optim.loop`` drives any of them the same way.

Misconceptions are reproduced by ``Flags`` (the correct solution has them all off), so a mistake
generator is the same computation with one thing changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from solvers.core import SolverInputError, Step, Text
from solvers.textfmt import fp, fv
from solvers.textfmt import sig6 as _num
from solvers.textfmt import tolist as _tolist


@dataclass(frozen=True)
class Hyper:
    """The hyper-parameters after defaults are applied."""

    lr: float
    rho: float
    beta: float
    beta1: float
    beta2: float
    eps: float


@dataclass
class Flags:
    """Misconceptions the loop can reproduce (all False for the correct solution)."""

    method: str | None = None  # run another method (momentum instead of nesterov, ...)
    convention: str | None = None
    no_bias_correction: bool = False
    bias_exponent_shift: int = 0
    eps_inside: bool | None = None
    accumulate: bool = False  # AdaGrad's running sum instead of a moving average
    not_squared: bool = False
    no_sqrt: bool = False
    sign_error: bool = False


@dataclass
class Grad:
    """The gradient of one step as the update rules use it: ``g`` as shown, ``gu`` as used (the sign
    error flips it), ``g2`` its square (or not, under that misconception) and how g2 is written."""

    g: np.ndarray
    gu: np.ndarray
    g2: np.ndarray
    g2_text: str


def cancel(total: np.ndarray, *terms: np.ndarray) -> np.ndarray:
    """Exactly 0 where the terms of a sum cancel up to round-off: 1.6 + (−1.6) is 0, not 1.1×10⁻¹⁶,
    in the answers and in the worked steps alike."""
    scale = sum(np.abs(np.asarray(term, dtype=float)) for term in terms)
    return np.where(np.abs(total) <= 1e-12 * scale, 0.0, total)


def operand(formula: str) -> str:
    """A denominator written after '/' needs brackets unless it is a single √(…): −α·g/(√G + ε)."""
    single_root = formula.startswith("√(") and formula.endswith(")") and formula.count("√") == 1
    return formula if single_root else f"({formula})"


def square_text(v: np.ndarray) -> str:
    """g² for a scalar, g⊙g for a vector."""
    return f"{fp(v)}²" if np.size(v) == 1 else f"{fv(v)}⊙{fv(v)}"


class Rule:
    """One optimizer. Subclasses set ``columns`` (the summary table), describe their
    hyper-parameters and convention, and implement ``update``; state lives on the instance."""

    columns: ClassVar[tuple[str, ...]] = ("t", "gₜ", "Δθₜ", "θₜ")
    adaptive: ClassVar[bool] = False

    def __init__(self, h: Hyper, flags: Flags, convention: str, eps_inside: bool, d: int, steps: list[Step]):
        self.h, self.flags, self.convention, self.eps_inside = h, flags, convention, eps_inside
        self.steps = steps
        self.d = d
        self.delta = np.zeros(d)

    # ---- description (the worked solution's first step)

    @staticmethod
    def hyper_text(h: Hyper, convention: str) -> str:
        return f"α = {_num(h.lr)}"

    @staticmethod
    def note(convention: str) -> Text:
        return Text("Plain gradient descent: θₜ = θₜ₋₁ − α·gₜ.", "普通梯度下降：θₜ = θₜ₋₁ − α·gₜ。")

    # ---- one step

    def lookahead(self, prev: np.ndarray, t: int) -> np.ndarray | None:
        """Where the gradient of step t is taken, if not at θₜ₋₁ (Nesterov's look-ahead point)."""
        return None

    def update(self, t: int, grad: Grad) -> list[str]:
        """Set ``self.delta`` to Δθₜ, add the worked steps, and return the summary row's cells
        between t and θₜ."""
        raise NotImplementedError

    def answers(self) -> dict[str, Any]:
        """Final state reported as answers (accumulators, moments)."""
        return {}

    # ---- helpers for the worked steps

    def emit(self, t: int, en: str, zh: str, formula: str, substituted: str, result: str) -> None:
        self.steps.append(
            Step(Text(f"Step {t}: {en}", f"第 {t} 步：{zh}"), formula=formula, substituted=substituted, result=result)
        )

    def root(self, x: np.ndarray, what: str) -> tuple[np.ndarray, str, str]:
        """√(x + ε) (or √x + ε, or the mistake without a root) with its formula, written with the
        symbol ``what`` for x, and its substitution."""
        eps = self.h.eps
        if self.flags.no_sqrt:
            return x + eps, f"{what} + ε", f"{fv(x)} + {_num(eps)}"
        if np.any(x < 0):
            raise SolverInputError(Text("square root of a negative accumulator", "累积量为负，无法开方"))
        if self.eps_inside:
            return np.sqrt(x + eps), f"√({what} + ε)", f"√({fv(x)} + {_num(eps)})"
        return np.sqrt(x) + eps, f"√{what} + ε", f"√{fp(x)} + {_num(eps)}"

    @staticmethod
    def safe_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
        if np.any(den == 0):
            raise SolverInputError(Text("division by zero in the update: use ε > 0", "更新中出现除以零：请取 ε > 0"))
        return num / den

    @staticmethod
    def tolist(values: Any) -> list[float]:
        return _tolist(values)
