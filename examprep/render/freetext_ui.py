"""Showing a concept or design item and the grading of a free-text answer.

Everything from the bank or the grader is printed as ``rich.text.Text`` (literal, never markup).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text as RichText

from examprep.bank.schema import Template
from examprep.i18n import t
from examprep.session.theory import TheoryQuestion

if TYPE_CHECKING:
    from examprep.grading.freetext import FreeTextVerdict


def _num(value: float) -> str:
    return f"{round(value, 2):g}"


def theory_question_panel(index: int, total: int, question: TheoryQuestion, lang: str, interactive: bool) -> Panel:
    template = question.template
    body = RichText()
    body.append(template.text.get(lang))
    body.append("\n\n")
    body.append(t("free_text_tag", lang, points=_num(template.points)), style="bold")
    body.append(" · " + t(f"importance_{template.importance}", lang), style="dim")
    if template.source:
        body.append("\n" + t("source", lang, source=template.source.get(lang)), style="dim")
    body.append("\n\n" + t("free_text_keys" if interactive else "free_text_piped", lang), style="dim")
    title = RichText(f"{t('question', lang, n=index, total=total)} · {template.title.get(lang)}")
    return Panel(body, title=title, title_align="left", border_style="magenta")


def render_free_text_verdict(console: Console, verdict: FreeTextVerdict, question: TheoryQuestion, lang: str) -> None:
    table = Table(show_header=False, box=None, padding=(0, 1), expand=False)
    table.add_column(no_wrap=True)
    table.add_column(ratio=1, overflow="fold")
    for p in verdict.points:
        mark = RichText("✓", style="bold green") if p.found else RichText("✗", style="bold red")
        line = RichText(p.point.get(lang))
        line.append(f"  ×{p.weight:g}", style="dim")
        if p.found:
            line.append("\n")
            line.append(t("point_found", lang, words=p.matched), style="green")
        table.add_row(mark, line)
    console.print(RichText(t("key_points", lang), style="bold"))
    console.print(table)
    for m in verdict.misconceptions:
        line = RichText(f"⚠ {t('misconception', lang)}: “{m.matched}” — ", style="bold yellow")
        line.append(m.feedback.get(lang), style="yellow")
        console.print(line)
    for note in verdict.notes:
        console.print(RichText("• " + note.get(lang), style="yellow"))
    pct = f"{verdict.fraction * 100:.0f}"
    style = "bold green" if verdict.fraction >= 0.8 else "bold yellow" if verdict.score > 0 else "bold red"
    console.print(
        RichText(
            t("free_text_score", lang, got=_num(verdict.score), max=_num(verdict.max_points), pct=pct), style=style
        )
    )
    model = question.template.model_answer
    if model is not None:
        console.print(
            Panel(RichText(model.get(lang).strip()), title=RichText(t("model_answer", lang)), title_align="left")
        )
    console.print(Group(RichText(t("free_text_scored_how", lang), style="dim")))


def rubric_view(template: Template, lang: str) -> Group:
    """A concept or design item as its author checks it (``bank show``): the question, every key
    point with its id, weight and phrasings, the misconceptions and the model answer."""
    parts: list = []
    head = RichText(template.title.get(lang), style="bold")
    head.append(
        f"  ({template.kind}, {template.points:g} · {t(f'importance_{template.importance}', lang)})", style="dim"
    )
    parts += [head, RichText(template.text.get(lang)), RichText("")]
    parts.append(RichText(t("key_points", lang), style="bold"))
    for p in template.rubric:
        line = RichText(f"• [{p.id}] ×{p.weight:g}  ", style="bold")
        line.append(p.point.get(lang), style="")
        line.append("\n    " + " | ".join(p.patterns), style="dim")
        if p.negated_patterns:
            line.append("\n    not: " + " | ".join(p.negated_patterns), style="dim")
        parts.append(line)
    for m in template.misconceptions:
        line = RichText(f"⚠ [{m.id}] ≤{m.cap:.0%}  ", style="bold yellow")
        line.append(m.statement.get(lang), style="yellow")
        line.append("\n    " + " | ".join(m.patterns), style="dim")
        parts.append(line)
    if template.model_answer is not None:
        parts.append(
            Panel(
                RichText(template.model_answer.get(lang).strip()),
                title=RichText(t("model_answer", lang)),
                title_align="left",
            )
        )
    return Group(*parts)
