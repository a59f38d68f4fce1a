"""Tests for solvers/gd.py: hand-written loops, torch autograd, and early-stopping properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers import registry
from solvers.core import SolverInputError

GD = registry.get("gd.descent")
ES = registry.get("gd.early_stopping")
REG = registry.get("gd.regularized_step")

X = [[1.0, 2.0], [2.0, -1.0], [0.0, 1.0], [3.0, 1.0]]
Y = [3.0, 1.0, 2.0, 4.0]


def hand_linear(x, y, w, b, lr, batches, half=True, mean=True):
    """Plain-Python gradient descent for ŷ = w·x + b with L = ½(ŷ − y)² per sample."""
    w = list(w)
    out = []
    for batch in batches:
        gw = [0.0] * len(w)
        gb = 0.0
        for i in batch:
            err = sum(wj * xj for wj, xj in zip(w, x[i], strict=True)) + b - y[i]
            if not half:
                err *= 2
            for j in range(len(w)):
                gw[j] += err * x[i][j]
            gb += err
        k = len(batch) if mean else 1
        w = [wj - lr * g / k for wj, g in zip(w, gw, strict=True)]
        b = b - lr * gb / k
        out.append((list(w), b))
    return out


def test_batch_gd_one_step_by_hand():
    # x = 1, 2, 3; y = 2, 4, 5; w = b = 0; α = 0.1.
    # errors ŷ − y = −2, −4, −5; ∂R/∂w = (−2 − 8 − 15)/3 = −25/3; ∂R/∂b = −11/3.
    # w₁ = 0.1·25/3 = 0.833333, b₁ = 0.1·11/3 = 0.366667.
    answers = GD.func(x=[1, 2, 3], y=[2, 4, 5], lr=0.1).answers
    assert answers["w"] == pytest.approx([25 / 30])
    assert answers["b"] == pytest.approx(11 / 30)
    assert answers["loss0"] == pytest.approx((4 + 16 + 25) / 6)


@pytest.mark.parametrize(
    "method, kwargs, batches",
    [
        ("batch", dict(steps=3), [[0, 1, 2, 3]] * 3),
        ("sgd", dict(order=[3, 1, 4, 2]), [[2], [0], [3], [1]]),
        ("sgd", dict(order=[2, 4], steps=5), [[1], [3], [1], [3], [1]]),
        ("minibatch", dict(batch_size=2, order=[4, 3, 2, 1], steps=3), [[3, 2], [1, 0], [3, 2]]),
        ("minibatch", dict(batch_size=3), [[0, 1, 2], [3]]),
    ],
)
def test_descent_against_hand_loop(method, kwargs, batches):
    answers = GD.func(x=X, y=Y, method=method, w=[0.5, -0.5], b=0.2, lr=0.05, **kwargs).answers
    expected = hand_linear(X, Y, [0.5, -0.5], 0.2, 0.05, batches)
    for t, (w, b) in enumerate(expected, start=1):
        assert answers[f"w_{t}"] == pytest.approx(w)
        assert answers[f"b_{t}"] == pytest.approx(b)
    assert answers["w"] == pytest.approx(expected[-1][0])


def test_linear_against_torch_autograd():
    torch = pytest.importorskip("torch")
    x = torch.tensor(X, dtype=torch.float64)
    y = torch.tensor(Y, dtype=torch.float64)
    w = torch.tensor([0.5, -0.5], dtype=torch.float64, requires_grad=True)
    b = torch.tensor(0.2, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w, b], lr=0.05)
    for _ in range(2):
        opt.zero_grad()
        (0.5 * (x @ w + b - y) ** 2).mean().backward()
        opt.step()
    risk = (0.5 * (x @ w + b - y) ** 2).mean().item()
    answers = GD.func(x=X, y=Y, w=[0.5, -0.5], b=0.2, lr=0.05, steps=2).answers
    assert answers["w"] == pytest.approx(w.tolist())
    assert answers["b"] == pytest.approx(b.item())
    assert answers["loss"] == pytest.approx(risk)


def test_logistic_against_torch_autograd():
    torch = pytest.importorskip("torch")
    labels = [1.0, 0.0, 1.0, 0.0]
    x = torch.tensor(X, dtype=torch.float64)
    y = torch.tensor(labels, dtype=torch.float64)
    w = torch.tensor([0.3, -0.2], dtype=torch.float64, requires_grad=True)
    b = torch.tensor(0.1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w, b], lr=0.5)
    batches = [[0, 1], [2, 3]]
    for batch in batches:
        opt.zero_grad()
        torch.nn.functional.binary_cross_entropy_with_logits(x[batch] @ w + b, y[batch]).backward()
        opt.step()
    answers = GD.func(
        x=X, y=labels, method="minibatch", model="logistic", w=[0.3, -0.2], b=0.1, lr=0.5, batch_size=2
    ).answers
    assert answers["w"] == pytest.approx(w.tolist())
    assert answers["b"] == pytest.approx(b.item())
    risk = torch.nn.functional.binary_cross_entropy_with_logits(x @ w + b, y).item()
    assert answers["loss"] == pytest.approx(risk)


def test_model_without_bias_and_typed_one_row():
    # "x = 1,2,3" typed as one row for three one-feature samples; ŷ = w·x; w₁ = 0.1·(2 + 8 + 15)/3
    answers = GD.func(x=[[1, 2, 3]], y=[2, 4, 5], bias=False, lr=0.1).answers
    assert answers["w_scalar"] == pytest.approx(2.5 / 3)
    assert "b" not in answers


# --------------------------------------------------------------------------- descent mistakes


def test_descent_mistakes_match_hand_loops():
    kwargs = dict(x=X, y=Y, method="minibatch", batch_size=2, order=[4, 3, 2, 1], w=[0.5, -0.5], b=0.2, lr=0.05)
    batches = [[3, 2], [1, 0]]
    right = GD.func(**kwargs).answers
    half = GD.mistakes["half_dropped"](**kwargs)
    assert half["w"] == pytest.approx(hand_linear(X, Y, [0.5, -0.5], 0.2, 0.05, batches, half=False)[-1][0])
    summed = GD.mistakes["sum_instead_of_mean"](**kwargs)
    assert summed["w"] == pytest.approx(hand_linear(X, Y, [0.5, -0.5], 0.2, 0.05, batches, mean=False)[-1][0])
    order = GD.mistakes["order_ignored"](**kwargs)
    assert order["w"] == pytest.approx(hand_linear(X, Y, [0.5, -0.5], 0.2, 0.05, [[0, 1], [2, 3]])[-1][0])
    frozen = GD.mistakes["bias_not_updated"](**kwargs)
    assert frozen["b"] == 0.2
    for wrong in (half, summed, order):
        assert not np.allclose(wrong["w"], right["w"], rtol=1e-3)


def test_sign_error_is_gradient_ascent():
    kwargs = dict(x=[1, 2, 3], y=[2, 4, 5], lr=0.1)
    wrong = GD.mistakes["sign_error"](**kwargs)
    assert wrong["w"] == pytest.approx([-25 / 30])
    assert wrong["b"] == pytest.approx(-11 / 30)


def test_mse_gradient_with_sigmoid():
    # one sample x = 2, y = 1, w = b = 0: ŷ = ½, error −½; cross-entropy gradient −½·2 = −1;
    # squared loss through σ: −½·¼·2 = −¼. With α = 1: w = 1 (right) vs 0.25 (mistake).
    kwargs = dict(x=[[2]], y=[1], model="logistic", lr=1.0, bias=False)
    assert GD.func(**kwargs).answers["w"] == pytest.approx([1.0])
    assert GD.mistakes["mse_gradient_with_sigmoid"](**kwargs)["w"] == pytest.approx([0.25])


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(x=[[1, 2], [3, 4]], y=[1, 2, 3]),
        dict(x=[1, 2], y=[1, 2], w=[1, 2]),
        dict(x=[1, 2], y=[1, 2], order=[0, 1], method="sgd"),
        dict(x=[1, 2], y=[0.5, 1], model="logistic"),
        dict(x=[1, 2], y=[1, 2], lr=0),
        dict(x=[1, 2], y=[1, 2], steps=1000),
    ],
)
def test_descent_bad_input(kwargs):
    with pytest.raises(SolverInputError):
        GD.func(**kwargs)


# --------------------------------------------------------------------------- early stopping


def keras_like(values, patience, min_delta=0.0):
    """An independent early-stopping loop in the style of Keras' EarlyStopping callback."""
    best, best_epoch, wait = None, None, 0
    for epoch, current in enumerate(values, start=1):
        if best is None or np.less(current + min_delta, best):
            best, best_epoch, wait = current, epoch, 0
            continue
        wait += 1
        if wait >= patience:
            return epoch, best_epoch
    return len(values), best_epoch


def test_early_stopping_example():
    # best at epoch 3 (0.6); epochs 4, 5, 6 do not improve → stop after epoch 6 with patience 3
    answers = ES.func(val_losses=[0.9, 0.7, 0.6, 0.65, 0.62, 0.64, 0.5, 0.7], patience=3).answers
    assert (answers["stop_epoch"], answers["best_epoch"], answers["best_loss"]) == (6, 3, 0.6)


def test_early_stopping_mistakes():
    kwargs = dict(val_losses=[0.9, 0.7, 0.6, 0.65, 0.62, 0.64, 0.5, 0.7], patience=3)
    assert ES.mistakes["stop_at_first_increase"](**kwargs) == {"stop_epoch": 4, "best_epoch": 3, "best_loss": 0.6}
    assert ES.mistakes["best_is_stop_epoch"](**kwargs) == {"best_epoch": 6, "best_loss": 0.64}
    assert ES.mistakes["global_min"](**kwargs) == {"best_epoch": 7, "best_loss": 0.5}
    # patience 4: epochs 4–7 are checked, 7 improves (0.5), then only epoch 8 remains → runs to the end
    assert ES.mistakes["stop_one_late"](**kwargs)["stop_epoch"] == 8
    assert ES.mistakes["stop_one_early"](**kwargs)["stop_epoch"] == 5


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(1, 30), min_size=1, max_size=20), st.integers(1, 5), st.sampled_from([0, 0.5, 2]))
def test_early_stopping_properties(values, patience, min_delta):
    answers = ES.func(val_losses=values, patience=patience, min_delta=min_delta).answers
    stop, best = answers["stop_epoch"], answers["best_epoch"]
    assert (stop, best) == keras_like(values, patience, min_delta)
    assert 1 <= best <= stop <= len(values)
    assert stop - best <= patience
    assert answers["best_loss"] == values[best - 1]
    if min_delta == 0:
        assert answers["best_loss"] == min(values[:stop])


# --------------------------------------------------------------------------- regularized step


def test_l2_step_equals_torch_weight_decay():
    """(λ/2)‖w‖² added to the loss is torch's weight_decay = λ for plain SGD."""
    torch = pytest.importorskip("torch")
    w = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1, weight_decay=0.3)
    w.grad = torch.tensor([0.5, 1.0, -1.0], dtype=torch.float64)
    opt.step()
    answers = REG.func(w=[1, -2, 0.5], grad=[0.5, 1, -1], lam=0.3, lr=0.1).answers
    assert answers["w"] == pytest.approx(w.tolist())


def test_l1_step_against_autograd():
    torch = pytest.importorskip("torch")
    w = torch.tensor([1.0, -2.0, 0.0], dtype=torch.float64, requires_grad=True)
    loss = (w[0] - 3) ** 2 + w[1] ** 2 * w[0] + 0.2 * w.abs().sum()  # torch's |·|' at 0 is 0, as sign(0)
    loss.backward()
    answers = REG.func(w=[1, -2, 0], loss="(a - 3)^2 + b^2*a + 0*c", lam=0.2, penalty="l1", lr=0.1).answers
    assert answers["grad"] == pytest.approx(w.grad.tolist())
    assert answers["w"] == pytest.approx((w.detach() - 0.1 * w.grad).tolist())
    assert answers["loss"] == pytest.approx(loss.item())


def test_l2_without_half_and_loss_value():
    # λ‖w‖² with λ = 0.5, w = (1, 2): penalty 2.5, gradient 2λw = (1, 2); data L = (w1 − 1)² + w2² = 4
    answers = REG.func(w=[1, 2], loss="(w1-1)^2 + w2^2", lam=0.5, half=False).answers
    assert answers["penalty"] == pytest.approx(2.5)
    assert answers["loss"] == pytest.approx(6.5)
    assert answers["grad"] == pytest.approx([1, 6])
    assert answers["w"] == pytest.approx([0.9, 1.4])


def test_weight_decay_form():
    # w ← (1 − β)w − α·g = 0.9·(1, 2) − 0.1·(1, 1)
    assert REG.func(w=[1, 2], grad=[1, 1], lam=0.1, penalty="decay").answers["w"] == pytest.approx([0.8, 1.7])


def test_regularization_mistakes():
    l2 = dict(w=[1, -2], grad=[0.5, 1], lam=0.1, data_loss=2)
    assert REG.mistakes["forgot_regularization"](**l2)["w"] == pytest.approx([0.95, -2.1])
    # half confusion: 2λw = (0.2, −0.4), penalty λ‖w‖² = 0.5
    confused = REG.mistakes["l2_half_confusion"](**l2)
    assert confused["w"] == pytest.approx([1 - 0.1 * 0.7, -2 - 0.1 * 0.6])
    assert confused["penalty"] == pytest.approx(0.5)
    assert REG.mistakes["penalty_sign_error"](**l2)["w"] == pytest.approx([1 - 0.1 * 0.4, -2 - 0.1 * 1.2])
    l1 = dict(w=[1, -2, 0], grad=[0.5, 1, 0.2], lam=0.1, penalty="l1")
    assert REG.func(**l1).answers["w"] == pytest.approx([0.94, -2.09, -0.02])
    assert REG.mistakes["l1_as_l2"](**l1)["w"] == pytest.approx([0.94, -2.08, -0.02])
    assert REG.mistakes["l1_no_sign"](**l1)["w"] == pytest.approx([0.94, -2.11, -0.03])
    assert REG.mistakes["l1_as_l2"](**l2) == {}


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-5, 5), min_size=1, max_size=4), st.floats(0, 2), st.floats(0.01, 1))
def test_l2_shrinks_towards_zero_without_data_gradient(w, lam, lr):
    """With ∇L = 0 an L2 step multiplies w by (1 − αλ) exactly."""
    answers = REG.func(w=w, grad=[0.0] * len(w), lam=lam, lr=lr).answers
    np.testing.assert_allclose(answers["w"], np.array(w) * (1 - lr * lam), rtol=1e-12, atol=1e-12)
    assert answers["penalty"] == pytest.approx(lam / 2 * sum(v * v for v in w))
    assert math.isfinite(answers["penalty"])


# --------------------------------------------------------------------------- worked-step wording


def _zh_text(sol) -> str:
    parts = []
    for s in sol.steps:
        parts += [s.what.zh, s.formula or "", s.substituted or "", s.result or ""]
        if s.note is not None:
            parts.append(s.note.zh)
    return "\n".join(parts)


def test_bias_gradient_is_shown_with_its_numbers():
    # x = (1, 2), y = (1, 1), w = b = 0: residuals (−1, −1); ∂R/∂w = (−1 − 2)/2, ∂R/∂b = (−1 − 1)/2
    sol = GD.func(x=[1, 2], y=[1, 1], lr=0.1)
    grad = next(s for s in sol.steps if s.formula.startswith("∂R/∂w"))
    assert grad.substituted == "((-1)·1 + (-1)·2)/2;  ((-1) + (-1))/2"
    assert sol.answers["grad_b_1"] == pytest.approx(-1.0)


def test_logistic_note_does_not_talk_about_the_squared_loss():
    sol = GD.func(x=[1, 2], y=[1, 0], model="logistic")
    note = sol.steps[0].note
    assert note is not None and "½" not in note.en and "½" not in note.zh
    assert "σ'(z)" in note.en
    linear = GD.func(x=[1, 2], y=[1, 0]).steps[0].note
    assert linear is not None and "½" in linear.en and "stochastic" not in sol.steps[0].what.en
    assert GD.func(x=[1, 2], y=[1, 0], method="sgd").steps[0].what.en == (
        "Model and loss (stochastic gradient descent)"
    )


def test_regularized_steps_have_no_english_in_chinese():
    # L = (w1 − 2)² + w2² at w = (1, 1): L = 2, ∇L = (−2, 2); λ = 0.1: ∇J = (−1.9, 2.1)
    sol = REG.func(w=[1, 1], loss="(w1 - 2)^2 + w2^2", lam=0.1)
    assert sol.answers["grad"] == pytest.approx([-1.9, 2.1])
    zh = _zh_text(sol)
    for english in (" at ", "given", "penalty"):
        assert english not in zh
    first = sol.steps[0]
    assert "(w₁ − 2)²" in first.formula and first.formula.endswith(";  ∇L = (2·w₁ − 4, 2·w₂)")
    assert first.result == "L = 2, ∇L = (-2, 2)"
    given_grad = REG.func(w=[1, -1], grad=[0.5, 0], lam=0.2, penalty="l1")
    assert "given" not in _zh_text(given_grad)
    assert given_grad.steps[-1].formula == "w ← w − α·(∇L + λ·sign(w))"


def test_early_stopping_formula_has_no_english():
    sol = ES.func(val_losses=[1.0, 0.8, 0.9, 0.95], patience=2)
    assert sol.answers["stop_epoch"] == 4 and sol.answers["best_epoch"] == 2
    assert "then" not in sol.steps[0].formula
