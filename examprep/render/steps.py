"""Worked solutions as rich tables: one row per step, intermediate matrices as nested tables."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text as RichText

from examprep.i18n import t
from solvers.core import Grid, Step, fmt_num


def grid_table(grid: Grid, lang: str) -> Table:
    table = Table(
        box=box.MINIMAL,
        show_header=bool(grid.col_labels),
        title=grid.title.get(lang) if grid.title else None,
        padding=(0, 1),
    )
    if grid.row_labels:
        table.add_column("", style="dim")
    width = max((len(r) for r in grid.rows), default=0)
    labels = list(grid.col_labels) + [""] * (width - len(grid.col_labels))
    for label in labels[:width]:
        table.add_column(label, justify="right")
    for i, row in enumerate(grid.rows):
        cells = [_cell(v) for v in row]
        if grid.row_labels:
            cells.insert(0, grid.row_labels[i] if i < len(grid.row_labels) else "")
        table.add_row(*cells)
    return table


def _cell(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return fmt_num(value, 4)
    return str(value)


def step_cell(step: Step, lang: str) -> RenderableType:
    lines: list[RenderableType] = [RichText(step.what.get(lang), style="bold")]
    if step.formula:
        lines.append(RichText(step.formula, style="cyan"))
    if step.substituted:
        # a multi-line substitution already reads as its own equations
        prefix = "" if "\n" in step.substituted else "= "
        lines.append(RichText(prefix + step.substituted))
    if step.note:
        lines.append(RichText(step.note.get(lang), style="italic dim"))
    lines.extend(grid_table(g, lang) for g in step.grids)
    return Group(*lines)


def solution_table(steps: list[Step], lang: str, title: str | None = None) -> Table:
    table = Table(
        title=title or t("worked_solution", lang), box=box.ROUNDED, show_lines=True, expand=False, title_justify="left"
    )
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    table.add_column(t("step", lang))
    table.add_column(t("result", lang), style="bold green", max_width=30, overflow="fold")
    for number, step in enumerate(steps, start=1):
        table.add_row(str(number), step_cell(step, lang), step.result)
    return table
