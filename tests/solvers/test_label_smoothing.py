"""Label smoothing against the textbook's definition (nndl §7.7.6), hand values and PyTorch."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solvers import registry
from solvers.core import SolverInputError

LS = registry.get("regularization.label_smoothing")


def test_textbook_soft_target_by_hand():
    # K = 4, true class 2, ε = 0.1: the true class keeps 0.9, the three others get 0.1/3 each.
    answers = LS.func(K=4, y=2, epsilon=0.1).answers
    assert answers["smoothed"] == pytest.approx([0.1 / 3, 0.9, 0.1 / 3, 0.1 / 3])


def test_pytorch_soft_target_by_hand():
    # (1 − ε)·one-hot + ε/K: 0.9 + 0.025 for the true class, 0.025 for the others.
    answers = LS.func(K=4, y=2, epsilon=0.1, convention="pytorch").answers
    assert answers["smoothed"] == pytest.approx([0.025, 0.925, 0.025, 0.025])


def test_loss_by_hand():
    probs = [0.1, 0.7, 0.1, 0.1]
    expected = -(0.9 * math.log(0.7) + 3 * (0.1 / 3) * math.log(0.1))
    answers = LS.func(K=4, y=2, epsilon=0.1, probs=probs).answers
    assert answers["loss"] == pytest.approx(expected)
    assert answers["hard_loss"] == pytest.approx(-math.log(0.7))


@given(st.integers(2, 12), st.data(), st.floats(0, 0.9), st.sampled_from(["textbook", "pytorch"]))
def test_soft_target_sums_to_one_and_favours_the_true_class(k, data, eps, convention):
    y = data.draw(st.integers(1, k))
    target = LS.func(K=k, y=y, epsilon=eps, convention=convention).answers["smoothed"]
    assert sum(target) == pytest.approx(1.0)
    if eps < (k - 1) / k:  # below this ε the true class keeps the largest share
        assert target[y - 1] == max(target)


@pytest.mark.parametrize(
    "args", [dict(K=1, y=1, epsilon=0.1), dict(K=3, y=4, epsilon=0.1), dict(K=3, y=1, epsilon=1.0)]
)
def test_impossible_inputs_are_refused(args):
    with pytest.raises(SolverInputError):
        LS.func(**args)


def test_matches_pytorch_cross_entropy_with_label_smoothing():
    torch = pytest.importorskip("torch")
    probs = [0.05, 0.15, 0.2, 0.6]
    logits = torch.log(torch.tensor([probs], dtype=torch.float64))
    target = torch.tensor([1])  # class 2, numbered from 0
    reference = torch.nn.functional.cross_entropy(logits, target, label_smoothing=0.2).item()
    ours = LS.func(K=4, y=2, epsilon=0.2, probs=probs, convention="pytorch").answers["loss"]
    assert ours == pytest.approx(reference, rel=1e-12)
