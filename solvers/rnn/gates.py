"""Gate computations shared by LSTM and GRU: reading the weights, one gate with its worked step."""

from __future__ import annotations

from typing import Any

import numpy as np

from solvers.arrays import as_any_vector as as_vector
from solvers.arrays import as_matrix
from solvers.core import Grid, Step, Text, fmt_vector
from solvers.core import input_error as _err
from solvers.textfmt import labels


def require_weights(p: dict[str, Any], gates: str) -> None:
    missing = [f"{k}{g}" for g in gates for k in "wub" if p.get(f"{k}{g}") is None]
    if missing:
        raise _err(f"missing weights: {', '.join(missing)}", f"缺少参数：{', '.join(missing)}")
    extra = sorted(set(p) - {f"{k}{g}" for g in gates for k in "wub"})
    if extra:
        raise _err(f"unknown parameters: {', '.join(extra)}", f"未知参数：{', '.join(extra)}")


def gate_inputs(
    x: Any, h_prev: Any, mats: dict[str, tuple[Any, Any, Any]]
) -> tuple[np.ndarray, np.ndarray, dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    """Read x, h_{t−1} and each gate's (W, U, b), checking W: h×d, U: h×h, b: h."""
    xv, hv = as_vector(x, "x"), as_vector(h_prev, "h_{t−1}")
    h, d = hv.size, xv.size
    out = {}
    for name, (w, u, b) in mats.items():
        wm, um, bv = as_matrix(w, f"W_{name}"), as_matrix(u, f"U_{name}"), as_vector(b, f"b_{name}")
        if wm.shape != (h, d) or um.shape != (h, h) or bv.size != h:
            raise _err(
                f"gate {name}: with h = {h}, d = {d}, W_{name} must be {h}×{d}, U_{name} {h}×{h}, b_{name} of length {h}",
                f"门 {name}：h = {h}，d = {d} 时 W_{name} 应为 {h}×{d}，U_{name} 为 {h}×{h}，b_{name} 长度为 {h}",
            )
        out[name] = (wm, um, bv)
    return xv, hv, out


def _gate_rows(wx: np.ndarray, uh: np.ndarray, b: np.ndarray, net: np.ndarray, value: np.ndarray) -> list[list[Any]]:
    return [
        [round(float(a), 4), round(float(c), 4), round(float(e), 4), round(float(f), 4), round(float(g), 4)]
        for a, c, e, f, g in zip(wx, uh, b, net, value, strict=True)
    ]


def gate_step(
    label: Text,
    symbol: str,
    fn: str,
    wx: np.ndarray,
    uh: np.ndarray,
    b: np.ndarray,
    net: np.ndarray,
    value: np.ndarray,
    formula: str,
    middle: str = "U·h",
) -> Step:
    return Step(
        label,
        formula=formula,
        substituted=f"{fn}({fmt_vector(wx)} + {fmt_vector(uh)} + {fmt_vector(b)}) = {fn}{fmt_vector(net)}",
        result=fmt_vector(value),
        grids=(
            Grid.of(
                _gate_rows(wx, uh, b, net, value),
                labels(symbol, len(value)),
                ["W·x", middle, "b", f"W·x+{middle}+b", symbol],
            ),
        ),
    )
