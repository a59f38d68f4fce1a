"""Tests for solvers/schedules.py: closed forms written here independently, torch.optim.lr_scheduler,
and properties of the schedules."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers import registry
from solvers.core import SolverInputError

LR = registry.get("schedules.lr_schedule")


def lr(**kwargs) -> float:
    return LR.func(**kwargs).answers["lr"]


def torch_lrs(make_scheduler, lr0: float, steps: int) -> list[float]:
    """Learning rate of a torch scheduler at t = 0, 1, …, steps − 1."""
    torch = pytest.importorskip("torch")
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr0)
    sched = make_scheduler(opt)
    out = []
    for _ in range(steps):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return out


# --------------------------------------------------------------------------- worked examples


def test_worked_examples():
    # inverse time: 0.1/(1 + 0.5·4) = 0.1/3
    assert lr(schedule="inverse-time", lr0=0.1, t=4, beta=0.5) == pytest.approx(0.1 / 3)
    # exponential: 0.1·0.9³ = 0.0729
    assert lr(schedule="exponential", lr0=0.1, t=3, beta=0.9) == pytest.approx(0.0729)
    # natural exponential: 0.1·e^(−0.5·2) = 0.1/e
    assert lr(schedule="natural-exponential", lr0=0.1, t=2, beta=0.5) == pytest.approx(0.1 / math.e)
    # cosine halfway: ½·0.1·(1 + cos(π/2)) = 0.05; at the end 0
    assert lr(schedule="cosine", lr0=0.1, t=5, T=10) == pytest.approx(0.05)
    assert lr(schedule="cosine", lr0=0.1, t=10, T=10) == pytest.approx(0.0, abs=1e-15)
    # cosine at t = T/3: ½·(1 + ½) = ¾ of α₀
    assert lr(schedule="cosine", lr0=0.2, t=2, T=6) == pytest.approx(0.15)
    # piecewise: milestones 5, 10, factor 0.5: t = 4 → 0.1; t = 5 → 0.05; t = 12 → 0.025
    kwargs = dict(schedule="piecewise", lr0=0.1, milestones=[5, 10], beta=0.5)
    assert [lr(t=t, **kwargs) for t in (4, 5, 12)] == pytest.approx([0.1, 0.05, 0.025])
    # piecewise with one factor per milestone: 0.1·0.5·0.2
    assert lr(schedule="piecewise", lr0=0.1, t=20, milestones=[5, 10], betas=[0.5, 0.2]) == pytest.approx(0.01)


def test_warmup_examples():
    # warmup T' = 5: t = 2 → 2/5·0.1 = 0.04, t = 5 → 0.1
    assert lr(schedule="warmup", lr0=0.1, t=2, warmup=5) == pytest.approx(0.04)
    assert lr(schedule="warmup", lr0=0.1, t=5, warmup=5, T=15) == pytest.approx(0.1)
    # then cosine over the remaining 10 steps: t = 10 → τ = 5, ½·0.1·(1 + cos(π/2)) = 0.05
    assert lr(schedule="warmup", lr0=0.1, t=10, warmup=5, T=15) == pytest.approx(0.05)
    # then exponential on the shifted clock: t = 7 → 0.1·0.9²
    assert lr(schedule="warmup", lr0=0.1, t=7, warmup=5, after="exponential", beta=0.9) == pytest.approx(0.081)
    assert lr(schedule="warmup", lr0=0.1, t=9, warmup=5, after="constant") == pytest.approx(0.1)


def test_cyclic_triangular_example():
    # α_min = 0.01, α_max = 0.1, ΔT = 4: t = 0 → 0.01, t = 2 → 0.055, t = 4 → 0.1, t = 6 → 0.055, t = 8 → 0.01
    kwargs = dict(schedule="cyclic", lr0=0.01, lr_max=0.1, step_size=4)
    assert [lr(t=t, **kwargs) for t in (0, 2, 4, 6, 8, 12)] == pytest.approx([0.01, 0.055, 0.1, 0.055, 0.01, 0.1])


# --------------------------------------------------------------------------- against torch


def test_against_torch_schedulers():
    torch = pytest.importorskip("torch")
    s = torch.optim.lr_scheduler
    n = 12
    assert [lr(schedule="exponential", lr0=0.1, t=t, beta=0.8) for t in range(n)] == pytest.approx(
        torch_lrs(lambda o: s.ExponentialLR(o, gamma=0.8), 0.1, n)
    )
    assert [lr(schedule="piecewise", lr0=0.1, t=t, milestones=[3, 7], beta=0.1) for t in range(n)] == pytest.approx(
        torch_lrs(lambda o: s.MultiStepLR(o, milestones=[3, 7], gamma=0.1), 0.1, n)
    )
    assert [lr(schedule="cosine", lr0=0.1, t=t, T=10) for t in range(11)] == pytest.approx(
        torch_lrs(lambda o: s.CosineAnnealingLR(o, T_max=10), 0.1, 11), abs=1e-12
    )
    assert [lr(schedule="inverse-time", lr0=0.1, t=t, beta=0.3) for t in range(n)] == pytest.approx(
        torch_lrs(lambda o: s.LambdaLR(o, lambda t: 1 / (1 + 0.3 * t)), 0.1, n)
    )
    assert [lr(schedule="restart", lr0=0.0, lr_max=0.1, t=t, T=5) for t in range(n)] == pytest.approx(
        torch_lrs(lambda o: s.CosineAnnealingWarmRestarts(o, T_0=5), 0.1, n), abs=1e-12
    )


def test_cyclic_against_torch():
    torch = pytest.importorskip("torch")
    mine = [lr(schedule="cyclic", lr0=0.01, lr_max=0.1, step_size=3, t=t) for t in range(15)]
    ref = torch_lrs(
        lambda o: torch.optim.lr_scheduler.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3, cycle_momentum=False),
        0.01,
        15,
    )
    assert mine == pytest.approx(ref)


# --------------------------------------------------------------------------- properties


@settings(max_examples=50, deadline=None)
@given(st.floats(0.001, 1), st.integers(1, 200), st.data())
def test_cosine_is_decreasing_and_bounded(lr0, T, data):
    t = data.draw(st.integers(0, T - 1))
    a, b = lr(schedule="cosine", lr0=lr0, t=t, T=T), lr(schedule="cosine", lr0=lr0, t=t + 1, T=T)
    assert 0 <= b <= a <= lr0 * (1 + 1e-12)


@settings(max_examples=50, deadline=None)
@given(st.floats(0.001, 1), st.integers(1, 20), st.integers(1, 50), st.integers(0, 80))
def test_warmup_rises_linearly_then_stays_below_lr0(lr0, warmup, extra, t):
    total = warmup + extra
    t = min(t, total)
    value = lr(schedule="warmup", lr0=lr0, t=t, warmup=warmup, T=total)
    assert 0 <= value <= lr0 * (1 + 1e-12)
    if t <= warmup:
        assert value == pytest.approx(lr0 * t / warmup)


@settings(max_examples=50, deadline=None)
@given(st.floats(0.001, 0.1), st.floats(0.11, 1), st.integers(1, 10), st.integers(0, 100))
def test_cyclic_stays_in_range_and_is_periodic(low, high, half, t):
    kwargs = dict(schedule="cyclic", lr0=low, lr_max=high, step_size=half)
    value = lr(t=t, **kwargs)
    assert low - 1e-12 <= value <= high + 1e-12
    assert value == pytest.approx(lr(t=t + 2 * half, **kwargs))


@settings(max_examples=50, deadline=None)
@given(st.floats(0.001, 1), st.floats(0.01, 0.99), st.integers(0, 50))
def test_exponential_and_natural_agree_when_beta_matches(lr0, beta, t):
    """α₀·β^t equals α₀·exp(−β't) for β' = −ln β: a second formula for the same curve."""
    assert lr(schedule="exponential", lr0=lr0, t=t, beta=beta) == pytest.approx(
        lr(schedule="natural-exponential", lr0=lr0, t=t, beta=-math.log(beta))
    )


# --------------------------------------------------------------------------- mistakes


def test_cosine_mistakes():
    kwargs = dict(schedule="cosine", lr0=0.1, t=4, T=10)
    right = lr(**kwargs)
    assert right == pytest.approx(0.05 * (1 + math.cos(0.4 * math.pi)))
    no_pi = LR.mistakes["cosine_without_pi"](**kwargs)["lr"]
    assert no_pi == pytest.approx(0.05 * (1 + math.cos(0.4)))
    degrees = LR.mistakes["cosine_degree_mode"](**kwargs)["lr"]
    assert degrees == pytest.approx(0.05 * (1 + math.cos(0.4 * math.pi * math.pi / 180)))
    no_half = LR.mistakes["cosine_no_half"](**kwargs)["lr"]
    assert no_half == pytest.approx(2 * right)
    for wrong in (no_pi, degrees, no_half):
        assert abs(wrong - right) > 0.005


def test_cosine_mistakes_after_warmup():
    kwargs = dict(schedule="warmup", lr0=0.1, t=9, warmup=3, T=15)  # τ = 6 of 12
    assert lr(**kwargs) == pytest.approx(0.05)
    assert LR.mistakes["cosine_without_pi"](**kwargs)["lr"] == pytest.approx(0.05 * (1 + math.cos(0.5)))
    # decay not shifted: cos(9π/15)
    assert LR.mistakes["warmup_decay_not_shifted"](**kwargs)["lr"] == pytest.approx(
        0.05 * (1 + math.cos(0.6 * math.pi))
    )
    # inside the warmup nothing of the cosine is used
    assert LR.mistakes["cosine_without_pi"](**{**kwargs, "t": 2}) == {}


def test_exponential_confusion_both_ways():
    assert LR.mistakes["exponential_natural_confusion"](schedule="exponential", lr0=0.1, t=3, beta=0.9)[
        "lr"
    ] == pytest.approx(0.1 * math.exp(-2.7))
    assert LR.mistakes["exponential_natural_confusion"](schedule="natural-exponential", lr0=0.1, t=3, beta=0.5)[
        "lr"
    ] == pytest.approx(0.1 * 0.125)


def test_other_mistakes():
    assert LR.mistakes["inverse_time_missing_one"](schedule="inverse-time", lr0=0.1, t=4, beta=0.5)[
        "lr"
    ] == pytest.approx(0.05)
    # at the milestone itself the student keeps the old rate
    kwargs = dict(schedule="piecewise", lr0=0.1, t=5, milestones=[5, 10], beta=0.5)
    assert lr(**kwargs) == pytest.approx(0.05)
    assert LR.mistakes["milestone_off_by_one"](**kwargs)["lr"] == pytest.approx(0.1)
    # ΔT = 4 taken as the full cycle: t = 3 is 3/4 of the way through a 4-step cycle → falling, b = |3/2 − 1| = 0.5
    kwargs = dict(schedule="cyclic", lr0=0.01, lr_max=0.1, step_size=4, t=3)
    assert lr(**kwargs) == pytest.approx(0.01 + 0.09 * 0.75)
    assert LR.mistakes["cycle_length_confused"](**kwargs)["lr"] == pytest.approx(0.01 + 0.09 * 0.5)


def test_mistakes_not_applying_return_nothing():
    kwargs = dict(schedule="exponential", lr0=0.1, t=3, beta=0.9)
    for name in (
        "cosine_without_pi",
        "cosine_no_half",
        "milestone_off_by_one",
        "cycle_length_confused",
        "inverse_time_missing_one",
    ):
        assert LR.mistakes[name](**kwargs) == {}


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(schedule="cosine", lr0=0.1, t=11, T=10),
        dict(schedule="cosine", lr0=0.1, t=1),
        dict(schedule="exponential", lr0=0.1, t=1),
        dict(schedule="piecewise", lr0=0.1, t=1, milestones=[5, 3], beta=0.5),
        dict(schedule="piecewise", lr0=0.1, t=1, milestones=[5], betas=[0.5, 0.1]),
        dict(schedule="warmup", lr0=0.1, t=12, warmup=5, T=10),
        dict(schedule="cyclic", lr0=0.1, t=1, lr_max=0.05, step_size=2),
        dict(schedule="bogus", lr0=0.1, t=1),
        dict(schedule="exponential", lr0=-1, t=1, beta=0.5),
    ],
)
def test_bad_input(kwargs):
    with pytest.raises(SolverInputError):
        LR.func(**kwargs)


# --------------------------------------------------------------------------- worked-step wording


def _zh_text(sol) -> str:
    """Everything a Chinese reader sees in the worked steps."""
    parts = []
    for s in sol.steps:
        parts += [s.what.zh, s.formula or "", s.substituted or "", s.result or ""]
        if s.note is not None:
            parts.append(s.note.zh)
    return "\n".join(parts)


def test_warmup_steps_are_bilingual_and_show_the_shifted_clock():
    # T = 50, T' = 5, t = 30: τ = 25 over T − T' = 45; ½·0.1·(1 + cos(25π/45)) = 0.0413176
    sol = LR.func(schedule="warmup", lr0=0.1, t=30, T=50, warmup=5)
    assert sol.answers["lr"] == pytest.approx(0.05 * (1 + math.cos(25 * math.pi / 45)))
    zh = _zh_text(sol)
    assert "余弦衰减" in zh
    for english in ("cosine", "horizon"):
        assert english not in zh
    assert any(s.result == "τ = 25,  T − T' = 45" for s in sol.steps)
    assert "T′" not in zh  # one prime symbol throughout, as in the question text (T')


def test_piecewise_note_before_any_milestone():
    sol = LR.func(schedule="piecewise", lr0=0.1, t=3, beta=0.5, milestones=[10, 20])
    assert sol.answers["lr"] == pytest.approx(0.1)
    note = sol.steps[0].note
    assert note is not None and note.zh == "已到达：无（t = 3）" and note.en == "reached: none (t = 3)"
    reached = LR.func(schedule="piecewise", lr0=0.1, t=25, beta=0.5, milestones=[10, 20]).steps[0].note
    assert reached is not None and reached.en == "reached: T₁ = 10, T₂ = 20 (t = 25)"
