"""Bellman backups on a finite MDP: Q(s,a) from V, one backup of V(s) (expectation or optimality), greedy actions."""

from __future__ import annotations

from solvers.rl.mdp import MDP, Policy, state_arg
from solvers.textfmt import num as _n
from solvers.textfmt import paren as _p
from solvers.textfmt import prob as _prob

TIE_TOL = 1e-9  # relative tolerance for ties between action values after a fixed number of sweeps


def q_value(
    mdp: MDP, s: int, a: int, V: list[float], gamma: float, text: bool = False, symbolic: bool = False
) -> tuple[float, str]:
    """Q(s,a) = Σ_{s'} p(s'|s,a)·[r + γ·V(s')], with its substituted text when asked."""
    outs = mdp.outcomes[(s, a)]
    total = 0.0
    parts: list[str] = []
    for s2, p, r in outs:
        total += p * (r + gamma * V[s2])
        if text:
            v_text = f"V{state_arg(mdp, s2)}" if symbolic and not mdp.terminal(s2) else _p(V[s2])
            body = f"{_n(r)} + {_n(gamma)}·{v_text}"
            parts.append(f"({body})" if len(outs) == 1 else f"{_prob(p)}·({body})")
    if not text:
        return total, ""
    return total, parts[0] if len(parts) == 1 else "[" + " + ".join(parts) + "]"


def backup_value(
    mdp: MDP, s: int, V: list[float], gamma: float, pi: Policy, optimal: bool, text: bool = False
) -> tuple[float, str]:
    """One Bellman backup of V(s): expectation under π, or the optimality backup (max over a)."""
    acts = [a for a in mdp.avail[s] if optimal or pi[s].get(a, 0.0) > 0]
    qs = [(a, *q_value(mdp, s, a, V, gamma, text)) for a in acts]
    if optimal:
        value = max(q for _, q, _ in qs)
        if not text:
            return value, ""
        if len(qs) == 1:
            return value, f"{qs[0][2]} = {_n(value)}"
        exprs = ", ".join(f"{mdp.action_names[a]}: {t}" for a, _, t in qs)
        nums = ", ".join(_n(q) for _, q, _ in qs)
        return value, f"max{{{exprs}}} = max{{{nums}}} = {_n(value)}"
    probs = [pi[s][a] for a, _, _ in qs]
    value = sum(p * q for p, (_, q, _) in zip(probs, qs))
    if not text:
        return value, ""
    if len(qs) == 1:
        expr, nums = qs[0][2], qs[0][2]
        if probs[0] != 1:
            expr, nums = f"{_prob(probs[0])}·{expr}", f"{_prob(probs[0])}·{_p(qs[0][1])}"
    elif all(abs(p - probs[0]) < 1e-12 for p in probs):
        expr = f"{_prob(probs[0])}·[{' + '.join(t for _, _, t in qs)}]"
        nums = f"{_prob(probs[0])}·[{' + '.join(_p(q) for _, q, _ in qs)}]"
    else:
        expr = " + ".join(f"{_prob(p)}·{t}" for p, (_, _, t) in zip(probs, qs))
        nums = " + ".join(f"{_prob(p)}·{_p(q)}" for p, (_, q, _) in zip(probs, qs))
    if expr == nums:
        return value, f"{expr} = {_n(value)}"
    return value, f"{expr} = {nums} = {_n(value)}"


def greedy_actions(mdp: MDP, V: list[float], gamma: float, tol: float = TIE_TOL) -> list[list[int]]:
    """All greedy actions of every state (in action order); [] for a terminal state."""
    best: list[list[int]] = []
    for s in range(mdp.n):
        if mdp.terminal(s):
            best.append([])
            continue
        qs = {a: q_value(mdp, s, a, V, gamma)[0] for a in mdp.avail[s]}
        top = max(qs.values())
        best.append([a for a in mdp.avail[s] if qs[a] >= top - tol * max(1.0, abs(top))])
    return best
