"""Recurrent networks (nndl ch. 6): SRN, LSTM and GRU steps, parameter counts, gradient magnitude
through unrolled steps, bidirectional sizes. Serves the topics ``rnn`` and ``lstm-gru``.

Conventions (REFERENCE.md), column vectors:
- SRN: h_t = f(U·h_{t−1} + W·x_t + b).
- LSTM: i, f, o = σ(W_* x_t + U_* h_{t−1} + b_*); c̃_t = tanh(W_c x_t + U_c h_{t−1} + b_c);
  c_t = f_t⊙c_{t−1} + i_t⊙c̃_t; h_t = o_t⊙tanh(c_t).
- GRU (textbook): z, r = σ(…); h̃_t = tanh(W_h x_t + U_h(r_t⊙h_{t−1}) + b_h);
  h_t = z_t⊙h_{t−1} + (1 − z_t)⊙h̃_t. PyTorch (convention="pytorch") applies r after the matrix
  product, n_t = tanh(W_h x_t + b_h + r_t⊙(U_h h_{t−1} + b_hn)), with the same h_t = (1 − z)⊙n + z⊙h_{t−1}.
- Parameters of one layer with input d and hidden h: each gate block has h(h + d + 1) parameters in
  the textbook (one bias) and h(h + d + 2) in PyTorch (b_ih and b_hh); SRN 1 block, GRU 3, LSTM 4.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from solvers.arrays import as_any_vector as as_vector
from solvers.arrays import as_matrix, sigmoid
from solvers.core import Grid, ParamSpec, Solution, Step, Text, fmt_num, fmt_shape, fmt_vector
from solvers.core import input_error as _err
from solvers.registry import mistake, solver
from solvers.textfmt import labels, rounded

CELLS = ("srn", "lstm", "gru")
BLOCKS = {"srn": 1, "gru": 3, "lstm": 4}
CONVENTIONS = ("textbook", "pytorch")
ACTIVATIONS = ("tanh", "sigmoid", "relu", "linear")
TRENDS = ("vanishing", "exploding", "stable")


def activate(name: str, z: Any) -> np.ndarray:
    z = np.asarray(z, dtype=float)
    if name == "tanh":
        return np.tanh(z)
    if name == "sigmoid":
        return sigmoid(z)
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "linear":
        return z
    raise _err(
        f"unknown activation {name!r}: use tanh, sigmoid, relu or linear",
        f"未知的激活函数 {name!r}：请用 tanh、sigmoid、relu 或 linear",
    )


def derivative(name: str, z: float) -> float:
    """f'(z) for the activations above (ReLU'(0) taken as 0)."""
    if name == "tanh":
        return 1.0 - math.tanh(z) ** 2
    if name == "sigmoid":
        s = 1.0 / (1.0 + math.exp(-z))
        return s * (1.0 - s)
    if name == "relu":
        return 1.0 if z > 0 else 0.0
    if name == "linear":
        return 1.0
    raise _err(f"unknown activation {name!r}", f"未知的激活函数 {name!r}")


def _convention_note(convention: str) -> Text:
    if convention == "pytorch":
        return Text(
            "PyTorch convention: two bias vectors per gate block (b_ih and b_hh), so h(h + d + 2) per block.",
            "PyTorch 约定：每个门块有两个偏置向量（b_ih 和 b_hh），每块 h(h + d + 2) 个参数。",
        )
    return Text(
        "Textbook convention (nndl): one bias vector per gate block, so h(h + d + 1) per block.",
        "教材约定（邱锡鹏）：每个门块一个偏置向量，每块 h(h + d + 1) 个参数。",
    )


def _check_convention(convention: str) -> int:
    if convention not in CONVENTIONS:
        raise _err("convention must be textbook or pytorch", "convention 只能是 textbook 或 pytorch")
    return 2 if convention == "pytorch" else 1


# --------------------------------------------------------------------------- parameter counts


def count_params(
    cell: str,
    d: int,
    h: int,
    n_bias: int,
    layers: int = 1,
    directions: int = 1,
    blocks: int | None = None,
    recurrent: bool = True,
    stacked_input_d: bool = False,
) -> dict[str, Any]:
    """Count weights matrix by matrix. The keyword switches reproduce mistakes."""
    nb = BLOCKS[cell] if blocks is None else blocks
    rows = []
    totals = {"input_weights": 0, "recurrent_weights": 0, "biases": 0}
    for layer in range(layers):
        d_l = d if (layer == 0 or stacked_input_d) else h * directions
        for direction in range(directions):
            wi = nb * h * d_l
            wh = nb * h * h if recurrent else 0
            bs = nb * h * n_bias
            totals["input_weights"] += wi
            totals["recurrent_weights"] += wh
            totals["biases"] += bs
            rows.append(
                [
                    layer + 1,
                    "→←"[direction],
                    f"{nb * h}×{d_l}",
                    wi,
                    f"{nb * h}×{h}",
                    wh,
                    f"{n_bias}×{nb * h}",
                    bs,
                    wi + wh + bs,
                ]
            )
    totals["params"] = totals["input_weights"] + totals["recurrent_weights"] + totals["biases"]
    totals["per_block"] = h * ((h if recurrent else 0) + d + n_bias)
    totals["rows"] = rows
    return totals


def _check_sizes(cell: str, input: Any, hidden: Any, layers: Any = 1) -> tuple[int, int, int]:
    if cell not in CELLS:
        raise _err("cell must be srn, lstm or gru", "cell 只能是 srn、lstm 或 gru")
    d, h, n = int(input), int(hidden), int(layers)
    if d <= 0 or h <= 0 or n <= 0:
        raise _err("input, hidden and layers must be positive", "input、hidden 和 layers 必须为正")
    return d, h, n


PARAMS_SPECS = [
    ParamSpec("cell", "choice", Text("srn, lstm or gru", "srn、lstm 或 gru"), choices=CELLS),
    ParamSpec("input", "int", Text("input size d", "输入维度 d")),
    ParamSpec("hidden", "int", Text("hidden size h", "隐状态维度 h")),
    ParamSpec(
        "convention",
        "choice",
        Text("textbook (one bias per gate) or pytorch (two biases)", "textbook（每门一个偏置）或 pytorch（两个偏置）"),
        default="textbook",
        required=False,
        choices=CONVENTIONS,
    ),
    ParamSpec("layers", "int", Text("stacked layers (default 1)", "堆叠层数（默认 1）"), default=1, required=False),
    ParamSpec(
        "bidirectional",
        "bool",
        Text("bidirectional (default false)", "是否双向（默认 false）"),
        default=False,
        required=False,
    ),
]


@solver(
    "rnn.params",
    PARAMS_SPECS,
    Text(
        "parameter count of an SRN / LSTM / GRU layer (textbook or PyTorch biases)",
        "SRN / LSTM / GRU 层的参数量（教材或 PyTorch 偏置约定）",
    ),
)
def params(
    cell: str, input: int, hidden: int, convention: str = "textbook", layers: int = 1, bidirectional: bool = False
) -> Solution:
    d, h, n_layers = _check_sizes(cell, input, hidden, layers)
    n_bias = _check_convention(convention)
    dirs = 2 if bidirectional else 1
    c = count_params(cell, d, h, n_bias, n_layers, dirs)
    nb = BLOCKS[cell]
    names = {
        "srn": Text("SRN: one block, U (h×h), W (h×d), b", "SRN：一个块，U（h×h）、W（h×d）、b"),
        "lstm": Text(
            "LSTM: 4 blocks of the same shape: input gate i, forget gate f, output gate o and the candidate c̃",
            "LSTM：4 个同形状的块：输入门 i、遗忘门 f、输出门 o 和候选状态 c̃",
        ),
        "gru": Text(
            "GRU: 3 blocks: update gate z, reset gate r and the candidate h̃",
            "GRU：3 个块：更新门 z、重置门 r 和候选状态 h̃",
        ),
    }
    bias_text = "h + d + 2" if n_bias == 2 else "h + d + 1"
    steps = [
        Step(
            names[cell],
            formula="W_* (h×d) + U_* (h×h) + " + ("b_ih + b_hh (2·h)" if n_bias == 2 else "b_* (h)"),
            substituted=f"{h}·({h} + {d} + {n_bias})",
            result=str(c["per_block"]),
            note=_convention_note(convention),
        ),
        Step(
            Text(f"{nb} block(s) per layer and direction", f"每层每个方向 {nb} 个块"),
            formula=f"{nb}·h·({bias_text})",
            substituted=f"{nb}·{c['per_block']}",
            result=str(nb * c["per_block"]),
        ),
    ]
    if n_layers > 1 or dirs > 1:
        steps.append(
            Step(
                Text(
                    "Layers above the first read the previous layer's output (h, or 2h when bidirectional) instead of x, "
                    "so their input size is d_l = h or 2h; a bidirectional layer has two independent sets of weights "
                    f"(k = {nb} blocks, n_b = {n_bias} bias vector(s) per block)",
                    "第一层之上的层读取前一层的输出（维度 h，双向时为 2h）而不是 x，即其输入维度 d_l = h 或 2h；"
                    f"双向层有两套独立的参数（k = {nb} 个块，每块 n_b = {n_bias} 个偏置向量）",
                ),
                formula="Σ_(l, →/←) k·h·(h + d_l + n_b)",
                result=str(c["params"]),
            )
        )
    steps.append(
        Step(
            Text("Parameter table (stacked gate matrices)", "参数表（各门矩阵堆叠）"),
            formula="ΣW + ΣU + Σb",
            substituted=f"{c['input_weights']} + {c['recurrent_weights']} + {c['biases']}",
            result=str(c["params"]),
            grids=(
                Grid.of(
                    c["rows"],
                    (),
                    ["l", "→/←", "W", "#W", "U", "#U", "b", "#b", "Σ"],
                    Text("parameters per layer and direction", "每层每方向的参数"),
                ),
            ),
        )
    )
    answers = {k: c[k] for k in ("params", "input_weights", "recurrent_weights", "biases", "per_block")}
    answers["output_size"] = h * dirs
    return Solution(answers=answers, steps=steps)


def _params_mistake(
    cell: str, input: int, hidden: int, convention: str, layers: int, bidirectional: bool, **kw: Any
) -> dict[str, Any]:
    d, h, n_layers = _check_sizes(cell, input, hidden, layers)
    n_bias = kw.pop("n_bias", _check_convention(convention))
    dirs = kw.pop("directions", 2 if bidirectional else 1)
    c = count_params(cell, d, h, n_bias, n_layers, dirs, **kw)
    return {k: c[k] for k in ("params", "input_weights", "recurrent_weights", "biases", "per_block")}


def _changed(wrong: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in wrong.items() if right.get(k) != v}


def _pm(
    cell: str, input: int, hidden: int, convention: str, layers: int, bidirectional: bool, **kw: Any
) -> dict[str, Any]:
    right = _params_mistake(cell, input, hidden, convention, layers, bidirectional)
    wrong = _params_mistake(cell, input, hidden, convention, layers, bidirectional, **kw)
    return _changed(wrong, right)


@mistake("rnn.params", "lstm_gate_forgotten")
def _p_lstm3(
    cell: str, input: int, hidden: int, convention: str = "textbook", layers: int = 1, bidirectional: bool = False
) -> dict[str, Any]:
    """Counts 3 blocks for an LSTM (the three gates, but not the candidate c̃ — or one gate missing)."""
    if cell != "lstm":
        return {}
    return _pm(cell, input, hidden, convention, layers, bidirectional, blocks=3)


@mistake("rnn.params", "gru_counted_as_lstm")
def _p_gru4(
    cell: str, input: int, hidden: int, convention: str = "textbook", layers: int = 1, bidirectional: bool = False
) -> dict[str, Any]:
    if cell != "gru":
        return {}
    return _pm(cell, input, hidden, convention, layers, bidirectional, blocks=4)


@mistake("rnn.params", "pytorch_double_bias")
def _p_double_bias(
    cell: str, input: int, hidden: int, convention: str = "textbook", layers: int = 1, bidirectional: bool = False
) -> dict[str, Any]:
    """Two bias vectors per block (PyTorch's b_ih + b_hh) in a textbook question."""
    return _pm(cell, input, hidden, convention, layers, bidirectional, n_bias=2)


@mistake("rnn.params", "textbook_single_bias")
def _p_single_bias(
    cell: str, input: int, hidden: int, convention: str = "textbook", layers: int = 1, bidirectional: bool = False
) -> dict[str, Any]:
    """One bias per block in a PyTorch question (forgets b_hh)."""
    return _pm(cell, input, hidden, convention, layers, bidirectional, n_bias=1)


@mistake("rnn.params", "bias_forgotten")
def _p_no_bias(
    cell: str, input: int, hidden: int, convention: str = "textbook", layers: int = 1, bidirectional: bool = False
) -> dict[str, Any]:
    return _pm(cell, input, hidden, convention, layers, bidirectional, n_bias=0)


@mistake("rnn.params", "recurrent_weights_forgotten")
def _p_no_recurrent(
    cell: str, input: int, hidden: int, convention: str = "textbook", layers: int = 1, bidirectional: bool = False
) -> dict[str, Any]:
    """Leaves out the h×h recurrent matrices U (counts the layer like a feed-forward layer)."""
    return _pm(cell, input, hidden, convention, layers, bidirectional, recurrent=False)


@mistake("rnn.params", "bidirectional_not_doubled")
def _p_one_direction(
    cell: str, input: int, hidden: int, convention: str = "textbook", layers: int = 1, bidirectional: bool = False
) -> dict[str, Any]:
    if not bidirectional:
        return {}
    out = _pm(cell, input, hidden, convention, layers, bidirectional, directions=1)
    out["output_size"] = int(hidden)
    return out


@mistake("rnn.params", "stacked_input_as_d")
def _p_stacked_input(
    cell: str, input: int, hidden: int, convention: str = "textbook", layers: int = 1, bidirectional: bool = False
) -> dict[str, Any]:
    """Gives every stacked layer the network input size d instead of the previous layer's output."""
    if int(layers) <= 1:
        return {}
    return _pm(cell, input, hidden, convention, layers, bidirectional, stacked_input_d=True)


# --------------------------------------------------------------------------- bidirectional sizes


@solver(
    "rnn.bidirectional",
    [
        ParamSpec("seq_len", "int", Text("sequence length T", "序列长度 T")),
        ParamSpec("input", "int", Text("input size d", "输入维度 d")),
        ParamSpec("hidden", "int", Text("hidden size h of each direction", "每个方向的隐状态维度 h")),
        ParamSpec(
            "cell", "choice", Text("srn, lstm or gru", "srn、lstm 或 gru"), default="srn", required=False, choices=CELLS
        ),
        PARAMS_SPECS[3],
        ParamSpec(
            "merge",
            "choice",
            Text("concat (default) or sum of the two directions", "两个方向的合并方式：concat（默认）或 sum"),
            default="concat",
            required=False,
            choices=("concat", "sum"),
        ),
    ],
    Text(
        "bidirectional RNN: output size per step, output shape, parameters", "双向 RNN：每步输出维度、输出形状、参数量"
    ),
)
def bidirectional(
    seq_len: int, input: int, hidden: int, cell: str = "srn", convention: str = "textbook", merge: str = "concat"
) -> Solution:
    d, h, _ = _check_sizes(cell, input, hidden)
    t = int(seq_len)
    if t <= 0:
        raise _err("seq_len must be positive", "序列长度必须为正")
    n_bias = _check_convention(convention)
    one = count_params(cell, d, h, n_bias)["params"]
    out = 2 * h if merge == "concat" else h
    steps = [
        Step(
            Text(
                "Two independent RNNs read the sequence forwards and backwards; at each step their states are joined",
                "两个独立的 RNN 分别正向和反向读序列；每一步把两个隐状态合并",
            ),
            formula="h_t = [h_t(→) ; h_t(←)]" if merge == "concat" else "h_t = h_t(→) + h_t(←)",
            substituted=f"{h} + {h}" if merge == "concat" else f"{h}",
            result=str(out),
        ),
        Step(
            Text("Outputs over the whole sequence", "整个序列的输出"),
            formula="T × (2h)" if merge == "concat" else "T × h",
            result=fmt_shape((t, out)),
        ),
        Step(
            Text("Parameters: two directions, each a full set of weights", "参数量：两个方向，各有一整套参数"),
            formula=f"2·{BLOCKS[cell]}·h·(h + d + {n_bias})",
            substituted=f"2·{one}",
            result=str(2 * one),
            note=_convention_note(convention),
        ),
    ]
    return Solution(answers={"output_size": out, "output_shape": (t, out), "params": 2 * one}, steps=steps)


@mistake("rnn.bidirectional", "outputs_not_concatenated")
def _bi_not_concat(seq_len: int, hidden: int, merge: str = "concat", **_: Any) -> dict[str, Any]:
    if merge != "concat":
        return {}
    return {"output_size": int(hidden), "output_shape": (int(seq_len), int(hidden))}


@mistake("rnn.bidirectional", "params_not_doubled")
def _bi_params_once(
    input: int, hidden: int, cell: str = "srn", convention: str = "textbook", **_: Any
) -> dict[str, Any]:
    d, h, _ = _check_sizes(cell, input, hidden)
    return {"params": count_params(cell, d, h, _check_convention(convention))["params"]}


# --------------------------------------------------------------------------- SRN


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
            substituted=f"{_m(um)}·{fmt_vector(hv)}",
            result=fmt_vector(r["uh"]),
        ),
        Step(
            Text("Input term W·x_t", "输入项 W·x_t"),
            formula="W·x_t",
            substituted=f"{_m(wm)}·{fmt_vector(xv)}",
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


def _m(a: np.ndarray) -> str:
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


# --------------------------------------------------------------------------- gates


def _require(p: dict[str, Any], gates: str) -> None:
    missing = [f"{k}{g}" for g in gates for k in "wub" if p.get(f"{k}{g}") is None]
    if missing:
        raise _err(f"missing weights: {', '.join(missing)}", f"缺少参数：{', '.join(missing)}")
    extra = sorted(set(p) - {f"{k}{g}" for g in gates for k in "wub"})
    if extra:
        raise _err(f"unknown parameters: {', '.join(extra)}", f"未知参数：{', '.join(extra)}")


def _gate_inputs(
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


def _gate_step(
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
            Grid.of(_gate_rows(wx, uh, b, net, value), labels(symbol, len(value)), ["W·x", middle, "b", "net", symbol]),
        ),
    )


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
    _require(p, "ifoc")
    xv, hv, g = _gate_inputs(x, h_prev, {n: (p[f"w{n}"], p[f"u{n}"], p[f"b{n}"]) for n in "ifoc"})
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
            _gate_step(
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


GRU_SPECS = [
    ParamSpec("x", "vector", Text("input x_t (length d)", "输入 x_t（长度 d）")),
    ParamSpec("h_prev", "vector", Text("previous state h_{t−1} (length h)", "上一时刻隐状态 h_{t−1}（长度 h）")),
]
for _g, _zh in (("z", "更新门"), ("r", "重置门"), ("h", "候选状态")):
    GRU_SPECS += [
        ParamSpec(f"w{_g}", "matrix", Text(f"W_{_g} (h×d)", f"{_zh} W_{_g}（h×d）")),
        ParamSpec(f"u{_g}", "matrix", Text(f"U_{_g} (h×h)", f"{_zh} U_{_g}（h×h）")),
        ParamSpec(f"b{_g}", "vector", Text(f"b_{_g} (length h)", f"{_zh} b_{_g}（长度 h）")),
    ]
GRU_SPECS += [
    PARAMS_SPECS[3],
    ParamSpec(
        "bhn",
        "vector",
        Text(
            "pytorch only: hidden-side candidate bias b_hn, multiplied by r (default 0)",
            "仅 pytorch：候选状态的隐藏侧偏置 b_hn，会乘以 r（默认 0）",
        ),
        default=None,
        required=False,
    ),
]


def gru_forward(
    x: Any, h_prev: Any, p: dict[str, Any], convention: str = "textbook", bhn: Any = None, variant: str = ""
) -> tuple[dict[str, Any], dict[str, Any]]:
    """One GRU step in either convention; ``variant`` reproduces a mistake."""
    _require(p, "zrh")
    _check_convention(convention)
    xv, hv, g = _gate_inputs(x, h_prev, {n: (p[f"w{n}"], p[f"u{n}"], p[f"b{n}"]) for n in "zrh"})
    b_hn = as_vector(bhn, "b_hn") if bhn is not None else np.zeros(hv.size)
    if convention == "textbook" and np.any(b_hn != 0):
        raise _err(
            "b_hn exists only in the pytorch convention; the textbook GRU has one bias b_h",
            "b_hn 只在 pytorch 约定中存在；教材的 GRU 只有一个偏置 b_h",
        )
    if b_hn.size != hv.size:
        raise _err("b_hn must have length h", "b_hn 的长度应为 h")
    parts = {}
    for n in "zr":
        wm, um, bv = g[n]
        wx, uh = wm @ xv, um @ hv
        net = wx + uh + bv
        parts[n] = (wx, uh, bv, net, sigmoid(net))
    z, r = parts["z"][4], parts["r"][4]
    wm, um, bv = g["h"]
    wx = wm @ xv
    placement = "after" if convention == "pytorch" else "before"
    if variant == "reset_after":
        placement = "after"
    elif variant == "reset_before":
        placement = "before"
    if variant == "reset_ignored":
        rec = um @ hv + (b_hn if convention == "pytorch" else 0)
    elif placement == "after":
        rec = r * (um @ hv + b_hn)
    else:
        rec = um @ (r * hv) + (b_hn if convention == "pytorch" else 0)
    net = wx + rec + bv
    ht = np.tanh(net)
    parts["h"] = (wx, rec, bv, net, ht)
    if variant == "update_swapped":
        h = (1 - z) * hv + z * ht
    else:
        h = z * hv + (1 - z) * ht
    answers = {"z": z.tolist(), "r": r.tolist(), "h_tilde": ht.tolist(), "h": h.tolist()}
    return answers, {"parts": parts, "h_prev": hv, "placement": placement, "b_hn": b_hn}


@solver(
    "rnn.gru_step",
    GRU_SPECS,
    Text(
        "one GRU step: update gate z, reset gate r, candidate h̃, new state h_t",
        "GRU 的一步：更新门 z、重置门 r、候选状态 h̃、新状态 h_t",
    ),
)
def gru_step(x: Any, h_prev: Any, convention: str = "textbook", bhn: Any = None, **weights: Any) -> Solution:
    ans, det = gru_forward(x, h_prev, weights, convention, bhn)
    parts, hv = det["parts"], det["h_prev"]
    steps = [
        Step(
            Text(
                "Convention: textbook (nndl), reset gate applied to h_{t−1} before the product with U_h"
                if convention == "textbook"
                else "Convention: PyTorch nn.GRU, reset gate applied after the product: r⊙(U_h·h_{t−1} + b_hn)",
                "约定：教材（邱锡鹏），重置门先作用于 h_{t−1} 再乘 U_h"
                if convention == "textbook"
                else "约定：PyTorch nn.GRU，重置门作用在乘积之后：r⊙(U_h·h_{t−1} + b_hn)",
            ),
            formula="h̃_t = tanh(W_h·x_t + U_h·(r_t⊙h_{t−1}) + b_h)"
            if convention == "textbook"
            else "n_t = tanh(W_h·x_t + b_h + r_t⊙(U_h·h_{t−1} + b_hn))",
            note=Text(
                "Both conventions combine the states the same way: h_t = z⊙h_{t−1} + (1 − z)⊙h̃ (z keeps the OLD state).",
                "两种约定的状态更新相同：h_t = z⊙h_{t−1} + (1 − z)⊙h̃（z 控制保留旧状态的比例）。",
            ),
        ),
        _gate_step(
            Text("Update gate", "更新门"), "z", "σ", *parts["z"], formula="z_t = σ(W_z·x_t + U_z·h_{t−1} + b_z)"
        ),
        _gate_step(Text("Reset gate", "重置门"), "r", "σ", *parts["r"], formula="r_t = σ(W_r·x_t + U_r·h_{t−1} + b_r)"),
    ]
    r = np.array(ans["r"])
    um = as_matrix(weights["uh"], "U_h")
    if convention == "textbook":
        steps.append(
            Step(
                Text("Reset the old state, then multiply by U_h", "先用重置门作用于旧状态，再乘 U_h"),
                formula="U_h·(r_t⊙h_{t−1})",
                substituted=f"{_m(um)}·({fmt_vector(r)}⊙{fmt_vector(hv)}) = {_m(um)}·{fmt_vector(r * hv)}",
                result=fmt_vector(parts["h"][1]),
            )
        )
    else:
        steps.append(
            Step(
                Text("Multiply by U_h (plus b_hn) first, then apply the reset gate", "先乘 U_h（加 b_hn），再乘重置门"),
                formula="r_t⊙(U_h·h_{t−1} + b_hn)",
                substituted=f"{fmt_vector(r)}⊙({fmt_vector(um @ hv)} + {fmt_vector(det['b_hn'])})",
                result=fmt_vector(parts["h"][1]),
            )
        )
    steps.append(
        _gate_step(
            Text("Candidate state", "候选状态"),
            "h̃",
            "tanh",
            *parts["h"],
            formula="h̃_t = tanh(W_h·x_t + U_h·(r_t⊙h_{t−1}) + b_h)"
            if convention == "textbook"
            else "n_t = tanh(W_h·x_t + r_t⊙(U_h·h_{t−1} + b_hn) + b_h)",
            middle="U·(r⊙h)" if convention == "textbook" else "r⊙(U·h+b_hn)",
        )
    )
    z, ht, h = np.array(ans["z"]), np.array(ans["h_tilde"]), np.array(ans["h"])
    steps.append(
        Step(
            Text(
                "New state: interpolate between the old state and the candidate", "新状态：在旧状态与候选状态之间插值"
            ),
            formula="h_t = z_t⊙h_{t−1} + (1 − z_t)⊙h̃_t",
            substituted=f"{fmt_vector(z)}⊙{fmt_vector(hv)} + {fmt_vector(1 - z)}⊙{fmt_vector(ht)} = {fmt_vector(z * hv)} + {fmt_vector((1 - z) * ht)}",
            result=fmt_vector(h),
            grids=(
                Grid.of(
                    [[round(float(v), 4) for v in col] for col in zip(z, r, hv, ht, h, strict=True)],
                    [f"j={j}" for j in range(1, len(h) + 1)],
                    ["z", "r", "h_{t−1}", "h̃", "h_t"],
                    Text("GRU step", "GRU 一步"),
                ),
            ),
        )
    )
    return Solution(answers=ans, steps=steps)


def _gru_mistake(
    variant: str, keys: tuple[str, ...], x: Any, h_prev: Any, convention: str, bhn: Any, weights: dict[str, Any]
) -> dict[str, Any]:
    ans, _ = gru_forward(x, h_prev, weights, convention, bhn, variant)
    return {k: ans[k] for k in keys}


@mistake("rnn.gru_step", "update_gate_swapped")
def _gru_update_swapped(
    x: Any, h_prev: Any, convention: str = "textbook", bhn: Any = None, **weights: Any
) -> dict[str, Any]:
    """h_t = (1 − z)⊙h_{t−1} + z⊙h̃ (the other common write-up, not this course's)."""
    return _gru_mistake("update_swapped", ("h",), x, h_prev, convention, bhn, weights)


@mistake("rnn.gru_step", "reset_after_matmul")
def _gru_reset_after(
    x: Any, h_prev: Any, convention: str = "textbook", bhn: Any = None, **weights: Any
) -> dict[str, Any]:
    """PyTorch's placement r⊙(U_h·h) in a textbook question."""
    if convention != "textbook":
        return {}
    return _gru_mistake("reset_after", ("h_tilde", "h"), x, h_prev, convention, bhn, weights)


@mistake("rnn.gru_step", "reset_before_matmul")
def _gru_reset_before(
    x: Any, h_prev: Any, convention: str = "textbook", bhn: Any = None, **weights: Any
) -> dict[str, Any]:
    """The textbook's placement U_h·(r⊙h) in a PyTorch question."""
    if convention != "pytorch":
        return {}
    return _gru_mistake("reset_before", ("h_tilde", "h"), x, h_prev, convention, bhn, weights)


@mistake("rnn.gru_step", "reset_gate_ignored")
def _gru_no_reset(x: Any, h_prev: Any, convention: str = "textbook", bhn: Any = None, **weights: Any) -> dict[str, Any]:
    return _gru_mistake("reset_ignored", ("h_tilde", "h"), x, h_prev, convention, bhn, weights)


# --------------------------------------------------------------------------- gradients through time


_TREND_ZH = {
    "vanishing": "梯度消失（vanishing）",
    "exploding": "梯度爆炸（exploding）",
    "stable": "既不消失也不爆炸（stable）",
}


def _trend(factor: float) -> str:
    if math.isclose(factor, 1.0, rel_tol=1e-9, abs_tol=1e-12):
        return "stable"
    return "vanishing" if factor < 1 else "exploding"


@solver(
    "rnn.gradient",
    [
        ParamSpec("u", "number", Text("recurrent weight u (scalar SRN)", "循环权重 u（标量 SRN）")),
        ParamSpec("t", "int", Text("number of steps t", "时间步数 t")),
        ParamSpec(
            "activation",
            "choice",
            Text("f: tanh (default), sigmoid, relu or linear", "激活函数 f：tanh（默认）、sigmoid、relu 或 linear"),
            default="tanh",
            required=False,
            choices=ACTIVATIONS,
        ),
        ParamSpec(
            "z",
            "number",
            Text("net input z at which f' is taken (default 0)", "求 f' 时的净输入 z（默认 0）"),
            default=0.0,
            required=False,
        ),
        ParamSpec(
            "fprime",
            "number",
            Text("give f' directly instead (optional)", "直接给出 f'（可选）"),
            default=None,
            required=False,
        ),
    ],
    Text(
        "gradient magnitude through t unrolled SRN steps |∂h_t/∂h_0| ≈ |u·f'|^t",
        "展开 t 步后的梯度大小 |∂h_t/∂h_0| ≈ |u·f'|^t",
    ),
)
def gradient(u: float, t: int, activation: str = "tanh", z: float = 0.0, fprime: Any = None) -> Solution:
    t = int(t)
    if t < 1:
        raise _err("t must be at least 1", "t 至少为 1")
    u = float(u)
    steps: list[Step] = []
    if fprime is None:
        fp = derivative(activation, float(z))
        forms = {"tanh": "1 − tanh²(z)", "sigmoid": "σ(z)·(1 − σ(z))", "relu": "1 if z > 0 else 0", "linear": "1"}
        steps.append(
            Step(
                Text(
                    f"Derivative of f = {activation} at z = {fmt_num(z)}",
                    f"f = {activation} 在 z = {fmt_num(z)} 处的导数",
                ),
                formula=f"f'(z) = {forms[activation]}",
                result=fmt_num(fp, 6),
                note=Text("σ' is at most 0.25 and tanh' at most 1.", "σ' 最大为 0.25，tanh' 最大为 1。")
                if activation in ("sigmoid", "tanh")
                else None,
            )
        )
    else:
        fp = float(fprime)
        steps.append(Step(Text("f' is given", "题目给出 f'"), result=fmt_num(fp, 6)))
    factor = abs(u * fp)
    steps.append(
        Step(
            Text(
                "One step back in time multiplies the gradient by ∂h_k/∂h_{k−1} = u·f'(z_k)",
                "每往回传一步，梯度乘以 ∂h_k/∂h_{k−1} = u·f'(z_k)",
            ),
            formula="γ = |u·f'|",
            substituted=f"|{fmt_num(u)}·{fmt_num(fp, 6)}|",
            result=fmt_num(factor, 6),
        )
    )
    if t * math.log10(factor) > 300 if factor > 0 else False:
        raise _err(
            f"the gradient factor γ^t = {fmt_num(factor, 6)}^{t} ≈ 10^{t * math.log10(factor):.0f} is too large for a "
            "float: it explodes",
            f"梯度因子 γ^t = {fmt_num(factor, 6)}^{t} ≈ 10^{t * math.log10(factor):.0f}，超出浮点数范围：梯度爆炸",
        )
    grad = factor**t
    table = (
        [[k, round(factor**k, 6) if factor**k < 1e6 else f"{factor**k:.4g}"] for k in range(1, t + 1)]
        if t <= 12
        else []
    )
    steps.append(
        Step(
            Text(f"Through {t} steps the factors multiply", f"经过 {t} 步，各因子连乘"),
            formula="|∂h_t/∂h_0| = Π_{k=1}^{t} |u·f'(z_k)| ≈ γ^t",
            substituted=f"{fmt_num(factor, 6)}^{t}",
            result=fmt_num(grad, 6),
            note=Text(
                "Assumes the same net input (so the same f') at every step.",
                "假设每一步的净输入相同（因而 f' 相同）。",
            ),
            grids=(Grid.of(table, (), ["k", "γ^k"], Text("γ^k", "γ^k")),) if table else (),
        )
    )
    trend = _trend(factor)
    why = {
        "vanishing": Text(
            "γ < 1: the gradient shrinks geometrically, so early inputs barely affect learning (long-range dependencies are lost).",
            "γ < 1：梯度按指数衰减，早期输入几乎不影响学习（长程依赖丢失），即梯度消失。",
        ),
        "exploding": Text(
            "γ > 1: the gradient grows geometrically and training becomes unstable (remedy: gradient clipping, weight decay).",
            "γ > 1：梯度按指数增长，训练不稳定，即梯度爆炸（对策：梯度截断、权重衰减）。",
        ),
        "stable": Text("γ = 1: the gradient neither vanishes nor explodes.", "γ = 1：梯度既不消失也不爆炸。"),
    }[trend]
    shown = {"vanishing": "γ < 1 ⇒ γ^t → 0", "exploding": "γ > 1 ⇒ γ^t → ∞", "stable": "γ = 1 ⇒ γ^t = 1"}[trend]
    steps.append(Step(Text(f"Verdict: {trend}", f"结论：{_TREND_ZH[trend]}"), result=shown, note=why))
    return Solution(answers={"fprime": fp, "factor": factor, "gradient": grad, "trend": trend}, steps=steps)


def _fp(activation: str, z: float, fprime: Any) -> float:
    return float(fprime) if fprime is not None else derivative(activation, float(z))


@mistake("rnn.gradient", "fprime_ignored")
def _grad_no_fprime(u: float, t: int, **_: Any) -> dict[str, Any]:
    """|u|^t: forgets the activation's derivative in every factor."""
    factor = abs(float(u))
    return {"factor": factor, "gradient": factor ** int(t), "trend": _trend(factor)}


@mistake("rnn.gradient", "sum_not_product")
def _grad_sum(u: float, t: int, activation: str = "tanh", z: float = 0.0, fprime: Any = None) -> dict[str, Any]:
    """t·|u·f'|: adds the per-step factors instead of multiplying them."""
    return {"gradient": int(t) * abs(float(u) * _fp(activation, z, fprime))}


@mistake("rnn.gradient", "exponent_off_by_one")
def _grad_off_by_one(u: float, t: int, activation: str = "tanh", z: float = 0.0, fprime: Any = None) -> dict[str, Any]:
    return {"gradient": abs(float(u) * _fp(activation, z, fprime)) ** (int(t) - 1)}


@solver(
    "rnn.cell_path",
    [
        ParamSpec(
            "forget", "vector", Text("forget-gate values f_1 … f_t of one unit", "某个单元各步的遗忘门值 f_1 … f_t")
        ),
    ],
    Text("LSTM: gradient along the cell path ∂c_t/∂c_0 = Π f_k", "LSTM：沿记忆单元路径的梯度 ∂c_t/∂c_0 = Π f_k"),
)
def cell_path(forget: Any) -> Solution:
    f = as_vector(forget, "f")
    if np.any(f < 0) or np.any(f > 1):
        raise _err("forget-gate values lie between 0 and 1", "遗忘门的值在 0 到 1 之间")
    prods = np.cumprod(f)
    steps = [
        Step(
            Text(
                "Along the cell path c_k = f_k⊙c_{k−1} + i_k⊙c̃_k, so ∂c_k/∂c_{k−1} = f_k (gates held fixed): no weight matrix, no tanh'",
                "沿记忆单元路径 c_k = f_k⊙c_{k−1} + i_k⊙c̃_k，故 ∂c_k/∂c_{k−1} = f_k（门视为常数）：没有权重矩阵，也没有 tanh'",
            ),
            formula="∂c_t/∂c_0 = Π_{k=1}^{t} f_k",
            substituted=" · ".join(fmt_num(v, 4) for v in f),
            result=fmt_num(prods[-1], 6),
            grids=(
                Grid.of(
                    [
                        [k + 1, round(float(v), 4), round(float(p), 6)]
                        for k, (v, p) in enumerate(zip(f, prods, strict=True))
                    ],
                    (),
                    ["k", "f_k", "Π f"],
                    Text("running product", "累乘"),
                ),
            ),
            note=Text(
                "With f close to 1 the product stays near 1: the additive cell update is the LSTM's 'linear path' that eases "
                "vanishing gradients (like a residual connection). It does not stop gradients exploding through the other paths.",
                "当 f 接近 1 时乘积仍接近 1：记忆单元的加法更新相当于一条'线性通路'（类似残差连接），缓解梯度消失；"
                "但它不能阻止经由其他路径的梯度爆炸。",
            ),
        )
    ]
    return Solution(answers={"gradient": float(prods[-1])}, steps=steps)


@mistake("rnn.cell_path", "sum_not_product")
def _cell_sum(forget: Any) -> dict[str, Any]:
    return {"gradient": float(np.sum(as_vector(forget, "f")))}


@mistake("rnn.cell_path", "one_minus_f")
def _cell_one_minus(forget: Any) -> dict[str, Any]:
    """Takes (1 − f) as the fraction kept: reads the forget gate as 'how much to forget'."""
    return {"gradient": float(np.prod(1 - as_vector(forget, "f")))}
