"""Probability p(τ) and return of a trajectory, from per-step factors or an explicit MDP."""

from __future__ import annotations

from typing import Any

from solvers.arrays import read_list as _vector
from solvers.arrays import read_number as _num
from solvers.arrays import read_probability as _prob_param
from solvers.core import ParamSpec, Solution, Step, Text
from solvers.core import input_error as _err
from solvers.registry import mistake, solver
from solvers.rl.inputs import read_gamma, read_index
from solvers.rl.mdp import parse_mdp, parse_policy
from solvers.rl.params import GAMMA, POLICY, TRANSITIONS
from solvers.textfmt import num as _n
from solvers.textfmt import paren as _p
from solvers.textfmt import sub as _sub


@solver(
    "rl.trajectory_probability",
    [
        ParamSpec(
            "p0",
            "number",
            Text("probability p(s₀) of the start state (default 1)", "初始状态概率 p(s₀)（默认 1）"),
            default=1.0,
            required=False,
        ),
        ParamSpec(
            "pi",
            "vector",
            Text("list mode: π(a_t|s_t) for t = 0…T−1", "列表模式：各步的 π(a_t|s_t)"),
            default=None,
            required=False,
        ),
        ParamSpec(
            "p",
            "vector",
            Text("list mode: p(s_{t+1}|s_t,a_t) for t = 0…T−1", "列表模式：各步的 p(s_{t+1}|s_t,a_t)"),
            default=None,
            required=False,
        ),
        ParamSpec(
            "rewards",
            "vector",
            Text("list mode (optional): rewards r₁…r_T for the return", "列表模式（可选）：奖励 r₁…r_T，用于计算回报"),
            default=None,
            required=False,
        ),
        ParamSpec(
            "trajectory",
            "vector",
            Text("MDP mode: s₀,a₀,s₁,a₁,…,s_T (indices)", "MDP 模式：s₀,a₀,s₁,a₁,…,s_T（编号）"),
            default=None,
            required=False,
        ),
        ParamSpec("transitions", "matrix", TRANSITIONS.help, default=None, required=False),
        POLICY,
        GAMMA,
    ],
    Text("probability p(τ) and return of a trajectory", "轨迹的概率 p(τ) 与回报"),
)
def trajectory_probability(
    p0: Any = 1.0,
    pi: Any = None,
    p: Any = None,
    rewards: Any = None,
    trajectory: Any = None,
    transitions: Any = None,
    policy: Any = None,
    gamma: Any = 1.0,
) -> Solution:
    return _trajectory(p0, pi, p, rewards, trajectory, transitions, policy, gamma)


def _trajectory_factors(
    pi: Any, p: Any, rewards: Any, trajectory: Any, transitions: Any, policy: Any
) -> tuple[list[float], list[float], list[float] | None, list[str]]:
    """The per-step factors π(a_t|s_t), p(s_{t+1}|s_t,a_t), rewards, and step labels."""
    if trajectory is not None and len(_vector(trajectory, "trajectory")) > 0:
        if transitions is None:
            raise _err("MDP mode needs transitions (rows s,a,s',p,r)", "MDP 模式需要 transitions（每行 s,a,s',p,r）")
        path = [read_index(x, "trajectory") for x in _vector(trajectory, "trajectory")]
        if len(path) < 3 or len(path) % 2 == 0:
            raise _err(
                "a trajectory is s₀,a₀,s₁,…,s_T: an odd number (≥ 3) of indices",
                "轨迹写成 s₀,a₀,s₁,…,s_T：奇数个（≥ 3）编号",
            )
        mdp = parse_mdp(transitions, max(path[0::2]) + 1)
        pol = parse_policy(policy, mdp)
        pis, ps, rs, labels = [], [], [], []
        for t in range(0, len(path) - 1, 2):
            s, a, s2 = path[t], path[t + 1], path[t + 2]
            if (s, a) not in mdp.outcomes:
                raise _err(f"action a{a} is not available in s{s}", f"状态 s{s} 下没有动作 a{a}")
            match = [(pp, r) for (x, pp, r) in mdp.outcomes[(s, a)] if x == s2]
            if not match:
                raise _err(
                    f"s{s} --a{a}--> s{s2} has probability 0: the trajectory is impossible",
                    f"s{s} --a{a}--> s{s2} 的概率为 0：该轨迹不可能出现",
                )
            pis.append(pol[s].get(a, 0.0))
            ps.append(sum(m[0] for m in match))
            rs.append(sum(m[0] * m[1] for m in match) / ps[-1])
            labels.append(f"t = {t // 2}: π(a{a}|s{s})·p(s{s2}|s{s},a{a})")
        return pis, ps, rs, labels
    pis, ps = _vector(pi, "pi"), _vector(p, "p")
    if not pis or len(pis) != len(ps):
        raise _err(
            "give pi and p with one entry per step (or trajectory + transitions)",
            "请按步给出等长的 pi 和 p（或给出 trajectory 与 transitions）",
        )
    for x in pis + ps:
        _prob_param(x, "π / p")
    rs = _vector(rewards, "rewards") or None
    if rs is not None and len(rs) != len(pis):
        raise _err("give one reward per step", "每一步给一个奖励")
    return (
        pis,
        ps,
        rs,
        [f"t = {t}: π(a{_sub(t)}|s{_sub(t)})·p(s{_sub(t + 1)}|s{_sub(t)},a{_sub(t)})" for t in range(len(pis))],
    )


def _trajectory(
    p0: Any, pi: Any, p: Any, rewards: Any, trajectory: Any, transitions: Any, policy: Any, gamma: Any
) -> Solution:
    start = _prob_param(p0, "p0")
    g = read_gamma(gamma)
    pis, ps, rs, labels = _trajectory_factors(pi, p, rewards, trajectory, transitions, policy)
    steps = [
        Step(
            Text(
                "Each step multiplies the policy's choice π(a_t|s_t) by the environment's transition p(s_{t+1}|s_t,a_t)",
                "每一步乘上策略选动作的概率 π(a_t|s_t) 与环境转移的概率 p(s_{t+1}|s_t,a_t)",
            ),
            formula="p(τ) = p(s₀)·Π_{t=0}^{T−1} π(a_t|s_t)·p(s_{t+1}|s_t,a_t)",
            substituted="; ".join(f"{lab}: {_n(a)}·{_n(b)} = {_n(a * b)}" for lab, a, b in zip(labels, pis, ps)),
        )
    ]
    prob = start
    for a, b in zip(pis, ps):
        prob *= a * b
    steps.append(
        Step(
            Text("Multiply the start probability and all step factors", "把初始概率和每一步的因子相乘"),
            formula="p(τ) = p(s₀)·Π π·p",
            substituted=f"{_n(start)}·" + "·".join(_n(a * b) for a, b in zip(pis, ps)),
            result=_n(prob),
        )
    )
    answers: dict[str, Any] = {"probability": prob}
    if rs is not None:
        total = sum(g**t * r for t, r in enumerate(rs))
        steps.append(
            Step(
                Text("Return of the trajectory", "该轨迹的回报"),
                formula="G(τ) = Σ_{t=0}^{T−1} γ^t·r_{t+1}",
                substituted=" + ".join(f"{_n(g)}^{t}·{_p(r)}" for t, r in enumerate(rs)),
                result=_n(total),
            )
        )
        answers["return"] = total
    return Solution(answers=answers, steps=steps)


@mistake("rl.trajectory_probability", "policy_forgotten")
def _traj_no_policy(
    p0: Any = 1.0,
    pi: Any = None,
    p: Any = None,
    rewards: Any = None,
    trajectory: Any = None,
    transitions: Any = None,
    policy: Any = None,
    **_: Any,
) -> dict[str, Any]:
    """Multiplies only the transition probabilities (treats the agent's choices as certain)."""
    _, ps, _, _ = _trajectory_factors(pi, p, rewards, trajectory, transitions, policy)
    return {"probability": _num(p0, "p0") * _prod(ps)}


@mistake("rl.trajectory_probability", "transition_forgotten")
def _traj_no_transition(
    p0: Any = 1.0,
    pi: Any = None,
    p: Any = None,
    rewards: Any = None,
    trajectory: Any = None,
    transitions: Any = None,
    policy: Any = None,
    **_: Any,
) -> dict[str, Any]:
    pis, _, _, _ = _trajectory_factors(pi, p, rewards, trajectory, transitions, policy)
    return {"probability": _num(p0, "p0") * _prod(pis)}


@mistake("rl.trajectory_probability", "start_forgotten")
def _traj_no_start(
    pi: Any = None,
    p: Any = None,
    rewards: Any = None,
    trajectory: Any = None,
    transitions: Any = None,
    policy: Any = None,
    **_: Any,
) -> dict[str, Any]:
    pis, ps, _, _ = _trajectory_factors(pi, p, rewards, trajectory, transitions, policy)
    return {"probability": _prod(pis) * _prod(ps)}


def _prod(values: list[float]) -> float:
    import numpy as np

    return float(np.prod(values))
