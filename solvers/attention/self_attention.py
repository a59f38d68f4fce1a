"""Self-attention from X and the projection matrices W_Q, W_K, W_V (solver attention.self_attention)."""

from __future__ import annotations

from typing import Any

import numpy as np

from solvers.arrays import as_matrix
from solvers.attention.core import attention_core, mask_matrix
from solvers.attention.qkv import QKV_PARAMS
from solvers.core import (
    Grid,
    ParamSpec,
    Solution,
    Step,
    Text,
    fmt_matrix,
    fmt_shape,
)
from solvers.core import input_error as _err
from solvers.registry import mistake, solver
from solvers.textfmt import labels, rounded


@solver(
    "attention.self_attention",
    [
        ParamSpec("x", "matrix", Text("input sequence X, one token per row", "输入序列 X，每行一个词向量")),
        ParamSpec("wq", "matrix", Text("W_Q (d × d_k), Q = X·W_Q", "W_Q（d × d_k），Q = X·W_Q")),
        ParamSpec("wk", "matrix", Text("W_K (d × d_k), K = X·W_K", "W_K（d × d_k），K = X·W_K")),
        ParamSpec("wv", "matrix", Text("W_V (d × d_v), V = X·W_V", "W_V（d × d_v），V = X·W_V")),
        *QKV_PARAMS[3:],
    ],
    Text(
        "self-attention from X and W_Q, W_K, W_V: Q, K, V, scores, weights, output",
        "由 X 和 W_Q、W_K、W_V 计算自注意力：Q、K、V、打分、权重、输出",
    ),
)
def self_attention(
    x: Any, wq: Any, wk: Any, wv: Any, scale: bool = True, mask: str = "none", valid: Any = None
) -> Solution:
    xm, q, k, v, m = _self_qkv(x, wq, wk, wv, mask, valid)
    n, d = xm.shape
    steps: list[Step] = [
        Step(
            Text(
                "Row convention: each token x_i is a row of X; project it to a query, a key and a value",
                "行向量约定：每个词 x_i 是 X 的一行；把它投影为查询、键和值",
            ),
            formula="Q = X·W_Q, K = X·W_K, V = X·W_V",
            result=f"X {fmt_shape(xm.shape)}",
        )
    ]
    roles = {"Q": ("Queries", "查询矩阵"), "K": ("Keys", "键矩阵"), "V": ("Values", "值矩阵")}
    for name, w, proj in (("Q", wq, q), ("K", wk, k), ("V", wv, v)):
        steps.append(
            Step(
                Text(f"{roles[name][0]}: multiply X by W_{name}", f"{roles[name][1]}：X 乘以 W_{name}"),
                formula=f"{name} = X·W_{name}",
                substituted=f"{fmt_matrix(xm)} · {fmt_matrix(as_matrix(w, 'W'))}",
                result=fmt_matrix(proj),
                grids=(Grid.of(rounded(proj), labels(name.lower(), n), labels("", proj.shape[1]), Text(name, name)),),
            )
        )
    answers = {"q": q.tolist(), "k": k.tolist(), "v": v.tolist()}
    answers.update(attention_core(q, k, v, "sqrt" if scale else "none", m, steps=steps))
    return Solution(answers=answers, steps=steps)


def _self_qkv(
    x: Any, wq: Any, wk: Any, wv: Any, mask: str, valid: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    xm = as_matrix(x, "X")
    ws = [as_matrix(w, name) for w, name in ((wq, "W_Q"), (wk, "W_K"), (wv, "W_V"))]
    for w, name in zip(ws, ("W_Q", "W_K", "W_V"), strict=True):
        if w.shape[0] != xm.shape[1]:
            raise _err(
                f"{name} needs {xm.shape[1]} rows (one per column of X), got {w.shape[0]}",
                f"{name} 的行数应为 {xm.shape[1]}（等于 X 的列数），给了 {w.shape[0]}",
            )
    if ws[0].shape[1] != ws[1].shape[1]:
        raise _err("W_Q and W_K need the same number of columns d_k", "W_Q 和 W_K 的列数 d_k 必须相同")
    q, k, v = xm @ ws[0], xm @ ws[1], xm @ ws[2]
    return xm, q, k, v, mask_matrix(mask, xm.shape[0], xm.shape[0], valid)


def _self_mistake(
    x: Any, wq: Any, wk: Any, wv: Any, scale: bool, mask: str, valid: Any, keys: tuple[str, ...], **kw: Any
) -> dict[str, Any]:
    _, q, k, v, m = _self_qkv(x, wq, wk, wv, mask, valid)
    kw.setdefault("scale_mode", "sqrt" if scale else "none")
    out = attention_core(q, k, v, mask=m, **kw)
    return {key: out[key] for key in keys}


@mistake("attention.self_attention", "no_sqrt_scaling")
def _self_no_sqrt(
    x: Any, wq: Any, wk: Any, wv: Any, scale: bool = True, mask: str = "none", valid: Any = None
) -> dict[str, Any]:
    if not scale:
        return {}
    return _self_mistake(x, wq, wk, wv, scale, mask, valid, ("scores", "weights", "output"), scale_mode="none")


@mistake("attention.self_attention", "scale_by_d_not_sqrt")
def _self_by_d(
    x: Any, wq: Any, wk: Any, wv: Any, scale: bool = True, mask: str = "none", valid: Any = None
) -> dict[str, Any]:
    if not scale:
        return {}
    return _self_mistake(x, wq, wk, wv, scale, mask, valid, ("scores", "weights", "output"), scale_mode="d")


@mistake("attention.self_attention", "scaled_anyway")
def _self_scaled_anyway(
    x: Any, wq: Any, wk: Any, wv: Any, scale: bool = True, mask: str = "none", valid: Any = None
) -> dict[str, Any]:
    if scale:
        return {}
    return _self_mistake(x, wq, wk, wv, scale, mask, valid, ("scores", "weights", "output"), scale_mode="sqrt")


@mistake("attention.self_attention", "softmax_over_wrong_axis")
def _self_columns(
    x: Any, wq: Any, wk: Any, wv: Any, scale: bool = True, mask: str = "none", valid: Any = None
) -> dict[str, Any]:
    return _self_mistake(x, wq, wk, wv, scale, mask, valid, ("weights", "output"), axis=0)


@mistake("attention.self_attention", "weights_times_k_instead_of_v")
def _self_times_k(
    x: Any, wq: Any, wk: Any, wv: Any, scale: bool = True, mask: str = "none", valid: Any = None
) -> dict[str, Any]:
    return _self_mistake(x, wq, wk, wv, scale, mask, valid, ("output",), use_k=True)


@mistake("attention.self_attention", "qk_swapped")
def _self_qk_swapped(
    x: Any, wq: Any, wk: Any, wv: Any, scale: bool = True, mask: str = "none", valid: Any = None
) -> dict[str, Any]:
    return _self_mistake(x, wq, wk, wv, scale, mask, valid, ("scores", "weights", "output"), swap_qk=True)


@mistake("attention.self_attention", "weights_times_x_instead_of_v")
def _self_times_x(
    x: Any, wq: Any, wk: Any, wv: Any, scale: bool = True, mask: str = "none", valid: Any = None
) -> dict[str, Any]:
    """Averages the raw inputs X instead of the values V = X·W_V."""
    xm, q, k, _, m = _self_qkv(x, wq, wk, wv, mask, valid)
    out = attention_core(q, k, xm, "sqrt" if scale else "none", m)
    return {"output": out["output"]}
