"""The simple recurrent network h_t = f(U·h_{t−1} + W·x_t + b): one step and a short sequence."""

from __future__ import annotations

from typing import Any

import numpy as np

from solvers.arrays import as_any_vector as as_vector
from solvers.arrays import as_matrix
from solvers.core import Grid, ParamSpec, Solution, Step, Text, fmt_num, fmt_shape, fmt_vector
from solvers.core import input_error as _err
from solvers.registry import mistake, solver
from solvers.rnn.common import ACTIVATIONS, activate
from solvers.textfmt import labels, rounded


def _srn_inputs(x: Any, h_prev: Any, u: Any, w: Any, b: Any) -> tuple[np.ndarray, ...]:
    xv, hv = as_vector(x, "x"), as_vector(h_prev, "h_{t−1}")
    um, wm, bv = as_matrix(u, "U"), as_matrix(w, "W"), as_vector(b, "b")
    h, d = hv.size, xv.size
    if um.shape != (h, h) or wm.shape != (h, d) or bv.size != h:
        raise _err(
            f"shapes do not fit: with h = {h}, d = {d}, U must be {h}×{h}, W {h}×{d}, b of length {h} "
            f"(got U {fmt_shape(um.shape)}, W {fmt_shape(wm.shape)}, b {bv.size})",
            f"形状不匹配：h = {h}，d = {d} 时 U 应为 {h}×{h}，W 为 {h}×{d}，b 长度 {h}"
            f"（给了 U {fmt_shape(um.shape)}，W {fmt_shape(wm.shape)}，b {bv.size}）",
        )
    return xv, hv, um, wm, bv


def srn_forward(
    xv: np.ndarray, hv: np.ndarray, um: np.ndarray, wm: np.ndarray, bv: np.ndarray, activation: str, variant: str = ""
) -> dict[str, Any]:
    uh = um @ hv
    wx = wm @ xv
    if variant == "swapped":
        uh, wx = um @ xv, wm @ hv
    if variant == "no_recurrent":
        uh = np.zeros_like(uh)
    z = uh + wx + (0 if variant == "no_bias" else bv)
    h = z if variant == "no_activation" else activate(activation, z)
    return {"uh": uh.tolist(), "wx": wx.tolist(), "z": z.tolist(), "h": h.tolist()}


SRN_SPECS = [
    ParamSpec("u", "matrix", Text("recurrent weights U (h×h)", "循环权重 U（h×h）")),
    ParamSpec("w", "matrix", Text("input weights W (h×d)", "输入权重 W（h×d）")),
    ParamSpec("b", "vector", Text("bias b (length h)", "偏置 b（长度 h）")),
    ParamSpec(
        "activation",
        "choice",
        Text("f: tanh (default), sigmoid, relu or linear", "激活函数 f：tanh（默认）、sigmoid、relu 或 linear"),
        default="tanh",
        required=False,
        choices=ACTIVATIONS,
    ),
]


def _srn_steps(
    xv: np.ndarray,
    hv: np.ndarray,
    um: np.ndarray,
    wm: np.ndarray,
    bv: np.ndarray,
    activation: str,
    r: dict[str, Any],
    t: int,
) -> list[Step]:
    """Steps of one SRN update; ``t`` numbers the step in an unrolled sequence (0 = a generic step t)."""
    units = labels("h", hv.size)
    table = [
        [a, b_, c_, d_, e_]
        for a, b_, c_, d_, e_ in zip(
            rounded(r["uh"]), rounded(r["wx"]), rounded(bv), rounded(r["z"]), rounded(r["h"]), strict=True
        )
    ]
    return [
        Step(
            Text(f"Step t = {t}: recurrent term U·h_{t - 1}", f"第 t = {t} 步：循环项 U·h_{t - 1}")
            if t
            else Text("Recurrent term U·h_{t−1}", "循环项 U·h_{t−1}"),
            formula="U·h_{t−1}",
            substituted=f"{matrix_text(um)}·{fmt_vector(hv)}",
            result=fmt_vector(r["uh"]),
        ),
        Step(
            Text("Input term W·x_t", "输入项 W·x_t"),
            formula="W·x_t",
            substituted=f"{matrix_text(wm)}·{fmt_vector(xv)}",
            result=fmt_vector(r["wx"]),
        ),
        Step(
            Text("Net input", "净输入"),
            formula="z_t = U·h_{t−1} + W·x_t + b",
            substituted=f"{fmt_vector(r['uh'])} + {fmt_vector(r['wx'])} + {fmt_vector(bv)}",
            result=fmt_vector(r["z"]),
        ),
        Step(
            Text(f"New hidden state through f = {activation}", f"经过激活函数 f = {activation} 得到新隐状态"),
            formula=f"h_t = {activation}(z_t)",
            substituted=f"{activation}{fmt_vector(r['z'])}",
            result=fmt_vector(r["h"]),
            grids=(
                Grid.of(table, units, ["U·h", "W·x", "b", "z", "h_t"], Text(f"t = {t}", f"t = {t}") if t else None),
            ),
        ),
    ]


def matrix_text(a: np.ndarray) -> str:
    return "[" + "; ".join(", ".join(fmt_num(v, 4) for v in row) for row in a) + "]"


@solver(
    "rnn.srn_step",
    [
        ParamSpec("x", "vector", Text("input x_t (length d)", "输入 x_t（长度 d）")),
        ParamSpec("h_prev", "vector", Text("previous state h_{t−1} (length h)", "上一时刻隐状态 h_{t−1}（长度 h）")),
        *SRN_SPECS,
    ],
    Text(
        "one step of a simple recurrent network h_t = f(U·h_{t−1} + W·x_t + b)",
        "简单循环网络的一步 h_t = f(U·h_{t−1} + W·x_t + b)",
    ),
)
def srn_step(x: Any, h_prev: Any, u: Any, w: Any, b: Any, activation: str = "tanh") -> Solution:
    xv, hv, um, wm, bv = _srn_inputs(x, h_prev, u, w, b)
    r = srn_forward(xv, hv, um, wm, bv, activation)
    return Solution(answers=r, steps=_srn_steps(xv, hv, um, wm, bv, activation, r, 0))


def _srn_mistake(
    x: Any, h_prev: Any, u: Any, w: Any, b: Any, activation: str, variant: str, keys: tuple[str, ...]
) -> dict[str, Any]:
    xv, hv, um, wm, bv = _srn_inputs(x, h_prev, u, w, b)
    if variant == "swapped" and xv.size != hv.size:
        return {}
    r = srn_forward(xv, hv, um, wm, bv, activation, variant)
    return {k: r[k] for k in keys}


@mistake("rnn.srn_step", "activation_forgotten")
def _srn_no_act(x: Any, h_prev: Any, u: Any, w: Any, b: Any, activation: str = "tanh") -> dict[str, Any]:
    if activation == "linear":
        return {}
    return _srn_mistake(x, h_prev, u, w, b, activation, "no_activation", ("h",))


@mistake("rnn.srn_step", "u_w_swapped")
def _srn_swapped(x: Any, h_prev: Any, u: Any, w: Any, b: Any, activation: str = "tanh") -> dict[str, Any]:
    """Multiplies the input by U and the previous state by W (possible only when d = h)."""
    return _srn_mistake(x, h_prev, u, w, b, activation, "swapped", ("uh", "wx", "z", "h"))


@mistake("rnn.srn_step", "recurrent_term_forgotten")
def _srn_no_rec(x: Any, h_prev: Any, u: Any, w: Any, b: Any, activation: str = "tanh") -> dict[str, Any]:
    return _srn_mistake(x, h_prev, u, w, b, activation, "no_recurrent", ("z", "h"))


@mistake("rnn.srn_step", "bias_forgotten")
def _srn_no_bias(x: Any, h_prev: Any, u: Any, w: Any, b: Any, activation: str = "tanh") -> dict[str, Any]:
    return _srn_mistake(x, h_prev, u, w, b, activation, "no_bias", ("z", "h"))


@solver(
    "rnn.srn_sequence",
    [
        ParamSpec("xs", "matrix", Text("inputs x_1 … x_T, one time step per row", "输入 x_1 … x_T，每行一个时刻")),
        ParamSpec("h0", "vector", Text("initial state h_0", "初始隐状态 h_0")),
        *SRN_SPECS,
    ],
    Text("SRN unrolled over T steps", "按时间展开 T 步的简单循环网络"),
)
def srn_sequence(xs: Any, h0: Any, u: Any, w: Any, b: Any, activation: str = "tanh") -> Solution:
    xm = as_matrix(xs, "X")
    hv = as_vector(h0, "h_0")
    steps: list[Step] = []
    states = []
    for t, xrow in enumerate(xm, start=1):
        xv, hv_, um, wm, bv = _srn_inputs(xrow.tolist(), hv.tolist(), u, w, b)
        r = srn_forward(xv, hv_, um, wm, bv, activation)
        steps.extend(_srn_steps(xv, hv_, um, wm, bv, activation, r, t))
        hv = np.array(r["h"])
        states.append(r["h"])
    steps.append(
        Step(
            Text(
                "All hidden states (the same U, W, b are reused at every step)",
                "全部隐状态（每一步共用同一组 U、W、b）",
            ),
            result=fmt_vector(states[-1]),
            grids=(
                Grid.of(
                    rounded(states),
                    [f"t={t}" for t in range(1, len(states) + 1)],
                    labels("", len(states[0])),
                    Text("h_t", "h_t"),
                ),
            ),
        )
    )
    return Solution(answers={"hs": states, "h": states[-1]}, steps=steps)


def _seq_mistake(
    xs: Any, h0: Any, u: Any, w: Any, b: Any, activation: str, variant: str, carry: bool = True
) -> dict[str, Any]:
    xm = as_matrix(xs, "X")
    h0v = as_vector(h0, "h_0")
    hv = h0v
    states = []
    for xrow in xm:
        xv, hv_, um, wm, bv = _srn_inputs(xrow.tolist(), (hv if carry else h0v).tolist(), u, w, b)
        r = srn_forward(xv, hv_, um, wm, bv, activation, variant)
        hv = np.array(r["h"])
        states.append(r["h"])
    return {"hs": states, "h": states[-1]}


@mistake("rnn.srn_sequence", "state_not_carried")
def _seq_not_carried(xs: Any, h0: Any, u: Any, w: Any, b: Any, activation: str = "tanh") -> dict[str, Any]:
    """Uses h_0 at every step instead of the state from the step before."""
    return _seq_mistake(xs, h0, u, w, b, activation, "", carry=False)


@mistake("rnn.srn_sequence", "activation_forgotten")
def _seq_no_act(xs: Any, h0: Any, u: Any, w: Any, b: Any, activation: str = "tanh") -> dict[str, Any]:
    if activation == "linear":
        return {}
    return _seq_mistake(xs, h0, u, w, b, activation, "no_activation")
