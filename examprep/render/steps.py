"""Worked solutions as rich tables: one row per step, intermediate matrices as nested tables."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.table import Table
from rich.text import Text as RichText

from examprep.i18n import t
from solvers.core import Grid, Step, fmt_num
from solvers.textfmt import true_minus

STACK_BELOW = 90  # columns: narrower terminals get the stacked layout, which never cuts a number


def grid_width(grid: Grid) -> int:
    """Columns a grid needs with every number whole."""
    rows = [[_cell(v) for v in row] for row in grid.rows]
    width = max((len(r) for r in rows), default=0)
    widths = [
        max([len(str(lbl)) for lbl in grid.col_labels[i : i + 1]] + [len(r[i]) for r in rows if i < len(r)])
        for i in range(width)
    ]
    label = max((len(x) for x in grid.row_labels), default=0)
    return sum(w + 3 for w in widths) + (label + 3 if label else 0) + 2  # padding and a rule per column


def grid_lines(grid: Grid, lang: str) -> RichText:
    """A grid too wide for the terminal, one row per line ("label: a, b, c"), wrapping whole numbers."""
    out = RichText()
    if grid.title:
        out.append(grid.title.get(lang) + "\n", style="italic")
    if grid.col_labels:
        out.append("  (" + ", ".join(grid.col_labels) + ")\n", style="dim")
    for i, row in enumerate(grid.rows):
        label = grid.row_labels[i] if i < len(grid.row_labels) else f"{i + 1}"
        out.append(f"  {label}: ", style="dim")
        out.append(", ".join(_cell(v) for v in row) + "\n")
    return out


def grid_table(grid: Grid, lang: str) -> Table:
    # Titles, labels and cells are solver text: rich.text.Text keeps "[a, b]" from being read as markup.
    table = Table(
        box=box.MINIMAL,
        show_header=bool(grid.col_labels),
        title=RichText(grid.title.get(lang), style="italic") if grid.title else None,
        padding=(0, 1),
    )
    if grid.row_labels:
        table.add_column("", style="dim")
    width = max((len(r) for r in grid.rows), default=0)
    labels = list(grid.col_labels) + [""] * (width - len(grid.col_labels))
    for label in labels[:width]:
        table.add_column(RichText(label), justify="right", no_wrap=True)
    for i, row in enumerate(grid.rows):
        cells = [_cell(v) for v in row]
        if grid.row_labels:
            cells.insert(0, grid.row_labels[i] if i < len(grid.row_labels) else "")
        table.add_row(*(RichText(c) for c in cells))
    return table


def _cell(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return true_minus(fmt_num(value, 4))
    return true_minus(str(value))


def step_cell(step: Step, lang: str, width: int | None = None) -> RenderableType:
    # Negative numbers get a true minus sign wherever the solver wrote a hyphen (see true_minus).
    lines: list[RenderableType] = [RichText(true_minus(step.what.get(lang)), style="bold")]
    if step.formula:
        lines.append(RichText(true_minus(step.formula), style="cyan"))
    if step.substituted:
        # a multi-line substitution already reads as its own equations
        prefix = "" if "\n" in step.substituted else "= "
        lines.append(RichText(prefix + true_minus(step.substituted)))
    if step.note:
        lines.append(RichText(true_minus(step.note.get(lang)), style="italic dim"))
    for grid in step.grids:
        fits = width is None or grid_width(grid) <= width
        lines.append(grid_table(grid, lang) if fits else grid_lines(grid, lang))
    return Group(*lines)


class WorkedSolution:
    """The worked solution, laid out for the width it is given: a table of steps on a wide
    terminal, a stacked list on a narrow one. Neither cuts a number or a word: text wraps, and a
    grid too wide to fit is printed row by row."""

    def __init__(self, steps: list[Step], lang: str, title: str | None = None):
        self.steps = steps
        self.lang = lang
        self.title = title or t("worked_solution", lang)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if options.max_width >= STACK_BELOW:
            yield self._table(options.max_width)
        else:
            yield from self._stacked(options.max_width)

    def _table(self, width: int) -> Table:
        title = RichText(self.title, style="italic")  # may quote a solver's summary: never markup
        table = Table(title=title, box=box.ROUNDED, show_lines=True, expand=False, title_justify="left")
        table.add_column("#", justify="right", style="dim", no_wrap=True)
        table.add_column(t("step", self.lang), overflow="fold")
        table.add_column(t("result", self.lang), style="bold green", max_width=30, overflow="fold")
        result_width = min(30, max((len(s.result) for s in self.steps), default=0))
        number_width = len(str(len(self.steps)))
        step_width = width - 4 - 6 - result_width - number_width  # 4 rules, 3 columns padded by 1 each side
        for number, step in enumerate(self.steps, start=1):
            table.add_row(str(number), step_cell(step, self.lang, step_width), RichText(true_minus(step.result)))
        return table

    def _stacked(self, width: int) -> RenderResult:
        yield RichText(self.title, style="bold underline")
        for number, step in enumerate(self.steps, start=1):
            yield RichText(f"{number}.", style="dim")
            yield Padding(step_cell(step, self.lang, width - 2), (0, 0, 0, 2))
            if step.result:
                yield Padding(RichText("→ " + true_minus(step.result), style="bold green"), (0, 0, 0, 2))


def solution_table(steps: list[Step], lang: str, title: str | None = None) -> WorkedSolution:
    """The worked solution for any terminal width (see ``WorkedSolution``)."""
    return WorkedSolution(steps, lang, title)
