"""Loss solvers, checked against PyTorch's loss functions and hand-written loops."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers import registry
from solvers.core import SolverInputError


def _torch():
    """PyTorch for the cross-checks; tests that need it skip cleanly when it is missing."""
    return pytest.importorskip("torch")


def solve(solver_id: str, **kwargs):
    return registry.get(solver_id).func(**kwargs)


def mistake(solver_id: str, name: str, **kwargs):
    return registry.get(solver_id).mistakes[name](**kwargs)


def t(x):
    torch = _torch()
    return torch.tensor(x, dtype=torch.float64)


Y = [1.0, 2.0, -1.0, 0.5]
PRED = [0.5, 3.0, -2.0, 0.5]


# --------------------------------------------------------------------------- 0-1


def test_zero_one_by_hand():
    y, pred = [1, 2, 3, 1, 2], [1, 3, 3, 2, 2]
    a = solve("losses.zero_one", y=y, pred=pred).answers
    wrong = [1 if a_ != b_ else 0 for a_, b_ in zip(y, pred, strict=True)]
    assert a["losses"] == wrong
    assert a["errors"] == 2
    assert a["loss"] == pytest.approx(2 / 5)
    assert mistake("losses.zero_one", "accuracy_instead_of_error", y=y, pred=pred)["loss"] == pytest.approx(3 / 5)
    assert mistake("losses.zero_one", "sum_instead_of_mean", y=y, pred=pred)["loss"] == 2


# --------------------------------------------------------------------------- squared / absolute


def test_squared_matches_torch_mse():
    torch = _torch()
    F = torch.nn.functional
    mse_mean = F.mse_loss(t(PRED), t(Y)).item()
    mse_sum = F.mse_loss(t(PRED), t(Y), reduction="sum").item()
    assert solve("losses.squared", y=Y, pred=PRED, half=False).answers["loss"] == pytest.approx(mse_mean)
    assert solve("losses.squared", y=Y, pred=PRED, half=False, reduction="sum").answers["loss"] == pytest.approx(
        mse_sum
    )
    # the textbook's ½(y − ŷ)²
    half = solve("losses.squared", y=Y, pred=PRED).answers
    assert half["loss"] == pytest.approx(0.5 * mse_mean)
    assert half["losses"] == pytest.approx((0.5 * F.mse_loss(t(PRED), t(Y), reduction="none")).tolist())


def test_squared_mistakes():
    # residuals 0.5, −1, 1, 0 → squares 0.25, 1, 1, 0 (sum 2.25, mean 0.5625)
    assert solve("losses.squared", y=Y, pred=PRED).answers["loss"] == pytest.approx(0.5625 / 2)
    assert mistake("losses.squared", "half_dropped", y=Y, pred=PRED)["loss"] == pytest.approx(0.5625)
    assert mistake("losses.squared", "half_dropped", y=Y, pred=PRED, half=False) == {}
    assert mistake("losses.squared", "half_added", y=Y, pred=PRED, half=False)["loss"] == pytest.approx(0.5625 / 2)
    assert mistake("losses.squared", "mean_sum_swapped", y=Y, pred=PRED)["loss"] == pytest.approx(2.25 / 2)
    assert mistake("losses.squared", "not_squared", y=Y, pred=PRED, half=False)["loss"] == pytest.approx(0.5 / 4)


def test_absolute_matches_torch_l1():
    torch = _torch()
    F = torch.nn.functional
    a = solve("losses.absolute", y=Y, pred=PRED).answers
    assert a["loss"] == pytest.approx(F.l1_loss(t(PRED), t(Y)).item())
    assert a["losses"] == pytest.approx(F.l1_loss(t(PRED), t(Y), reduction="none").tolist())
    s = solve("losses.absolute", y=Y, pred=PRED, reduction="sum").answers
    assert s["loss"] == pytest.approx(F.l1_loss(t(PRED), t(Y), reduction="sum").item())
    # |0.5| + |−1| + |1| + 0 = 2.5; signed 0.5 − 1 + 1 + 0 = 0.5; squared 2.25
    assert mistake("losses.absolute", "sign_kept", y=Y, pred=PRED)["loss"] == pytest.approx(0.5 / 4)
    assert mistake("losses.absolute", "squared_instead", y=Y, pred=PRED)["loss"] == pytest.approx(2.25 / 4)
    assert mistake("losses.absolute", "mean_sum_swapped", y=Y, pred=PRED)["loss"] == pytest.approx(2.5)


# --------------------------------------------------------------------------- cross-entropy


PROBS = [[0.2, 0.5, 0.3], [0.1, 0.1, 0.8], [0.6, 0.3, 0.1]]
LABELS = [2, 3, 2]


def test_cross_entropy_matches_torch_nll():
    torch = _torch()
    F = torch.nn.functional
    a = solve("losses.cross_entropy", probs=PROBS, y=LABELS).answers
    target = torch.tensor([c - 1 for c in LABELS])
    assert a["loss"] == pytest.approx(F.nll_loss(torch.log(t(PROBS)), target).item())
    assert a["losses"] == pytest.approx(F.nll_loss(torch.log(t(PROBS)), target, reduction="none").tolist())
    assert a["picked"] == pytest.approx([0.5, 0.8, 0.3])
    json.dumps(a)


def test_cross_entropy_from_logits_matches_torch():
    torch = _torch()
    F = torch.nn.functional
    logits = [[1.0, 2.0, 0.0], [0.5, -1.0, 2.0]]
    y = [1, 3]
    a = solve("losses.cross_entropy", probs=logits, y=y, logits=True, reduction="sum").answers
    expected = F.cross_entropy(t(logits), torch.tensor([0, 2]), reduction="sum").item()
    assert a["loss"] == pytest.approx(expected)


def test_cross_entropy_mistakes():
    ln = [-math.log(0.5), -math.log(0.8), -math.log(0.3)]
    kw = dict(probs=PROBS, y=LABELS)
    assert mistake("losses.cross_entropy", "log10_instead_of_ln", **kw)["loss"] == pytest.approx(
        sum(v / math.log(10) for v in ln) / 3
    )
    assert mistake("losses.cross_entropy", "log2_instead_of_ln", **kw)["loss"] == pytest.approx(
        sum(v / math.log(2) for v in ln) / 3
    )
    assert mistake("losses.cross_entropy", "mean_sum_swapped", **kw)["loss"] == pytest.approx(sum(ln))
    # the largest probabilities are 0.5, 0.8, 0.6
    assert mistake("losses.cross_entropy", "predicted_class_used", **kw)["loss"] == pytest.approx(
        -(math.log(0.5) + math.log(0.8) + math.log(0.6)) / 3
    )


def test_cross_entropy_rejects_bad_rows():
    with pytest.raises(SolverInputError):
        solve("losses.cross_entropy", probs=[[0.5, 0.6]], y=[1])
    with pytest.raises(SolverInputError):
        solve("losses.cross_entropy", probs=[[0.5, 0.5]], y=[0])


def test_bce_matches_torch():
    torch = _torch()
    F = torch.nn.functional
    y, p = [1, 0, 1, 0], [0.9, 0.2, 0.4, 0.7]
    a = solve("losses.bce", y=y, p=p).answers
    assert a["loss"] == pytest.approx(F.binary_cross_entropy(t(p), t(y)).item())
    assert a["losses"] == pytest.approx(F.binary_cross_entropy(t(p), t(y), reduction="none").tolist())
    hand = [-math.log(0.9), -math.log(0.8), -math.log(0.4), -math.log(0.3)]
    assert mistake("losses.bce", "log10_instead_of_ln", y=y, p=p)["loss"] == pytest.approx(sum(hand) / 4 / math.log(10))
    assert mistake("losses.bce", "log2_instead_of_ln", y=y, p=p)["loss"] == pytest.approx(sum(hand) / 4 / math.log(2))
    assert mistake("losses.bce", "mean_sum_swapped", y=y, p=p)["loss"] == pytest.approx(sum(hand))
    assert mistake("losses.bce", "only_positive_term", y=y, p=p)["loss"] == pytest.approx(
        (-math.log(0.9) - math.log(0.4)) / 4
    )


# --------------------------------------------------------------------------- hinge and margins


def test_hinge_by_hand_and_torch_clamp():
    torch = _torch()
    y, f = [1, -1, 1, -1], [0.5, 0.3, 2.0, -3.0]
    a = solve("losses.hinge", y=y, f=f).answers
    # margins 0.5, −0.3, 2, 3 → losses 0.5, 1.3, 0, 0
    hand = [max(0.0, 1 - yi * fi) for yi, fi in zip(y, f, strict=True)]
    assert a["losses"] == pytest.approx(hand)
    assert a["loss"] == pytest.approx(1.8 / 4)
    assert a["loss"] == pytest.approx(torch.clamp(1 - t(y) * t(f), min=0).mean().item())
    # PyTorch's multi_margin_loss on the two-class scores (−f/2, f/2) is the binary hinge max(0, 1 − y·f)
    scores = torch.stack([-t(f) / 2, t(f) / 2], dim=1)
    target = torch.tensor([1 if v == 1 else 0 for v in y])
    assert a["loss"] == pytest.approx(torch.nn.functional.multi_margin_loss(scores, target).item() * 2)


def test_hinge_mistakes():
    y, f = [1, -1, 1, -1], [0.5, 0.3, 2.0, -3.0]
    kw = dict(y=y, f=f)
    # y = 0 for negatives: losses 0.5, 1, 0, 1
    assert mistake("losses.hinge", "labels_01", **kw)["loss"] == pytest.approx(2.5 / 4)
    # no max: 0.5, 1.3, −1, −2
    assert mistake("losses.hinge", "max_forgotten", **kw)["loss"] == pytest.approx(-1.2 / 4)
    # perceptron: 0, 0.3, 0, 0
    assert mistake("losses.hinge", "margin_one_forgotten", **kw)["loss"] == pytest.approx(0.3 / 4)
    assert mistake("losses.hinge", "mean_sum_swapped", **kw)["loss"] == pytest.approx(1.8)


def test_hinge_requires_pm1_labels():
    with pytest.raises(SolverInputError):
        solve("losses.hinge", y=[1, 0], f=[0.5, 0.5])


def test_margin_losses_match_formulas():
    torch = _torch()
    a = solve("losses.margin", y=-1, f=0.5).answers
    m = -0.5
    assert a["margin"] == pytest.approx(m)
    assert a["zero_one"] == 1
    assert a["squared"] == pytest.approx((-1 - 0.5) ** 2)  # (y − f)²
    assert a["logistic"] == pytest.approx(torch.nn.functional.softplus(t(-m)).item())
    assert a["hinge"] == pytest.approx(1.5)
    assert a["perceptron"] == pytest.approx(0.5)
    wrong = mistake("losses.margin", "label_sign_ignored", y=-1, f=0.5)
    assert wrong["margin"] == pytest.approx(0.5)
    assert wrong["hinge"] == pytest.approx(0.5)
    assert mistake("losses.margin", "label_sign_ignored", y=1, f=0.5) == {}
    assert mistake("losses.margin", "hinge_max_forgotten", y=1, f=2)["hinge"] == pytest.approx(-1)
    assert mistake("losses.margin", "squared_with_half", y=1, f=2)["squared"] == pytest.approx(0.5)


# --------------------------------------------------------------------------- properties


vectors = st.integers(1, 5).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(-5, 5), min_size=n, max_size=n), st.lists(st.floats(-5, 5), min_size=n, max_size=n)
    )
)


@settings(max_examples=50, deadline=None)
@given(vectors)
def test_regression_losses_nonnegative_and_sum_is_n_times_mean(pair):
    y, pred = pair
    n = len(y)
    for sid in ("losses.squared", "losses.absolute"):
        mean = solve(sid, y=y, pred=pred).answers
        total = solve(sid, y=y, pred=pred, reduction="sum").answers
        assert all(v >= 0 for v in mean["losses"])
        assert total["loss"] == pytest.approx(n * mean["loss"], abs=1e-9)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([-1, 1]), st.floats(-4, 4)), min_size=1, max_size=6))
def test_hinge_zero_exactly_when_margin_reaches_one(samples):
    y = [s[0] for s in samples]
    f = [s[1] for s in samples]
    a = solve("losses.hinge", y=y, f=f).answers
    for yi, fi, loss in zip(y, f, a["losses"], strict=True):
        assert (loss == 0) == (yi * fi >= 1)
        assert loss >= 0


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0.05, 10), min_size=2, max_size=5), st.data())
def test_cross_entropy_is_minus_log_of_true_class(weights, data):
    total = sum(weights)
    probs = [w / total for w in weights]
    label = data.draw(st.integers(1, len(probs)))
    a = solve("losses.cross_entropy", probs=[probs], y=[label]).answers
    assert a["loss"] == pytest.approx(-math.log(probs[label - 1]))
    assert a["loss"] >= 0
