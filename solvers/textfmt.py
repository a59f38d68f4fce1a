"""Number formatting for worked steps: proper minus signs, bracketed negatives in products,
subscript and superscript indices, simple fractions. (The answers themselves are tidied by the
registry, not here.)

The public names take ``digits`` significant figures (6 by default); the underscored short forms
(``_n``, ``_pn``, ``_v``, ``_m``, ``_cells``) are the 4-digit variants several topics print with.
"""

from __future__ import annotations

from typing import Any

from solvers.core import fmt_num, fmt_vector

_SUB = str.maketrans("0123456789-+t", "₀₁₂₃₄₅₆₇₈₉₋₊ₜ")
_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def sub(i: Any) -> str:
    """An index as Unicode subscript digits: 12 -> ₁₂ (also −, + and t: t-1 -> ₜ₋₁)."""
    return str(i).translate(_SUB)


def sup(i: Any) -> str:
    """An index as Unicode superscript digits: 12 -> ¹²."""
    return str(i).translate(_SUP)


def num(x: Any, digits: int = 6) -> str:
    """A number for a step, with a true minus sign."""
    return fmt_num(x, digits).replace("-", "−")


def paren(x: Any, digits: int = 6) -> str:
    """A number used as an operand: negative numbers in parentheses, so 0.9·(−2) reads right."""
    text = num(x, digits)
    return f"({text})" if text.startswith("−") else text


def sig6(x: Any) -> str:
    """Six significant figures, as ``fmt_num`` writes them (ASCII minus)."""
    return fmt_num(x, 6)


def fv(values: Any, digits: int = 6) -> str:
    """A vector for a worked step (any shape, read flat); a one-element vector is shown as a plain number."""
    seq = tolist(values)
    if len(seq) == 1:
        return fmt_num(seq[0], digits)
    return fmt_vector(seq, digits)


def fp(values: Any, digits: int = 6) -> str:
    """Like ``fv`` but a negative scalar gets parentheses, so ``0.9·(−2)`` reads right."""
    text = fv(values, digits)
    return f"({text})" if text.startswith("-") else text


def tolist(values: Any) -> list[float]:
    """Any number, sequence or array as a flat list of Python floats."""
    import numpy as np

    return [float(v) for v in np.asarray(values, dtype=float).reshape(-1)]


def prob(p: float) -> str:
    """A probability, as 1/k when it is one without a short decimal (1/3, 1/4, 1/6 …)."""
    for k in (3, 4, 6, 7, 9, 11, 12):
        if abs(p - 1 / k) < 1e-12:
            return f"1/{k}"
    return num(p)


_sub = sub


def _n(x: Any, digits: int = 4) -> str:
    """A number for a step, with a proper minus sign."""
    return num(float(x), digits)


def _pn(x: Any, digits: int = 4) -> str:
    """Like ``_n`` but negative numbers are wrapped in parentheses (for products)."""
    return paren(float(x), digits)


def _v(values: Any, digits: int = 4) -> str:
    return "(" + ", ".join(_n(v, digits) for v in values) + ")"


def _m(rows: Any, digits: int = 6) -> str:
    return "[" + "; ".join(", ".join(_n(v, digits) for v in row) for row in rows) + "]"


def _cells(rows: Any, digits: int = 4) -> list[list[str]]:
    return [[_n(v, digits) for v in row] for row in rows]
