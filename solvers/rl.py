"""Reinforcement learning (nndl ch. 14): returns, trajectory probabilities, ε-greedy, Bellman
backups, policy evaluation, value and policy iteration (on small explicit MDPs and on the built-in
gridworld), Monte Carlo estimates, SARSA and Q-learning updates.

Conventions (REFERENCE.md):

- G = Σ_{t=0}^{T−1} γ^t r_{t+1}; the course takes γ = 1 unless a question says otherwise.
- Policy-evaluation and value-iteration sweeps are synchronous (V_k is computed from V_{k−1} only)
  unless in-place sweeps are asked for; in-place sweeps visit the states in index order (row by
  row on a grid) and use every value as soon as it is updated.
- ε-greedy: the greedy action has probability 1 − ε + ε/|A|, every other action ε/|A|.
- Gridworld: n×n, the top-left and bottom-right cells are terminal, every move costs ``reward``,
  a move off the grid leaves the agent in place, the random policy takes each move with
  probability 1/4. Arrows in a policy grid are listed in the fixed order ↑↓←→; ``T`` marks a
  terminal cell.

Explicit MDP encoding (the same for YAML params and the calculator):

- ``transitions``: one row per outcome ``s,a,s',p,r`` (states and actions numbered from 0), rows
  separated by ``;`` on the command line, e.g. ``transitions="0,0,1,0.8,2;0,0,0,0.2,0;1,0,1,1,0"``.
  A flat list whose length is a multiple of 5 is read the same way. States without rows are
  terminal: their value is 0 and never updated, in every solver here (Bellman backups of V and Q,
  policy evaluation, value and policy iteration), unless the question says otherwise
  (``terminal=given``: keep the number ``values`` gives it, e.g. a final payoff).
- ``policy``: rows ``s,a,π(a|s)``; a state without rows follows the uniform random policy over
  the actions it has.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import numpy as np

from solvers.core import Grid, ParamSpec, Solution, SolverInputError, Step, Text, fmt_num
from solvers.registry import mistake, solver

TIE_TOL = 1e-9  # relative tolerance for ties between action values after a fixed number of sweeps
CONVERGE_CAP = 10_000  # sweeps before "converge" gives up
SWEEP_CAP = 1_000  # largest explicit sweep count accepted
DIVERGE_LIMIT = 1e9
DETAIL_SWEEPS = 3  # sweeps shown backup by backup; later ones only as tables
TABLE_SWEEPS = 10  # sweeps shown as tables before skipping to the last one
ARROWS = ("↑", "↓", "←", "→")
MOVES = ((-1, 0), (1, 0), (0, -1), (0, 1))
TERMINAL_MARK = "T"
CONVERGE_WORDS = ("converge", "convergence", "converged", "conv", "inf", "∞", "收敛", "until-convergence")
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


# --------------------------------------------------------------------------- small helpers


def _err(en: str, zh: str) -> SolverInputError:
    return SolverInputError(Text(en, zh))


def _n(x: Any, digits: int = 6) -> str:
    """A number for a worked step, with a true minus sign."""
    return fmt_num(x, digits).replace("-", "−")


def _p(x: Any, digits: int = 6) -> str:
    """A number used as an operand: negative numbers in parentheses."""
    text = _n(x, digits)
    return f"({text})" if text.startswith("−") else text


def _prob(p: float) -> str:
    """A probability, as 1/k when it is one without a short decimal (1/3, 1/4, 1/6 …)."""
    for k in (3, 4, 6, 7, 9, 11, 12):
        if abs(p - 1 / k) < 1e-12:
            return f"1/{k}"
    return _n(p)


_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _sub(k: int) -> str:
    return str(k).translate(_SUBSCRIPTS)


def _num(x: Any, name: str) -> float:
    if isinstance(x, bool):
        raise _err(f"{name}: expected a number, got {x!r}", f"{name}：应为数字，给了 {x!r}")
    try:
        if isinstance(x, str):
            return float(unicodedata.normalize("NFKC", x).replace("−", "-").strip())
        return float(x)
    except (TypeError, ValueError):
        raise _err(f"{name}: expected a number, got {x!r}", f"{name}：应为数字，给了 {x!r}") from None


def _index(x: Any, name: str) -> int:
    value = _num(x, name)
    if value != int(value) or value < 0:
        raise _err(
            f"{name} must be a whole number ≥ 0 (states and actions are numbered from 0), got {_n(value)}",
            f"{name} 必须是 ≥ 0 的整数（状态和动作从 0 开始编号），给了 {_n(value)}",
        )
    return int(value)


def _vector(value: Any, name: str) -> list[float]:
    """A vector given as a list/tuple, a number, or text "1,2,3"."""
    if value is None:
        return []
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).replace("−", "-")
        return [_num(x, name) for x in re.split(r"[,\s;]+", text.strip()) if x]
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (int, float)):
        return [_num(value, name)]
    out: list[float] = []
    for item in value:
        if isinstance(item, (list, tuple)):
            out.extend(_num(x, name) for x in item)
        else:
            out.append(_num(item, name))
    return out


def _rows(value: Any, width: int, name: str, layout: str) -> list[list[float]]:
    """Rows of ``width`` numbers from a matrix, a flat list (length a multiple of ``width``) or text
    "a,b,c;d,e,f"."""
    if value is None:
        return []
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).replace("−", "-")
        rows: list[list[Any]] = [
            re.split(r"[,\s]+", chunk.strip()) for chunk in re.split(r"[;\n|]", text) if chunk.strip()
        ]
    else:
        seq = list(value)
        if seq and all(not isinstance(x, (list, tuple)) for x in seq):
            if len(seq) % width:
                raise _err(
                    f"{name}: a flat list must hold a multiple of {width} numbers ({layout} per row), got {len(seq)}",
                    f"{name}：平铺的列表长度必须是 {width} 的倍数（每行 {layout}），给了 {len(seq)} 个数",
                )
            rows = [seq[i : i + width] for i in range(0, len(seq), width)]
        else:
            rows = [list(r) for r in seq]
    for row in rows:
        if len(row) != width:
            raise _err(
                f"{name}: every row must be {layout} ({width} numbers), got {len(row)} numbers",
                f"{name}：每行必须是 {layout}（{width} 个数），有一行给了 {len(row)} 个数",
            )
    return [[_num(x, name) for x in row] for row in rows]


def _gamma(gamma: Any) -> float:
    g = _num(gamma, "gamma")
    if not 0 <= g <= 1:
        raise _err(f"the discount factor γ must lie in [0, 1], got {_n(g)}", f"折扣率 γ 必须在 [0, 1] 内，给了 {_n(g)}")
    return g


def _prob_param(x: Any, name: str) -> float:
    p = _num(x, name)
    if not 0 <= p <= 1:
        raise _err(
            f"{name} is a probability and must lie in [0, 1], got {_n(p)}",
            f"{name} 是概率，必须在 [0, 1] 内，给了 {_n(p)}",
        )
    return p


def _parse_sweeps(sweeps: Any) -> int | None:
    """An integer number of sweeps, or None for "until convergence"."""
    if sweeps is None:
        return None
    if isinstance(sweeps, bool):
        raise _err("sweeps must be a whole number or 'converge'", "sweeps 必须是整数或 converge")
    if isinstance(sweeps, str):
        text = unicodedata.normalize("NFKC", sweeps).strip().lower()
        if text in CONVERGE_WORDS:
            return None
        try:
            value = float(text)
        except ValueError:
            raise _err(
                f"sweeps must be a whole number or 'converge', got {sweeps!r}",
                f"sweeps 必须是整数或 converge，给了 {sweeps!r}",
            ) from None
    else:
        value = _num(sweeps, "sweeps")
    if value != int(value) or value < 0 or value > SWEEP_CAP:
        raise _err(
            f"sweeps must be a whole number from 0 to {SWEEP_CAP} or 'converge', got {_n(value)}",
            f"sweeps 必须是 0 到 {SWEEP_CAP} 的整数或 converge，给了 {_n(value)}",
        )
    return int(value)


# --------------------------------------------------------------------------- tabular MDPs


@dataclass
class _MDP:
    """A finite MDP: outcomes[(s, a)] lists (s', p, r); a state without actions is terminal."""

    n: int
    state_names: list[str]
    action_names: list[str]
    avail: list[list[int]]
    outcomes: dict[tuple[int, int], list[tuple[int, float, float]]]
    rows: list[tuple[int, int, int, float, float]]

    def terminal(self, s: int) -> bool:
        return not self.avail[s]


def _parse_mdp(transitions: Any, n_hint: int = 0) -> _MDP:
    rows = _rows(transitions, 5, "transitions", "s,a,s',p,r")
    if not rows:
        raise _err("no transitions given (rows s,a,s',p,r)", "没有给出状态转移（每行 s,a,s',p,r）")
    parsed: list[tuple[int, int, int, float, float]] = []
    for s_, a_, s2_, p_, r_ in rows:
        s, a, s2 = _index(s_, "s"), _index(a_, "a"), _index(s2_, "s'")
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
    return _MDP(
        n=n,
        state_names=[f"s{i}" for i in range(n)],
        action_names=[f"a{j}" for j in range(n_actions)],
        avail=avail,
        outcomes=outcomes,
        rows=parsed,
    )


def _grid_mdp(size: int, reward: float, drop_off_grid: bool = False) -> _MDP:
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
    return _MDP(
        n=n,
        state_names=[f"({i},{j})" for i in range(size) for j in range(size)],
        action_names=list(ARROWS),
        avail=avail,
        outcomes=outcomes,
        rows=rows,
    )


Policy = list[dict[int, float]]


def _uniform(mdp: _MDP) -> Policy:
    return [{a: 1 / len(acts) for a in acts} if acts else {} for acts in mdp.avail]


def _parse_policy(policy: Any, mdp: _MDP) -> Policy:
    pi = _uniform(mdp)
    given: dict[int, dict[int, float]] = {}
    for s_, a_, p_ in _rows(policy, 3, "policy", "s,a,π(a|s)"):
        s, a = _index(s_, "policy state"), _index(a_, "policy action")
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


def _initial_values(values: Any, mdp: _MDP) -> list[float]:
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


def _keep_terminal(terminal: Any) -> bool:
    if terminal not in TERMINAL_CHOICES:
        raise _err(
            f"terminal must be zero or given, got {terminal!r}", f"terminal 必须是 zero 或 given，给了 {terminal!r}"
        )
    return terminal == "given"


def _terminal_values(mdp: _MDP, V: list[float], keep: bool) -> tuple[list[float], Step | None]:
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


TERMINAL = ParamSpec(
    "terminal",
    "choice",
    Text(
        "value of a state without transitions: zero (default) or given (the number in values)",
        "没有状态转移的（终止）状态的价值：zero（默认 0）或 given（使用 values 中给的数）",
    ),
    default="zero",
    required=False,
    choices=TERMINAL_CHOICES,
)


def _q_value(
    mdp: _MDP, s: int, a: int, V: list[float], gamma: float, text: bool = False, symbolic: bool = False
) -> tuple[float, str]:
    """Q(s,a) = Σ_{s'} p(s'|s,a)·[r + γ·V(s')], with its substituted text when asked."""
    outs = mdp.outcomes[(s, a)]
    total = 0.0
    parts: list[str] = []
    for s2, p, r in outs:
        total += p * (r + gamma * V[s2])
        if text:
            v_text = f"V{_state_arg(mdp, s2)}" if symbolic and not mdp.terminal(s2) else _p(V[s2])
            body = f"{_n(r)} + {_n(gamma)}·{v_text}"
            parts.append(f"({body})" if len(outs) == 1 else f"{_prob(p)}·({body})")
    if not text:
        return total, ""
    return total, parts[0] if len(parts) == 1 else "[" + " + ".join(parts) + "]"


def _backup(
    mdp: _MDP, s: int, V: list[float], gamma: float, pi: Policy, optimal: bool, text: bool = False
) -> tuple[float, str]:
    """One Bellman backup of V(s): expectation under π, or the optimality backup (max over a)."""
    acts = [a for a in mdp.avail[s] if optimal or pi[s].get(a, 0.0) > 0]
    qs = [(a, *_q_value(mdp, s, a, V, gamma, text)) for a in acts]
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


def _greedy(mdp: _MDP, V: list[float], gamma: float, tol: float = TIE_TOL) -> list[list[int]]:
    """All greedy actions of every state (in action order); [] for a terminal state."""
    best: list[list[int]] = []
    for s in range(mdp.n):
        if mdp.terminal(s):
            best.append([])
            continue
        qs = {a: _q_value(mdp, s, a, V, gamma)[0] for a in mdp.avail[s]}
        top = max(qs.values())
        best.append([a for a in mdp.avail[s] if qs[a] >= top - tol * max(1.0, abs(top))])
    return best


@dataclass
class _Run:
    history: list[list[float]]
    lines: list[list[str]]
    sweeps: int
    converged: bool


def _run_sweeps(
    mdp: _MDP,
    V0: list[float],
    gamma: float,
    pi: Policy,
    optimal: bool,
    inplace: bool,
    sweeps: int | None,
    tol: float,
    detail: int = DETAIL_SWEEPS,
) -> _Run:
    """Synchronous or in-place sweeps of Bellman backups; ``sweeps=None`` runs to convergence
    (stops after the first sweep whose largest change is below ``tol``)."""
    V = list(V0)
    history = [list(V)]
    lines: list[list[str]] = []
    limit = CONVERGE_CAP if sweeps is None else sweeps
    k = 0
    while k < limit:
        k += 1
        want = k <= detail
        new = list(V)
        source = new if inplace else V
        sweep_lines: list[str] = []
        for s in range(mdp.n):
            if mdp.terminal(s):
                continue
            value, text = _backup(mdp, s, source, gamma, pi, optimal, want)
            new[s] = value
            if want:
                sweep_lines.append(f"V{_sub(k)}{_state_arg(mdp, s)} = {text}")
        if any(abs(v) > DIVERGE_LIMIT for v in new):
            raise _err(
                "the values grow without bound (with γ = 1 every state must eventually reach a terminal state, "
                "and rewards must not keep paying forever)",
                "价值无限增大（γ = 1 时每个状态都必须最终到达终止状态，且奖励不能无限累积）",
            )
        delta = max(abs(a - b) for a, b in zip(new, V))
        V = new
        history.append(list(V))
        if want:
            lines.append(sweep_lines)
        if sweeps is None and delta < tol:
            return _Run(history, lines, k, True)
    if sweeps is None:
        raise _err(
            f"no convergence within {CONVERGE_CAP} sweeps (tolerance {_n(tol)})"
            + ("; with γ = 1 the values may grow forever" if gamma == 1 else ""),
            f"{CONVERGE_CAP} 次扫描内未收敛（容差 {_n(tol)}）" + ("；γ = 1 时价值可能无限增长" if gamma == 1 else ""),
        )
    return _Run(history, lines, k, False)


def _tie_tol(sweeps: int | None, tol: float) -> float:
    """Ties between action values: exact after K sweeps; after "converge" the values are only
    within about tol/(1 − γ) of the limit, so differences below 100·tol count as ties."""
    return TIE_TOL if sweeps is not None else max(TIE_TOL, 100 * tol)


def _state_arg(mdp: _MDP, s: int) -> str:
    name = mdp.state_names[s]
    return name if name.startswith("(") else f"({name})"


def _evaluate_exact(mdp: _MDP, pi: Policy, gamma: float, V0: list[float]) -> list[float]:
    """Solve V = r_π + γ·P_π·V (terminal values fixed) exactly."""
    A = np.eye(mdp.n)
    b = np.zeros(mdp.n)
    for s in range(mdp.n):
        if mdp.terminal(s):
            b[s] = V0[s]
            continue
        for a, pa in pi[s].items():
            for s2, p, r in mdp.outcomes[(s, a)]:
                A[s, s2] -= gamma * pa * p
                b[s] += pa * p * r
    if np.linalg.cond(A) > 1e12:
        raise _err(
            "this policy's values are infinite: with γ = 1 it never reaches a terminal state from some state",
            "该策略的价值无穷大：γ = 1 时它从某些状态永远到达不了终止状态",
        )
    return [float(v) for v in np.linalg.solve(A, b)]


def _policy_text(mdp: _MDP, pi: Policy) -> str:
    parts = []
    for s in range(mdp.n):
        if mdp.terminal(s):
            continue
        probs = ", ".join(
            f"π({mdp.action_names[a]}|{mdp.state_names[s]}) = {_prob(p)}" for a, p in pi[s].items() if p > 0
        )
        parts.append(probs)
    return "; ".join(parts)


# --------------------------------------------------------------------------- tables for steps


def _r4(x: float) -> float:
    return round(float(x), 4) + 0.0


def _mdp_grid(mdp: _MDP) -> Grid:
    return Grid.of(
        [[f"s{s}", f"a{a}", f"s{s2}", _r4(p), _r4(r)] for s, a, s2, p, r in mdp.rows],
        col_labels=("s", "a", "s'", "p(s'|s,a)", "r"),
        title=Text("Transitions (states without rows are terminal)", "状态转移（没有出边的状态为终止状态）"),
    )


def _values_grid(mdp: _MDP, V: list[float], title: Text, label: str = "V") -> Grid:
    return Grid.of([[_r4(v) for v in V]], row_labels=(label,), col_labels=mdp.state_names, title=title)


def _history_grid(mdp: _MDP, history: list[list[float]], title: Text) -> Grid:
    return Grid.of(
        [[_r4(v) for v in row] for row in history],
        row_labels=[f"V{_sub(k)}" for k in range(len(history))],
        col_labels=mdp.state_names,
        title=title,
    )


def _q_grid(mdp: _MDP, V: list[float], gamma: float, title: Text) -> Grid:
    n_actions = len(mdp.action_names)
    rows = []
    for s in range(mdp.n):
        row: list[Any] = []
        for a in range(n_actions):
            row.append(_r4(_q_value(mdp, s, a, V, gamma)[0]) if (s, a) in mdp.outcomes else "—")
        rows.append(row)
    return Grid.of(rows, row_labels=mdp.state_names, col_labels=mdp.action_names, title=title)


def _policy_answer(best: list[list[int]]) -> list[int]:
    """The first greedy action of each state (lowest index on ties), −1 for a terminal state."""
    return [acts[0] if acts else -1 for acts in best]


def _policy_names(mdp: _MDP, best: list[list[int]]) -> str:
    return ", ".join(
        f"{mdp.state_names[s]}: {'/'.join(mdp.action_names[a] for a in acts) if acts else TERMINAL_MARK}"
        for s, acts in enumerate(best)
    )


# --------------------------------------------------------------------------- discounted return

REWARDS = ParamSpec(
    "rewards",
    "vector",
    Text("rewards r₁, r₂, …, r_T in time order, e.g. 1,0,2", "按时间顺序的奖励 r₁, r₂, …, r_T，如 1,0,2"),
)
GAMMA = ParamSpec(
    "gamma",
    "number",
    Text("discount factor γ in [0, 1] (default 1)", "折扣率 γ ∈ [0, 1]（默认 1）"),
    default=1.0,
    required=False,
)


def _returns(rewards: list[float], gamma: float) -> list[float]:
    """G_t = r_{t+1} + γ·G_{t+1}, computed backwards, for t = 0 … T−1."""
    out = [0.0] * len(rewards)
    g = 0.0
    for t in range(len(rewards) - 1, -1, -1):
        g = rewards[t] + gamma * g
        out[t] = g
    return out


@solver(
    "rl.discounted_return",
    [REWARDS, GAMMA],
    Text("discounted return G = Σ γ^t r_{t+1} of a reward sequence", "奖励序列的折扣回报 G = Σ γ^t r_{t+1}"),
)
def discounted_return(rewards: Any, gamma: Any = 1.0) -> Solution:
    r = _vector(rewards, "rewards")
    g = _gamma(gamma)
    if not r:
        raise _err("give at least one reward", "至少给出一个奖励")
    terms = [g**t * rt for t, rt in enumerate(r)]
    total = sum(terms)
    steps = [
        Step(
            Text(
                "Discount each reward by γ^t: the first reward r₁ (t = 0) is not discounted",
                "每个奖励乘以 γ^t：第一个奖励 r₁（t = 0）不打折",
            ),
            formula="G = Σ_{t=0}^{T−1} γ^t·r_{t+1} = r₁ + γ·r₂ + γ²·r₃ + …",
            substituted=" + ".join(f"{_n(g)}^{t}·{_p(rt)}" for t, rt in enumerate(r)),
            result=" + ".join(_p(x) for x in terms) + f" = {_n(total)}",
        )
    ]
    rets = _returns(r, g)
    steps.append(
        Step(
            Text(
                "The same return computed backwards, which also gives the return G_t from every time step",
                "倒着算同一个回报，同时得到每个时刻的回报 G_t",
            ),
            formula="G_T = 0,  G_t = r_{t+1} + γ·G_{t+1}",
            substituted="; ".join(
                f"G{_sub(t)} = {_p(r[t])} + {_n(g)}·{_p(rets[t + 1] if t + 1 < len(r) else 0.0)} = {_n(rets[t])}"
                for t in range(len(r) - 1, -1, -1)
            ),
            result=f"G₀ = {_n(rets[0])}",
            note=Text(
                "γ close to 0 makes the agent short-sighted; γ = 1 (the course's default) weighs all rewards equally.",
                "γ 接近 0 时智能体只看眼前；γ = 1（课程默认值）时所有奖励同等重要。",
            ),
        )
    )
    return Solution(answers={"return": total, "returns": rets}, steps=steps)


@mistake("rl.discounted_return", "gamma_from_first_reward")
def _return_gamma_first(rewards: Any, gamma: Any = 1.0) -> dict[str, Any]:
    """Discounts the first reward too: Σ γ^{t+1} r_{t+1}."""
    r, g = _vector(rewards, "rewards"), _gamma(gamma)
    return {"return": sum(g ** (t + 1) * rt for t, rt in enumerate(r)), "returns": [g * x for x in _returns(r, g)]}


@mistake("rl.discounted_return", "no_discount")
def _return_no_discount(rewards: Any, **_: Any) -> dict[str, Any]:
    r = _vector(rewards, "rewards")
    return {"return": sum(r), "returns": _returns(r, 1.0)}


# --------------------------------------------------------------------------- trajectory probability

TRANSITIONS = ParamSpec(
    "transitions",
    "matrix",
    Text(
        "MDP transitions, one row per outcome s,a,s',p,r (states/actions numbered from 0; rows separated by ';'), "
        "e.g. 0,0,1,0.8,2;0,0,0,0.2,0;1,0,1,1,0. States without rows are terminal.",
        "MDP 状态转移，每个结果一行 s,a,s',p,r（状态和动作从 0 编号；行之间用 ';' 分隔），"
        "如 0,0,1,0.8,2;0,0,0,0.2,0;1,0,1,1,0。没有出边的状态为终止状态。",
    ),
)
POLICY = ParamSpec(
    "policy",
    "matrix",
    Text(
        "policy rows s,a,π(a|s), e.g. 0,0,0.5;0,1,0.5 (a state without rows: uniform over its actions)",
        "策略，每行 s,a,π(a|s)，如 0,0,0.5;0,1,0.5（未列出的状态按其动作均匀随机）",
    ),
    default=None,
    required=False,
)


@solver(
    "rl.trajectory_probability",
    [
        ParamSpec(
            "p0",
            "number",
            Text("probability p(s₀) of the start state (default 1)", "初始状态概率 p(s₀)（默认 1）"),
            default=1.0,
            required=False,
        ),
        ParamSpec(
            "pi",
            "vector",
            Text("list mode: π(a_t|s_t) for t = 0…T−1", "列表模式：各步的 π(a_t|s_t)"),
            default=None,
            required=False,
        ),
        ParamSpec(
            "p",
            "vector",
            Text("list mode: p(s_{t+1}|s_t,a_t) for t = 0…T−1", "列表模式：各步的 p(s_{t+1}|s_t,a_t)"),
            default=None,
            required=False,
        ),
        ParamSpec(
            "rewards",
            "vector",
            Text("list mode (optional): rewards r₁…r_T for the return", "列表模式（可选）：奖励 r₁…r_T，用于计算回报"),
            default=None,
            required=False,
        ),
        ParamSpec(
            "trajectory",
            "vector",
            Text("MDP mode: s₀,a₀,s₁,a₁,…,s_T (indices)", "MDP 模式：s₀,a₀,s₁,a₁,…,s_T（编号）"),
            default=None,
            required=False,
        ),
        ParamSpec("transitions", "matrix", TRANSITIONS.help, default=None, required=False),
        POLICY,
        GAMMA,
    ],
    Text("probability p(τ) and return of a trajectory", "轨迹的概率 p(τ) 与回报"),
)
def trajectory_probability(
    p0: Any = 1.0,
    pi: Any = None,
    p: Any = None,
    rewards: Any = None,
    trajectory: Any = None,
    transitions: Any = None,
    policy: Any = None,
    gamma: Any = 1.0,
) -> Solution:
    return _trajectory(p0, pi, p, rewards, trajectory, transitions, policy, gamma)


def _trajectory_factors(
    pi: Any, p: Any, rewards: Any, trajectory: Any, transitions: Any, policy: Any
) -> tuple[list[float], list[float], list[float] | None, list[str]]:
    """The per-step factors π(a_t|s_t), p(s_{t+1}|s_t,a_t), rewards, and step labels."""
    if trajectory is not None and len(_vector(trajectory, "trajectory")) > 0:
        if transitions is None:
            raise _err("MDP mode needs transitions (rows s,a,s',p,r)", "MDP 模式需要 transitions（每行 s,a,s',p,r）")
        path = [_index(x, "trajectory") for x in _vector(trajectory, "trajectory")]
        if len(path) < 3 or len(path) % 2 == 0:
            raise _err(
                "a trajectory is s₀,a₀,s₁,…,s_T: an odd number (≥ 3) of indices",
                "轨迹写成 s₀,a₀,s₁,…,s_T：奇数个（≥ 3）编号",
            )
        mdp = _parse_mdp(transitions, max(path[0::2]) + 1)
        pol = _parse_policy(policy, mdp)
        pis, ps, rs, labels = [], [], [], []
        for t in range(0, len(path) - 1, 2):
            s, a, s2 = path[t], path[t + 1], path[t + 2]
            if (s, a) not in mdp.outcomes:
                raise _err(f"action a{a} is not available in s{s}", f"状态 s{s} 下没有动作 a{a}")
            match = [(pp, r) for (x, pp, r) in mdp.outcomes[(s, a)] if x == s2]
            if not match:
                raise _err(
                    f"s{s} --a{a}--> s{s2} has probability 0: the trajectory is impossible",
                    f"s{s} --a{a}--> s{s2} 的概率为 0：该轨迹不可能出现",
                )
            pis.append(pol[s].get(a, 0.0))
            ps.append(sum(m[0] for m in match))
            rs.append(sum(m[0] * m[1] for m in match) / ps[-1])
            labels.append(f"t = {t // 2}: π(a{a}|s{s})·p(s{s2}|s{s},a{a})")
        return pis, ps, rs, labels
    pis, ps = _vector(pi, "pi"), _vector(p, "p")
    if not pis or len(pis) != len(ps):
        raise _err(
            "give pi and p with one entry per step (or trajectory + transitions)",
            "请按步给出等长的 pi 和 p（或给出 trajectory 与 transitions）",
        )
    for x in pis + ps:
        _prob_param(x, "π / p")
    rs = _vector(rewards, "rewards") or None
    if rs is not None and len(rs) != len(pis):
        raise _err("give one reward per step", "每一步给一个奖励")
    return (
        pis,
        ps,
        rs,
        [f"t = {t}: π(a{_sub(t)}|s{_sub(t)})·p(s{_sub(t + 1)}|s{_sub(t)},a{_sub(t)})" for t in range(len(pis))],
    )


def _trajectory(
    p0: Any, pi: Any, p: Any, rewards: Any, trajectory: Any, transitions: Any, policy: Any, gamma: Any
) -> Solution:
    start = _prob_param(p0, "p0")
    g = _gamma(gamma)
    pis, ps, rs, labels = _trajectory_factors(pi, p, rewards, trajectory, transitions, policy)
    steps = [
        Step(
            Text(
                "Each step multiplies the policy's choice π(a_t|s_t) by the environment's transition p(s_{t+1}|s_t,a_t)",
                "每一步乘上策略选动作的概率 π(a_t|s_t) 与环境转移的概率 p(s_{t+1}|s_t,a_t)",
            ),
            formula="p(τ) = p(s₀)·Π_{t=0}^{T−1} π(a_t|s_t)·p(s_{t+1}|s_t,a_t)",
            substituted="; ".join(f"{lab}: {_n(a)}·{_n(b)} = {_n(a * b)}" for lab, a, b in zip(labels, pis, ps)),
        )
    ]
    prob = start
    for a, b in zip(pis, ps):
        prob *= a * b
    steps.append(
        Step(
            Text("Multiply the start probability and all step factors", "把初始概率和每一步的因子相乘"),
            formula="p(τ) = p(s₀)·Π π·p",
            substituted=f"{_n(start)}·" + "·".join(_n(a * b) for a, b in zip(pis, ps)),
            result=_n(prob),
        )
    )
    answers: dict[str, Any] = {"probability": prob}
    if rs is not None:
        total = sum(g**t * r for t, r in enumerate(rs))
        steps.append(
            Step(
                Text("Return of the trajectory", "该轨迹的回报"),
                formula="G(τ) = Σ_{t=0}^{T−1} γ^t·r_{t+1}",
                substituted=" + ".join(f"{_n(g)}^{t}·{_p(r)}" for t, r in enumerate(rs)),
                result=_n(total),
            )
        )
        answers["return"] = total
    return Solution(answers=answers, steps=steps)


@mistake("rl.trajectory_probability", "policy_forgotten")
def _traj_no_policy(
    p0: Any = 1.0,
    pi: Any = None,
    p: Any = None,
    rewards: Any = None,
    trajectory: Any = None,
    transitions: Any = None,
    policy: Any = None,
    **_: Any,
) -> dict[str, Any]:
    """Multiplies only the transition probabilities (treats the agent's choices as certain)."""
    _, ps, _, _ = _trajectory_factors(pi, p, rewards, trajectory, transitions, policy)
    return {"probability": _num(p0, "p0") * float(np.prod(ps))}


@mistake("rl.trajectory_probability", "transition_forgotten")
def _traj_no_transition(
    p0: Any = 1.0,
    pi: Any = None,
    p: Any = None,
    rewards: Any = None,
    trajectory: Any = None,
    transitions: Any = None,
    policy: Any = None,
    **_: Any,
) -> dict[str, Any]:
    pis, _, _, _ = _trajectory_factors(pi, p, rewards, trajectory, transitions, policy)
    return {"probability": _num(p0, "p0") * float(np.prod(pis))}


@mistake("rl.trajectory_probability", "start_forgotten")
def _traj_no_start(
    pi: Any = None,
    p: Any = None,
    rewards: Any = None,
    trajectory: Any = None,
    transitions: Any = None,
    policy: Any = None,
    **_: Any,
) -> dict[str, Any]:
    pis, ps, _, _ = _trajectory_factors(pi, p, rewards, trajectory, transitions, policy)
    return {"probability": float(np.prod(pis) * np.prod(ps))}


# --------------------------------------------------------------------------- ε-greedy


def _eps_greedy_numbers(q: Any, epsilon: Any) -> tuple[list[float], float, int]:
    values = _vector(q, "q")
    eps = _prob_param(epsilon, "epsilon")
    if not values:
        raise _err("give Q(s,a) for every action, e.g. q=1,3,2", "请给出每个动作的 Q(s,a)，如 q=1,3,2")
    greedy = int(np.argmax(values))
    return values, eps, greedy


@solver(
    "rl.epsilon_greedy",
    [
        ParamSpec(
            "q",
            "vector",
            Text("Q(s,a) of every action in the state, e.g. 1,3,2", "该状态下每个动作的 Q(s,a)，如 1,3,2"),
        ),
        ParamSpec("epsilon", "number", Text("exploration rate ε in [0, 1]", "探索率 ε ∈ [0, 1]")),
    ],
    Text("ε-greedy action probabilities", "ε-贪心策略下各动作的概率"),
)
def epsilon_greedy(q: Any, epsilon: Any) -> Solution:
    values, eps, greedy = _eps_greedy_numbers(q, epsilon)
    n = len(values)
    if n == 1:
        return _single_action(values[0], eps)
    other = eps / n
    top = 1 - eps + eps / n
    probs = [top if a == greedy else other for a in range(n)]
    ties = [a for a, v in enumerate(values) if v == values[greedy]]
    steps = [
        Step(
            Text("Greedy action: the one with the largest Q(s,a)", "贪心动作：Q(s,a) 最大的动作"),
            formula="a* = argmax_a Q(s,a)",
            substituted=f"Q(s,·) = ({', '.join(_n(v) for v in values)})",
            result=f"a* = a{greedy}",
            note=Text(
                f"Several actions tie for the maximum ({', '.join(f'a{a}' for a in ties)}); the lowest index is taken as greedy.",
                f"有多个动作并列最大（{', '.join(f'a{a}' for a in ties)}），取编号最小的作为贪心动作。",
            )
            if len(ties) > 1
            else None,
        ),
        Step(
            Text(
                "With probability ε the agent picks uniformly among ALL |A| actions (the greedy one included), "
                "so every action gets ε/|A|",
                "以概率 ε 在全部 |A| 个动作（包括贪心动作）中均匀随机选择，所以每个动作都分到 ε/|A|",
            ),
            formula="π(a|s) = ε/|A|  (a ≠ a*)",
            substituted=f"{_n(eps)}/{n}",
            result=_n(other),
        ),
        Step(
            Text(
                "The greedy action also gets the remaining 1 − ε",
                "贪心动作再加上其余的 1 − ε",
            ),
            formula="π(a*|s) = 1 − ε + ε/|A|",
            substituted=f"1 − {_n(eps)} + {_n(eps)}/{n}",
            result=_n(top),
            note=Text(
                f"Check: {_n(top)} + {n - 1}·{_n(other)} = {_n(top + (n - 1) * other)}",
                f"检验：{_n(top)} + {n - 1}·{_n(other)} = {_n(top + (n - 1) * other)}",
            ),
        ),
    ]
    return Solution(
        answers={"probabilities": probs, "greedy_prob": top, "other_prob": other, "greedy": greedy}, steps=steps
    )


def _single_action(value: float, eps: float) -> Solution:
    """One action only: the random ε part can draw nothing else, so it is taken with probability 1
    and there is no "other" action (hence no ``other_prob`` answer)."""
    step = Step(
        Text(
            "Only one action a0 is available: exploring can only pick it too, so it is taken with probability 1",
            "只有一个动作 a0 可选：探索时也只能选到它，所以它的概率为 1",
        ),
        formula="π(a*|s) = 1 − ε + ε/|A|",
        substituted=f"Q(s,·) = ({_n(value)}); 1 − {_n(eps)} + {_n(eps)}/1",
        result="1",
        note=Text(
            "With |A| = 1 there is no other action, so no ε/|A| share goes anywhere else.",
            "|A| = 1 时没有其他动作，ε/|A| 不会分给任何别的动作。",
        ),
    )
    return Solution(answers={"probabilities": [1.0], "greedy_prob": 1.0, "greedy": 0}, steps=[step])


@mistake("rl.epsilon_greedy", "eps_over_A_forgotten")
def _eg_forgot(q: Any, epsilon: Any) -> dict[str, Any]:
    """Gives the greedy action 1 − ε, forgetting that it can also be drawn in the random ε part."""
    values, eps, greedy = _eps_greedy_numbers(q, epsilon)
    n = len(values)
    probs = [1 - eps if a == greedy else eps / n for a in range(n)]
    return {"probabilities": probs, "greedy_prob": 1 - eps}


@mistake("rl.epsilon_greedy", "eps_over_others")
def _eg_others(q: Any, epsilon: Any) -> dict[str, Any]:
    """Spreads ε over the non-greedy actions only: greedy 1 − ε, others ε/(|A| − 1)."""
    values, eps, greedy = _eps_greedy_numbers(q, epsilon)
    n = len(values)
    if n < 2:
        return {}
    other = eps / (n - 1)
    return {
        "probabilities": [1 - eps if a == greedy else other for a in range(n)],
        "greedy_prob": 1 - eps,
        "other_prob": other,
    }


# --------------------------------------------------------------------------- Bellman backups

VALUES = ParamSpec(
    "values",
    "vector",
    Text("current V(s) of every state s0, s1, … (default all 0)", "各状态 s0, s1, … 当前的 V(s)（默认全为 0）"),
    default=None,
    required=False,
)
BACKUP_METHODS = ("expectation", "optimality")
METHOD = ParamSpec(
    "method",
    "choice",
    Text(
        "expectation (Bellman equation of the policy) or optimality (max over actions)",
        "expectation（策略的贝尔曼方程）或 optimality（对动作取 max 的最优方程）",
    ),
    default="expectation",
    required=False,
    choices=BACKUP_METHODS,
)


def _check_method(method: str) -> bool:
    if method not in BACKUP_METHODS:
        raise _err(
            f"method must be expectation or optimality, got {method!r}",
            f"method 必须是 expectation 或 optimality，给了 {method!r}",
        )
    return method == "optimality"


def _bellman_v_numbers(
    transitions: Any,
    values: Any = None,
    gamma: Any = 1.0,
    policy: Any = None,
    method: str = "expectation",
    state: Any = None,
    terminal: Any = "zero",
    *,
    force_optimal: bool | None = None,
    force_uniform: bool = False,
) -> Solution:
    mdp = _parse_mdp(transitions, len(_vector(values, "values")))
    V, terminal_step = _terminal_values(mdp, _initial_values(values, mdp), _keep_terminal(terminal))
    g = _gamma(gamma)
    optimal = _check_method(method) if force_optimal is None else force_optimal
    pi = _uniform(mdp) if force_uniform else _parse_policy(policy, mdp)
    target = None if state is None else _index(state, "state")
    if target is not None and target >= mdp.n:
        raise _err(f"there is no state s{target}", f"没有状态 s{target}")
    steps = [
        Step(
            Text("The MDP and the current values", "MDP 与当前的价值"),
            note=None if optimal else Text(f"Policy: {_policy_text(mdp, pi)}", f"策略：{_policy_text(mdp, pi)}"),
            grids=(_mdp_grid(mdp), _values_grid(mdp, V, Text("Current V", "当前 V"))),
        )
    ]
    if terminal_step:
        steps.append(terminal_step)
    new = list(V)
    lines = []
    for s in range(mdp.n):
        if mdp.terminal(s):
            lines.append(f"V({mdp.state_names[s]}) = {_n(V[s])}")
            continue
        new[s], text = _backup(mdp, s, V, g, pi, optimal, True)
        lines.append(f"V'({mdp.state_names[s]}) = {text}")
    steps.append(
        Step(
            Text(
                "One backup of every state from the current values (optimality: best action)"
                if optimal
                else "One backup of every state from the current values, weighting each action by π(a|s)",
                "用当前价值对每个状态做一次备份（最优方程：取最好的动作）"
                if optimal
                else "用当前价值对每个状态做一次备份，按 π(a|s) 对动作加权",
            ),
            formula="V'(s) = max_a Σ_{s'} p(s'|s,a)·[r + γ·V(s')]"
            if optimal
            else "V'(s) = Σ_a π(a|s) Σ_{s'} p(s'|s,a)·[r + γ·V(s')]",
            substituted="\n".join(lines),
            grids=(_values_grid(mdp, new, Text("V after one backup", "一次备份后的 V"), "V'"),),
        )
    )
    answers: dict[str, Any] = {"values": new}
    if target is not None:
        answers["v"] = new[target]
        steps.append(
            Step(Text(f"The asked state s{target}", f"所求状态 s{target}"), result=f"V'(s{target}) = {_n(new[target])}")
        )
    return Solution(answers=answers, steps=steps)


BELLMAN_V_PARAMS = [
    TRANSITIONS,
    VALUES,
    GAMMA,
    POLICY,
    METHOD,
    ParamSpec(
        "state",
        "int",
        Text("the state whose new value is asked (optional)", "所求新价值的状态（可选）"),
        default=None,
        required=False,
    ),
    TERMINAL,
]


@solver(
    "rl.bellman_v",
    BELLMAN_V_PARAMS,
    Text("one Bellman backup of V on a small MDP", "小型 MDP 上对 V 的一次贝尔曼备份"),
)
def bellman_v(
    transitions: Any,
    values: Any = None,
    gamma: Any = 1.0,
    policy: Any = None,
    method: str = "expectation",
    state: Any = None,
    terminal: str = "zero",
) -> Solution:
    return _bellman_v_numbers(transitions, values, gamma, policy, method, state, terminal)


def _only(sol: Solution, *keys: str) -> dict[str, Any]:
    return {k: sol.answers[k] for k in keys if k in sol.answers}


@mistake("rl.bellman_v", "gamma_forgotten")
def _bv_gamma(**inputs: Any) -> dict[str, Any]:
    return _only(_bellman_v_numbers(**{**inputs, "gamma": 1.0}), "values", "v")


@mistake("rl.bellman_v", "max_instead_of_expectation")
def _bv_max(method: str = "expectation", **inputs: Any) -> dict[str, Any]:
    """Takes the best action although the question evaluates a given policy."""
    if method != "expectation":
        return {}
    return _only(_bellman_v_numbers(method=method, **inputs, force_optimal=True), "values", "v")


@mistake("rl.bellman_v", "mean_instead_of_max")
def _bv_mean(method: str = "expectation", **inputs: Any) -> dict[str, Any]:
    """Averages the actions (uniform policy) although the optimality equation takes the max."""
    if method != "optimality":
        return {}
    return _only(_bellman_v_numbers(method=method, **inputs, force_optimal=False, force_uniform=True), "values", "v")


def _bellman_q_numbers(
    transitions: Any,
    state: Any,
    action: Any,
    gamma: Any = 1.0,
    values: Any = None,
    q: Any = None,
    policy: Any = None,
    method: str = "expectation",
    terminal: Any = "zero",
    *,
    force_optimal: bool | None = None,
) -> Solution:
    q_rows = _q_table(q) if q is not None else None
    hint = max(len(_vector(values, "values")), len(q_rows or []))
    mdp = _parse_mdp(transitions, hint)
    keep = _keep_terminal(terminal)
    g = _gamma(gamma)
    optimal = _check_method(method) if force_optimal is None else force_optimal
    pi = _parse_policy(policy, mdp)
    s, a = _index(state, "state"), _index(action, "action")
    if (s, a) not in mdp.outcomes:
        raise _err(f"action a{a} has no transitions in state s{s}", f"状态 s{s} 下的动作 a{a} 没有状态转移")
    steps: list[Step] = [Step(Text("The MDP", "MDP"), grids=(_mdp_grid(mdp),))]
    V, terminal_step = _terminal_values(mdp, _initial_values(values, mdp), keep)
    if terminal_step:
        steps.append(terminal_step)
    if q_rows:
        if len(q_rows) != mdp.n:
            raise _err(
                f"q needs one row per state ({mdp.n} rows), got {len(q_rows)}",
                f"q 需要每个状态一行（{mdp.n} 行），给了 {len(q_rows)} 行",
            )
        lines = []
        for s2 in sorted({x for x, _, _ in mdp.outcomes[(s, a)]}):
            if mdp.terminal(s2):
                lines.append(f"V({mdp.state_names[s2]}) = {_n(V[s2])} (T)")
                continue
            acts = mdp.avail[s2]
            if max(acts) >= len(q_rows[s2]):
                raise _err(
                    f"q row of s{s2} needs a value for action a{max(acts)}",
                    f"q 中 s{s2} 这一行缺少动作 a{max(acts)} 的值",
                )
            row = [q_rows[s2][b] for b in acts]
            if optimal:
                V[s2] = max(row)
                lines.append(
                    f"max_a' Q({mdp.state_names[s2]},a') = max{{{', '.join(_n(x) for x in row)}}} = {_n(V[s2])}"
                )
            else:
                V[s2] = sum(pi[s2][b] * q_rows[s2][b] for b in acts)
                terms = " + ".join(f"{_prob(pi[s2][b])}·{_p(q_rows[s2][b])}" for b in acts)
                lines.append(f"Σ_a' π(a'|{mdp.state_names[s2]})·Q({mdp.state_names[s2]},a') = {terms} = {_n(V[s2])}")
        steps.append(
            Step(
                Text(
                    "Value of each next state from the Q table: the best action (optimality)"
                    if optimal
                    else "Value of each next state from the Q table, averaged over the policy's next action a'",
                    "由 Q 表得到每个下一状态的价值：取最好的动作（最优方程）"
                    if optimal
                    else "由 Q 表得到每个下一状态的价值：按策略对下一动作 a' 求期望",
                ),
                formula="max_a' Q(s',a')" if optimal else "Σ_a' π(a'|s')·Q(s',a')",
                substituted="\n".join(lines),
            )
        )
    else:
        steps.append(Step(Text("Given values V(s')", "给定的 V(s')"), grids=(_values_grid(mdp, V, Text("V", "V")),)))
    value, text = _q_value(mdp, s, a, V, g, True)
    steps.append(
        Step(
            Text(
                "Average over the next states: reward plus discounted value", "对下一状态求期望：即时奖励加折扣后的价值"
            ),
            formula="Q(s,a) = Σ_{s'} p(s'|s,a)·[r(s,a,s') + γ·V(s')]",
            substituted=f"Q(s{s},a{a}) = {text}",
            result=_n(value),
        )
    )
    return Solution(answers={"q": value}, steps=steps)


BELLMAN_Q_PARAMS = [
    TRANSITIONS,
    ParamSpec("state", "int", Text("state s of Q(s,a)", "Q(s,a) 中的状态 s")),
    ParamSpec("action", "int", Text("action a of Q(s,a)", "Q(s,a) 中的动作 a")),
    GAMMA,
    VALUES,
    ParamSpec(
        "q",
        "matrix",
        Text(
            "current Q table, one row per state, one column per action (instead of values)",
            "当前 Q 表，每个状态一行、每个动作一列（代替 values）",
        ),
        default=None,
        required=False,
    ),
    POLICY,
    METHOD,
    TERMINAL,
]


@solver(
    "rl.bellman_q",
    BELLMAN_Q_PARAMS,
    Text("one Bellman backup of Q(s,a) on a small MDP", "小型 MDP 上对 Q(s,a) 的一次贝尔曼备份"),
)
def bellman_q(
    transitions: Any,
    state: Any,
    action: Any,
    gamma: Any = 1.0,
    values: Any = None,
    q: Any = None,
    policy: Any = None,
    method: str = "expectation",
    terminal: str = "zero",
) -> Solution:
    return _bellman_q_numbers(transitions, state, action, gamma, values, q, policy, method, terminal)


@mistake("rl.bellman_q", "gamma_forgotten")
def _bq_gamma(**inputs: Any) -> dict[str, Any]:
    return _only(_bellman_q_numbers(**{**inputs, "gamma": 1.0}), "q")


@mistake("rl.bellman_q", "max_instead_of_expectation")
def _bq_max(method: str = "expectation", q: Any = None, **inputs: Any) -> dict[str, Any]:
    if method != "expectation" or q is None:
        return {}
    return _only(_bellman_q_numbers(method=method, q=q, **inputs, force_optimal=True), "q")


@mistake("rl.bellman_q", "mean_instead_of_max")
def _bq_mean(method: str = "expectation", q: Any = None, **inputs: Any) -> dict[str, Any]:
    if method != "optimality" or q is None:
        return {}
    inputs.pop("policy", None)  # averaging means the uniform policy, whatever policy was given
    return _only(_bellman_q_numbers(method=method, q=q, **inputs, force_optimal=False), "q")


# --------------------------------------------------------------------------- sweeps on explicit MDPs

SWEEPS = ParamSpec(
    "sweeps",
    "text",
    Text(
        "number of sweeps K, or 'converge' (until the largest change < tol)",
        "扫描次数 K，或 converge（直到最大变化 < tol）",
    ),
    default="converge",
    required=False,
)
INPLACE = ParamSpec(
    "inplace",
    "bool",
    Text(
        "in-place sweeps (each new value is used at once, states in index order) instead of synchronous (default false)",
        "就地更新（新值立即使用，按状态编号顺序）而不是同步更新（默认 false）",
    ),
    default=False,
    required=False,
)
TOL = ParamSpec(
    "tol", "number", Text("convergence tolerance (default 1e-6)", "收敛容差（默认 1e-6）"), default=1e-6, required=False
)


def _sweep_note(inplace: bool) -> Text:
    if inplace:
        return Text(
            "In-place sweep: states are updated in index order and each new value is used immediately by the states after it.",
            "就地更新：按编号顺序更新，新值立刻被后面的状态使用。",
        )
    return Text(
        "Synchronous sweep: every new value V_k is computed from the previous table V_{k−1} only (two arrays).",
        "同步更新：所有新值 V_k 只用上一轮的 V_{k−1} 计算（两个数组）。",
    )


def _tol(tol: Any) -> float:
    t = _num(tol, "tol")
    if not t > 0:
        raise _err("tol must be positive", "tol 必须为正数")
    return t


def _sweep_steps(mdp: _MDP, run: _Run, inplace: bool, optimal: bool, gamma: float, grid_size: int | None) -> list[Step]:
    """One step per detailed sweep (every backup with its numbers), then tables for later sweeps."""
    steps: list[Step] = []
    formula = (
        "V_k(s) = max_a Σ_{s'} p(s'|s,a)·[r + γ·V(s')]"
        if optimal
        else "V_k(s) = Σ_a π(a|s) Σ_{s'} p(s'|s,a)·[r + γ·V(s')]"
    )
    for k in range(1, run.sweeps + 1):
        detailed = k <= len(run.lines)
        if not detailed and k > TABLE_SWEEPS and k != run.sweeps:
            if k == TABLE_SWEEPS + 1:
                steps.append(
                    Step(
                        Text(
                            f"… sweeps {TABLE_SWEEPS + 1} to {run.sweeps - 1} work the same way …",
                            f"…… 第 {TABLE_SWEEPS + 1} 到 {run.sweeps - 1} 次扫描同理 ……",
                        )
                    )
                )
            continue
        V = run.history[k]
        grids: tuple[Grid, ...]
        title = Text(f"V after sweep {k}", f"第 {k} 次扫描后的 V")
        if grid_size is not None:
            best = _greedy(mdp, V, gamma)
            grids = (
                _cell_grid(grid_size, _grid_rows(grid_size, V, True), title),
                _cell_grid(
                    grid_size,
                    _arrow_rows(grid_size, best),
                    Text(f"Greedy policy w.r.t. V_{k}", f"关于 V_{k} 的贪心策略"),
                ),
            )
        else:
            grids = (_values_grid(mdp, V, title, f"V{_sub(k)}"),)
            if optimal:
                grids += (
                    _q_grid(
                        mdp,
                        run.history[k],
                        gamma,
                        Text(f"Q from V_{k} (next iteration's backups)", f"由 V_{k} 算出的 Q（下一轮的备份）"),
                    ),
                )
        steps.append(
            Step(
                Text(
                    f"Sweep {k} ({'in-place' if inplace else 'synchronous'})",
                    f"第 {k} 次扫描（{'就地' if inplace else '同步'}）",
                ),
                formula=formula if detailed else "",
                substituted="\n".join(run.lines[k - 1]) if detailed else "",
                note=_sweep_note(inplace) if k == 1 else None,
                grids=grids,
            )
        )
    return steps


def _policy_evaluation_solution(
    transitions: Any,
    policy: Any = None,
    gamma: Any = 1.0,
    sweeps: Any = "converge",
    inplace: bool = False,
    values: Any = None,
    tol: Any = 1e-6,
    terminal: Any = "zero",
    *,
    optimal: bool = False,
    uniform: bool = False,
) -> Solution:
    mdp = _parse_mdp(transitions, len(_vector(values, "values")))
    V0, terminal_step = _terminal_values(mdp, _initial_values(values, mdp), _keep_terminal(terminal))
    g = _gamma(gamma)
    k = _parse_sweeps(sweeps)
    pi = _uniform(mdp) if uniform else _parse_policy(policy, mdp)
    run = _run_sweeps(mdp, V0, g, pi, optimal, bool(inplace), k, _tol(tol))
    steps = [
        Step(
            Text("The MDP and the starting values", "MDP 与初始价值"),
            note=None if optimal else Text(f"Policy: {_policy_text(mdp, pi)}", f"策略：{_policy_text(mdp, pi)}"),
            grids=(_mdp_grid(mdp), _values_grid(mdp, V0, Text("V₀", "V₀"), "V₀")),
        ),
        *([terminal_step] if terminal_step else []),
        *_sweep_steps(mdp, run, bool(inplace), optimal, g, None),
    ]
    answers: dict[str, Any] = {"values": run.history[-1], "sweeps": run.sweeps}
    if k is not None:
        answers["history"] = run.history
    steps.append(
        Step(
            Text(
                f"Converged after {run.sweeps} sweeps (largest change < {_n(_tol(tol))})"
                if run.converged
                else f"Values after {run.sweeps} sweeps",
                f"{run.sweeps} 次扫描后收敛（最大变化 < {_n(_tol(tol))}）"
                if run.converged
                else f"{run.sweeps} 次扫描后的价值",
            ),
            grids=(
                _history_grid(
                    mdp,
                    run.history[: TABLE_SWEEPS + 1]
                    + ([run.history[-1]] if len(run.history) > TABLE_SWEEPS + 1 else []),
                    Text("V by sweep", "各次扫描的 V"),
                ),
            ),
            result=", ".join(f"V({name}) = {_n(v)}" for name, v in zip(mdp.state_names, run.history[-1])),
        )
    )
    if optimal:
        best = _greedy(mdp, run.history[-1], g, _tie_tol(k, _tol(tol)))
        answers["policy"] = _policy_answer(best)
        steps.append(
            Step(
                Text(
                    "Greedy policy: in each state the action with the largest Q(s,a)",
                    "贪心策略：每个状态选 Q(s,a) 最大的动作",
                ),
                formula="π(s) = argmax_a Σ_{s'} p(s'|s,a)·[r + γ·V(s')]",
                grids=(_q_grid(mdp, run.history[-1], g, Text("Q(s,a) from the final V", "由最终 V 算出的 Q(s,a)")),),
                result=_policy_names(mdp, best),
                note=Text(
                    "Ties are broken toward the lowest action index; T marks a terminal state.",
                    "并列时取编号最小的动作；T 表示终止状态。",
                ),
            )
        )
    return Solution(answers=answers, steps=steps)


PE_PARAMS = [TRANSITIONS, POLICY, GAMMA, SWEEPS, INPLACE, VALUES, TOL, TERMINAL]


@solver(
    "rl.policy_evaluation",
    PE_PARAMS,
    Text(
        "iterative policy evaluation on a small MDP (synchronous or in-place sweeps)",
        "小型 MDP 上的迭代策略评估（同步或就地扫描）",
    ),
)
def policy_evaluation(
    transitions: Any,
    policy: Any = None,
    gamma: Any = 1.0,
    sweeps: Any = "converge",
    inplace: bool = False,
    values: Any = None,
    tol: Any = 1e-6,
    terminal: str = "zero",
) -> Solution:
    return _policy_evaluation_solution(transitions, policy, gamma, sweeps, inplace, values, tol, terminal)


@mistake("rl.policy_evaluation", "inplace_sweep")
def _pe_inplace(inplace: bool = False, **inputs: Any) -> dict[str, Any]:
    """Updates in place although the question asks for synchronous sweeps."""
    if inplace:
        return {}
    return _only(_policy_evaluation_solution(inplace=True, **inputs), "values")


@mistake("rl.policy_evaluation", "synchronous_sweep")
def _pe_sync(inplace: bool = False, **inputs: Any) -> dict[str, Any]:
    """Keeps two arrays although the question asks for in-place sweeps."""
    if not inplace:
        return {}
    return _only(_policy_evaluation_solution(inplace=False, **inputs), "values")


@mistake("rl.policy_evaluation", "gamma_forgotten")
def _pe_gamma(sweeps: Any = "converge", **inputs: Any) -> dict[str, Any]:
    if _parse_sweeps(sweeps) is None:
        return {}  # with γ = 1 the values may not converge at all
    return _only(_policy_evaluation_solution(**{**inputs, "sweeps": sweeps, "gamma": 1.0}), "values")


VI_PARAMS = [TRANSITIONS, GAMMA, SWEEPS, INPLACE, VALUES, TOL, TERMINAL]


@solver(
    "rl.value_iteration",
    VI_PARAMS,
    Text(
        "value iteration on a small MDP: values and greedy policy after each iteration",
        "小型 MDP 上的值迭代：每轮的价值与贪心策略",
    ),
)
def value_iteration(
    transitions: Any,
    gamma: Any = 1.0,
    sweeps: Any = "converge",
    inplace: bool = False,
    values: Any = None,
    tol: Any = 1e-6,
    terminal: str = "zero",
) -> Solution:
    return _policy_evaluation_solution(transitions, None, gamma, sweeps, inplace, values, tol, terminal, optimal=True)


@mistake("rl.value_iteration", "inplace_sweep")
def _vi_inplace(inplace: bool = False, sweeps: Any = "converge", **inputs: Any) -> dict[str, Any]:
    if inplace or _parse_sweeps(sweeps) is None:
        return {}
    return _only(_policy_evaluation_solution(inplace=True, sweeps=sweeps, **inputs, optimal=True), "values")


@mistake("rl.value_iteration", "synchronous_sweep")
def _vi_sync(inplace: bool = False, sweeps: Any = "converge", **inputs: Any) -> dict[str, Any]:
    if not inplace or _parse_sweeps(sweeps) is None:
        return {}
    return _only(_policy_evaluation_solution(inplace=False, sweeps=sweeps, **inputs, optimal=True), "values")


@mistake("rl.value_iteration", "gamma_forgotten")
def _vi_gamma(sweeps: Any = "converge", **inputs: Any) -> dict[str, Any]:
    if _parse_sweeps(sweeps) is None:
        return {}
    return _only(
        _policy_evaluation_solution(**{**inputs, "sweeps": sweeps, "gamma": 1.0}, optimal=True), "values", "policy"
    )


@mistake("rl.value_iteration", "mean_instead_of_max")
def _vi_mean(sweeps: Any = "converge", **inputs: Any) -> dict[str, Any]:
    """Averages over actions (evaluates the random policy) instead of taking the best action."""
    if _parse_sweeps(sweeps) is None:
        return {}
    return _only(_policy_evaluation_solution(sweeps=sweeps, **inputs, uniform=True), "values")


# --------------------------------------------------------------------------- policy iteration


def _equation_lines(mdp: _MDP, pi: Policy, V: list[float], gamma: float) -> list[str]:
    lines = []
    for s in range(mdp.n):
        if mdp.terminal(s):
            continue
        terms = []
        for a, pa in pi[s].items():
            if pa <= 0:
                continue
            _, text = _q_value(mdp, s, a, V, gamma, text=True, symbolic=True)
            terms.append(text if pa == 1 else f"{_prob(pa)}·{text}")
        lines.append(f"V{_state_arg(mdp, s)} = " + " + ".join(terms))
    return lines


def _improvement_lines(mdp: _MDP, V: list[float], gamma: float, best: list[list[int]]) -> list[str]:
    lines = []
    for s in range(mdp.n):
        if mdp.terminal(s):
            continue
        qs = []
        for a in mdp.avail[s]:
            value, text = _q_value(mdp, s, a, V, gamma, text=True)
            qs.append(f"Q({mdp.state_names[s]},{mdp.action_names[a]}) = {text} = {_n(value)}")
        lines.append("; ".join(qs) + f" → {'/'.join(mdp.action_names[a] for a in best[s])}")
    return lines


def _deterministic(mdp: _MDP, choice: list[int]) -> Policy:
    return [{c: 1.0} if c >= 0 else {} for c in choice]


def _policy_iteration_run(
    mdp: _MDP, pi: Policy, gamma: float, V0: list[float], grid_size: int | None, tie_tol: float = 1e-9
) -> tuple[list[float], list[list[int]], int, list[Step]]:
    steps: list[Step] = []
    # a deterministic starting policy counts as "current", so an optimal π₀ is recognised at once
    deterministic = all(len([a for a, p in d.items() if p > 0]) == 1 for d in pi if d)
    current: list[int] | None = (
        [next((a for a, p in d.items() if p > 0), -1) if d else -1 for d in pi] if deterministic else None
    )
    for iteration in range(1, 101):
        V = _evaluate_exact(mdp, pi, gamma, V0)
        eq_lines = _equation_lines(mdp, pi, V, gamma)
        check = [
            f"V{_state_arg(mdp, s)} = {_backup(mdp, s, V, gamma, pi, False, True)[1]}"
            for s in range(mdp.n)
            if not mdp.terminal(s)
        ]
        value_grid = (
            _cell_grid(
                grid_size, _grid_rows(grid_size, V, True), Text(f"V of π_{iteration - 1}", f"π_{iteration - 1} 的 V")
            )
            if grid_size
            else _values_grid(mdp, V, Text(f"V of π_{iteration - 1}", f"π_{iteration - 1} 的 V"))
        )
        steps.append(
            Step(
                Text(
                    f"Iteration {iteration}, policy evaluation: solve the Bellman equations of π_{iteration - 1} "
                    "(the limit of the evaluation sweeps); after ⇒ the solution is substituted back as a check",
                    f"第 {iteration} 轮，策略评估：解 π_{iteration - 1} 的贝尔曼方程组（即评估扫描收敛的极限）；"
                    "⇒ 之后把解代回方程检验",
                ),
                formula="V(s) = Σ_a π(a|s) Σ_{s'} p(s'|s,a)·[r + γ·V(s')]",
                substituted="\n".join(eq_lines) + "\n⇒\n" + "\n".join(check),
                grids=(value_grid,),
            )
        )
        best = _greedy(mdp, V, gamma, tie_tol)
        # keep the current action when it is among the best, so ties cannot make the loop cycle
        choice = [
            (current[s] if current is not None and current[s] in best[s] else (acts[0] if acts else -1))
            for s, acts in enumerate(best)
        ]
        grids: tuple[Grid, ...] = ()
        if grid_size:
            grids = (
                _cell_grid(
                    grid_size,
                    _arrow_rows(grid_size, [[c] if c >= 0 else [] for c in choice]),
                    Text(f"π_{iteration}", f"π_{iteration}"),
                ),
            )
        stable = choice == current
        steps.append(
            Step(
                Text(
                    f"Iteration {iteration}, policy improvement: act greedily with respect to V"
                    + (" — the policy did not change: stop" if stable else " — the policy changed: evaluate again"),
                    f"第 {iteration} 轮，策略改进：关于 V 贪心地选动作"
                    + ("——策略不变，停止" if stable else "——策略改变，重新评估"),
                ),
                formula="π'(s) = argmax_a Σ_{s'} p(s'|s,a)·[r + γ·V(s')]",
                substituted="\n".join(_improvement_lines(mdp, V, gamma, best)),
                result="π' = π" if stable else "π' ≠ π",
                note=Text(
                    "On ties the current action is kept (otherwise the lowest index), so the loop cannot cycle.",
                    "并列时保留当前动作（否则取编号最小的），避免循环。",
                ),
                grids=grids,
            )
        )
        if stable:
            return V, [[c] if c >= 0 else [] for c in choice], iteration, steps
        current = choice
        pi = _deterministic(mdp, choice)
    raise _err("policy iteration did not settle within 100 iterations", "策略迭代 100 轮内未稳定")


@solver(
    "rl.policy_iteration",
    [
        TRANSITIONS,
        GAMMA,
        ParamSpec(
            "policy",
            "matrix",
            Text(
                "initial policy rows s,a,π(a|s) (default uniform random)", "初始策略，每行 s,a,π(a|s)（默认均匀随机）"
            ),
            default=None,
            required=False,
        ),
        VALUES,
        TERMINAL,
    ],
    Text(
        "policy iteration on a small MDP: evaluate, improve, repeat until stable",
        "小型 MDP 上的策略迭代：评估、改进，直到策略不变",
    ),
)
def policy_iteration(
    transitions: Any, gamma: Any = 1.0, policy: Any = None, values: Any = None, terminal: str = "zero"
) -> Solution:
    mdp = _parse_mdp(transitions, len(_vector(values, "values")))
    V0, terminal_step = _terminal_values(mdp, _initial_values(values, mdp), _keep_terminal(terminal))
    g = _gamma(gamma)
    pi = _parse_policy(policy, mdp)
    intro = Step(
        Text("The MDP; start from the initial policy π₀", "MDP；从初始策略 π₀ 开始"),
        note=Text(f"π₀: {_policy_text(mdp, pi)}", f"π₀：{_policy_text(mdp, pi)}"),
        grids=(_mdp_grid(mdp),),
    )
    V, best, iterations, steps = _policy_iteration_run(mdp, pi, g, V0, None)
    steps.append(
        Step(
            Text("Optimal policy and its values", "最优策略及其价值"),
            result=_policy_names(mdp, best)
            + " | "
            + ", ".join(f"V({mdp.state_names[s]}) = {_n(v)}" for s, v in enumerate(V)),
        )
    )
    return Solution(
        answers={"values": V, "policy": _policy_answer(best), "iterations": iterations},
        steps=[intro, *([terminal_step] if terminal_step else []), *steps],
    )


@mistake("rl.policy_iteration", "gamma_forgotten")
def _pi_gamma(
    transitions: Any, policy: Any = None, values: Any = None, terminal: str = "zero", **_: Any
) -> dict[str, Any]:
    try:
        sol = policy_iteration(transitions, 1.0, policy, values, terminal)
    except SolverInputError:
        return {}
    return _only(sol, "values")


# --------------------------------------------------------------------------- gridworld

GRID_METHODS = ("policy-evaluation", "value-iteration", "policy-iteration")


def _arrow_rows(size: int, best: list[list[int]]) -> list[list[str]]:
    out = []
    for i in range(size):
        row = []
        for j in range(size):
            s = i * size + j
            row.append("".join(ARROWS[a] for a in best[s]) if best[s] else TERMINAL_MARK)
        out.append(row)
    return out


def _grid_rows(size: int, V: list[float], display: bool = False) -> list[list[float]]:
    """The values as rows of the grid (rounded to 4 decimals for display only)."""
    return [[_r4(v) if display else float(v) + 0.0 for v in V[i * size : (i + 1) * size]] for i in range(size)]


def _cell_grid(size: int, cells: list[list[Any]], title: Text) -> Grid:
    return Grid.of(cells, row_labels=range(size), col_labels=range(size), title=title)


def _gridworld_solution(
    size: Any, gamma: Any, reward: Any, method: str, sweeps: Any, inplace: bool, tol: Any, drop_off_grid: bool = False
) -> Solution:
    n = _index(size, "size")
    if not 2 <= n <= 8:
        raise _err("size must be from 2 to 8", "size 必须在 2 到 8 之间")
    g, r, t = _gamma(gamma), _num(reward, "reward"), _tol(tol)
    if method not in GRID_METHODS:
        raise _err(
            f"method must be one of {', '.join(GRID_METHODS)}, got {method!r}",
            f"method 必须是 {'、'.join(GRID_METHODS)} 之一，给了 {method!r}",
        )
    mdp = _grid_mdp(n, r, drop_off_grid)
    V0 = [0.0] * mdp.n
    intro = Step(
        Text(
            f"Gridworld {n}×{n}: cells (row, col) from (0,0); (0,0) and ({n - 1},{n - 1}) are terminal; every move gives r = {_n(r)}; "
            f"a move off the grid leaves the agent where it is; γ = {_n(g)}; V₀ = 0",
            f"{n}×{n} 网格世界：格子记为（行，列），从 (0,0) 开始；(0,0) 和 ({n - 1},{n - 1}) 为终止状态；每走一步奖励 r = {_n(r)}；"
            f"走出网格则原地不动；γ = {_n(g)}；V₀ = 0",
        ),
        note=Text(
            "Actions ↑↓←→; the random policy takes each with probability 1/4. In policy grids several arrows mean a tie; T = terminal.",
            "动作 ↑↓←→；随机策略每个动作概率 1/4。策略网格中多个箭头表示并列；T = 终止状态。",
        ),
    )
    if method == "policy-iteration":
        V, best, iterations, steps = _policy_iteration_run(mdp, _uniform(mdp), g, V0, n, 1e-9)
        final = Step(
            Text(f"Final values and policy ({iterations} iterations)", f"最终价值与策略（共 {iterations} 轮）"),
            grids=(
                _cell_grid(n, _grid_rows(n, V, True), Text("V*", "V*")),
                _cell_grid(n, _arrow_rows(n, best), Text("π*", "π*")),
            ),
        )
        return Solution(
            answers={"values": _grid_rows(n, V), "policy": _arrow_rows(n, best), "iterations": iterations},
            steps=[intro, *steps, final],
        )
    optimal = method == "value-iteration"
    k = _parse_sweeps(sweeps)
    run = _run_sweeps(mdp, V0, g, _uniform(mdp), optimal, bool(inplace), k, t)
    best = _greedy(mdp, run.history[-1], g, _tie_tol(k, t))
    steps = [intro, *_sweep_steps(mdp, run, bool(inplace), optimal, g, n)]
    steps.append(
        Step(
            Text(
                f"Converged after {run.sweeps} sweeps (largest change < {_n(t)})"
                if run.converged
                else f"Values after {run.sweeps} sweeps",
                f"{run.sweeps} 次扫描后收敛（最大变化 < {_n(t)}）" if run.converged else f"{run.sweeps} 次扫描后的价值",
            ),
            formula="π(s) = argmax_a [r + γ·V(s')]",
            note=Text("All tied best moves are listed, in the order ↑↓←→.", "并列最优的方向全部列出，顺序为 ↑↓←→。"),
            grids=(
                _cell_grid(n, _grid_rows(n, run.history[-1], True), Text("V", "V")),
                _cell_grid(n, _arrow_rows(n, best), Text("Greedy policy", "贪心策略")),
            ),
        )
    )
    return Solution(
        answers={"values": _grid_rows(n, run.history[-1]), "policy": _arrow_rows(n, best), "sweeps": run.sweeps},
        steps=steps,
    )


GRID_PARAMS = [
    ParamSpec(
        "size", "int", Text("grid size n (an n×n grid, 2–8)", "网格大小 n（n×n，2–8）"), default=4, required=False
    ),
    GAMMA,
    ParamSpec(
        "reward",
        "number",
        Text("reward of every move (default −1)", "每走一步的奖励（默认 −1）"),
        default=-1.0,
        required=False,
    ),
    ParamSpec(
        "method",
        "choice",
        Text(
            "policy-evaluation (equiprobable random policy), value-iteration or policy-iteration",
            "policy-evaluation（等概率随机策略）、value-iteration 或 policy-iteration",
        ),
        default="policy-evaluation",
        required=False,
        choices=GRID_METHODS,
    ),
    SWEEPS,
    INPLACE,
    TOL,
]


@solver(
    "rl.gridworld",
    GRID_PARAMS,
    Text(
        "built-in gridworld: policy evaluation, value iteration, policy iteration",
        "内置网格世界：策略评估、值迭代、策略迭代",
    ),
)
def gridworld(
    size: Any = 4,
    gamma: Any = 1.0,
    reward: Any = -1.0,
    method: str = "policy-evaluation",
    sweeps: Any = "converge",
    inplace: bool = False,
    tol: Any = 1e-6,
) -> Solution:
    return _gridworld_solution(size, gamma, reward, method, sweeps, inplace, tol)


@mistake("rl.gridworld", "inplace_sweep")
def _gw_inplace(
    size: Any = 4,
    gamma: Any = 1.0,
    reward: Any = -1.0,
    method: str = "policy-evaluation",
    sweeps: Any = "converge",
    inplace: bool = False,
    tol: Any = 1e-6,
) -> dict[str, Any]:
    if inplace or method == "policy-iteration" or _parse_sweeps(sweeps) is None:
        return {}
    return _only(_gridworld_solution(size, gamma, reward, method, sweeps, True, tol), "values")


@mistake("rl.gridworld", "synchronous_sweep")
def _gw_sync(
    size: Any = 4,
    gamma: Any = 1.0,
    reward: Any = -1.0,
    method: str = "policy-evaluation",
    sweeps: Any = "converge",
    inplace: bool = False,
    tol: Any = 1e-6,
) -> dict[str, Any]:
    if not inplace or method == "policy-iteration" or _parse_sweeps(sweeps) is None:
        return {}
    return _only(_gridworld_solution(size, gamma, reward, method, sweeps, False, tol), "values")


@mistake("rl.gridworld", "gamma_forgotten")
def _gw_gamma(
    size: Any = 4,
    reward: Any = -1.0,
    method: str = "policy-evaluation",
    sweeps: Any = "converge",
    inplace: bool = False,
    tol: Any = 1e-6,
    **_: Any,
) -> dict[str, Any]:
    try:
        return _only(_gridworld_solution(size, 1.0, reward, method, sweeps, inplace, tol), "values")
    except SolverInputError:
        return {}


@mistake("rl.gridworld", "off_grid_moves_dropped")
def _gw_dropped(
    size: Any = 4,
    gamma: Any = 1.0,
    reward: Any = -1.0,
    method: str = "policy-evaluation",
    sweeps: Any = "converge",
    inplace: bool = False,
    tol: Any = 1e-6,
) -> dict[str, Any]:
    """Averages only over the moves that stay on the grid instead of counting a bump as staying put."""
    if method != "policy-evaluation":
        return {}
    try:
        return _only(
            _gridworld_solution(size, gamma, reward, method, sweeps, inplace, tol, drop_off_grid=True), "values"
        )
    except SolverInputError:
        return {}


# --------------------------------------------------------------------------- Monte Carlo

VISITS = ("first", "every")
MC_UPDATES = ("mean", "incremental")


@dataclass
class _Visit:
    episode: int
    t: int
    g: float
    first: bool


def _parse_episodes(episodes: Any) -> list[tuple[int, list[tuple[int, int, float]]]]:
    rows = _rows(episodes, 4, "episodes", "episode,s,a,r")
    if not rows:
        raise _err("no episodes given (rows episode,s,a,r)", "没有给出回合（每行 episode,s,a,r）")
    out: list[tuple[int, list[tuple[int, int, float]]]] = []
    for e_, s_, a_, r in rows:
        e = _index(e_, "episode")
        if not out or out[-1][0] != e:
            if any(x[0] == e for x in out):
                raise _err(f"the rows of episode {e} must be consecutive", f"第 {e} 个回合的行必须连续")
            out.append((e, []))
        out[-1][1].append((_index(s_, "s"), _index(a_, "a"), r))
    return out


def _mc_visits(
    episodes: Any, state: int, action: int | None, gamma: float, every: bool, from_start: bool = False
) -> tuple[list[_Visit], list[str]]:
    visits: list[_Visit] = []
    lines: list[str] = []
    for e, rows in _parse_episodes(episodes):
        rets = _returns([r for _, _, r in rows], gamma)
        seen = False
        marks = []
        for t, (s, a, _) in enumerate(rows):
            hit = s == state and (action is None or a == action)
            if hit and (every or not seen):
                visits.append(_Visit(e, t, rets[0] if from_start else rets[t], not seen))
                marks.append(t)
            seen = seen or hit
        path = " → ".join(f"(s{s}, a{a}, r={_n(r)})" for s, a, r in rows)
        returns = ", ".join(f"G{_sub(t)} = {_n(g)}" for t, g in enumerate(rets))
        used = ", ".join(f"t = {t}" for t in marks) if marks else "—"
        lines.append(f"τ⁽{str(e).translate(_SUP)}⁾: {path}\n  {returns}\n  ✓ {used}")
    return visits, lines


def _mc_solution(
    episodes: Any,
    state: Any,
    action: Any = None,
    gamma: Any = 1.0,
    visit: str = "first",
    update: str = "mean",
    alpha: Any = None,
    q0: Any = 0.0,
    force_every: bool | None = None,
    from_start: bool = False,
    force_mean: bool = False,
) -> Solution:
    if visit not in VISITS or update not in MC_UPDATES:
        raise _err(
            "visit must be first or every; update must be mean or incremental",
            "visit 必须是 first 或 every；update 必须是 mean 或 incremental",
        )
    s = _index(state, "state")
    a = None if action is None or _num(action, "action") < 0 else _index(action, "action")
    g = _gamma(gamma)
    every = (visit == "every") if force_every is None else force_every
    visits, lines = _mc_visits(episodes, s, a, g, every, from_start)
    target = f"Q(s{s},a{a})" if a is not None else f"V(s{s})"
    if not visits:
        raise _err(f"no episode visits {target}", f"没有任何回合访问到 {target} 对应的状态（动作）")
    steps = [
        Step(
            Text(
                f"Returns from every time step (backwards: G_t = r_{{t+1}} + γ·G_{{t+1}}); {'every visit' if every else 'only the first visit in each episode'} counts (τ⁽ⁿ⁾ = episode n, ✓ = visits used)",
                f"每个时刻的回报（倒推：G_t = r_{{t+1}} + γ·G_{{t+1}}）；{'每次访问都计入' if every else '每个回合只计第一次访问'}（τ⁽ⁿ⁾ 为第 n 个回合，✓ 为采用的访问）",
            ),
            formula="G_t = Σ_{k≥0} γ^k·r_{t+k+1}",
            substituted="\n".join(lines),
            result=f"G{target[1:]} = " + ", ".join(_n(v.g) for v in visits),
        )
    ]
    gs = [v.g for v in visits]
    if update == "mean" or force_mean:
        estimate = sum(gs) / len(gs)
        steps.append(
            Step(
                Text("Monte Carlo estimate: the average of the sampled returns", "蒙特卡罗估计：采样回报的平均值"),
                formula=f"{target} ≈ (1/N)·Σ_n G⁽ⁿ⁾",
                substituted=f"({' + '.join(_p(x) for x in gs)}) / {len(gs)}",
                result=_n(estimate),
            )
        )
    else:
        estimate = _num(q0, "q0")
        alpha_value = None if alpha is None else _prob_param(alpha, "alpha")
        inc_lines = []
        for i, x in enumerate(gs, start=1):
            step_size = alpha_value if alpha_value is not None else 1 / i
            new = estimate + step_size * (x - estimate)
            inc_lines.append(
                f"{_n(estimate)} + {_prob(step_size) if alpha_value is None else _n(step_size)}·({_p(x)} − {_p(estimate)}) = {_n(new)}"
            )
            estimate = new
        steps.append(
            Step(
                Text(
                    "Incremental update after each return, in order"
                    + ("" if alpha_value is not None else " (step 1/n: the running mean)"),
                    "按顺序对每个回报做增量更新" + ("" if alpha_value is not None else "（步长 1/n：即滑动平均）"),
                ),
                formula="Q̂ ← Q̂ + α·(G − Q̂)",
                substituted="\n".join(inc_lines),
                result=_n(estimate),
            )
        )
    return Solution(answers={"estimate": estimate, "returns": gs, "count": len(gs)}, steps=steps)


MC_PARAMS = [
    ParamSpec(
        "episodes",
        "matrix",
        Text(
            "episodes, one row per time step episode,s,a,r (r = reward r_{t+1} after taking a in s), rows in time order",
            "回合数据，每个时刻一行 episode,s,a,r（r 为在 s 采取 a 后得到的奖励 r_{t+1}），按时间顺序",
        ),
    ),
    ParamSpec("state", "int", Text("state s to estimate", "要估计的状态 s")),
    ParamSpec(
        "action",
        "int",
        Text("action a for Q(s,a); omit (or −1) to estimate V(s)", "Q(s,a) 的动作 a；不给（或 −1）则估计 V(s)"),
        default=None,
        required=False,
    ),
    GAMMA,
    ParamSpec(
        "visit",
        "choice",
        Text("first-visit or every-visit (default first)", "首次访问或每次访问（默认 first）"),
        default="first",
        required=False,
        choices=VISITS,
    ),
    ParamSpec(
        "update",
        "choice",
        Text("mean (batch average) or incremental (default mean)", "mean（批量平均）或 incremental（增量，默认 mean）"),
        default="mean",
        required=False,
        choices=MC_UPDATES,
    ),
    ParamSpec(
        "alpha",
        "number",
        Text("step size α for incremental (default 1/n)", "增量更新的步长 α（默认 1/n）"),
        default=None,
        required=False,
    ),
    ParamSpec(
        "q0",
        "number",
        Text("initial estimate for incremental (default 0)", "增量更新的初值（默认 0）"),
        default=0.0,
        required=False,
    ),
]


@solver(
    "rl.monte_carlo",
    MC_PARAMS,
    Text("Monte Carlo estimate of V(s) or Q(s,a) from sampled episodes", "由采样回合做蒙特卡罗估计 V(s) 或 Q(s,a)"),
)
def monte_carlo(
    episodes: Any,
    state: Any,
    action: Any = None,
    gamma: Any = 1.0,
    visit: str = "first",
    update: str = "mean",
    alpha: Any = None,
    q0: Any = 0.0,
) -> Solution:
    return _mc_solution(episodes, state, action, gamma, visit, update, alpha, q0)


@mistake("rl.monte_carlo", "every_visit_instead_of_first")
def _mc_every(visit: str = "first", **inputs: Any) -> dict[str, Any]:
    if visit != "first":
        return {}
    return _only(_mc_solution(visit=visit, force_every=True, **inputs), "estimate", "count")


@mistake("rl.monte_carlo", "first_visit_instead_of_every")
def _mc_first(visit: str = "first", **inputs: Any) -> dict[str, Any]:
    if visit != "every":
        return {}
    return _only(_mc_solution(visit=visit, force_every=False, **inputs), "estimate", "count")


@mistake("rl.monte_carlo", "return_from_episode_start")
def _mc_from_start(**inputs: Any) -> dict[str, Any]:
    """Uses the whole episode's return G₀ instead of the return from the visit onward."""
    return _only(_mc_solution(from_start=True, **inputs), "estimate")


@mistake("rl.monte_carlo", "no_discount")
def _mc_no_discount(**inputs: Any) -> dict[str, Any]:
    return _only(_mc_solution(**{**inputs, "gamma": 1.0}), "estimate")


@mistake("rl.monte_carlo", "sample_mean_instead_of_alpha")
def _mc_mean(**inputs: Any) -> dict[str, Any]:
    """Averages the returns although the question asks for constant-α incremental updates."""
    if inputs.get("update") != "incremental" or inputs.get("alpha") is None:
        return {}
    return _only(_mc_solution(force_mean=True, **inputs), "estimate")


# --------------------------------------------------------------------------- SARSA and Q-learning

TD_METHODS = ("q-learning", "sarsa")


def _td_numbers(
    method: str, q: Any, reward: Any, gamma: Any, alpha: Any, next_q: Any, next_action: Any, use: str | None = None
) -> dict[str, Any]:
    """The TD target, error and new value; ``use`` overrides how Q(s',·) is read ("max" / "taken")."""
    if method not in TD_METHODS:
        raise _err(
            f"method must be q-learning or sarsa, got {method!r}", f"method 必须是 q-learning 或 sarsa，给了 {method!r}"
        )
    q_sa, r, g, a = _num(q, "q"), _num(reward, "reward"), _gamma(gamma), _prob_param(alpha, "alpha")
    nq = _vector(next_q, "next_q")
    idx = (
        None
        if next_action is None or (isinstance(next_action, str) and not next_action.strip())
        else _index(next_action, "next_action")
    )
    if idx is not None and nq and idx >= len(nq):
        raise _err(
            f"next_action {idx} is out of range (next_q has {len(nq)} actions, numbered from 0)",
            f"next_action {idx} 越界（next_q 有 {len(nq)} 个动作，从 0 编号）",
        )
    if method == "sarsa" and nq and idx is None:
        raise _err(
            "SARSA needs next_action: the action a' actually chosen in s' (its Q(s',a') enters the target)",
            "SARSA 需要 next_action：在 s' 实际选择的动作 a'（目标中使用 Q(s',a')）",
        )
    how = use or ("taken" if method == "sarsa" else "max")
    if not nq:
        next_value, how = 0.0, "terminal"
    elif how == "max":
        next_value = max(nq)
    else:
        if idx is None:
            raise _err("next_action is needed", "需要 next_action")
        next_value = nq[idx]
    target = r + g * next_value
    error = target - q_sa
    return {
        "target": target,
        "td_error": error,
        "q_new": q_sa + a * error,
        "next_value": next_value,
        "how": how,
        "idx": idx,
        "nq": nq,
    }


TD_PARAMS = [
    ParamSpec(
        "method",
        "choice",
        Text(
            "q-learning (off-policy, max) or sarsa (on-policy, the action taken)",
            "q-learning（异策略，取 max）或 sarsa（同策略，用实际动作）",
        ),
        choices=TD_METHODS,
    ),
    ParamSpec("q", "number", Text("current Q(s,a)", "当前 Q(s,a)")),
    ParamSpec("reward", "number", Text("reward r received", "得到的奖励 r")),
    GAMMA,
    ParamSpec("alpha", "number", Text("learning rate α", "学习率 α")),
    ParamSpec(
        "next_q",
        "vector",
        Text(
            "Q(s',·) of every action in the next state (omit if s' is terminal)",
            "下一状态 s' 各动作的 Q(s',·)（s' 为终止状态时不给）",
        ),
        default=None,
        required=False,
    ),
    ParamSpec(
        "next_action",
        "int",
        Text("index of the action a' taken in s' (needed for SARSA)", "在 s' 实际采取的动作 a' 的编号（SARSA 必需）"),
        default=None,
        required=False,
    ),
]


@solver(
    "rl.td_update",
    TD_PARAMS,
    Text("one SARSA or Q-learning update of Q(s,a)", "一次 SARSA 或 Q-learning 更新"),
)
def td_update(
    method: str, q: Any, reward: Any, alpha: Any, gamma: Any = 1.0, next_q: Any = None, next_action: Any = None
) -> Solution:
    n = _td_numbers(method, q, reward, gamma, alpha, next_q, next_action)
    g, q_sa = _gamma(gamma), _num(q, "q")
    if n["how"] == "terminal":
        next_text = Text("s' is terminal: Q(s',·) = 0", "s' 是终止状态：Q(s',·) = 0")
        formula, sub = "y = r", f"{_n(reward)}"
    elif n["how"] == "max":
        next_text = Text(
            "Q-learning (off-policy): the target uses the best next action, whatever action is actually taken next",
            "Q-learning（异策略）：目标使用下一状态中最好的动作，不管下一步实际做了什么",
        )
        formula = "y = r + γ·max_a' Q(s',a')"
        sub = f"{_n(reward)} + {_n(g)}·max{{{', '.join(_n(x) for x in n['nq'])}}} = {_n(reward)} + {_n(g)}·{_p(n['next_value'])}"
    else:
        next_text = Text(
            f"SARSA (on-policy): the target uses the action actually chosen next, a' = a{n['idx']}",
            f"SARSA（同策略）：目标使用下一步实际选择的动作 a' = a{n['idx']}",
        )
        formula = "y = r + γ·Q(s',a')"
        sub = f"{_n(reward)} + {_n(g)}·Q(s',a{n['idx']}) = {_n(reward)} + {_n(g)}·{_p(n['next_value'])}"
    steps = [
        Step(
            Text("TD target y", "TD 目标 y"), formula=formula, substituted=sub, result=_n(n["target"]), note=next_text
        ),
        Step(
            Text("TD error", "TD 误差"),
            formula="δ = y − Q(s,a)",
            substituted=f"{_n(n['target'])} − {_p(q_sa)}",
            result=_n(n["td_error"]),
        ),
        Step(
            Text("Move Q(s,a) a fraction α of the way toward the target y", "让 Q(s,a) 朝目标 y 移动 α 的比例"),
            formula="Q(s,a) ← Q(s,a) + α·δ",
            substituted=f"{_n(q_sa)} + {_n(alpha)}·{_p(n['td_error'])}",
            result=_n(n["q_new"]),
        ),
    ]
    return Solution(answers={"q_new": n["q_new"], "target": n["target"], "td_error": n["td_error"]}, steps=steps)


def _td_keys(n: dict[str, Any]) -> dict[str, Any]:
    return {"q_new": n["q_new"], "target": n["target"], "td_error": n["td_error"]}


@mistake("rl.td_update", "max_instead_of_taken_action")
def _td_max(
    method: str, q: Any, reward: Any, alpha: Any, gamma: Any = 1.0, next_q: Any = None, next_action: Any = None
) -> dict[str, Any]:
    """SARSA computed like Q-learning: max over Q(s',·) instead of the action actually taken."""
    if method != "sarsa" or not _vector(next_q, "next_q"):
        return {}
    return _td_keys(_td_numbers(method, q, reward, gamma, alpha, next_q, next_action, use="max"))


@mistake("rl.td_update", "taken_action_in_q_learning")
def _td_taken(
    method: str, q: Any, reward: Any, alpha: Any, gamma: Any = 1.0, next_q: Any = None, next_action: Any = None
) -> dict[str, Any]:
    """Q-learning computed like SARSA: Q of the action taken next instead of the max."""
    if method != "q-learning" or next_action is None or not _vector(next_q, "next_q"):
        return {}
    return _td_keys(_td_numbers(method, q, reward, gamma, alpha, next_q, next_action, use="taken"))


@mistake("rl.td_update", "gamma_forgotten")
def _td_gamma(
    method: str, q: Any, reward: Any, alpha: Any, next_q: Any = None, next_action: Any = None, **_: Any
) -> dict[str, Any]:
    return _td_keys(_td_numbers(method, q, reward, 1.0, alpha, next_q, next_action))


@mistake("rl.td_update", "alpha_forgotten")
def _td_alpha(
    method: str, q: Any, reward: Any, alpha: Any, gamma: Any = 1.0, next_q: Any = None, next_action: Any = None
) -> dict[str, Any]:
    """Replaces Q(s,a) by the target (as if α = 1)."""
    n = _td_numbers(method, q, reward, gamma, alpha, next_q, next_action)
    return {"q_new": n["target"]}


# --------------------------------------------------------------------------- a short TD episode


def _q_table(q: Any) -> list[list[float]]:
    if isinstance(q, str):
        rows = [_vector(chunk, "q") for chunk in re.split(r"[;\n]", q) if chunk.strip()]
    else:
        rows = [list(map(float, r)) for r in (q.tolist() if hasattr(q, "tolist") else q)]
    if not rows or any(len(r) != len(rows[0]) for r in rows) or not rows[0]:
        raise _err(
            "q must be a table: one row per state, one column per action, e.g. 0,0;0,0",
            "q 必须是表格：每个状态一行、每个动作一列，如 0,0;0,0",
        )
    return rows


def _td_episode_run(
    method: str,
    q: Any,
    episode: Any,
    alpha: Any,
    gamma: Any,
    next_action: Any,
    use: str | None = None,
    stale: bool = False,
    text: bool = True,
) -> tuple[list[list[float]], list[float], list[str]]:
    if method not in TD_METHODS:
        raise _err(
            f"method must be q-learning or sarsa, got {method!r}", f"method 必须是 q-learning 或 sarsa，给了 {method!r}"
        )
    table = _q_table(q)
    original = [list(r) for r in table]
    a_, g = _prob_param(alpha, "alpha"), _gamma(gamma)
    rows = _rows(episode, 4, "episode", "s,a,r,s' (s' = −1 when terminal)")
    if not rows:
        raise _err("the episode has no steps (rows s,a,r,s')", "回合没有任何一步（每行 s,a,r,s'）")
    n_s, n_a = len(table), len(table[0])
    steps_: list[tuple[int, int, float, int]] = []
    for s_, act_, r, s2_ in rows:
        s, act = _index(s_, "s"), _index(act_, "a")
        s2 = -1 if _num(s2_, "s'") < 0 else _index(s2_, "s'")
        if s >= n_s or s2 >= n_s or act >= n_a:
            raise _err(
                f"state or action out of range for a {n_s}×{n_a} Q table", f"状态或动作超出 {n_s}×{n_a} 的 Q 表范围"
            )
        steps_.append((s, act, r, s2))
    for t in range(len(steps_) - 1):
        if steps_[t][3] != steps_[t + 1][0]:
            raise _err(
                f"step {t + 1} ends in s{steps_[t][3]} but step {t + 2} starts in s{steps_[t + 1][0]}",
                f"第 {t + 1} 步到达 s{steps_[t][3]}，但第 {t + 2} 步从 s{steps_[t + 1][0]} 开始",
            )
    updates: list[float] = []
    lines: list[str] = []
    for t, (s, act, r, s2) in enumerate(steps_):
        how = use or ("taken" if method == "sarsa" else "max")
        source = original if stale else table
        if s2 < 0:
            next_value, desc = 0.0, "Q(T,·) = 0"
        else:
            if t + 1 < len(steps_):
                a_next: int | None = steps_[t + 1][1]
            elif next_action is not None:
                a_next = _index(next_action, "next_action")
                if a_next >= n_a:
                    raise _err("next_action out of range", "next_action 越界")
            else:
                a_next = None
            if how == "max":
                next_value = max(source[s2])
                desc = f"max_a' Q(s{s2},a') = max{{{', '.join(_n(x) for x in source[s2])}}} = {_n(next_value)}"
            else:
                if a_next is None:
                    raise _err(
                        "the last step does not end in a terminal state: SARSA needs next_action (the action chosen there)",
                        "最后一步没有到达终止状态：SARSA 需要 next_action（在那里选择的动作）",
                    )
                next_value = source[s2][a_next]
                desc = f"a' = a{a_next}: Q(s{s2},a{a_next}) = {_n(next_value)}"
        old = table[s][act]
        target = r + g * next_value
        new = old + a_ * (target - old)
        table[s][act] = new
        updates.append(new)
        if text:
            lines.append(
                f"t = {t}: s{s}, a{act}, r = {_n(r)}, s' = {'T' if s2 < 0 else f's{s2}'}; {desc}; "
                f"y = {_n(r)} + {_n(g)}·{_p(next_value)} = {_n(target)}; "
                f"Q(s{s},a{act}) = {_n(old)} + {_n(a_)}·({_n(target)} − {_p(old)}) = {_n(new)}"
            )
    return table, updates, lines


@solver(
    "rl.td_episode",
    [
        ParamSpec("method", "choice", Text("q-learning or sarsa", "q-learning 或 sarsa"), choices=TD_METHODS),
        ParamSpec(
            "q",
            "matrix",
            Text(
                "initial Q table, one row per state, one column per action, e.g. 0,0;0,0",
                "初始 Q 表，每个状态一行、每个动作一列，如 0,0;0,0",
            ),
        ),
        ParamSpec(
            "episode",
            "matrix",
            Text(
                "the steps in order, rows s,a,r,s' (s' = −1 for a terminal state)",
                "按顺序的每一步，每行 s,a,r,s'（终止状态 s' = −1）",
            ),
        ),
        ParamSpec("alpha", "number", Text("learning rate α", "学习率 α")),
        GAMMA,
        ParamSpec(
            "next_action",
            "int",
            Text(
                "SARSA: action chosen in the last s' when it is not terminal",
                "SARSA：最后一个 s' 不是终止状态时在那里选择的动作",
            ),
            default=None,
            required=False,
        ),
    ],
    Text(
        "a short episode of SARSA or Q-learning updates on a Q table",
        "在 Q 表上执行一个短回合的 SARSA 或 Q-learning 更新",
    ),
)
def td_episode(method: str, q: Any, episode: Any, alpha: Any, gamma: Any = 1.0, next_action: Any = None) -> Solution:
    initial = _q_table(q)
    table, updates, lines = _td_episode_run(method, q, episode, alpha, gamma, next_action)
    n_s, n_a = len(initial), len(initial[0])
    labels_s, labels_a = [f"s{i}" for i in range(n_s)], [f"a{j}" for j in range(n_a)]
    steps = [
        Step(
            Text("Initial Q table", "初始 Q 表"),
            grids=(Grid.of([[_r4(v) for v in r] for r in initial], labels_s, labels_a, Text("Q₀", "Q₀")),),
        ),
        Step(
            Text(
                "Update after every step, using the table as it is at that moment "
                + (
                    "(SARSA: Q of the next action actually taken)"
                    if method == "sarsa"
                    else "(Q-learning: max over the next state's actions)"
                )
                + "; y = TD target, T = terminal state",
                "每一步之后立即更新，使用当时的 Q 表"
                + ("（SARSA：用下一步实际动作的 Q）" if method == "sarsa" else "（Q-learning：对下一状态的动作取 max）")
                + "；y 为 TD 目标，T 表示终止状态",
            ),
            formula="Q(s,a) ← Q(s,a) + α·[r + γ·Q(s',a') − Q(s,a)]"
            if method == "sarsa"
            else "Q(s,a) ← Q(s,a) + α·[r + γ·max_a' Q(s',a') − Q(s,a)]",
            substituted="\n".join(lines),
        ),
        Step(
            Text("Q table after the episode", "回合结束后的 Q 表"),
            grids=(Grid.of([[_r4(v) for v in r] for r in table], labels_s, labels_a, Text("Q", "Q")),),
        ),
    ]
    return Solution(answers={"q": table, "updates": updates}, steps=steps)


def _episode_keys(
    method: str, q: Any, episode: Any, alpha: Any, gamma: Any, next_action: Any, **kw: Any
) -> dict[str, Any]:
    try:
        table, updates, _ = _td_episode_run(method, q, episode, alpha, gamma, next_action, text=False, **kw)
    except SolverInputError:
        return {}
    return {"q": table, "updates": updates}


@mistake("rl.td_episode", "max_instead_of_taken_action")
def _ep_max(method: str, q: Any, episode: Any, alpha: Any, gamma: Any = 1.0, next_action: Any = None) -> dict[str, Any]:
    if method != "sarsa":
        return {}
    return _episode_keys(method, q, episode, alpha, gamma, next_action, use="max")


@mistake("rl.td_episode", "taken_action_in_q_learning")
def _ep_taken(
    method: str, q: Any, episode: Any, alpha: Any, gamma: Any = 1.0, next_action: Any = None
) -> dict[str, Any]:
    if method != "q-learning":
        return {}
    return _episode_keys(method, q, episode, alpha, gamma, next_action, use="taken")


@mistake("rl.td_episode", "gamma_forgotten")
def _ep_gamma(method: str, q: Any, episode: Any, alpha: Any, next_action: Any = None, **_: Any) -> dict[str, Any]:
    return _episode_keys(method, q, episode, alpha, 1.0, next_action)


@mistake("rl.td_episode", "alpha_forgotten")
def _ep_alpha(method: str, q: Any, episode: Any, gamma: Any = 1.0, next_action: Any = None, **_: Any) -> dict[str, Any]:
    return _episode_keys(method, q, episode, 1.0, gamma, next_action)


@mistake("rl.td_episode", "stale_q_table")
def _ep_stale(
    method: str, q: Any, episode: Any, alpha: Any, gamma: Any = 1.0, next_action: Any = None
) -> dict[str, Any]:
    """Reads every target from the initial table instead of the table updated by earlier steps."""
    return _episode_keys(method, q, episode, alpha, gamma, next_action, stale=True)


# --------------------------------------------------------------------------- TD(0) state values


def _td0_target(reward: float, gamma: float, next_v: float | None) -> float:
    """y = r + γ·V(s'), with V(s') = 0 when s' is terminal (``None``)."""
    return reward + gamma * (0.0 if next_v is None else next_v)


def _td0_move(v: float, target: float, alpha: float, how: str = "td") -> float:
    """The new V(s); ``how`` reproduces a misconception: "sign" (V + α·(V − y)), "no_alpha" (V ← y)."""
    if how == "no_alpha":
        return target
    delta = v - target if how == "sign" else target - v
    return v + alpha * delta


def _optional_number(x: Any, name: str) -> float | None:
    if x is None or (isinstance(x, str) and not x.strip()):
        return None
    return _num(x, name)


TD0_PARAMS = [
    ParamSpec("v", "number", Text("current V(s) of the state just left", "刚离开的状态的当前 V(s)")),
    ParamSpec("reward", "number", Text("reward r received on the move", "这一步得到的奖励 r")),
    ParamSpec("alpha", "number", Text("learning rate α in [0, 1]", "学习率 α ∈ [0, 1]")),
    GAMMA,
    ParamSpec(
        "next_v",
        "number",
        Text(
            "current V(s') of the next state (omit if s' is terminal: V = 0)",
            "下一状态的当前 V(s')（s' 为终止状态时不给：V = 0）",
        ),
        default=None,
        required=False,
    ),
]


def _td0_numbers(v: Any, reward: Any, alpha: Any, gamma: Any, next_v: Any, how: str = "td") -> dict[str, float]:
    old, r, a, g = _num(v, "v"), _num(reward, "reward"), _prob_param(alpha, "alpha"), _gamma(gamma)
    nv = _optional_number(next_v, "next_v")
    target = _td0_target(r, g, nv)
    new = _td0_move(old, target, a, how)
    return {"v_new": new, "target": target, "td_error": (old - target) if how == "sign" else (target - old)}


@solver(
    "rl.td0",
    TD0_PARAMS,
    Text("one TD(0) update of a state value V(s)", "一次 TD(0) 状态价值 V(s) 更新"),
)
def td0(v: Any, reward: Any, alpha: Any, gamma: Any = 1.0, next_v: Any = None) -> Solution:
    n = _td0_numbers(v, reward, alpha, gamma, next_v)
    old, r, a, g = _num(v, "v"), _num(reward, "reward"), _prob_param(alpha, "alpha"), _gamma(gamma)
    nv = _optional_number(next_v, "next_v")
    if nv is None:
        target_step = Step(
            Text(
                "TD target: s' is terminal, so nothing follows the reward", "TD 目标：s' 是终止状态，奖励之后再无价值"
            ),
            formula="y = r + γ·V(s'),  V(T) = 0",
            substituted=f"{_n(r)} + {_n(g)}·0",
            result=_n(n["target"]),
        )
    else:
        target_step = Step(
            Text(
                "TD target: the reward plus the discounted current estimate of the next state (bootstrapping)",
                "TD 目标：即时奖励加上下一状态当前估计值的折扣（自举）",
            ),
            formula="y = r + γ·V(s')",
            substituted=f"{_n(r)} + {_n(g)}·{_p(nv)}",
            result=_n(n["target"]),
            note=Text(
                "Unlike Monte Carlo, TD(0) does not wait for the end of the episode: V(s') stands in for the rest of the return.",
                "与蒙特卡罗不同，TD(0) 不等回合结束：用 V(s') 代替之后的回报。",
            ),
        )
    steps = [
        target_step,
        Step(
            Text("TD error: target minus the current estimate", "TD 误差：目标减去当前估计"),
            formula="δ = y − V(s)",
            substituted=f"{_n(n['target'])} − {_p(old)}",
            result=_n(n["td_error"]),
        ),
        Step(
            Text("Move V(s) a fraction α of the way toward the target", "让 V(s) 朝目标移动 α 的比例"),
            formula="V(s) ← V(s) + α·[r + γ·V(s') − V(s)] = V(s) + α·δ",
            substituted=f"{_n(old)} + {_n(a)}·{_p(n['td_error'])}",
            result=_n(n["v_new"]),
        ),
    ]
    return Solution(answers=dict(n), steps=steps)


@mistake("rl.td0", "gamma_forgotten")
def _td0_gamma(v: Any, reward: Any, alpha: Any, next_v: Any = None, **_: Any) -> dict[str, Any]:
    return _td0_numbers(v, reward, alpha, 1.0, next_v)


@mistake("rl.td0", "td_error_sign")
def _td0_sign(v: Any, reward: Any, alpha: Any, gamma: Any = 1.0, next_v: Any = None) -> dict[str, Any]:
    """δ taken as V(s) − y: the estimate moves away from the target."""
    return _td0_numbers(v, reward, alpha, gamma, next_v, how="sign")


@mistake("rl.td0", "alpha_forgotten")
def _td0_alpha(v: Any, reward: Any, alpha: Any, gamma: Any = 1.0, next_v: Any = None) -> dict[str, Any]:
    """V(s) replaced by the target (as if α = 1)."""
    return {"v_new": _td0_numbers(v, reward, alpha, gamma, next_v)["target"]}


# --------------------------------------------------------------------------- a TD(0) episode


def _td0_transitions(episode: Any, n_states: int) -> list[tuple[int, float, int]]:
    """Rows s,r,s' (s' = −1 when the episode ends), chained: each step starts where the last ended."""
    rows = _rows(episode, 3, "episode", "s,r,s' (s' = −1 when terminal)")
    if not rows:
        raise _err("the episode has no steps (rows s,r,s')", "回合没有任何一步（每行 s,r,s'）")
    out: list[tuple[int, float, int]] = []
    for s_, r, s2_ in rows:
        s = _index(s_, "s")
        s2 = -1 if _num(s2_, "s'") < 0 else _index(s2_, "s'")
        if s >= n_states or s2 >= n_states:
            raise _err(
                f"state out of range: values gives {n_states} states (s0…s{n_states - 1})",
                f"状态越界：values 只给了 {n_states} 个状态（s0…s{n_states - 1}）",
            )
        out.append((s, r, s2))
    for t in range(len(out) - 1):
        if out[t][2] != out[t + 1][0]:
            raise _err(
                f"step {t + 1} ends in s{out[t][2]} but step {t + 2} starts in s{out[t + 1][0]}",
                f"第 {t + 1} 步到达 s{out[t][2]}，但第 {t + 2} 步从 s{out[t + 1][0]} 开始",
            )
    return out


def _td0_episode_run(
    values: Any, episode: Any, alpha: Any, gamma: Any, how: str = "td", stale: bool = False, mc: bool = False
) -> tuple[list[float], list[float], list[str]]:
    """Apply V(s) ← V(s) + α·[y − V(s)] after every step, in order. ``stale`` reads every V(s') from
    the initial table; ``mc`` uses the actual return G_t from that step instead of the TD target."""
    V = _vector(values, "values")
    if not V:
        raise _err(
            "give the initial V of every state, e.g. values=0.5,0.5,0.5",
            "请给出每个状态的初始 V，如 values=0.5,0.5,0.5",
        )
    a, g = _prob_param(alpha, "alpha"), _gamma(gamma)
    steps = _td0_transitions(episode, len(V))
    initial = list(V)
    returns = _returns([r for _, r, _ in steps], g)
    updates: list[float] = []
    lines: list[str] = []
    for t, (s, r, s2) in enumerate(steps):
        source = initial if stale else V
        nv = None if s2 < 0 else source[s2]
        target = returns[t] if mc else _td0_target(r, g, nv)
        old = V[s]
        V[s] = _td0_move(old, target, a, how)
        updates.append(V[s])
        next_text = "V(T) = 0" if nv is None else f"V(s{s2}) = {_n(nv)}"
        lines.append(
            f"t = {t}: s{s} → {'T' if s2 < 0 else f's{s2}'}, r = {_n(r)}; {next_text}; "
            f"y = {_n(r)} + {_n(g)}·{_p(0.0 if nv is None else nv)} = {_n(target)}; "
            f"V(s{s}) = {_n(old)} + {_n(a)}·({_n(target)} − {_p(old)}) = {_n(V[s])}"
        )
    return V, updates, lines


TD0_VALUES = ParamSpec(
    "values",
    "vector",
    Text("initial V of every state s0, s1, …, e.g. 0.5,0.5,0.5", "各状态 s0, s1, … 的初始 V，如 0.5,0.5,0.5"),
)


@solver(
    "rl.td0_episode",
    [
        TD0_VALUES,
        ParamSpec(
            "episode",
            "matrix",
            Text(
                "the steps in order, rows s,r,s' (s' = −1 when the episode ends), e.g. 2,0,1;1,0,0;0,0,-1",
                "按顺序的每一步，每行 s,r,s'（回合结束时 s' = −1），如 2,0,1;1,0,0;0,0,-1",
            ),
        ),
        ParamSpec("alpha", "number", Text("learning rate α in [0, 1]", "学习率 α ∈ [0, 1]")),
        GAMMA,
    ],
    Text("TD(0) state-value updates along one episode", "沿一个回合的 TD(0) 状态价值更新"),
)
def td0_episode(values: Any, episode: Any, alpha: Any, gamma: Any = 1.0) -> Solution:
    if not _vector(values, "values"):
        raise _err(
            "give the initial V of every state, e.g. values=0.5,0.5,0.5",
            "请给出每个状态的初始 V，如 values=0.5,0.5,0.5",
        )
    initial = _vector(values, "values")
    V, updates, lines = _td0_episode_run(values, episode, alpha, gamma)
    names = [f"s{i}" for i in range(len(V))]
    steps = [
        Step(
            Text(
                "Update after every step, with the values as they are at that moment; T = the end of the episode (V = 0)",
                "每一步之后立即更新，使用当时的价值；T 表示回合结束（V = 0）",
            ),
            formula="V(s) ← V(s) + α·[r + γ·V(s') − V(s)]",
            substituted="\n".join(lines),
            grids=(
                Grid.of(
                    [[_r4(v) for v in initial], [_r4(v) for v in V]],
                    ("V₀", "V"),
                    names,
                    Text("V before and after", "更新前后的 V"),
                ),
            ),
        )
    ]
    return Solution(answers={"values": V, "updates": updates}, steps=steps)


def _td0_episode_keys(values: Any, episode: Any, alpha: Any, gamma: Any = 1.0, **kw: Any) -> dict[str, Any]:
    try:
        V, updates, _ = _td0_episode_run(values, episode, alpha, gamma, **kw)
    except SolverInputError:
        return {}
    return {"values": V, "updates": updates}


@mistake("rl.td0_episode", "gamma_forgotten")
def _td0e_gamma(values: Any, episode: Any, alpha: Any, **_: Any) -> dict[str, Any]:
    return _td0_episode_keys(values, episode, alpha, 1.0)


@mistake("rl.td0_episode", "td_error_sign")
def _td0e_sign(values: Any, episode: Any, alpha: Any, gamma: Any = 1.0) -> dict[str, Any]:
    return _td0_episode_keys(values, episode, alpha, gamma, how="sign")


@mistake("rl.td0_episode", "alpha_forgotten")
def _td0e_alpha(values: Any, episode: Any, alpha: Any, gamma: Any = 1.0) -> dict[str, Any]:
    return _td0_episode_keys(values, episode, alpha, gamma, how="no_alpha")


@mistake("rl.td0_episode", "mc_return_instead_of_td_target")
def _td0e_mc(values: Any, episode: Any, alpha: Any, gamma: Any = 1.0) -> dict[str, Any]:
    """Uses the actual return G_t of the rest of the episode (constant-α Monte Carlo) as the target."""
    return _td0_episode_keys(values, episode, alpha, gamma, mc=True)


@mistake("rl.td0_episode", "stale_values")
def _td0e_stale(values: Any, episode: Any, alpha: Any, gamma: Any = 1.0) -> dict[str, Any]:
    """Reads every V(s') from the initial values instead of the values updated by earlier steps."""
    return _td0_episode_keys(values, episode, alpha, gamma, stale=True)
