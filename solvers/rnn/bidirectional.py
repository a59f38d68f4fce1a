"""Output sizes and parameter counts of a bidirectional recurrent layer."""

from __future__ import annotations

from typing import Any

from solvers.core import ParamSpec, Solution, Step, Text, fmt_shape
from solvers.core import input_error as _err
from solvers.registry import mistake, solver
from solvers.rnn.common import BLOCKS, CELLS, check_convention, convention_note
from solvers.rnn.params import PARAMS_SPECS, check_sizes, count_params


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
    d, h, _ = check_sizes(cell, input, hidden)
    t = int(seq_len)
    if t <= 0:
        raise _err("seq_len must be positive", "序列长度必须为正")
    n_bias = check_convention(convention)
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
            note=convention_note(convention, cell),
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
    d, h, _ = check_sizes(cell, input, hidden)
    return {"params": count_params(cell, d, h, check_convention(convention))["params"]}
