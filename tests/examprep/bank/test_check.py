"""The bank self-test passes on the shipped bank and catches a broken template."""

from examprep.bank.check import check_bank, check_template
from examprep.bank.loader import load_bank, read_templates


def test_shipped_bank_passes_its_self_test():
    reports = check_bank(load_bank(), variants=6)
    failures = {r.template_id: r.failures[:3] for r in reports if not r.ok}
    assert failures == {}


def test_a_mistake_that_never_differs_is_caught(tmp_path):
    # no_floor can never differ when the division is always exact: the check must say so
    path = tmp_path / "bad.yaml"
    path.write_text(
        """
templates:
  - id: bad.no-floor
    topic: cnn
    title: {en: Bad, zh: 坏}
    text: {en: "{input}", zh: "{input}"}
    params:
      input: {list: [9, 9, 1]}
      filters: {value: 2}
      kernel: {value: 3}
    solver: cnn.conv2d
    parts:
      - {id: size, answer: output_shape, type: shape, points: 1, prompt: {en: Size, zh: 大小}}
    mistakes:
      - {id: no_floor, parts: [size], feedback: {en: floor, zh: 取整}}
""",
        encoding="utf-8",
    )
    (template,) = read_templates(path)
    report = check_template(template, variants=3)
    assert not report.ok and "never differs" in report.failures[0]


def test_unknown_answer_key_is_caught(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        """
templates:
  - id: bad.key
    topic: cnn
    title: {en: Bad, zh: 坏}
    text: {en: "x", zh: "x"}
    params:
      input: {list: [9, 9, 1]}
      filters: {value: 2}
      kernel: {value: 3}
    solver: cnn.conv2d
    parts:
      - {id: size, answer: output_size, type: shape, points: 1, prompt: {en: Size, zh: 大小}}
""",
        encoding="utf-8",
    )
    (template,) = read_templates(path)
    report = check_template(template, variants=1)
    assert not report.ok and "no answer 'output_size'" in report.failures[0]


# -- concept and design items --------------------------------------------------------------


def _concept_bank():
    from pathlib import Path

    return load_bank([Path(__file__).parents[1] / "grading" / "fixtures"], include_builtin=False)


def test_concept_fixtures_and_builtin_theory_items_pass_the_self_test():
    from examprep.bank.check import check_free_text

    items = [t for t in list(_concept_bank().templates.values()) + list(load_bank().templates.values())]
    reports = [check_free_text(t) for t in items if t.kind != "calc"]
    assert len(reports) >= 17
    assert [r.failures for r in reports if not r.ok] == []


def test_self_test_reports_a_weak_rubric_by_item_id():
    from dataclasses import replace

    from examprep.bank.check import check_free_text

    t = _concept_bank().get("lstm-gru.concept.test-lstm-gradients")
    # a rubric phrased only with the question's words can never be earned: the model answers fail
    weak = replace(t, rubric=tuple(replace(p, patterns=("vanishing",), negated_patterns=()) for p in t.rubric))
    report = check_free_text(weak)
    assert report.template_id == t.id
    assert any("model answer (en)" in f for f in report.failures)
    # a misconception whose patterns do not catch its own statement is reported too
    deaf = replace(t, misconceptions=tuple(replace(m, patterns=("banana",)) for m in t.misconceptions))
    assert any("solves-exploding" in f and "not detected" in f for f in check_free_text(deaf).failures)
