"""TD(0) state-value updates V(s) ← V(s) + α[r + γV(s') − V(s)], checked against a plain loop written
here, hand calculations in the comments, and Sutton & Barto's random walk (Example 6.2: states A–E,
V = 0.5 at the start, reward 1 only on the right exit, γ = 1; true values 1/6 … 5/6)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers import registry
from solvers.core import SolverInputError


def run(solver_id: str, **kw):
    return registry.get(solver_id).func(**kw)


def mistakes(solver_id: str) -> dict:
    return registry.get(solver_id).mistakes


def close(a, b, tol=1e-9) -> bool:
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(close(x, y, tol) for x, y in zip(a, b))
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


def td0_reference(V, episode, alpha, gamma):
    """Plain loop: episode is a list of (s, r, s') with s' = None at the end."""
    V = list(V)
    for s, r, s2 in episode:
        nxt = 0.0 if s2 is None else V[s2]
        V[s] = V[s] + alpha * (r + gamma * nxt - V[s])
    return V


def encode(episode):
    return ";".join(f"{s},{r},{-1 if s2 is None else s2}" for s, r, s2 in episode)


# --------------------------------------------------------------------------- one update


def test_single_update_by_hand():
    # y = 1 + 0.9·0.6 = 1.54; δ = 1.54 − 0.5 = 1.04; V = 0.5 + 0.1·1.04 = 0.604
    sol = run("rl.td0", v=0.5, reward=1, alpha=0.1, gamma=0.9, next_v=0.6)
    assert close(sol.answers["target"], 1.54)
    assert close(sol.answers["td_error"], 1.04)
    assert close(sol.answers["v_new"], 0.604)
    # terminal next state: y = r = 2; V = 3 + 0.5·(2 − 3) = 2.5
    end = run("rl.td0", v=3, reward=2, alpha=0.5, gamma=0.9)
    assert close(end.answers["target"], 2) and close(end.answers["v_new"], 2.5)


def test_single_update_mistakes_by_hand():
    m = mistakes("rl.td0")
    kw = dict(v=0.5, reward=1, alpha=0.1, gamma=0.9, next_v=0.6)
    # no γ: y = 1 + 0.6 = 1.6; V = 0.5 + 0.1·1.1 = 0.61
    assert close(m["gamma_forgotten"](**kw)["v_new"], 0.61)
    # sign flipped: V = 0.5 + 0.1·(0.5 − 1.54) = 0.396
    assert close(m["td_error_sign"](**kw)["v_new"], 0.396)
    # α forgotten: V becomes the target 1.54
    assert close(m["alpha_forgotten"](**kw)["v_new"], 1.54)


def test_random_walk_true_values_are_a_fixed_point_in_expectation():
    # from state k (A = 1 … E = 5) the walk goes left or right with probability 1/2; with the true values
    # V(k) = k/6 the expected TD error is 0: ½·(0 + V(k−1) − V(k)) + ½·(r + V(k+1) − V(k)) = 0
    true = {k: k / 6 for k in range(1, 6)}
    for k in range(1, 6):
        left = run("rl.td0", v=true[k], reward=0, alpha=1, next_v=true[k - 1] if k > 1 else None)
        right = run("rl.td0", v=true[k], reward=1 if k == 5 else 0, alpha=1, next_v=true.get(k + 1))
        assert close(0.5 * left.answers["td_error"] + 0.5 * right.answers["td_error"], 0)


# --------------------------------------------------------------------------- an episode


def test_random_walk_first_episode_changes_only_the_last_state():
    # S&B Fig. 6.2 (left): after the first episode only V(A) changed, from 0.5 to 0.45 with α = 0.1,
    # because every earlier step has target 0 + 0.5 = 0.5 = V(s) and the last one has target 0.
    # States A..E are s0..s4; the episode C, B, A, left exit.
    sol = run("rl.td0_episode", values=[0.5] * 5, episode="2,0,1;1,0,0;0,0,-1", alpha=0.1)
    assert close(sol.answers["values"], [0.45, 0.5, 0.5, 0.5, 0.5])
    # ending on the right instead (C, D, E, exit with reward 1): V(E) = 0.5 + 0.1·(1 − 0.5) = 0.55
    right = run("rl.td0_episode", values=[0.5] * 5, episode="2,0,3;3,0,4;4,1,-1", alpha=0.1)
    assert close(right.answers["values"], [0.5, 0.5, 0.5, 0.5, 0.55])


def test_episode_by_hand_and_mistakes():
    # V = (0, 0), α = 0.5, γ = 0.9; s0 -(r 1)-> s1 -(r 2)-> s0 -(r 5)-> end
    # t0: V(s0) = 0 + 0.5·(1 + 0.9·0 − 0) = 0.5
    # t1: V(s1) = 0 + 0.5·(2 + 0.9·0.5 − 0) = 1.225
    # t2: V(s0) = 0.5 + 0.5·(5 + 0 − 0.5) = 2.75
    kw = dict(values=[0, 0], episode="0,1,1;1,2,0;0,5,-1", alpha=0.5, gamma=0.9)
    sol = run("rl.td0_episode", **kw)
    assert close(sol.answers["updates"], [0.5, 1.225, 2.75])
    assert close(sol.answers["values"], [2.75, 1.225])
    m = mistakes("rl.td0_episode")
    # stale: t1 reads the initial V(s0) = 0: 0.5·2 = 1
    assert close(m["stale_values"](**kw)["values"], [2.75, 1.0])
    # α forgotten: t0 -> 1; t1 -> 2 + 0.9·1 = 2.9; t2 -> 5
    assert close(m["alpha_forgotten"](**kw)["updates"], [1, 2.9, 5])
    # no γ: t0 -> 0.5; t1 -> 0.5·(2 + 0.5) = 1.25; t2 -> 0.5 + 0.5·(5 − 0.5) = 2.75
    assert close(m["gamma_forgotten"](**kw)["updates"], [0.5, 1.25, 2.75])
    # sign: t0 -> 0 + 0.5·(0 − 1) = −0.5; t1 -> 0 + 0.5·(0 − (2 + 0.9·(−0.5))) = −0.775;
    #       t2 -> −0.5 + 0.5·(−0.5 − 5) = −3.25
    assert close(m["td_error_sign"](**kw)["updates"], [-0.5, -0.775, -3.25])
    # Monte Carlo returns G0 = 1 + 0.9·2 + 0.81·5 = 6.85, G1 = 2 + 4.5 = 6.5, G2 = 5:
    # t0 -> 0.5·6.85 = 3.425; t1 -> 0.5·6.5 = 3.25; t2 -> 3.425 + 0.5·(5 − 3.425) = 4.2125
    assert close(m["mc_return_instead_of_td_target"](**kw)["updates"], [3.425, 3.25, 4.2125])


@st.composite
def episodes(draw):
    n = draw(st.integers(1, 4))
    length = draw(st.integers(1, 6))
    s = draw(st.integers(0, n - 1))
    out = []
    for t in range(length):
        end = t == length - 1 and draw(st.booleans())
        s2 = None if end else draw(st.integers(0, n - 1))
        out.append((s, draw(st.integers(-3, 5)), s2))
        if s2 is None:
            break
        s = s2
    values = draw(st.lists(st.integers(-4, 4), min_size=n, max_size=n))
    return values, out


@settings(max_examples=80, deadline=None)
@given(episodes(), st.sampled_from([0.1, 0.5, 1.0]), st.sampled_from([0.5, 0.9, 1.0]))
def test_episode_matches_plain_loop(case, alpha, gamma):
    values, ep = case
    sol = run("rl.td0_episode", values=values, episode=encode(ep), alpha=alpha, gamma=gamma)
    assert close(sol.answers["values"], td0_reference(values, ep, alpha, gamma))
    # one step of the episode is the single-update solver
    s, r, s2 = ep[0]
    single = run("rl.td0", v=values[s], reward=r, alpha=alpha, gamma=gamma, next_v=None if s2 is None else values[s2])
    assert close(sol.answers["updates"][0], single.answers["v_new"])


@pytest.mark.parametrize(
    "kw",
    [
        dict(values=[0, 0], episode="0,1,1;0,2,-1", alpha=0.5),  # steps do not chain
        dict(values=[0, 0], episode="0,1,5", alpha=0.5),  # no state 5
        dict(values=[0, 0], episode="0,1,1", alpha=1.5),  # α outside [0, 1]
        dict(values=[], episode="0,1,-1", alpha=0.5),  # no values
    ],
)
def test_bad_episodes_are_refused(kw):
    with pytest.raises(SolverInputError) as err:
        run("rl.td0_episode", **kw)
    assert err.value.text.en and err.value.text.zh


def test_steps_are_bilingual_and_language_neutral():
    for sol in (
        run("rl.td0", v=0.5, reward=1, alpha=0.1, gamma=0.9, next_v=0.6),
        run("rl.td0", v=0.5, reward=1, alpha=0.1),
        run("rl.td0_episode", values=[0.5] * 3, episode="2,0,1;1,0,0;0,0,-1", alpha=0.1),
    ):
        for step in sol.steps:
            assert step.what.en and step.what.zh
            for text in (step.formula, step.substituted, step.result):
                assert not any(w in text for w in ("target", "terminal", "episode"))
