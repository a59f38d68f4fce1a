"""The drill in a terminal: question panels, the answer prompt, feedback and summaries."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from examprep.bank.question import Question
from examprep.bank.sampling import render_text
from examprep.bank.schema import Part
from examprep.grading.grade import PartVerdict
from examprep.grading.parse import AnswerError
from examprep.i18n import t
from examprep.render.freetext_ui import render_free_text_verdict, theory_question_panel
from examprep.render.prompt import AnswerReader
from examprep.render.steps import solution_table
from examprep.session.drill import QuestionResult
from examprep.session.theory import TheoryQuestion
from solvers.core import Text

if TYPE_CHECKING:
    from examprep.grading.freetext import FreeTextVerdict


def _points(value: float) -> str:
    return f"{value:g}"


class RichDrillUI:
    def __init__(
        self,
        console: Console,
        lang: str,
        interactive: bool | None = None,
        reader: AnswerReader | None = None,
        asking: bool = True,
    ):
        self.console = console
        self.lang = lang
        self.interactive = sys.stdin.isatty() if interactive is None else interactive
        self.reader = reader or AnswerReader(self.interactive)
        self.asking = asking  # False when a question is only shown ('bank show'): no "Type your answer"

    # -- questions -----------------------------------------------------------------------
    def show_question(self, index: int, total: int, question: Question) -> None:
        template = question.template
        lines = [escape(question.variant.text(self.lang)), ""]
        for part in template.parts:
            detail = (
                f"  • {escape(part.prompt.get(self.lang))}  \\[{t('points', self.lang, points=_points(part.points))}]"
            )
            if part.type in ("number", "vector", "matrix"):
                detail += f"  ({t('tolerance', self.lang, tol=part.tolerance.describe().get(self.lang))})"
            if part.type == "choice":
                detail += "  " + "  ".join(f"{escape(k)}) {escape(v.get(self.lang))}" for k, v in part.options.items())
            lines.append(detail)
        if template.source:
            lines += ["", f"[dim]{t('source', self.lang, source=escape(template.source.get(self.lang)))}[/dim]"]
        if self.asking:
            lines += ["", f"[dim]{t('prompt_help', self.lang)}[/dim]"]
        heading = t("question", self.lang, n=index, total=total)
        title = f"{heading} · {escape(template.title.get(self.lang))}"
        if cell_len(f"{heading} · {template.title.get(self.lang)}") + 6 > self.console.width:
            # a border title too wide is cut with '…': put the title inside the panel instead
            lines = [f"[bold]{escape(template.title.get(self.lang))}[/bold]", ""] + lines
            title = heading
        self.console.print(Panel("\n".join(lines), title=title, title_align="left", border_style="blue"))

    def ask(self, part: Part, question: Question) -> str | None:
        return self._line(f"{part.prompt.get(self.lang)} › ")

    def _line(self, prompt: str) -> str | None:
        """One line from the line editor (a terminal) or from stdin (echoed, so a piped session
        reads like a transcript)."""
        if self.interactive:
            return self.reader.read_line(prompt)
        self.console.print(prompt, style="bold", end="", markup=False)
        answer = self.reader.read_line(prompt)
        if answer is None:
            self.console.print()
            return None
        self.console.print(answer, markup=False, highlight=False)
        return answer

    # -- concept and design items -------------------------------------------------------
    def show_theory_question(self, index: int, total: int, question: TheoryQuestion) -> None:
        self.console.print(theory_question_panel(index, total, question, self.lang, self.interactive))

    def ask_text(self, question: TheoryQuestion) -> str | None:
        prompt = f"{t('answer_prompt', self.lang)} › "
        if self.interactive:
            return self.reader.read_text(prompt, t("free_text_keys", self.lang))
        self.console.print(prompt, style="bold", markup=False)
        text = self.reader.read_text(prompt, "")
        if text is not None:
            self.console.print(text, markup=False, highlight=False)
        return text

    def show_free_text_verdict(self, verdict: FreeTextVerdict, question: TheoryQuestion) -> None:
        render_free_text_verdict(self.console, verdict, question, self.lang)

    def ask_self_score(self, verdict: FreeTextVerdict) -> str | None:
        auto = f"{round(verdict.score, 2):g}"
        return self._line(t("self_score_prompt", self.lang, max=f"{verdict.max_points:g}", auto=auto))

    def confirm_self_score(self, own: float, verdict: FreeTextVerdict) -> None:
        auto = f"{round(verdict.score, 2):g}"
        self.console.print(t("self_score_kept", self.lang, own=f"{own:g}", auto=auto), style="dim", markup=False)

    # -- feedback ------------------------------------------------------------------------
    def show_invalid(self, error: AnswerError) -> None:
        self.console.print(
            f"[yellow]{t('invalid', self.lang, reason=escape(error.text.get(self.lang)))}[/yellow]", markup=True
        )

    def show_hint(self, number: int, hint: Text | None, cost: float) -> None:
        if hint is None:
            self.console.print(f"[dim]{t('no_more_hints', self.lang)}[/dim]")
            return
        cost_text = t("hint_cost", self.lang, pct=f"{cost * 100:g}")
        self.console.print(
            f"[magenta]{t('hint', self.lang, n=number)}:[/magenta] {escape(hint.get(self.lang))} [dim]{cost_text}[/dim]"
        )

    def show_verdict(self, verdict: PartVerdict, part: Part, question: Question) -> None:
        if verdict.given is not None:
            self.console.print(f"[dim]{t('read_as', self.lang, value=escape(verdict.given.shown))}[/dim]", markup=True)
        score = f"({_points(verdict.points)}/{_points(verdict.max_points)})"
        if verdict.status == "correct":
            self.console.print(f"[bold green]✓ {t('correct', self.lang)}[/bold green] {score}")
        elif verdict.status == "carried":
            self.console.print(f"[bold green]✓ {t('carried', self.lang)}[/bold green] {score}")
            if verdict.note:
                self.console.print(f"  [green]{escape(verdict.note.get(self.lang))}[/green]")
            self.console.print(f"  {t('expected', self.lang, value=escape(part.show(verdict.expected)))}")
        else:
            self.console.print(f"[bold red]✗ {t('wrong', self.lang)}[/bold red] {score}")
            self.console.print(f"  {t('expected', self.lang, value=escape(part.show(verdict.expected)))}")
            for match in verdict.mistakes:
                feedback = render_text(match.feedback.get(self.lang), question.variant.params)
                name = escape(question.template.mistake_label(match.id).get(self.lang))
                self.console.print(
                    f"  [yellow]{t('looks_like_named', self.lang, name=f'[bold]{name}[/bold]')}[/yellow]"
                )
                self.console.print(f"  {escape(feedback)}")

    def show_solution(self, question: Question) -> None:
        self.console.print(solution_table(question.solution.steps, self.lang))

    def ask_rating(self, rating: int) -> int | None:
        """Offer to override the scheduler's rating: one line, Enter keeps it. Only asked at a
        terminal; piped input is never asked (it would eat the next answer)."""
        from examprep.scheduling import RATINGS, rating_name

        if not self.interactive:
            return None
        self.console.print(t("rating_prompt", self.lang, rating=rating_name(rating, self.lang)), end="", markup=False)
        try:
            line = input().strip()
        except EOFError:
            self.console.print()
            return None
        if not line:
            return None
        if line.isdigit() and int(line) in RATINGS:
            chosen = int(line)
            self.console.print(
                t("rating_set", self.lang, rating=rating_name(chosen, self.lang)), style="dim", markup=False
            )
            return chosen
        self.console.print(
            t("rating_invalid", self.lang, rating=rating_name(rating, self.lang)), style="dim", markup=False
        )
        return None


def render_summary(console: Console, results: list[QuestionResult], lang: str) -> None:
    if not results:
        console.print(t("summary_empty", lang))
        return
    table = Table(title=t("summary", lang), title_justify="left")
    table.add_column("#", justify="right")
    table.add_column(t("summary_question", lang), overflow="fold")  # wrap, never '…'
    table.add_column(t("summary_score", lang), justify="right", no_wrap=True)
    table.add_column(t("summary_mistakes", lang), overflow="fold")
    total = maximum = 0.0
    for number, result in enumerate(results, start=1):
        total += result.points
        maximum += result.max_points
        marks = " ".join(
            {"correct": "✓", "carried": "✓", "wrong": "✗", "skipped": "–"}[v.status] for v in result.verdicts
        )
        if result.is_theory:
            marks = "–" if result.free_text is None else "✎"
            if result.self_score is not None:
                marks += f" ({t('own_score', lang, score=_points(round(result.self_score, 2)))})"
        table.add_row(
            str(number),
            f"{escape(result.template.title.get(lang))} [dim]{t('seed_label', lang, seed=result.seed)}[/dim]",
            f"{_points(round(result.points, 2))}/{_points(result.max_points)}  {marks}",
            escape(
                t("list_sep", lang).join(
                    result.template.mistake_label(m).get(lang) for m in dict.fromkeys(result.mistakes)
                )
            ),
        )
    table.add_section()
    pct = 100 * total / maximum if maximum else 0
    table.add_row("", t("summary_total", lang), f"{_points(round(total, 2))}/{_points(maximum)} ({pct:.0f}%)", "")
    console.print(table)
