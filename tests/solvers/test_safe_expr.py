"""The whitelist parser: right arithmetic, and nothing outside the whitelist ever runs."""

import math
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers.safe_expr import ExprError, evaluate, evaluate_text, free_names, parse, to_sympy

HOSTILE = [
    "__import__('os').system('echo pwned')",
    "().__class__.__bases__[0].__subclasses__()",
    "9**9**9**9",
    "10^10^10",
    "lambda: 1",
    "x.real",
    "[1, 2][0]",
    "open('/etc/passwd')",
    "eval('1')",
    "(" * 200 + "1" + ")" * 200,
    "1" * 1000,
    "exp(exp(exp(100)))",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_is_refused_fast(text):
    start = time.perf_counter()
    with pytest.raises(ExprError):
        evaluate(parse(text, names={"x"}), {"x": 1.0})
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize(
    "text, env, expected",
    [
        ("(x-3)^2 + 10*y^2", {"x": 1, "y": 2}, (1 - 3) ** 2 + 10 * 2**2),
        ("2x + 3(x+1)", {"x": 2}, 2 * 2 + 3 * 3),
        ("-2^2", {}, -4),  # power binds tighter than unary minus, as in maths
        ("2^3^2", {}, 2**9),  # right-associative
        ("2^-1", {}, 0.5),
        ("７ × ８", {}, 56),  # full-width digits and the multiplication sign
        ("√16 + 3²", {}, 4 + 9),
        ("(97 - 9) // 2 + 1", {}, 45),
        ("(10 - 3) % 2 == 1 and 3 < 4 <= 4", {}, True),
        ("sigmoid(0) + tanh(0) + ln(e)", {}, 1.5),
        ("max(1, 5, 3) - min(2, -1)", {}, 6),
    ],
)
def test_arithmetic_matches_hand_computation(text, env, expected):
    assert evaluate(parse(text), env) == pytest.approx(expected)


def test_unknown_names_are_refused_with_the_allowed_list():
    with pytest.raises(ExprError) as info:
        parse("x + os", names={"x"})
    assert "os" in str(info.value) and "x" in str(info.value)


def test_free_names_excludes_constants():
    assert free_names(parse("x*pi + y^2 + e")) == {"x", "y"}


def test_to_sympy_builds_the_same_function():
    sympy = pytest.importorskip("sympy")
    expr = to_sympy(parse("(x-3)^2 + 10*y^2"))
    x, y = sorted(expr.free_symbols, key=str)
    assert sympy.diff(expr, x).subs({x: 1, y: 2}) == 2 * (1 - 3)
    assert sympy.diff(expr, y).subs({x: 1, y: 2}) == 20 * 2


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=80))
def test_parser_never_crashes_on_any_text(text):
    try:
        node = parse(text, names={"x", "y"})
        evaluate(node, {"x": 0.5, "y": -1.5})
    except ExprError:
        pass  # refusing is fine; any other exception is a bug


_ALPHABET = st.sampled_from(list("0123456789xy+-*/^().,% ") + ["sqrt(", "exp(", "log(", "**", "//"])


@settings(max_examples=500, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_parser_never_crashes_on_expression_like_text(text):
    try:
        value = evaluate(parse(text, names={"x", "y"}), {"x": 2, "y": 3})
    except ExprError:
        return
    assert isinstance(value, (int, float, bool))


@settings(max_examples=200, deadline=None)
@given(st.integers(-50, 50), st.integers(-50, 50), st.integers(1, 9))
def test_integer_arithmetic_agrees_with_python(a, b, c):
    assert evaluate_text("a*b - c + (a - b)//c", {"a": a, "b": b, "c": c}) == a * b - c + (a - b) // c
    assert math.isclose(evaluate_text("a / c", {"a": a, "c": c}), a / c)
