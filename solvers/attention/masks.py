"""Masked softmax: causal and padding masks applied to a score matrix (solver attention.masked_softmax)."""

from __future__ import annotations

from typing import Any

import numpy as np

from solvers.arrays import as_matrix, softmax
from solvers.attention.core import mask_matrix, masked_cells, softmax_row_steps
from solvers.core import (
    Grid,
    ParamSpec,
    Solution,
    Step,
    Text,
    fmt_matrix,
)
from solvers.registry import mistake, solver
from solvers.textfmt import labels, rounded


@solver(
    "attention.masked_softmax",
    [
        ParamSpec("scores", "matrix", Text("score matrix S (queries × keys)", "打分矩阵 S（查询 × 键）")),
        ParamSpec(
            "mask",
            "choice",
            Text("causal (sequence mask) or padding", "causal（序列掩码）或 padding（填充掩码）"),
            default="causal",
            required=False,
            choices=("causal", "padding"),
        ),
        ParamSpec(
            "valid",
            "int",
            Text("padding mask: number of real keys (the rest are padding)", "填充掩码：真实键的个数（其余为填充）"),
            default=None,
            required=False,
        ),
    ],
    Text(
        "apply a padding or causal mask to a score matrix, then softmax", "对打分矩阵加填充掩码或因果掩码，再做 softmax"
    ),
)
def masked_softmax(scores: Any, mask: str = "causal", valid: Any = None) -> Solution:
    s = as_matrix(scores, "S")
    m = mask_matrix(mask, s.shape[0], s.shape[1], valid)
    assert m is not None
    qn, kn = labels("q", s.shape[0]), labels("k", s.shape[1])
    if mask == "causal":
        why = Text(
            "Sequence (causal) mask: position i may only look at keys j ≤ i, so everything above the diagonal is masked",
            "序列（因果）掩码：位置 i 只能看 j ≤ i 的键，所以对角线以上全部遮住",
        )
    else:
        why = Text(
            f"Padding mask: only the first {int(valid)} keys are real words; the padding keys are masked for every query",
            f"填充掩码：只有前 {int(valid)} 个键是真实的词；对所有查询遮住填充位置的键",
        )
    weights = softmax(s, m)
    steps = [
        Step(
            why,
            formula="s_ij ← −∞",
            grids=(Grid.of(masked_cells(s, m), qn, kn, Text("masked S", "加掩码后的 S")),),
        ),
        *softmax_row_steps(s, m, weights, qn),
        Step(
            Text("Weights: masked entries are exactly 0, every row sums to 1", "权重：被遮住处恰为 0，每行之和为 1"),
            formula="A = softmax(S + M), M_ij ∈ {0, −∞}",
            result=fmt_matrix(weights),
            grids=(Grid.of(rounded(weights), qn, kn, Text("A", "A")),),
        ),
    ]
    return Solution(answers={"weights": weights.tolist()}, steps=steps)


@mistake("attention.masked_softmax", "mask_as_zero")
def _mask_zero(scores: Any, mask: str = "causal", valid: Any = None) -> dict[str, Any]:
    s = as_matrix(scores, "S")
    m = mask_matrix(mask, s.shape[0], s.shape[1], valid)
    return {"weights": softmax(np.where(m, 0.0, s)).tolist()}


@mistake("attention.masked_softmax", "masked_after_softmax")
def _mask_after(scores: Any, mask: str = "causal", valid: Any = None) -> dict[str, Any]:
    s = as_matrix(scores, "S")
    m = mask_matrix(mask, s.shape[0], s.shape[1], valid)
    return {"weights": np.where(m, 0.0, softmax(s)).tolist()}


@mistake("attention.masked_softmax", "causal_mask_transposed")
def _mask_transposed(scores: Any, mask: str = "causal", valid: Any = None) -> dict[str, Any]:
    """Masks below the diagonal (the past) instead of above it (the future)."""
    if mask != "causal":
        return {}
    s = as_matrix(scores, "S")
    m = mask_matrix(mask, s.shape[0], s.shape[1], valid)
    return {"weights": softmax(s, m.T).tolist()}


@mistake("attention.masked_softmax", "softmax_over_wrong_axis")
def _mask_columns(scores: Any, mask: str = "causal", valid: Any = None) -> dict[str, Any]:
    s = as_matrix(scores, "S")
    m = mask_matrix(mask, s.shape[0], s.shape[1], valid)
    return {"weights": softmax(s, m, axis=0).tolist()}
