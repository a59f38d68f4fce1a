"""Reading answers as typed, including what a Chinese input method produces."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from examprep.grading.parse import AnswerError, format_answer, parse_answer


@pytest.mark.parametrize(
    "text",
    [
        "45x45x15",
        "45×45×15",
        "(45, 45, 15)",
        "45 × 45 × 15",
        "（45，45，15）",
        "４５×４５×１５",
        "[45 45 15]",
        "45*45*15",
    ],
)
def test_shape_spellings_all_read_the_same(text):
    assert parse_answer("shape", text).value == (45, 45, 15)


@pytest.mark.parametrize(
    "text, value", [("3660", 3660), ("３６６０", 3660), ("3,660", 3660), ("15*3*81+15", 3660), ("3660.0", 3660)]
)
def test_integers(text, value):
    assert parse_answer("integer", text).value == value


def test_a_fraction_is_not_a_count():
    with pytest.raises(AnswerError):
        parse_answer("integer", "45.5")


@pytest.mark.parametrize(
    "text, value", [("0.5", 0.5), ("1/4", 0.25), ("2^-1", 0.5), ("50%", 0.5), ("－０．５", -0.5), ("1e-3", 0.001)]
)
def test_numbers(text, value):
    assert parse_answer("number", text).value == pytest.approx(value)


def test_vectors_with_chinese_commas_and_brackets():
    assert parse_answer("vector", "（0.5，-1.2）").value == pytest.approx([0.5, -1.2])
    assert parse_answer("vector", "0.5 -1.2").value == pytest.approx([0.5, -1.2])


def test_matrix_rows_by_semicolon_or_newline():
    assert parse_answer("matrix", "1, 2; 3, 4").value == [[1, 2], [3, 4]]
    assert parse_answer("matrix", "1 2\n3 4").value == [[1, 2], [3, 4]]
    assert parse_answer("matrix", "1，2；3，4").value == [[1, 2], [3, 4]]
    with pytest.raises(AnswerError):
        parse_answer("matrix", "1, 2; 3")


def test_choice_is_case_and_bracket_insensitive():
    assert parse_answer("choice", "（B）", options=["a", "b"]).value == "b"
    with pytest.raises(AnswerError):
        parse_answer("choice", "c", options=["a", "b"])


def test_read_as_echo_is_readable():
    assert parse_answer("shape", "45x45x15").shown == "45 × 45 × 15"


@pytest.mark.parametrize("kind", ["integer", "number", "shape", "vector", "matrix"])
@pytest.mark.parametrize("junk", ["", "   ", "banana", "1,,2x", "((", "__import__('os')", "1;;"])
def test_junk_is_invalid_not_wrong(kind, junk):
    with pytest.raises(AnswerError):
        parse_answer(kind, junk)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["integer", "number", "shape", "vector", "matrix", "expression"]), st.text(max_size=60))
def test_parsers_never_crash(kind, text):
    try:
        parse_answer(kind, text, names={"x"})
    except AnswerError:
        pass


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).filter(lambda v: v == 0 or abs(v) > 1e-9)


@settings(max_examples=200, deadline=None)
@given(st.lists(finite, min_size=1, max_size=6))
def test_vector_round_trip(values):
    assert parse_answer("vector", format_answer("vector", values)).value == pytest.approx(values)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 5000), min_size=1, max_size=4).map(tuple))
def test_shape_round_trip(dims):
    assert parse_answer("shape", format_answer("shape", dims)).value == dims


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 4).flatmap(lambda c: st.lists(st.lists(finite, min_size=c, max_size=c), min_size=1, max_size=4)))
def test_matrix_round_trip(rows):
    parsed = parse_answer("matrix", format_answer("matrix", rows)).value
    assert [pytest.approx(r) for r in rows] == parsed


@pytest.mark.parametrize("text", ["10^400", "10^200*10^200", "10^400%", "226**140%", "9" * 309, "1e308*10"])
def test_numbers_beyond_a_float_are_refused_as_too_large(text):
    with pytest.raises(AnswerError) as info:
        parse_answer("integer", text)
    assert "too large" in info.value.text.en and "太大" in info.value.text.zh


def test_the_largest_float_still_reads():
    assert parse_answer("number", "1e308").value == 1e308


def test_long_input_is_quoted_shortened():
    with pytest.raises(AnswerError) as info:
        parse_answer("integer", "abc" * 3000)
    assert len(info.value.text.en) < 200 and "…" in info.value.text.en


def test_undecodable_input_is_quoted_readably():
    with pytest.raises(AnswerError) as info:
        parse_answer("integer", "\udcff\udcfe")
    assert "\\udc" not in info.value.text.en and "�" in info.value.text.en


@pytest.mark.parametrize(
    "kind, text, expected",
    [
        ("number", "σ(0)", 0.5),  # the logistic function as the question writes it: 1/(1+e^0)
        ("number", "½", 0.5),
        ("number", "3¾", 3.75),
        ("number", "10^{1/2}", 10**0.5),  # TeX-style braces, copied from a question
        ("matrix", "[1, 2]; [3, 4]", [[1, 2], [3, 4]]),
        ("matrix", "[[1,2],[3,4]]", [[1, 2], [3, 4]]),
        ("matrix", "［［1，2］，［3，4］］", [[1, 2], [3, 4]]),  # full-width, from a Chinese IME
        ("vector", "[[1, 2, 3]]", [1, 2, 3]),
    ],
)
def test_notations_students_write(kind, text, expected):
    import numpy as np

    value = parse_answer(kind, text).value
    assert np.allclose(np.asarray(value, dtype=float), np.asarray(expected, dtype=float), rtol=1e-12)
    assert np.shape(value) == np.shape(expected)


def test_factorial_is_named_not_misread_as_not():
    with pytest.raises(AnswerError) as info:
        parse_answer("integer", "100000!")
    assert "factorial" in info.value.text.en and "阶乘" in info.value.text.zh
