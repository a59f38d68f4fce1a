"""Mock-exam blueprints: validation, reproducibility from a seed, the draw rules, the 2020 paper."""

from __future__ import annotations

import textwrap
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from examprep.bank.loader import Bank, load_bank
from examprep.bank.papers import (
    PaperError,
    check_blueprint,
    concept_keys,
    load_blueprints,
    missing_templates,
    plan_paper,
    read_blueprint,
)
from examprep.bank.schema import template_from_dict
from examprep.session.exam_paper import build_paper

BANK = load_bank()
PAPERS = load_blueprints()


def write(tmp_path, body: str):
    path = tmp_path / "p.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


GOOD = """
paper:
  id: small
  title: {en: Small, zh: 小卷}
  description: {en: A small paper, zh: 一份小卷}
  minutes: 20
  sections:
    - title: {en: One, zh: 一}
      questions:
        - items: [{template: cnn.exam2020.q1}]
"""


def test_a_good_blueprint_reads(tmp_path):
    blueprint = read_blueprint(write(tmp_path, GOOD))
    assert blueprint.id == "small" and blueprint.minutes == 20 and blueprint.question_count == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("minutes: 20", "minutes: -5"), "minutes"),
        (("items: [{template: cnn.exam2020.q1}]", "items: []"), "question 1"),
        (("{template: cnn.exam2020.q1}", "{template: cnn.exam2020.q1, draw: {topics: [cnn]}}"), "exactly one"),
        (("{template: cnn.exam2020.q1}", "{draw: {topics: [cnn], importance: [vital]}}"), "vital"),
        (("{template: cnn.exam2020.q1}", "{draw: {topics: [cnn], kinds: [essay]}}"), "essay"),
        (("{template: cnn.exam2020.q1}", "{template: cnn.exam2020.q1, colour: red}"), "colour"),
        (("title: {en: Small, zh: 小卷}", "title: {en: Small}"), "title"),
        (("{template: cnn.exam2020.q1}", "{template: cnn.exam2020.q1, points: 0}"), "points"),
    ],
)
def test_broken_blueprints_name_the_place(tmp_path, change, message):
    with pytest.raises(PaperError) as err:
        read_blueprint(write(tmp_path, GOOD.replace(*change)))
    assert message in str(err.value) and "p.yaml" in str(err.value)


def test_a_missing_template_id_is_reported_with_its_question(tmp_path):
    body = GOOD.replace(
        "items: [{template: cnn.exam2020.q1}]",
        "items: [{template: cnn.exam2020.q1}]\n        - items: [{template: nope.concept.missing}]",
    )
    blueprint = read_blueprint(write(tmp_path, body))
    problems = check_blueprint(blueprint, BANK)
    assert len(problems) == 1
    assert "question 2, item 1" in problems[0] and "'nope.concept.missing' is not in the question bank" in problems[0]
    assert missing_templates(blueprint, BANK) == ["nope.concept.missing"]
    with pytest.raises(PaperError, match="nope.concept.missing"):
        plan_paper(blueprint, BANK, 1)


def test_a_stated_total_must_match(tmp_path):
    blueprint = read_blueprint(write(tmp_path, GOOD.replace("minutes: 20", "minutes: 20\n  total: 12")))
    # cnn.exam2020.q1 is worth 5 + 5 points
    assert any("add up to 10 points, not the stated total 12" in p for p in check_blueprint(blueprint, BANK))


def test_built_in_papers_are_valid_except_for_the_2020_items_not_yet_in_the_bank(bank2020):
    assert {"default", "2020", "optim", "cnn-attention", "rnn", "rl"} <= set(PAPERS)
    for name, blueprint in PAPERS.items():
        assert check_blueprint(blueprint, bank2020) == [], name


def test_the_2020_paper_as_set(bank2020):
    plan = plan_paper(PAPERS["2020"], bank2020, seed=123)
    assert plan.max_points == 100
    assert [q.points for q in plan.questions] == [15, 15, 10, 10, 10, 10, 15, 15]
    paper = build_paper(plan, bank2020)
    q1 = paper.items[(1, 0)].question
    assert q1.variant.params["input"] == (97, 97, 3) and q1.variant.params["filters"] == 15
    # by hand: ⌊(97 − 9)/2⌋ + 1 = 45; 15 filters × (9·9·3) weights + 15 biases = 3660
    assert tuple(q1.solution.answers["output_shape"]) == (45, 45, 15)
    assert q1.solution.answers["params"] == 15 * 9 * 9 * 3 + 15
    assert [p.key for p in paper.parts] == [
        "q1.a", "q1.b", "q1.c", "q2.a", "q2.b", "q2.c", "q2.d", "q2.e", "q2.f", "q2.g",
        "q3", "q4", "q5", "q6", "q7", "q8",
    ]  # fmt: skip
    # the paper's Q2(b): plain dot products, no √d scaling, and the same numbers whatever the seed
    attention = paper.items[(2, 1)].question
    assert attention.variant.params["scale"] is False
    other = build_paper(plan_paper(PAPERS["2020"], bank2020, seed=999), bank2020)
    assert other.items[(2, 1)].question.variant.params == attention.variant.params


def test_the_2020_twin_has_fresh_numbers_and_the_same_shape(bank2020):
    set_paper = build_paper(plan_paper(PAPERS["2020"], bank2020, seed=5), bank2020)
    twins = [build_paper(plan_paper(PAPERS["2020"], bank2020, seed=s, twin=True), bank2020) for s in range(1, 6)]
    assert all([p.key for p in t.parts] == [p.key for p in set_paper.parts] for t in twins)
    assert all(t.items[(1, 0)].template.id == "cnn.exam2020.q1-twin" for t in twins)
    inputs = {t.items[(1, 0)].question.variant.params["input"] for t in twins}
    assert len(inputs) > 1
    attention = {str(t.items[(2, 1)].question.variant.params) for t in twins}
    assert len(attention) > 1


def _fingerprint(paper) -> list:
    return [
        (i.planned.template_id, i.planned.seed, str(i.question.variant.params) if i.question else "")
        for i in paper.items.values()
    ]


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=10**6),
    name=st.sampled_from(["default", "optim", "cnn-attention", "rnn", "rl"]),
)
def test_a_paper_is_reproducible_from_its_seed(seed, name):
    first = build_paper(plan_paper(PAPERS[name], BANK, seed), BANK)
    again = build_paper(plan_paper(PAPERS[name], BANK, seed), BANK)
    assert _fingerprint(first) == _fingerprint(again)


def test_different_seeds_give_different_papers():
    prints = {str(_fingerprint(build_paper(plan_paper(PAPERS["default"], BANK, s), BANK))) for s in range(8)}
    assert len(prints) == 8


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=10**6),
    name=st.sampled_from(["default", "optim", "cnn-attention", "rnn", "rl"]),
)
def test_no_two_slots_on_the_same_concept(seed, name):
    plan = plan_paper(PAPERS[name], BANK, seed)
    ids = [i.template_id for q in plan.questions for i in q.items]
    keys = [concept_keys(BANK.get(tid)) for tid in ids]
    for a in range(len(keys)):
        for b in range(a + 1, len(keys)):
            assert not keys[a] & keys[b], (ids[a], ids[b])


def test_two_convolution_size_questions_count_as_one_concept():
    assert concept_keys(BANK.get("cnn.exam2020.q1")) & concept_keys(BANK.get("cnn.conv.output-size"))
    assert not concept_keys(BANK.get("rl.concept.mc-vs-td")) & concept_keys(BANK.get("rl.concept.actor-critic"))


def _concept(tid: str, importance: str) -> dict:
    return {
        "id": tid,
        "topic": "demo",
        "kind": "concept",
        "importance": importance,
        "title": {"en": tid, "zh": tid},
        "text": {"en": "Explain.", "zh": "解释。"},
        "rubric": [{"point": {"en": "p", "zh": "p"}, "patterns": ["p"]}],
        "model_answer": {"en": "p", "zh": "p"},
    }


def test_draws_favour_what_the_outline_says_to_master(tmp_path):
    bank = Bank()
    for template in [
        template_from_dict(_concept("demo.concept.master", "master"), "x"),
        template_from_dict(_concept("demo.concept.skim", "skim"), "x"),
    ]:
        bank.templates[template.id] = template
    body = GOOD.replace("{template: cnn.exam2020.q1}", "{draw: {topics: [demo]}}")
    blueprint = read_blueprint(write(tmp_path, body))
    drawn = Counter(plan_paper(blueprint, bank, s).questions[0].items[0].template_id for s in range(600))
    # weights 3 : 1, so about 450 : 150; 600 fair coin flips would give 300 ± 37 (3σ)
    assert drawn["demo.concept.master"] > 380 and drawn["demo.concept.skim"] > 80


def test_kinds_are_tried_in_order_and_importance_filters(tmp_path):
    bank = Bank()
    master = template_from_dict(_concept("demo.concept.master", "master"), "x")
    bank.templates[master.id] = master
    body = GOOD.replace("{template: cnn.exam2020.q1}", "{draw: {topics: [demo], kinds: [design, concept]}}")
    blueprint = read_blueprint(write(tmp_path, body))
    assert plan_paper(blueprint, bank, 1).questions[0].items[0].template_id == "demo.concept.master"
    skim_only = read_blueprint(write(tmp_path, body.replace("kinds: [design, concept]", "importance: [skim]")))
    assert check_blueprint(skim_only, bank) and "no template in the bank matches" in check_blueprint(skim_only, bank)[0]


def test_a_draw_that_runs_out_of_concepts_says_so(tmp_path):
    bank = Bank()
    master = template_from_dict(_concept("demo.concept.master", "master"), "x")
    bank.templates[master.id] = master
    body = GOOD.replace("{template: cnn.exam2020.q1}", "{draw: {topics: [demo]}}, {draw: {topics: [demo]}}")
    with pytest.raises(PaperError, match="already on the paper"):
        plan_paper(read_blueprint(write(tmp_path, body)), bank, 1)
