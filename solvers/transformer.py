"""Transformer (nndl ch. 8): sinusoidal positional encoding, parameter counts of encoder and decoder
layers, shapes through a layer, the position-wise FFN and the residual + layer-norm sub-layer.

Conventions (REFERENCE.md): PE(pos, 2i) = sin(pos/10000^{2i/d}), PE(pos, 2i+1) = cos(pos/10000^{2i/d})
with angles in radians and dimensions numbered from 0; FFN(x) = max(0, xW₁ + b₁)W₂ + b₂ (row
convention); every sub-layer is followed by a residual connection and layer norm, LN(x + Sublayer(x)).
The layer parameter count includes every weight matrix, every bias and both γ and β of each layer
norm, which is what PyTorch's nn.TransformerEncoderLayer / DecoderLayer hold.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from solvers.arrays import as_any_vector as as_vector
from solvers.arrays import as_matrix
from solvers.attention.multihead import multihead_counts
from solvers.core import (
    Grid,
    ParamSpec,
    Solution,
    Step,
    Text,
    fmt_matrix,
    fmt_num,
    fmt_shape,
    fmt_vector,
)
from solvers.core import input_error as _err
from solvers.registry import mistake, solver
from solvers.textfmt import labels, rounded

LAYERS = ("encoder", "decoder")


def _positive(**values: Any) -> None:
    for name, value in values.items():
        if int(value) <= 0:
            raise _err(f"{name} must be positive (got {value})", f"{name} 必须为正数（给了 {value}）")


# --------------------------------------------------------------------------- positional encoding


def pe_entry(pos: float, j: int, d: int, variant: str = "") -> tuple[float, float, float, str]:
    """(exponent, angle, value, function) of PE(pos, j).

    ``variant`` reproduces a misconception: "exponent_i" (10000^{i/d}), "own_index" (10000^{j/d}
    for the cos dimensions too), "swapped" (cos on even, sin on odd), "degrees" (calculator in DEG).
    """
    i = j // 2
    if variant == "exponent_i":
        exponent = i / d
    elif variant == "own_index":
        exponent = j / d
    else:
        exponent = 2 * i / d
    angle = pos / 10000**exponent
    use_sin = (j % 2 == 0) != (variant == "swapped")
    arg = math.radians(angle) if variant == "degrees" else angle
    value = math.sin(arg) if use_sin else math.cos(arg)
    return exponent, angle, value, "sin" if use_sin else "cos"


def _check_pe(d_model: Any, pos: Any = 0) -> int:
    d = int(d_model)
    if d <= 0 or d % 2:
        raise _err(
            f"d_model must be a positive even number (sin/cos pairs), got {d_model}",
            f"d_model 必须是正偶数（sin/cos 成对出现），给了 {d_model}",
        )
    if float(pos) < 0:
        raise _err("positions start at 0", "位置从 0 开始编号")
    return d


def pe_vector(pos: float, d: int, variant: str = "") -> list[float]:
    return [pe_entry(pos, j, d, variant)[2] for j in range(d)]


PE_NOTE = Text(
    "Dimensions are numbered from 0: dimension 2i uses sin, 2i+1 uses cos with the SAME frequency "
    "1/10000^{2i/d}. Angles are in radians (set the calculator to RAD).",
    "维度从 0 开始编号：第 2i 维用 sin，第 2i+1 维用 cos，二者频率相同，都是 1/10000^{2i/d}。"
    "角度是弧度（计算器设为 RAD）。",
)


@solver(
    "transformer.positional_encoding",
    [
        ParamSpec("pos", "int", Text("position pos (from 0)", "位置 pos（从 0 开始）")),
        ParamSpec("d_model", "int", Text("model width d (even)", "模型维度 d（偶数）")),
        ParamSpec(
            "dim",
            "int",
            Text("one dimension j (from 0) to report as 'value' (optional)", "单独给出的维度 j（从 0 开始，可选）"),
            default=None,
            required=False,
        ),
    ],
    Text("sinusoidal positional encoding PE(pos, ·)", "正弦位置编码 PE(pos, ·)"),
)
def positional_encoding(pos: int, d_model: int, dim: Any = None) -> Solution:
    d = _check_pe(d_model, pos)
    if dim is not None and not 0 <= int(dim) < d:
        raise _err(f"dim must be between 0 and {d - 1}", f"dim 应在 0 到 {d - 1} 之间")
    rows = []
    values = []
    for j in range(d):
        exponent, angle, value, fn = pe_entry(pos, j, d)
        values.append(value)
        rows.append([j, j // 2, f"{2 * (j // 2)}/{d}", round(10000**exponent, 4), round(angle, 6), fn, round(value, 6)])
    steps = [
        Step(
            Text(f"Positional encoding of position {pos}, d = {d}", f"位置 {pos} 的位置编码，d = {d}"),
            formula="PE(pos, 2i) = sin(pos / 10000^{2i/d}),  PE(pos, 2i+1) = cos(pos / 10000^{2i/d})",
            note=PE_NOTE,
            grids=(
                Grid.of(
                    rows,
                    (),
                    ["j", "i", "2i/d", "10000^{2i/d}", "pos/10000^{2i/d}", "fn", "PE"],
                    Text("one row per dimension", "每一维一行"),
                ),
            ),
        )
    ]
    for j in range(d):
        exponent, angle, value, fn = pe_entry(pos, j, d)
        steps.append(
            Step(
                Text(f"Dimension {j} (i = {j // 2}, {fn})", f"第 {j} 维（i = {j // 2}，{fn}）"),
                formula=f"PE({pos}, {j}) = {fn}({pos} / 10000^({2 * (j // 2)}/{d}))",
                substituted=f"{fn}({pos} / {fmt_num(10000**exponent, 6)}) = {fn}({fmt_num(angle, 6)})",
                result=fmt_num(value, 6),
            )
        )
    answers: dict[str, Any] = {"pe": values}
    if dim is not None:
        answers["value"] = values[int(dim)]
    return Solution(answers=answers, steps=steps)


def _pe_mistake(pos: int, d_model: int, dim: Any, variant: str) -> dict[str, Any]:
    d = _check_pe(d_model, pos)
    values = pe_vector(pos, d, variant)
    out: dict[str, Any] = {"pe": values}
    if dim is not None:
        out["value"] = values[int(dim)]
    return out


@mistake("transformer.positional_encoding", "exponent_i_not_2i")
def _pe_exponent_i(pos: int, d_model: int, dim: Any = None) -> dict[str, Any]:
    return _pe_mistake(pos, d_model, dim, "exponent_i")


@mistake("transformer.positional_encoding", "odd_dim_own_exponent")
def _pe_own_index(pos: int, d_model: int, dim: Any = None) -> dict[str, Any]:
    """Uses 10000^{j/d} with the dimension index j, so the cos dimensions get a different frequency."""
    return _pe_mistake(pos, d_model, dim, "own_index")


@mistake("transformer.positional_encoding", "sin_cos_swapped")
def _pe_swapped(pos: int, d_model: int, dim: Any = None) -> dict[str, Any]:
    return _pe_mistake(pos, d_model, dim, "swapped")


@mistake("transformer.positional_encoding", "calculator_in_degrees")
def _pe_degrees(pos: int, d_model: int, dim: Any = None) -> dict[str, Any]:
    return _pe_mistake(pos, d_model, dim, "degrees")


@solver(
    "transformer.pe_matrix",
    [
        ParamSpec("seq_len", "int", Text("number of positions n (0 … n−1)", "位置个数 n（0 … n−1）")),
        ParamSpec("d_model", "int", Text("model width d (even)", "模型维度 d（偶数）")),
    ],
    Text("positional-encoding matrix for positions 0 … n−1", "位置 0 … n−1 的位置编码矩阵"),
)
def pe_matrix(seq_len: int, d_model: int) -> Solution:
    d = _check_pe(d_model)
    _positive(seq_len=seq_len)
    n = int(seq_len)
    freq_rows = [[2 * i, f"{2 * i}/{d}", round(10000 ** (2 * i / d), 4)] for i in range(d // 2)]
    matrix = [pe_vector(p, d) for p in range(n)]
    steps = [
        Step(
            Text("Frequencies: one per sin/cos pair", "频率：每对 sin/cos 一个"),
            formula="ω_i = 1 / 10000^{2i/d}",
            note=PE_NOTE,
            grids=(Grid.of(freq_rows, (), ["2i", "2i/d", "10000^{2i/d}"], Text("denominators", "分母")),),
        )
    ]
    for p in range(n):
        parts = []
        for j in range(d):
            exponent, angle, _, fn = pe_entry(p, j, d)
            parts.append(f"{fn}({fmt_num(angle, 5)})")
        steps.append(
            Step(
                Text(f"Row for position {p}", f"位置 {p} 这一行"),
                formula="PE(pos, 2i) = sin(pos·ω_i), PE(pos, 2i+1) = cos(pos·ω_i)",
                substituted=", ".join(parts),
                result=fmt_vector(matrix[p], 5),
            )
        )
    steps.append(
        Step(
            Text("The encoding matrix (row = position, column = dimension)", "位置编码矩阵（行 = 位置，列 = 维度）"),
            result=fmt_matrix(matrix),
            grids=(
                Grid.of(rounded(matrix), [f"pos {p}" for p in range(n)], [str(j) for j in range(d)], Text("PE", "PE")),
            ),
        )
    )
    return Solution(answers={"pe": matrix}, steps=steps)


def _pe_matrix_mistake(seq_len: int, d_model: int, variant: str) -> dict[str, Any]:
    d = _check_pe(d_model)
    return {"pe": [pe_vector(p, d, variant) for p in range(int(seq_len))]}


@mistake("transformer.pe_matrix", "exponent_i_not_2i")
def _pem_exponent_i(seq_len: int, d_model: int) -> dict[str, Any]:
    return _pe_matrix_mistake(seq_len, d_model, "exponent_i")


@mistake("transformer.pe_matrix", "odd_dim_own_exponent")
def _pem_own_index(seq_len: int, d_model: int) -> dict[str, Any]:
    return _pe_matrix_mistake(seq_len, d_model, "own_index")


@mistake("transformer.pe_matrix", "sin_cos_swapped")
def _pem_swapped(seq_len: int, d_model: int) -> dict[str, Any]:
    return _pe_matrix_mistake(seq_len, d_model, "swapped")


@mistake("transformer.pe_matrix", "calculator_in_degrees")
def _pem_degrees(seq_len: int, d_model: int) -> dict[str, Any]:
    return _pe_matrix_mistake(seq_len, d_model, "degrees")


# --------------------------------------------------------------------------- layer parameters


def layer_counts(
    d_model: int,
    heads: int,
    d_ff: int,
    layer: str = "encoder",
    attn_bias: bool = True,
    ffn_bias: bool = True,
    norms: bool = True,
    w_o: bool = True,
    attention_blocks: int | None = None,
    ffn_layers: int = 2,
    ln_beta: bool = True,
) -> dict[str, int]:
    """Parameter counts of one Transformer layer, part by part. The switches reproduce mistakes."""
    d = d_model
    blocks = attention_blocks if attention_blocks is not None else (1 if layer == "encoder" else 2)
    n_norms = blocks + 1
    mha = multihead_counts(d, heads, None, None, attn_bias, w_o)["total"]
    ffn = d * d_ff + (d_ff if ffn_bias else 0)
    if ffn_layers == 2:
        ffn += d_ff * d + (d if ffn_bias else 0)
    norm = n_norms * (2 * d if ln_beta else d) if norms else 0
    return {
        "mha": mha,
        "blocks": blocks,
        "ffn": ffn,
        "norm": norm,
        "n_norms": n_norms,
        "total": blocks * mha + ffn + norm,
    }


def _check_layer(d_model: Any, heads: Any, d_ff: Any, layer: str) -> tuple[int, int, int]:
    d, h, f = int(d_model), int(heads), int(d_ff)
    _positive(d_model=d, heads=h, d_ff=f)
    if d % h:
        raise _err(f"d_model = {d} must be divisible by heads = {h}", f"d_model = {d} 必须能被头数 {h} 整除")
    if layer not in LAYERS:
        raise _err("layer must be encoder or decoder", "layer 只能是 encoder 或 decoder")
    return d, h, f


LAYER_PARAMS = [
    ParamSpec("d_model", "int", Text("model width d_model", "模型维度 d_model")),
    ParamSpec("heads", "int", Text("number of heads h", "头数 h")),
    ParamSpec("d_ff", "int", Text("FFN hidden width d_ff", "前馈网络隐藏层宽度 d_ff")),
    ParamSpec(
        "layer",
        "choice",
        Text(
            "encoder (1 attention block) or decoder (self + cross attention)",
            "encoder（1 个注意力块）或 decoder（自注意力 + 交叉注意力）",
        ),
        default="encoder",
        required=False,
        choices=LAYERS,
    ),
]


def _layer_intro_steps(d: int, h: int, layer: str, c: dict[str, int], mh: dict[str, int]) -> list[Step]:
    """What is counted in a layer, and one multi-head attention block's parameters."""
    return [
        Step(
            Text(
                "What is counted: all weight matrices and biases, and γ and β of every layer norm (as PyTorch does). "
                + (
                    "An encoder layer = multi-head attention (MHA) + FFN + 2 layer norms (LN)"
                    if layer == "encoder"
                    else "A decoder layer = masked self-attention + encoder-decoder attention (2 MHA) + FFN "
                    "+ 3 layer norms (LN)"
                ),
                "计数范围：所有权重矩阵和偏置，以及每个层归一化的 γ 和 β（与 PyTorch 一致）。"
                + (
                    "编码器层 = 多头注意力（MHA）+ 前馈网络（FFN）+ 2 个层归一化（LN）"
                    if layer == "encoder"
                    else "解码器层 = 带掩码的自注意力 + 编码器-解码器注意力（2 个 MHA）+ 前馈网络（FFN）+ 3 个层归一化（LN）"
                ),
            ),
            result="MHA + FFN + 2·LN" if layer == "encoder" else "2·MHA + FFN + 3·LN",
        ),
        Step(
            Text(
                "One multi-head attention block: W_Q, W_K, W_V, W_O are each d×d (all heads together), plus 4 bias vectors",
                "一个多头注意力块：W_Q、W_K、W_V、W_O 各为 d×d（所有头合在一起），加 4 个偏置向量",
            ),
            formula="4·d² + 4·d",
            substituted=f"4·{d}² + 4·{d} = {4 * d * d} + {4 * d}",
            result=str(c["mha"]),
            note=Text(
                f"The heads split d into {h} pieces of d_k = {d // h}; splitting does not change the count.",
                f"多头只是把 d 切成 {h} 份（每份 d_k = {d // h}），不改变参数总量。",
            ),
            grids=(
                Grid.of(
                    [
                        ["W_Q", mh["wq"]],
                        ["W_K", mh["wk"]],
                        ["W_V", mh["wv"]],
                        ["W_O", mh["wo"]],
                        ["b_Q+b_K+b_V+b_O", mh["bq"] + mh["bk"] + mh["bv"] + mh["bo"]],
                    ],
                    (),
                    ["", "#"],
                    Text("one attention block", "一个注意力块"),
                ),
            ),
        ),
    ]


@solver(
    "transformer.layer_params",
    LAYER_PARAMS,
    Text(
        "parameter count of one Transformer encoder/decoder layer (attention + FFN + layer norms)",
        "一个 Transformer 编码器/解码器层的参数量（注意力 + 前馈网络 + 层归一化）",
    ),
)
def layer_params(d_model: int, heads: int, d_ff: int, layer: str = "encoder") -> Solution:
    d, h, f = _check_layer(d_model, heads, d_ff, layer)
    c = layer_counts(d, h, f, layer)
    mh = multihead_counts(d, h)
    steps = _layer_intro_steps(d, h, layer, c, mh)
    if c["blocks"] == 2:
        steps.append(
            Step(
                Text(
                    "The decoder has two attention blocks: masked self-attention and encoder-decoder (cross) attention",
                    "解码器有两个注意力块：带掩码的自注意力和编码器-解码器（交叉）注意力",
                ),
                formula="2·(4·d² + 4·d)",
                substituted=f"2·{c['mha']}",
                result=str(2 * c["mha"]),
            )
        )
    steps.append(
        Step(
            Text(
                "Position-wise FFN: d → d_ff → d, each linear map with its bias",
                "逐位置前馈网络：d → d_ff → d，每个线性层带偏置",
            ),
            formula="(d·d_ff + d_ff) + (d_ff·d + d)",
            substituted=f"({d}·{f} + {f}) + ({f}·{d} + {d})",
            result=str(c["ffn"]),
        )
    )
    steps.append(
        Step(
            Text(
                f"{c['n_norms']} layer norms (one after each sub-layer), each with γ and β of size d",
                f"{c['n_norms']} 个层归一化（每个子层后一个），各有长度为 d 的 γ 和 β",
            ),
            formula=f"{c['n_norms']}·2·d",
            substituted=f"{c['n_norms']}·2·{d}",
            result=str(c["norm"]),
        )
    )
    parts = [str(c["mha"])] * c["blocks"] + [str(c["ffn"]), str(c["norm"])]
    steps.append(
        Step(
            Text("Total for the layer", "该层参数总量"),
            formula="MHA + FFN + 2·LN" if layer == "encoder" else "2·MHA + FFN + 3·LN",
            substituted=" + ".join(parts),
            result=str(c["total"]),
        )
    )
    return Solution(
        answers={"params": c["total"], "mha_params": c["mha"], "ffn_params": c["ffn"], "norm_params": c["norm"]},
        steps=steps,
    )


def _layer_mistake(d_model: int, heads: int, d_ff: int, layer: str, **kw: Any) -> dict[str, Any]:
    d, h, f = _check_layer(d_model, heads, d_ff, layer)
    c = layer_counts(d, h, f, layer, **kw)
    return {"params": c["total"], "mha_params": c["mha"], "ffn_params": c["ffn"], "norm_params": c["norm"]}


def _only(result: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: result[k] for k in keys}


@mistake("transformer.layer_params", "layer_norms_forgotten")
def _lp_no_norms(d_model: int, heads: int, d_ff: int, layer: str = "encoder") -> dict[str, Any]:
    return _only(_layer_mistake(d_model, heads, d_ff, layer, norms=False), "params", "norm_params")


@mistake("transformer.layer_params", "layer_norm_beta_forgotten")
def _lp_no_beta(d_model: int, heads: int, d_ff: int, layer: str = "encoder") -> dict[str, Any]:
    """Counts only the scale γ of each layer norm, not the shift β."""
    return _only(_layer_mistake(d_model, heads, d_ff, layer, ln_beta=False), "params", "norm_params")


@mistake("transformer.layer_params", "biases_forgotten")
def _lp_no_bias(d_model: int, heads: int, d_ff: int, layer: str = "encoder") -> dict[str, Any]:
    return _only(
        _layer_mistake(d_model, heads, d_ff, layer, attn_bias=False, ffn_bias=False),
        "params",
        "mha_params",
        "ffn_params",
    )


@mistake("transformer.layer_params", "output_projection_forgotten")
def _lp_no_wo(d_model: int, heads: int, d_ff: int, layer: str = "encoder") -> dict[str, Any]:
    return _only(_layer_mistake(d_model, heads, d_ff, layer, w_o=False), "params", "mha_params")


@mistake("transformer.layer_params", "ffn_one_linear")
def _lp_ffn_one(d_model: int, heads: int, d_ff: int, layer: str = "encoder") -> dict[str, Any]:
    """Counts only the first FFN linear map d → d_ff."""
    return _only(_layer_mistake(d_model, heads, d_ff, layer, ffn_layers=1), "params", "ffn_params")


@mistake("transformer.layer_params", "full_width_per_head")
def _lp_full_width(d_model: int, heads: int, d_ff: int, layer: str = "encoder") -> dict[str, Any]:
    """Gives every head its own d×d W_Q, W_K, W_V (the heads' cost multiplied by h)."""
    d, h, f = _check_layer(d_model, heads, d_ff, layer)
    c = layer_counts(d, h, f, layer)
    mha = multihead_counts(d, h, d, d, True, True)["total"]
    return {"params": c["blocks"] * mha + c["ffn"] + c["norm"], "mha_params": mha}


@mistake("transformer.layer_params", "cross_attention_forgotten")
def _lp_no_cross(d_model: int, heads: int, d_ff: int, layer: str = "encoder") -> dict[str, Any]:
    """Decoder counted like an encoder: one attention block and two layer norms."""
    if layer != "decoder":
        return {}
    return _only(_layer_mistake(d_model, heads, d_ff, layer, attention_blocks=1), "params", "norm_params")


# --------------------------------------------------------------------------- shapes


@solver(
    "transformer.shapes",
    [
        ParamSpec("seq_len", "int", Text("sequence length n", "序列长度 n")),
        ParamSpec("d_model", "int", Text("model width d_model", "模型维度 d_model")),
        ParamSpec("heads", "int", Text("number of heads h", "头数 h")),
        ParamSpec("d_ff", "int", Text("FFN hidden width d_ff", "前馈网络隐藏层宽度 d_ff")),
    ],
    Text(
        "shapes through one encoder layer (one sequence, no batch)", "一个编码器层中各处的形状（单个序列，不含批维度）"
    ),
)
def shapes(seq_len: int, d_model: int, heads: int, d_ff: int) -> Solution:
    n = int(seq_len)
    d, h, f = _check_layer(d_model, heads, d_ff, "encoder")
    _positive(seq_len=n)
    dk = d // h
    answers: dict[str, Any] = {
        "q_shape": (n, dk),
        "scores_shape": (n, n),
        "head_shape": (n, dk),
        "concat_shape": (n, d),
        "attn_shape": (n, d),
        "ffn_hidden_shape": (n, f),
        "output_shape": (n, d),
    }
    table = [
        ["X (+ PE)", fmt_shape((n, d))],
        ["Q_i, K_i, V_i = X·W_i", fmt_shape(answers["q_shape"])],
        ["Q_iK_iᵀ, softmax", fmt_shape(answers["scores_shape"])],
        ["head_i", fmt_shape(answers["head_shape"])],
        ["Concat(head_1, …, head_h)", fmt_shape(answers["concat_shape"])],
        ["·W_O, LN(X + ·)", fmt_shape(answers["attn_shape"])],
        ["max(0, ·W₁ + b₁)", fmt_shape(answers["ffn_hidden_shape"])],
        ["·W₂ + b₂, LN(· + ·)", fmt_shape(answers["output_shape"])],
    ]
    steps = [
        Step(
            Text("Per-head width", "每头宽度"),
            formula="d_k = d_v = d_model / h",
            substituted=f"{d} / {h}",
            result=str(dk),
        ),
        Step(
            Text(
                "Each head projects the n tokens to n × d_k queries, keys and values",
                "每个头把 n 个词投影为 n × d_k 的查询、键、值",
            ),
            formula="Q_i = X·W_Q^i, W_Q^i: d_model × d_k",
            substituted=f"({n}×{d})·({d}×{dk})",
            result=fmt_shape((n, dk)),
        ),
        Step(
            Text("Scores and weights: one number per (query, key) pair", "打分与权重：每对（查询，键）一个数"),
            formula="Q_iK_iᵀ: (n × d_k)(d_k × n)",
            substituted=f"({n}×{dk})·({dk}×{n})",
            result=fmt_shape((n, n)),
        ),
        Step(
            Text("Head output: weights times values", "每头输出：权重乘以值"),
            formula="softmax(·)·V_i: (n × n)(n × d_v)",
            substituted=f"({n}×{n})·({n}×{dk})",
            result=fmt_shape((n, dk)),
        ),
        Step(
            Text(
                "Concatenate the heads, project with W_O (d × d); the residual needs the same shape as X",
                "拼接各头并乘 W_O（d × d）；残差连接要求与 X 同形",
            ),
            formula="Concat: n × (h·d_v) = n × d_model",
            substituted=f"{n} × ({h}·{dk})",
            result=fmt_shape((n, d)),
        ),
        Step(
            Text("FFN hidden layer, applied to each position separately", "前馈网络隐藏层，对每个位置分别计算"),
            formula="max(0, X·W₁ + b₁): (n × d)(d × d_ff)",
            substituted=f"({n}×{d})·({d}×{f})",
            result=fmt_shape((n, f)),
        ),
        Step(
            Text(
                "FFN output and the second residual + layer norm: back to n × d",
                "前馈网络输出，再经残差与层归一化：回到 n × d",
            ),
            formula="(n × d_ff)(d_ff × d)",
            substituted=f"({n}×{f})·({f}×{d})",
            result=fmt_shape((n, d)),
            grids=(Grid.of(table, (), ["", "m×n"], Text("shapes through the layer", "层内各处形状")),),
        ),
    ]
    return Solution(answers=answers, steps=steps)


@mistake("transformer.shapes", "head_dim_not_split")
def _sh_not_split(seq_len: int, d_model: int, heads: int, **_: Any) -> dict[str, Any]:
    n, d, h = int(seq_len), int(d_model), int(heads)
    return {"q_shape": (n, d), "head_shape": (n, d), "concat_shape": (n, h * d)}


@mistake("transformer.shapes", "scores_n_by_dk")
def _sh_scores(seq_len: int, d_model: int, heads: int, **_: Any) -> dict[str, Any]:
    n, d, h = int(seq_len), int(d_model), int(heads)
    return {"scores_shape": (n, d // h)}


@mistake("transformer.shapes", "ffn_output_d_ff")
def _sh_ffn_out(seq_len: int, d_ff: int, **_: Any) -> dict[str, Any]:
    """Stops after the first FFN linear map, so the layer output is n × d_ff."""
    return {"output_shape": (int(seq_len), int(d_ff))}


# --------------------------------------------------------------------------- FFN


def _ffn_inputs(x: Any, w1: Any, b1: Any, w2: Any, b2: Any) -> tuple[np.ndarray, ...]:
    xm, w1m, w2m = as_matrix(x, "X"), as_matrix(w1, "W1"), as_matrix(w2, "W2")
    b1v, b2v = as_vector(b1, "b1"), as_vector(b2, "b2")
    if (
        w1m.shape[0] != xm.shape[1]
        or b1v.size != w1m.shape[1]
        or w2m.shape[0] != w1m.shape[1]
        or b2v.size != w2m.shape[1]
    ):
        raise _err(
            f"shapes do not fit: X n×d, W1 d×d_ff, b1 d_ff, W2 d_ff×d_out, b2 d_out "
            f"(got X {fmt_shape(xm.shape)}, W1 {fmt_shape(w1m.shape)}, b1 {b1v.size}, W2 {fmt_shape(w2m.shape)}, b2 {b2v.size})",
            f"形状不匹配：X n×d，W1 d×d_ff，b1 长 d_ff，W2 d_ff×d_out，b2 长 d_out"
            f"（给了 X {fmt_shape(xm.shape)}，W1 {fmt_shape(w1m.shape)}，b1 {b1v.size}，W2 {fmt_shape(w2m.shape)}，b2 {b2v.size}）",
        )
    return xm, w1m, b1v, w2m, b2v


def ffn_forward(x: Any, w1: Any, b1: Any, w2: Any, b2: Any, variant: str = "") -> dict[str, Any]:
    xm, w1m, b1v, w2m, b2v = _ffn_inputs(x, w1, b1, w2, b2)
    if variant == "no_bias":
        b1v, b2v = np.zeros_like(b1v), np.zeros_like(b2v)
    pre = xm @ w1m + b1v
    hidden = pre if variant == "no_relu" else np.maximum(pre, 0.0)
    out = hidden @ w2m + b2v
    if variant == "relu_on_output":
        out = np.maximum(out, 0.0)
    return {"pre": pre.tolist(), "hidden": hidden.tolist(), "output": out.tolist()}


@solver(
    "transformer.ffn",
    [
        ParamSpec("x", "matrix", Text("input X, one position per row", "输入 X，每行一个位置")),
        ParamSpec("w1", "matrix", Text("W₁ (d × d_ff)", "W₁（d × d_ff）")),
        ParamSpec("b1", "vector", Text("b₁ (length d_ff)", "b₁（长度 d_ff）")),
        ParamSpec("w2", "matrix", Text("W₂ (d_ff × d)", "W₂（d_ff × d）")),
        ParamSpec("b2", "vector", Text("b₂ (length d)", "b₂（长度 d）")),
    ],
    Text(
        "position-wise feed-forward network FFN(x) = max(0, xW₁ + b₁)W₂ + b₂",
        "逐位置前馈网络 FFN(x) = max(0, xW₁ + b₁)W₂ + b₂",
    ),
)
def ffn(x: Any, w1: Any, b1: Any, w2: Any, b2: Any) -> Solution:
    xm, w1m, b1v, w2m, b2v = _ffn_inputs(x, w1, b1, w2, b2)
    r = ffn_forward(x, w1, b1, w2, b2)
    n = xm.shape[0]
    pn = labels("x", n)
    steps = [
        Step(
            Text(
                "First linear map, the same W₁, b₁ for every position (row)",
                "第一个线性变换，每个位置（行）用同一组 W₁、b₁",
            ),
            formula="Z = X·W₁ + b₁",
            substituted=f"{fmt_matrix(xm)} · {fmt_matrix(w1m)} + {fmt_vector(b1v)}",
            result=fmt_matrix(r["pre"]),
            grids=(Grid.of(rounded(r["pre"]), pn, labels("", w1m.shape[1]), Text("X·W₁ + b₁", "X·W₁ + b₁")),),
        ),
        Step(
            Text("ReLU: negative entries become 0", "ReLU：负数置 0"),
            formula="A = max(0, Z)",
            result=fmt_matrix(r["hidden"]),
            grids=(Grid.of(rounded(r["hidden"]), pn, labels("", w1m.shape[1]), Text("max(0, ·)", "max(0, ·)")),),
        ),
        Step(
            Text("Second linear map (no activation after it)", "第二个线性变换（之后不再加激活）"),
            formula="FFN(X) = A·W₂ + b₂",
            substituted=f"{fmt_matrix(rounded(r['hidden']))} · {fmt_matrix(w2m)} + {fmt_vector(b2v)}",
            result=fmt_matrix(r["output"]),
            grids=(Grid.of(rounded(r["output"]), pn, labels("", w2m.shape[1]), Text("FFN(X)", "FFN(X)")),),
        ),
    ]
    return Solution(answers=r, steps=steps)


@mistake("transformer.ffn", "relu_forgotten")
def _ffn_no_relu(x: Any, w1: Any, b1: Any, w2: Any, b2: Any) -> dict[str, Any]:
    r = ffn_forward(x, w1, b1, w2, b2, "no_relu")
    return {"hidden": r["hidden"], "output": r["output"]}


@mistake("transformer.ffn", "biases_forgotten")
def _ffn_no_bias(x: Any, w1: Any, b1: Any, w2: Any, b2: Any) -> dict[str, Any]:
    return ffn_forward(x, w1, b1, w2, b2, "no_bias")


@mistake("transformer.ffn", "relu_on_output")
def _ffn_relu_out(x: Any, w1: Any, b1: Any, w2: Any, b2: Any) -> dict[str, Any]:
    return {"output": ffn_forward(x, w1, b1, w2, b2, "relu_on_output")["output"]}


# --------------------------------------------------------------------------- add & norm


def add_norm_forward(
    x: Any, sub: Any, gamma: Any = None, beta: Any = None, eps: float = 1e-5, variant: str = ""
) -> dict[str, Any]:
    xm, sm = as_matrix(x, "X"), as_matrix(sub, "Sublayer(X)")
    if xm.shape != sm.shape:
        raise _err(
            f"X and Sublayer(X) must have the same shape (got {fmt_shape(xm.shape)} and {fmt_shape(sm.shape)})",
            f"X 和 Sublayer(X) 形状必须相同（给了 {fmt_shape(xm.shape)} 和 {fmt_shape(sm.shape)}）",
        )
    d = xm.shape[1]
    g = as_vector(gamma, "γ") if gamma is not None else np.ones(d)
    b = as_vector(beta, "β") if beta is not None else np.zeros(d)
    if g.size != d or b.size != d:
        raise _err(f"γ and β need length d = {d}", f"γ 和 β 的长度应为 d = {d}")
    if float(eps) < 0:
        raise _err("ε cannot be negative", "ε 不能为负")
    res = sm if variant == "no_residual" else xm + sm
    axis = 0 if variant == "over_positions" else 1
    mean = res.mean(axis=axis, keepdims=True)
    ddof = 1 if variant == "unbiased" else 0
    if res.shape[axis] - ddof <= 0:
        return {}
    var = res.var(axis=axis, ddof=ddof, keepdims=True)
    if np.any(var + float(eps) <= 0):
        raise _err("a row has zero variance and ε = 0: the norm is undefined", "某行方差为 0 且 ε = 0：无法归一化")
    norm = (res - mean) / np.sqrt(var + float(eps))
    out = norm * g + b
    return {
        "residual": res.tolist(),
        "mean": mean.reshape(-1).tolist(),
        "var": var.reshape(-1).tolist(),
        "normalized": norm.tolist(),
        "output": out.tolist(),
    }


@solver(
    "transformer.add_norm",
    [
        ParamSpec("x", "matrix", Text("sub-layer input X (n × d)", "子层输入 X（n × d）")),
        ParamSpec("sub", "matrix", Text("sub-layer output Sublayer(X) (n × d)", "子层输出 Sublayer(X)（n × d）")),
        ParamSpec(
            "gamma",
            "vector",
            Text("γ (length d, default all 1)", "γ（长度 d，默认全 1）"),
            default=None,
            required=False,
        ),
        ParamSpec(
            "beta", "vector", Text("β (length d, default all 0)", "β（长度 d，默认全 0）"), default=None, required=False
        ),
        ParamSpec(
            "eps",
            "number",
            Text("ε inside the root (default 1e-5)", "根号内的 ε（默认 1e-5）"),
            default=1e-5,
            required=False,
        ),
    ],
    Text("residual connection + layer norm: LN(X + Sublayer(X))", "残差连接 + 层归一化：LN(X + Sublayer(X))"),
)
def add_norm(x: Any, sub: Any, gamma: Any = None, beta: Any = None, eps: float = 1e-5) -> Solution:
    r = add_norm_forward(x, sub, gamma, beta, eps)
    n = len(r["residual"])
    d = len(r["residual"][0])
    pn = labels("x", n)
    cols = labels("", d)
    steps = [
        Step(
            Text("Residual connection: add the sub-layer's input to its output", "残差连接：子层输入加子层输出"),
            formula="R = X + Sublayer(X)",
            result=fmt_matrix(r["residual"]),
            grids=(Grid.of(rounded(r["residual"]), pn, cols, Text("R", "R")),),
        ),
        Step(
            Text(
                "Layer norm: mean and (biased, 1/d) variance over the d features of EACH position (each row)",
                "层归一化：对每个位置（每一行）的 d 个特征求均值和（有偏，除以 d 的）方差",
            ),
            formula="μ = (1/d)·Σ_k r_k,  σ² = (1/d)·Σ_k (r_k − μ)²",
            result=f"μ = {fmt_vector(r['mean'])}, σ² = {fmt_vector(r['var'])}",
            grids=(
                Grid.of(
                    [[round(m, 4), round(v, 4)] for m, v in zip(r["mean"], r["var"], strict=True)],
                    pn,
                    ["μ", "σ²"],
                    Text("row statistics", "每行统计量"),
                ),
            ),
        ),
        Step(
            Text("Normalize each row", "逐行标准化"),
            formula="r̂ = (r − μ) / √(σ² + ε)",
            substituted=f"ε = {fmt_num(eps)}",
            result=fmt_matrix(r["normalized"]),
            grids=(Grid.of(rounded(r["normalized"]), pn, cols, Text("(R − μ)/√(σ² + ε)", "(R − μ)/√(σ² + ε)")),),
        ),
        Step(
            Text("Scale and shift with γ and β (per feature)", "用 γ、β 逐特征缩放和平移"),
            formula="LN(r) = γ ⊙ r̂ + β",
            result=fmt_matrix(r["output"]),
            grids=(Grid.of(rounded(r["output"]), pn, cols, Text("LN(X + Sublayer(X))", "LN(X + Sublayer(X))")),),
        ),
    ]
    return Solution(answers=r, steps=steps)


@mistake("transformer.add_norm", "residual_forgotten")
def _an_no_residual(x: Any, sub: Any, gamma: Any = None, beta: Any = None, eps: float = 1e-5) -> dict[str, Any]:
    return add_norm_forward(x, sub, gamma, beta, eps, "no_residual")


@mistake("transformer.add_norm", "normalized_over_positions")
def _an_over_positions(x: Any, sub: Any, gamma: Any = None, beta: Any = None, eps: float = 1e-5) -> dict[str, Any]:
    """Batch-norm style: statistics over the positions (columns) instead of over the features."""
    r = add_norm_forward(x, sub, gamma, beta, eps, "over_positions")
    return {k: r[k] for k in ("normalized", "output")} if r else {}


@mistake("transformer.add_norm", "unbiased_variance")
def _an_unbiased(x: Any, sub: Any, gamma: Any = None, beta: Any = None, eps: float = 1e-5) -> dict[str, Any]:
    r = add_norm_forward(x, sub, gamma, beta, eps, "unbiased")
    return {k: r[k] for k in ("var", "normalized", "output")} if r else {}
