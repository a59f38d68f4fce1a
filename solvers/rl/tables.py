"""Tables shown inside worked steps: transitions, value rows and histories, Q tables, policy grids."""

from __future__ import annotations

from typing import Any

from solvers.core import Grid, Text
from solvers.rl.backup import q_value
from solvers.rl.mdp import ARROWS, MDP
from solvers.textfmt import sub as _sub

TERMINAL_MARK = "T"


def r4(x: float) -> float:
    return round(float(x), 4) + 0.0


def mdp_grid(mdp: MDP) -> Grid:
    return Grid.of(
        [[f"s{s}", f"a{a}", f"s{s2}", r4(p), r4(r)] for s, a, s2, p, r in mdp.rows],
        col_labels=("s", "a", "s'", "p(s'|s,a)", "r"),
        title=Text("Transitions (states without rows are terminal)", "状态转移（没有出边的状态为终止状态）"),
    )


def values_grid(mdp: MDP, V: list[float], title: Text, label: str = "V") -> Grid:
    return Grid.of([[r4(v) for v in V]], row_labels=(label,), col_labels=mdp.state_names, title=title)


def history_grid(mdp: MDP, history: list[list[float]], title: Text) -> Grid:
    return Grid.of(
        [[r4(v) for v in row] for row in history],
        row_labels=[f"V{_sub(k)}" for k in range(len(history))],
        col_labels=mdp.state_names,
        title=title,
    )


def q_grid(mdp: MDP, V: list[float], gamma: float, title: Text) -> Grid:
    n_actions = len(mdp.action_names)
    rows = []
    for s in range(mdp.n):
        row: list[Any] = []
        for a in range(n_actions):
            row.append(r4(q_value(mdp, s, a, V, gamma)[0]) if (s, a) in mdp.outcomes else "—")
        rows.append(row)
    return Grid.of(rows, row_labels=mdp.state_names, col_labels=mdp.action_names, title=title)


def policy_answer(best: list[list[int]]) -> list[int]:
    """The first greedy action of each state (lowest index on ties), −1 for a terminal state."""
    return [acts[0] if acts else -1 for acts in best]


def policy_names(mdp: MDP, best: list[list[int]]) -> str:
    return ", ".join(
        f"{mdp.state_names[s]}: {'/'.join(mdp.action_names[a] for a in acts) if acts else TERMINAL_MARK}"
        for s, acts in enumerate(best)
    )


def arrow_rows(size: int, best: list[list[int]]) -> list[list[str]]:
    out = []
    for i in range(size):
        row = []
        for j in range(size):
            s = i * size + j
            row.append("".join(ARROWS[a] for a in best[s]) if best[s] else TERMINAL_MARK)
        out.append(row)
    return out


def grid_rows(size: int, V: list[float], display: bool = False) -> list[list[float]]:
    """The values as rows of the grid (rounded to 4 decimals for display only)."""
    return [[r4(v) if display else float(v) + 0.0 for v in V[i * size : (i + 1) * size]] for i in range(size)]


def cell_grid(size: int, cells: list[list[Any]], title: Text) -> Grid:
    return Grid.of(cells, row_labels=range(size), col_labels=range(size), title=title)
