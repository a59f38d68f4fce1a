"""Scaled dot-product attention from given Q, K, V (solver attention.attention) and its mistakes."""

from __future__ import annotations

from typing import Any

import numpy as np

from solvers.arrays import as_matrix
from solvers.attention.core import MASKS, attention_core, check_qkv, mask_matrix
from solvers.core import (
    ParamSpec,
    Solution,
    Step,
    Text,
    fmt_shape,
)
from solvers.registry import mistake, solver

QKV_PARAMS = [
    ParamSpec("q", "matrix", Text("queries Q, one per row, e.g. 1,0;0,1", "查询矩阵 Q，每行一个查询，如 1,0;0,1")),
    ParamSpec("k", "matrix", Text("keys K, one per row", "键矩阵 K，每行一个键")),
    ParamSpec("v", "matrix", Text("values V, one per row (as many rows as K)", "值矩阵 V，每行一个值（行数同 K）")),
    ParamSpec(
        "scale",
        "bool",
        Text("divide the scores by √d_k (default true)", "分数除以 √d_k（默认 true）"),
        default=True,
        required=False,
    ),
    ParamSpec(
        "mask",
        "choice",
        Text("none, causal (sequence mask) or padding", "none、causal（序列掩码）或 padding（填充掩码）"),
        default="none",
        required=False,
        choices=MASKS,
    ),
    ParamSpec(
        "valid",
        "int",
        Text("padding mask: number of real keys (the rest are padding)", "填充掩码：真实键的个数（其余为填充）"),
        default=None,
        required=False,
    ),
]


def _qkv(q: Any, k: Any, v: Any, mask: str, valid: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    qm, km, vm = as_matrix(q, "Q"), as_matrix(k, "K"), as_matrix(v, "V")
    check_qkv(qm, km, vm)
    return qm, km, vm, mask_matrix(mask, qm.shape[0], km.shape[0], valid)


@solver(
    "attention.attention",
    QKV_PARAMS,
    Text(
        "scaled dot-product attention softmax(QKᵀ/√d_k)·V: scores, weights, output",
        "缩放点积注意力 softmax(QKᵀ/√d_k)·V：打分、权重、输出",
    ),
)
def attention(q: Any, k: Any, v: Any, scale: bool = True, mask: str = "none", valid: Any = None) -> Solution:
    qm, km, vm, m = _qkv(q, k, v, mask, valid)
    steps: list[Step] = [
        Step(
            Text(
                "Row convention: every query, key and value is a row; the softmax runs over each row (over the keys)",
                "行向量约定：每个查询、键、值都是一行；softmax 在每一行上（对所有键）进行",
            ),
            formula="H = softmax(QKᵀ/√d_k)·V" if scale else "H = softmax(QKᵀ)·V",
            result=f"Q {fmt_shape(qm.shape)}, K {fmt_shape(km.shape)}, V {fmt_shape(vm.shape)}",
        )
    ]
    answers = attention_core(qm, km, vm, "sqrt" if scale else "none", m, steps=steps)
    return Solution(answers=answers, steps=steps)


def _qkv_mistake(
    q: Any, k: Any, v: Any, scale: bool, mask: str, valid: Any, keys: tuple[str, ...], **kw: Any
) -> dict[str, Any]:
    qm, km, vm, m = _qkv(q, k, v, mask, valid)
    kw.setdefault("scale_mode", "sqrt" if scale else "none")
    out = attention_core(qm, km, vm, mask=m, **kw)
    return {key: out[key] for key in keys}


@mistake("attention.attention", "no_sqrt_scaling")
def _att_no_sqrt(q: Any, k: Any, v: Any, scale: bool = True, mask: str = "none", valid: Any = None) -> dict[str, Any]:
    if not scale:
        return {}
    return _qkv_mistake(q, k, v, scale, mask, valid, ("scores", "weights", "output"), scale_mode="none")


@mistake("attention.attention", "scale_by_d_not_sqrt")
def _att_by_d(q: Any, k: Any, v: Any, scale: bool = True, mask: str = "none", valid: Any = None) -> dict[str, Any]:
    if not scale:
        return {}
    return _qkv_mistake(q, k, v, scale, mask, valid, ("scores", "weights", "output"), scale_mode="d")


@mistake("attention.attention", "scaled_anyway")
def _att_scaled_anyway(
    q: Any, k: Any, v: Any, scale: bool = True, mask: str = "none", valid: Any = None
) -> dict[str, Any]:
    """Divides by √d_k although the question asks for plain dot-product scores."""
    if scale:
        return {}
    return _qkv_mistake(q, k, v, scale, mask, valid, ("scores", "weights", "output"), scale_mode="sqrt")


@mistake("attention.attention", "softmax_over_wrong_axis")
def _att_columns(q: Any, k: Any, v: Any, scale: bool = True, mask: str = "none", valid: Any = None) -> dict[str, Any]:
    """Normalizes each column (over the queries) instead of each row."""
    return _qkv_mistake(q, k, v, scale, mask, valid, ("weights", "output"), axis=0)


@mistake("attention.attention", "weights_times_k_instead_of_v")
def _att_times_k(q: Any, k: Any, v: Any, scale: bool = True, mask: str = "none", valid: Any = None) -> dict[str, Any]:
    return _qkv_mistake(q, k, v, scale, mask, valid, ("output",), use_k=True)


@mistake("attention.attention", "qk_swapped")
def _att_qk_swapped(
    q: Any, k: Any, v: Any, scale: bool = True, mask: str = "none", valid: Any = None
) -> dict[str, Any]:
    """Computes KQᵀ (the transposed score matrix) and softmaxes its rows."""
    qm, km, _, _ = _qkv(q, k, v, mask, valid)
    if qm.shape[0] != km.shape[0]:
        return {}
    return _qkv_mistake(q, k, v, scale, mask, valid, ("scores", "weights", "output"), swap_qk=True)


@mistake("attention.attention", "mask_as_zero")
def _att_mask_zero(q: Any, k: Any, v: Any, scale: bool = True, mask: str = "none", valid: Any = None) -> dict[str, Any]:
    """Sets masked scores to 0 instead of −∞, so masked keys keep a weight e⁰/Σ."""
    if mask in (None, "", "none"):
        return {}
    return _qkv_mistake(q, k, v, scale, mask, valid, ("weights", "output"), mask_value="zero")


@mistake("attention.attention", "masked_after_softmax")
def _att_mask_after(
    q: Any, k: Any, v: Any, scale: bool = True, mask: str = "none", valid: Any = None
) -> dict[str, Any]:
    """Zeroes masked weights after the softmax without renormalizing (rows no longer sum to 1)."""
    if mask in (None, "", "none"):
        return {}
    return _qkv_mistake(q, k, v, scale, mask, valid, ("weights", "output"), mask_value="after")
