"""Synchronous or in-place sweeps of Bellman backups, and their worked steps."""

from __future__ import annotations

from dataclasses import dataclass

from solvers.core import Grid, Step, Text
from solvers.core import input_error as _err
from solvers.rl.backup import TIE_TOL, backup_value, greedy_actions
from solvers.rl.mdp import MDP, Policy, state_arg
from solvers.rl.tables import arrow_rows, cell_grid, grid_rows, q_grid, values_grid
from solvers.textfmt import num as _n
from solvers.textfmt import sub as _sub

CONVERGE_CAP = 10_000  # sweeps before "converge" gives up
DIVERGE_LIMIT = 1e9
DETAIL_SWEEPS = 3  # sweeps shown backup by backup; later ones only as tables
TABLE_SWEEPS = 10  # sweeps shown as tables before skipping to the last one


@dataclass
class SweepRun:
    history: list[list[float]]
    lines: list[list[str]]
    sweeps: int
    converged: bool


def run_sweeps(
    mdp: MDP,
    V0: list[float],
    gamma: float,
    pi: Policy,
    optimal: bool,
    inplace: bool,
    sweeps: int | None,
    tol: float,
    detail: int = DETAIL_SWEEPS,
) -> SweepRun:
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
            value, text = backup_value(mdp, s, source, gamma, pi, optimal, want)
            new[s] = value
            if want:
                sweep_lines.append(f"V{_sub(k)}{state_arg(mdp, s)} = {text}")
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
            return SweepRun(history, lines, k, True)
    if sweeps is None:
        raise _err(
            f"no convergence within {CONVERGE_CAP} sweeps (tolerance {_n(tol)})"
            + ("; with γ = 1 the values may grow forever" if gamma == 1 else ""),
            f"{CONVERGE_CAP} 次扫描内未收敛（容差 {_n(tol)}）" + ("；γ = 1 时价值可能无限增长" if gamma == 1 else ""),
        )
    return SweepRun(history, lines, k, False)


def tie_tolerance(sweeps: int | None, tol: float) -> float:
    """Ties between action values: exact after K sweeps; after "converge" the values are only
    within about tol/(1 − γ) of the limit, so differences below 100·tol count as ties."""
    return TIE_TOL if sweeps is not None else max(TIE_TOL, 100 * tol)


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


def sweep_steps(
    mdp: MDP, run: SweepRun, inplace: bool, optimal: bool, gamma: float, grid_size: int | None
) -> list[Step]:
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
            best = greedy_actions(mdp, V, gamma)
            grids = (
                cell_grid(grid_size, grid_rows(grid_size, V, True), title),
                cell_grid(
                    grid_size,
                    arrow_rows(grid_size, best),
                    Text(f"Greedy policy w.r.t. V_{k}", f"关于 V_{k} 的贪心策略"),
                ),
            )
        else:
            grids = (values_grid(mdp, V, title, f"V{_sub(k)}"),)
            if optimal:
                grids += (
                    q_grid(
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
