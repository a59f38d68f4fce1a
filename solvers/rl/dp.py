"""Dynamic programming by sweeps: iterative policy evaluation and value iteration."""

from __future__ import annotations

from typing import Any

from solvers.arrays import read_list as _vector
from solvers.core import Solution, Step, Text
from solvers.core import answers_only as _only
from solvers.registry import mistake, solver
from solvers.rl.backup import greedy_actions
from solvers.rl.inputs import parse_sweeps, read_gamma, read_tol
from solvers.rl.mdp import (
    initial_values,
    keep_terminal,
    parse_mdp,
    parse_policy,
    policy_text,
    terminal_values,
    uniform_policy,
)
from solvers.rl.params import GAMMA, INPLACE, POLICY, SWEEPS, TERMINAL, TOL, TRANSITIONS, VALUES
from solvers.rl.sweeps import TABLE_SWEEPS, run_sweeps, sweep_steps, tie_tolerance
from solvers.rl.tables import history_grid, mdp_grid, policy_answer, policy_names, q_grid, values_grid
from solvers.textfmt import num as _n


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
    mdp = parse_mdp(transitions, len(_vector(values, "values")))
    V0, terminal_step = terminal_values(mdp, initial_values(values, mdp), keep_terminal(terminal))
    g = read_gamma(gamma)
    k = parse_sweeps(sweeps)
    pi = uniform_policy(mdp) if uniform else parse_policy(policy, mdp)
    run = run_sweeps(mdp, V0, g, pi, optimal, bool(inplace), k, read_tol(tol))
    steps = [
        Step(
            Text("The MDP and the starting values", "MDP 与初始价值"),
            note=None if optimal else Text(f"Policy: {policy_text(mdp, pi)}", f"策略：{policy_text(mdp, pi)}"),
            grids=(mdp_grid(mdp), values_grid(mdp, V0, Text("V₀", "V₀"), "V₀")),
        ),
        *([terminal_step] if terminal_step else []),
        *sweep_steps(mdp, run, bool(inplace), optimal, g, None),
    ]
    answers: dict[str, Any] = {"values": run.history[-1], "sweeps": run.sweeps}
    if k is not None:
        answers["history"] = run.history
    steps.append(
        Step(
            Text(
                f"Converged after {run.sweeps} sweeps (largest change < {_n(read_tol(tol))})"
                if run.converged
                else f"Values after {run.sweeps} sweeps",
                f"{run.sweeps} 次扫描后收敛（最大变化 < {_n(read_tol(tol))}）"
                if run.converged
                else f"{run.sweeps} 次扫描后的价值",
            ),
            grids=(
                history_grid(
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
        best = greedy_actions(mdp, run.history[-1], g, tie_tolerance(k, read_tol(tol)))
        answers["policy"] = policy_answer(best)
        steps.append(
            Step(
                Text(
                    "Greedy policy: in each state the action with the largest Q(s,a)",
                    "贪心策略：每个状态选 Q(s,a) 最大的动作",
                ),
                formula="π(s) = argmax_a Σ_{s'} p(s'|s,a)·[r + γ·V(s')]",
                grids=(q_grid(mdp, run.history[-1], g, Text("Q(s,a) from the final V", "由最终 V 算出的 Q(s,a)")),),
                result=policy_names(mdp, best),
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
    if parse_sweeps(sweeps) is None:
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
    if inplace or parse_sweeps(sweeps) is None:
        return {}
    return _only(_policy_evaluation_solution(inplace=True, sweeps=sweeps, **inputs, optimal=True), "values")


@mistake("rl.value_iteration", "synchronous_sweep")
def _vi_sync(inplace: bool = False, sweeps: Any = "converge", **inputs: Any) -> dict[str, Any]:
    if not inplace or parse_sweeps(sweeps) is None:
        return {}
    return _only(_policy_evaluation_solution(inplace=False, sweeps=sweeps, **inputs, optimal=True), "values")


@mistake("rl.value_iteration", "gamma_forgotten")
def _vi_gamma(sweeps: Any = "converge", **inputs: Any) -> dict[str, Any]:
    if parse_sweeps(sweeps) is None:
        return {}
    return _only(
        _policy_evaluation_solution(**{**inputs, "sweeps": sweeps, "gamma": 1.0}, optimal=True), "values", "policy"
    )


@mistake("rl.value_iteration", "mean_instead_of_max")
def _vi_mean(sweeps: Any = "converge", **inputs: Any) -> dict[str, Any]:
    """Averages over actions (evaluates the random policy) instead of taking the best action."""
    if parse_sweeps(sweeps) is None:
        return {}
    return _only(_policy_evaluation_solution(sweeps=sweeps, **inputs, uniform=True), "values")
