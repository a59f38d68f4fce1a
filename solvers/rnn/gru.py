"""One GRU step in the textbook form and in PyTorch's (reset gate after the matrix product)."""

from __future__ import annotations

from typing import Any

import numpy as np

from solvers.arrays import as_any_vector as as_vector
from solvers.arrays import as_matrix, sigmoid
from solvers.core import Grid, ParamSpec, Solution, Step, Text, fmt_vector
from solvers.core import input_error as _err
from solvers.registry import mistake, solver
from solvers.rnn.common import check_convention
from solvers.rnn.gates import gate_inputs, gate_step, require_weights
from solvers.rnn.params import PARAMS_SPECS
from solvers.rnn.srn import matrix_text

GRU_SPECS = [
    ParamSpec("x", "vector", Text("input x_t (length d)", "输入 x_t（长度 d）")),
    ParamSpec("h_prev", "vector", Text("previous state h_{t−1} (length h)", "上一时刻隐状态 h_{t−1}（长度 h）")),
]


for _g, _zh in (("z", "更新门"), ("r", "重置门"), ("h", "候选状态")):
    GRU_SPECS += [
        ParamSpec(f"w{_g}", "matrix", Text(f"W_{_g} (h×d)", f"{_zh} W_{_g}（h×d）")),
        ParamSpec(f"u{_g}", "matrix", Text(f"U_{_g} (h×h)", f"{_zh} U_{_g}（h×h）")),
        ParamSpec(f"b{_g}", "vector", Text(f"b_{_g} (length h)", f"{_zh} b_{_g}（长度 h）")),
    ]


GRU_SPECS += [
    PARAMS_SPECS[3],
    ParamSpec(
        "bhn",
        "vector",
        Text(
            "pytorch only: hidden-side candidate bias b_hn, multiplied by r (default 0)",
            "仅 pytorch：候选状态的隐藏侧偏置 b_hn，会乘以 r（默认 0）",
        ),
        default=None,
        required=False,
    ),
]


def gru_forward(
    x: Any, h_prev: Any, p: dict[str, Any], convention: str = "textbook", bhn: Any = None, variant: str = ""
) -> tuple[dict[str, Any], dict[str, Any]]:
    """One GRU step in either convention; ``variant`` reproduces a mistake."""
    require_weights(p, "zrh")
    check_convention(convention)
    xv, hv, g = gate_inputs(x, h_prev, {n: (p[f"w{n}"], p[f"u{n}"], p[f"b{n}"]) for n in "zrh"})
    b_hn = as_vector(bhn, "b_hn") if bhn is not None else np.zeros(hv.size)
    if convention == "textbook" and np.any(b_hn != 0):
        raise _err(
            "b_hn exists only in the pytorch convention; the textbook GRU has one bias b_h",
            "b_hn 只在 pytorch 约定中存在；教材的 GRU 只有一个偏置 b_h",
        )
    if b_hn.size != hv.size:
        raise _err("b_hn must have length h", "b_hn 的长度应为 h")
    parts = {}
    for n in "zr":
        wm, um, bv = g[n]
        wx, uh = wm @ xv, um @ hv
        net = wx + uh + bv
        parts[n] = (wx, uh, bv, net, sigmoid(net))
    z, r = parts["z"][4], parts["r"][4]
    wm, um, bv = g["h"]
    wx = wm @ xv
    placement = "after" if convention == "pytorch" else "before"
    if variant == "reset_after":
        placement = "after"
    elif variant == "reset_before":
        placement = "before"
    if variant == "reset_ignored":
        rec = um @ hv + (b_hn if convention == "pytorch" else 0)
    elif placement == "after":
        rec = r * (um @ hv + b_hn)
    else:
        rec = um @ (r * hv) + (b_hn if convention == "pytorch" else 0)
    net = wx + rec + bv
    ht = np.tanh(net)
    parts["h"] = (wx, rec, bv, net, ht)
    if variant == "update_swapped":
        h = (1 - z) * hv + z * ht
    else:
        h = z * hv + (1 - z) * ht
    answers = {"z": z.tolist(), "r": r.tolist(), "h_tilde": ht.tolist(), "h": h.tolist()}
    return answers, {"parts": parts, "h_prev": hv, "placement": placement, "b_hn": b_hn}


@solver(
    "rnn.gru_step",
    GRU_SPECS,
    Text(
        "one GRU step: update gate z, reset gate r, candidate h̃, new state h_t",
        "GRU 的一步：更新门 z、重置门 r、候选状态 h̃、新状态 h_t",
    ),
)
def gru_step(x: Any, h_prev: Any, convention: str = "textbook", bhn: Any = None, **weights: Any) -> Solution:
    ans, det = gru_forward(x, h_prev, weights, convention, bhn)
    parts, hv = det["parts"], det["h_prev"]
    steps = [
        Step(
            Text(
                "Convention: textbook (nndl), reset gate applied to h_{t−1} before the product with U_h"
                if convention == "textbook"
                else "Convention: PyTorch nn.GRU, reset gate applied after the product: r⊙(U_h·h_{t−1} + b_hn)",
                "约定：教材（邱锡鹏），重置门先作用于 h_{t−1} 再乘 U_h"
                if convention == "textbook"
                else "约定：PyTorch nn.GRU，重置门作用在乘积之后：r⊙(U_h·h_{t−1} + b_hn)",
            ),
            formula="h̃_t = tanh(W_h·x_t + U_h·(r_t⊙h_{t−1}) + b_h)"
            if convention == "textbook"
            else "n_t = tanh(W_h·x_t + b_h + r_t⊙(U_h·h_{t−1} + b_hn))",
            note=Text(
                "Both conventions combine the states the same way: h_t = z⊙h_{t−1} + (1 − z)⊙h̃ (z keeps the OLD state).",
                "两种约定的状态更新相同：h_t = z⊙h_{t−1} + (1 − z)⊙h̃（z 控制保留旧状态的比例）。",
            ),
        ),
        gate_step(Text("Update gate", "更新门"), "z", "σ", *parts["z"], formula="z_t = σ(W_z·x_t + U_z·h_{t−1} + b_z)"),
        gate_step(Text("Reset gate", "重置门"), "r", "σ", *parts["r"], formula="r_t = σ(W_r·x_t + U_r·h_{t−1} + b_r)"),
    ]
    r = np.array(ans["r"])
    um = as_matrix(weights["uh"], "U_h")
    if convention == "textbook":
        steps.append(
            Step(
                Text("Reset the old state, then multiply by U_h", "先用重置门作用于旧状态，再乘 U_h"),
                formula="U_h·(r_t⊙h_{t−1})",
                substituted=f"{matrix_text(um)}·({fmt_vector(r)}⊙{fmt_vector(hv)}) = {matrix_text(um)}·{fmt_vector(r * hv)}",
                result=fmt_vector(parts["h"][1]),
            )
        )
    else:
        steps.append(
            Step(
                Text("Multiply by U_h (plus b_hn) first, then apply the reset gate", "先乘 U_h（加 b_hn），再乘重置门"),
                formula="r_t⊙(U_h·h_{t−1} + b_hn)",
                substituted=f"{fmt_vector(r)}⊙({fmt_vector(um @ hv)} + {fmt_vector(det['b_hn'])})",
                result=fmt_vector(parts["h"][1]),
            )
        )
    steps.append(
        gate_step(
            Text("Candidate state", "候选状态"),
            "h̃",
            "tanh",
            *parts["h"],
            formula="h̃_t = tanh(W_h·x_t + U_h·(r_t⊙h_{t−1}) + b_h)"
            if convention == "textbook"
            else "n_t = tanh(W_h·x_t + r_t⊙(U_h·h_{t−1} + b_hn) + b_h)",
            middle="U·(r⊙h)" if convention == "textbook" else "r⊙(U·h+b_hn)",
        )
    )
    z, ht, h = np.array(ans["z"]), np.array(ans["h_tilde"]), np.array(ans["h"])
    steps.append(
        Step(
            Text(
                "New state: interpolate between the old state and the candidate", "新状态：在旧状态与候选状态之间插值"
            ),
            formula="h_t = z_t⊙h_{t−1} + (1 − z_t)⊙h̃_t",
            substituted=f"{fmt_vector(z)}⊙{fmt_vector(hv)} + {fmt_vector(1 - z)}⊙{fmt_vector(ht)} = {fmt_vector(z * hv)} + {fmt_vector((1 - z) * ht)}",
            result=fmt_vector(h),
            grids=(
                Grid.of(
                    [[round(float(v), 4) for v in col] for col in zip(z, r, hv, ht, h, strict=True)],
                    [f"j={j}" for j in range(1, len(h) + 1)],
                    ["z", "r", "h_{t−1}", "h̃", "h_t"],
                    Text("GRU step", "GRU 一步"),
                ),
            ),
        )
    )
    return Solution(answers=ans, steps=steps)


def _gru_mistake(
    variant: str, keys: tuple[str, ...], x: Any, h_prev: Any, convention: str, bhn: Any, weights: dict[str, Any]
) -> dict[str, Any]:
    ans, _ = gru_forward(x, h_prev, weights, convention, bhn, variant)
    return {k: ans[k] for k in keys}


@mistake("rnn.gru_step", "update_gate_swapped")
def _gru_update_swapped(
    x: Any, h_prev: Any, convention: str = "textbook", bhn: Any = None, **weights: Any
) -> dict[str, Any]:
    """h_t = (1 − z)⊙h_{t−1} + z⊙h̃ (the other common write-up, not this course's)."""
    return _gru_mistake("update_swapped", ("h",), x, h_prev, convention, bhn, weights)


@mistake("rnn.gru_step", "reset_after_matmul")
def _gru_reset_after(
    x: Any, h_prev: Any, convention: str = "textbook", bhn: Any = None, **weights: Any
) -> dict[str, Any]:
    """PyTorch's placement r⊙(U_h·h) in a textbook question."""
    if convention != "textbook":
        return {}
    return _gru_mistake("reset_after", ("h_tilde", "h"), x, h_prev, convention, bhn, weights)


@mistake("rnn.gru_step", "reset_before_matmul")
def _gru_reset_before(
    x: Any, h_prev: Any, convention: str = "textbook", bhn: Any = None, **weights: Any
) -> dict[str, Any]:
    """The textbook's placement U_h·(r⊙h) in a PyTorch question."""
    if convention != "pytorch":
        return {}
    return _gru_mistake("reset_before", ("h_tilde", "h"), x, h_prev, convention, bhn, weights)


@mistake("rnn.gru_step", "reset_gate_ignored")
def _gru_no_reset(x: Any, h_prev: Any, convention: str = "textbook", bhn: Any = None, **weights: Any) -> dict[str, Any]:
    return _gru_mistake("reset_ignored", ("h_tilde", "h"), x, h_prev, convention, bhn, weights)
