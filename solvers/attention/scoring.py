"""Attention scoring functions: dot, scaled dot, additive, bilinear, cosine (solver attention.score)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from solvers.arrays import as_any_vector as as_vector
from solvers.arrays import as_matrix, softmax
from solvers.attention.core import SCORINGS
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


def _scores(
    method: str,
    xm: np.ndarray,
    qv: np.ndarray,
    w: np.ndarray | None,
    u: np.ndarray | None,
    va: np.ndarray | None,
    variant: str = "",
) -> tuple[np.ndarray, list[Step]]:
    """Scores s(x_n, q) of one query against every input row, and the steps that show them.

    ``variant`` reproduces a misconception: "no_sqrt", "no_tanh", "w_transposed".
    """
    if method in ("dot", "scaled", "cosine"):
        return _dot_scores(method, xm, qv, variant)
    if method == "bilinear":
        return _bilinear_scores(xm, qv, w, variant)
    if method == "additive":
        return _additive_scores(xm, qv, w, u, va, variant)
    raise _err(f"unknown scoring {method!r}", f"未知的打分函数 {method!r}")


def _dot_scores(method: str, xm: np.ndarray, qv: np.ndarray, variant: str) -> tuple[np.ndarray, list[Step]]:
    """Dot, scaled dot and cosine scores."""
    n, d = xm.shape
    steps: list[Step] = []
    if d != qv.size:
        raise _err(
            f"dot-product scoring needs x and q of the same length (got {d} and {qv.size})",
            f"点积打分要求 x 和 q 的维数相同（给了 {d} 和 {qv.size}）",
        )
    dots = xm @ qv
    if method == "dot" or (method == "scaled" and variant == "no_sqrt"):
        steps.append(
            Step(
                Text("Dot-product scores", "点积模型打分"),
                formula="s(x_n, q) = x_nᵀq",
                substituted="; ".join(f"{fmt_vector(xm[i])}·{fmt_vector(qv)}" for i in range(n)),
                result=fmt_vector(dots),
            )
        )
        return dots, steps
    if method == "scaled":
        s = dots / math.sqrt(d)
        steps.append(
            Step(
                Text(f"Scaled dot-product scores (d = {d})", f"缩放点积模型打分（d = {d}）"),
                formula="s(x_n, q) = x_nᵀq / √d",
                substituted=f"{fmt_vector(dots)} / √{d}",
                result=fmt_vector(s),
            )
        )
        return s, steps
    norms = np.linalg.norm(xm, axis=1) * np.linalg.norm(qv)
    if np.any(norms == 0):
        raise _err("cosine scoring needs non-zero vectors", "余弦打分要求向量非零")
    s = dots / norms
    steps.append(
        Step(
            Text("Cosine-similarity scores", "余弦相似度打分"),
            formula="s(x_n, q) = x_nᵀq / (‖x_n‖·‖q‖)",
            substituted="; ".join(f"{fmt_num(dots[i], 4)}/{fmt_num(norms[i], 4)}" for i in range(n)),
            result=fmt_vector(s),
        )
    )
    return s, steps


def _bilinear_scores(
    xm: np.ndarray, qv: np.ndarray, w: np.ndarray | None, variant: str
) -> tuple[np.ndarray, list[Step]]:
    """s(x_n, q) = x_nᵀ·W·q."""
    n, d = xm.shape
    steps: list[Step] = []
    if w is None:
        raise _err("bilinear scoring needs W (d_x × d_q)", "双线性打分需要矩阵 W（d_x × d_q）")
    wt = w.T if variant == "w_transposed" else w
    if wt.shape != (d, qv.size):
        raise _err(
            f"W must be {d}×{qv.size} (length of x by length of q), got {fmt_shape(w.shape)}",
            f"W 的形状应为 {d}×{qv.size}（x 的维数 × q 的维数），给了 {fmt_shape(w.shape)}",
        )
    wq = wt @ qv
    s = xm @ wq
    steps.append(
        Step(
            Text("First W·q (shared by every x_n)", "先算 W·q（对所有 x_n 相同）"),
            formula="W·q",
            substituted=f"{fmt_matrix(wt)} · {fmt_vector(qv)}",
            result=fmt_vector(wq),
        )
    )
    steps.append(
        Step(
            Text("Bilinear scores", "双线性模型打分"),
            formula="s(x_n, q) = x_nᵀ·(W·q)",
            substituted="; ".join(f"{fmt_vector(xm[i])}·{fmt_vector(wq)}" for i in range(n)),
            result=fmt_vector(s),
        )
    )
    return s, steps


def _additive_scores(
    xm: np.ndarray, qv: np.ndarray, w: np.ndarray | None, u: np.ndarray | None, va: np.ndarray | None, variant: str
) -> tuple[np.ndarray, list[Step]]:
    """s(x_n, q) = vᵀ·tanh(W·x_n + U·q)."""
    n, d = xm.shape
    steps: list[Step] = []
    xn = labels("x", n)
    if w is None or u is None or va is None:
        raise _err(
            "additive scoring needs W (d_a × d_x), U (d_a × d_q) and va (length d_a)",
            "加性打分需要 W（d_a × d_x）、U（d_a × d_q）和 va（长度 d_a）",
        )
    if w.shape[1] != d or u.shape[1] != qv.size or w.shape[0] != u.shape[0] or va.size != w.shape[0]:
        raise _err(
            f"shapes do not fit: W must be d_a×{d}, U d_a×{qv.size}, va of length d_a",
            f"形状不匹配：W 应为 d_a×{d}，U 为 d_a×{qv.size}，va 长度为 d_a",
        )
    uq = u @ qv
    steps.append(
        Step(
            Text("U·q (shared by every x_n)", "U·q（对所有 x_n 相同）"),
            formula="U·q",
            substituted=f"{fmt_matrix(u)} · {fmt_vector(qv)}",
            result=fmt_vector(uq),
        )
    )
    pre = xm @ w.T + uq
    hidden = pre if variant == "no_tanh" else np.tanh(pre)
    s = hidden @ va
    steps.append(
        Step(
            Text("W·x_n + U·q for every input (one row per x_n)", "对每个输入计算 W·x_n + U·q（每个 x_n 一行）"),
            formula="a_n = W·x_n + U·q",
            grids=(Grid.of(rounded(pre), xn, labels("", pre.shape[1]), Text("W·x_n + U·q", "W·x_n + U·q")),),
            result=fmt_matrix(pre),
        )
    )
    if variant != "no_tanh":
        steps.append(
            Step(
                Text("tanh element-wise", "逐元素取 tanh"),
                formula="tanh(a_n)",
                grids=(
                    Grid.of(
                        rounded(hidden),
                        xn,
                        labels("", pre.shape[1]),
                        Text("tanh(W·x_n + U·q)", "tanh(W·x_n + U·q)"),
                    ),
                ),
                result=fmt_matrix(hidden),
            )
        )
    steps.append(
        Step(
            Text("Additive scores: dot product of v with each tanh row", "加性模型打分：v 与每一行 tanh 值做点积"),
            formula="s(x_n, q) = vᵀ·tanh(W·x_n + U·q)",
            substituted="; ".join(f"{fmt_vector(va)}·{fmt_vector(hidden[i])}" for i in range(n)),
            result=fmt_vector(s),
        )
    )
    return s, steps


def _score_inputs(
    x: Any, q: Any, w: Any, u: Any, va: Any, values: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None, np.ndarray | None, np.ndarray | None]:
    xm = as_matrix(x, "X")
    qv = as_vector(q, "q")
    wm = as_matrix(w, "W") if w is not None else None
    um = as_matrix(u, "U") if u is not None else None
    vv = as_vector(va, "va") if va is not None else None
    vals = as_matrix(values, "values") if values is not None else None
    if vals is not None and vals.shape[0] != xm.shape[0]:
        raise _err(
            f"values need one row per key ({xm.shape[0]} rows), got {vals.shape[0]}",
            f"值矩阵每个键对应一行（应有 {xm.shape[0]} 行），给了 {vals.shape[0]}",
        )
    return xm, qv, wm, um, vv, vals


@solver(
    "attention.score",
    [
        ParamSpec("x", "matrix", Text("inputs / keys x_n, one per row", "输入（键）x_n，每行一个")),
        ParamSpec("q", "vector", Text("query vector q", "查询向量 q")),
        ParamSpec(
            "method",
            "choice",
            Text(
                "scoring: dot, scaled, additive, bilinear or cosine",
                "打分函数：dot、scaled、additive、bilinear 或 cosine",
            ),
            default="dot",
            required=False,
            choices=SCORINGS,
        ),
        ParamSpec(
            "w",
            "matrix",
            Text("W: additive d_a×d_x, bilinear d_x×d_q", "W：加性为 d_a×d_x，双线性为 d_x×d_q"),
            default=None,
            required=False,
        ),
        ParamSpec(
            "u", "matrix", Text("U (additive only), d_a×d_q", "U（仅加性模型），d_a×d_q"), default=None, required=False
        ),
        ParamSpec(
            "va",
            "vector",
            Text("v (additive only), length d_a", "v（仅加性模型），长度 d_a"),
            default=None,
            required=False,
        ),
        ParamSpec(
            "values",
            "matrix",
            Text(
                "values v_n for key-value attention (default: the inputs themselves)",
                "键值对注意力的值 v_n（默认就用输入本身）",
            ),
            default=None,
            required=False,
        ),
    ],
    Text(
        "attention scores of one query (dot / scaled / additive / bilinear / cosine), softmax weights, output",
        "一个查询的注意力打分（点积/缩放点积/加性/双线性/余弦）、softmax 权重和输出",
    ),
)
def score(
    x: Any, q: Any, method: str = "dot", w: Any = None, u: Any = None, va: Any = None, values: Any = None
) -> Solution:
    xm, qv, wm, um, vv, vals = _score_inputs(x, q, w, u, va, values)
    s, steps = _scores(method, xm, qv, wm, um, vv)
    alpha = softmax(s.reshape(1, -1))[0]
    steps.append(
        Step(
            Text("Attention distribution: softmax over the N scores", "注意力分布：对 N 个分数做 softmax"),
            formula="α_n = exp(s_n) / Σ_j exp(s_j)",
            substituted=f"({', '.join('e^' + fmt_num(v, 4) for v in s)}) / Σ",
            result=fmt_vector(alpha),
            note=Text(
                f"Σ exp(s_j) = {fmt_num(float(np.exp(s).sum()), 5)}; the weights sum to 1.",
                f"Σ exp(s_j) = {fmt_num(float(np.exp(s).sum()), 5)}；权重之和为 1。",
            )
            if np.all(np.abs(s) < 700)
            else None,
        )
    )
    kv = vals if vals is not None else xm
    output = alpha @ kv
    steps.append(
        Step(
            Text(
                "Output: weighted average of the values"
                if vals is not None
                else "Output (soft attention): weighted average of the inputs",
                "输出：值向量的加权平均（键值对注意力）"
                if vals is not None
                else "输出（软注意力）：输入向量的加权平均",
            ),
            formula="att = Σ_n α_n v_n" if vals is not None else "att = Σ_n α_n x_n",
            substituted=" + ".join(f"{fmt_num(a, 4)}·{fmt_vector(row)}" for a, row in zip(alpha, kv, strict=True)),
            result=fmt_vector(output),
            grids=(
                Grid.of(
                    [[round(float(a), 4)] + rounded(row) for a, row in zip(alpha, kv, strict=True)],
                    labels("", len(alpha)),
                    ["α", *labels("", kv.shape[1])],
                    Text("weights and vectors", "权重与向量"),
                ),
            ),
        )
    )
    return Solution(answers={"scores": s.tolist(), "weights": alpha.tolist(), "output": output.tolist()}, steps=steps)


def _score_mistake(
    x: Any,
    q: Any,
    method: str,
    w: Any,
    u: Any,
    va: Any,
    values: Any,
    variant: str = "",
    weights_mode: str = "softmax",
    use_keys: bool = False,
) -> dict[str, Any]:
    xm, qv, wm, um, vv, vals = _score_inputs(x, q, w, u, va, values)
    s, _ = _scores(method, xm, qv, wm, um, vv, variant)
    if weights_mode == "softmax":
        alpha = softmax(s.reshape(1, -1))[0]
    elif weights_mode == "sum":
        total = s.sum()
        if abs(total) < 1e-12:
            return {}
        alpha = s / total
    else:  # raw scores used as weights
        alpha = s
    kv = xm if (vals is None or use_keys) else vals
    return {"scores": s.tolist(), "weights": alpha.tolist(), "output": (alpha @ kv).tolist()}


@mistake("attention.score", "no_sqrt_scaling")
def _score_no_sqrt(
    x: Any, q: Any, method: str = "dot", w: Any = None, u: Any = None, va: Any = None, values: Any = None
) -> dict[str, Any]:
    if method != "scaled":
        return {}
    return _score_mistake(x, q, method, w, u, va, values, variant="no_sqrt")


@mistake("attention.score", "tanh_forgotten")
def _score_no_tanh(
    x: Any, q: Any, method: str = "dot", w: Any = None, u: Any = None, va: Any = None, values: Any = None
) -> dict[str, Any]:
    if method != "additive":
        return {}
    return _score_mistake(x, q, method, w, u, va, values, variant="no_tanh")


@mistake("attention.score", "w_transposed")
def _score_w_transposed(
    x: Any, q: Any, method: str = "dot", w: Any = None, u: Any = None, va: Any = None, values: Any = None
) -> dict[str, Any]:
    """Bilinear score computed as xᵀWᵀq (W applied from the wrong side)."""
    if method != "bilinear" or w is None:
        return {}
    wm = as_matrix(w, "W")
    if wm.shape[0] != wm.shape[1]:
        return {}
    return _score_mistake(x, q, method, w, u, va, values, variant="w_transposed")


@mistake("attention.score", "normalized_by_sum")
def _score_by_sum(
    x: Any, q: Any, method: str = "dot", w: Any = None, u: Any = None, va: Any = None, values: Any = None
) -> dict[str, Any]:
    """α_n = s_n / Σ s_j: normalizes the raw scores instead of taking the softmax."""
    out = _score_mistake(x, q, method, w, u, va, values, weights_mode="sum")
    return {k: out[k] for k in ("weights", "output")} if out else {}


@mistake("attention.score", "softmax_skipped")
def _score_no_softmax(
    x: Any, q: Any, method: str = "dot", w: Any = None, u: Any = None, va: Any = None, values: Any = None
) -> dict[str, Any]:
    """Uses the raw scores as the weights."""
    out = _score_mistake(x, q, method, w, u, va, values, weights_mode="raw")
    return {k: out[k] for k in ("weights", "output")}


@mistake("attention.score", "weights_times_k_instead_of_v")
def _score_times_keys(
    x: Any, q: Any, method: str = "dot", w: Any = None, u: Any = None, va: Any = None, values: Any = None
) -> dict[str, Any]:
    if values is None:
        return {}
    out = _score_mistake(x, q, method, w, u, va, values, use_keys=True)
    return {"output": out["output"]}
