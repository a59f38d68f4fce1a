"""The drill flow: ask each part, grade it at once, show the worked solution, keep score.

The flow talks to the terminal only through a ``DrillUI`` (rich in the CLI, a fake in tests),
and records every graded part in the store the moment it is graded, so stopping at any point
(``quit``, end of input, Ctrl-C) keeps everything already answered.

Each finished question is also recorded whole, with the points as shown (hint penalties
applied), the time taken and the hints used, and reported to the scheduler as a rating that the
student may override when the UI offers it (``ask_rating``; piped input is never asked).
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from examprep.bank.loader import Bank
from examprep.bank.question import Question, TemplateError, build_question
from examprep.bank.sampling import SamplingError
from examprep.bank.schema import Part, Template
from examprep.grading.grade import PartVerdict, skipped
from examprep.grading.parse import AnswerError
from examprep.session import theory
from examprep.session.theory import TheoryQuestion, command_of
from examprep.store import Attempt, QuestionRecord, Store, StoreError
from solvers.core import Text

if TYPE_CHECKING:  # the free-text grader is imported only when a concept answer is graded
    from examprep.grading.freetext import FreeTextVerdict

HINT = "?"
SKIP = "skip"
QUIT = "quit"
_SKIP_WORDS = theory.SKIP_WORDS
_QUIT_WORDS = theory.QUIT_WORDS
_HINT_WORDS = theory.HINT_WORDS

# --kind: which templates a drill draws from
KIND_CHOICES: dict[str, tuple[str, ...]] = {
    "calc": ("calc",),
    "concept": ("concept", "design"),
    "all": ("calc", "concept", "design"),
}


class DrillUI(Protocol):
    def show_question(self, index: int, total: int, question: Question) -> None: ...
    def ask(self, part: Part, question: Question) -> str | None: ...
    def show_invalid(self, error: AnswerError) -> None: ...
    def show_hint(self, number: int, hint: Text | None, cost: float) -> None: ...
    def show_verdict(self, verdict: PartVerdict, part: Part, question: Question) -> None: ...
    def show_solution(self, question: Question) -> None: ...


@dataclass
class QuestionResult:
    template: Template
    seed: int
    verdicts: list[PartVerdict] = field(default_factory=list)
    hints_used: int = 0
    seconds: float | None = None
    rating: int | None = None  # the scheduler's rating of this outcome
    self_rating: int | None = None  # the student's override, if any
    free_text: FreeTextVerdict | None = None  # concept and design items
    self_score: float | None = None  # the student's own score for free text, kept beside the automatic one
    skipped_text: bool = False

    @property
    def is_theory(self) -> bool:
        return self.template.kind != "calc"

    @property
    def touched(self) -> bool:
        return bool(self.verdicts) or self.free_text is not None or self.skipped_text

    @property
    def max_points(self) -> float:
        if self.is_theory:
            return self.template.points
        return sum(p.points for p in self.template.parts)

    @property
    def points(self) -> float:
        """The automatic score (a self-assessed score never replaces it)."""
        earned = self.free_text.score if self.free_text else sum(v.points for v in self.verdicts)
        penalty = self.hints_used * self.template.hint_cost * self.max_points
        return max(0.0, earned - penalty)

    @property
    def shown_points(self) -> float:
        """The points exactly as the summary shows them (two decimals), which is what is stored."""
        return round(self.points, 2)

    @property
    def mistakes(self) -> list[str]:
        if self.free_text is not None:
            return [m.id for m in self.free_text.misconceptions]
        return [m.id for v in self.verdicts for m in v.mistakes]


@dataclass
class DrillSession:
    questions: list[Question | TheoryQuestion]
    store: Store | None = None
    session_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    results: list[QuestionResult] = field(default_factory=list)
    finished: bool = False
    kind: str = "drill"  # drill or review: how the session is filed in the history
    timer: Callable[[], float] = time.monotonic
    store_error: StoreError | None = None  # set if the history failed mid-session (practice went on)
    _started: float = field(default=0.0, init=False, repr=False)
    _part_started: float = field(default=0.0, init=False, repr=False)

    @property
    def answered(self) -> list[QuestionResult]:
        """Results of the questions the student got to (an interrupted one may have none)."""
        return [r for r in self.results if r.touched]

    def run(self, ui: DrillUI) -> list[QuestionResult]:
        """Run until every question is done, the student quits, or input ends."""
        self._save(lambda store: store.start_session(self.session_id, self.kind))
        for index, question in enumerate(self.questions, start=1):
            if isinstance(question, TheoryQuestion):
                ui.show_theory_question(index, len(self.questions), question)  # type: ignore[attr-defined]
                result = QuestionResult(question.template, question.seed)
                self.results.append(result)
                self._started = self.timer()
                outcome = self._ask_theory(question, result, ui)  # type: ignore[arg-type]
                if outcome == "eof" and not result.touched:
                    self.results.pop()
                    break
                result.seconds = round(self.timer() - self._started, 1)
                if result.free_text is not None or result.skipped_text:
                    self._finish(question, result, ui, ask=outcome in ("done", "skip"))
                if outcome in ("quit", "eof"):
                    break
                continue
            ui.show_question(index, len(self.questions), question)
            result = QuestionResult(question.template, question.variant.seed)
            self.results.append(result)
            self._started = self._part_started = self.timer()
            outcome = self._ask_parts(question, result, ui)
            if outcome == "eof" and not result.verdicts:
                self.results.pop()  # input ended before this question was touched
                break
            result.seconds = round(self.timer() - self._started, 1)
            ui.show_solution(question)
            self._finish(question, result, ui, ask=outcome in ("done", "skip"))
            if outcome in ("quit", "eof"):
                break
        self._save(lambda store: store.end_session(self.session_id))
        self.finished = True
        return self.results

    def _finish(self, question: Question | TheoryQuestion, result: QuestionResult, ui: DrillUI, ask: bool) -> None:
        """Rate the finished question, let the student override the rating, and record it."""
        from examprep import scheduling

        template = question.template
        median = None
        if self.store is not None:
            try:
                median = scheduling.median_seconds(self.store, template.id)
            except StoreError as error:
                self._lost(error)
        outcome = scheduling.Outcome(result.shown_points, result.max_points, result.hints_used, result.seconds, median)
        result.rating = scheduling.rate(outcome)
        ask_rating = getattr(ui, "ask_rating", None)
        if ask and ask_rating is not None and self._schedules(template.id):
            result.self_rating = ask_rating(result.rating)
        record = QuestionRecord(
            session=self.session_id,
            template_id=template.id,
            topic=template.topic,
            seed=result.seed,
            points=result.shown_points,
            max_points=result.max_points,
            seconds=result.seconds,
            hints=result.hints_used,
            mistakes=",".join(dict.fromkeys(result.mistakes)),
            rating=result.rating,
            self_rating=result.self_rating,
        )
        rating = result.self_rating or result.rating
        self._save(lambda store: store.record_question(record))
        self._save(lambda store: scheduling.review(store, template.id, template.topic, rating))

    def _schedules(self, template_id: str) -> bool:
        """Whether this question will move the skill's schedule (saved, first graded attempt today):
        only then is the student offered to change the rating."""
        from examprep import clock, scheduling

        if self.store is None or self.store.readonly:
            return False
        try:
            return scheduling.counts_as_review(self.store.skill(template_id), clock.now())
        except StoreError as error:
            self._lost(error)
            return False

    def _save(self, write: Callable[[Store], object]) -> None:
        """Write to the history; if it fails, practice goes on and the error is kept for the end."""
        if self.store is None:
            return
        try:
            write(self.store)
        except StoreError as error:
            self._lost(error)

    def _lost(self, error: StoreError) -> None:
        self.store_error = error
        self.store = None

    def _ask_theory(self, question: TheoryQuestion, result: QuestionResult, ui: theory.TheoryUI) -> str:
        """One free-text answer: graded and stored at once, then an optional own score."""
        template = question.template
        while True:
            raw = ui.ask_text(question)
            if raw is None:
                return "eof"
            command = command_of(raw)
            if command in _HINT_WORDS:
                if result.hints_used < len(template.hints):
                    result.hints_used += 1
                    ui.show_hint(result.hints_used, template.hints[result.hints_used - 1], template.hint_cost)  # type: ignore[attr-defined]
                else:
                    ui.show_hint(result.hints_used + 1, None, template.hint_cost)  # type: ignore[attr-defined]
                continue
            if command in _SKIP_WORDS or command in _QUIT_WORDS:
                result.skipped_text = True
                self._record_theory(question, result, "")
                return "skip" if command in _SKIP_WORDS else "quit"
            break
        result.free_text = theory.grade(question, raw)
        row = self._record_theory(question, result, raw)
        ui.show_free_text_verdict(result.free_text, question)
        while True:
            typed = ui.ask_self_score(result.free_text)
            if typed is None:
                return "eof"
            try:
                own = theory.parse_self_score(typed, template.points)
            except AnswerError as error:
                ui.show_invalid(error)
                continue
            if own is not None:
                result.self_score = own
                if row:
                    self._save(lambda store, score=own: store.set_self_score(row, score))
                ui.confirm_self_score(own, result.free_text)
            return "done"

    def _record_theory(self, question: TheoryQuestion, result: QuestionResult, answer: str) -> int:
        """Store the free-text attempt at once; returns its row id (0 when nothing was stored)."""
        if self.store is None:
            return 0
        verdict = result.free_text
        attempt = Attempt(
            session=self.session_id,
            template_id=question.template.id,
            topic=question.template.topic,
            seed=question.seed,
            part_id="text",
            status=theory.status_of(verdict) if verdict else "skipped",
            points=result.points,
            max_points=result.max_points,
            answer=answer,
            mistakes=",".join(result.mistakes),
            hints=result.hints_used,
        )
        try:
            return self.store.record(attempt)
        except StoreError as error:
            self._lost(error)
            return 0

    def _ask_parts(self, question: Question, result: QuestionResult, ui: DrillUI) -> str:
        given: dict[str, object] = {}
        parts = list(question.template.parts)
        for position, part in enumerate(parts):
            while True:
                raw = ui.ask(part, question)
                if raw is None:
                    if not result.verdicts:
                        return "eof"  # input ended before this question was touched
                    self._skip_rest(question, result, parts[position:])
                    return "eof"
                command = command_of(raw)
                if command in _HINT_WORDS:
                    hints = question.template.hints
                    if result.hints_used < len(hints):
                        result.hints_used += 1
                        ui.show_hint(result.hints_used, hints[result.hints_used - 1], question.template.hint_cost)
                    else:
                        ui.show_hint(result.hints_used + 1, None, question.template.hint_cost)
                    continue
                if command in _SKIP_WORDS:
                    self._skip_rest(question, result, parts[position:])
                    return "skip"
                if command in _QUIT_WORDS:
                    self._skip_rest(question, result, parts[position:])
                    return "quit"
                try:
                    verdict = question.grade(part, raw, given)
                except AnswerError as error:
                    ui.show_invalid(error)
                    continue
                given[part.answer] = verdict.given.value if verdict.given else None
                result.verdicts.append(verdict)
                self._record(question, verdict, raw, result.hints_used)
                ui.show_verdict(verdict, part, question)
                break
        return "done"

    def _skip_rest(self, question: Question, result: QuestionResult, parts: list[Part]) -> None:
        for part in parts:
            verdict = skipped(part.id, part.points, question.expected(part))
            result.verdicts.append(verdict)
            self._record(question, verdict, "", result.hints_used)

    def _record(self, question: Question, verdict: PartVerdict, answer: str, hints: int = 0) -> None:
        now = self.timer()
        seconds = round(now - self._part_started, 1)
        self._part_started = now
        self._save(
            lambda store: store.record(
                Attempt(
                    session=self.session_id,
                    template_id=question.template.id,
                    topic=question.template.topic,
                    seed=question.variant.seed,
                    part_id=verdict.part_id,
                    status=verdict.status,
                    points=verdict.points,
                    max_points=verdict.max_points,
                    answer=answer,
                    mistakes=",".join(m.id for m in verdict.mistakes),
                    seconds=seconds,
                    hints=hints,
                )
            )
        )


def pick_questions(
    bank: Bank, topic: str, count: int, seed: int, kind: str = "calc"
) -> tuple[list[Question | TheoryQuestion], list[str]]:
    """Choose ``count`` questions for a topic (``kind``: calc, concept or all): every template
    once before any repeats, in an order fixed by the seed. Returns the questions and the errors
    of templates that could not be built (a broken user-supplied template is skipped, not fatal)."""
    templates = sorted(bank.by_topic(topic, KIND_CHOICES[kind]), key=lambda t: t.id)
    rng = random.Random(f"drill:{topic}:{seed}")
    order: list[Template] = []
    while len(order) < count and templates:
        batch = templates[:]
        rng.shuffle(batch)
        order.extend(batch)
    questions: list[Question | TheoryQuestion] = []
    errors: list[str] = []
    for index, template in enumerate(order[:count]):
        if template.kind != "calc":
            questions.append(TheoryQuestion(template, seed * 1000 + index))
            continue
        try:
            questions.append(build_question(template, seed * 1000 + index))
        except (TemplateError, SamplingError) as exc:
            errors.append(str(exc))
    return questions, errors
