"""Parameter counts of SRN, LSTM and GRU layers (textbook one bias per gate block, PyTorch two) and their mistakes."""

from __future__ import annotations

from typing import Any

from solvers.core import Grid, ParamSpec, Solution, Step, Text
from solvers.core import input_error as _err
from solvers.registry import mistake, solver
from solvers.rnn.common import BLOCKS, CELLS, CONVENTIONS, check_convention, convention_note


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


def check_sizes(cell: str, input: Any, hidden: Any, layers: Any = 1) -> tuple[int, int, int]:
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
    d, h, n_layers = check_sizes(cell, input, hidden, layers)
    n_bias = check_convention(convention)
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
            note=convention_note(convention, cell),
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
    d, h, n_layers = check_sizes(cell, input, hidden, layers)
    n_bias = kw.pop("n_bias", check_convention(convention))
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
