"""Option values converted without pydantic agree with typer's own (pydantic) conversion.

The oracle is typer's adapter for the same type and bounds, built by typer itself: for any text a
student can type, both give the same value, or both refuse it with the same words.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from examprep.cli import app
from examprep.cli.coerce import INT_TOO_LONG, NOT_INT, NOT_NUMBER, to_bool, to_float, to_int

adapters = pytest.importorskip("typer._adapters", reason="this typer converts without pydantic")
from pydantic import ValidationError  # noqa: E402 - only once typer's adapters exist
from typer.models import OptionInfo  # noqa: E402

#: characters that make numbers, almost-numbers and junk
NUMBERISH = st.text(alphabet="0123456789+-._eEinfaxtrueoyl \t", max_size=12)
DIGITS = st.from_regex(r"[0-9]{1,4}", fullmatch=True)
#: numbers as a student writes them: sign, digits, fraction, exponent, spaces around
WRITTEN_NUMBERS = st.builds(
    lambda space, sign, whole, fraction, exponent: f"{space}{sign}{whole}{fraction}{exponent}{space}",
    st.sampled_from(["", " ", "\t"]),
    st.sampled_from(["", "+", "-"]),
    DIGITS,
    st.sampled_from(["", ".0", ".00", ".5", ".25"]),
    st.sampled_from(["", "e2", "E-1", "e+3"]),
)


def typer_says(annotation: type, value: object, **bounds: float) -> object:
    """typer's own conversion: the value, or ("error", message)."""
    adapter = adapters.build_adapter(annotation, OptionInfo(**bounds))
    try:
        return adapter.validate_python(value)
    except ValidationError as exc:
        return ("error", exc.errors()[0]["msg"])


def we_say(convert, value: object, *bounds: float | None) -> object:
    try:
        return convert(value, *bounds)
    except ValueError as exc:
        return ("error", str(exc))


def same(ours: object, theirs: object) -> bool:
    if isinstance(ours, float) and isinstance(theirs, float) and math.isnan(ours):
        return math.isnan(theirs)
    return ours == theirs and type(ours) is type(theirs)


def no_looser(ours: object, theirs: object) -> bool:
    """On junk, pydantic's parser has quirks of its own ('1e_2' is 100.0, '60_1' is read and then
    out of range); ours may refuse more, but what it accepts typer accepts with the same value."""
    if isinstance(ours, tuple):
        return ours[1] in (NOT_INT, NOT_NUMBER, INT_TOO_LONG) or ours == theirs
    return same(ours, theirs)


@settings(max_examples=300, deadline=None)
@given(WRITTEN_NUMBERS)
def test_written_numbers_agree_with_typer(text):
    assert same(we_say(to_int, text), typer_says(int, text))
    assert same(we_say(to_int, text, 1, 100), typer_says(int, text, min=1, max=100))
    assert same(we_say(to_float, text), typer_says(float, text))
    assert same(we_say(to_float, text, 1, 600), typer_says(float, text, min=1, max=600))


@settings(max_examples=400, deadline=None)
@given(NUMBERISH)
def test_junk_is_never_read_more_loosely_than_typer_reads_it(text):
    assert no_looser(we_say(to_int, text), typer_says(int, text))
    assert no_looser(we_say(to_int, text, 1, 100), typer_says(int, text, min=1, max=100))
    assert no_looser(we_say(to_float, text), typer_says(float, text))
    assert no_looser(we_say(to_float, text, 1, 600), typer_says(float, text, min=1, max=600))


@pytest.mark.parametrize(
    "text",
    [
        "3",
        " 3 ",
        "+3",
        "-3",
        "3.0",
        "3.00",
        "0.",
        "3.5",
        "1_000",
        "1__0",
        "1e2",
        "0x10",
        "",
        "abc",
        "007",
        "9" * 30,
        "9" * 5000,
    ],
)
def test_named_int_cases_agree_with_typer(text):
    assert same(we_say(to_int, text, 1, 100), typer_says(int, text, min=1, max=100))
    assert same(we_say(to_int, text), typer_says(int, text))


@pytest.mark.parametrize("text", ["inf", "-inf", "nan", "1e400", ".5", "5.", " 2.5 ", "x"])
def test_named_float_cases_agree_with_typer(text):
    assert same(we_say(to_float, text, 1, 600), typer_says(float, text, min=1, max=600))


@pytest.mark.parametrize("text", ["true", "False", "1", "0", "yes", "off", "T", "maybe", "2"])
def test_bool_text_agrees_with_typer(text):
    theirs = typer_says(bool, text)
    try:
        ours: object = to_bool(text)
    except ValueError as exc:
        ours = ("error", str(exc))
    assert ours == theirs


def test_digits_from_a_chinese_input_method_are_read():
    # pydantic refuses full-width digits; a student typing with an IME on gets what they meant
    assert to_int("５") == 5
    assert to_int("－３") == -3
    assert to_float("２．５") == 2.5
    result = CliRunner().invoke(app, ["drill", "cnn", "-n", "２", "--seed", "３", "--lang", "en"], input="quit\n")
    assert result.exit_code == 0, result.output
    assert "Question 1 of 2" in result.output


def test_a_huge_count_is_a_usage_error_not_a_traceback():
    result = CliRunner().invoke(app, ["drill", "cnn", "-n", "9" * 5000, "--lang", "en"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "integer" in result.output


def test_no_command_imports_pydantic(tmp_path):
    env = {**os.environ, "EXAMPREP_HOME": str(tmp_path), "EXAMPREP_LANG": "en"}
    probe = (
        "import sys\nfrom examprep.cli import main\n"
        "sys.argv = ['examprep', 'drill', 'cnn', '-n', '1', '--seed', '2', '--kind', 'calc']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write('PYDANTIC=%s\\n' % ('pydantic' in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], input="quit\n", capture_output=True, text=True, env=env)
    assert "PYDANTIC=False" in result.stderr, result.stderr[-2000:]
