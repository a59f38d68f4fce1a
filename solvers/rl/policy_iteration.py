"""Policy iteration: exact evaluation of the current policy, greedy improvement, until stable."""

from __future__ import annotations

from typing import Any

from solvers.arrays import read_list as _vector
from solvers.core import Grid, ParamSpec, Solution, SolverInputError, Step, Text
from solvers.core import answers_only as _only
from solvers.core import input_error as _err
from solvers.registry import mistake, solver
from solvers.rl.backup import backup_value, greedy_actions, q_value
from solvers.rl.inputs import read_gamma
from solvers.rl.mdp import (
    MDP,
    Policy,
    initial_values,
    keep_terminal,
    parse_mdp,
    parse_policy,
    policy_text,
    state_arg,
    terminal_values,
)
from solvers.rl.params import GAMMA, TERMINAL, TRANSITIONS, VALUES
from solvers.rl.tables import (
    arrow_rows,
    cell_grid,
    grid_rows,
    mdp_grid,
    policy_answer,
    policy_names,
    values_grid,
)
from solvers.textfmt import num as _n
from solvers.textfmt import prob as _prob


def _evaluate_exact(mdp: MDP, pi: Policy, gamma: float, V0: list[float]) -> list[float]:
    """Solve V = r_π + γ·P_π·V (terminal values fixed) exactly."""
    import numpy as np

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


def _equation_lines(mdp: MDP, pi: Policy, V: list[float], gamma: float) -> list[str]:
    lines = []
    for s in range(mdp.n):
        if mdp.terminal(s):
            continue
        terms = []
        for a, pa in pi[s].items():
            if pa <= 0:
                continue
            _, text = q_value(mdp, s, a, V, gamma, text=True, symbolic=True)
            terms.append(text if pa == 1 else f"{_prob(pa)}·{text}")
        lines.append(f"V{state_arg(mdp, s)} = " + " + ".join(terms))
    return lines


def _improvement_lines(mdp: MDP, V: list[float], gamma: float, best: list[list[int]]) -> list[str]:
    lines = []
    for s in range(mdp.n):
        if mdp.terminal(s):
            continue
        qs = []
        for a in mdp.avail[s]:
            value, text = q_value(mdp, s, a, V, gamma, text=True)
            qs.append(f"Q({mdp.state_names[s]},{mdp.action_names[a]}) = {text} = {_n(value)}")
        lines.append("; ".join(qs) + f" → {'/'.join(mdp.action_names[a] for a in best[s])}")
    return lines


def _deterministic(mdp: MDP, choice: list[int]) -> Policy:
    return [{c: 1.0} if c >= 0 else {} for c in choice]


def policy_iteration_run(
    mdp: MDP, pi: Policy, gamma: float, V0: list[float], grid_size: int | None, tie_tol: float = 1e-9
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
            f"V{state_arg(mdp, s)} = {backup_value(mdp, s, V, gamma, pi, False, True)[1]}"
            for s in range(mdp.n)
            if not mdp.terminal(s)
        ]
        value_grid = (
            cell_grid(
                grid_size, grid_rows(grid_size, V, True), Text(f"V of π_{iteration - 1}", f"π_{iteration - 1} 的 V")
            )
            if grid_size
            else values_grid(mdp, V, Text(f"V of π_{iteration - 1}", f"π_{iteration - 1} 的 V"))
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
        best = greedy_actions(mdp, V, gamma, tie_tol)
        # keep the current action when it is among the best, so ties cannot make the loop cycle
        choice = [
            (current[s] if current is not None and current[s] in best[s] else (acts[0] if acts else -1))
            for s, acts in enumerate(best)
        ]
        grids: tuple[Grid, ...] = ()
        if grid_size:
            grids = (
                cell_grid(
                    grid_size,
                    arrow_rows(grid_size, [[c] if c >= 0 else [] for c in choice]),
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
    mdp = parse_mdp(transitions, len(_vector(values, "values")))
    V0, terminal_step = terminal_values(mdp, initial_values(values, mdp), keep_terminal(terminal))
    g = read_gamma(gamma)
    pi = parse_policy(policy, mdp)
    intro = Step(
        Text("The MDP; start from the initial policy π₀", "MDP；从初始策略 π₀ 开始"),
        note=Text(f"π₀: {policy_text(mdp, pi)}", f"π₀：{policy_text(mdp, pi)}"),
        grids=(mdp_grid(mdp),),
    )
    V, best, iterations, steps = policy_iteration_run(mdp, pi, g, V0, None)
    steps.append(
        Step(
            Text("Optimal policy and its values", "最优策略及其价值"),
            result=policy_names(mdp, best)
            + " | "
            + ", ".join(f"V({mdp.state_names[s]}) = {_n(v)}" for s, v in enumerate(V)),
        )
    )
    return Solution(
        answers={"values": V, "policy": policy_answer(best), "iterations": iterations},
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
