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
