"""Number formatting for worked steps: proper minus signs, bracketed negatives in products,
subscript indices. (The answers themselves are tidied by the registry, not here.)"""

from __future__ import annotations

import re
from typing import Any

from solvers.core import fmt_num

_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _sub(i: int) -> str:
    """An index as Unicode subscript digits: 12 -> ₁₂."""
    return str(i).translate(_SUB)


def _n(x: Any, digits: int = 4) -> str:
    """A number for a step, with a proper minus sign."""
    return fmt_num(float(x), digits).replace("-", "−")


def _pn(x: Any, digits: int = 4) -> str:
    """Like ``_n`` but negative numbers are wrapped in parentheses (for products)."""
    s = _n(x, digits)
    return f"({s})" if s.startswith("−") else s


def _v(values: Any, digits: int = 4) -> str:
    return "(" + ", ".join(_n(v, digits) for v in values) + ")"


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
