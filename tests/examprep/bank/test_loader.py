"""Loading bank files: errors name the file, the template and the field; never a traceback."""

import pytest

from examprep.bank.loader import BankLoadError, load_bank, read_templates
from examprep.bank.schema import BankError

GOOD = """
templates:
  - id: extra.conv
    topic: cnn
    title: {en: Extra, zh: 附加}
    text: {en: "A {input} input", zh: "输入 {input}"}
    params:
      input: {list: [9, 9, 1]}
      filters: {value: 2}
      kernel: {value: 3}
    solver: cnn.conv2d
    parts:
      - {id: size, answer: output_shape, type: shape, points: 1, prompt: {en: Size, zh: 大小}}
"""


def write(tmp_path, text, name="extra.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_builtin_bank_loads_and_has_cnn():
    bank = load_bank()
    assert len(bank.by_topic("cnn")) >= 12


def test_extra_file_is_added(tmp_path):
    bank = load_bank([write(tmp_path, GOOD)])
    assert bank.get("extra.conv") is not None


def test_broken_yaml_names_file_and_line(tmp_path):
    path = write(tmp_path, "templates:\n  - id: x\n    title: {en: a\n")
    with pytest.raises(BankError) as info:
        read_templates(path)
    assert str(path) in str(info.value) and "line" in str(info.value)


def test_missing_chinese_text_names_template_and_field(tmp_path):
    path = write(tmp_path, GOOD.replace("title: {en: Extra, zh: 附加}", "title: {en: Extra}"))
    with pytest.raises(BankError) as info:
        read_templates(path)
    message = str(info.value)
    assert "extra.conv" in message and "'title'" in message and "zh" in message


def test_bad_answer_type_is_reported(tmp_path):
    path = write(tmp_path, GOOD.replace("type: shape", "type: shapes"))
    with pytest.raises(BankError, match="parts\\[0\\].type"):
        read_templates(path)


def test_duplicate_ids_are_reported(tmp_path):
    with pytest.raises(BankLoadError, match="duplicate id"):
        load_bank([write(tmp_path, GOOD, "a.yaml"), write(tmp_path, GOOD, "b.yaml")])


def test_python_tags_are_refused_by_safe_load(tmp_path):
    path = write(tmp_path, "templates: !!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(BankError, match="not valid YAML"):
        read_templates(path)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(BankLoadError, match="no such file"):
        load_bank([tmp_path / "nope.yaml"])


def test_a_broken_where_names_the_parse_error(tmp_path):
    path = write(tmp_path, GOOD.replace("solver: cnn.conv2d", 'where: "kernel <"\n    solver: cnn.conv2d'))
    with pytest.raises(BankError) as info:
        read_templates(path)
    message = str(info.value)
    assert "'where'" in message and "cannot read the expression" in message and "satisfies" not in message


def test_a_broken_expr_names_the_field(tmp_path):
    path = write(tmp_path, GOOD.replace("kernel: {value: 3}", 'kernel: {expr: "3 +* 2"}'))
    with pytest.raises(BankError) as info:
        read_templates(path)
    assert "params.kernel.expr" in str(info.value)


def test_a_numeric_id_is_called_the_wrong_type_not_missing(tmp_path):
    path = write(tmp_path, GOOD.replace("id: extra.conv", "id: 123"))
    with pytest.raises(BankError) as info:
        read_templates(path)
    assert "123" in str(info.value) and "missing" not in str(info.value)


def test_an_oversized_random_matrix_is_refused_at_load(tmp_path):
    path = write(
        tmp_path,
        GOOD.replace(
            "filters: {value: 2}", "filters: {value: 2}\n      m: {matrix: {rows: 100000, cols: 100000, range: [0, 1]}}"
        ),
    )
    with pytest.raises(BankError) as info:
        read_templates(path)
    assert "rows" in str(info.value) and "16" in str(info.value)


def test_significant_figures_set_the_prompt_and_a_tolerance_that_accepts_rounded_answers(tmp_path):
    text = GOOD.replace(
        "type: shape, points: 1, prompt: {en: Size, zh: 大小}}",
        "type: shape, points: 1, prompt: {en: Size, zh: 大小}}\n"
        "      - {id: n, answer: params, type: number, digits: 3, points: 1, prompt: {en: Count, zh: 个数}}",
    )
    part = read_templates(write(tmp_path, text))[0].parts[1]
    assert part.prompt.en == "Count (3 significant figures)" and part.prompt.zh == "个数（3 位有效数字）"
    assert part.tolerance.rtol == pytest.approx(0.005) and part.tolerance.atol == 0
    assert part.show(12898.471) == "12900" and part.show(2048) == "2050" and part.show(0.00123456) == "0.00123"


@pytest.mark.parametrize(
    "extra, field",
    [
        ("type: number, digits: 3, tolerance: {rtol: 0.001}", "tolerance.rtol"),  # would fail 1.005 -> 1.00
        ("type: integer, digits: 3", "digits"),
        ("type: number, digits: 0", "digits"),
    ],
)
def test_inconsistent_significant_figures_are_refused(tmp_path, extra, field):
    text = GOOD.replace(
        "type: shape, points: 1, prompt: {en: Size, zh: 大小}}",
        "type: shape, points: 1, prompt: {en: Size, zh: 大小}}\n"
        f"      - {{id: n, answer: params, {extra}, points: 1, prompt: {{en: Count, zh: 个数}}}}",
    )
    with pytest.raises(BankError) as info:
        read_templates(write(tmp_path, text))
    assert f"parts[1].{field}" in str(info.value)


@pytest.mark.parametrize(
    "value, digits, shown",
    [
        (12898.471, 3, "12900"),
        (2048, 3, "2050"),
        (6.103515625e-05, 3, "6.10×10^-5"),
        (0.5, 3, "0.500"),
        (28.66, 3, "28.7"),
        (0.000294, 3, "0.000294"),
        (-0.750987, 4, "-0.7510"),
        (999.7, 3, "1000"),
        (1.5e20, 2, "1.5×10^20"),
    ],
)
def test_significant_figures_are_shown_with_their_zeros(value, digits, shown):
    from examprep.bank.schema import fmt_sig

    assert fmt_sig(value, digits) == shown
