"""Grading one part of a question against the solver's answer and the known mistakes.

A part is right when the student's value matches the solver's within the stated tolerance. A
wrong value is compared with every listed mistake's prediction, so the feedback can name the
misconception. Where a part depends on earlier ones, it is also graded against what it would be
given the student's own earlier answers (error carried forward).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

from examprep.grading.parse import Parsed
from solvers.core import Text
from solvers.safe_expr import ExprError, Node, evaluate, parse


@dataclass(frozen=True)
class Tolerance:
    rtol: float = 0.01
    atol: float = 0.001

    def describe(self) -> Text:
        if self.rtol == 0 and self.atol == 0:
            return Text("exactly", "完全一致")
        rel = f"{self.rtol * 100:g}%"
        if self.atol == 0:  # "or ±0" would add nothing
            return Text(f"within {rel}", f"相对误差 {rel} 以内")
        if self.rtol == 0:
            return Text(f"within ±{self.atol:g}", f"绝对误差 ±{self.atol:g} 以内")
        return Text(f"within {rel} or ±{self.atol:g}", f"相对误差 {rel} 以内或绝对误差 ±{self.atol:g} 以内")


EXACT = Tolerance(0.0, 0.0)


@dataclass(frozen=True)
class MistakeMatch:
    id: str
    feedback: Text


@dataclass
class PartVerdict:
    """The outcome of one part. ``status`` is correct, carried, wrong or skipped."""

    part_id: str
    status: str
    points: float
    max_points: float
    expected: Any
    given: Parsed | None = None
    mistakes: list[MistakeMatch] = field(default_factory=list)
    note: Text | None = None

    @property
    def is_right(self) -> bool:
        return self.status in ("correct", "carried")


def _close(a: float, b: float, tol: Tolerance) -> bool:
    return math.isclose(float(a), float(b), rel_tol=tol.rtol, abs_tol=tol.atol)


def _sample_points(names: list[str], count: int) -> list[dict[str, float]]:
    rng = random.Random(12345)
    return [{n: rng.uniform(-2.0, 2.0) for n in names} for _ in range(count)]


def expressions_equivalent(a: Node | str, b: Node | str, names: set[str]) -> bool:
    """Two formulas agree when they evaluate alike at many random points of their domain.

    Numeric identity testing is bounded in time and never hands text to sympy; points where
    either side is undefined (log of a negative, division by zero) are skipped.
    """
    left = parse(a, names) if isinstance(a, str) else a
    right = parse(b, names) if isinstance(b, str) else b
    compared = 0
    for env in _sample_points(sorted(names), 40):
        try:
            x, y = evaluate(left, env), evaluate(right, env)
        except (ExprError, ArithmeticError, ValueError, TypeError):
            continue
        if isinstance(x, complex) or isinstance(y, complex):
            continue
        if not math.isclose(float(x), float(y), rel_tol=1e-7, abs_tol=1e-9):
            return False
        compared += 1
    return compared >= 5


def values_match(kind: str, given: Any, expected: Any, tol: Tolerance, names: set[str] | None = None) -> bool:
    """Does ``given`` (already parsed) match ``expected`` for this answer type?"""
    if expected is None:
        return False
    if kind == "integer":
        return float(given) == float(expected)
    if kind == "number":
        return _close(given, expected, tol)
    if kind == "shape":
        return len(given) == len(expected) and all(float(g) == float(e) for g, e in zip(given, expected))
    if kind == "vector":
        return len(given) == len(expected) and all(_close(g, e, tol) for g, e in zip(given, expected))
    if kind == "matrix":
        return (
            len(given) == len(expected)
            and all(len(gr) == len(er) for gr, er in zip(given, expected))
            and all(_close(g, e, tol) for gr, er in zip(given, expected) for g, e in zip(gr, er))
        )
    if kind == "choice":
        return str(given).lower() == str(expected).lower()
    if kind == "expression":
        return expressions_equivalent(given, expected, names or set())
    raise ValueError(f"unknown answer type {kind!r}")


def size_problem(kind: str, given: Any, expected: Any) -> Text | None:
    """When the answer has the wrong number of entries, say so (the input is re-asked)."""
    if kind in ("shape", "vector") and len(given) != len(expected):
        return Text(
            f"expected {len(expected)} numbers, got {len(given)}",
            f"应有 {len(expected)} 个数，实际给了 {len(given)} 个",
        )
    if kind == "matrix":
        want = (len(expected), len(expected[0]) if expected else 0)
        got = (len(given), len(given[0]) if given else 0)
        if want != got:
            return Text(
                f"expected a {want[0]}×{want[1]} matrix, got {got[0]}×{got[1]}",
                f"应为 {want[0]}×{want[1]} 矩阵，实际为 {got[0]}×{got[1]}",
            )
    return None


def grade_part(
    *,
    part_id: str,
    kind: str,
    points: float,
    given: Parsed,
    expected: Any,
    tolerance: Tolerance,
    mistakes: list[tuple[str, Any, Text]],
    carried: Any = None,
    names: set[str] | None = None,
) -> PartVerdict:
    """Grade one parsed answer.

    ``mistakes`` lists (mistake id, the value that mistake predicts, feedback). ``carried`` is
    the value this part would have given the student's own earlier answers, or None.
    """
    if values_match(kind, given.value, expected, tolerance, names):
        return PartVerdict(part_id, "correct", points, points, expected, given)
    matched = [
        MistakeMatch(mid, feedback)
        for mid, predicted, feedback in mistakes
        if predicted is not None
        and not values_match(kind, predicted, expected, tolerance, names)
        and values_match(kind, given.value, predicted, tolerance, names)
    ]
    if carried is not None and not values_match(kind, carried, expected, tolerance, names):
        if values_match(kind, given.value, carried, tolerance, names):
            return PartVerdict(
                part_id,
                "carried",
                points,
                points,
                expected,
                given,
                note=Text(
                    "Right, given your earlier answer (error carried forward): full marks for this part.",
                    "按你前面的答案计算是对的（误差传递）：本小题得满分。",
                ),
            )
    return PartVerdict(part_id, "wrong", 0.0, points, expected, given, matched)


def skipped(part_id: str, points: float, expected: Any) -> PartVerdict:
    return PartVerdict(part_id, "skipped", 0.0, points, expected)
