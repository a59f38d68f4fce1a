"""The mock exam in a terminal: the overview, questions, prompts with the time left, the report.

Bank and solver text is always printed literally (``rich.text.Text`` or ``markup=False``). In a
terminal the prompt uses prompt_toolkit when it is installed, with a bottom bar that counts the
time down every second; otherwise (and when input is piped) a plain prompt that shows the time
left in its text.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text as RichText

from examprep.grading.parse import AnswerError
from examprep.i18n import t
from examprep.session.exam import END_OF_TEXT
from examprep.session.exam_paper import AnswerPart, ExamPaper, describe_paper
from examprep.session.exam_report import Report
from examprep.session.exam_store import AttemptRecord

#: how often an essay in the editor is stored while being written (a killed process loses at most this)
DRAFT_SECONDS = 5.0


def clock_text(remaining: timedelta) -> str:
    seconds = max(0, int(remaining.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def pts(value: float) -> str:
    return f"{round(value, 2):g}"


def duration(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}:{secs:02d}"


def part_label(part: AnswerPart) -> str:
    return f"({part.letter}) " if part.letter else ""


class RichExamUI:
    """Implements ``examprep.session.exam.ExamUI``."""

    def __init__(
        self,
        console: Console,
        lang: str,
        interactive: bool | None = None,
        deadline_left: Callable[[], timedelta] | None = None,
        pt_input: Any = None,
        pt_output: Any = None,
        save_draft: Callable[[AnswerPart, str], bool] | None = None,
    ):
        self.console = console
        self.lang = lang
        self.interactive = sys.stdin.isatty() if interactive is None else interactive
        self.deadline_left = deadline_left
        self._eof = False
        self._queued: str | None = None
        self._session = None
        self._text_session: Any = None
        self.save_draft = save_draft
        self._drafting: AnswerPart | None = None  # the essay in the editor, kept every few seconds
        self._draft_kept_at = 0.0
        self._interrupted = False
        if self.interactive:
            try:
                from prompt_toolkit import PromptSession

                self._session = PromptSession(input=pt_input, output=pt_output)
                self._pt_input, self._pt_output = pt_input, pt_output
            except Exception:  # not installed, or no usable terminal: plain input() below
                self._session = None

    # -- input -------------------------------------------------------------------------------------
    def _toolbar(self) -> str:
        """The bottom bar, redrawn every second: the time left, a warning in the last 10 and 5
        minutes, and at the deadline it ends the prompt so the paper is handed in at once."""
        left = self.deadline_left() if self.deadline_left else timedelta(0)
        if left <= timedelta(0):
            try:
                from prompt_toolkit.application.current import get_app

                app = get_app()
                if not app.future or not app.future.done():
                    app.exit(result="")
            except Exception:  # already ending: the flow checks the clock after every input anyway
                pass
        self._keep_draft()
        text = " " + t("exam_toolbar", self.lang, left=clock_text(left))
        for minutes in (5, 10):
            if left <= timedelta(minutes=minutes):
                return " " + t("exam_warning", self.lang, minutes=minutes) + text
        return text

    def _keep_draft(self) -> None:
        """Every DRAFT_SECONDS while an essay is in the editor, store it as it stands."""
        if self._drafting is None or self.save_draft is None or self._text_session is None:
            return
        moment = time.monotonic()
        if moment - self._draft_kept_at < DRAFT_SECONDS:
            return
        self._draft_kept_at = moment
        try:
            self.save_draft(self._drafting, self._text_session.default_buffer.text)
        except Exception:  # noqa: BLE001 - a draft that cannot be kept must not break the editor
            pass

    def _pending_interrupt(self) -> None:
        if self._interrupted:  # Ctrl-C came inside the essay editor; its text is saved by now
            self._interrupted = False
            raise KeyboardInterrupt

    def _read(self, prompt: str) -> str | None:
        self._pending_interrupt()
        if self._queued is not None:  # 'submit' typed inside a free-text answer: hand in next
            queued, self._queued = self._queued, None
            return queued
        if self._eof:
            return None
        try:
            if self._session is not None:
                return self._session.prompt(prompt, bottom_toolbar=self._toolbar, refresh_interval=1.0)
            self.console.print(RichText(prompt, style="bold"), end="")
            line = input()
            if not self.interactive:
                self.console.print(line, markup=False, highlight=False)
            return line
        except (EOFError, OSError):  # the end of input, or the terminal closed under the prompt
            self._eof = True
            self._print_blank()
            return None

    def _read_text(self, prompt: str, current: str | None, part: AnswerPart) -> str | None:
        """A free-text answer in prompt_toolkit's multi-line editor, the saved answer loaded for
        editing; the bottom bar keeps counting down. Ctrl-D on an empty editor is the end of input.
        A session of its own: prompt_toolkit keeps a prompt's settings for the session's next prompt."""
        from prompt_toolkit import PromptSession

        from examprep.render.prompt import submit_keys

        self._pending_interrupt()
        if self._text_session is None:
            self._text_session = PromptSession(
                input=self._pt_input,
                output=self._pt_output,
                multiline=True,
                key_bindings=submit_keys(),
                prompt_continuation=lambda width, line_number, wrap_count: " " * min(width, 2),
            )
        self._drafting, self._draft_kept_at = part, time.monotonic()
        try:
            return self._text_session.prompt(
                prompt, default=current or "", bottom_toolbar=self._toolbar, refresh_interval=1.0
            )
        except KeyboardInterrupt:
            # Ctrl-C in the middle of an essay: the text so far is handed back to be saved like any
            # answer, and the interruption goes on at the next prompt (see ``_read``)
            draft = self._text_session.default_buffer.text
            if not draft.strip() or draft == (current or ""):
                raise
            self._interrupted = True
            return draft
        except (EOFError, OSError):  # Ctrl-D on an empty editor, or the terminal closed under it
            self._eof = True
            draft = self._text_session.default_buffer.text
            if draft.strip() and draft != (current or ""):
                return draft  # the terminal went away mid-essay: saved, then the input ends
            self._print_blank()
            return None
        finally:
            self._drafting = None

    def _print_blank(self) -> None:
        try:
            self.console.print()
        except OSError:  # no terminal any more
            pass

    def ask_navigation(self, paper: ExamPaper, answers: dict[str, str], remaining: timedelta) -> str | None:
        done = sum(1 for p in paper.parts if answers.get(p.key, "").strip())
        prompt = t("exam_nav_prompt", self.lang, left=clock_text(remaining), done=done, total=len(paper.parts))
        return self._read(prompt + " › ")

    def ask_part(self, paper: ExamPaper, part: AnswerPart, current: str | None, remaining: timedelta) -> str | None:
        if current and current.strip() and not (part.free_text and self._session is not None):
            shown = current.strip().replace("\n", " ⏎ ")
            self.console.print(
                RichText(
                    t("exam_current", self.lang, answer=shown[:200] + ("…" if len(shown) > 200 else "")), style="dim"
                )
            )
        head = f"[{clock_text(remaining)}] {part.key} {part_label(part)}{paper.prompt(part, self.lang)} › "
        if not part.free_text:
            return self._read(head)
        if self._session is not None and self._queued is None and not self._eof:
            self.console.print(RichText(t("exam_free_text_editor", self.lang), style="dim"))
            return self._read_text(head + "\n", current, part)
        self.console.print(RichText(t("exam_free_text", self.lang), style="dim"))
        first = self._read(head)
        if first is None:
            return None
        if first.strip().lower() in {"submit", "交卷", "skip", "跳过", "next", "s"} or not first.strip():
            return first
        lines = [first]
        while True:
            if first.strip() == END_OF_TEXT:
                return ""
            line = self._read("… ")
            if line is None or line.strip() == END_OF_TEXT:
                return "\n".join(lines)
            if line.strip().lower() in {"submit", "交卷"}:  # keep what was written, then hand in
                self._queued = line.strip()
                return "\n".join(lines)
            lines.append(line)

    # -- screens -----------------------------------------------------------------------------------
    def show_overview(self, paper: ExamPaper, answers: dict[str, str], remaining: timedelta) -> None:
        plan = paper.plan
        table = Table(show_header=True, header_style="bold", expand=False)
        table.add_column("#", justify="right")
        table.add_column(t("exam_col_question", self.lang))
        table.add_column(t("exam_col_points", self.lang), justify="right")
        table.add_column(t("exam_col_answered", self.lang), justify="right")
        section = -1
        for q in plan.questions:
            if q.section != section:
                section = q.section
                table.add_row("", RichText(plan.sections[section].get(self.lang), style="bold cyan"), "", "")
            parts = paper.question_parts(q.number)
            done = sum(1 for p in parts if answers.get(p.key, "").strip())
            table.add_row(
                str(q.number),
                RichText(paper.question_title(q.number, self.lang)),
                pts(q.points),
                f"{done}/{len(parts)}",
            )
        info = RichText(
            f"{describe_paper(plan).get(self.lang)} · seed {plan.seed}"
            + (" · twin" if plan.twin else "")
            + f"\n{t('exam_time_left', self.lang, left=clock_text(remaining))}",
        )
        help_text = RichText(t("exam_nav_help", self.lang), style="dim")
        self.console.print(
            Panel(Group(info, table, help_text), title=RichText(plan.title.get(self.lang)), title_align="left")
        )

    def show_question(self, paper: ExamPaper, number: int, answers: dict[str, str], remaining: timedelta) -> None:
        question = paper.question(number)
        body: list[RichText] = []
        shown: set[int] = set()
        for part in paper.question_parts(number):
            item = paper.item_of(part)
            if part.item not in shown:
                shown.add(part.item)
                body.append(RichText(item.text(self.lang) + "\n"))
            line = RichText(f"  {part.key} {part_label(part)}{paper.prompt(part, self.lang)}")
            line.append(f"  [{t('points', self.lang, points=pts(part.points))}]", style="dim")
            if part.part is not None and part.part.type in ("number", "vector", "matrix"):
                tol = part.part.tolerance.describe().get(self.lang)
                line.append(f"  ({t('tolerance', self.lang, tol=tol)})", style="dim")
            if part.part is not None and part.part.type == "choice":
                line.append("  " + "  ".join(f"{k}) {v.get(self.lang)}" for k, v in part.part.options.items()))
            if answers.get(part.key, "").strip():
                line.append("  ✓", style="green")
            body.append(line)
        in_editor = self._session is not None and all(part.free_text for part in paper.question_parts(number))
        body.append(RichText("\n" + t("exam_essay_help" if in_editor else "exam_part_help", self.lang), style="dim"))
        title = RichText(
            f"Q{number} · {paper.question_title(number, self.lang)} · {t('points', self.lang, points=pts(question.points))}"
        )  # the time left is in every prompt (and in the bottom bar in a terminal)
        self.console.print(Panel(Group(*body), title=title, title_align="left", border_style="blue"))

    def show_read_as(self, shown: str) -> None:
        self.console.print(
            RichText(t("read_as", self.lang, value=shown) + " · " + t("exam_saved", self.lang), style="dim")
        )

    def show_saved(self, key: str) -> None:
        self.console.print(RichText(f"{key} · " + t("exam_saved", self.lang), style="dim"))

    def show_invalid(self, error: AnswerError) -> None:
        self.console.print(RichText(t("invalid", self.lang, reason=error.text.get(self.lang)), style="yellow"))

    def show_unknown_command(self, text: str, count: int) -> None:
        self.console.print(RichText(t("exam_unknown_command", self.lang, text=text, count=count), style="yellow"))

    def show_all_answered(self, unanswered: int = 0) -> None:
        if unanswered:
            self.console.print(RichText(t("exam_end_of_paper", self.lang, count=unanswered), style="yellow"))
        else:
            self.console.print(RichText(t("exam_all_answered", self.lang), style="green"))

    def show_warning(self, minutes: int) -> None:
        self.console.print(RichText(t("exam_warning", self.lang, minutes=minutes), style="bold yellow"))

    def show_time_up(self) -> None:
        self.console.print(RichText(t("exam_time_up", self.lang), style="bold red"))

    def confirm_submit(self, unanswered: list[str]) -> bool:
        if not unanswered or not self.interactive:
            return True
        keys = ", ".join(unanswered[:12]) + (" …" if len(unanswered) > 12 else "")
        reply = self._read(t("exam_confirm", self.lang, count=len(unanswered), keys=keys) + " ")
        return reply is not None and reply.strip().lower() in {"y", "yes", "是", "submit", "交卷"}


# -- the report ------------------------------------------------------------------------------------

_MARKS = {"correct": "✓", "carried": "✓", "partial": "◐", "wrong": "✗", "missing": "–", "invalid": "?"}
_STYLES = {
    "correct": "green",
    "carried": "green",
    "partial": "yellow",
    "wrong": "red",
    "missing": "dim",
    "invalid": "red",
}


def _hanging(marker: str, text: str, style: str) -> Table:
    """``   + text`` whose wrapped lines stay under the text, not under the marker."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(width=4 if marker else 2, justify="right", no_wrap=True)
    grid.add_column(overflow="fold")  # never an ellipsis in place of a character
    grid.add_row(RichText(marker, style=style), RichText(text, style=style))
    return grid


def render_report(console: Console, report: Report, paper: ExamPaper, lang: str) -> None:
    from examprep.render.steps import solution_table

    console.print(
        RichText(
            t(
                "exam_report_title",
                lang,
                title=paper.plan.title.get(lang),
                total=pts(report.total),
                max=pts(report.max_points),
            ),
            style="bold",
        )
    )
    for question in paper.plan.questions:
        got, most = report.question_score(question.number)
        spent = report.seconds.get(question.number, 0.0)
        spent_text = f" · {t('exam_time_spent', lang, time=duration(spent))}" if spent else ""  # none for sheets
        header = RichText(
            f"Q{question.number} · {pts(got)}/{pts(most)}{spent_text} · {paper.question_title(question.number, lang)}",
            style="bold blue",
        )
        console.rule(header, align="left")
        parts = [p for p in report.parts if p.question == question.number]
        paper_parts = paper.question_parts(question.number)
        for index, entry in enumerate(parts):
            part = paper.part(entry.key)
            assert part is not None
            line = RichText(f"{_MARKS[entry.status]} {entry.key} ", style=_STYLES[entry.status])
            line.append(f"{part_label(part)}{paper.prompt(part, lang)}  ", style="bold")
            line.append(f"{pts(entry.score)}/{pts(entry.max_points)}", style=_STYLES[entry.status])
            console.print(line)
            if entry.answer.strip():
                answer = entry.answer.strip()
                label = f"{t('your_answer', lang)}{'：' if lang == 'zh' else ': '}"
                console.print(_hanging("", label + (answer if len(answer) < 400 else answer[:400] + "…"), ""))
            if part.free_text:
                for found in entry.found:
                    console.print(_hanging("+", found.get(lang), "green"))
                for missed in entry.missed:
                    console.print(_hanging("−", missed.get(lang), "red"))
            else:
                console.print(_hanging("", t("expected", lang, value=entry.expected.get(lang)), ""))
            for note in entry.feedback:
                console.print(_hanging("", note.get(lang), "yellow"))
            item = paper.item_of(part)
            if all(later.item != part.item for later in paper_parts[index + 1 :]):  # the item's last part
                if item.question is not None:
                    console.print(solution_table(item.question.solution.steps, lang))
                elif item.template.model_answer is not None:
                    console.print(
                        Panel(
                            RichText(item.template.model_answer.get(lang)),
                            title=RichText(t("exam_model_answer", lang)),
                            title_align="left",
                            border_style="green",
                        )
                    )
    render_totals(console, report, lang)


def render_totals(console: Console, report: Report, lang: str) -> None:
    table = Table(title=t("exam_topics", lang), title_justify="left")
    table.add_column(t("exam_col_topic", lang))
    table.add_column(t("exam_col_points", lang), justify="right")
    table.add_column("%", justify="right")
    for topic in sorted(report.topics, key=lambda x: x.topic):
        table.add_row(topic.topic, f"{pts(topic.score)}/{pts(topic.max_points)}", f"{100 * topic.fraction:.0f}")
    table.add_section()
    pct = 100 * report.total / report.max_points if report.max_points else 0
    table.add_row(t("summary_total", lang), f"{pts(report.total)}/{pts(report.max_points)}", f"{pct:.0f}")
    console.print(table)
    if report.missing:
        console.print(RichText(t("exam_missing", lang, keys=", ".join(report.missing)), style="yellow"))
    weakest = report.weakest()
    if weakest:
        console.print(RichText(t("exam_weakest", lang), style="bold"))
        for topic in weakest:
            console.print(RichText(f"  {topic.topic} ({100 * topic.fraction:.0f}%): {topic.command}"))


def render_papers(console: Console, papers: list[tuple[str, str, str, str]], lang: str) -> None:
    table = Table(title=t("exam_papers", lang), title_justify="left")
    table.add_column("paper")
    table.add_column(t("exam_col_title", lang))
    table.add_column(t("exam_col_format", lang))
    table.add_column(t("exam_col_status", lang))
    for row in papers:
        table.add_row(*(RichText(cell) for cell in row))
    console.print(table)


def render_attempts(console: Console, attempts: list[tuple[AttemptRecord, int, int]], lang: str) -> None:
    if not attempts:
        console.print(RichText(t("exam_no_attempts", lang)))
        return
    table = Table(title=t("exam_attempts", lang), title_justify="left")
    for name in (
        "id",
        "paper",
        "seed",
        t("exam_col_state", lang),
        t("exam_col_started", lang),
        t("exam_col_deadline", lang),
    ):
        table.add_column(name)
    table.add_column(t("exam_col_answered", lang), justify="right")
    table.add_column(t("exam_col_score", lang), justify="right")
    for record, answered, total in attempts:
        score = f"{pts(record.score)}/{pts(record.max_points)}" if record.score is not None else "—"
        table.add_row(
            str(record.id),
            record.paper,
            str(record.seed),
            t(f"exam_state_{record.state}", lang),
            record.started.astimezone().strftime("%Y-%m-%d %H:%M"),
            record.deadline.astimezone().strftime("%H:%M"),
            f"{answered}/{total}",
            score,
        )
    console.print(table)
