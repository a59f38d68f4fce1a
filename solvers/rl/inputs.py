"""Reading the RL solvers' own inputs: state/action indices, γ, sweep counts, tolerances, Q tables."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from solvers.arrays import read_list as _vector
from solvers.arrays import read_number as _num
from solvers.core import input_error as _err
from solvers.textfmt import num as _n

SWEEP_CAP = 1_000  # largest explicit sweep count accepted
CONVERGE_WORDS = ("converge", "convergence", "converged", "conv", "inf", "∞", "收敛", "until-convergence")


def read_index(x: Any, name: str) -> int:
    value = _num(x, name)
    if value != int(value) or value < 0:
        raise _err(
            f"{name} must be a whole number ≥ 0 (states and actions are numbered from 0), got {_n(value)}",
            f"{name} 必须是 ≥ 0 的整数（状态和动作从 0 开始编号），给了 {_n(value)}",
        )
    return int(value)


def read_gamma(gamma: Any) -> float:
    g = _num(gamma, "gamma")
    if not 0 <= g <= 1:
        raise _err(f"the discount factor γ must lie in [0, 1], got {_n(g)}", f"折扣率 γ 必须在 [0, 1] 内，给了 {_n(g)}")
    return g


def parse_sweeps(sweeps: Any) -> int | None:
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


def read_tol(tol: Any) -> float:
    t = _num(tol, "tol")
    if not t > 0:
        raise _err("tol must be positive", "tol 必须为正数")
    return t


def read_q_table(q: Any) -> list[list[float]]:
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


def read_optional_number(x: Any, name: str) -> float | None:
    if x is None or (isinstance(x, str) and not x.strip()):
        return None
    return _num(x, name)
