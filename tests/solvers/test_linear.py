"""Logistic and softmax regression solvers, checked against hand formulas and PyTorch autograd."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from solvers import registry
from solvers.core import SolverInputError


def _torch():
    """PyTorch for the cross-checks; tests that need it skip cleanly when it is missing."""
    return pytest.importorskip("torch")


def spec(solver_id: str):
    return registry.get(solver_id)


def solve(solver_id: str, **kwargs):
    return spec(solver_id).func(**kwargs)


def mistake(solver_id: str, name: str, **kwargs):
    return spec(solver_id).mistakes[name](**kwargs)


def t(x):
    torch = _torch()
    return torch.tensor(x, dtype=torch.float64)


# --------------------------------------------------------------------------- logistic, one input


def test_logistic_worked_example():
    # w = (1, −1), x = (2, 1), b = 0.5: z = 2 − 1 + 0.5 = 1.5
    # σ(1.5) = 1/(1 + e^−1.5) = 1/(1 + 0.22313016) = 0.81757448
    # odds = e^1.5 = 4.48168907, log-odds = 1.5
    sol = solve("linear.logistic", w=[1, -1], x=[2, 1], b=0.5)
    a = sol.answers
    assert a["z"] == pytest.approx(1.5)
    assert a["prob"] == pytest.approx(0.81757448, abs=1e-8)
    assert a["prob_neg"] == pytest.approx(1 - 0.81757448, abs=1e-8)
    assert a["odds"] == pytest.approx(4.48168907, abs=1e-7)
    assert a["log_odds"] == pytest.approx(1.5)
    assert a["label"] == 1
    json.dumps(a)
    assert all(s.what.en and s.what.zh for s in sol.steps)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.integers(-3, 3), min_size=1, max_size=4).flatmap(
        lambda w: st.tuples(st.just(w), st.lists(st.integers(-3, 3), min_size=len(w), max_size=len(w)))
    ),
    st.floats(-2, 2),
)
def test_logistic_log_odds_is_net_input(wx, b):
    w, x = wx
    a = solve("linear.logistic", w=w, x=x, b=b).answers
    z = sum(wi * xi for wi, xi in zip(w, x, strict=True)) + b
    assert a["z"] == pytest.approx(z, abs=1e-12)
    assert a["prob"] == pytest.approx(1 / (1 + math.exp(-z)), abs=1e-12)
    assert a["log_odds"] == pytest.approx(z, abs=1e-9)
    assert a["prob"] + a["prob_neg"] == pytest.approx(1.0)


def test_logistic_mistakes():
    kw = dict(w=[1, -1], x=[2, 1], b=0.5)
    right = solve("linear.logistic", **kw).answers
    no_bias = mistake("linear.logistic", "bias_forgotten", **kw)
    assert no_bias["prob"] == pytest.approx(1 / (1 + math.exp(-1.0)))  # z = 1 without b
    flipped = mistake("linear.logistic", "sigmoid_sign_flipped", **kw)
    assert flipped["prob"] == pytest.approx(1 / (1 + math.exp(1.5)))
    assert flipped["prob"] != pytest.approx(right["prob"])
    log10 = mistake("linear.logistic", "log10_log_odds", **kw)
    assert log10["log_odds"] == pytest.approx(math.log10(math.exp(1.5)))
    inverted = mistake("linear.logistic", "odds_inverted", **kw)
    assert inverted["odds"] == pytest.approx(1 / 4.48168907, rel=1e-7)
    # no bias, nothing to forget
    assert mistake("linear.logistic", "bias_forgotten", w=[1], x=[1], b=0.0) == {}


def test_odds_from_probability():
    # p = 0.8: odds = 0.8/0.2 = 4, ln 4 = 1.3862944, log10 4 = 0.60206
    a = solve("linear.odds", p=0.8).answers
    assert a["odds"] == pytest.approx(4.0)
    assert a["log_odds"] == pytest.approx(1.3862944, abs=1e-7)
    assert mistake("linear.odds", "log10_log_odds", p=0.8)["log_odds"] == pytest.approx(0.60206, abs=1e-5)
    assert mistake("linear.odds", "odds_inverted", p=0.8)["odds"] == pytest.approx(0.25)
    assert mistake("linear.odds", "log_of_probability", p=0.8)["log_odds"] == pytest.approx(math.log(0.8))
    with pytest.raises(SolverInputError):
        solve("linear.odds", p=1.0)


# --------------------------------------------------------------------------- logistic, dataset


DATA = dict(X=[[1, 2], [2, -1], [0, 1]], y=[1, 0, 1], w=[0.5, -0.5], b=0.1)


def test_logistic_loss_matches_torch():
    torch = _torch()
    F = torch.nn.functional
    a = solve("linear.logistic_loss", **DATA).answers
    X, y, w = t(DATA["X"]), t(DATA["y"]), t(DATA["w"])
    p = torch.sigmoid(X @ w + DATA["b"])
    assert a["probs"] == pytest.approx(p.tolist(), abs=1e-12)
    assert a["losses"] == pytest.approx(F.binary_cross_entropy(p, y, reduction="none").tolist(), abs=1e-12)
    assert a["loss"] == pytest.approx(F.binary_cross_entropy(p, y).item(), abs=1e-12)


def test_logistic_loss_mistakes():
    torch = _torch()
    F = torch.nn.functional
    X, y, w = t(DATA["X"]), t(DATA["y"]), t(DATA["w"])
    p = torch.sigmoid(X @ w + DATA["b"])
    ln_mean = F.binary_cross_entropy(p, y).item()
    assert mistake("linear.logistic_loss", "log10_instead_of_ln", **DATA)["loss"] == pytest.approx(
        ln_mean / math.log(10)
    )
    assert mistake("linear.logistic_loss", "log2_instead_of_ln", **DATA)["loss"] == pytest.approx(ln_mean / math.log(2))
    assert mistake("linear.logistic_loss", "sum_instead_of_mean", **DATA)["loss"] == pytest.approx(
        F.binary_cross_entropy(p, y, reduction="sum").item()
    )
    only_pos = mistake("linear.logistic_loss", "only_positive_term", **DATA)
    hand = [-(yi * math.log(pi)) for yi, pi in zip(DATA["y"], p.tolist(), strict=True)]
    assert only_pos["losses"] == pytest.approx(hand)
    assert only_pos["loss"] != pytest.approx(ln_mean)


def test_logistic_labels_must_be_01():
    with pytest.raises(SolverInputError):
        solve("linear.logistic_loss", X=[[1, 0]], y=[-1], w=[1, 1])
    with pytest.raises(SolverInputError):
        solve("linear.logistic_loss", X=[[1, 0, 1]], y=[1], w=[1, 1])


def _torch_logistic_grads(X, y, w, b):
    torch = _torch()
    F = torch.nn.functional
    wt = t(w).requires_grad_(True)
    bt = t(b if b is not None else 0.0).requires_grad_(b is not None)
    loss = F.binary_cross_entropy(torch.sigmoid(t(X) @ wt + bt), t(y))
    loss.backward()
    return loss.item(), wt.grad.numpy(), (bt.grad.item() if b is not None else None)


def test_logistic_step_matches_autograd():
    alpha = 0.5
    a = solve("linear.logistic_step", alpha=alpha, **DATA).answers
    loss, gw, gb = _torch_logistic_grads(DATA["X"], DATA["y"], DATA["w"], DATA["b"])
    assert a["loss"] == pytest.approx(loss, abs=1e-12)
    assert a["grad_w"] == pytest.approx(gw.tolist(), abs=1e-12)
    assert a["grad_b"] == pytest.approx(gb, abs=1e-12)
    w_new = np.array(DATA["w"]) - alpha * gw
    assert a["w_new"] == pytest.approx(w_new.tolist(), abs=1e-12)
    assert a["b_new"] == pytest.approx(DATA["b"] - alpha * gb, abs=1e-12)
    new_loss, _, _ = _torch_logistic_grads(DATA["X"], DATA["y"], w_new.tolist(), DATA["b"] - alpha * gb)
    assert a["loss_new"] == pytest.approx(new_loss, abs=1e-12)


def test_logistic_step_notes_form_without_bias():
    # The notes' update w ← w + α(1/N)Σ x_n(y_n − ŷ_n), written out with a loop.
    X, y, w, alpha = [[1, 1], [1, -2]], [1, 0], [0.0, 0.5], 0.2
    a = solve("linear.logistic_step", X=X, y=y, w=w, alpha=alpha).answers
    acc = [0.0, 0.0]
    for xn, yn in zip(X, y, strict=True):
        yhat = 1 / (1 + math.exp(-(w[0] * xn[0] + w[1] * xn[1])))
        for j in range(2):
            acc[j] += xn[j] * (yn - yhat)
    expected = [w[j] + alpha * acc[j] / len(X) for j in range(2)]
    assert a["w_new"] == pytest.approx(expected, abs=1e-12)
    assert "b_new" not in a


def test_logistic_step_mistakes():
    alpha = 0.5
    _, gw, gb = _torch_logistic_grads(DATA["X"], DATA["y"], DATA["w"], DATA["b"])
    w = np.array(DATA["w"])
    sign = mistake("linear.logistic_step", "gradient_sign_flipped", alpha=alpha, **DATA)
    assert sign["w_new"] == pytest.approx((w + alpha * gw).tolist())
    assert sign["b_new"] == pytest.approx(DATA["b"] + alpha * gb)
    no_mean = mistake("linear.logistic_step", "forgot_1_over_n", alpha=alpha, **DATA)
    assert no_mean["w_new"] == pytest.approx((w - alpha * 3 * gw).tolist())  # N = 3
    # with one sample 1/N changes nothing
    assert mistake("linear.logistic_step", "forgot_1_over_n", X=[[1, 2]], y=[1], w=[0, 0]) == {}
    log10 = mistake("linear.logistic_step", "log10_instead_of_ln", alpha=alpha, **DATA)
    right = solve("linear.logistic_step", alpha=alpha, **DATA).answers
    assert log10["loss"] == pytest.approx(right["loss"] / math.log(10))


@settings(max_examples=50, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda n: st.tuples(
            st.lists(st.lists(st.integers(-3, 3), min_size=2, max_size=2), min_size=n, max_size=n),
            st.lists(st.integers(0, 1), min_size=n, max_size=n),
        )
    ),
    st.lists(st.floats(-2, 2), min_size=2, max_size=2),
)
def test_logistic_tiny_step_reduces_loss(data, w):
    X, y = data
    a = solve("linear.logistic_step", X=X, y=y, w=w, b=0.0, alpha=1e-3).answers
    assume(sum(g * g for g in a["grad_w"]) + a["grad_b"] ** 2 > 1e-6)
    assert a["loss_new"] < a["loss"]


# --------------------------------------------------------------------------- softmax regression


SOFT = dict(W=[[1, 0, -1], [0, 1, 1]], x=[1, 2], b=[0.5, 0, 0])  # W is d×C = 2×3


def test_softmax_matches_torch():
    torch = _torch()
    F = torch.nn.functional
    a = solve("linear.softmax", y=3, **SOFT).answers
    z = t(SOFT["W"]).T @ t(SOFT["x"]) + t(SOFT["b"])
    # by hand: z1 = 1 + 0 + 0.5 = 1.5, z2 = 0 + 2 = 2, z3 = −1 + 2 = 1
    assert a["scores"] == pytest.approx([1.5, 2.0, 1.0])
    assert a["probs"] == pytest.approx(torch.softmax(z, 0).tolist(), abs=1e-12)
    assert a["pred"] == 2
    assert a["loss"] == pytest.approx(F.cross_entropy(z[None], torch.tensor([2])).item(), abs=1e-12)


@settings(max_examples=50, deadline=None)
@given(
    st.integers(1, 3).flatmap(
        lambda d: st.tuples(
            st.lists(st.lists(st.integers(-3, 3), min_size=3, max_size=3), min_size=d, max_size=d),
            st.lists(st.integers(-3, 3), min_size=d, max_size=d),
        )
    )
)
def test_softmax_probabilities_sum_to_one(Wx):
    W, x = Wx
    a = solve("linear.softmax", W=W, x=x).answers
    assert sum(a["probs"]) == pytest.approx(1.0, abs=1e-12)
    # the largest probability rounds to exactly 1.0 once the others are below 1e-16 (z gaps of about 37),
    # e.g. W = [[0, -2, 0], [2, -3, 2], [3, -3, 3]], x = (−3, −3, −3): ŷ = (1.15e-17, 1, 1.15e-17)
    assert all(0 < p <= 1 for p in a["probs"])
    assert a["probs"][a["pred"] - 1] == max(a["probs"])


def test_softmax_mistakes():
    z = [1.5, 2.0, 1.0]
    no_exp = mistake("linear.softmax", "no_exponent", y=3, **SOFT)
    assert no_exp["probs"] == pytest.approx([v / 4.5 for v in z])
    assert no_exp["loss"] == pytest.approx(-math.log(1.0 / 4.5))
    sig = mistake("linear.softmax", "sigmoid_per_class", y=3, **SOFT)
    assert sig["probs"] == pytest.approx([1 / (1 + math.exp(-v)) for v in z])
    log10 = mistake("linear.softmax", "log10_instead_of_ln", y=3, **SOFT)
    right = solve("linear.softmax", y=3, **SOFT).answers
    assert log10["loss"] == pytest.approx(right["loss"] / math.log(10))
    # rows-as-classes needs a square W: Wx instead of Wᵀx
    sq = mistake("linear.softmax", "rows_as_classes", W=[[1, 2], [0, 1]], x=[1, 1])
    assert sq["scores"] == pytest.approx([3.0, 1.0])
    assert solve("linear.softmax", W=[[1, 2], [0, 1]], x=[1, 1]).answers["scores"] == pytest.approx([1.0, 3.0])
    assert mistake("linear.softmax", "rows_as_classes", **SOFT) == {}


def test_softmax_bad_inputs():
    with pytest.raises(SolverInputError):
        solve("linear.softmax", W=[[1, 0], [0, 1]], x=[1, 2, 3])
    with pytest.raises(SolverInputError):
        solve("linear.softmax", W=[[1, 0], [0, 1]], x=[1, 2], y=3)


STEP = dict(W=[[1, 0, -1], [0, 1, 1]], X=[[1, 2], [0, 1]], y=[1, 3], b=[0, 0, 0])


def _torch_softmax_grads(W, X, y, b):
    torch = _torch()
    F = torch.nn.functional
    Wt = t(W).requires_grad_(True)
    bt = t(b).requires_grad_(True)
    loss = F.cross_entropy(t(X) @ Wt + bt, torch.tensor([c - 1 for c in y]))
    loss.backward()
    return loss.item(), Wt.grad.numpy(), bt.grad.numpy()


def test_softmax_step_matches_autograd():
    alpha = 0.5
    a = solve("linear.softmax_step", alpha=alpha, **STEP).answers
    loss, gW, gb = _torch_softmax_grads(STEP["W"], STEP["X"], STEP["y"], STEP["b"])
    assert a["loss"] == pytest.approx(loss, abs=1e-12)
    assert np.allclose(a["grad_W"], gW, atol=1e-12)
    W_new = np.array(STEP["W"]) - alpha * gW
    b_new = np.array(STEP["b"]) - alpha * gb
    assert np.allclose(a["W_new"], W_new, atol=1e-12)
    assert np.allclose(a["b_new"], b_new, atol=1e-12)
    new_loss, _, _ = _torch_softmax_grads(W_new.tolist(), STEP["X"], STEP["y"], b_new.tolist())
    assert a["loss_new"] == pytest.approx(new_loss, abs=1e-12)
    assert a["loss_new"] < a["loss"]
    json.dumps(a)


def test_softmax_step_mistakes():
    alpha = 0.5
    _, gW, _ = _torch_softmax_grads(STEP["W"], STEP["X"], STEP["y"], STEP["b"])
    W = np.array(STEP["W"], dtype=float)
    sign = mistake("linear.softmax_step", "gradient_sign_flipped", alpha=alpha, **STEP)
    assert np.allclose(sign["W_new"], W + alpha * gW)
    no_mean = mistake("linear.softmax_step", "forgot_1_over_n", alpha=alpha, **STEP)
    assert np.allclose(no_mean["W_new"], W - alpha * 2 * gW)  # N = 2
    # true class only: column y_n gets x_n(1 − ŷ_{n,y_n}), other columns nothing (hand loop)
    P = solve("linear.softmax_step", alpha=alpha, **STEP).answers["probs"]
    G = np.zeros_like(W)
    for n, (xn, yn) in enumerate(zip(STEP["X"], STEP["y"], strict=True)):
        for j in range(2):
            G[j, yn - 1] += xn[j] * (1 - P[n][yn - 1]) / 2
    only = mistake("linear.softmax_step", "true_class_only", alpha=alpha, **STEP)
    assert np.allclose(only["W_new"], W + alpha * G)
    assert not np.allclose(only["W_new"], W - alpha * gW)
