"""A concept card for the terminal: title, definition, formulas, intuition, comparison, common
mistakes, related cards, exam questions and the live example computed by its solver.

Every text from the card or a solver is a ``rich.text.Text`` (printed literally, never parsed as
markup). Headings and short paragraphs wrap, so the card reads at 60 columns.
"""

from __future__ import annotations

import shlex
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text as RichText

from examprep.bank.cards import Card, CardSet
from examprep.i18n import t
from solvers.core import fmt_matrix, fmt_num, fmt_vector

#: answers longer than this are left out of the side-by-side table unless ``show`` names them
MAX_CELL = 40


def _heading(key: str, lang: str) -> RichText:
    return RichText("\n" + t(key, lang), style="bold underline")


def _para(text: str) -> RichText:
    return RichText(text)


def _bullet(text: str, mark: str = "•", style: str | None = None) -> Table:
    """A hanging-indent bullet: wrapped lines stay under the text, not under the mark."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style=style)
    grid.add_column(overflow="fold")
    grid.add_row(mark, RichText(text, overflow="fold"))
    return grid


def _colon(lang: str) -> str:
    return "：" if lang == "zh" else ": "


def steps_view(steps: list[Any], lang: str) -> list[RenderableType]:
    """The solver's worked steps as a numbered list (narrower than the drill's three-column table):
    what is computed, the formula, the numbers, the result, and any small table under it."""
    from examprep.render.steps import grid_table

    out: list[RenderableType] = []
    for number, step in enumerate(steps, start=1):
        lines = [RichText.assemble((f"{number}. ", "dim"), (step.what.get(lang), "bold"))]
        if step.formula:
            lines.append(RichText("   " + step.formula, style="cyan", overflow="fold"))
        if step.substituted:
            prefix = "" if "\n" in step.substituted else "= "
            lines.append(RichText("   " + prefix + step.substituted.replace("\n", "\n   "), overflow="fold"))
        if step.result:
            lines.append(RichText("   → " + step.result, style="bold green", overflow="fold"))
        if step.note:
            lines.append(RichText("   " + step.note.get(lang), style="italic dim", overflow="fold"))
        for grid in step.grids:
            table = grid_table(grid, lang)
            for column in table.columns:
                column.overflow = "fold"
            lines.append(table)
        out.extend(lines)
    return out


def show_answer(value: Any) -> str:
    """A solver answer on one line: 0.85, (0.85, 1.2), [1, 2; 3, 4]."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        if len(value) == 1 and not isinstance(value[0], (list, tuple)):
            return show_answer(value[0])
        if value and all(isinstance(v, (list, tuple)) for v in value):
            if all(len(v) == 1 for v in value):
                return fmt_vector([v[0] for v in value], 6)
            return fmt_matrix(value, 6)
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            return fmt_vector(value, 6)
        return "(" + ", ".join(show_answer(v) for v in value) + ")"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return fmt_num(value, 6)
    return str(value)


def answer_rows(runs: list[Any], show: tuple[str, ...]) -> list[tuple[str, list[str]]]:
    """(answer name, one cell per run): the ``show`` list, else every answer short enough."""
    keys = list(show)
    if not keys:
        for run in runs:
            keys.extend(k for k in run.solution.answers if k not in keys)
    rows = []
    for key in keys:
        cells = [show_answer(run.solution.answers[key]) if key in run.solution.answers else "—" for run in runs]
        if show or all(len(c) <= MAX_CELL for c in cells):
            rows.append((key, cells))
    return rows


def example_block(card: Card, result: Any, lang: str, width: int) -> list[RenderableType]:
    """The live example: its inputs, the solver's steps (one run) or the runs side by side."""
    from examprep.bank.cards import arg_text

    example = card.example
    assert example is not None
    parts: list[RenderableType] = [_heading("explain_example", lang)]
    shown = dict(example.args)
    command = "examprep solve " + " ".join(
        shlex.quote(a) for a in [result.solver_id, *(f"{k}={arg_text(v)}" for k, v in shown.items())]
    )
    parts.append(RichText(result.summary.get(lang), style="italic"))
    if example.note:
        parts.append(_para(example.note.get(lang)))
    runs = list(result.runs)
    if len(runs) == 1:
        parts.append(RichText(command, style="cyan"))
        parts.append(RichText("\n" + t("worked_solution", lang), style="bold"))
        parts += steps_view(runs[0].solution.steps, lang)
        if example.show:
            table = Table(box=box.SIMPLE, show_header=True)
            table.add_column(t("explain_answer", lang), no_wrap=True)
            table.add_column(t("result", lang), overflow="fold")
            for key, cells in answer_rows(runs, example.show):
                table.add_row(RichText(key), RichText(cells[0]))
            parts.append(table)
    else:
        varied = ", ".join(example.compare)
        parts.append(RichText(command + "  (" + t("explain_varied", lang, names=varied) + ")", style="cyan"))
        rows = answer_rows(runs, example.show)
        table = Table(box=box.SIMPLE_HEAD, show_header=True)
        if len(runs) > max(3, len(rows)):
            # many runs, few answers: one row per run reads better than many narrow columns
            table.add_column(", ".join(example.compare), overflow="fold")
            for key, _ in rows:
                table.add_column(RichText(key), justify="right", overflow="fold")
            for i, run in enumerate(runs):
                table.add_row(RichText(run.label), *(RichText(cells[i]) for _, cells in rows))
        else:
            table.add_column(t("explain_answer", lang), no_wrap=True)
            for run in runs:
                table.add_column(RichText(run.label), justify="right", overflow="fold")
            for key, cells in rows:
                table.add_row(RichText(key), *(RichText(c) for c in cells))
        parts.append(table)
    if result.paths is not None:
        from examprep.render.plot import trajectory_plot

        loss, names, paths = result.paths
        parts.append(trajectory_plot(loss, names, paths, width=max(20, min(60, width - 2)), height=16))
    return parts


def drill_commands(exam_ids: tuple[str, ...]) -> list[str]:
    """The drill commands that reach these items: ``<topic>.concept.*`` and ``<topic>.design.*`` are
    short-answer and essay items (docs/bank-format.md), drilled with ``--kind concept``."""
    commands: list[str] = []
    for tid in exam_ids:
        topic, _, rest = tid.partition(".")
        theory = rest.split(".", 1)[0] in ("concept", "design")
        command = f"examprep drill {topic}" + (" --kind concept" if theory else " --kind calc")
        if command not in commands:
            commands.append(command)
    return commands


def card_view(
    card: Card,
    cards: CardSet,
    lang: str,
    result: Any = None,
    error: str | None = None,
    width: int = 100,
) -> Group:
    """The whole card as one renderable. ``result`` is the example's ExampleResult (if it ran),
    ``error`` the reason it could not run."""
    own = card.names_zh if lang == "zh" else card.names_en
    aliases: list[str] = []
    for name in list(own[1:]) + list(card.names_en if lang == "zh" else card.names_zh):
        if name not in aliases and name != card.title(lang):
            aliases.append(name)
    parts: list[RenderableType] = [
        RichText.assemble((card.title(lang), "bold"), ("  ", ""), (f"[{card.id} · {card.topic}]", "dim")),
    ]
    if aliases:
        parts.append(RichText(t("explain_aliases", lang) + _colon(lang) + ", ".join(aliases), style="dim"))
    parts += [_heading("explain_definition", lang), _para(card.definition.get(lang))]
    parts.append(_heading("explain_formulas", lang))
    for formula in card.formulas:
        parts.append(RichText(formula.label.get(lang), style="bold"))
        parts.append(RichText("  " + formula.formula, style="cyan"))
    parts += [_heading("explain_intuition", lang), _para(card.intuition.get(lang))]
    parts += [_heading("explain_compare", lang), _para(card.compare.get(lang))]
    parts.append(_heading("explain_misconceptions", lang))
    parts += [_bullet(m.get(lang), "✗", "bold red") for m in card.misconceptions]
    if card.example is not None:
        if result is not None:
            parts += example_block(card, result, lang, width)
        else:
            parts += [_heading("explain_example", lang), RichText(error or "", style="red")]
    if card.exam:
        parts.append(_heading("explain_exam", lang))
        parts += [_bullet(f"examprep bank show {tid}") for tid in card.exam]
        parts.append(RichText(t("explain_drill", lang, command="; ".join(drill_commands(card.exam)))))
    related = [cards.cards[rid] for rid in card.related if rid in cards.cards]  # links to missing cards left out
    if related:
        parts.append(_heading("explain_related", lang))
        parts += [_bullet(f"{other.title(lang)}  (examprep explain {other.id})") for other in related]
    if card.source:
        parts.append(RichText("\n" + t("explain_source", lang) + _colon(lang) + card.source.get(lang), style="dim"))
    return Group(*parts)


def card_list_table(cards: list[Card], lang: str) -> Table:
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("id", no_wrap=True)
    table.add_column(t("explain_topic", lang), no_wrap=True)
    table.add_column(t("explain_name", lang), overflow="fold")
    for card in cards:
        table.add_row(RichText(card.id), RichText(card.topic), RichText(card.title(lang)))
    return table


def topic_table(counts: dict[str, int], lang: str) -> Group:
    """The topics with their card counts, and how to go on from there."""
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column(t("explain_topic", lang), no_wrap=True)
    table.add_column(t("explain_cards", lang), justify="right")
    for topic, count in counts.items():
        table.add_row(RichText(topic), str(count))
    return Group(table, RichText(t("explain_topics_title", lang), style="dim"))
