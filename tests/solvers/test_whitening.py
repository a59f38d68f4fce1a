"""PCA/ZCA whitening against a hand-worked example and against what whitening must achieve."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers import registry
from solvers.core import SolverInputError

WHITEN = registry.get("normalization.whiten")


def test_hand_worked_example():
    # x = (1,2), (3,5), (5,5): μ = (3, 4); x̃ = (−2,−2), (0,1), (2,1);
    # Σ = (1/3)·[[8, 6], [6, 6]]; tr = 14/3, det = 16/3 − 4 = 4/3, so λ = (7 ± √37)/3.
    answers = WHITEN.func("1,2;3,5;5,5").answers
    assert answers["mean"] == pytest.approx([3, 4])
    assert np.allclose(answers["cov"], [[8 / 3, 2], [2, 2]])
    assert answers["eigenvalues"] == pytest.approx([(7 + math.sqrt(37)) / 3, (7 - math.sqrt(37)) / 3])


def _inverse_sqrt_by_newton(matrix: np.ndarray) -> np.ndarray:
    """Σ^(−1/2) by the coupled Newton–Schulz iteration: no eigen-decomposition involved."""
    norm = np.linalg.norm(matrix)
    y, z = matrix / norm, np.eye(len(matrix))
    for _ in range(60):
        t = 0.5 * (3 * np.eye(len(matrix)) - z @ y)
        y, z = y @ t, t @ z
    return z / math.sqrt(norm)


points = st.lists(st.lists(st.integers(-6, 6), min_size=2, max_size=2), min_size=3, max_size=6)


@settings(max_examples=60, deadline=None)
@given(points)
def test_whitened_data_has_identity_covariance_and_zca_is_sigma_to_minus_half(rows):
    data = np.array(rows, dtype=float)
    centred = data - data.mean(axis=0)
    cov = centred.T @ centred / len(data)
    if np.linalg.det(cov) < 0.5:  # nearly collinear data: refused or ill-conditioned
        return
    answers = WHITEN.func(rows).answers
    for key in ("pca_white", "zca_white"):
        white = np.array(answers[key])
        assert np.allclose(white.T @ white / len(data), np.eye(2), atol=1e-9)
    assert np.allclose(answers["zca_white"], centred @ _inverse_sqrt_by_newton(cov), atol=1e-6)


def test_collinear_data_is_refused_with_a_reason():
    with pytest.raises(SolverInputError) as info:
        WHITEN.func("1,1;2,2;3,3")
    assert "eigenvalue" in info.value.text.en and "ε" in info.value.text.en


def test_epsilon_makes_collinear_data_whitenable():
    answers = WHITEN.func("1,1;2,2;3,3", eps=0.1).answers
    assert answers["eigenvalues"] == pytest.approx([4 / 3, 0], abs=1e-12)


def test_mistakes_differ_from_the_answer():
    wrong = WHITEN.mistakes["unbiased_covariance"]("1,2;3,5;5,5")
    assert np.allclose(wrong["cov"], [[4, 3], [3, 3]])
    assert WHITEN.mistakes["not_centred"]("1,2;3,5;5,5")["cov"][0][0] == pytest.approx(35 / 3)
