"""Multi-head attention: shapes, parameter counts and one worked forward pass (solver attention.multihead)."""

from __future__ import annotations

from typing import Any

from solvers.core import (
    Grid,
    ParamSpec,
    Solution,
    Step,
    Text,
)
from solvers.core import input_error as _err
from solvers.registry import mistake, solver


def _shape(*dims: Any) -> str:
    """A shape that may contain the symbol n (sequence length not given)."""
    return "×".join(str(d) for d in dims)


def multihead_counts(
    d_model: int,
    heads: int,
    d_k: int | None = None,
    d_v: int | None = None,
    bias: bool = True,
    output_proj: bool = True,
) -> dict[str, int]:
    """Parameter counts of multi-head attention, matrix by matrix (W_Q, W_K, W_V for all heads at once)."""
    dk = d_k if d_k else d_model // heads
    dv = d_v if d_v else d_model // heads
    counts = {
        "wq": d_model * heads * dk,
        "wk": d_model * heads * dk,
        "wv": d_model * heads * dv,
        "bq": heads * dk if bias else 0,
        "bk": heads * dk if bias else 0,
        "bv": heads * dv if bias else 0,
        "wo": heads * dv * d_model if output_proj else 0,
        "bo": d_model if (bias and output_proj) else 0,
    }
    counts["total"] = sum(counts.values())
    return counts


def _check_heads(d_model: int, heads: int, d_k: Any, d_v: Any) -> tuple[int, int]:
    if d_model <= 0 or heads <= 0:
        raise _err("d_model and heads must be positive", "d_model 和头数必须为正")
    if (not d_k or not d_v) and d_model % heads:
        raise _err(
            f"d_model = {d_model} is not divisible by {heads} heads: give d_k and d_v",
            f"d_model = {d_model} 不能被头数 {heads} 整除：请给出 d_k 和 d_v",
        )
    dk = int(d_k) if d_k else d_model // heads
    dv = int(d_v) if d_v else d_model // heads
    if dk <= 0 or dv <= 0:
        raise _err("d_k and d_v must be positive", "d_k 和 d_v 必须为正")
    return dk, dv


MULTIHEAD_PARAMS = [
    ParamSpec("d_model", "int", Text("model width d_model", "模型维度 d_model")),
    ParamSpec("heads", "int", Text("number of heads h", "头数 h")),
    ParamSpec(
        "seq_len",
        "int",
        Text("sequence length n (for the shapes)", "序列长度 n（用于形状）"),
        default=None,
        required=False,
    ),
    ParamSpec(
        "d_k",
        "int",
        Text("per-head query/key size (default d_model/h)", "每头查询/键维度（默认 d_model/h）"),
        default=None,
        required=False,
    ),
    ParamSpec(
        "d_v",
        "int",
        Text("per-head value size (default d_model/h)", "每头值维度（默认 d_model/h）"),
        default=None,
        required=False,
    ),
    ParamSpec(
        "bias",
        "bool",
        Text("count the bias vectors (default true)", "计入偏置向量（默认 true）"),
        default=True,
        required=False,
    ),
    ParamSpec(
        "output_proj",
        "bool",
        Text("count the output projection W_O (default true)", "计入输出投影 W_O（默认 true）"),
        default=True,
        required=False,
    ),
]


def _parameter_step(
    d_model: int, heads: int, dk: int, dv: int, bias: bool, output_proj: bool, c: dict[str, int]
) -> Step:
    """The parameter count, matrix by matrix, as a table."""
    rows = [
        ["W_Q", f"{d_model}×{heads * dk}", c["wq"]],
        ["W_K", f"{d_model}×{heads * dk}", c["wk"]],
        ["W_V", f"{d_model}×{heads * dv}", c["wv"]],
    ]
    if bias:
        rows += [
            ["b_Q", str(heads * dk), c["bq"]],
            ["b_K", str(heads * dk), c["bk"]],
            ["b_V", str(heads * dv), c["bv"]],
        ]
    if output_proj:
        rows.append(["W_O", f"{heads * dv}×{d_model}", c["wo"]])
        if bias:
            rows.append(["b_O", str(d_model), c["bo"]])
    counted = Text(
        ("biases counted" if bias else "biases NOT counted")
        + ", "
        + ("W_O counted" if output_proj else "W_O NOT counted"),
        ("计入偏置" if bias else "不计偏置") + "，" + ("计入 W_O" if output_proj else "不计 W_O"),
    )
    terms = " + ".join(str(r[2]) for r in rows)
    return Step(
        Text(
            "Parameters: the projections of all heads together, matrix by matrix",
            "参数量：所有头的投影矩阵合在一起，逐个矩阵计数",
        ),
        formula=" + ".join(str(r[0]) for r in rows),
        substituted=terms,
        result=str(c["total"]),
        note=counted,
        grids=(Grid.of(rows, (), ["", "m×n", "#"], Text("parameter table", "参数表")),),
    )


@solver(
    "attention.multihead",
    MULTIHEAD_PARAMS,
    Text(
        "multi-head attention: per-head sizes, output shape, parameter count", "多头注意力：每头维度、输出形状、参数量"
    ),
)
def multihead(
    d_model: int,
    heads: int,
    seq_len: Any = None,
    d_k: Any = None,
    d_v: Any = None,
    bias: bool = True,
    output_proj: bool = True,
) -> Solution:
    d_model, heads = int(d_model), int(heads)
    if seq_len is not None and int(seq_len) <= 0:
        raise _err("seq_len must be positive", "序列长度必须为正")
    dk, dv = _check_heads(d_model, heads, d_k, d_v)
    c = multihead_counts(d_model, heads, dk, dv, bias, output_proj)
    # without a sequence length the shapes are shown with the symbol n and not answered
    n: Any = int(seq_len) if seq_len is not None else "n"
    steps = [
        Step(
            Text("Per-head sizes: d_k = d_v = d_model/h unless given", "每头维度：若未给出则 d_k = d_v = d_model/h"),
            formula="d_k = d_model / h",
            substituted=f"{d_model} / {heads}" if not d_k else f"d_k = {dk}",
            result=f"d_k = {dk}, d_v = {dv}",
        ),
        Step(
            Text(
                "Each head: Q_i, K_i (n × d_k), V_i (n × d_v), weights n × n, output n × d_v",
                "每个头：Q_i、K_i（n × d_k），V_i（n × d_v），权重 n × n，输出 n × d_v",
            ),
            formula="head_i = softmax(Q_iK_iᵀ/√d_k)·V_i",
            result=f"A_i: {_shape(n, n)}, head_i: {_shape(n, dv)}",
        ),
        Step(
            Text("Concatenate the h heads side by side", "把 h 个头的输出横向拼接"),
            formula="Concat(head_1, …, head_h)",
            substituted=f"{n} × ({heads}·{dv})",
            result=_shape(n, heads * dv),
        ),
    ]
    out_shape = (n, d_model) if output_proj else (n, heads * dv)
    if output_proj:
        steps.append(
            Step(
                Text(
                    "Output projection W_O ((h·d_v) × d_model) maps back to d_model",
                    "输出投影 W_O（(h·d_v) × d_model）映射回 d_model",
                ),
                formula="MultiHead = Concat(…)·W_O",
                result=_shape(*out_shape),
            )
        )
    steps.append(_parameter_step(d_model, heads, dk, dv, bias, output_proj, c))
    answers: dict[str, Any] = {"params": c["total"], "d_k": dk}
    if isinstance(n, int):
        answers.update(
            weights_shape=(heads, n, n), head_shape=(n, dv), concat_shape=(n, heads * dv), output_shape=out_shape
        )
    return Solution(answers=answers, steps=steps)


@mistake("attention.multihead", "output_projection_forgotten")
def _mh_no_wo(
    d_model: int, heads: int, d_k: Any = None, d_v: Any = None, bias: bool = True, output_proj: bool = True, **_: Any
) -> dict[str, Any]:
    if not output_proj:
        return {}
    dk, dv = _check_heads(int(d_model), int(heads), d_k, d_v)
    return {"params": multihead_counts(int(d_model), int(heads), dk, dv, bias, False)["total"]}


@mistake("attention.multihead", "output_projection_counted")
def _mh_extra_wo(
    d_model: int, heads: int, d_k: Any = None, d_v: Any = None, bias: bool = True, output_proj: bool = True, **_: Any
) -> dict[str, Any]:
    """Counts W_O although the question says it is not part of the count."""
    if output_proj:
        return {}
    dk, dv = _check_heads(int(d_model), int(heads), d_k, d_v)
    return {"params": multihead_counts(int(d_model), int(heads), dk, dv, bias, True)["total"]}


@mistake("attention.multihead", "biases_forgotten")
def _mh_no_bias(
    d_model: int, heads: int, d_k: Any = None, d_v: Any = None, bias: bool = True, output_proj: bool = True, **_: Any
) -> dict[str, Any]:
    if not bias:
        return {}
    dk, dv = _check_heads(int(d_model), int(heads), d_k, d_v)
    return {"params": multihead_counts(int(d_model), int(heads), dk, dv, False, output_proj)["total"]}


@mistake("attention.multihead", "full_width_per_head")
def _mh_full_width(
    d_model: int, heads: int, seq_len: Any = None, bias: bool = True, output_proj: bool = True, **_: Any
) -> dict[str, Any]:
    """Gives every head d_model-wide projections (d_k = d_model), multiplying the Q/K/V cost by h."""
    d, h = int(d_model), int(heads)
    out: dict[str, Any] = {"params": multihead_counts(d, h, d, d, bias, output_proj)["total"], "d_k": d}
    if seq_len is not None:
        out.update(head_shape=(int(seq_len), d), concat_shape=(int(seq_len), h * d))
    return out
