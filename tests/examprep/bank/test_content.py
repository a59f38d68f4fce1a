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
