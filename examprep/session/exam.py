"""The timed mock exam: start or resume an attempt, take answers in any order, grade at the end.

The deadline is wall-clock time fixed when the attempt starts and stored with it, with the plan
(every item's template and seed) and the exact numbers. Every answer is written to the store the
moment it is entered, so Ctrl-C, a closed terminal or ``kill -9`` lose nothing, and resuming
continues with the clock where it truly is; resuming after the deadline grades at once. Nothing
is graded and no solution is shown before the paper is handed in (``submit`` / ``交卷``) or the
time runs out.

The flow talks to the terminal only through an ``ExamUI`` (rich in the CLI, a fake in tests). In
a terminal the student picks questions from the overview; when input is piped, the questions are
asked in paper order, skipping parts already answered, and end of input leaves the attempt in
progress.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from examprep.bank.loader import Bank
from examprep.bank.papers import Blueprint, PaperPlan, plan_paper
from examprep.clock import now
from examprep.grading.grade import size_problem
from examprep.grading.parse import AnswerError, parse_answer
from examprep.session.exam_paper import AnswerPart, ExamPaper, build_paper
from examprep.session.exam_report import Report, grade_paper
from examprep.session.exam_store import IN_PROGRESS, AttemptRecord, ExamStore
from examprep.store import Attempt

SUBMIT_WORDS = {"submit", "交卷", "hand in"}
SKIP_WORDS = {"skip", "跳过", "next", "s"}
LIST_WORDS = {"list", "目录", "overview", "l"}
END_OF_TEXT = "."  # a line holding only this ends a free-text answer
WARN_AT = (10, 5)  # minutes left when the student is warned
# report statuses as the practice history spells them (the drill's words where they exist)
HISTORY_STATUS = {"missing": "skipped", "invalid": "wrong"}


def is_command(text: str, words: set[str]) -> bool:
    return text.strip().lower() in words


class ExamUI(Protocol):
    interactive: bool

    def show_overview(self, paper: ExamPaper, answers: dict[str, str], remaining: timedelta) -> None: ...
    def show_question(self, paper: ExamPaper, number: int, answers: dict[str, str], remaining: timedelta) -> None: ...
    def ask_navigation(self, paper: ExamPaper, answers: dict[str, str], remaining: timedelta) -> str | None: ...
    def ask_part(self, paper: ExamPaper, part: AnswerPart, current: str | None, remaining: timedelta) -> str | None: ...
    def show_read_as(self, shown: str) -> None: ...
    def show_saved(self, key: str) -> None: ...
    def show_invalid(self, error: AnswerError) -> None: ...
    def show_unknown_command(self, text: str, count: int) -> None: ...
    def show_all_answered(self, unanswered: int = 0) -> None: ...
    def show_warning(self, minutes: int) -> None: ...
    def show_time_up(self) -> None: ...
    def confirm_submit(self, unanswered: list[str]) -> bool: ...


def read_answer(paper: ExamPaper, part: AnswerPart, text: str) -> str:
    """How a calculation answer reads (shown back to the student), without grading it.

    Raises AnswerError when it cannot be read or has the wrong size, so it is asked again."""
    assert part.part is not None
    item = paper.item_of(part)
    parsed = parse_answer(part.part.type, text, options=list(part.part.options), names=set(part.part.names))
    assert item.question is not None
    problem = size_problem(part.part.type, parsed.value, item.question.expected(part.part))
    if problem is not None:
        raise AnswerError(problem.en, problem.zh)
    return parsed.shown


def plan_json(plan: PaperPlan, paper: ExamPaper) -> dict:
    return {**plan.to_json(), "params": paper.params_json()}


def start_attempt(
    exam_store: ExamStore,
    bank: Bank,
    blueprint: Blueprint,
    *,
    seed: int,
    twin: bool,
    lang: str,
    minutes: float | None = None,
    bank_paths: list[Path] | None = None,
) -> tuple[AttemptRecord, ExamPaper]:
    """Fix the paper, its numbers and the deadline, and store them before the first question.

    ``bank_paths`` (extra bank files the paper was drawn from) are stored so a resume finds them."""
    plan = plan_paper(blueprint, bank, seed, twin)
    if minutes is not None:  # the attempt's own time allowed is part of its paper
        plan = dataclasses.replace(plan, minutes=minutes)
    paper = build_paper(plan, bank)
    started = now()
    deadline = started + timedelta(minutes=plan.minutes)
    record = exam_store.create(
        paper=plan.paper,
        seed=seed,
        twin=twin,
        lang=lang,
        started=started,
        deadline=deadline,
        plan={**plan_json(plan, paper), "bank": [str(p) for p in bank_paths or []]},
        max_points=plan.max_points,
    )
    return record, paper


def paper_of(record: AttemptRecord, bank: Bank) -> ExamPaper:
    """The stored paper of an attempt, with the numbers it had when it was started."""
    plan = PaperPlan.from_json(record.plan)
    return build_paper(plan, bank, record.plan.get("params"))


def finish_attempt(
    exam_store: ExamStore, record: AttemptRecord, paper: ExamPaper, bank: Bank, session_prefix: str = "exam"
) -> Report:
    """Grade the stored answers once and keep the report (and each part in the practice history)."""
    answers = exam_store.answers(record.id)
    report = grade_paper(paper, answers, bank, exam_store.times(record.id))
    if not exam_store.finish(record.id, report.total, report.to_json(), now()):
        stored = exam_store.get(record.id)  # graded elsewhere first: show that result, record nothing twice
        if stored is not None and stored.report is not None:
            return Report.from_json(stored.report)
        return report
    for part in report.parts:
        item = paper.item_of(paper.part(part.key))  # type: ignore[arg-type]
        exam_store.store.record(
            Attempt(
                session=f"{session_prefix}-{record.id}",
                template_id=part.template_id,
                topic=part.topic,
                seed=item.planned.seed,
                part_id=part.key,
                status=HISTORY_STATUS.get(part.status, part.status),
                points=part.score,
                max_points=part.max_points,
                answer=part.answer,
                mistakes=",".join(part.mistakes),
            )
        )
    return report


@dataclass
class ExamSession:
    exam_store: ExamStore
    record: AttemptRecord
    paper: ExamPaper
    warned: set[int] = field(default_factory=set)
    answers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.answers = self.exam_store.answers(self.record.id)

    # -- the clock ---------------------------------------------------------------------------------
    def remaining(self) -> timedelta:
        return self.record.deadline - now()

    def time_up(self) -> bool:
        return self.remaining() <= timedelta(0)

    def _warn(self, ui: ExamUI) -> None:
        left = self.remaining()
        due = [m for m in WARN_AT if left <= timedelta(minutes=m) and m not in self.warned]
        if due:  # one warning for the narrowest window reached (a resume at 3 minutes left warns once)
            ui.show_warning(min(due))
            self.warned.update(m for m in WARN_AT if m >= min(due))

    # -- answers -----------------------------------------------------------------------------------
    def unanswered(self) -> list[str]:
        return [p.key for p in self.paper.parts if not self.answers.get(p.key, "").strip()]

    def _save(self, part: AnswerPart, text: str) -> bool:
        """Store one answer unless the deadline has passed (then nothing more is accepted)."""
        if self.time_up():
            return False
        self.answers[part.key] = text
        self.exam_store.save_answer(self.record.id, part.key, text, now())
        return True

    def save_draft(self, part: AnswerPart, text: str) -> bool:
        """Keep an essay while it is being written (the editor calls this every few seconds), so
        a killed process loses at most those seconds; the finished answer is saved over it."""
        if not text.strip() or text.rstrip() == self.answers.get(part.key, "").rstrip():
            return False
        return self._save(part, text.rstrip())

    # -- the flow ----------------------------------------------------------------------------------
    def run(self, ui: ExamUI) -> str:
        """Returns 'submitted', 'timeout' or 'eof' (input ended: the attempt stays in progress)."""
        if self.time_up():
            return "timeout"
        ui.show_overview(self.paper, self.answers, self.remaining())
        return self._interactive(ui) if ui.interactive else self._in_order(ui)

    def _interactive(self, ui: ExamUI) -> str:
        count = len(self.paper.plan.questions)
        while True:
            if self.time_up():
                ui.show_time_up()
                return "timeout"
            self._warn(ui)
            raw = ui.ask_navigation(self.paper, self.answers, self.remaining())
            if raw is None:
                return "eof"
            command = raw.strip().lower()
            if self.time_up():
                ui.show_time_up()
                return "timeout"
            if command in SUBMIT_WORDS:
                if ui.confirm_submit(self.unanswered()):
                    return "submitted"
                continue
            if command in LIST_WORDS:
                ui.show_overview(self.paper, self.answers, self.remaining())
                continue
            if command == "":
                pending = self.unanswered()
                if not pending:
                    ui.show_all_answered()
                    continue
                number = self.paper.part(pending[0]).question  # type: ignore[union-attr]
            else:
                number = _question_number(command, count)
                if number is None:
                    ui.show_unknown_command(raw, count)
                    continue
            outcome = self._question(number, ui, only_unanswered=False)
            if outcome in ("submitted", "timeout", "eof"):
                if outcome == "submitted" and not ui.confirm_submit(self.unanswered()):
                    continue
                return outcome

    def _in_order(self, ui: ExamUI) -> str:
        for planned in self.paper.plan.questions:
            if all(self.answers.get(p.key, "").strip() for p in self.paper.question_parts(planned.number)):
                continue
            outcome = self._question(planned.number, ui, only_unanswered=True)
            if outcome in ("submitted", "timeout", "eof"):
                return outcome
        while True:  # everything asked: hand in explicitly, or leave it in progress at end of input
            ui.show_all_answered(len(self.unanswered()))
            raw = ui.ask_navigation(self.paper, self.answers, self.remaining())
            if raw is None:
                return "eof"
            if self.time_up():
                ui.show_time_up()
                return "timeout"
            if is_command(raw, SUBMIT_WORDS):
                return "submitted"

    def _question(self, number: int, ui: ExamUI, only_unanswered: bool) -> str:
        """Ask the parts of one question. Returns 'done', 'skip', 'submitted', 'timeout' or 'eof'."""
        shown_at = now()
        ui.show_question(self.paper, number, self.answers, self.remaining())
        try:
            for part in self.paper.question_parts(number):
                if only_unanswered and self.answers.get(part.key, "").strip():
                    continue
                outcome = self._part(part, ui)
                if outcome != "done":
                    return outcome
            return "done"
        finally:
            self.exam_store.add_time(self.record.id, number, (now() - shown_at).total_seconds())

    def _part(self, part: AnswerPart, ui: ExamUI) -> str:
        while True:
            if self.time_up():
                ui.show_time_up()
                return "timeout"
            self._warn(ui)
            raw = ui.ask_part(self.paper, part, self.answers.get(part.key), self.remaining())
            if raw is None:
                return "eof"
            if is_command(raw, SUBMIT_WORDS):
                return "submitted"
            if is_command(raw, SKIP_WORDS):
                return "skip"
            if not raw.strip():
                return "done"  # keep the current answer (or none) and go on
            if not part.free_text:
                try:
                    ui.show_read_as(read_answer(self.paper, part, raw))
                except AnswerError as error:
                    ui.show_invalid(error)
                    continue
            if not self._save(part, raw.strip() if not part.free_text else raw.rstrip()):
                ui.show_time_up()
                return "timeout"
            if part.free_text:
                ui.show_saved(part.key)
            return "done"


def _question_number(command: str, count: int) -> int | None:
    text = command.strip().lower().lstrip("q")
    if text.isdigit() and 1 <= int(text) <= count:
        return int(text)
    return None


def expired(record: AttemptRecord, at: datetime | None = None) -> bool:
    return record.state == IN_PROGRESS and (at or now()) >= record.deadline


def grade_answers(
    exam_store: ExamStore, bank: Bank, paper: ExamPaper, answers: dict[str, str], lang: str
) -> tuple[AttemptRecord, Report]:
    """Grade a filled answer sheet and keep it in the history as a finished attempt."""
    moment = now()
    record = exam_store.create(
        paper=paper.plan.paper,
        seed=paper.plan.seed,
        twin=paper.plan.twin,
        lang=lang,
        started=moment,
        deadline=moment,
        plan=plan_json(paper.plan, paper),
        max_points=paper.max_points,
    )
    for key, value in answers.items():
        exam_store.save_answer(record.id, key, value, moment)
    return record, finish_attempt(exam_store, record, paper, bank, session_prefix="sheet")
