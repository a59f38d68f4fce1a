"""One LSTM step: input, forget and output gates, candidate, cell and hidden state."""

from __future__ import annotations

from typing import Any

import numpy as np

from solvers.arrays import as_any_vector as as_vector
from solvers.arrays import sigmoid
from solvers.core import Grid, ParamSpec, Solution, Step, Text, fmt_vector
from solvers.core import input_error as _err
from solvers.registry import mistake, solver
from solvers.rnn.gates import gate_inputs, gate_step, require_weights

LSTM_SPECS = [
    ParamSpec("x", "vector", Text("input x_t (length d)", "输入 x_t（长度 d）")),
    ParamSpec(
        "h_prev", "vector", Text("previous hidden state h_{t−1} (length h)", "上一时刻外部状态 h_{t−1}（长度 h）")
    ),
    ParamSpec(
        "c_prev", "vector", Text("previous cell c_{t−1} (length h)", "上一时刻内部状态（记忆单元）c_{t−1}（长度 h）")
    ),
]


for _g, _zh in (("i", "输入门"), ("f", "遗忘门"), ("o", "输出门"), ("c", "候选状态")):
    LSTM_SPECS += [
        ParamSpec(f"w{_g}", "matrix", Text(f"W_{_g} (h×d)", f"{_zh} W_{_g}（h×d）")),
        ParamSpec(f"u{_g}", "matrix", Text(f"U_{_g} (h×h)", f"{_zh} U_{_g}（h×h）")),
        ParamSpec(f"b{_g}", "vector", Text(f"b_{_g} (length h)", f"{_zh} b_{_g}（长度 h）")),
    ]


def lstm_forward(
    x: Any, h_prev: Any, c_prev: Any, p: dict[str, Any], variant: str = ""
) -> tuple[dict[str, Any], dict[str, Any]]:
    """One LSTM step. Returns (answers, details for the steps). ``variant`` reproduces a mistake."""
    require_weights(p, "ifoc")
    xv, hv, g = gate_inputs(x, h_prev, {n: (p[f"w{n}"], p[f"u{n}"], p[f"b{n}"]) for n in "ifoc"})
    cv = as_vector(c_prev, "c_{t−1}")
    if cv.size != hv.size:
        raise _err("c_{t−1} must have the same length as h_{t−1}", "c_{t−1} 的长度必须与 h_{t−1} 相同")
    parts = {}
    for n, (wm, um, bv) in g.items():
        wx, uh = wm @ xv, um @ hv
        net = wx + uh + bv
        if n == "c":
            val = sigmoid(net) if variant == "sigmoid_candidate" else np.tanh(net)
        else:
            val = sigmoid(net)
        parts[n] = (wx, uh, bv, net, val)
    i, f, o, ct = (parts[n][4] for n in "ifoc")
    if variant == "forget_input_swapped":
        c = i * cv + f * ct
    elif variant == "forget_gate_ignored":
        c = cv + i * ct
    else:
        c = f * cv + i * ct
    if variant == "no_tanh_on_cell":
        h = o * c
    elif variant == "output_gate_ignored":
        h = np.tanh(c)
    else:
        h = o * np.tanh(c)
    answers = {
        "i": i.tolist(),
        "f": f.tolist(),
        "o": o.tolist(),
        "c_tilde": ct.tolist(),
        "c": c.tolist(),
        "h": h.tolist(),
    }
    return answers, {"parts": parts, "c_prev": cv}


@solver(
    "rnn.lstm_step",
    LSTM_SPECS,
    Text(
        "one LSTM step: gates i, f, o, candidate c̃, cell c_t, hidden h_t",
        "LSTM 的一步：门 i、f、o，候选状态 c̃，记忆单元 c_t，隐状态 h_t",
    ),
)
def lstm_step(x: Any, h_prev: Any, c_prev: Any, **weights: Any) -> Solution:
    ans, det = lstm_forward(x, h_prev, c_prev, weights)
    parts, cv = det["parts"], det["c_prev"]
    names = {
        "i": Text("Input gate: how much of the candidate to write", "输入门：候选状态写入多少"),
        "f": Text("Forget gate: how much of the old cell to keep", "遗忘门：旧记忆保留多少"),
        "o": Text("Output gate: how much of the cell to show as h_t", "输出门：记忆输出多少给 h_t"),
        "c": Text("Candidate state (tanh, not σ)", "候选状态（用 tanh，不是 σ）"),
    }
    symbols = {"i": "i", "f": "f", "o": "o", "c": "c̃"}
    steps = []
    for n in "ifoc":
        fn = "tanh" if n == "c" else "σ"
        steps.append(
            gate_step(
                names[n],
                symbols[n],
                fn,
                *parts[n],
                formula=f"{symbols[n]}_t = {fn}(W_{n}·x_t + U_{n}·h_{{t−1}} + b_{n})",
            )
        )
    i, f, ct, c = (np.array(ans[k]) for k in ("i", "f", "c_tilde", "c"))
    steps.append(
        Step(
            Text(
                "New cell: keep part of the old memory, add part of the candidate",
                "新的记忆单元：保留部分旧记忆，加入部分候选状态",
            ),
            formula="c_t = f_t⊙c_{t−1} + i_t⊙c̃_t",
            substituted=f"{fmt_vector(f)}⊙{fmt_vector(cv)} + {fmt_vector(i)}⊙{fmt_vector(ct)} = {fmt_vector(f * cv)} + {fmt_vector(i * ct)}",
            result=fmt_vector(c),
        )
    )
    o, h = np.array(ans["o"]), np.array(ans["h"])
    summary = [
        [round(float(v), 4) for v in col]
        for col in zip(ans["i"], ans["f"], ans["o"], ans["c_tilde"], cv, ans["c"], np.tanh(c), ans["h"], strict=True)
    ]
    steps.append(
        Step(
            Text("New hidden state", "新的外部状态（隐状态）"),
            formula="h_t = o_t⊙tanh(c_t)",
            substituted=f"{fmt_vector(o)}⊙tanh{fmt_vector(c)} = {fmt_vector(o)}⊙{fmt_vector(np.tanh(c))}",
            result=fmt_vector(h),
            grids=(
                Grid.of(
                    summary,
                    [f"j={j}" for j in range(1, len(h) + 1)],
                    ["i", "f", "o", "c̃", "c_{t−1}", "c_t", "tanh(c_t)", "h_t"],
                    Text("LSTM step", "LSTM 一步"),
                ),
            ),
        )
    )
    return Solution(answers=ans, steps=steps)


def _lstm_mistake(
    variant: str, keys: tuple[str, ...], x: Any, h_prev: Any, c_prev: Any, weights: dict[str, Any]
) -> dict[str, Any]:
    ans, _ = lstm_forward(x, h_prev, c_prev, weights, variant)
    return {k: ans[k] for k in keys}


@mistake("rnn.lstm_step", "forget_input_swapped")
def _lstm_swapped(x: Any, h_prev: Any, c_prev: Any, **weights: Any) -> dict[str, Any]:
    """c_t = i⊙c_{t−1} + f⊙c̃: the forget gate applied to the candidate and the input gate to the memory."""
    return _lstm_mistake("forget_input_swapped", ("c", "h"), x, h_prev, c_prev, weights)


@mistake("rnn.lstm_step", "forget_gate_ignored")
def _lstm_no_forget(x: Any, h_prev: Any, c_prev: Any, **weights: Any) -> dict[str, Any]:
    return _lstm_mistake("forget_gate_ignored", ("c", "h"), x, h_prev, c_prev, weights)


@mistake("rnn.lstm_step", "no_tanh_on_cell")
def _lstm_no_tanh(x: Any, h_prev: Any, c_prev: Any, **weights: Any) -> dict[str, Any]:
    return _lstm_mistake("no_tanh_on_cell", ("h",), x, h_prev, c_prev, weights)


@mistake("rnn.lstm_step", "output_gate_ignored")
def _lstm_no_output(x: Any, h_prev: Any, c_prev: Any, **weights: Any) -> dict[str, Any]:
    return _lstm_mistake("output_gate_ignored", ("h",), x, h_prev, c_prev, weights)


@mistake("rnn.lstm_step", "sigmoid_candidate")
def _lstm_sigmoid_candidate(x: Any, h_prev: Any, c_prev: Any, **weights: Any) -> dict[str, Any]:
    return _lstm_mistake("sigmoid_candidate", ("c_tilde", "c", "h"), x, h_prev, c_prev, weights)
