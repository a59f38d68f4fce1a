"""The table of the bank's losses (solvers/optim/loss_table.json) against sympy itself.

Independent references: sympy's differentiation and ``lambdify`` (the path every other loss
takes), and hand-derived gradients of a few entries. The table must be current (every entry is what
sympy makes of its formula today) and complete (every loss the bank can draw is in it), or a
drill would quietly pay for sympy again, or show a stale derivative.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from examprep.bank.card_example import check_cards
from examprep.bank.cards import load_cards
from examprep.bank.loader import load_bank
from solvers import safe_expr
from solvers.optim import loss, loss_table

TABLE = json.loads(loss_table.TABLE_PATH.read_text(encoding="utf-8"))["losses"]


def test_the_table_holds_the_losses_of_the_exam_style_questions():
    formulas = {entry["loss"] for entry in TABLE.values()}
    assert {"x² + 2y²", "x² + x·y + y²", "(w₁ − 2)² + w₂²", "x²"} <= formulas
    assert len(TABLE) >= 15


@pytest.mark.parametrize("table_key", sorted(TABLE))
def test_every_entry_is_what_sympy_makes_of_its_formula(table_key):
    stored = TABLE[table_key]
    names = tuple(table_key.rsplit("|", 1)[1].split(","))
    rebuilt = loss_table.entry(stored["loss"], names)
    assert rebuilt is not None
    assert rebuilt == (table_key, stored), "stale table: run python tools/build_loss_table.py"


@pytest.mark.parametrize("table_key", sorted(TABLE))
def test_a_table_loss_evaluates_like_sympy_at_random_points(table_key):
    stored = TABLE[table_key]
    names = tuple(table_key.rsplit("|", 1)[1].split(","))
    node, resolved = loss.prepared(stored["loss"], names)
    from_table = loss_table.lookup(node, resolved)
    from_sympy = loss.sympy_forms(node, resolved)[2]
    assert from_table is not None
    assert (from_table.display, from_table.grad_display) == (from_sympy.display, from_sympy.grad_display)

    @settings(max_examples=40, deadline=None)
    @given(st.lists(st.floats(-50, 50, allow_nan=False), min_size=len(names), max_size=len(names)))
    def agree(point):
        theta = np.array(point)
        assert from_table.value(theta) == pytest.approx(from_sympy.value(theta), rel=1e-12, abs=1e-12)
        np.testing.assert_allclose(from_table.gradient(theta), from_sympy.gradient(theta), rtol=1e-12, atol=1e-12)

    agree()


def test_gradients_from_the_table_match_hand_derivatives():
    # f = x² + x·y + y²: ∇f = (2x + y, x + 2y); at (1, -2): (0, -3)
    compiled = loss.compile_loss("x² + x·y + y²")
    np.testing.assert_allclose(compiled.gradient(np.array([1.0, -2.0])), [0.0, -3.0])
    # f = (w₁ − w₂)² + w₂²: ∇f = (2(w₁ − w₂), −2(w₁ − w₂) + 2w₂); at (3, 1): (4, −2)
    compiled = loss.compile_loss("(w₁ − w₂)² + w₂²")
    np.testing.assert_allclose(compiled.gradient(np.array([3.0, 1.0])), [4.0, -2.0])
    assert compiled.value(np.array([3.0, 1.0])) == 5.0
    # 0.5x²: the derivative is shown as x, not 1·x
    assert loss.compile_loss("0.5x² + 2y²").grad_display == ("x", "4·y")


def test_spelling_does_not_matter_only_the_formula():
    assert loss.compile_loss("x^2 + 2*y^2").grad_display == loss.compile_loss("x² + 2y²").grad_display
    node, names = loss.prepared("x^2+2y^2", None)
    assert loss_table.lookup(node, names) is not None


def test_a_loss_outside_the_table_still_goes_through_sympy():
    node, names = loss.prepared("x^4 + 7y", None)
    assert loss_table.lookup(node, names) is None
    compiled = loss.compile_loss("x^4 + 7y")
    np.testing.assert_allclose(compiled.gradient(np.array([2.0, 5.0])), [32.0, 7.0])


def test_every_loss_the_bank_can_draw_is_in_the_table(monkeypatch):
    """Each ``loss`` choice of every template, and every card's live example, compiles with sympy
    switched off: a loss added to the bank without rebuilding the table fails here."""

    def no_sympy(*args, **kwargs):
        raise AssertionError("a bank loss went through sympy: run python tools/build_loss_table.py")

    monkeypatch.setattr(loss, "sympy_forms", no_sympy)
    loss._compile_cached.cache_clear()
    bank = load_bank()
    choices = 0
    for template in bank.templates.values():
        spec = template.params.get("loss")
        if not isinstance(spec, dict) or template.solver is None:
            continue
        for formula in spec.get("choice", [spec.get("value")]):
            if isinstance(formula, str):
                loss.compile_loss(formula)
                choices += 1
    assert choices >= 20
    failed = [report for report in check_cards(load_cards(), bank) if not report.ok]
    assert not failed, [report.failures for report in failed]
    loss._compile_cached.cache_clear()


def test_a_damaged_table_sends_every_loss_to_sympy(monkeypatch, tmp_path):
    broken = tmp_path / "loss_table.json"
    broken.write_text('{"version": 1, "losses": ', encoding="utf-8")
    monkeypatch.setattr(loss_table, "TABLE_PATH", broken)
    loss_table._entries.cache_clear()
    try:
        node, names = loss.prepared("x² + 2y²", None)
        assert loss_table.lookup(node, names) is None
    finally:
        loss_table._entries.cache_clear()


def test_a_tampered_entry_cannot_smuggle_names_or_code(monkeypatch, tmp_path):
    node, names = loss.prepared("x² + 2y²", None)
    bad = {loss_table.key(node, names): {**TABLE[loss_table.key(node, names)], "gradient": ["2*x", "__import__"]}}
    path = tmp_path / "loss_table.json"
    path.write_text(json.dumps({"version": 1, "losses": bad}), encoding="utf-8")
    monkeypatch.setattr(loss_table, "TABLE_PATH", path)
    loss_table._entries.cache_clear()
    try:
        assert loss_table.lookup(node, names) is None  # '__import__' is not one of the loss's variables
        with pytest.raises(safe_expr.ExprError):
            safe_expr.parse("x.__class__")
    finally:
        loss_table._entries.cache_clear()
