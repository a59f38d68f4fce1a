"""Attention (nndl ch. 8): scoring functions, softmax weights, key-value attention, self-attention,
padding and causal masks, and multi-head shapes and parameter counts.

Conventions (REFERENCE.md): row convention: every query, key and value is a row of its matrix,
Q = XW_Q, K = XW_K, V = XW_V, and H = softmax(QKᵀ/√d_k)·V with the softmax taken over each row
(one attention distribution per query, over the keys). The book writes the same thing with column
vectors. Masked scores are set to −∞ before the softmax, so their weight is exactly 0.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from solvers.arrays import as_any_vector as as_vector
from solvers.arrays import as_matrix, softmax
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

MASKS = ("none", "causal", "padding")
SCORINGS = ("dot", "scaled", "additive", "bilinear", "cosine")
MINUS_INF = "−∞"


# --------------------------------------------------------------------------- helpers


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


def _attention_core(
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
) -> dict[str, Any]:
    """Scaled dot-product attention. The keyword switches reproduce misconceptions for the mistake
    generators; the solver calls it with the defaults and collects the steps."""
    n_q, d_k = q.shape
    raw = k @ q.T if swap_qk else q @ k.T
    factor = _scale_factor(scale_mode, d_k)
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
    return {"scores": scores.tolist(), "qk": raw.tolist(), "weights": weights.tolist(), "output": output.tolist()}


def _check_qkv(q: np.ndarray, k: np.ndarray, v: np.ndarray) -> None:
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


# --------------------------------------------------------------------------- Q, K, V attention

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
    _check_qkv(qm, km, vm)
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
    answers = _attention_core(qm, km, vm, "sqrt" if scale else "none", m, steps=steps)
    return Solution(answers=answers, steps=steps)


def _qkv_mistake(
    q: Any, k: Any, v: Any, scale: bool, mask: str, valid: Any, keys: tuple[str, ...], **kw: Any
) -> dict[str, Any]:
    qm, km, vm, m = _qkv(q, k, v, mask, valid)
    kw.setdefault("scale_mode", "sqrt" if scale else "none")
    out = _attention_core(qm, km, vm, mask=m, **kw)
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


# --------------------------------------------------------------------------- self-attention


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
    answers.update(_attention_core(q, k, v, "sqrt" if scale else "none", m, steps=steps))
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
    out = _attention_core(q, k, v, mask=m, **kw)
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
    out = _attention_core(q, k, xm, "sqrt" if scale else "none", m)
    return {"output": out["output"]}


# --------------------------------------------------------------------------- scoring functions


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
    n, d = xm.shape
    steps: list[Step] = []
    xn = labels("x", n)
    if method in ("dot", "scaled", "cosine"):
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
    if method == "bilinear":
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
    if method == "additive":
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
    raise _err(f"unknown scoring {method!r}", f"未知的打分函数 {method!r}")


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


# --------------------------------------------------------------------------- masks


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


# --------------------------------------------------------------------------- multi-head


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
    steps.append(
        Step(
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
    )
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
