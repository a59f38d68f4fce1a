"""Value types shared by every solver: bilingual text, worked steps, solutions, parameters.

Solvers are pure functions: typed inputs in, a ``Solution`` out. They never print, read files or
import ``examprep``. The worked steps are built by the same code that computes the answers, so
the explanation a student reads can never drift from the number they are graded against.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Text:
    """A message in both languages the tutor speaks."""

    en: str
    zh: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Grid:
    """A small table shown inside a step: an intermediate matrix, a value table, a policy grid.

    Cells are numbers or short strings (arrows for a policy). Labels are optional.
    """

    rows: tuple[tuple[Any, ...], ...]
    row_labels: tuple[str, ...] = ()
    col_labels: tuple[str, ...] = ()
    title: Text | None = None

    @staticmethod
    def of(rows: Any, row_labels: Any = (), col_labels: Any = (), title: Text | None = None) -> Grid:
        """Build from any nested sequence (lists, tuples, a numpy array)."""
        return Grid(
            tuple(tuple(r) for r in (rows.tolist() if hasattr(rows, "tolist") else rows)),
            tuple(str(x) for x in row_labels),
            tuple(str(x) for x in col_labels),
            title,
        )


@dataclass(frozen=True)
class Step:
    """One line of a worked solution.

    ``formula`` is the general formula, ``substituted`` the same formula with this variant's
    numbers, ``result`` what it evaluates to. All three are plain Unicode (never LaTeX) so they
    read well in a terminal. ``note`` carries remarks such as which convention is used;
    ``grids`` holds intermediate matrices or tables to show under the step.
    """

    what: Text
    formula: str = ""
    substituted: str = ""
    result: str = ""
    note: Text | None = None
    grids: tuple[Grid, ...] = ()


@dataclass
class Solution:
    """Named answers plus the worked steps that produced them."""

    answers: dict[str, Any]
    steps: list[Step] = field(default_factory=list)


@dataclass(frozen=True)
class ParamSpec:
    """A solver parameter as the calculator and the bank see it.

    ``kind`` names the parser used for text input (see ``examprep.grading.parse``):
    int, number, shape, size2 (``3`` or ``3x5``), vector, matrix, bool, choice, expr, text.
    """

    name: str
    kind: str
    help: Text
    default: Any = None
    required: bool = True
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class SolverSpec:
    id: str
    func: Callable[..., Solution]
    params: tuple[ParamSpec, ...]
    summary: Text
    mistakes: dict[str, Callable[..., dict[str, Any]]] = field(default_factory=dict)
    carries: dict[str, Callable[..., Any]] = field(default_factory=dict)

    def param(self, name: str) -> ParamSpec | None:
        return next((p for p in self.params if p.name == name), None)


class SolverInputError(ValueError):
    """Raised by a solver when its inputs are impossible (kernel larger than the input, ...).

    Carries a bilingual message so the CLI can show it without a traceback.
    """

    def __init__(self, message: Text):
        super().__init__(message.en)
        self.text = message


def input_error(en: str, zh: str) -> SolverInputError:
    """The one way solvers build their input error from the two texts."""
    return SolverInputError(Text(en, zh))


def answers_only(solution: Solution, *keys: str) -> dict[str, Any]:
    """The named answers of a solution (those it has): what a mistake generator predicts when the
    misconception is "the same computation with one thing changed"."""
    return {k: solution.answers[k] for k in keys if k in solution.answers}


def fmt_num(x: Any, digits: int = 6) -> str:
    """Format a number for a worked step: integers exactly, floats to ``digits`` significant figures."""
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, int):
        return str(x)
    try:
        xf = float(x)
    except (TypeError, ValueError):
        return str(x)
    if not math.isfinite(xf):  # shown as such rather than crashing; answers are checked separately
        return "nan" if math.isnan(xf) else ("∞" if xf > 0 else "−∞")
    if xf == int(xf) and abs(xf) < 1e15:
        return str(int(xf))
    text = f"{xf:.{digits}g}"
    if "e" in text:
        mantissa, exp = text.split("e")
        return f"{mantissa}×10^{int(exp)}"
    return text


def fmt_shape(shape: tuple[int, ...] | list[int]) -> str:
    return "×".join(fmt_num(s) for s in shape)


def fmt_vector(values: Any, digits: int = 4) -> str:
    return "(" + ", ".join(fmt_num(v, digits) for v in values) + ")"


def fmt_matrix(rows: Any, digits: int = 4) -> str:
    """A matrix on one line, rows separated by semicolons: [1, 2; 3, 4]."""
    return "[" + "; ".join(", ".join(fmt_num(v, digits) for v in row) for row in rows) + "]"
