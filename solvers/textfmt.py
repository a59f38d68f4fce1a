"""Number formatting for worked steps: proper minus signs, bracketed negatives in products,
subscript and superscript indices, simple fractions. (The answers themselves are tidied by the
registry, not here.)

The public names take ``digits`` significant figures (6 by default); the underscored short forms
(``_n``, ``_pn``, ``_v``, ``_m``, ``_cells``) are the 4-digit variants several topics print with.
"""

from __future__ import annotations

import math
import re
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
    """A vector in brackets, with true minus signs: (1, −2.5)."""
    return fmt_vector([float(v) for v in values], digits).replace("-", "−")


def _m(rows: Any, digits: int = 6) -> str:
    return "[" + "; ".join(", ".join(_n(v, digits) for v in row) for row in rows) + "]"


def _cells(rows: Any, digits: int = 4) -> list[list[str]]:
    return [[_n(v, digits) for v in row] for row in rows]


# A hyphen-minus that is a sign: before a digit (or ∞), not inside a word, an index such as t-1,
# or a range such as 0-1. "(-0.4)", "= -3", "10^-5" and "|-1|" qualify; "look-ahead", "x_{t-1}",
# "0-1 loss" do not.
_SIGN = re.compile(r"(?<![\w)\]}'′.])-(?=[\d.]*\d|∞)")


def true_minus(text: str) -> str:
    """Replace the hyphen-minus of negative numbers by the minus sign − (U+2212), as ``_n`` writes them."""
    return _SIGN.sub("−", text) if "-" in text else text


def labels(prefix: str, n: int) -> list[str]:
    """q₁, q₂, … (1-based, as on paper); a prefix ending in a space gets plain digits."""
    if not prefix or prefix.endswith(" "):
        return [f"{prefix}{i + 1}" for i in range(n)]
    return [f"{prefix}{sub(i + 1)}" for i in range(n)]


def rounded(a: Any, digits: int = 4) -> list[Any]:
    """A matrix or vector rounded to ``digits`` decimals for display in a Grid (answers keep full precision)."""
    import numpy as np

    arr = np.asarray(a, dtype=float)
    return np.round(arr, digits).tolist()


def grid_round(x: Any, digits: int = 4) -> Any:
    """Round a number, or a nested list/array of numbers, to ``digits`` significant figures for
    display inside a grid (answers keep full precision): 0.000868 stays 0.000868, not 0.0009."""
    if hasattr(x, "tolist"):
        x = x.tolist()
    if isinstance(x, (list, tuple)):
        return [grid_round(v, digits) for v in x]
    value = float(x)
    if not math.isfinite(value) or value.is_integer():
        return value + 0.0
    whole = len(str(int(abs(value)))) if abs(value) >= 1 else 0  # never round away integer digits
    return float(f"{value:.{max(digits, whole + 1)}g}") + 0.0
