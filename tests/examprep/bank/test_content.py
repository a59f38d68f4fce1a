"""Content slips a student noticed: each is checked over many variants, not one."""

from __future__ import annotations

import pytest

from examprep.bank.loader import load_bank
from examprep.bank.question import build_question
from examprep.bank.sampling import sample

BANK = load_bank()
SEEDS = range(1, 61)


def test_activation_values_are_asked_at_distinct_points():
    templates = [t for t in BANK.templates.values() if t.solver == "activations.activation" and "x" in t.params]
    assert len(templates) >= 3
    repeated = []
    for template in templates:
        for seed in SEEDS:
            points = list(sample(template, seed).params["x"])
            if len(set(points)) != len(points):
                repeated.append((template.id, seed, points))
    assert repeated == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_lenet_hint_covers_the_subsampling_layers(lang):
    """The layer asked may be S2 or S4: the hint must say how a subsampling layer counts."""
    template = BANK.get("cnn.lenet5.layer")
    layers = {str(sample(template, seed).params["layer"]) for seed in SEEDS}
    assert {"S2", "S4"} & layers
    hints = " ".join(h.get(lang) for h in template.hints)
    assert "S2" in hints and "2·D" in hints and "(K·K + 1)" in hints


def test_a_no_bias_convolution_never_mentions_adding_the_bias():
    nobias = [
        t for t in BANK.templates.values() if t.solver == "cnn.conv2d" and t.params.get("bias") == {"value": False}
    ]
    assert nobias
    for t in nobias:
        for lang, phrase in (("en", "plus the bias"), ("zh", "加上偏置")):
            text = " ".join(s.what.get(lang) for s in build_question(t, 1).solution.steps)
            assert phrase not in text, t.id


PRECISION_WORDS = ("significant", "decimal", "有效数字", "小数")


def test_a_precision_is_only_stated_where_the_part_grades_by_it():
    """'(3 significant figures)' comes from the part's digits, which also set the tolerance and
    the shown answer; a prompt must not claim a precision by hand."""
    loose = []
    for template in BANK.templates.values():
        for part in template.parts:
            said = any(word in part.prompt.en + part.prompt.zh for word in PRECISION_WORDS)
            if said and part.digits is None:
                loose.append((template.id, part.id))
    assert loose == []


DIGIT_PARTS = [(t, p) for t in BANK.templates.values() for p in t.parts if p.digits is not None]


def test_there_are_parts_asking_for_significant_figures():
    assert len(DIGIT_PARTS) >= 3


@pytest.mark.parametrize("template, part", DIGIT_PARTS, ids=[f"{t.id}:{p.id}" for t, p in DIGIT_PARTS])
def test_an_answer_rounded_as_asked_is_right_and_is_what_is_shown(template, part):
    digits = part.digits
    assert f"{digits} significant figures" in part.prompt.en and f"{digits} 位有效数字" in part.prompt.zh
    for seed in range(1, 21):
        question = build_question(template, seed)
        value = float(question.expected(part))
        rounded = float(f"{value:.{digits - 1}e}")  # the student's correctly rounded answer
        assert question.grade(part, repr(rounded)).status == "correct", (seed, value, rounded)
        shown = part.show(value).replace("×10^", "e").replace("−", "-")
        assert float(shown) == pytest.approx(rounded, rel=1e-12, abs=0), (seed, value, shown)
