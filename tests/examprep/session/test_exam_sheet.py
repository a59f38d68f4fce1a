"""Answer sheets: a blank sheet reads back as every key empty; filled sheets grade; problems name keys."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from examprep.bank.loader import load_bank
from examprep.bank.papers import load_blueprints, plan_paper
from examprep.grading.parse import show_value
from examprep.session.exam_paper import build_paper
from examprep.session.exam_report import grade_paper
from examprep.session.exam_sheet import SheetError, check_sheet, parse_sheet, write_sheet

BANK = load_bank()
PAPERS = load_blueprints()


@pytest.fixture
def paper2020(bank2020):
    return build_paper(plan_paper(PAPERS["2020"], bank2020, 42), bank2020)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_blank_sheet_round_trip(paper2020, lang):
    text = write_sheet(paper2020, lang)
    meta, raw = parse_sheet(text)
    assert meta == {"paper": "2020", "seed": 42, "twin": False}
    assert list(raw) == [p.key for p in paper2020.parts]  # flat, in paper order
    answers, missing = check_sheet(paper2020, raw)
    assert all(v == "" for v in answers.values()) and missing == [p.key for p in paper2020.parts]
    # the questions are there as comments, in the sheet's language
    assert "97×97×3" in text and ("Explain the No-Free-Lunch" in text if lang == "en" else "没有免费午餐" in text)


def fill(text: str, values: dict[str, str]) -> str:
    out = []
    for line in text.splitlines():
        key = line.split(":", 1)[0]
        if key in values and not line.startswith("#"):
            value = values[key]
            out.append(f"{key}: |\n  " + value.replace("\n", "\n  ") if "\n" in value else f"{key}: {value}")
            continue
        out.append(line)
    return "\n".join(out) + "\n"


def test_filled_sheet_round_trip_scores_full_marks_on_every_calculation():
    paper = build_paper(plan_paper(PAPERS["cnn-attention"], BANK, 3), BANK)
    values = {}
    for part in paper.parts:
        item = paper.item_of(part)
        if part.part is not None:
            values[part.key] = '"' + show_value(part.part.type, item.question.expected(part.part)) + '"'
    meta, raw = parse_sheet(fill(write_sheet(paper, "en"), values))
    answers, missing = check_sheet(paper, raw)
    report = grade_paper(paper, answers, BANK)
    calc = [p for p in report.parts if paper.part(p.key).part is not None]
    assert calc and all(p.score == pytest.approx(p.max_points) for p in calc)
    assert missing == [p.key for p in paper.parts if p.free_text]


def test_the_2020_paper_graded_from_a_sheet(paper2020):
    essay = paper2020.items[(8, 0)].template.model_answer.en
    text = fill(write_sheet(paper2020, "en"), {"q1.a": "45x45x15", "q1.b": "3660", "q8": essay})
    answers, missing = check_sheet(paper2020, parse_sheet(text)[1])
    report = grade_paper(paper2020, answers, paper2020_bank(paper2020))
    by_key = {p.key: p for p in report.parts}
    assert by_key["q1.a"].score == 5 and by_key["q1.b"].score == 5
    assert by_key["q8"].score > 0.5 * 15  # the essay is scored by its rubric
    assert report.max_points == 100
    wrong = fill(write_sheet(paper2020, "en"), {"q1.a": "45x45x15", "q1.b": "3645"})
    report = grade_paper(paper2020, check_sheet(paper2020, parse_sheet(wrong)[1])[0], paper2020_bank(paper2020))
    q1b = {p.key: p for p in report.parts}["q1.b"]
    assert q1b.score == 0 and any("bias" in f.en for f in q1b.feedback)
    assert any("偏置" in f.zh for f in q1b.feedback)


def paper2020_bank(paper):
    """The built-in bank plus the paper's own items (the 2020 short answers may come from the fixture)."""
    from examprep.bank.loader import Bank

    return Bank(BANK.templates | {item.template.id: item.template for item in paper.items.values()})


def test_unknown_keys_and_malformed_values_are_named(paper2020):
    raw = {"q1.a": "45 by 45", "q9": "x", "q1.b": {"nested": 1}, "q2.b": "1,2,3", "q3": True}
    with pytest.raises(SheetError) as err:
        check_sheet(paper2020, raw)
    named = {p.key for p in err.value.problems}
    assert named == {"q1.a", "q9", "q1.b", "q2.b", "q3"}
    assert all(p.get("zh") and p.get("en") for p in err.value.problems)


def test_yaml_lists_are_read_as_answers(paper2020):
    answers, _ = check_sheet(paper2020, {"q1.a": [45, 45, 15], "q2.b": [[1, 1], [1, 0], [3, 1]], "q1.b": 3660})
    report = grade_paper(paper2020, answers, paper2020_bank(paper2020))
    by_key = {p.key: p for p in report.parts}
    assert by_key["q1.a"].score == 5 and by_key["q2.b"].score == 1 and by_key["q1.b"].score == 5


def test_bad_yaml_says_where():
    with pytest.raises(SheetError) as err:
        parse_sheet("q1.a: [1, 2\nq1.b: 3\n")
    assert "line" in err.value.problems[0].get("en")
    with pytest.raises(SheetError):
        parse_sheet("- just\n- a list\n")


def test_empty_free_text_scores_zero_and_a_model_answer_scores_well(paper2020):
    for number in range(3, 8):
        item = paper2020.items[(number, 0)]
        key = f"q{number}"
        good = grade_paper(paper2020, {key: item.template.model_answer.zh}, paper2020_bank(paper2020))
        empty = grade_paper(paper2020, {key: ""}, paper2020_bank(paper2020))
        assert {p.key: p for p in good.parts}[key].score > 0.5 * item.planned.points
        assert {p.key: p for p in empty.parts}[key].score == 0


def _cells(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(
        st.text(alphabet="abcxyz45×卷积神经网络的特点是什么，。", min_size=1, max_size=70), min_size=1, max_size=12
    ),
    width=st.integers(min_value=10, max_value=60),
)
def test_comment_wrapping_keeps_every_character_within_the_width(words, width):
    from examprep.session.exam_sheet import _wrap

    paragraph = " ".join(words)
    lines = _wrap(paragraph, width)
    assert all(_cells(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == paragraph.replace(" ", "")


def test_every_line_of_a_chinese_sheet_fits_the_width(paper2020):
    assert max(_cells(line) for line in write_sheet(paper2020, "zh").splitlines()) <= 96
