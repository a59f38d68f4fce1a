"""The live examples of the optim and gd cards, against hand calculations written out here."""

import math

import pytest

from examprep.bank.card_example import run_example
from examprep.bank.cards import load_cards


@pytest.fixture(scope="module")
def cards():
    return load_cards()


def runs(cards, card_id):
    return {run.label: run.solution.answers for run in run_example(cards.cards[card_id].example).runs}


def test_nesterov_textbook_vs_pytorch_vs_momentum(cards):
    # f = 1.5θ², g = 3θ, θ₀ = 1, ρ = 0.9, α = 0.05.
    # Momentum: Δ₁ = −0.05·3 = −0.15, θ₁ = 0.85; g₂ = 2.55, Δ₂ = 0.9·(−0.15) − 0.05·2.55 = −0.2625, θ₂ = 0.5875.
    # Nesterov (textbook): θ̂₁ = 1, θ₁ = 0.85; θ̂₂ = 0.85 − 0.135 = 0.715, g = 2.145,
    #   Δ₂ = −0.135 − 0.10725 = −0.24225, θ₂ = 0.60775.
    # PyTorch stores θ + ρΔθ: after step 1, 0.85 + 0.9·(−0.15) = 0.715 (REFERENCE.md).
    out = runs(cards, "nesterov")
    assert out["momentum · textbook"]["theta_1"][0] == pytest.approx(0.85)
    assert out["momentum · textbook"]["theta_2"][0] == pytest.approx(0.5875)
    assert out["nesterov · textbook"]["theta_1"][0] == pytest.approx(0.85)
    assert out["nesterov · textbook"]["grad_2"][0] == pytest.approx(2.145)
    assert out["nesterov · textbook"]["theta_2"][0] == pytest.approx(0.60775)
    assert out["nesterov · pytorch"]["theta_1"][0] == pytest.approx(0.715)


def test_momentum_path_on_the_ravine_matches_a_hand_loop(cards):
    # L = x² + 10y², ∇L = (2x, 20y), α = 0.01, ρ = 0.9, θ₀ = (1, 1), thirty steps.
    def descend(rho, look_ahead=False):
        theta, delta = [1.0, 1.0], [0.0, 0.0]
        for _ in range(30):
            at = [p + rho * d for p, d in zip(theta, delta)] if look_ahead else theta
            grad = [2 * at[0], 20 * at[1]]
            delta = [rho * d - 0.01 * g for d, g in zip(delta, grad)]
            theta = [p + d for p, d in zip(theta, delta)]
        return theta

    out = runs(cards, "momentum")
    assert out["sgd"]["theta"] == pytest.approx(descend(0.0))
    assert out["momentum"]["theta"] == pytest.approx(descend(0.9))
    assert out["nesterov"]["theta"] == pytest.approx(descend(0.9, look_ahead=True))
    # what the card's note claims: momentum beats SGD, Nesterov beats momentum here
    assert out["nesterov"]["loss"] < out["momentum"]["loss"] < out["sgd"]["loss"]


def test_adagrad_steps_shrink_like_one_over_root_t(cards):
    # g = 2 each time, α = 0.1, ε = 1e-8 inside the root: G_t = 4t, Δθ_t = −0.1·2/√(4t) = −0.1/√t.
    [answers] = runs(cards, "adagrad").values()
    for t in (1, 2, 3):
        assert answers[f"delta_{t}"][0] == pytest.approx(-0.1 / math.sqrt(t), rel=1e-6)


def test_rmsprop_forgets_where_adagrad_does_not(cards):
    grads, alpha, beta, eps = [3, 3, 0.3, 0.3], 0.1, 0.9, 1e-8
    total, avg, ada, rms = 0.0, 0.0, [], []
    for g in grads:
        total += g * g
        avg = beta * avg + (1 - beta) * g * g
        ada.append(-alpha * g / math.sqrt(total + eps))
        rms.append(-alpha * g / math.sqrt(avg + eps))
    out = runs(cards, "rmsprop")
    for t in range(1, 5):
        assert out["adagrad"][f"delta_{t}"][0] == pytest.approx(ada[t - 1])
        assert out["rmsprop"][f"delta_{t}"][0] == pytest.approx(rms[t - 1])
    assert abs(rms[3]) > 3 * abs(ada[3])  # the point the card's note makes


def test_adadelta_first_step_is_root_eps_over_root_g(cards):
    # g = 1, β = 0.9, ε = 1e-6: G₁ = 0.1, ΔX²₀ = 0 ⇒ Δθ₁ = −√(1e-6)/√(0.1 + 1e-6).
    [answers] = runs(cards, "adadelta").values()
    assert answers["delta_1"][0] == pytest.approx(-math.sqrt(1e-6) / math.sqrt(0.1 + 1e-6))


def test_adam_first_step_is_minus_alpha(cards):
    # M̂₁ = g₁ and Ĝ₁ = g₁², so Δθ₁ = −α·g/|g| = −0.1 (up to ε).
    [answers] = runs(cards, "adam").values()
    assert answers["theta_1"][0] == pytest.approx(0.9, abs=1e-7)
    # step 2 by hand: M₂ = 0.9·0.2 − 0.1 = 0.08, G₂ = 0.99·0.04 + 0.01 = 0.0496
    m_hat, g_hat = 0.08 / (1 - 0.9**2), 0.0496 / (1 - 0.99**2)
    assert answers["theta_2"][0] == pytest.approx(0.9 - 0.1 * m_hat / math.sqrt(g_hat + 1e-8))


def test_learning_rate_schedules_at_t_10(cards):
    a0, t = 0.1, 10
    expected = {
        "piecewise · 0.5": a0 * 0.5 * 0.5,  # halved at t = 5 and t = 8
        "inverse-time · 0.1": a0 / (1 + 0.1 * t),
        "exponential · 0.96": a0 * 0.96**t,
        "natural-exponential · 0.1": a0 * math.exp(-0.1 * t),
        "cosine": 0.5 * a0 * (1 + math.cos(t * math.pi / 40)),
    }
    out = runs(cards, "lr-decay")
    assert {label: a["lr"] for label, a in out.items()} == pytest.approx(expected)


def test_warmup_then_cosine(cards):
    # T' = 5: α_t = t/5·0.1 for t ≤ 5; then cosine over the remaining 20 on τ = t − 5.
    expected = {str(t): t / 5 * 0.1 for t in (1, 3, 5)}
    expected.update({str(t): 0.5 * 0.1 * (1 + math.cos((t - 5) * math.pi / 20)) for t in (10, 15, 25)})
    assert {label: a["lr"] for label, a in runs(cards, "warmup").items()} == pytest.approx(expected)


def test_cyclic_triangle(cards):
    # between 0.01 and 0.1, half cycle 4: up at t = 0..4, down at 4..8, up again
    expected = {"0": 0.01, "2": 0.055, "4": 0.1, "6": 0.055, "8": 0.01, "10": 0.055}
    assert {label: a["lr"] for label, a in runs(cards, "cyclic-lr").items()} == pytest.approx(expected)


def test_clipping_by_value_and_by_norm(cards):
    out = runs(cards, "gradient-clipping")
    assert out["value"]["grad"] == pytest.approx([1, 1])
    assert out["norm"]["grad"] == pytest.approx([0.6, 0.8])  # (3, 4)/5
    assert out["norm"]["norm"] == pytest.approx(5)


def test_saddle_point_example(cards):
    # x² − y² with α = 0.1: x ← 0.8x, y ← 1.2y each step, 20 steps.
    out = runs(cards, "saddle-points")
    assert out["1,0"]["theta"] == pytest.approx([0.8**20, 0.0])
    assert out["1,0.01"]["theta"] == pytest.approx([0.8**20, 0.01 * 1.2**20])
    assert out["1,0.01"]["loss"] < 0 < out["1,0"]["loss"]


def test_gradient_descent_variants_by_hand(cards):
    xs, ys, alpha = [1, 2, 3, 4], [3, 5, 7, 9], 0.1

    def step(w, b, batch):
        gw = sum((w * xs[i] + b - ys[i]) * xs[i] for i in batch) / len(batch)
        gb = sum(w * xs[i] + b - ys[i] for i in batch) / len(batch)
        return w - alpha * gw, b - alpha * gb

    [batch] = runs(cards, "batch-gd").values()
    assert (batch["w"][0], batch["b"]) == pytest.approx(step(0, 0, range(4)))  # (1.75, 0.6)

    def epoch(size):
        w, b = 0.0, 0.0
        for start in range(0, 4, size):
            w, b = step(w, b, range(start, start + size))
        return w, b

    out = runs(cards, "batch-size")
    for size in (1, 2, 4):
        assert (out[str(size)]["w"][0], out[str(size)]["b"]) == pytest.approx(epoch(size))

    # what the mini-batch card's note says: SGD ends near (2, 1); the mini-batch run overshoots w = 2
    one_epoch = runs(cards, "minibatch-gd")
    assert abs(one_epoch["sgd"]["w"][0] - 2) < 0.01 and abs(one_epoch["sgd"]["b"] - 1) < 0.01
    assert one_epoch["minibatch"]["w"][0] > 2
    assert (one_epoch["minibatch"]["w"][0], one_epoch["minibatch"]["b"]) == pytest.approx(epoch(2))

    sgd = runs(cards, "sgd")["sgd"]
    w1, b1 = step(0, 0, [0])
    assert (sgd["w_1"][0], sgd["b_1"]) == pytest.approx((w1, b1))
    assert (sgd["w_2"][0], sgd["b_2"]) == pytest.approx(step(w1, b1, [1]))


def test_early_stopping_example(cards):
    # losses 0.9 0.7 0.6 0.62 0.61 0.65, patience 2: best at epoch 3, epochs 4 and 5 do not improve.
    [answers] = runs(cards, "early-stopping").values()
    assert (answers["best_epoch"], answers["stop_epoch"], answers["best_loss"]) == (3, 5, 0.6)
