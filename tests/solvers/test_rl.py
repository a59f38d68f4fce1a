"""Tests for solvers/rl.py against independent references: Sutton & Barto's gridworld (Fig. 4.1),
small MDPs worked by hand (arithmetic in the comments), plain-loop re-implementations written
here, and hypothesis properties."""

from __future__ import annotations

import math
import re

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


# --------------------------------------------------------------------------- plain-loop references


def grid_reference(n: int, gamma: float, reward: float, sweeps: int, inplace: bool, drop_off_grid: bool = False):
    """Random-policy evaluation on the n×n gridworld, written with plain loops over (row, col)."""
    V = [[0.0] * n for _ in range(n)]
    for _ in range(sweeps):
        old = [row[:] for row in V]
        for i in range(n):
            for j in range(n):
                if (i, j) in ((0, 0), (n - 1, n - 1)):
                    continue
                outcomes = []
                for di, dj in ((-1, 0), (1, 0), (0, -1), (0, 1)):
                    ni, nj = i + di, j + dj
                    if not (0 <= ni < n and 0 <= nj < n):
                        if drop_off_grid:
                            continue
                        ni, nj = i, j
                    src = V if inplace else old
                    outcomes.append(reward + gamma * src[ni][nj])
                V[i][j] = sum(outcomes) / len(outcomes)
    return V


def mdp_dict(rows):
    """rows s,a,s',p,r -> {s: {a: [(s', p, r)]}}"""
    out: dict = {}
    for s, a, s2, p, r in rows:
        out.setdefault(s, {}).setdefault(a, []).append((s2, p, r))
    return out


def n_states(rows):
    return max(max(r[0], r[2]) for r in rows) + 1


def evaluate_reference(rows, gamma, sweeps, inplace=False, policy=None):
    """Plain-loop iterative policy evaluation; policy: {s: {a: prob}} (default uniform)."""
    P = mdp_dict(rows)
    V = [0.0] * n_states(rows)
    for _ in range(sweeps):
        old = V[:]
        for s in range(len(V)):
            if s not in P:
                continue
            acts = P[s]
            pi = policy[s] if policy and s in policy else {a: 1 / len(acts) for a in acts}
            src = V if inplace else old
            V[s] = sum(pi[a] * sum(p * (r + gamma * src[s2]) for s2, p, r in acts[a]) for a in acts)
    return V


def value_iteration_reference(rows, gamma, sweeps):
    P = mdp_dict(rows)
    V = [0.0] * n_states(rows)
    history = [V[:]]
    for _ in range(sweeps):
        V = [
            max(sum(p * (r + gamma * V[s2]) for s2, p, r in P[s][a]) for a in P[s]) if s in P else V[s]
            for s in range(len(V))
        ]
        history.append(V[:])
    return history


def q_reference(rows, V, gamma):
    P = mdp_dict(rows)
    return {(s, a): sum(p * (r + gamma * V[s2]) for s2, p, r in outs) for s in P for a, outs in P[s].items()}


# Hand MDP used below (γ = 0.9):
#   s0, a0 -> s1 with p 0.8, r 2;  s0, a0 -> s0 with p 0.2, r 0;  s0, a1 -> s0 with p 1, r 1
#   s1, a0 -> s2 with p 1, r 5;    s1, a1 -> s0 with p 1, r 0;    s2 terminal
HAND = "0,0,1,0.8,2;0,0,0,0.2,0;0,1,0,1,1;1,0,2,1,5;1,1,0,1,0"
HAND_ROWS = [(0, 0, 1, 0.8, 2), (0, 0, 0, 0.2, 0), (0, 1, 0, 1, 1), (1, 0, 2, 1, 5), (1, 1, 0, 1, 0)]


# --------------------------------------------------------------------------- gridworld (S&B Fig. 4.1)


def test_gridworld_sutton_barto_k1_k2():
    one = run("rl.gridworld", size=4, gamma=1, reward=-1, method="policy-evaluation", sweeps=1)
    expected1 = [[0, -1, -1, -1], [-1, -1, -1, -1], [-1, -1, -1, -1], [-1, -1, -1, 0]]
    assert close(one.answers["values"], expected1)
    two = run("rl.gridworld", size=4, gamma=1, reward=-1, method="policy-evaluation", sweeps="2")
    # next to a terminal: 1/4·[(−1−1) + (−1−1) + (−1+0) + (−1−1)] = −1.75 (S&B print −1.7)
    expected2 = [[0, -1.75, -2, -2], [-1.75, -2, -2, -2], [-2, -2, -2, -1.75], [-2, -2, -1.75, 0]]
    assert close(two.answers["values"], expected2)


def test_gridworld_sutton_barto_k3_k10_rounded():
    # S&B Fig. 4.1 prints one decimal
    k3 = [[0, -2.4, -2.9, -3.0], [-2.4, -2.9, -3.0, -2.9], [-2.9, -3.0, -2.9, -2.4], [-3.0, -2.9, -2.4, 0]]
    k10 = [[0, -6.1, -8.4, -9.0], [-6.1, -7.7, -8.4, -8.4], [-8.4, -8.4, -7.7, -6.1], [-9.0, -8.4, -6.1, 0]]
    for k, table in ((3, k3), (10, k10)):
        values = run("rl.gridworld", size=4, method="policy-evaluation", sweeps=k).answers["values"]
        for row, ref in zip(values, table):
            assert all(abs(v - r) <= 0.05 + 1e-9 for v, r in zip(row, ref)), (k, row, ref)


def test_gridworld_sutton_barto_converged():
    sol = run("rl.gridworld", size=4, gamma=1, reward=-1, method="policy-evaluation", sweeps="converge")
    expected = [[0, -14, -20, -22], [-14, -18, -20, -20], [-20, -20, -18, -14], [-22, -20, -14, 0]]
    assert close(sol.answers["values"], expected, tol=1e-3)
    # S&B's greedy policy for v_π (right column of Fig. 4.1), ties listed in the order ↑↓←→
    assert sol.answers["policy"] == [
        ["T", "←", "←", "↓←"],
        ["↑", "↑←", "↓←", "↓"],
        ["↑", "↑→", "↓→", "↓"],
        ["↑→", "→", "→", "T"],
    ]


@pytest.mark.parametrize(
    "n,gamma,reward,k,inplace",
    [(4, 1, -1, 3, False), (4, 1, -1, 3, True), (3, 0.9, -2, 4, True), (5, 0.5, -1, 2, False)],
)
def test_gridworld_matches_plain_loop(n, gamma, reward, k, inplace):
    sol = run("rl.gridworld", size=n, gamma=gamma, reward=reward, method="policy-evaluation", sweeps=k, inplace=inplace)
    assert close(sol.answers["values"], grid_reference(n, gamma, reward, k, inplace))


def test_gridworld_inplace_differs_from_synchronous():
    # in-place sweep 1 in row order: (0,1) = 1/4·[(−1−0)·... ] uses fresh values, so values differ
    sync = run("rl.gridworld", size=4, method="policy-evaluation", sweeps=2).answers["values"]
    inpl = run("rl.gridworld", size=4, method="policy-evaluation", sweeps=2, inplace=True).answers["values"]
    assert not close(sync, inpl)
    # by hand, first in-place sweep: V(0,1) = 1/4·[(−1+V(0,1)=0) + (−1+0) + (−1+0) + (−1+0)] = −1,
    # V(0,2) = 1/4·[(−1+0)·3 + (−1 + V(0,1) = −1)] = 1/4·(−5) = −1.25
    one = run("rl.gridworld", size=4, method="policy-evaluation", sweeps=1, inplace=True).answers["values"]
    assert close(one[0][1], -1.0) and close(one[0][2], -1.25)


def test_gridworld_value_iteration_is_distance_to_nearest_terminal():
    n = 5
    sol = run("rl.gridworld", size=n, gamma=1, reward=-1, method="value-iteration", sweeps="converge")

    def dist(i, j):
        return min(i + j, (n - 1 - i) + (n - 1 - j))

    assert close(sol.answers["values"], [[-dist(i, j) for j in range(n)] for i in range(n)])
    # optimal moves are exactly those that reduce the distance, in the order ↑↓←→
    for i in range(n):
        for j in range(n):
            if dist(i, j) == 0:
                assert sol.answers["policy"][i][j] == "T"
                continue
            moves = ""
            for arrow, (di, dj) in zip("↑↓←→", ((-1, 0), (1, 0), (0, -1), (0, 1))):
                ni, nj = i + di, j + dj
                if 0 <= ni < n and 0 <= nj < n and dist(ni, nj) < dist(i, j):
                    moves += arrow
            assert sol.answers["policy"][i][j] == moves


def test_gridworld_value_iteration_k_sweeps_and_policy_iteration():
    # VI after 2 sweeps from 0 (γ = 1, r = −1): cells within 2 moves of a terminal hold −distance, others −2
    v2 = run("rl.gridworld", size=4, method="value-iteration", sweeps=2).answers["values"]
    assert close(v2, [[0, -1, -2, -2], [-1, -2, -2, -2], [-2, -2, -2, -1], [-2, -2, -1, 0]])
    pi = run("rl.gridworld", size=4, method="policy-iteration")
    assert close(pi.answers["values"], [[0, -1, -2, -3], [-1, -2, -3, -2], [-2, -3, -2, -1], [-3, -2, -1, 0]])
    assert pi.answers["policy"][0][0] == "T" and pi.answers["policy"][0][1] == "←"


def test_gridworld_mistakes():
    m = mistakes("rl.gridworld")
    kw = dict(size=4, gamma=1, reward=-1, method="policy-evaluation", sweeps=2, inplace=False, tol=1e-6)
    assert close(m["inplace_sweep"](**kw)["values"], grid_reference(4, 1, -1, 2, True))
    assert close(m["off_grid_moves_dropped"](**kw)["values"], grid_reference(4, 1, -1, 2, False, drop_off_grid=True))
    assert not close(m["off_grid_moves_dropped"](**kw)["values"], grid_reference(4, 1, -1, 2, False))
    kw_in = dict(kw, inplace=True)
    assert close(m["synchronous_sweep"](**kw_in)["values"], grid_reference(4, 1, -1, 2, False))
    kw_g = dict(kw, gamma=0.5)
    assert close(m["gamma_forgotten"](**kw_g)["values"], grid_reference(4, 1, -1, 2, False))
    assert not close(run("rl.gridworld", **kw_g).answers["values"], grid_reference(4, 1, -1, 2, False))


def test_gridworld_bad_inputs():
    with pytest.raises(SolverInputError):
        run("rl.gridworld", size=4, sweeps="forever")
    with pytest.raises(SolverInputError):
        run("rl.gridworld", size=1)
    # γ = 1 with a positive reward: the random policy still ends (values = expected steps, finite),
    # but the best policy would walk forever, so value iteration diverges
    finite = run("rl.gridworld", size=2, gamma=1, reward=1, method="policy-evaluation", sweeps="converge")
    # 2×2: from (0,1) a move hits a terminal with prob 1/2, else stays/bumps: V = 1 + V/2 -> V = 2
    assert close(finite.answers["values"], [[0, 2], [2, 0]], tol=1e-5)
    with pytest.raises(SolverInputError):
        run("rl.gridworld", size=3, gamma=1, reward=1, method="value-iteration", sweeps="converge")


# --------------------------------------------------------------------------- explicit MDPs by hand


def test_bellman_v_by_hand():
    sol = run("rl.bellman_v", transitions=HAND, values=[1, 2, 0], gamma=0.9, state=0)
    # s0: a0 -> 0.8·(2 + 0.9·2) + 0.2·(0 + 0.9·1) = 3.04 + 0.18 = 3.22; a1 -> 1 + 0.9·1 = 1.9
    #     uniform policy: 0.5·3.22 + 0.5·1.9 = 2.56
    # s1: a0 -> 5 + 0 = 5; a1 -> 0 + 0.9·1 = 0.9; mean 2.95; s2 terminal stays 0
    assert close(sol.answers["v"], 2.56)
    assert close(sol.answers["values"], [2.56, 2.95, 0.0])
    opt = run("rl.bellman_v", transitions=HAND, values=[1, 2, 0], gamma=0.9, method="optimality")
    assert close(opt.answers["values"], [3.22, 5.0, 0.0])
    # a deterministic policy π(a0|s0) = 1: V(s0) = 3.22
    det = run("rl.bellman_v", transitions=HAND, values=[1, 2, 0], gamma=0.9, policy="0,0,1;0,1,0", state=0)
    assert close(det.answers["v"], 3.22)


def test_bellman_v_mistakes():
    m = mistakes("rl.bellman_v")
    kw = dict(transitions=HAND, values=[1, 2, 0], gamma=0.9, policy=None, method="expectation", state=0)
    # γ forgotten: a0 -> 0.8·4 + 0.2·1 = 3.4, a1 -> 2, mean 2.7
    assert close(m["gamma_forgotten"](**kw)["v"], 2.7)
    assert close(m["max_instead_of_expectation"](**kw)["v"], 3.22)
    assert m["mean_instead_of_max"](**kw) == {}
    kw_opt = dict(kw, method="optimality")
    assert close(m["mean_instead_of_max"](**kw_opt)["v"], 2.56)


def test_bellman_q_by_hand():
    # from V: Q(s0,a0) = 0.8·(2 + 0.9·2) + 0.2·(0 + 0.9·1) = 3.22
    assert close(
        run("rl.bellman_q", transitions=HAND, state=0, action=0, gamma=0.9, values=[1, 2, 0]).answers["q"], 3.22
    )
    # from a Q table under the uniform policy: V(s1) = (3 + 4)/2 = 3.5, V(s0) = (1 + 2)/2 = 1.5
    # Q(s0,a0) = 0.8·(2 + 0.9·3.5) + 0.2·(0 + 0.9·1.5) = 0.8·5.15 + 0.2·1.35 = 4.12 + 0.27 = 4.39
    q = [[1, 2], [3, 4], [0, 0]]
    sol = run("rl.bellman_q", transitions=HAND, state=0, action=0, gamma=0.9, q=q)
    assert close(sol.answers["q"], 4.39)
    # optimality: V(s1) = 4, V(s0) = 2: 0.8·(2 + 3.6) + 0.2·(1.8) = 4.48 + 0.36 = 4.84
    opt = run("rl.bellman_q", transitions=HAND, state=0, action=0, gamma=0.9, q=q, method="optimality")
    assert close(opt.answers["q"], 4.84)
    m = mistakes("rl.bellman_q")
    kw = dict(transitions=HAND, state=0, action=0, gamma=0.9, values=None, q=q, policy=None, method="expectation")
    assert close(m["max_instead_of_expectation"](**kw)["q"], 4.84)
    # γ forgotten: 0.8·(2 + 3.5) + 0.2·1.5 = 4.4 + 0.3 = 4.7
    assert close(m["gamma_forgotten"](**kw)["q"], 4.7)
    assert close(m["mean_instead_of_max"](**dict(kw, method="optimality"))["q"], 4.39)


def test_policy_evaluation_by_hand_sync_and_inplace():
    sync = run("rl.policy_evaluation", transitions=HAND, gamma=0.9, sweeps=2)
    # sweep 1 from 0: s0 = 0.5·(0.8·2 + 0) + 0.5·1 = 1.3; s1 = 0.5·5 + 0.5·0 = 2.5
    # sweep 2: s0 = 0.5·[0.8·(2 + 0.9·2.5) + 0.2·(0.9·1.3)] + 0.5·(1 + 0.9·1.3)
    #             = 0.5·(3.4 + 0.234) + 0.5·2.17 = 1.817 + 1.085 = 2.902
    #          s1 = 0.5·5 + 0.5·(0.9·1.3) = 2.5 + 0.585 = 3.085
    assert close(sync.answers["history"], [[0, 0, 0], [1.3, 2.5, 0], [2.902, 3.085, 0]])
    assert close(sync.answers["values"], [2.902, 3.085, 0])
    inpl = run("rl.policy_evaluation", transitions=HAND, gamma=0.9, sweeps=1, inplace=True)
    # in place, s1 already sees V(s0) = 1.3: s1 = 0.5·5 + 0.5·0.9·1.3 = 3.085
    assert close(inpl.answers["values"], [1.3, 3.085, 0])
    m = mistakes("rl.policy_evaluation")
    kw = dict(transitions=HAND, policy=None, gamma=0.9, sweeps=1, inplace=False, values=None, tol=1e-6)
    assert close(m["inplace_sweep"](**kw)["values"], [1.3, 3.085, 0])
    assert close(m["synchronous_sweep"](**dict(kw, inplace=True))["values"], [1.3, 2.5, 0])
    assert m["inplace_sweep"](**dict(kw, inplace=True)) == {}
    # γ forgotten on sweep 2: s0 = 0.5·[0.8·4.5 + 0.2·1.3] + 0.5·2.3 = 1.93 + 1.15 = 3.08
    assert close(m["gamma_forgotten"](**dict(kw, sweeps=2))["values"][0], 3.08)


@pytest.mark.parametrize("inplace", [False, True])
def test_policy_evaluation_matches_plain_loop_with_policy(inplace):
    policy = {0: {0: 0.3, 1: 0.7}, 1: {0: 0.6, 1: 0.4}}
    sol = run(
        "rl.policy_evaluation",
        transitions=HAND,
        gamma=0.8,
        sweeps=5,
        inplace=inplace,
        policy="0,0,0.3;0,1,0.7;1,0,0.6;1,1,0.4",
    )
    assert close(sol.answers["values"], evaluate_reference(HAND_ROWS, 0.8, 5, inplace, policy))


def test_policy_evaluation_converges_to_linear_solution():
    # uniform policy, γ = 0.9: V0 = 0.5·[0.8·(2 + 0.9V1) + 0.2·0.9V0] + 0.5·(1 + 0.9V0), V1 = 2.5 + 0.45V0
    # -> V0 = 1.3 + 0.36V1 + 0.54V0 = 1.3 + 0.9 + 0.162V0 + 0.54V0 -> 0.298V0 = 2.2 -> V0 = 7.38255
    sol = run("rl.policy_evaluation", transitions=HAND, gamma=0.9, sweeps="converge", tol=1e-9)
    assert close(sol.answers["values"][0], 2.2 / 0.298, tol=1e-6)
    assert close(sol.answers["values"][1], 2.5 + 0.45 * 2.2 / 0.298, tol=1e-6)
    assert "history" not in sol.answers


def test_value_iteration_by_hand():
    sol = run("rl.value_iteration", transitions=HAND, gamma=0.9, sweeps=2)
    # sweep 1: s0 = max(0.8·2, 1) = 1.6; s1 = max(5, 0) = 5
    # sweep 2: s0 = max(0.8·(2 + 4.5) + 0.2·(0.9·1.6), 1 + 0.9·1.6) = max(5.488, 2.44) = 5.488; s1 = max(5, 1.44) = 5
    assert close(sol.answers["history"], [[0, 0, 0], [1.6, 5, 0], [5.488, 5, 0]])
    assert sol.answers["policy"] == [0, 0, -1]
    assert close(sol.answers["history"], value_iteration_reference(HAND_ROWS, 0.9, 2))
    m = mistakes("rl.value_iteration")
    kw = dict(transitions=HAND, gamma=0.9, sweeps=2, inplace=False, values=None, tol=1e-6)
    # mean instead of max = uniform policy evaluation: [2.902, 3.085, 0] (see above)
    assert close(m["mean_instead_of_max"](**kw)["values"], [2.902, 3.085, 0])
    # sweep 3 (synchronous): s0 = max(0.8·6.5 + 0.2·0.9·5.488, 1 + 0.9·5.488) = max(6.18784, 5.9392) = 6.18784,
    #   s1 = max(5, 0.9·5.488 = 4.9392) = 5
    assert close(run("rl.value_iteration", transitions=HAND, gamma=0.9, sweeps=3).answers["values"], [6.18784, 5, 0])
    # in place the first two sweeps agree (s1 keeps 5), but in sweep 3 s1 already sees s0 = 6.18784:
    #   s1 = max(5, 0.9·6.18784) = 5.569056
    kw3 = dict(kw, sweeps=3)
    assert close(m["inplace_sweep"](**kw3)["values"], [6.18784, 5.569056, 0])
    assert close(
        run("rl.value_iteration", transitions=HAND, gamma=0.9, sweeps=3, inplace=True).answers["values"][1], 5.569056
    )
    assert close(m["synchronous_sweep"](**dict(kw3, inplace=True))["values"], [6.18784, 5, 0])
    # γ forgotten, 1 sweep: s0 = max(0.8·2, 1) = 1.6, s1 = 5 -> same as with γ; after 2: s0 = max(0.8·7 + 0.2·1.6, 2.6) = 5.92
    assert close(m["gamma_forgotten"](**kw)["values"][0], 5.92)


def test_policy_iteration_by_hand():
    sol = run("rl.policy_iteration", transitions=HAND, gamma=0.9)
    # optimal: s0 keeps taking a1 (reward 1 forever): V(s0) = 1/(1 − 0.9) = 10;
    # s1: a1 -> 0 + 0.9·10 = 9 beats a0 -> 5; check s0: a0 -> 0.8·(2 + 8.1) + 0.2·9 = 9.88 < 10
    assert close(sol.answers["values"], [10, 9, 0], tol=1e-9)
    assert sol.answers["policy"] == [1, 1, -1]
    assert sol.answers["iterations"] == 2
    # with γ = 0.5 the exit is better: s1: a0 -> 5 vs a1 -> 0.5·V(s0); s0: a1 -> V = 1/(1 − 0.5) = 2
    # or a0 -> V0 = 0.8·(2 + 0.5·5) + 0.2·0.5·V0 -> 0.9V0 = 3.6 -> V0 = 4 -> policy [0, 0]
    half = run("rl.policy_iteration", transitions=HAND, gamma=0.5)
    assert close(half.answers["values"], [4, 5, 0])
    assert half.answers["policy"] == [0, 0, -1]


def test_policy_iteration_optimal_start_stops_after_one_iteration():
    # π₀ = (a1, a1) is already optimal for γ = 0.9 (see above): one evaluation, one unchanged improvement
    sol = run("rl.policy_iteration", transitions=HAND, gamma=0.9, policy="0,1,1;1,1,1")
    assert sol.answers["iterations"] == 1
    assert close(sol.answers["values"], [10, 9, 0])


def test_policy_iteration_improper_policy_raises():
    # γ = 1 and a policy that loops forever on reward 1 has infinite value
    with pytest.raises(SolverInputError):
        run("rl.policy_iteration", transitions="0,0,0,1,1;0,1,1,1,0", gamma=1)


def test_mdp_encoding_errors_and_forms():
    with pytest.raises(SolverInputError):  # probabilities add up to 0.9
        run("rl.bellman_v", transitions="0,0,1,0.5,1;0,0,0,0.4,0")
    with pytest.raises(SolverInputError):  # a row with 4 numbers
        run("rl.bellman_v", transitions="0,0,1,1")
    with pytest.raises(SolverInputError):
        run("rl.bellman_v", transitions=HAND, policy="0,0,0.5;0,1,0.4")
    flat = [x for row in HAND_ROWS for x in row]
    matrix = [list(row) for row in HAND_ROWS]
    a = run("rl.bellman_v", transitions=HAND, values=[1, 2, 0], gamma=0.9).answers
    b = run("rl.bellman_v", transitions=flat, values=[1, 2, 0], gamma=0.9).answers
    c = run("rl.bellman_v", transitions=matrix, values=(1, 2, 0), gamma=0.9).answers
    assert a == b == c


# --------------------------------------------------------------------------- hypothesis on random MDPs


@st.composite
def random_mdp(draw, positive=False):
    n = draw(st.integers(2, 4))
    terminal = draw(st.booleans())
    rows = []
    live = n - 1 if terminal else n
    for s in range(live):
        for a in range(draw(st.integers(1, 3))):
            r_lo = 0 if positive else -3
            if draw(st.booleans()):
                rows.append((s, a, draw(st.integers(0, n - 1)), 1.0, draw(st.integers(r_lo, 5))))
            else:
                p = draw(st.sampled_from([0.2, 0.5, 0.7]))
                s1, s2 = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
                rows.append((s, a, s1, p, draw(st.integers(r_lo, 5))))
                rows.append((s, a, s2, round(1 - p, 10), draw(st.integers(r_lo, 5))))
    if terminal:  # make sure the terminal state exists in the encoding
        rows.append(
            (0, 0 if not any(r[0] == 0 for r in rows) else max(r[1] for r in rows if r[0] == 0) + 1, n - 1, 1.0, 0)
        )
    return rows


@settings(max_examples=50, deadline=None)
@given(random_mdp(), st.sampled_from([0.5, 0.8, 0.9]), st.integers(1, 4), st.booleans())
def test_policy_evaluation_matches_plain_loop_random(rows, gamma, k, inplace):
    sol = run("rl.policy_evaluation", transitions=rows, gamma=gamma, sweeps=k, inplace=inplace)
    assert close(sol.answers["values"], evaluate_reference(rows, gamma, k, inplace), tol=1e-9)


@settings(max_examples=50, deadline=None)
@given(random_mdp(positive=True), st.sampled_from([0.5, 0.8, 0.9]))
def test_value_iteration_never_decreases_on_positive_rewards(rows, gamma):
    history = run("rl.value_iteration", transitions=rows, gamma=gamma, sweeps=8).answers["history"]
    assert all(v == 0 for v in history[0])
    for before, after in zip(history, history[1:]):
        assert all(b2 >= b1 - 1e-12 for b1, b2 in zip(before, after))
    assert close(history, value_iteration_reference(rows, gamma, 8))


@settings(max_examples=50, deadline=None)
@given(random_mdp(), st.sampled_from([0.5, 0.8, 0.9]))
def test_policy_iteration_policy_is_found_by_value_iteration(rows, gamma):
    pi = run("rl.policy_iteration", transitions=rows, gamma=gamma).answers
    vi = run("rl.value_iteration", transitions=rows, gamma=gamma, sweeps="converge", tol=1e-10).answers
    assert close(pi["values"], vi["values"], tol=1e-6)
    Q = q_reference(rows, vi["values"], gamma)
    for s, action in enumerate(pi["policy"]):
        if action < 0:
            continue
        best = max(q for (s2, _), q in Q.items() if s2 == s)
        assert Q[(s, action)] >= best - 1e-6


# --------------------------------------------------------------------------- returns, trajectories, ε-greedy


def test_return_by_hand_and_mistakes():
    sol = run("rl.discounted_return", rewards=[1, 0, 2], gamma=0.5)
    # 1 + 0.5·0 + 0.25·2 = 1.5; G1 = 0 + 0.5·2 = 1; G2 = 2
    assert close(sol.answers["return"], 1.5)
    assert close(sol.answers["returns"], [1.5, 1, 2])
    m = mistakes("rl.discounted_return")
    assert close(m["gamma_from_first_reward"](rewards=[1, 0, 2], gamma=0.5)["return"], 0.5 + 0 + 0.25)
    assert close(m["no_discount"](rewards=[1, 0, 2], gamma=0.5)["return"], 3)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(-5, 5), min_size=1, max_size=8), st.sampled_from([0.0, 0.5, 0.9, 1.0]))
def test_return_equals_horner(rewards, gamma):
    # Horner's rule from the back: ((r_T·γ + r_{T−1})·γ + …) + r_1
    h = 0.0
    for r in reversed(rewards):
        h = h * gamma + r
    assert close(run("return", rewards=rewards, gamma=gamma).answers["return"], h)


def test_trajectory_by_hand():
    # p(τ) = 0.5 · (0.5·0.8) · (0.4·1) = 0.08; G = 1 + 0.9·2 = 2.8
    sol = run("rl.trajectory_probability", p0=0.5, pi=[0.5, 0.4], p=[0.8, 1], rewards=[1, 2], gamma=0.9)
    assert close(sol.answers["probability"], 0.08)
    assert close(sol.answers["return"], 2.8)
    m = mistakes("rl.trajectory_probability")
    kw = dict(
        p0=0.5, pi=[0.5, 0.4], p=[0.8, 1], rewards=[1, 2], trajectory=None, transitions=None, policy=None, gamma=0.9
    )
    assert close(m["policy_forgotten"](**kw)["probability"], 0.5 * 0.8)
    assert close(m["transition_forgotten"](**kw)["probability"], 0.5 * 0.2)
    assert close(m["start_forgotten"](**kw)["probability"], 0.16)
    # MDP mode, uniform policy: s0 -a0-> s1 (0.5·0.8), s1 -a0-> s2 (0.5·1): 0.2; G = 2 + 0.9·5 = 6.5
    mdp = run("rl.trajectory_probability", trajectory=[0, 0, 1, 0, 2], transitions=HAND, gamma=0.9)
    assert close(mdp.answers["probability"], 0.2)
    assert close(mdp.answers["return"], 6.5)
    with pytest.raises(SolverInputError):  # s1 -a0-> s0 is impossible
        run("rl.trajectory_probability", trajectory=[1, 0, 0], transitions=HAND)


def test_epsilon_greedy_by_hand_and_mistakes():
    sol = run("rl.epsilon_greedy", q=[1, 3, 2], epsilon=0.3)
    # greedy a1: 1 − 0.3 + 0.3/3 = 0.8; others 0.1
    assert close(sol.answers["probabilities"], [0.1, 0.8, 0.1])
    assert sol.answers["greedy"] == 1
    m = mistakes("rl.epsilon_greedy")
    forgot = m["eps_over_A_forgotten"](q=[1, 3, 2], epsilon=0.3)
    assert close(forgot["greedy_prob"], 0.7) and close(forgot["probabilities"], [0.1, 0.7, 0.1])
    others = m["eps_over_others"](q=[1, 3, 2], epsilon=0.3)
    assert close(others["probabilities"], [0.15, 0.7, 0.15])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(-9, 9), min_size=1, max_size=6), st.sampled_from([0.0, 0.1, 0.2, 0.5, 1.0]))
def test_epsilon_greedy_probabilities_sum_to_one(q, eps):
    probs = run("rl.epsilon_greedy", q=q, epsilon=eps).answers["probabilities"]
    assert close(sum(probs), 1.0)
    assert all(p >= eps / len(q) - 1e-12 for p in probs)
    greedy = q.index(max(q))  # first maximum
    assert close(probs[greedy], 1 - eps + eps / len(q))


# --------------------------------------------------------------------------- Monte Carlo

# episode 1: (s0,a0,r=1) (s1,a1,r=2) (s0,a0,r=3); episode 2: (s1,a1,r=0) (s0,a0,r=4)
EPISODES = "1,0,0,1;1,1,1,2;1,0,0,3;2,1,1,0;2,0,0,4"


def test_monte_carlo_first_and_every_visit_by_hand():
    first = run("rl.monte_carlo", episodes=EPISODES, state=0, action=0, gamma=0.9)
    # ep 1 first visit t=0: G = 1 + 0.9·2 + 0.81·3 = 5.23; ep 2 visit t=1: G = 4; mean 4.615
    assert close(first.answers["returns"], [5.23, 4])
    assert close(first.answers["estimate"], 4.615)
    every = run("rl.monte_carlo", episodes=EPISODES, state=0, action=0, gamma=0.9, visit="every")
    # adds ep 1 t=2: G = 3 -> (5.23 + 3 + 4)/3 = 4.07667
    assert close(every.answers["estimate"], (5.23 + 3 + 4) / 3)
    v = run("rl.monte_carlo", episodes=EPISODES, state=1, gamma=1)
    # V(s1): ep 1 t=1: 2 + 3 = 5; ep 2 t=0: 0 + 4 = 4 -> 4.5
    assert close(v.answers["estimate"], 4.5)
    m = mistakes("rl.monte_carlo")
    kw = dict(episodes=EPISODES, state=0, action=0, gamma=0.9, visit="first", update="mean", alpha=None, q0=0.0)
    assert close(m["every_visit_instead_of_first"](**kw)["estimate"], (5.23 + 3 + 4) / 3)
    # whole-episode return: ep 1 G0 = 5.23, ep 2 G0 = 0 + 0.9·4 = 3.6 -> 4.415
    assert close(m["return_from_episode_start"](**kw)["estimate"], (5.23 + 3.6) / 2)
    assert close(m["no_discount"](**kw)["estimate"], (6 + 4) / 2)
    assert close(m["first_visit_instead_of_every"](**dict(kw, visit="every"))["estimate"], 4.615)


def test_monte_carlo_incremental_by_hand():
    sol = run(
        "rl.monte_carlo", episodes=EPISODES, state=0, action=0, gamma=1, visit="every", update="incremental", alpha=0.5
    )
    # returns 6, 3, 4: 0 + 0.5·6 = 3; 3 + 0.5·0 = 3; 3 + 0.5·1 = 3.5
    assert close(sol.answers["estimate"], 3.5)
    # without α the increments use 1/n and give the plain mean 13/3
    mean = run("rl.monte_carlo", episodes=EPISODES, state=0, action=0, gamma=1, visit="every", update="incremental")
    assert close(mean.answers["estimate"], 13 / 3)
    m = mistakes("rl.monte_carlo")
    kw = dict(episodes=EPISODES, state=0, action=0, gamma=1, visit="every", update="incremental", alpha=0.5, q0=0.0)
    assert close(m["sample_mean_instead_of_alpha"](**kw)["estimate"], 13 / 3)


# --------------------------------------------------------------------------- SARSA and Q-learning


def test_td_update_by_hand():
    # SARSA: target = 1 + 0.9·Q(s',a2)=2 -> 2.8; δ = 0.8; Q = 2 + 0.1·0.8 = 2.08
    s = run("rl.td_update", method="sarsa", q=2, reward=1, gamma=0.9, alpha=0.1, next_q=[1, 3, 2], next_action=2)
    assert close(s.answers["q_new"], 2.08) and close(s.answers["target"], 2.8)
    # Q-learning: target = 1 + 0.9·3 = 3.7; Q = 2 + 0.1·1.7 = 2.17
    q = run("rl.td_update", method="q-learning", q=2, reward=1, gamma=0.9, alpha=0.1, next_q=[1, 3, 2], next_action=2)
    assert close(q.answers["q_new"], 2.17)
    # terminal next state: target = r = 1; Q = 2 + 0.5·(1 − 2) = 1.5
    t = run("rl.td_update", method="sarsa", q=2, reward=1, gamma=0.9, alpha=0.5)
    assert close(t.answers["q_new"], 1.5)
    with pytest.raises(SolverInputError):
        run("rl.td_update", method="sarsa", q=2, reward=1, gamma=0.9, alpha=0.1, next_q=[1, 3, 2])


def test_td_update_mistakes():
    m = mistakes("rl.td_update")
    kw = dict(method="sarsa", q=2, reward=1, alpha=0.1, gamma=0.9, next_q=[1, 3, 2], next_action=2)
    assert close(m["max_instead_of_taken_action"](**kw)["q_new"], 2.17)
    assert m["taken_action_in_q_learning"](**kw) == {}
    # γ forgotten: target = 1 + 2 = 3 -> 2 + 0.1·1 = 2.1
    assert close(m["gamma_forgotten"](**kw)["q_new"], 2.1)
    assert close(m["alpha_forgotten"](**kw)["q_new"], 2.8)
    kq = dict(kw, method="q-learning")
    assert close(m["taken_action_in_q_learning"](**kq)["q_new"], 2.08)
    assert m["max_instead_of_taken_action"](**kq) == {}


def test_td_episode_by_hand():
    ep = "0,1,1,1;1,0,2,0;0,1,5,-1"
    sarsa = run("rl.td_episode", method="sarsa", q=[[0, 0], [0, 0]], episode=ep, alpha=0.5, gamma=0.9)
    # t0: Q(s0,a1) = 0 + 0.5·(1 + 0.9·Q(s1,a0)=0) = 0.5
    # t1: Q(s1,a0) = 0 + 0.5·(2 + 0.9·Q(s0,a1)=0.5) = 0.5·2.45 = 1.225
    # t2: terminal: Q(s0,a1) = 0.5 + 0.5·(5 − 0.5) = 2.75
    assert close(sarsa.answers["updates"], [0.5, 1.225, 2.75])
    assert close(sarsa.answers["q"], [[0, 2.75], [1.225, 0]])
    ql = run("rl.td_episode", method="q-learning", q=[[0, 1], [2, 0]], episode=ep, alpha=0.5, gamma=1)
    # t0: Q(s0,a1) = 1 + 0.5·(1 + max(2,0) − 1) = 2; t1: Q(s1,a0) = 2 + 0.5·(2 + max(0,2) − 2) = 3
    # t2: Q(s0,a1) = 2 + 0.5·(5 − 2) = 3.5
    assert close(ql.answers["updates"], [2, 3, 3.5])
    m = mistakes("rl.td_episode")
    kw = dict(method="sarsa", q=[[0, 0], [0, 0]], episode=ep, alpha=0.5, gamma=0.9, next_action=None)
    # stale table: t1 uses the initial Q(s0,a1) = 0: 0.5·2 = 1
    assert close(m["stale_q_table"](**kw)["updates"], [0.5, 1.0, 2.75])
    # α forgotten: t0 -> 1; t1 -> 2 + 0.9·1 = 2.9; t2 -> 5
    assert close(m["alpha_forgotten"](**kw)["updates"], [1, 2.9, 5])
    kq = dict(kw, method="q-learning", q=[[0, 1], [2, 0]], gamma=1)
    # taken action: t0 uses Q(s1,a0) = 2 (same as max); t1 uses Q(s0,a1) = 2 instead of max(0, 2) = 2 -> same;
    # so compare with an initial table where they differ
    kq["q"] = [[3, 1], [2, 0]]
    # Q-learning: t0: 1 + 0.5·(1 + 2 − 1) = 2; t1: 2 + 0.5·(2 + max(3, 2) − 2) = 3.5; t2: 2 + 0.5·(5 − 2) = 3.5
    # taken: t1 uses Q(s0,a1) = 2: 2 + 0.5·(2 + 2 − 2) = 3
    assert close(run("rl.td_episode", **kq).answers["updates"], [2, 3.5, 3.5])
    assert close(m["taken_action_in_q_learning"](**kq)["updates"], [2, 3, 3.5])
    with pytest.raises(SolverInputError):  # steps do not chain
        run("rl.td_episode", method="sarsa", q=[[0, 0], [0, 0]], episode="0,1,1,1;0,0,2,-1", alpha=0.5)


# --------------------------------------------------------------------------- steps and output hygiene


@pytest.mark.parametrize(
    "solver_id,kw",
    [
        ("rl.gridworld", dict(size=3, method="value-iteration", sweeps=2)),
        ("rl.policy_iteration", dict(transitions=HAND, gamma=0.9)),
        ("rl.td_update", dict(method="q-learning", q=0, reward=1, alpha=0.5, next_q=[1, 2])),
        ("rl.monte_carlo", dict(episodes=EPISODES, state=0)),
    ],
)
def test_steps_are_unicode_and_bilingual(solver_id, kw):
    import json

    sol = run(solver_id, **kw)
    json.dumps(sol.answers)
    assert sol.steps
    for step in sol.steps:
        assert step.what.en and step.what.zh
        for text in (step.formula, step.substituted, step.result):
            assert "\\frac" not in text and "$" not in text


# Words that must not appear in the language-neutral fields (formula, substituted, result), which are
# shown unchanged to a student reading in Chinese; the explanation belongs in the bilingual Text.
ENGLISH_WORDS = re.compile(
    r"\b(target|terminal|episode|returns|for|Check|evaluate|stop|iterations|tied|visits|used|none)\b"
)


@pytest.mark.parametrize(
    "solver_id,kw",
    [
        ("rl.gridworld", dict(size=3, method="policy-evaluation", sweeps=2)),
        ("rl.gridworld", dict(size=3, method="policy-iteration")),
        ("rl.policy_iteration", dict(transitions=HAND, gamma=0.9)),
        ("rl.bellman_v", dict(transitions=HAND, values=[1, 2, 0], gamma=0.9, state=0)),
        ("rl.epsilon_greedy", dict(q=[1, 3, 2], epsilon=0.3)),
        ("rl.td_update", dict(method="sarsa", q=0, reward=1, alpha=0.5, next_q=[1, 2], next_action=0)),
        ("rl.td_update", dict(method="q-learning", q=0, reward=1, alpha=0.5)),
        ("rl.td_episode", dict(method="sarsa", q=[[0, 0], [0, 0]], episode="0,1,1,1;1,0,2,-1", alpha=0.5)),
        ("rl.monte_carlo", dict(episodes=EPISODES, state=0)),
    ],
)
def test_language_neutral_fields_have_no_english_words(solver_id, kw):
    for step in run(solver_id, **kw).steps:
        for text in (step.formula, step.substituted, step.result):
            assert not ENGLISH_WORDS.search(text), text
        for grid in step.grids:
            assert not any(ENGLISH_WORDS.search(label) for label in grid.col_labels)
