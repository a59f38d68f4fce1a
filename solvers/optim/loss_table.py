"""The bank's loss formulas, differentiated ahead of time, so a drill starts without sympy.

Importing sympy and differentiating costs about three hello-worlds of start-up, on the path to
the first question of every gd and optim drill. The bank uses a few dozen loss formulas; for
each, ``loss_table.json`` (written by ``tools/build_loss_table.py``) holds what sympy made of it:
the expression and its partial derivatives in sympy's own text (which the whitelist parser reads
back) and the display strings of the worked steps. A formula found there is compiled with no
sympy at all and evaluated by ``safe_expr.evaluate``; any other formula (a student's own loss in
``solve``, a new bank file) goes through sympy as before. The tests rebuild every entry with
sympy and compare, and check that every loss the bank can draw is in the table.

An entry is keyed by the parsed tree and the variable order, so ``x^2+2y^2`` and ``x² + 2y²``
share one.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from solvers import safe_expr
from solvers.optim.loss import CompiledLoss
from solvers.safe_expr import ExprError

TABLE_PATH = Path(__file__).with_name("loss_table.json")
VERSION = 1


def key(node: safe_expr.Node, names: tuple[str, ...]) -> str:
    """The table key of a parsed loss with its variables in order."""
    return f"{node!r}|{','.join(names)}"


@functools.cache
def _entries() -> dict[str, Any]:
    try:
        data = json.loads(TABLE_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # no table (or a damaged one): every loss goes through sympy, just slower
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("losses"), dict):
        return {}
    return data["losses"]


def lookup(node: safe_expr.Node, names: tuple[str, ...]) -> CompiledLoss | None:
    """The compiled loss from the table, or None when the formula is not in it."""
    entry = _entries().get(key(node, names))
    if not isinstance(entry, dict):
        return None
    try:
        value = safe_expr.parse(entry["value"])
        partials = [safe_expr.parse(text) for text in entry["gradient"]]
        display, grad_display = str(entry["display"]), tuple(str(text) for text in entry["grad_display"])
    except (KeyError, TypeError, ExprError):
        return None
    if len(partials) != len(names) or len(grad_display) != len(names):
        return None
    if any(not safe_expr.free_names(tree) <= set(names) for tree in (value, *partials)):
        return None
    return CompiledLoss(names, display, grad_display, _evaluator(value, names), _evaluator_all(partials, names))


def _evaluator(tree: safe_expr.Node, names: tuple[str, ...]) -> Any:
    def value(*point: float) -> Any:
        return safe_expr.evaluate(tree, dict(zip(names, point, strict=True)))

    return value


def _evaluator_all(trees: list[safe_expr.Node], names: tuple[str, ...]) -> Any:
    def values(*point: float) -> list[Any]:
        env = dict(zip(names, point, strict=True))
        return [safe_expr.evaluate(tree, env) for tree in trees]

    return values


def entry(text: str, names: tuple[str, ...] | None = None) -> tuple[str, dict[str, Any]] | None:
    """The table key and entry of a loss, computed with sympy (for the build tool and the tests).

    None when sympy's text of the loss or of a derivative does not read back through the whitelist
    parser to the same numbers (such a loss simply stays on the sympy path).
    """
    from solvers.optim.loss import prepared, sympy_forms

    node, resolved = prepared(text, names)
    expr, derivatives, compiled = sympy_forms(node, resolved)
    record = {
        "loss": text,
        "value": str(expr),
        "gradient": [str(d) for d in derivatives],
        "display": compiled.display,
        "grad_display": list(compiled.grad_display),
    }
    try:
        value = safe_expr.parse(record["value"])
        partials = [safe_expr.parse(t) for t in record["gradient"]]
    except ExprError:
        return None
    if any(not safe_expr.free_names(tree) <= set(resolved) for tree in (value, *partials)):
        return None  # e.g. sympy's E or a function the whitelist does not know
    return key(node, resolved), record
