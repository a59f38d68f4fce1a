"""Regularization solvers, checked against PyTorch autograd, torch.optim.SGD and hand formulas."""

from __future__ import annotations

import json

import numpy as np
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


W = [1.0, -2.0, 0.5]


# --------------------------------------------------------------------------- penalty


def test_l2_penalty_and_gradient_match_autograd():
    torch = _torch()
    for half, c in ((True, 0.5), (False, 1.0)):
        w = torch.tensor(W, dtype=torch.float64, requires_grad=True)
        pen = c * 0.1 * (w**2).sum()
        pen.backward()
        a = solve("regularization.penalty", w=W, lam=0.1, half=half).answers
        assert a["penalty"] == pytest.approx(pen.item())
        assert a["grad"] == pytest.approx(w.grad.tolist())
        assert a["norm_value"] == pytest.approx(1 + 4 + 0.25)


def test_l1_penalty_and_subgradient_match_autograd():
    torch = _torch()
    w_list = [1.0, -2.0, 0.0]
    w = torch.tensor(w_list, dtype=torch.float64, requires_grad=True)
    pen = 0.1 * w.abs().sum()
    pen.backward()  # PyTorch also takes 0 as the subgradient of |w| at 0
    a = solve("regularization.penalty", w=w_list, lam=0.1, norm="l1", data_loss=0.5).answers
    assert a["penalty"] == pytest.approx(pen.item())
    assert a["grad"] == pytest.approx(w.grad.tolist())
    assert a["total"] == pytest.approx(0.5 + 0.3)
    json.dumps(a)


def test_penalty_mistakes():
    # ‖w‖² = 5.25, ‖w‖ = √5.25
    l2 = dict(w=W, lam=0.1, data_loss=1.0)
    swapped = mistake("regularization.penalty", "half_convention_swapped", **l2)
    assert swapped["penalty"] == pytest.approx(0.525)
    assert swapped["grad"] == pytest.approx([0.2, -0.4, 0.1])
    assert swapped["total"] == pytest.approx(1.525)
    not_sq = mistake("regularization.penalty", "l2_not_squared", **l2)
    assert not_sq["penalty"] == pytest.approx(0.05 * 5.25**0.5)
    l1 = dict(w=W, lam=0.1, norm="l1")
    assert mistake("regularization.penalty", "l1_grad_as_2lam_w", **l1)["grad"] == pytest.approx([0.2, -0.4, 0.1])
    assert mistake("regularization.penalty", "l1_abs_forgotten", **l1)["penalty"] == pytest.approx(0.1 * (1 - 2 + 0.5))
    # each mistake belongs to one norm only
    assert mistake("regularization.penalty", "l1_grad_as_2lam_w", **l2) == {}
    assert mistake("regularization.penalty", "half_convention_swapped", **l1) == {}


def test_bad_inputs():
    with pytest.raises(SolverInputError):
        solve("regularization.penalty", w=W, lam=-1)
    with pytest.raises(SolverInputError):
        solve("regularization.penalty", w=W, lam=0.1, norm="l3")
    with pytest.raises(SolverInputError):
        solve("regularization.sgd_step", w=W, g=[1, 2], alpha=0.1, lam=0.1)


# --------------------------------------------------------------------------- SGD step


def test_l2_step_matches_torch_sgd_weight_decay():
    torch = _torch()
    g = [0.5, 0.5, -1.0]
    for half in (True, False):
        p = torch.nn.Parameter(torch.tensor(W, dtype=torch.float64))
        # PyTorch's weight_decay adds wd·w to the gradient, i.e. the gradient of (wd/2)‖w‖²
        opt = torch.optim.SGD([p], lr=0.1, weight_decay=0.2 if half else 0.4)
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        a = solve("regularization.sgd_step", w=W, g=g, alpha=0.1, lam=0.2, half=half).answers
        assert a["w_new"] == pytest.approx(p.detach().tolist())
        assert a["decay"] == pytest.approx(1 - 0.1 * (0.2 if half else 0.4))


def test_l1_step_matches_autograd():
    torch = _torch()
    g = [0.5, 0.5, -1.0]
    w = torch.tensor(W, dtype=torch.float64, requires_grad=True)
    (torch.tensor(g, dtype=torch.float64) @ w + 0.3 * w.abs().sum()).backward()
    a = solve("regularization.sgd_step", w=W, g=g, alpha=0.1, lam=0.3, norm="l1").answers
    assert a["grad"] == pytest.approx(w.grad.tolist())
    assert a["w_new"] == pytest.approx((w.detach() - 0.1 * w.grad).tolist())
    assert "decay" not in a


def test_sgd_step_mistakes():
    w, g = np.array(W), np.array([0.5, 0.5, -1.0])
    kw = dict(w=W, g=g.tolist(), alpha=0.1, lam=0.2)
    assert mistake("regularization.sgd_step", "forgot_regularizer", **kw)["w_new"] == pytest.approx(
        (w - 0.1 * g).tolist()
    )
    assert mistake("regularization.sgd_step", "ascent_sign", **kw)["w_new"] == pytest.approx(
        (w + 0.1 * (g + 0.2 * w)).tolist()
    )
    assert mistake("regularization.sgd_step", "half_convention_swapped", **kw)["w_new"] == pytest.approx(
        (w - 0.1 * (g + 0.4 * w)).tolist()
    )
    assert mistake("regularization.sgd_step", "decay_without_lr", **kw)["w_new"] == pytest.approx(
        ((1 - 0.2) * w - 0.1 * g).tolist()
    )
    l1 = dict(kw, norm="l1")
    assert mistake("regularization.sgd_step", "l1_grad_as_2lam_w", **l1)["w_new"] == pytest.approx(
        (w - 0.1 * (g + 0.4 * w)).tolist()
    )
    assert mistake("regularization.sgd_step", "decay_without_lr", **l1) == {}


small = st.floats(-3, 3, allow_nan=False).map(lambda v: round(v, 2))


@settings(max_examples=50, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda n: st.tuples(st.lists(small, min_size=n, max_size=n), st.lists(small, min_size=n, max_size=n))
    ),
    st.floats(0.01, 0.5),
    st.floats(0.0, 2.0),
    st.booleans(),
)
def test_l2_step_equals_weight_decay_form(wg, alpha, lam, half):
    w, g = wg
    a = solve("regularization.sgd_step", w=w, g=g, alpha=alpha, lam=lam, half=half).answers
    k = lam if half else 2 * lam
    decay_form = [(1 - alpha * k) * wi - alpha * gi for wi, gi in zip(w, g, strict=True)]
    assert a["w_new"] == pytest.approx(decay_form, abs=1e-12)
    # and the textbook weight-decay solver with β = αk gives the same weights and recovers λ
    if alpha * k < 1:
        wd = solve("regularization.weight_decay", w=w, g=g, alpha=alpha, beta=alpha * k, half=half).answers
        assert wd["w_new"] == pytest.approx(a["w_new"], abs=1e-12)
        assert wd["lam"] == pytest.approx(lam, abs=1e-12)


# --------------------------------------------------------------------------- weight decay


def test_weight_decay_worked_example():
    # w = (1, −2), g = (0.5, 0.5), α = 0.1, β = 0.02:
    # (1 − 0.02)·w = (0.98, −1.96); minus 0.1·g → (0.93, −2.01); λ = β/α = 0.2
    a = solve("regularization.weight_decay", w=[1, -2], g=[0.5, 0.5], alpha=0.1, beta=0.02).answers
    assert a["decayed"] == pytest.approx([0.98, -1.96])
    assert a["w_new"] == pytest.approx([0.93, -2.01])
    assert a["lam"] == pytest.approx(0.2)
    assert solve("regularization.weight_decay", w=[1], g=[0], alpha=0.1, beta=0.02, half=False).answers[
        "lam"
    ] == pytest.approx(0.1)
    kw = dict(w=[1, -2], g=[0.5, 0.5], alpha=0.1, beta=0.02)
    assert mistake("regularization.weight_decay", "lam_equals_beta", **kw)["lam"] == pytest.approx(0.02)
    assert mistake("regularization.weight_decay", "half_convention_swapped", **kw)["lam"] == pytest.approx(0.1)
    assert mistake("regularization.weight_decay", "decay_after_step", **kw)["w_new"] == pytest.approx(
        [0.98 * 0.95, 0.98 * -2.05]
    )
    with pytest.raises(SolverInputError):
        solve("regularization.weight_decay", w=[1], g=[0], alpha=0.1, beta=1.5)


# --------------------------------------------------------------------------- soft-thresholding


def test_soft_threshold_matches_torch_softshrink():
    torch = _torch()
    w, g = [1.0, -0.3, 0.2, -2.0], [0.2, 0.0, 0.0, 1.0]
    a = solve("regularization.soft_threshold", w=w, lam=0.5, alpha=0.5, g=g).answers
    u = torch.tensor(w, dtype=torch.float64) - 0.5 * torch.tensor(g, dtype=torch.float64)
    assert a["u"] == pytest.approx(u.tolist())
    assert a["threshold"] == pytest.approx(0.25)
    assert a["w_new"] == pytest.approx(torch.nn.functional.softshrink(u, 0.25).tolist())
    assert a["zeros"] == 1


def test_soft_threshold_mistakes():
    w = [1.0, -0.3, 0.2, -2.0]
    kw = dict(w=w, lam=0.5, alpha=0.5)
    # τ = 0.25: subgradient step moves each weight 0.25 toward 0 and past it
    assert mistake("regularization.soft_threshold", "subgradient_step", **kw)["w_new"] == pytest.approx(
        [0.75, -0.05, -0.05, -1.75]
    )
    assert mistake("regularization.soft_threshold", "no_clip_at_zero", **kw)["w_new"] == pytest.approx(
        [0.75, -0.05, -0.05, -1.75]
    )
    no_lr = mistake("regularization.soft_threshold", "threshold_without_lr", **kw)
    assert no_lr["w_new"] == pytest.approx([0.5, 0.0, 0.0, -1.5])
    assert no_lr["zeros"] == 2
    assert mistake("regularization.soft_threshold", "threshold_without_lr", w=w, lam=0.5) == {}


@settings(max_examples=50, deadline=None)
@given(st.lists(small, min_size=1, max_size=6), st.floats(0.0, 2.0))
def test_soft_threshold_properties(w, lam):
    a = solve("regularization.soft_threshold", w=w, lam=lam).answers
    for wi, new in zip(w, a["w_new"], strict=True):
        assert abs(new) <= abs(wi) + 1e-12  # never grows
        assert new == 0 or np.sign(new) == np.sign(wi)  # never crosses zero
        if abs(wi) <= lam:
            assert new == 0
    assert a["zeros"] == sum(1 for wi in w if abs(wi) - lam < 1e-12)
