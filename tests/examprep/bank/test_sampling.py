"""Seeded sampling: repeatable, and every variant satisfies its constraints."""

from hypothesis import given, settings
from hypothesis import strategies as st

from examprep.bank.loader import load_bank
from examprep.bank.sampling import render_text, sample

BANK = load_bank()


def test_same_seed_same_variant():
    template = BANK.get("cnn.conv.output-floor")
    assert sample(template, 42).params == sample(template, 42).params


def test_different_seeds_give_different_variants():
    template = BANK.get("cnn.conv.output-size")
    assert len({repr(sample(template, s).params) for s in range(20)}) > 10


def test_fixed_exam_question_is_fixed():
    params = sample(BANK.get("cnn.exam2020.q1"), 123).params
    assert params["input"] == (97, 97, 3) and params["filters"] == 15 and params["stride"] == 2


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 10**6))
def test_floor_template_variants_never_divide_evenly(seed):
    p = sample(BANK.get("cnn.conv.output-floor"), seed).params
    assert (p["size"] - p["kernel"] + 2 * p["padding"]) % p["stride"] != 0


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 10**6))
def test_stack_variants_divide_evenly_at_every_layer(seed):
    p = sample(BANK.get("cnn.stack.layer3"), seed).params
    after_conv1 = p["size"] - p["k1"] + 2 * p["p1"] + 1
    assert after_conv1 % 2 == 0
    assert (after_conv1 // 2 - p["k2"]) % p["s2"] == 0


def test_text_shows_shapes_with_times_sign():
    assert render_text("input {input}", {"input": (97, 97, 3)}) == "input 97×97×3"
    assert render_text("{missing} stays", {}) == "{missing} stays"


CONSTRAINED = sorted(t.id for t in BANK.templates.values() if t.where)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(CONSTRAINED), st.integers(0, 10**6))
def test_every_variant_satisfies_its_where_constraints(template_id, seed):
    from solvers.safe_expr import evaluate_text

    template = BANK.get(template_id)
    params = sample(template, seed).params
    scalars = {k: v for k, v in params.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    for constraint in template.where:
        assert evaluate_text(constraint, scalars), (template_id, seed, constraint)


def _vector_template(spec: str):
    import yaml

    from examprep.bank.schema import template_from_dict

    raw = yaml.safe_load(
        f"""
id: extra.points
topic: activations
title: {{en: t, zh: t}}
text: {{en: "x = {{x}}", zh: "x = {{x}}"}}
params:
  x: {{vector: {spec}}}
  function: {{value: relu}}
solver: activations.activation
parts:
  - {{id: value, answer: value, type: vector, points: 1, prompt: {{en: f, zh: f}}}}
"""
    )
    return template_from_dict(raw, "extra.yaml")


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 10**6))
def test_a_distinct_vector_never_repeats_a_value_and_stays_on_its_grid(seed):
    values = sample(_vector_template("{length: 4, range: [-1, 1], step: 0.5, distinct: true}"), seed).params["x"]
    assert len(values) == 4 and len(set(values)) == 4
    assert set(values) <= {-1.0, -0.5, 0.0, 0.5, 1.0}


def test_a_distinct_vector_longer_than_its_grid_is_refused():
    import pytest

    from examprep.bank.sampling import SamplingError

    with pytest.raises(SamplingError, match="different values"):
        sample(_vector_template("{length: 4, range: [1, 3], distinct: true}"), 1)
