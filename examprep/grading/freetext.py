# STAND-IN: replaced by the grader branch at merge
"""Free-text grading against a rubric of key points (a minimal stand-in with the final API).

Each key point is found when any of its ``patterns`` occurs in the answer as a case-insensitive
substring (after NFKC normalization); the score is the item's points times the found weight over
the total weight. The real grader (sentences, negation, typos, misconceptions, keyword lists)
replaces this module at merge; callers depend only on the API below.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from examprep.bank.schema import Template
from solvers.core import Text


@dataclass(frozen=True)
class PointResult:
    id: str
    point: Text
    weight: float
    found: bool
    matched: str


@dataclass(frozen=True)
class MisconceptionResult:
    id: str
    feedback: Text
    cap: float
    matched: str


@dataclass(frozen=True)
class FreeTextVerdict:
    score: float
    max_points: float
    points: tuple[PointResult, ...]
    misconceptions: tuple[MisconceptionResult, ...]
    keyword_list: bool
    off_topic: bool
    notes: tuple[Text, ...]


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def grade_free_text(template: Template, answer: str) -> FreeTextVerdict:
    text = _norm(answer)
    results = []
    for index, point in enumerate(template.rubric):
        hit = next((p for p in point.patterns if _norm(p) in text), "") if text.strip() else ""
        results.append(
            PointResult(getattr(point, "id", "") or f"p{index + 1}", point.point, point.weight, bool(hit), hit)
        )
    total = sum(r.weight for r in results) or 1.0
    found = sum(r.weight for r in results if r.found)
    score = template.points * found / total
    return FreeTextVerdict(
        score=score,
        max_points=template.points,
        points=tuple(results),
        misconceptions=(),
        keyword_list=False,
        off_topic=bool(text.strip()) and found == 0,
        notes=(),
    )
