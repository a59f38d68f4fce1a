"""A small terminal picture of optimizer paths on a 2-D loss surface.

The loss is shaded by level (darker = lower) on a character grid and each method's path is drawn
with its own letter, so a student can see, say, Momentum overshoot the valley where Nesterov
turns earlier. Pure Python: the loss is evaluated with the whitelist evaluator on the grid.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence

from rich.text import Text as RichText

from solvers.safe_expr import ExprError, Node, evaluate

SHADES = " .:-=+*#%@"[::-1]  # low loss -> dense character
STYLES = ("bold red", "bold green", "bold blue", "bold magenta", "bold yellow", "bold cyan")


def _bounds(points: list[tuple[float, float]], margin: float = 0.15) -> tuple[float, float, float, float]:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    dx = (x1 - x0) or 1.0
    dy = (y1 - y0) or 1.0
    return x0 - margin * dx, x1 + margin * dx, y0 - margin * dy, y1 + margin * dy


def _line(a: tuple[int, int], b: tuple[int, int]) -> list[tuple[int, int]]:
    """Grid cells on the segment from a to b (inclusive), for joining successive iterates."""
    (c0, r0), (c1, r1) = a, b
    steps = max(abs(c1 - c0), abs(r1 - r0), 1)
    return [(round(c0 + (c1 - c0) * i / steps), round(r0 + (r1 - r0) * i / steps)) for i in range(steps + 1)]


def trajectory_plot(
    loss: Node,
    names: Sequence[str],
    paths: dict[str, list[Sequence[float]]],
    width: int = 60,
    height: int = 20,
) -> RichText:
    """Draw ``paths`` (method -> list of (x, y) points, start included) over the loss levels."""
    points = [
        (float(p[0]), float(p[1])) for path in paths.values() for p in path if all(math.isfinite(v) for v in p[:2])
    ]
    if not points:
        return RichText("(nothing to draw)")
    x0, x1, y0, y1 = _bounds(points)
    values: list[list[float | None]] = []
    for row in range(height):
        y = y1 - (y1 - y0) * row / (height - 1)
        line: list[float | None] = []
        for col in range(width):
            x = x0 + (x1 - x0) * col / (width - 1)
            try:
                line.append(float(evaluate(loss, {names[0]: x, names[1]: y})))
            except (ExprError, ArithmeticError, ValueError, TypeError):
                line.append(None)
        values.append(line)
    finite = sorted(v for line in values for v in line if v is not None and math.isfinite(v))
    grid = [[" "] * width for _ in range(height)]
    styles: list[list[str | None]] = [[None] * width for _ in range(height)]
    if finite:
        # shade by quantile, so a steep bowl still shows its floor
        cuts = [finite[len(finite) * k // len(SHADES)] for k in range(1, len(SHADES))]
        for r, line in enumerate(values):
            for c, v in enumerate(line):
                if v is not None and math.isfinite(v):
                    grid[r][c] = SHADES[bisect.bisect_right(cuts, v)]
                    styles[r][c] = "dim"

    def cell(x: float, y: float) -> tuple[int, int]:
        col = round((x - x0) / (x1 - x0) * (width - 1))
        row = round((y1 - y) / (y1 - y0) * (height - 1))
        return min(max(col, 0), width - 1), min(max(row, 0), height - 1)

    legend = RichText()
    for index, (method, path) in enumerate(paths.items()):
        style = STYLES[index % len(STYLES)]
        mark = method[0].upper() if method else "?"
        cells = [cell(float(p[0]), float(p[1])) for p in path if all(math.isfinite(v) for v in p[:2])]
        for a, b in zip(cells, cells[1:]):
            for c, r in _line(a, b):
                grid[r][c], styles[r][c] = "·", style
        for c, r in cells:
            grid[r][c], styles[r][c] = mark, style
        legend.append(f"{mark} = {method}  ", style=style)
    if points:
        c, r = cell(*points[0])
        grid[r][c], styles[r][c] = "○", "bold"
    out = RichText()
    for r in range(height):
        for c in range(width):
            out.append(grid[r][c], style=styles[r][c] or "")
        out.append("\n")
    out.append(
        f"{names[0]} ∈ [{x0:.3g}, {x1:.3g}], {names[1]} ∈ [{y0:.3g}, {y1:.3g}]; ○ start; darker = lower loss\n",
        style="dim",
    )
    out.append_text(legend)
    return out
