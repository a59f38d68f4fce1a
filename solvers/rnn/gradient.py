"""Gradient magnitude through unrolled steps (vanishing and exploding) and the LSTM cell path."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from solvers.arrays import as_any_vector as as_vector
from solvers.core import Grid, ParamSpec, Solution, Step, Text, fmt_num
from solvers.core import input_error as _err
from solvers.registry import mistake, solver
from solvers.rnn.common import ACTIVATIONS, derivative

_TREND_ZH = {
    "vanishing": "梯度消失",
    "exploding": "梯度爆炸",
    "stable": "既不消失也不爆炸（稳定）",
}


def _trend(factor: float) -> str:
    if math.isclose(factor, 1.0, rel_tol=1e-9, abs_tol=1e-12):
        return "stable"
    return "vanishing" if factor < 1 else "exploding"


@solver(
    "rnn.gradient",
    [
        ParamSpec("u", "number", Text("recurrent weight u (scalar SRN)", "循环权重 u（标量 SRN）")),
        ParamSpec("t", "int", Text("number of steps t", "时间步数 t")),
        ParamSpec(
            "activation",
            "choice",
            Text("f: tanh (default), sigmoid, relu or linear", "激活函数 f：tanh（默认）、sigmoid、relu 或 linear"),
            default="tanh",
            required=False,
            choices=ACTIVATIONS,
        ),
        ParamSpec(
            "z",
            "number",
            Text("net input z at which f' is taken (default 0)", "求 f' 时的净输入 z（默认 0）"),
            default=0.0,
            required=False,
        ),
        ParamSpec(
            "fprime",
            "number",
            Text("give f' directly instead (optional)", "直接给出 f'（可选）"),
            default=None,
            required=False,
        ),
    ],
    Text(
        "gradient magnitude through t unrolled SRN steps |∂h_t/∂h_0| ≈ |u·f'|^t",
        "展开 t 步后的梯度大小 |∂h_t/∂h_0| ≈ |u·f'|^t",
    ),
)
def gradient(u: float, t: int, activation: str = "tanh", z: float = 0.0, fprime: Any = None) -> Solution:
    t = int(t)
    if t < 1:
        raise _err("t must be at least 1", "t 至少为 1")
    u = float(u)
    steps: list[Step] = []
    if fprime is None:
        fp = derivative(activation, float(z))
        forms = {"tanh": "1 − tanh²(z)", "sigmoid": "σ(z)·(1 − σ(z))", "relu": "1 if z > 0 else 0", "linear": "1"}
        steps.append(
            Step(
                Text(
                    f"Derivative of f = {activation} at z = {fmt_num(z)}",
                    f"f = {activation} 在 z = {fmt_num(z)} 处的导数",
                ),
                formula=f"f'(z) = {forms[activation]}",
                result=fmt_num(fp, 6),
                note=Text("σ' is at most 0.25 and tanh' at most 1.", "σ' 最大为 0.25，tanh' 最大为 1。")
                if activation in ("sigmoid", "tanh")
                else None,
            )
        )
    else:
        fp = float(fprime)
        steps.append(Step(Text("f' is given", "题目给出 f'"), result=fmt_num(fp, 6)))
    factor = abs(u * fp)
    steps.append(
        Step(
            Text(
                "One step back in time multiplies the gradient by ∂h_k/∂h_{k−1} = u·f'(z_k)",
                "每往回传一步，梯度乘以 ∂h_k/∂h_{k−1} = u·f'(z_k)",
            ),
            formula="γ = |u·f'|",
            substituted=f"|{fmt_num(u)}·{fmt_num(fp, 6)}|",
            result=fmt_num(factor, 6),
        )
    )
    if t * math.log10(factor) > 300 if factor > 0 else False:
        raise _err(
            f"the gradient factor γ^t = {fmt_num(factor, 6)}^{t} ≈ 10^{t * math.log10(factor):.0f} is too large for a "
            "float: it explodes",
            f"梯度因子 γ^t = {fmt_num(factor, 6)}^{t} ≈ 10^{t * math.log10(factor):.0f}，超出浮点数范围：梯度爆炸",
        )
    grad = factor**t
    table = (
        [[k, round(factor**k, 6) if factor**k < 1e6 else f"{factor**k:.4g}"] for k in range(1, t + 1)]
        if t <= 12
        else []
    )
    steps.append(
        Step(
            Text(f"Through {t} steps the factors multiply", f"经过 {t} 步，各因子连乘"),
            formula="|∂h_t/∂h_0| = Π_{k=1}^{t} |u·f'(z_k)| ≈ γ^t",
            substituted=f"{fmt_num(factor, 6)}^{t}",
            result=fmt_num(grad, 6),
            note=Text(
                "Assumes the same net input (so the same f') at every step.",
                "假设每一步的净输入相同（因而 f' 相同）。",
            ),
            grids=(Grid.of(table, (), ["k", "γ^k"], Text("γ^k", "γ^k")),) if table else (),
        )
    )
    trend = _trend(factor)
    why = {
        "vanishing": Text(
            "γ < 1: the gradient shrinks geometrically, so early inputs barely affect learning (long-range dependencies are lost).",
            "γ < 1：梯度按指数衰减，早期输入几乎不影响学习（长程依赖丢失），即梯度消失。",
        ),
        "exploding": Text(
            "γ > 1: the gradient grows geometrically and training becomes unstable (remedy: gradient clipping, weight decay).",
            "γ > 1：梯度按指数增长，训练不稳定，即梯度爆炸（对策：梯度截断、权重衰减）。",
        ),
        "stable": Text("γ = 1: the gradient neither vanishes nor explodes.", "γ = 1：梯度既不消失也不爆炸。"),
    }[trend]
    shown = {"vanishing": "γ < 1 ⇒ γ^t → 0", "exploding": "γ > 1 ⇒ γ^t → ∞", "stable": "γ = 1 ⇒ γ^t = 1"}[trend]
    steps.append(Step(Text(f"Verdict: {trend}", f"结论：{_TREND_ZH[trend]}"), result=shown, note=why))
    return Solution(answers={"fprime": fp, "factor": factor, "gradient": grad, "trend": trend}, steps=steps)


def _fp(activation: str, z: float, fprime: Any) -> float:
    return float(fprime) if fprime is not None else derivative(activation, float(z))


@mistake("rnn.gradient", "fprime_ignored")
def _grad_no_fprime(u: float, t: int, **_: Any) -> dict[str, Any]:
    """|u|^t: forgets the activation's derivative in every factor."""
    factor = abs(float(u))
    return {"factor": factor, "gradient": factor ** int(t), "trend": _trend(factor)}


@mistake("rnn.gradient", "sum_not_product")
def _grad_sum(u: float, t: int, activation: str = "tanh", z: float = 0.0, fprime: Any = None) -> dict[str, Any]:
    """t·|u·f'|: adds the per-step factors instead of multiplying them."""
    return {"gradient": int(t) * abs(float(u) * _fp(activation, z, fprime))}


@mistake("rnn.gradient", "exponent_off_by_one")
def _grad_off_by_one(u: float, t: int, activation: str = "tanh", z: float = 0.0, fprime: Any = None) -> dict[str, Any]:
    return {"gradient": abs(float(u) * _fp(activation, z, fprime)) ** (int(t) - 1)}


@solver(
    "rnn.cell_path",
    [
        ParamSpec(
            "forget", "vector", Text("forget-gate values f_1 … f_t of one unit", "某个单元各步的遗忘门值 f_1 … f_t")
        ),
    ],
    Text("LSTM: gradient along the cell path ∂c_t/∂c_0 = Π f_k", "LSTM：沿记忆单元路径的梯度 ∂c_t/∂c_0 = Π f_k"),
)
def cell_path(forget: Any) -> Solution:
    f = as_vector(forget, "f")
    if np.any(f < 0) or np.any(f > 1):
        raise _err("forget-gate values lie between 0 and 1", "遗忘门的值在 0 到 1 之间")
    prods = np.cumprod(f)
    steps = [
        Step(
            Text(
                "Along the cell path c_k = f_k⊙c_{k−1} + i_k⊙c̃_k, so ∂c_k/∂c_{k−1} = f_k (gates held fixed): no weight matrix, no tanh'",
                "沿记忆单元路径 c_k = f_k⊙c_{k−1} + i_k⊙c̃_k，故 ∂c_k/∂c_{k−1} = f_k（门视为常数）：没有权重矩阵，也没有 tanh'",
            ),
            formula="∂c_t/∂c_0 = Π_{k=1}^{t} f_k",
            substituted=" · ".join(fmt_num(v, 4) for v in f),
            result=fmt_num(prods[-1], 6),
            grids=(
                Grid.of(
                    [
                        [k + 1, round(float(v), 4), round(float(p), 6)]
                        for k, (v, p) in enumerate(zip(f, prods, strict=True))
                    ],
                    (),
                    ["k", "f_k", "Π f"],
                    Text("running product", "累乘"),
                ),
            ),
            note=Text(
                "With f close to 1 the product stays near 1: the additive cell update is the LSTM's 'linear path' that eases "
                "vanishing gradients (like a residual connection). It does not stop gradients exploding through the other paths.",
                "当 f 接近 1 时乘积仍接近 1：记忆单元的加法更新相当于一条'线性通路'（类似残差连接），缓解梯度消失；"
                "但它不能阻止经由其他路径的梯度爆炸。",
            ),
        )
    ]
    return Solution(answers={"gradient": float(prods[-1])}, steps=steps)


@mistake("rnn.cell_path", "sum_not_product")
def _cell_sum(forget: Any) -> dict[str, Any]:
    return {"gradient": float(np.sum(as_vector(forget, "f")))}


@mistake("rnn.cell_path", "one_minus_f")
def _cell_one_minus(forget: Any) -> dict[str, Any]:
    """Takes (1 − f) as the fraction kept: reads the forget gate as 'how much to forget'."""
    return {"gradient": float(np.prod(1 - as_vector(forget, "f")))}
