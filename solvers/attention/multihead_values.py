"""Multi-head self-attention with actual numbers (solver attention.multihead_values) and its mistakes.

Row convention (REFERENCE.md): each token is a row of X; Q = X·W_Q (+ b_Q), and so on. The h heads
use W_Q = [W_Q¹ | W_Q² | … | W_Qʰ] (d_model × h·d_k): the textbook's per-head matrices side by side,
so head i reads columns (i−1)·d_k + 1 … i·d_k of Q, K and V. This column split is also how PyTorch's
``nn.MultiheadAttention`` cuts its packed projection into heads. PyTorch stores every weight as
(out × in) and computes x·Wᵀ + b; with ``convention=pytorch`` the matrices are given that way
(``in_proj_weight`` rows for W_Q, W_K, W_V, and ``out_proj.weight``) and transposed before use.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from solvers.arrays import as_any_vector, as_matrix
from solvers.attention.core import attention_core
from solvers.core import Grid, ParamSpec, Solution, SolverInputError, Step, Text
from solvers.core import input_error as _err
from solvers.registry import carry, mistake, solver
from solvers.textfmt import _m, labels, rounded, sub, sup

CONVENTIONS = ("textbook", "pytorch")

_W_HELP = {
    "wq": ("W_Q, all heads side by side (d_model × h·d_k)", "W_Q，各头并排（d_model × h·d_k）"),
    "wk": ("W_K, all heads side by side (d_model × h·d_k)", "W_K，各头并排（d_model × h·d_k）"),
    "wv": ("W_V, all heads side by side (d_model × h·d_v)", "W_V，各头并排（d_model × h·d_v）"),
    "wo": ("output projection W_O (h·d_v × d_model)", "输出投影 W_O（h·d_v × d_model）"),
}
_B_HELP = {
    "bq": ("bias of Q (length h·d_k; default none)", "Q 的偏置（长 h·d_k；默认无）"),
    "bk": ("bias of K (length h·d_k; default none)", "K 的偏置（长 h·d_k；默认无）"),
    "bv": ("bias of V (length h·d_v; default none)", "V 的偏置（长 h·d_v；默认无）"),
    "bo": ("bias of the output (length d_model; default none)", "输出的偏置（长 d_model；默认无）"),
}

PARAMS = [
    ParamSpec("x", "matrix", Text("input X, one token per row (n × d_model)", "输入 X，每行一个词（n × d_model）")),
    ParamSpec("heads", "int", Text("number of heads h", "头数 h")),
    *[ParamSpec(k, "matrix", Text(*v)) for k, v in _W_HELP.items()],
    *[ParamSpec(k, "vector", Text(*v), default=None, required=False) for k, v in _B_HELP.items()],
    ParamSpec(
        "convention",
        "choice",
        Text(
            "textbook: X·W with W as d_model × h·d_k (default); pytorch: weights stored out × in, X·Wᵀ",
            "textbook：X·W，W 为 d_model × h·d_k（默认）；pytorch：权重按 输出 × 输入 存放，X·Wᵀ",
        ),
        default="textbook",
        required=False,
        choices=CONVENTIONS,
    ),
]


@dataclasses.dataclass(frozen=True)
class _Layer:
    """The inputs, read and checked, in the textbook's orientation (every W multiplies from the right)."""

    x: np.ndarray
    heads: int
    w: dict[str, np.ndarray]
    b: dict[str, np.ndarray]
    d_k: int
    d_v: int


def _read(
    x: Any, heads: Any, wq: Any, wk: Any, wv: Any, wo: Any, bq: Any, bk: Any, bv: Any, bo: Any, convention: str
) -> _Layer:
    if convention not in CONVENTIONS:
        raise _err("convention must be textbook or pytorch", "convention 只能是 textbook 或 pytorch")
    xm = as_matrix(x, "X")
    d_model = xm.shape[1]
    h = int(heads)
    if h <= 0:
        raise _err("the number of heads must be positive", "头数必须为正")
    given = {"Q": wq, "K": wk, "V": wv, "O": wo}
    w = {}
    for name, value in given.items():
        m = as_matrix(value, f"W_{name}")
        w[name] = m.T if convention == "pytorch" else m
    shape_hint = Text(
        " (pytorch convention: give each matrix as PyTorch stores it, out × in)",
        "（pytorch 约定：按 PyTorch 的存放方式给出，输出 × 输入）",
    )
    hint = shape_hint if convention == "pytorch" else Text("", "")
    for name in "QKV":
        rows = w[name].shape[0]
        if rows != d_model:
            raise _err(
                f"W_{name} must map d_model = {d_model} inputs (X has {d_model} columns), but it takes {rows}{hint.en}",
                f"W_{name} 的输入维度应为 d_model = {d_model}（X 有 {d_model} 列），实际为 {rows}{hint.zh}",
            )
        cols = w[name].shape[1]
        if cols % h:
            raise _err(
                f"W_{name} has {cols} output columns, which cannot be split evenly into {h} heads",
                f"W_{name} 有 {cols} 个输出列，不能平均分给 {h} 个头",
            )
    if w["Q"].shape[1] != w["K"].shape[1]:
        raise _err(
            "W_Q and W_K need the same number of output columns (h·d_k)", "W_Q 和 W_K 的输出列数（h·d_k）必须相同"
        )
    hd_v = w["V"].shape[1]
    if w["O"].shape[0] != hd_v:
        raise _err(
            f"W_O must take the {hd_v} columns of the concatenated heads (h·d_v), but it takes {w['O'].shape[0]}"
            + hint.en,
            f"W_O 的输入维度应为拼接后的列数 h·d_v = {hd_v}，实际为 {w['O'].shape[0]}" + hint.zh,
        )
    lengths = {"Q": w["Q"].shape[1], "K": w["K"].shape[1], "V": hd_v, "O": w["O"].shape[1]}
    b = {}
    for name, value in {"Q": bq, "K": bk, "V": bv, "O": bo}.items():
        if value is None:
            continue
        vec = as_any_vector(value, f"b_{name}")
        if vec.size != lengths[name]:
            raise _err(
                f"b_{name} needs {lengths[name]} entries, got {vec.size}",
                f"b_{name} 应有 {lengths[name]} 个数，给了 {vec.size} 个",
            )
        b[name] = vec
    return _Layer(xm, h, w, b, w["Q"].shape[1] // h, hd_v // h)


def _project(layer: _Layer, name: str) -> np.ndarray:
    out = layer.x @ layer.w[name]
    return out + layer.b[name] if name in layer.b else out


def _heads_split(a: np.ndarray, heads: int) -> list[np.ndarray]:
    """Head i takes the i-th block of columns (as PyTorch reshapes n × (h·d) to n × h × d)."""
    width = a.shape[1] // heads
    return [a[:, i * width : (i + 1) * width] for i in range(heads)]


def _forward(
    layer: _Layer,
    steps: list[Step] | None = None,
    divisor: str = "d_k",
    axis: int = 1,
    reverse_concat: bool = False,
    use_wo: bool = True,
) -> dict[str, Any]:
    """The whole forward pass. The solver calls it with the defaults and collects the steps; the
    keyword switches reproduce the misconceptions for the mistake generators."""
    q, k, v = (_project(layer, name) for name in "QKV")
    out: dict[str, Any] = {"q": q.tolist(), "k": k.tolist(), "v": v.tolist()}
    factor = {"d_k": math.sqrt(layer.d_k), "d_model": math.sqrt(layer.x.shape[1]), "none": 1.0}[divisor]
    head_outputs = []
    for i, (qi, ki, vi) in enumerate(zip(*(_heads_split(a, layer.heads) for a in (q, k, v)), strict=True), start=1):
        head_steps: list[Step] | None = [] if steps is not None else None
        res = attention_core(qi, ki, vi, "sqrt", None, axis=axis, steps=head_steps, divisor=factor)
        out[f"scores_{i}"], out[f"weights_{i}"], out[f"head_{i}"] = res["scores"], res["weights"], res["output"]
        head_outputs.append(np.asarray(res["output"]))
        if steps is not None and head_steps is not None:
            steps.append(_split_step(i, layer, qi, ki, vi))
            steps.extend(_in_head(i, s) for s in head_steps)
    concat = np.hstack(head_outputs[::-1] if reverse_concat else head_outputs)
    output = concat @ layer.w["O"] + layer.b.get("O", 0.0) if use_wo else concat
    out.update(concat=concat.tolist(), output=np.asarray(output, dtype=float).tolist())
    if steps is not None:
        steps.extend(_concat_steps(layer, concat, np.asarray(output)))
    return out


def _in_head(i: int, step: Step) -> Step:
    """A step of the shared attention computation, titled with its head."""
    what = Text(f"Head {i}: {step.what.en[0].lower()}{step.what.en[1:]}", f"第 {i} 个头：{step.what.zh}")
    grids = tuple(
        dataclasses.replace(g, title=Text(f"{g.title.en} (head {i})", f"{g.title.zh}（头 {i}）")) if g.title else g
        for g in step.grids
    )
    return dataclasses.replace(step, what=what, grids=grids)


def _split_step(i: int, layer: _Layer, qi: np.ndarray, ki: np.ndarray, vi: np.ndarray) -> Step:
    lo_k, hi_k = (i - 1) * layer.d_k + 1, i * layer.d_k
    lo_v, hi_v = (i - 1) * layer.d_v + 1, i * layer.d_v
    n = qi.shape[0]
    return Step(
        Text(
            f"Head {i}: take columns {lo_k}–{hi_k} of Q and K and columns {lo_v}–{hi_v} of V",
            f"第 {i} 个头：取 Q、K 的第 {lo_k}–{hi_k} 列和 V 的第 {lo_v}–{hi_v} 列",
        ),
        formula=f"Q{sub(i)} = X·W_Q{sup(i)}, K{sub(i)} = X·W_K{sup(i)}, V{sub(i)} = X·W_V{sup(i)}",
        result=f"Q{sub(i)} = {_m(qi, 4)}, K{sub(i)} = {_m(ki, 4)}, V{sub(i)} = {_m(vi, 4)}",
        grids=tuple(
            Grid.of(rounded(a), labels(p, n), labels("", a.shape[1]), Text(f"{name}{sub(i)}", f"{name}{sub(i)}"))
            for a, p, name in ((qi, "q", "Q"), (ki, "k", "K"), (vi, "v", "V"))
        ),
    )


def _concat_steps(layer: _Layer, concat: np.ndarray, output: np.ndarray) -> list[Step]:
    n = concat.shape[0]
    h = layer.heads
    heads = ", ".join(f"head{sub(i)}" for i in range(1, h + 1))
    has_bias = "O" in layer.b
    return [
        Step(
            Text(
                f"Concatenate the heads side by side, in order (head 1 first): n × h·d_v = {n} × {h * layer.d_v}",
                f"把各头的输出按顺序横向拼接（头 1 在最左）：n × h·d_v = {n} × {h * layer.d_v}",
            ),
            formula=f"Concat({heads})",
            result=_m(concat, 4),
            grids=(Grid.of(rounded(concat), labels("h", n), labels("", concat.shape[1]), Text("Concat", "Concat")),),
        ),
        Step(
            Text(
                "Output projection: multiply the concatenation by W_O" + (" and add b_O" if has_bias else ""),
                "输出投影：拼接结果乘以 W_O" + ("，再加 b_O" if has_bias else ""),
            ),
            formula="MultiHead(X) = Concat(…)·W_O" + (" + b_O" if has_bias else ""),
            substituted=f"{_m(concat, 4)} · {_m(layer.w['O'], 4)}"
            + (f" + {_m([layer.b['O']], 4)}" if has_bias else ""),
            result=_m(output, 4),
            grids=(
                Grid.of(
                    rounded(output), labels("y", n), labels("", output.shape[1]), Text("MultiHead(X)", "MultiHead(X)")
                ),
            ),
        ),
    ]


def _convention_step(layer: _Layer, convention: str, q: Any, k: Any, v: Any) -> list[Step]:
    n, d_model = layer.x.shape
    h, d_k, d_v = layer.heads, layer.d_k, layer.d_v
    if convention == "pytorch":
        note = Text(
            "PyTorch convention: nn.MultiheadAttention stores each weight as (out × in) and computes x·Wᵀ + b "
            "(in_proj_weight = [W_Q; W_K; W_V] stacked by rows, out_proj.weight). The given matrices are used "
            "transposed; the heads are then the consecutive column blocks of Q, K and V.",
            "PyTorch 约定：nn.MultiheadAttention 把每个权重按（输出 × 输入）存放，计算 x·Wᵀ + b"
            "（in_proj_weight 按行叠放 [W_Q; W_K; W_V]，另有 out_proj.weight）。这里把给出的矩阵转置后使用；"
            "各头依次对应 Q、K、V 中相邻的列块。",
        )
    else:
        note = Text(
            "Textbook convention (row vectors): W_Q = [W_Q¹ | … | W_Qʰ] holds the per-head matrices side by side, "
            "so Q_i = X·W_Q^i is the i-th block of d_k columns of Q. PyTorch splits its packed projection into "
            "heads the same way, but stores the weights transposed (x·Wᵀ).",
            "教材约定（行向量）：W_Q = [W_Q¹ | … | W_Qʰ] 把各头的矩阵并排放在一起，所以 Q_i = X·W_Q^i 就是 Q 的"
            "第 i 块（d_k 列）。PyTorch 也这样把合并的投影切分到各头，只是权重按转置存放（x·Wᵀ）。",
        )
    steps = [
        Step(
            Text(
                f"Sizes: n = {n} tokens, d_model = {d_model}, h = {h} heads, d_k = {d_k}, d_v = {d_v}",
                f"维度：n = {n} 个词，d_model = {d_model}，h = {h} 个头，d_k = {d_k}，d_v = {d_v}",
            ),
            formula="head_i = softmax(Q_iK_iᵀ/√d_k)·V_i, MultiHead(X) = Concat(head_1, …, head_h)·W_O",
            result=f"X {n}×{d_model}",
            note=note,
        )
    ]
    tr = "ᵀ" if convention == "pytorch" else ""
    roles = {"Q": ("Queries", "查询"), "K": ("Keys", "键"), "V": ("Values", "值")}
    for name, proj in (("Q", q), ("K", k), ("V", v)):
        bias = name in layer.b
        given = layer.w[name].T if convention == "pytorch" else layer.w[name]
        steps.append(
            Step(
                Text(
                    f"{roles[name][0]} of all heads at once: X·W_{name}{tr}" + (f" + b_{name}" if bias else ""),
                    f"一次算出所有头的{roles[name][1]}：X·W_{name}{tr}" + (f" + b_{name}" if bias else ""),
                ),
                formula=f"{name} = X·W_{name}{tr}" + (f" + b_{name}" if bias else ""),
                substituted=f"{_m(layer.x, 4)} · {_m(given, 4)}{tr}" + (f" + {_m([layer.b[name]], 4)}" if bias else ""),
                result=_m(proj, 4),
                grids=(
                    Grid.of(rounded(proj), labels(name.lower(), n), labels("", np.shape(proj)[1]), Text(name, name)),
                ),
            )
        )
    return steps


@solver(
    "attention.multihead_values",
    PARAMS,
    Text(
        "multi-head self-attention with numbers: Q, K, V, every head's weights and output, concat, W_O",
        "多头自注意力数值计算：Q、K、V，各头的权重与输出，拼接，W_O",
    ),
)
def multihead_values(
    x: Any,
    heads: int,
    wq: Any,
    wk: Any,
    wv: Any,
    wo: Any,
    bq: Any = None,
    bk: Any = None,
    bv: Any = None,
    bo: Any = None,
    convention: str = "textbook",
) -> Solution:
    layer = _read(x, heads, wq, wk, wv, wo, bq, bk, bv, bo, convention)
    head_steps: list[Step] = []
    answers = _forward(layer, steps=head_steps)
    steps = _convention_step(layer, convention, answers["q"], answers["k"], answers["v"]) + head_steps
    return Solution(answers=answers, steps=steps)


def _layer_of(inputs: dict[str, Any]) -> _Layer:
    names = ("x", "heads", "wq", "wk", "wv", "wo", "bq", "bk", "bv", "bo")
    return _read(*(inputs.get(name) for name in names), inputs.get("convention", "textbook"))


def _variant(inputs: dict[str, Any], keys: tuple[str, ...], **kw: Any) -> dict[str, Any]:
    out = _forward(_layer_of(inputs), **kw)
    wanted = [key for key in out if key in keys or key.rsplit("_", 1)[0] in keys]
    return {key: out[key] for key in wanted}


_AFTER_SCORES = ("scores", "weights", "head", "concat", "output")


@mistake("attention.multihead_values", "scale_by_sqrt_d_model")
def _mhv_sqrt_d_model(**inputs: Any) -> dict[str, Any]:
    """Divides by √d_model (the width of X) instead of √d_k (the width of one head's queries)."""
    layer = _layer_of(inputs)
    if layer.d_k == layer.x.shape[1]:
        return {}
    return _variant(inputs, _AFTER_SCORES, divisor="d_model")


@mistake("attention.multihead_values", "no_sqrt_scaling")
def _mhv_no_scaling(**inputs: Any) -> dict[str, Any]:
    return _variant(inputs, _AFTER_SCORES, divisor="none")


@mistake("attention.multihead_values", "softmax_over_wrong_axis")
def _mhv_columns(**inputs: Any) -> dict[str, Any]:
    """Normalizes each column of a head's score matrix (over the queries) instead of each row."""
    return _variant(inputs, ("weights", "head", "concat", "output"), axis=0)


@mistake("attention.multihead_values", "heads_concatenated_in_reverse")
def _mhv_reverse(**inputs: Any) -> dict[str, Any]:
    """Puts the last head first when concatenating (W_O then mixes the wrong columns)."""
    if int(inputs.get("heads", 1)) < 2:
        return {}
    return _variant(inputs, ("concat", "output"), reverse_concat=True)


@mistake("attention.multihead_values", "output_projection_forgotten")
def _mhv_no_wo(**inputs: Any) -> dict[str, Any]:
    """Stops at the concatenation: the output without W_O (only comparable when the widths agree)."""
    out = _variant(inputs, ("output",), use_wo=False)
    wo = as_matrix(inputs["wo"], "W_O")
    return out if wo.shape[0] == wo.shape[1] else {}


@carry("attention.multihead_values", "output")
def _mhv_output_carried(given: dict[str, Any], **inputs: Any) -> Any:
    """The output from the student's own concatenation: Concat·W_O (+ b_O)."""
    if "concat" not in given:
        return None
    try:
        layer = _layer_of(inputs)
        concat = np.asarray(given["concat"], dtype=float)
        if concat.shape != (layer.x.shape[0], layer.w["O"].shape[0]):
            return None
        return (concat @ layer.w["O"] + layer.b.get("O", 0.0)).tolist()
    except (SolverInputError, ValueError, TypeError):
        return None
