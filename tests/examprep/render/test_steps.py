"""Worked solutions never cut a number or a word, at any width, in either language."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from examprep.bank.loader import load_bank
from examprep.bank.question import build_question
from examprep.render.steps import solution_table
from solvers.core import Grid, Step, Text

BANK = load_bank()
CALC = sorted(t.id for t in BANK.templates.values() if t.kind == "calc")


def ellipses_in_source(steps: list[Step], lang: str) -> int:
    """'…' written by the solver itself (Concat(head_1, …, head_h)), which rendering may show."""
    texts = []
    for step in steps:
        texts += [step.what.get(lang), step.formula, step.substituted, step.result]
        texts += [step.note.get(lang)] if step.note else []
        for grid in step.grids:
            texts += [str(c) for row in grid.rows for c in row] + list(grid.col_labels) + list(grid.row_labels)
            texts += [grid.title.get(lang)] if grid.title else []
    return sum(t.count("…") for t in texts)


def render(renderable, width: int) -> str:
    out = io.StringIO()
    Console(file=out, width=width, color_system=None, legacy_windows=False).print(renderable)
    return out.getvalue()


@pytest.mark.parametrize("width", [60, 100])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_template_solution_is_cut(width, lang):
    cut = []
    for template_id in CALC:
        question = build_question(BANK.get(template_id), 1)
        steps = question.solution.steps
        text = render(solution_table(steps, lang), width)
        if text.count("…") > ellipses_in_source(steps, lang):
            cut.append(template_id)
    assert cut == []


def test_a_grid_wider_than_the_terminal_prints_every_number_whole():
    numbers = [[123456 + 10 * i + j for j in range(12)] for i in range(3)]
    step = Step(Text("wide", "宽"), result="done", grids=(Grid.of(numbers, ["a", "b", "c"]),))
    text = render(solution_table([step], "en"), 60)
    assert "…" not in text
    for row in numbers:
        for number in row:
            assert str(number) in text


def test_wide_terminals_keep_the_table_layout():
    step = Step(Text("Output height", "输出高度"), formula="M' = ⌊(M − K + 2P)/S⌋ + 1", result="45")
    assert "╭" in render(solution_table([step], "en"), 120)
    assert "╭" not in render(solution_table([step], "en"), 60)


HYPHEN_SIGN = __import__("re").compile(r"(^|[\s(\[=,;|·^/:])-[\d.]")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_worked_solutions_print_negative_numbers_with_a_true_minus(lang):
    """'-0.4' is a hyphen; a worked step writes '−0.4', whichever solver built it."""
    hyphens = {}
    for template_id in CALC:
        for seed in (1, 2, 3):
            text = render(solution_table(build_question(BANK.get(template_id), seed).solution.steps, lang), 100)
            found = [line.strip() for line in text.splitlines() if HYPHEN_SIGN.search(line)]
            if found:
                hyphens[template_id] = found[:2]
    assert hyphens == {}


def test_a_negative_factor_in_a_product_is_bracketed():
    """'0.1·−4' reads as a typo; steps write '0.1·(−4)'."""
    bare = {}
    for template_id in CALC:
        for seed in (1, 2, 3):
            text = render(solution_table(build_question(BANK.get(template_id), seed).solution.steps, "en"), 120)
            found = __import__("re").findall(r"\S*[·×] ?[−-]\d\S*", text)
            if found:
                bare[template_id] = found[:2]
    assert bare == {}
