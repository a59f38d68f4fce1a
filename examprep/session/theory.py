"""Drilling a concept or design item: free text in, key points found, an optional own score.

The automatic score is stored the moment the answer is graded; a score the student gives
themselves afterwards is stored beside it (``self_score``), never in its place.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from examprep.grading.parse import AnswerError

if TYPE_CHECKING:
    from examprep.bank.schema import Template
    from examprep.grading.freetext import FreeTextVerdict

# Commands typed instead of an answer; full-width forms (？, ｓｋｉｐ) are read through NFKC.
HINT_WORDS = {"?", "hint", "提示", "h"}
SKIP_WORDS = {"skip", "s", "跳过", "next"}
QUIT_WORDS = {"quit", "q", "exit", "退出"}


def command_of(raw: str) -> str:
    """What a typed line says as a command: NFKC (full-width = half-width), trimmed, lower case."""
    return unicodedata.normalize("NFKC", raw).strip().lower()


@dataclass
class TheoryQuestion:
    """A concept or design item as drilled: no variants, so the seed only orders the drill."""

    template: Template
    seed: int


class TheoryUI(Protocol):
    def show_theory_question(self, index: int, total: int, question: TheoryQuestion) -> None: ...
    def ask_text(self, question: TheoryQuestion) -> str | None: ...
    def show_free_text_verdict(self, verdict: FreeTextVerdict, question: TheoryQuestion) -> None: ...
    def ask_self_score(self, verdict: FreeTextVerdict) -> str | None: ...
    def confirm_self_score(self, own: float, verdict: FreeTextVerdict) -> None: ...
    def show_invalid(self, error: AnswerError) -> None: ...


def parse_self_score(text: str, max_points: float) -> float | None:
    """The student's own score: empty keeps the automatic one (None); otherwise a number in
    [0, max_points] (full-width digits and a Chinese decimal point work). Raises AnswerError."""
    cleaned = command_of(text).replace("。", ".")
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        raise AnswerError(
            f"type a number from 0 to {max_points:g}, or press Enter to keep the automatic score",
            f"请输入 0 到 {max_points:g} 之间的数，或直接回车保留自动评分",
        ) from None
    if not math.isfinite(value) or not 0 <= value <= max_points:
        raise AnswerError(
            f"{value:g} is outside 0 to {max_points:g}",
            f"{value:g} 不在 0 到 {max_points:g} 之间",
        )
    return value


def status_of(verdict: FreeTextVerdict) -> str:
    """How a graded free-text answer is filed in the history: correct (≥ 80%), partial, wrong."""
    if verdict.fraction >= 0.8:
        return "correct"
    return "partial" if verdict.score > 0 else "wrong"


def grade(question: TheoryQuestion, text: str) -> FreeTextVerdict:
    from examprep.grading.freetext import grade_free_text  # the text matcher is loaded when an answer comes

    return grade_free_text(question.template, text)
