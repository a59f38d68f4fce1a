"""Discounted return G = Σ γ^t r_{t+1} of a reward sequence."""

from __future__ import annotations

from typing import Any

from solvers.arrays import read_list as _vector
from solvers.core import Solution, Step, Text
from solvers.core import input_error as _err
from solvers.registry import mistake, solver
from solvers.rl.inputs import read_gamma
from solvers.rl.params import GAMMA, REWARDS
from solvers.textfmt import num as _n
from solvers.textfmt import paren as _p
from solvers.textfmt import sub as _sub


def returns_from(rewards: list[float], gamma: float) -> list[float]:
    """G_t = r_{t+1} + γ·G_{t+1}, computed backwards, for t = 0 … T−1."""
    out = [0.0] * len(rewards)
    g = 0.0
    for t in range(len(rewards) - 1, -1, -1):
        g = rewards[t] + gamma * g
        out[t] = g
    return out


@solver(
    "rl.discounted_return",
    [REWARDS, GAMMA],
    Text("discounted return G = Σ γ^t r_{t+1} of a reward sequence", "奖励序列的折扣回报 G = Σ γ^t r_{t+1}"),
)
def discounted_return(rewards: Any, gamma: Any = 1.0) -> Solution:
    r = _vector(rewards, "rewards")
    g = read_gamma(gamma)
    if not r:
        raise _err("give at least one reward", "至少给出一个奖励")
    terms = [g**t * rt for t, rt in enumerate(r)]
    total = sum(terms)
    steps = [
        Step(
            Text(
                "Discount each reward by γ^t: the first reward r₁ (t = 0) is not discounted",
                "每个奖励乘以 γ^t：第一个奖励 r₁（t = 0）不打折",
            ),
            formula="G = Σ_{t=0}^{T−1} γ^t·r_{t+1} = r₁ + γ·r₂ + γ²·r₃ + …",
            substituted=" + ".join(f"{_n(g)}^{t}·{_p(rt)}" for t, rt in enumerate(r)),
            result=" + ".join(_p(x) for x in terms) + f" = {_n(total)}",
        )
    ]
    rets = returns_from(r, g)
    steps.append(
        Step(
            Text(
                "The same return computed backwards, which also gives the return G_t from every time step",
                "倒着算同一个回报，同时得到每个时刻的回报 G_t",
            ),
            formula="G_T = 0,  G_t = r_{t+1} + γ·G_{t+1}",
            substituted="; ".join(
                f"G{_sub(t)} = {_p(r[t])} + {_n(g)}·{_p(rets[t + 1] if t + 1 < len(r) else 0.0)} = {_n(rets[t])}"
                for t in range(len(r) - 1, -1, -1)
            ),
            result=f"G₀ = {_n(rets[0])}",
            note=Text(
                "γ close to 0 makes the agent short-sighted; γ = 1 (the course's default) weighs all rewards equally.",
                "γ 接近 0 时智能体只看眼前；γ = 1（课程默认值）时所有奖励同等重要。",
            ),
        )
    )
    return Solution(answers={"return": total, "returns": rets}, steps=steps)


@mistake("rl.discounted_return", "gamma_from_first_reward")
def _return_gamma_first(rewards: Any, gamma: Any = 1.0) -> dict[str, Any]:
    """Discounts the first reward too: Σ γ^{t+1} r_{t+1}."""
    r, g = _vector(rewards, "rewards"), read_gamma(gamma)
    return {"return": sum(g ** (t + 1) * rt for t, rt in enumerate(r)), "returns": [g * x for x in returns_from(r, g)]}


@mistake("rl.discounted_return", "no_discount")
def _return_no_discount(rewards: Any, **_: Any) -> dict[str, Any]:
    r = _vector(rewards, "rewards")
    return {"return": sum(r), "returns": returns_from(r, 1.0)}
