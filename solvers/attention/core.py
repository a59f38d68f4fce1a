"""The computation shared by the attention solvers: masks, scaling, softmax rows with their worked steps, and Q/K/V attention itself."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from solvers.arrays import softmax
from solvers.core import (
    Grid,
    Step,
    Text,
    fmt_matrix,
    fmt_num,
    fmt_vector,
)
from solvers.core import input_error as _err
from solvers.textfmt import labels, rounded

MASKS = ("none", "causal", "padding")
SCORINGS = ("dot", "scaled", "additive", "bilinear", "cosine")
MINUS_INF = "−∞"


def mask_matrix(kind: str, n_q: int, n_k: int, valid: int | None) -> np.ndarray | None:
    """Boolean matrix, True where the score is masked (set to −∞); None for no mask."""
    if kind in (None, "", "none"):
        return None
    if kind == "causal":
        if n_q != n_k:
            raise _err(
                f"a causal (sequence) mask needs as many queries as keys (got {n_q} and {n_k})",
                f"因果（序列）掩码要求查询数与键数相同（给了 {n_q} 和 {n_k}）",
            )
        return np.triu(np.ones((n_q, n_k), dtype=bool), k=1)
    if kind == "padding":
        if valid is None or not 1 <= int(valid) <= n_k:
            raise _err(
                f"a padding mask needs valid = number of real (non-padding) keys, between 1 and {n_k}",
                f"填充掩码需要 valid = 真实（非填充）键的个数，取值 1 到 {n_k}",
            )
        m = np.zeros((n_q, n_k), dtype=bool)
        m[:, int(valid) :] = True
        return m
    raise _err(
        f"unknown mask {kind!r}: use none, causal or padding", f"未知的掩码 {kind!r}：请用 none、causal 或 padding"
    )


def masked_cells(s: np.ndarray, mask: np.ndarray | None) -> list[list[Any]]:
    """Score matrix for display: masked cells shown as −∞."""
    shown = rounded(s)
    if mask is None:
        return shown
    return [[MINUS_INF if mask[i][j] else shown[i][j] for j in range(len(shown[i]))] for i in range(len(shown))]


def softmax_row_steps(s: np.ndarray, mask: np.ndarray | None, weights: np.ndarray, row_names: list[str]) -> list[Step]:
    """One step per row: α_ij = exp(s_ij)/Σ_j exp(s_ij), with the exponentials shown."""
    steps = []
    for i, name in enumerate(row_names):
        parts = []
        for j, value in enumerate(s[i]):
            parts.append("0" if mask is not None and mask[i][j] else f"e^{fmt_num(value, 4)}")
        exps = [0.0 if mask is not None and mask[i][j] else math.exp(v) for j, v in enumerate(s[i])]
        total = sum(exps)
        steps.append(
            Step(
                Text(f"Softmax of row {name}", f"对 {name} 这一行做 softmax"),
                formula="α_ij = exp(s_ij) / Σ_j exp(s_ij)",
                substituted=f"({', '.join(parts)}) / {fmt_num(total, 5)}",
                result=fmt_vector(weights[i]),
            )
        )
    return steps


def _scale_factor(mode: str, d_k: int) -> float:
    return {"sqrt": math.sqrt(d_k), "none": 1.0, "d": float(d_k)}[mode]


def attention_core(
    q: np.ndarray,
    k: np.ndarray,
    v: np.ndarray,
    scale_mode: str,
    mask: np.ndarray | None,
    axis: int = 1,
    use_k: bool = False,
    swap_qk: bool = False,
    mask_value: str = "inf",
    steps: list[Step] | None = None,
    divisor: float | None = None,
) -> dict[str, Any]:
    """Scaled dot-product attention. The keyword switches reproduce misconceptions for the mistake
    generators; the solver calls it with the defaults and collects the steps. ``divisor``, when
    given, replaces the scale factor (a multi-head mistake divides by √d_model instead of √d_k)."""
    n_q, d_k = q.shape
    raw = k @ q.T if swap_qk else q @ k.T
    factor = divisor if divisor is not None else _scale_factor(scale_mode, d_k)
    scores = raw / factor
    if mask is not None and mask_value == "zero":
        scores_in = np.where(mask, 0.0, scores)
        weights = softmax(scores_in, None, axis)
    elif mask is not None and mask_value == "after":
        weights = np.where(mask, 0.0, softmax(scores, None, axis))
    else:
        weights = softmax(scores, mask, axis)
    right = k if use_k else v
    output = weights @ right
    if steps is not None:
        steps.extend(_attention_steps(q, k, v, raw, scores, weights, output, scale_mode, factor, mask))
    return {"scores": scores.tolist(), "qk": raw.tolist(), "weights": weights.tolist(), "output": output.tolist()}


def _attention_steps(
    q: np.ndarray,
    k: np.ndarray,
    v: np.ndarray,
    raw: np.ndarray,
    scores: np.ndarray,
    weights: np.ndarray,
    output: np.ndarray,
    scale_mode: str,
    factor: float,
    mask: np.ndarray | None,
) -> list[Step]:
    """The worked steps of one attention computation, from the numbers ``attention_core`` computed."""
    n_q, d_k = q.shape
    steps: list[Step] = []
    qn, kn = labels("q", n_q), labels("k", k.shape[0])
    steps.append(
        Step(
            Text("Dot products of every query with every key", "每个查询向量与每个键向量做点积"),
            formula="QKᵀ, (QKᵀ)_ij = q_i·k_j",
            substituted=f"{fmt_matrix(q)} · {fmt_matrix(k)}ᵀ",
            result=fmt_matrix(raw),
            grids=(Grid.of(rounded(raw), qn, kn, Text("QKᵀ", "QKᵀ")),),
        )
    )
    if scale_mode == "sqrt":
        steps.append(
            Step(
                Text(
                    f"Scale by √d_k = √{d_k} (d_k = number of columns of Q and K)",
                    f"除以 √d_k = √{d_k}（d_k 为 Q、K 的列数）",
                ),
                formula="S = QKᵀ / √d_k",
                substituted=f"{fmt_matrix(raw)} / {fmt_num(factor, 5)}",
                result=fmt_matrix(scores),
                note=Text(
                    "Without the scaling, large dot products push the softmax into saturation (tiny gradients).",
                    "若不缩放，点积过大会使 softmax 饱和（梯度很小）。",
                ),
                grids=(Grid.of(rounded(scores), qn, kn, Text("S = QKᵀ/√d_k", "S = QKᵀ/√d_k")),),
            )
        )
    else:
        steps.append(
            Step(
                Text("Plain dot-product scores (no scaling asked for)", "点积打分（题目不要求缩放）"),
                formula="S = QKᵀ",
                result=fmt_matrix(scores),
            )
        )
    if mask is not None:
        steps.append(
            Step(
                Text(
                    "Apply the mask: masked scores become −∞ so that exp(−∞) = 0",
                    "加掩码：被遮住的分数置为 −∞，使 exp(−∞) = 0",
                ),
                formula="s_ij ← −∞",
                grids=(Grid.of(masked_cells(scores, mask), qn, kn, Text("masked S", "加掩码后的 S")),),
            )
        )
    steps.extend(softmax_row_steps(scores, mask, weights, qn))
    steps.append(
        Step(
            Text("Attention weights: each row sums to 1", "注意力权重：每行之和为 1"),
            formula="A = softmax(S), α_ij = exp(s_ij) / Σ_j exp(s_ij)",
            result=fmt_matrix(weights),
            grids=(Grid.of(rounded(weights), qn, kn, Text("A = softmax(S)", "A = softmax(S)")),),
        )
    )
    steps.append(
        Step(
            Text(
                "Output: each row is the weight-averaged value vectors",
                "输出：每一行是值向量按权重的加权平均",
            ),
            formula="H = A·V, h_i = Σ_j α_ij v_j",
            substituted=f"{fmt_matrix(weights)} · {fmt_matrix(v)}",
            result=fmt_matrix(output),
            grids=(Grid.of(rounded(output), labels("h", n_q), labels("", v.shape[1]), Text("H = AV", "H = AV")),),
        )
    )
    return steps


def check_qkv(q: np.ndarray, k: np.ndarray, v: np.ndarray) -> None:
    if q.shape[1] != k.shape[1]:
        raise _err(
            f"Q and K need the same number of columns d_k (got {q.shape[1]} and {k.shape[1]})",
            f"Q 和 K 的列数 d_k 必须相同（给了 {q.shape[1]} 和 {k.shape[1]}）",
        )
    if k.shape[0] != v.shape[0]:
        raise _err(
            f"K and V need one row per key: same number of rows (got {k.shape[0]} and {v.shape[0]})",
            f"K 和 V 每行对应一个键，行数必须相同（给了 {k.shape[0]} 和 {v.shape[0]}）",
        )
