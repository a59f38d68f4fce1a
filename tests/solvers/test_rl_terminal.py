"""Terminal states (a state with no transitions) are worth 0 in every Bellman-based solver unless the
question says otherwise (``terminal=given``), and ε-greedy with a single action. References are
hand calculations in the comments and a plain-loop backup written here."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from solvers import registry


def run(solver_id: str, **kw):
    return registry.get(solver_id).func(**kw)


def close(a, b, tol=1e-9) -> bool:
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(close(x, y, tol) for x, y in zip(a, b))
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


# s0 -a0-> s1 (0.8, r 2) or s0 (0.2, r 0); s0 -a1-> s0 (r 1); s1 -a0-> s2 (r 5); s1 -a1-> s0 (r 0); s2 terminal
HAND = "0,0,1,0.8,2;0,0,0,0.2,0;0,1,0,1,1;1,0,2,1,5;1,1,0,1,0"


def test_bellman_q_values_and_q_table_agree_on_a_terminal_next_state():
    # Q(s1,a0) = 1·(5 + 0.9·V(s2)) with V(s2) = 0 -> 5, whatever number the inputs carry for s2
    by_values = run("rl.bellman_q", transitions=HAND, state=1, action=0, gamma=0.9, values=[0, 0, 5])
    by_table = run("rl.bellman_q", transitions=HAND, state=1, action=0, gamma=0.9, q="0,0;0,0;5,5")
    assert close(by_values.answers["q"], 5) and close(by_table.answers["q"], 5)


def test_terminal_given_keeps_the_stated_value():
    # the question states V(s2) = 5: Q(s1,a0) = 5 + 0.9·5 = 9.5
    sol = run("rl.bellman_q", transitions=HAND, state=1, action=0, gamma=0.9, values=[0, 0, 5], terminal="given")
    assert close(sol.answers["q"], 9.5)
    # V'(s1) under the uniform policy: 0.5·(5 + 0.9·5) + 0.5·(0 + 0.9·1) = 4.75 + 0.45 = 5.2; V(s2) stays 5
    v = run("rl.bellman_v", transitions=HAND, gamma=0.9, values=[1, 2, 5], terminal="given")
    assert close(v.answers["values"][1:], [5.2, 5])


def test_every_solver_zeroes_the_terminal_value_by_default():
    # V = (1, 2, 5) with s2 terminal -> backups read V(s2) = 0
    # s0: a0 -> 0.8·(2 + 0.9·2) + 0.2·(0 + 0.9·1) = 3.04 + 0.18 = 3.22; a1 -> 1 + 0.9·1 = 1.9
    # s1: a0 -> 5 + 0 = 5; a1 -> 0 + 0.9·1 = 0.9
    expectation = [0.5 * (3.22 + 1.9), 0.5 * (5 + 0.9), 0]
    optimality = [3.22, 5, 0]
    kw = dict(transitions=HAND, gamma=0.9, values=[1, 2, 5])
    assert close(run("rl.bellman_v", **kw).answers["values"], expectation)
    assert close(run("rl.bellman_v", method="optimality", **kw).answers["values"], optimality)
    assert close(run("rl.policy_evaluation", sweeps=1, **kw).answers["values"], expectation)
    assert close(run("rl.value_iteration", sweeps=1, **kw).answers["values"], optimality)
    # policy iteration solves the equations exactly: the terminal value must come out 0 as well
    assert run("rl.policy_iteration", **kw).answers["values"][2] == 0


def test_the_terminal_rule_is_stated_in_a_step():
    sol = run("rl.bellman_v", transitions=HAND, gamma=0.9, values=[1, 2, 5])
    texts = [(st.what.en, st.what.zh, st.result, st.note.en if st.note else "") for st in sol.steps]
    hit = [t for t in texts if "Terminal" in t[0]]
    assert hit and "终止" in hit[0][1] and "V(s2) = 0" in hit[0][2] and "V(s2) = 5" in hit[0][3]


@st.composite
def mdp_with_terminal(draw):
    n = draw(st.integers(2, 4))  # state n − 1 is terminal
    rows = []
    for s in range(n - 1):
        for a in range(draw(st.integers(1, 2))):
            s2 = draw(st.integers(0, n - 1))
            rows.append((s, a, s2, 1.0, draw(st.integers(-3, 5))))
    rows.append((0, max(a for s, a, *_ in rows if s == 0) + 1, n - 1, 1.0, 1))
    values = draw(st.lists(st.integers(-5, 5), min_size=n, max_size=n))
    return n, rows, values


@settings(max_examples=50, deadline=None)
@given(mdp_with_terminal(), st.sampled_from([0.5, 0.9, 1.0]))
def test_backups_agree_with_a_plain_loop_and_with_each_other(case, gamma):
    n, rows, values = case
    V = list(map(float, values))
    V[n - 1] = 0.0  # the rule under test, applied by hand
    q_ref = {}
    for s, a, s2, p, r in rows:
        q_ref[(s, a)] = q_ref.get((s, a), 0.0) + p * (r + gamma * V[s2])
    kw = dict(transitions=rows, gamma=gamma, values=values)
    for (s, a), q in q_ref.items():
        assert close(run("rl.bellman_q", state=s, action=a, **kw).answers["q"], q)
    best = [max(q for (s2, _), q in q_ref.items() if s2 == s) for s in range(n - 1)] + [0.0]
    assert close(run("rl.bellman_v", method="optimality", **kw).answers["values"], best)
    assert close(run("rl.value_iteration", sweeps=1, **kw).answers["values"], best)
    pe = run("rl.policy_evaluation", sweeps=1, **kw).answers["values"]
    assert close(pe, run("rl.bellman_v", **kw).answers["values"])
    assert pe[n - 1] == 0


def test_epsilon_greedy_with_one_action():
    # one action: it is the greedy one and the random draw can only pick it: probability 1, no "other"
    sol = run("rl.epsilon_greedy", q=[1], epsilon=0.5)
    assert sol.answers["probabilities"] == [1.0]
    assert sol.answers["greedy_prob"] == 1.0
    assert "other_prob" not in sol.answers
    # two actions keep the textbook numbers: 1 − 0.5 + 0.25 = 0.75 and 0.25
    two = run("rl.epsilon_greedy", q=[1, 0], epsilon=0.5).answers
    assert close(two["probabilities"], [0.75, 0.25]) and close(two["other_prob"], 0.25)
