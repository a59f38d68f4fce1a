"""One Bellman backup of V or of Q(s,a) on a small MDP (solvers rl.bellman_v, rl.bellman_q)."""

from __future__ import annotations

from typing import Any

from solvers.arrays import read_list as _vector
from solvers.core import ParamSpec, Solution, Step, Text
from solvers.core import answers_only as _only
from solvers.core import input_error as _err
from solvers.registry import mistake, solver
from solvers.rl.backup import backup_value, q_value
from solvers.rl.inputs import read_gamma, read_index, read_q_table
from solvers.rl.mdp import (
    MDP,
    Policy,
    initial_values,
    keep_terminal,
    parse_mdp,
    parse_policy,
    policy_text,
    terminal_values,
    uniform_policy,
)
from solvers.rl.params import BACKUP_METHODS, GAMMA, METHOD, POLICY, TERMINAL, TRANSITIONS, VALUES
from solvers.rl.tables import mdp_grid, values_grid
from solvers.textfmt import num as _n
from solvers.textfmt import paren as _p
from solvers.textfmt import prob as _prob


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
    mdp = parse_mdp(transitions, len(_vector(values, "values")))
    V, terminal_step = terminal_values(mdp, initial_values(values, mdp), keep_terminal(terminal))
    g = read_gamma(gamma)
    optimal = _check_method(method) if force_optimal is None else force_optimal
    pi = uniform_policy(mdp) if force_uniform else parse_policy(policy, mdp)
    target = None if state is None else read_index(state, "state")
    if target is not None and target >= mdp.n:
        raise _err(f"there is no state s{target}", f"没有状态 s{target}")
    steps = [
        Step(
            Text("The MDP and the current values", "MDP 与当前的价值"),
            note=None if optimal else Text(f"Policy: {policy_text(mdp, pi)}", f"策略：{policy_text(mdp, pi)}"),
            grids=(mdp_grid(mdp), values_grid(mdp, V, Text("Current V", "当前 V"))),
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
        new[s], text = backup_value(mdp, s, V, g, pi, optimal, True)
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
            grids=(values_grid(mdp, new, Text("V after one backup", "一次备份后的 V"), "V'"),),
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


def _next_values_from_q(
    mdp: MDP, q_rows: list[list[float]], s: int, a: int, V: list[float], pi: Policy, optimal: bool
) -> Step:
    """Fill V(s') for every next state of (s, a) from the Q table (max or policy average), in place;
    terminal next states keep the value already in V."""
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
            lines.append(f"max_a' Q({mdp.state_names[s2]},a') = max{{{', '.join(_n(x) for x in row)}}} = {_n(V[s2])}")
        else:
            V[s2] = sum(pi[s2][b] * q_rows[s2][b] for b in acts)
            terms = " + ".join(f"{_prob(pi[s2][b])}·{_p(q_rows[s2][b])}" for b in acts)
            lines.append(f"Σ_a' π(a'|{mdp.state_names[s2]})·Q({mdp.state_names[s2]},a') = {terms} = {_n(V[s2])}")
    return Step(
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
    q_rows = read_q_table(q) if q is not None else None
    hint = max(len(_vector(values, "values")), len(q_rows or []))
    mdp = parse_mdp(transitions, hint)
    keep = keep_terminal(terminal)
    g = read_gamma(gamma)
    optimal = _check_method(method) if force_optimal is None else force_optimal
    pi = parse_policy(policy, mdp)
    s, a = read_index(state, "state"), read_index(action, "action")
    if (s, a) not in mdp.outcomes:
        raise _err(f"action a{a} has no transitions in state s{s}", f"状态 s{s} 下的动作 a{a} 没有状态转移")
    steps: list[Step] = [Step(Text("The MDP", "MDP"), grids=(mdp_grid(mdp),))]
    V, terminal_step = terminal_values(mdp, initial_values(values, mdp), keep)
    if terminal_step:
        steps.append(terminal_step)
    if q_rows:
        steps.append(_next_values_from_q(mdp, q_rows, s, a, V, pi, optimal))
    else:
        steps.append(Step(Text("Given values V(s')", "给定的 V(s')"), grids=(values_grid(mdp, V, Text("V", "V")),)))
    value, text = q_value(mdp, s, a, V, g, True)
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
