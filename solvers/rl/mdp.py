"""The finite MDP model: parsing "s,a,s',p,r" rows, the built-in gridworld, policies, initial and terminal values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from solvers.arrays import read_list as _vector
from solvers.arrays import read_probability as _prob_param
from solvers.arrays import read_rows as _rows
from solvers.core import Step, Text
from solvers.core import input_error as _err
from solvers.rl.inputs import read_index
from solvers.textfmt import num as _n
from solvers.textfmt import prob as _prob

ARROWS = ("↑", "↓", "←", "→")
MOVES = ((-1, 0), (1, 0), (0, -1), (0, 1))


@dataclass
class MDP:
    """A finite MDP: outcomes[(s, a)] lists (s', p, r); a state without actions is terminal."""

    n: int
    state_names: list[str]
    action_names: list[str]
    avail: list[list[int]]
    outcomes: dict[tuple[int, int], list[tuple[int, float, float]]]
    rows: list[tuple[int, int, int, float, float]]

    def terminal(self, s: int) -> bool:
        return not self.avail[s]


def parse_mdp(transitions: Any, n_hint: int = 0) -> MDP:
    rows = _rows(transitions, 5, "transitions", "s,a,s',p,r")
    if not rows:
        raise _err("no transitions given (rows s,a,s',p,r)", "没有给出状态转移（每行 s,a,s',p,r）")
    parsed: list[tuple[int, int, int, float, float]] = []
    for s_, a_, s2_, p_, r_ in rows:
        s, a, s2 = read_index(s_, "s"), read_index(a_, "a"), read_index(s2_, "s'")
        p = _prob_param(p_, "p(s'|s,a)")
        if p > 0:
            parsed.append((s, a, s2, p, r_))
    n = max([n_hint] + [max(s, s2) + 1 for s, _, s2, _, _ in parsed])
    n_actions = max(a for _, a, _, _, _ in parsed) + 1
    if n > 200 or n_actions > 50:
        raise _err(
            "this MDP is too large for a worked solution (≤ 200 states, ≤ 50 actions)",
            "该 MDP 太大（状态 ≤ 200，动作 ≤ 50）",
        )
    outcomes: dict[tuple[int, int], list[tuple[int, float, float]]] = {}
    for s, a, s2, p, r in parsed:
        outcomes.setdefault((s, a), []).append((s2, p, r))
    for (s, a), outs in sorted(outcomes.items()):
        total = sum(p for _, p, _ in outs)
        if abs(total - 1) > 1e-6:
            raise _err(
                f"the probabilities p(s'|s{s},a{a}) add up to {_n(total)}; they must add up to 1",
                f"p(s'|s{s},a{a}) 之和为 {_n(total)}，必须等于 1",
            )
    avail = [sorted(a for (s2, a) in outcomes if s2 == s) for s in range(n)]
    return MDP(
        n=n,
        state_names=[f"s{i}" for i in range(n)],
        action_names=[f"a{j}" for j in range(n_actions)],
        avail=avail,
        outcomes=outcomes,
        rows=parsed,
    )


def grid_mdp(size: int, reward: float, drop_off_grid: bool = False) -> MDP:
    """The built-in gridworld; with ``drop_off_grid`` moves off the grid are not available at all
    (a misconception: the random policy then spreads over the remaining moves)."""
    n = size * size
    outcomes: dict[tuple[int, int], list[tuple[int, float, float]]] = {}
    avail: list[list[int]] = []
    rows: list[tuple[int, int, int, float, float]] = []
    for s in range(n):
        i, j = divmod(s, size)
        acts: list[int] = []
        if s not in (0, n - 1):
            for a, (di, dj) in enumerate(MOVES):
                ni, nj = i + di, j + dj
                if not (0 <= ni < size and 0 <= nj < size):
                    if drop_off_grid:
                        continue
                    ni, nj = i, j
                s2 = ni * size + nj
                outcomes[(s, a)] = [(s2, 1.0, reward)]
                rows.append((s, a, s2, 1.0, reward))
                acts.append(a)
        avail.append(acts)
    return MDP(
        n=n,
        state_names=[f"({i},{j})" for i in range(size) for j in range(size)],
        action_names=list(ARROWS),
        avail=avail,
        outcomes=outcomes,
        rows=rows,
    )


Policy = list[dict[int, float]]


def uniform_policy(mdp: MDP) -> Policy:
    return [{a: 1 / len(acts) for a in acts} if acts else {} for acts in mdp.avail]


def parse_policy(policy: Any, mdp: MDP) -> Policy:
    pi = uniform_policy(mdp)
    given: dict[int, dict[int, float]] = {}
    for s_, a_, p_ in _rows(policy, 3, "policy", "s,a,π(a|s)"):
        s, a = read_index(s_, "policy state"), read_index(a_, "policy action")
        p = _prob_param(p_, "π(a|s)")
        if s >= mdp.n or mdp.terminal(s):
            raise _err(f"the policy names state s{s}, which has no actions", f"策略中的状态 s{s} 没有任何动作")
        if a not in mdp.avail[s]:
            raise _err(
                f"the policy names action a{a} in s{s}, which has no transitions",
                f"策略中状态 s{s} 的动作 a{a} 没有状态转移",
            )
        given.setdefault(s, {})
        given[s][a] = given[s].get(a, 0.0) + p
    for s, probs in given.items():
        total = sum(probs.values())
        if abs(total - 1) > 1e-6:
            raise _err(
                f"π(·|s{s}) adds up to {_n(total)}; it must add up to 1", f"π(·|s{s}) 之和为 {_n(total)}，必须等于 1"
            )
        pi[s] = {a: probs.get(a, 0.0) for a in mdp.avail[s]}
    return pi


def initial_values(values: Any, mdp: MDP) -> list[float]:
    v = _vector(values, "values")
    if not v:
        return [0.0] * mdp.n
    if len(v) != mdp.n:
        raise _err(
            f"values must give one number per state ({mdp.n} states: s0…s{mdp.n - 1}), got {len(v)}",
            f"values 必须为每个状态给一个数（共 {mdp.n} 个状态 s0…s{mdp.n - 1}），给了 {len(v)} 个",
        )
    return v


TERMINAL_CHOICES = ("zero", "given")


def keep_terminal(terminal: Any) -> bool:
    if terminal not in TERMINAL_CHOICES:
        raise _err(
            f"terminal must be zero or given, got {terminal!r}", f"terminal 必须是 zero 或 given，给了 {terminal!r}"
        )
    return terminal == "given"


def terminal_values(mdp: MDP, V: list[float], keep: bool) -> tuple[list[float], Step | None]:
    """Terminal states (no transitions) are worth 0 unless the question gives their value
    (``keep``); the step says which, and names any given number that was replaced by 0."""
    ends = [s for s in range(mdp.n) if mdp.terminal(s)]
    if not ends:
        return V, None
    out = list(V)
    if not keep:
        for s in ends:
            out[s] = 0.0
    names = ", ".join(mdp.state_names[s] for s in ends)
    shown = "; ".join(f"V({mdp.state_names[s]}) = {_n(out[s])}" for s in ends)
    replaced = [s for s in ends if V[s] != out[s]]
    if keep:
        note = Text(
            "The question gives the terminal values, so they are kept as given.",
            "题目给出了终止状态的价值，按给定值使用。",
        )
    elif replaced:
        given = ", ".join(f"V({mdp.state_names[s]}) = {_n(V[s])}" for s in replaced)
        note = Text(
            f"values gave {given}; a terminal state is worth 0 unless the question says otherwise (terminal=given).",
            f"values 中给了 {given}；除非题目另有说明（terminal=given），终止状态的价值为 0。",
        )
    else:
        note = Text(
            "No reward follows a terminal state, so its value is 0 unless the question says otherwise.",
            "终止状态之后不再有奖励，所以除非题目另有说明，其价值为 0。",
        )
    step = Step(
        Text(
            f"Terminal states (no transitions): {names}; their value is never updated",
            f"终止状态（没有状态转移）：{names}；其价值不参与更新",
        ),
        formula="" if keep else "V(T) = 0",
        result=shown,
        note=note,
    )
    return out, step


def state_arg(mdp: MDP, s: int) -> str:
    name = mdp.state_names[s]
    return name if name.startswith("(") else f"({name})"


def policy_text(mdp: MDP, pi: Policy) -> str:
    parts = []
    for s in range(mdp.n):
        if mdp.terminal(s):
            continue
        probs = ", ".join(
            f"π({mdp.action_names[a]}|{mdp.state_names[s]}) = {_prob(p)}" for a, p in pi[s].items() if p > 0
        )
        parts.append(probs)
    return "; ".join(parts)
