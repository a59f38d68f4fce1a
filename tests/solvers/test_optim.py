"""Tests for solvers/optim.py against independent references: torch.optim, hand-written loops of
the textbook formulas, and worked examples with the arithmetic in comments."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers import registry
from solvers.core import Solution, SolverInputError
from solvers.safe_expr import ExprError

OPT = registry.get("optim.optimizer")
CLIP = registry.get("optim.clip")


def run(**kwargs) -> Solution:
    return OPT.func(**kwargs)


def traj(**kwargs) -> np.ndarray:
    return np.array(run(**kwargs).answers["trajectory"])


# f(x, y) = x² + 3y² + x·y, ∇f = (2x + y, 6y + x), written out by hand for the torch closures
LOSS = "x^2 + 3y^2 + x*y"
START = [1.0, -2.0]


def torch_traj(make_opt, steps: int, start=START, grads=None, maximize=False):
    """Trajectory of a torch optimizer on LOSS (or on a given gradient sequence)."""
    torch = pytest.importorskip("torch")
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = make_opt([p], maximize) if maximize else make_opt([p])
    out = []
    for t in range(steps):
        opt.zero_grad()
        if grads is None:
            x, y = p[0], p[1]
            (x**2 + 3 * y**2 + x * y).backward()
        else:
            p.grad = torch.tensor(np.atleast_1d(grads[t]), dtype=torch.float64)
        opt.step()
        out.append(p.detach().numpy().copy())
    return np.array(out)


# --------------------------------------------------------------------------- against torch.optim


def _torch_factories():
    torch = pytest.importorskip("torch")
    o = torch.optim
    return {
        "sgd": (dict(lr=0.05), lambda ps, mx=False: o.SGD(ps, lr=0.05, maximize=mx)),
        "momentum": (dict(lr=0.05, rho=0.8), lambda ps, mx=False: o.SGD(ps, lr=0.05, momentum=0.8, maximize=mx)),
        "nesterov": (
            dict(lr=0.05, rho=0.8),
            lambda ps, mx=False: o.SGD(ps, lr=0.05, momentum=0.8, nesterov=True, maximize=mx),
        ),
        "adagrad": (dict(lr=0.3, eps=0.01), lambda ps, mx=False: o.Adagrad(ps, lr=0.3, eps=0.01, maximize=mx)),
        "rmsprop": (
            dict(lr=0.1, beta=0.8, eps=0.01),
            lambda ps, mx=False: o.RMSprop(ps, lr=0.1, alpha=0.8, eps=0.01, maximize=mx),
        ),
        "adadelta": (
            dict(lr=0.7, beta=0.8, eps=0.01),
            lambda ps, mx=False: o.Adadelta(ps, lr=0.7, rho=0.8, eps=0.01, maximize=mx),
        ),
        "adam": (
            dict(lr=0.1, beta1=0.8, beta2=0.95, eps=0.01),
            lambda ps, mx=False: o.Adam(ps, lr=0.1, betas=(0.8, 0.95), eps=0.01, maximize=mx),
        ),
    }


@pytest.mark.parametrize("method", ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam"])
def test_pytorch_convention_matches_torch_exactly(method):
    kwargs, factory = _torch_factories()[method]
    mine = traj(method=method, loss=LOSS, start=START, steps=4, convention="pytorch", **kwargs)
    ref = torch_traj(factory, 4)
    np.testing.assert_allclose(mine, ref, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("method", ["sgd", "momentum", "adagrad", "rmsprop", "adam"])
def test_textbook_matches_torch_when_eps_is_tiny(method):
    """With ε = 1e-14 the placement of ε no longer matters, so textbook = torch (momentum and SGD
    give the same θ sequence in both forms)."""
    torch = pytest.importorskip("torch")
    o = torch.optim
    factories = {
        "sgd": (dict(lr=0.05), lambda ps: o.SGD(ps, lr=0.05)),
        "momentum": (dict(lr=0.05, rho=0.9), lambda ps: o.SGD(ps, lr=0.05, momentum=0.9)),
        "adagrad": (dict(lr=0.3, eps=1e-14), lambda ps: o.Adagrad(ps, lr=0.3, eps=1e-14)),
        "rmsprop": (dict(lr=0.1, beta=0.9, eps=1e-14), lambda ps: o.RMSprop(ps, lr=0.1, alpha=0.9, eps=1e-14)),
        "adam": (
            dict(lr=0.1, beta1=0.9, beta2=0.99, eps=1e-14),
            lambda ps: o.Adam(ps, lr=0.1, betas=(0.9, 0.99), eps=1e-14),
        ),
    }
    kwargs, factory = factories[method]
    mine = traj(method=method, loss=LOSS, start=START, steps=3, **kwargs)
    np.testing.assert_allclose(mine, torch_traj(factory, 3), rtol=1e-8, atol=1e-10)


def test_textbook_adadelta_equals_torch_with_lr_one():
    """ε sits inside both roots in the textbook and in PyTorch; PyTorch's lr = 1 is the textbook."""
    torch = pytest.importorskip("torch")
    mine = traj(method="adadelta", loss=LOSS, start=START, steps=3, beta=0.9, eps=1e-6)
    ref = torch_traj(lambda ps: torch.optim.Adadelta(ps, lr=1.0, rho=0.9, eps=1e-6), 3)
    np.testing.assert_allclose(mine, ref, rtol=1e-10, atol=1e-14)


def test_given_gradient_sequence_matches_torch_adam():
    torch = pytest.importorskip("torch")
    grads = [2.0, -1.0, 3.0]
    mine = traj(method="adam", grads=grads, start=[1.0], lr=0.1, beta2=0.999, eps=1e-8, convention="pytorch")
    ref = torch_traj(lambda ps: torch.optim.Adam(ps, lr=0.1, betas=(0.9, 0.999), eps=1e-8), 3, start=[1.0], grads=grads)
    np.testing.assert_allclose(mine, ref, rtol=1e-12)
    assert mine.shape == (3, 1)  # one list per step even in 1-D


def test_pytorch_defaults():
    """Under the PyTorch convention β₂ defaults to 0.999 and RMSprop's β to 0.99 (torch's alpha)."""
    torch = pytest.importorskip("torch")
    adam = traj(method="adam", loss=LOSS, start=START, steps=2, lr=0.1, convention="pytorch")
    ref = torch_traj(lambda ps: torch.optim.Adam(ps, lr=0.1), 2)
    np.testing.assert_allclose(adam, ref, rtol=1e-10)
    rms = traj(method="rmsprop", loss=LOSS, start=START, steps=2, lr=0.01, convention="pytorch")
    ref = torch_traj(lambda ps: torch.optim.RMSprop(ps, lr=0.01), 2)
    np.testing.assert_allclose(rms, ref, rtol=1e-10)
    delta = traj(method="adadelta", loss=LOSS, start=START, steps=2, convention="pytorch")
    ref = torch_traj(lambda ps: torch.optim.Adadelta(ps), 2)  # lr = 1, rho = 0.9, eps = 1e-6
    np.testing.assert_allclose(delta, ref, rtol=1e-10)


# --------------------------------------------------------------------------- textbook Nesterov


def nesterov_textbook(grad, theta0, lr, rho, steps):
    """Sutskever form written from REFERENCE.md: gradient at θ_{t−1} + ρ·Δθ_{t−1}."""
    theta = np.array(theta0, dtype=float)
    delta = np.zeros_like(theta)
    out = []
    for _ in range(steps):
        g = grad(theta + rho * delta)
        delta = rho * delta - lr * g
        theta = theta + delta
        out.append(theta.copy())
    return np.array(out)


def test_reference_nesterov_example():
    # f = 1.5θ², g = 3θ, θ₀ = 1, ρ = 0.9, α = 0.05.
    # textbook: θ̂ = 1, g = 3, Δθ₁ = −0.15, θ₁ = 0.85.
    # PyTorch: b₁ = 3, d = 3 + 0.9·3 = 5.7, θ₁ = 1 − 0.05·5.7 = 0.715.
    textbook = run(method="nesterov", loss="1.5x^2", start=[1], lr=0.05, rho=0.9).answers["theta"]
    pytorch = run(method="nesterov", loss="1.5x^2", start=[1], lr=0.05, rho=0.9, convention="pytorch").answers["theta"]
    assert textbook == pytest.approx([0.85])
    assert pytorch == pytest.approx([0.715])


def test_textbook_nesterov_against_hand_loop():
    def grad(p):
        return np.array([2 * p[0] + p[1], 6 * p[1] + p[0]])

    mine = traj(method="nesterov", loss=LOSS, start=START, steps=5, lr=0.05, rho=0.9)
    np.testing.assert_allclose(mine, nesterov_textbook(grad, START, 0.05, 0.9, 5), rtol=1e-12)


def test_nesterov_second_step_by_hand():
    # f = 1.5θ², θ₀ = 1, ρ = 0.9, α = 0.05: θ₁ = 0.85, Δθ₁ = −0.15.
    # θ̂₂ = 0.85 − 0.135 = 0.715, g = 2.145, Δθ₂ = −0.135 − 0.10725 = −0.24225, θ₂ = 0.60775.
    # Classical momentum instead: g(0.85) = 2.55, Δθ₂ = −0.135 − 0.1275 = −0.2625, θ₂ = 0.5875.
    kwargs = dict(method="nesterov", loss="1.5x^2", start=[1], lr=0.05, rho=0.9, steps=2)
    assert run(**kwargs).answers["theta_2"] == pytest.approx([0.60775])
    assert OPT.mistakes["momentum_instead_of_nesterov"](**kwargs)["theta_2"] == pytest.approx([0.5875])


def test_nesterov_refuses_a_gradient_sequence():
    with pytest.raises(SolverInputError, match="look-ahead"):
        run(method="nesterov", grads=[1, 2], start=[0])


# --------------------------------------------------------------------------- worked examples by hand


def test_adam_two_steps_by_hand():
    # g₁ = 2, g₂ = 1, α = 0.1, β₁ = 0.9, β₂ = 0.99, ε = 1e-8, θ₀ = 1.
    # M₁ = 0.2, G₁ = 0.04, M̂₁ = 2, Ĝ₁ = 4, Δθ₁ = −0.1·2/2 = −0.1, θ₁ = 0.9.
    # M₂ = 0.18 + 0.1 = 0.28, G₂ = 0.0396 + 0.01 = 0.0496, M̂₂ = 0.28/0.19, Ĝ₂ = 0.0496/0.0199.
    m_hat, g_hat = 0.28 / 0.19, 0.0496 / 0.0199
    theta2 = 0.9 - 0.1 * m_hat / math.sqrt(g_hat + 1e-8)
    answers = run(method="adam", grads=[2, 1], start=[1]).answers
    assert answers["theta_1"] == pytest.approx([0.9], abs=1e-8)
    assert answers["theta_2"] == pytest.approx([theta2], rel=1e-8)
    assert answers["m_hat"] == pytest.approx([m_hat])
    assert answers["g_hat"] == pytest.approx([g_hat])
    assert answers["acc"] == pytest.approx([0.0496])


def test_adagrad_eps_inside_root_by_hand():
    # g = 1, ε = 0.1, α = 0.1: G₁ = 1, textbook Δθ = −0.1/√1.1 = −0.0953463; outside −0.1/1.1 = −0.0909091.
    kwargs = dict(method="adagrad", grads=[1], start=[0], eps=0.1)
    assert run(**kwargs).answers["delta_1"] == pytest.approx([-0.1 / math.sqrt(1.1)])
    assert OPT.mistakes["eps_outside_root"](**kwargs)["delta_1"] == pytest.approx([-0.1 / 1.1])


def test_adadelta_two_steps_by_hand():
    # β = 0.9, ε = 0.01, g = 2 then 1.
    # G₁ = 0.4, Δθ₁ = −√0.01/√0.41·2, ΔX²₁ = 0.1·Δθ₁², G₂ = 0.46, Δθ₂ = −√(ΔX²₁ + 0.01)/√0.47·1.
    d1 = -0.1 / math.sqrt(0.41) * 2
    x1 = 0.1 * d1**2
    d2 = -math.sqrt(x1 + 0.01) / math.sqrt(0.47)
    answers = run(method="adadelta", grads=[2, 1], start=[1], eps=0.01).answers
    assert answers["theta"] == pytest.approx([1 + d1 + d2])
    assert answers["acc_dx"] == pytest.approx([0.9 * x1 + 0.1 * d2**2])


def test_loss_gradient_shown_and_vars_order():
    sol = run(method="sgd", loss="3*y + x^2", vars="y, x", start=[0, 1], lr=0.5)
    # ∇ in the order (y, x) = (3, 2x) = (3, 2) at (0, 1): θ₁ = (0 − 1.5, 1 − 1) = (−1.5, 0)
    assert sol.answers["theta"] == pytest.approx([-1.5, 0.0])
    assert sol.answers["grads"] == [[3.0, 2.0]]
    assert any(s.substituted == "(3, 2·x)" for s in sol.steps)  # ∇f in the order (y, x)


def test_loss_and_gradient_shown_in_unicode_notation():
    """The worked steps write formulas as the question texts do (x², 3·y, −), not as x**2 or x^2."""
    sol = run(method="sgd", loss="w1^2 + 3*(w2 - 1)^2", start=[1, 2])
    shown = next(s for s in sol.steps if "∇f" in s.formula)
    assert shown.formula == "f(w1, w2) = w₁² + 3·(w₂ − 1)²;  ∇f = (∂f/∂w1, ∂f/∂w2)"
    assert shown.substituted == "(2·w₁, 6·w₂ − 6)"
    # f = 1.5x²: f' = 3x, written without sympy's float 3.0
    one_d = run(method="sgd", loss="1.5x^2", start=[1])
    assert next(s for s in one_d.steps if "f'(x)" in s.formula).substituted == "3·x"


def _formula(sol: Solution, start: str) -> str:
    return next(s.formula for s in sol.steps if s.formula.startswith(start))


@pytest.mark.parametrize(
    ("method", "pytorch_update", "textbook_update", "g_hat"),
    [
        # g = 2: Adam M̂₁ = 2, Ĝ₁ = 4; AdaGrad G₁ = 4; RMSprop (PyTorch β = 0.99) G₁ = 0.01·4
        ("adam", "Δθₜ = −α·M̂ₜ/(√Ĝₜ + ε)", "Δθₜ = −α·M̂ₜ/√(Ĝₜ + ε)", 4.0),
        ("adagrad", "Δθₜ = −α·gₜ/(√Gₜ + ε)", "Δθₜ = −α·gₜ/√(Gₜ + ε)", 4.0),
        ("rmsprop", "Δθₜ = −α·gₜ/(√Gₜ + ε)", "Δθₜ = −α·gₜ/√(Gₜ + ε)", 0.04),
    ],
)
def test_update_formula_brackets_the_denominator(method, pytorch_update, textbook_update, g_hat):
    """With ε outside the root the whole √G + ε divides: −α·g/(√G + ε), not −α·g/√G + ε.
    The textbook form keeps the single root √(G + ε) as the divisor."""
    pytorch = run(method=method, grads=[2], start=[0], eps=0.5, convention="pytorch")
    assert _formula(pytorch, "Δθₜ") == pytorch_update
    # the number agrees with the bracketed reading: −0.1·2/(√Ĝ + 0.5)
    assert pytorch.answers["delta_1"] == pytest.approx([-0.1 * 2 / (math.sqrt(g_hat) + 0.5)])
    textbook = run(method=method, grads=[2], start=[0], eps=0.5)
    assert _formula(textbook, "Δθₜ") == textbook_update


def test_momentum_round_off_is_shown_as_zero():
    # f = x² + 2y², θ₀ = (2, −1), α = 0.1, ρ = 0.9. y: g₁ = −4, Δ₁ = 0.4, y₁ = −0.6;
    # g₂ = 4·(−0.6) = −2.4, Δ₂ = 0.9·0.4 + 0.24 = 0.6, y₂ = −0.6 + 0.6 = 0 exactly.
    sol = run(method="momentum", loss="x^2 + 2y^2", start=[2, -1], steps=2)
    assert sol.answers["theta_2"][1] == 0.0
    assert sol.answers["theta_2"][0] == pytest.approx(0.92)
    assert not any("10^" in (s.result or "") + (s.substituted or "") for s in sol.steps)


def test_pytorch_adagrad_default_eps_is_torchs():
    """torch.optim.Adagrad defaults to ε = 1e-10 (not 1e-8); with |g| = 1e-4 the difference shows."""
    torch = pytest.importorskip("torch")
    grads = [1e-4, 2e-4]
    mine = traj(method="adagrad", grads=grads, start=[0.0], convention="pytorch")
    ref = torch_traj(lambda ps: torch.optim.Adagrad(ps, lr=0.1), 2, start=[0.0], grads=grads)
    np.testing.assert_allclose(mine, ref, rtol=1e-12)


@pytest.mark.parametrize(
    ("method", "zh_name"),
    [("sgd", "梯度下降（SGD）"), ("momentum", "动量法"), ("nesterov", "Nesterov 加速梯度")],
)
def test_worked_steps_name_the_method_in_chinese(method, zh_name):
    sol = run(method=method, loss="x^2", start=[1])
    intro = sol.steps[0].what
    assert intro.zh == f"方法：{zh_name}，教材约定"
    assert method not in intro.zh
    summary = sol.steps[-1].grids[0].title
    assert summary is not None and summary.zh == f"{zh_name}（教材）"
    pytorch = run(method=method, loss="x^2", start=[1], convention="pytorch")
    assert pytorch.steps[0].what.zh == f"方法：{zh_name}，PyTorch 约定"


def test_clip_steps_carry_no_english_in_the_formula_line():
    sol = CLIP.func(grad=[3, 4], mode="norm", threshold=2)
    rescale = next(s for s in sol.steps if s.formula == "g ← b·g/‖g‖₂")
    assert "factor" not in rescale.substituted
    assert rescale.note is not None and rescale.note.zh == "缩放因子 b/‖g‖₂ = 0.4"


# --------------------------------------------------------------------------- mistakes


def adam_loop(grads, lr=0.1, b1=0.9, b2=0.99, eps=1e-8, correct=True, shift=0, square=True, root=True):
    theta, m, v, out = 0.0, 0.0, 0.0, []
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * (g * g if square else g)
        mh = m / (1 - b1 ** (t + shift)) if correct else m
        vh = v / (1 - b2 ** (t + shift)) if correct else v
        theta -= lr * mh / (math.sqrt(vh + eps) if root else vh + eps)
        out.append(theta)
    return out


ADAM = dict(method="adam", grads=[2, 1], start=[0])


def _theta2(answers):
    return answers["theta_2"][0]


def test_no_bias_correction():
    wrong = OPT.mistakes["no_bias_correction"](**ADAM)
    assert _theta2(wrong) == pytest.approx(adam_loop([2, 1], correct=False)[1])
    assert abs(_theta2(wrong) - _theta2(run(**ADAM).answers)) > 0.01


def test_step_count_off_by_one():
    wrong = OPT.mistakes["step_count_off_by_one"](**ADAM)
    assert wrong["theta_1"][0] == pytest.approx(adam_loop([2, 1], shift=1)[0])
    assert abs(wrong["theta_1"][0] - run(**ADAM).answers["theta_1"][0]) > 0.01


def test_gradient_not_squared_and_no_sqrt():
    right = _theta2(run(**ADAM).answers)
    ns = _theta2(OPT.mistakes["gradient_not_squared"](**ADAM))
    assert ns == pytest.approx(adam_loop([2, 1], square=False)[1])
    nr = _theta2(OPT.mistakes["no_sqrt"](**ADAM))
    assert nr == pytest.approx(adam_loop([2, 1], root=False)[1])
    assert abs(ns - right) > 0.01 and abs(nr - right) > 0.01
    # a negative gradient makes the unsquared accumulator negative: no prediction then
    assert OPT.mistakes["gradient_not_squared"](method="adagrad", grads=[-2], start=[0]) == {}


def test_eps_outside_root_equals_torch_for_a_textbook_question():
    torch = pytest.importorskip("torch")
    kwargs = dict(method="rmsprop", loss=LOSS, start=START, steps=2, lr=0.1, beta=0.9, eps=0.1)
    wrong = np.array(OPT.mistakes["eps_outside_root"](**kwargs)["trajectory"])
    ref = torch_traj(lambda ps: torch.optim.RMSprop(ps, lr=0.1, alpha=0.9, eps=0.1), 2)
    np.testing.assert_allclose(wrong, ref, rtol=1e-10)
    assert not np.allclose(wrong, traj(**kwargs), rtol=1e-3)


def test_eps_inside_root_for_a_pytorch_question():
    # Adam, g = 1, ε = 0.1, β₂ = 0.999: M̂₁ = 1, Ĝ₁ = 1. PyTorch Δθ = −0.1/(1 + 0.1); inside −0.1/√1.1.
    kwargs = dict(method="adam", grads=[1], start=[0], eps=0.1, convention="pytorch")
    assert run(**kwargs).answers["delta_1"] == pytest.approx([-0.1 / 1.1])
    assert OPT.mistakes["eps_inside_root"](**kwargs)["delta_1"] == pytest.approx([-0.1 / math.sqrt(1.1)])
    assert OPT.mistakes["eps_inside_root"](**{**kwargs, "convention": "textbook"}) == {}


def test_momentum_mistakes_equal_torch():
    torch = pytest.importorskip("torch")
    kwargs = dict(method="nesterov", loss=LOSS, start=START, steps=3, lr=0.05, rho=0.9)
    classical = np.array(OPT.mistakes["momentum_instead_of_nesterov"](**kwargs)["trajectory"])
    np.testing.assert_allclose(
        classical, torch_traj(lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9), 3), rtol=1e-10
    )
    stored = np.array(OPT.mistakes["pytorch_nesterov_form"](**kwargs)["trajectory"])
    ref = torch_traj(lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True), 3)
    np.testing.assert_allclose(stored, ref, rtol=1e-10)
    plain = np.array(OPT.mistakes["forgot_momentum"](**kwargs)["trajectory"])
    np.testing.assert_allclose(plain, torch_traj(lambda ps: torch.optim.SGD(ps, lr=0.05), 3), rtol=1e-10)
    right = traj(**kwargs)
    for wrong in (classical, stored, plain):
        assert not np.allclose(wrong, right, rtol=1e-4)


def test_adagrad_instead_of_rmsprop():
    # RMSprop asked (β = 0.9, g = 2 then 1, ε tiny); the student sums: G₂ = 4 + 1 = 5.
    kwargs = dict(method="rmsprop", grads=[2, 1], start=[0], eps=1e-12)
    wrong = OPT.mistakes["adagrad_instead_of_rmsprop"](**kwargs)
    expected = -0.1 * 2 / 2 - 0.1 * 1 / math.sqrt(5)
    assert wrong["theta"] == pytest.approx([expected])
    assert wrong["acc"] == pytest.approx([5.0])
    right = run(**kwargs).answers
    assert right["acc"] == pytest.approx([0.9 * 0.4 + 0.1])
    assert abs(right["theta"][0] - expected) > 0.01


@pytest.mark.parametrize("method", ["sgd", "momentum", "adagrad", "rmsprop", "adadelta", "adam"])
def test_sign_error_is_torch_maximize(method):
    kwargs, factory = _torch_factories()[method]
    wrong = np.array(
        OPT.mistakes["sign_error"](method=method, loss=LOSS, start=START, steps=2, convention="pytorch", **kwargs)[
            "trajectory"
        ]
    )
    np.testing.assert_allclose(wrong, torch_traj(factory, 2, maximize=True), rtol=1e-10)


def test_mistakes_that_do_not_apply_return_nothing():
    kwargs = dict(method="sgd", grads=[1, 2], start=[0])
    for name in (
        "no_bias_correction",
        "momentum_instead_of_nesterov",
        "adagrad_instead_of_rmsprop",
        "eps_outside_root",
        "no_sqrt",
    ):
        assert OPT.mistakes[name](**kwargs) == {}


def test_mistakes_accept_positional_arguments_like_the_solver():
    assert OPT.mistakes["no_bias_correction"]("adam", [0], None, None, [2, 1])["theta_2"] == pytest.approx(
        [adam_loop([2, 1], correct=False)[1]]
    )


# --------------------------------------------------------------------------- input checks and safety


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(method="sgd", start=[0]),  # neither loss nor grads
        dict(method="sgd", start=[0], loss="x^2", grads=[1]),  # both
        dict(method="sgd", start=[0, 1], loss="x^2"),  # start too long
        dict(method="sgd", start=[0], grads=[1, 2], steps=3),  # steps ≠ len(grads)
        dict(method="sgd", start=[0], grads=[1], lr=0),
        dict(method="adam", start=[0], grads=[1], beta1=1.0),
        dict(method="bogus", start=[0], grads=[1]),
        dict(method="sgd", start=[0], loss="log(x)"),  # undefined at 0
        dict(method="sgd", start=[0], loss="x^2", steps=1000),
        dict(method="sgd", start=[0], loss="x^2 + y", vars="x"),  # y not listed
        dict(method="sgd", start=[0], loss="floor(x)"),
    ],
)
def test_bad_input_is_a_solver_input_error(kwargs):
    with pytest.raises(SolverInputError):
        run(**kwargs)


HOSTILE = [
    "__import__('os').system('x')",
    "().__class__",
    "9**9**9**9",
    "x^(9^400)",
    "((9^400)^100)*x",
    "lambda: 1",
    "x.__class__",
    "exp(exp(exp(1000)))",
    "max(x, 2x, 3x, 4x, 5x, 6x, 7x, 8x, 9x, 10x, 11x, 12x, 13x, 14x, 15x, 16x)",
    "max(max(max(x, 2x), max(3x, 4x)), max(max(5x, 6x), max(7x, 8x)))",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_loss_is_refused_fast_with_expr_error(text):
    start = time.perf_counter()
    with pytest.raises(ExprError):
        run(method="sgd", loss=text, start=[1])
    assert time.perf_counter() - start < 1.0


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=40))
def test_arbitrary_loss_text_never_crashes(text):
    try:
        run(method="sgd", loss=text, start=[0.5])
    except (ExprError, SolverInputError):
        pass


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet="xy0123456789+-*/^().,e sincoqrtlgabmx", max_size=30))
def test_formula_like_text_never_crashes(text):
    try:
        run(method="momentum", loss=text, start=[0.5, 0.25], vars="x,y", steps=2)
    except (ExprError, SolverInputError):
        pass


@settings(max_examples=50, deadline=None)
@given(
    st.floats(-5, 5).filter(lambda v: abs(v) > 1e-3),
    st.floats(0.1, 3),
    st.sampled_from(["sgd", "momentum", "adagrad", "adam"]),
)
def test_first_step_on_a_quadratic(x0, a, method):
    """On f = a·x² (g = 2a·x₀) the first step goes downhill: SGD and momentum move by −α·2a·x₀;
    AdaGrad and Adam (G₁ = g², M̂₁ = g, Ĝ₁ = g²) move by α·g/√(g² + ε) ≈ α against the sign of g."""
    delta = run(method=method, loss=f"{a}*x^2", start=[x0], lr=0.01).answers["delta_1"][0]
    if method in ("sgd", "momentum"):
        assert delta == pytest.approx(-0.01 * 2 * a * x0, rel=1e-9)
    else:
        g = 2 * a * x0
        assert delta == pytest.approx(-0.01 * g / math.sqrt(g * g + 1e-8), rel=1e-9)
        if g * g > 1e-4:  # only when |g| ≫ √ε is the step ≈ α
            assert abs(delta) == pytest.approx(0.01, rel=1e-3)


# --------------------------------------------------------------------------- clipping


def test_clip_by_norm_worked_example():
    # g = (3, 4), ‖g‖ = 5 > b = 2: g ← 2·(3, 4)/5 = (1.2, 1.6)
    answers = CLIP.func(grad=[3, 4], mode="norm", threshold=2).answers
    assert answers["grad"] == pytest.approx([1.2, 1.6])
    assert answers["norm"] == pytest.approx(5.0)
    assert answers["scale"] == pytest.approx(0.4)
    # norm below the threshold: unchanged
    assert CLIP.func(grad=[0.3, 0.4], mode="norm", threshold=2).answers["grad"] == pytest.approx([0.3, 0.4])


def test_clip_against_torch():
    torch = pytest.importorskip("torch")
    g = [3.0, -4.0, 12.0]
    p = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    p.grad = torch.tensor(g, dtype=torch.float64)
    torch.nn.utils.clip_grad_norm_([p], max_norm=6.5)  # torch divides by (‖g‖ + 1e-6)
    assert CLIP.func(grad=g, mode="norm", threshold=6.5).answers["grad"] == pytest.approx(p.grad.tolist(), rel=1e-6)
    p.grad = torch.tensor(g, dtype=torch.float64)
    torch.nn.utils.clip_grad_value_([p], clip_value=3.5)
    assert CLIP.func(grad=g, mode="value", threshold=3.5).answers["grad"] == pytest.approx(p.grad.tolist())


def test_clip_by_value_with_asymmetric_bounds():
    # max(min(g, 1), −3) per component
    assert CLIP.func(grad=[-5, -2, 0.5, 4], mode="value", threshold=1, low=-3).answers["grad"] == [-3, -2, 0.5, 1]


def test_clip_mistakes():
    kwargs = dict(grad=[3, 4], mode="norm", threshold=3.5)
    assert CLIP.mistakes["norm_clipping_per_component"](**kwargs)["grad"] == pytest.approx([3, 3.5])
    # ‖g‖² = 25 > 3.5: 3.5·(3, 4)/25
    assert CLIP.mistakes["norm_not_rooted"](**kwargs)["grad"] == pytest.approx([0.42, 0.56])
    # L1 norm 7: 3.5·(3, 4)/7
    assert CLIP.mistakes["l1_norm"](**kwargs)["grad"] == pytest.approx([1.5, 2.0])
    # below the threshold the student still stretches to length b: (0.3, 0.4)·2/0.5
    assert CLIP.mistakes["always_rescale"](grad=[0.3, 0.4], mode="norm", threshold=2)["grad"] == pytest.approx(
        [1.2, 1.6]
    )
    # value clipping asked, norm clipping done: (3, 4)·2/5
    assert CLIP.mistakes["norm_clipping_when_value_asked"](grad=[3, 4], mode="value", threshold=2)[
        "grad"
    ] == pytest.approx([1.2, 1.6])
    right = CLIP.func(**kwargs).answers["grad"]
    assert right == pytest.approx([2.1, 2.8])
    for name in ("norm_clipping_per_component", "norm_not_rooted", "l1_norm"):
        assert not np.allclose(CLIP.mistakes[name](**kwargs)["grad"], right)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-100, 100), min_size=1, max_size=6), st.floats(0.01, 50))
def test_clip_properties(g, b):
    norm = CLIP.func(grad=g, mode="norm", threshold=b).answers
    assert norm["clipped_norm"] <= b * (1 + 1e-9) or norm["clipped_norm"] == pytest.approx(norm["norm"])
    assert norm["clipped_norm"] == pytest.approx(min(b, float(np.linalg.norm(g))), rel=1e-9, abs=1e-12)
    # the direction is kept: clipped = scale·g
    np.testing.assert_allclose(norm["grad"], np.array(g) * norm["scale"], rtol=1e-12, atol=1e-12)
    value = CLIP.func(grad=g, mode="value", threshold=b).answers["grad"]
    assert all(-b <= v <= b for v in value)
    assert value == [min(max(v, -b), b) for v in g]


@pytest.mark.parametrize(
    "solver_id",
    [
        "optim.optimizer",
        "optim.clip",
        "schedules.lr_schedule",
        "gd.descent",
        "gd.early_stopping",
        "gd.regularized_step",
    ],
)
def test_declared_params_match_the_function(solver_id):
    """Every ParamSpec is a keyword of the solver and of each mistake generator, and the other way round."""
    import inspect

    spec = registry.get(solver_id)
    declared = {p.name for p in spec.params}
    assert declared == set(inspect.signature(spec.func).parameters)
    for generator in spec.mistakes.values():
        # a generator names the inputs it uses and takes the rest as **_; either way it must accept all
        named = {n for n, p in inspect.signature(generator).parameters.items() if p.kind is not p.VAR_KEYWORD}
        takes_rest = any(p.kind is p.VAR_KEYWORD for p in inspect.signature(generator).parameters.values())
        assert named <= declared and (takes_rest or named == declared)
    required = {p.name for p in spec.params if p.required}
    defaults = {n for n, p in inspect.signature(spec.func).parameters.items() if p.default is inspect.Parameter.empty}
    assert required == defaults
