"""The minus sign of negative numbers in worked steps."""

from __future__ import annotations

import pytest

from solvers.core import fmt_num
from solvers.textfmt import _n, true_minus


@pytest.mark.parametrize(
    "written, shown",
    [
        ("-0.4", "−0.4"),
        ("f = (-0.4323, 3, 2)", "f = (−0.4323, 3, 2)"),
        ("((-3.5)·(-1) + (-5)·0", "((−3.5)·(−1) + (−5)·0"),
        ("ε = 1×10^-8", "ε = 1×10^−8"),
        ("0.5·(|1| + |1.5| + |-1|)", "0.5·(|1| + |1.5| + |−1|)"),
        ("[1, -1; -2, 0]", "[1, −1; −2, 0]"),
        ("a = -3, b = 4", "a = −3, b = 4"),
        ("(e^-2, e^1, 0)", "(e^−2, e^1, 0)"),
        ("-.5", "−.5"),
        ("-∞", "−∞"),
    ],
)
def test_signs_become_true_minus(written, shown):
    assert true_minus(written) == shown


@pytest.mark.parametrize(
    "text",
    ["look-ahead point", "x_{t-1}", "h_{k-1}", "the 0-1 loss", "2-D loss", "first-visit MC", "θ_t-1", "1 − 2", "e-5"],
)
def test_hyphens_that_are_not_signs_stay(text):
    assert true_minus(text) == text


def test_it_agrees_with_the_step_number_formatter():
    """``_n`` writes the sign itself; true_minus on the plain format must give the same text."""
    for x in (-0.4, -3, -1234.5, -1e-7, 2.5, -2.5e12):
        assert true_minus(fmt_num(x, 4)) == _n(x)
