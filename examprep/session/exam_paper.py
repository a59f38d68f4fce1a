"""A planned paper made concrete: every item's question built, every answer part named.

Answer parts are named by position: ``q1.a``, ``q1.b``, … over all the parts of a question's
items in order (a calculation contributes one part per answer, a short-answer item one free-text
part), or just ``q3`` when a question has a single part. The same names are used by the timed
exam, the answer sheets, the report and the export.

The exact sampled numbers of every calculation are kept (``params``) so an attempt stored in the
history rebuilds the same paper even if the bank's sampling rules change later.
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass
from typing import Any

from examprep.bank.loader import Bank
from examprep.bank.papers import PaperError, PaperPlan, PlannedItem, PlannedQuestion
from examprep.bank.question import Question, TemplateError, build_question
from examprep.bank.sampling import SamplingError
from examprep.bank.schema import Part, Template
from solvers.core import Text


@dataclass(frozen=True)
class AnswerPart:
    key: str  # q1.a
    question: int
    item: int  # index of the item within its question
    letter: str  # "a", or "" for a one-part question
    points: float  # worth on this paper
    part: Part | None  # the calculation part, None for a free-text answer

    @property
    def free_text(self) -> bool:
        return self.part is None


@dataclass
class ExamItem:
    planned: PlannedItem
    template: Template
    question: Question | None  # built for calculations only

    @property
    def scale(self) -> float:
        """Paper points per template point."""
        own = sum(p.points for p in self.template.parts) if self.template.kind == "calc" else self.template.points
        return self.planned.points / own

    def text(self, lang: str) -> str:
        if self.question is not None:
            return self.question.variant.text(lang)
        return self.template.text.get(lang)


@dataclass
class ExamPaper:
    plan: PaperPlan
    items: dict[tuple[int, int], ExamItem]
    parts: list[AnswerPart]

    @property
    def max_points(self) -> float:
        return self.plan.max_points

    def question(self, number: int) -> PlannedQuestion:
        return self.plan.questions[number - 1]

    def question_parts(self, number: int) -> list[AnswerPart]:
        return [p for p in self.parts if p.question == number]

    def item_of(self, part: AnswerPart) -> ExamItem:
        return self.items[(part.question, part.item)]

    def part(self, key: str) -> AnswerPart | None:
        return next((p for p in self.parts if p.key == key), None)

    def prompt(self, part: AnswerPart, lang: str) -> str:
        """What a part asks for: the calculation part's prompt, or the item's title."""
        item = self.item_of(part)
        if part.part is None:
            return item.template.title.get(lang)
        # the paper letters parts by position: drop a template's own "(a) " so labels never clash
        return re.sub(r"^\s*[(（][a-z][)）]\s*", "", part.part.prompt.get(lang))

    def question_title(self, number: int, lang: str) -> str:
        planned = self.question(number)
        if planned.title:
            return planned.title.get(lang)
        return self.items[(number, 0)].template.title.get(lang)

    def params_json(self) -> dict[str, Any]:
        """The exact numbers of every calculation, keyed ``q<number>.<item>``."""
        return {
            f"q{number}.{index}": item.question.variant.params
            for (number, index), item in self.items.items()
            if item.question is not None
        }


def _letters(count: int) -> list[str]:
    letters = list(string.ascii_lowercase)
    return [letters[i] if i < 26 else f"z{i - 25}" for i in range(count)]


def _restore(value: Any, like: Any) -> Any:
    """JSON turns tuples into lists: give stored values the container types a fresh sample has."""
    if isinstance(like, tuple) and isinstance(value, list):
        return tuple(value)
    return value


def build_paper(plan: PaperPlan, bank: Bank, params: dict[str, Any] | None = None) -> ExamPaper:
    """Build every question of a plan. ``params`` are stored numbers (from ``params_json``)."""
    items: dict[tuple[int, int], ExamItem] = {}
    parts: list[AnswerPart] = []
    for question in plan.questions:
        entries: list[tuple[int, Part | None, float]] = []
        for index, planned in enumerate(question.items):
            template = bank.get(planned.template_id)
            if template is None:
                raise PaperError(f"question {question.number}: template {planned.template_id!r} is not in the bank")
            built = None
            if template.kind == "calc":
                try:
                    built = build_question(template, planned.seed)
                    stored = (params or {}).get(f"q{question.number}.{index}")
                    if stored is not None and json.dumps(stored) != json.dumps(built.variant.params):
                        fresh = built.variant.params
                        restored = {k: _restore(v, fresh.get(k)) for k, v in stored.items()}
                        built = build_question(template, planned.seed, restored)
                except (TemplateError, SamplingError) as exc:
                    raise PaperError(f"question {question.number}: {exc}") from None
            item = ExamItem(planned, template, built)
            items[(question.number, index)] = item
            if template.kind == "calc":
                entries += [(index, part, part.points * item.scale) for part in template.parts]
            else:
                entries.append((index, None, planned.points))
        letters = _letters(len(entries)) if len(entries) > 1 else [""]
        for (index, part, points), letter in zip(entries, letters):
            key = f"q{question.number}" + (f".{letter}" if letter else "")
            parts.append(AnswerPart(key, question.number, index, letter, points, part))
    return ExamPaper(plan, items, parts)


def section_title(paper: ExamPaper, section: int, lang: str) -> str:
    return paper.plan.sections[section].get(lang)


def describe_paper(plan: PaperPlan) -> Text:
    count = len(plan.questions)
    return Text(
        f"{count} questions, {plan.max_points:g} points, {plan.minutes:g} minutes",
        f"共 {count} 题，{plan.max_points:g} 分，{plan.minutes:g} 分钟",
    )
