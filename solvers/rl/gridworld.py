"""The built-in n×n gridworld (Sutton & Barto Fig. 4.1): policy evaluation, value and policy iteration."""

from __future__ import annotations

from typing import Any

from solvers.arrays import read_number as _num
from solvers.core import ParamSpec, Solution, SolverInputError, Step, Text
from solvers.core import answers_only as _only
from solvers.core import input_error as _err
from solvers.registry import mistake, solver
from solvers.rl.backup import greedy_actions
from solvers.rl.inputs import parse_sweeps, read_gamma, read_index, read_tol
from solvers.rl.mdp import grid_mdp, uniform_policy
from solvers.rl.params import GAMMA, INPLACE, SWEEPS, TOL
from solvers.rl.policy_iteration import policy_iteration_run
from solvers.rl.sweeps import run_sweeps, sweep_steps, tie_tolerance
from solvers.rl.tables import arrow_rows, cell_grid, grid_rows
from solvers.textfmt import num as _n

GRID_METHODS = ("policy-evaluation", "value-iteration", "policy-iteration")


def _gridworld_solution(
    size: Any, gamma: Any, reward: Any, method: str, sweeps: Any, inplace: bool, tol: Any, drop_off_grid: bool = False
) -> Solution:
    n = read_index(size, "size")
    if not 2 <= n <= 8:
        raise _err("size must be from 2 to 8", "size 必须在 2 到 8 之间")
    g, r, t = read_gamma(gamma), _num(reward, "reward"), read_tol(tol)
    if method not in GRID_METHODS:
        raise _err(
            f"method must be one of {', '.join(GRID_METHODS)}, got {method!r}",
            f"method 必须是 {'、'.join(GRID_METHODS)} 之一，给了 {method!r}",
        )
    mdp = grid_mdp(n, r, drop_off_grid)
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
        V, best, iterations, steps = policy_iteration_run(mdp, uniform_policy(mdp), g, V0, n, 1e-9)
        final = Step(
            Text(f"Final values and policy ({iterations} iterations)", f"最终价值与策略（共 {iterations} 轮）"),
            grids=(
                cell_grid(n, grid_rows(n, V, True), Text("V*", "V*")),
                cell_grid(n, arrow_rows(n, best), Text("π*", "π*")),
            ),
        )
        return Solution(
            answers={"values": grid_rows(n, V), "policy": arrow_rows(n, best), "iterations": iterations},
            steps=[intro, *steps, final],
        )
    optimal = method == "value-iteration"
    k = parse_sweeps(sweeps)
    run = run_sweeps(mdp, V0, g, uniform_policy(mdp), optimal, bool(inplace), k, t)
    best = greedy_actions(mdp, run.history[-1], g, tie_tolerance(k, t))
    steps = [intro, *sweep_steps(mdp, run, bool(inplace), optimal, g, n)]
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
                cell_grid(n, grid_rows(n, run.history[-1], True), Text("V", "V")),
                cell_grid(n, arrow_rows(n, best), Text("Greedy policy", "贪心策略")),
            ),
        )
    )
    return Solution(
        answers={"values": grid_rows(n, run.history[-1]), "policy": arrow_rows(n, best), "sweeps": run.sweeps},
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
    if inplace or method == "policy-iteration" or parse_sweeps(sweeps) is None:
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
    if not inplace or method == "policy-iteration" or parse_sweeps(sweeps) is None:
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
