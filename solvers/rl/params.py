"""Parameter declarations shared by several RL solvers (γ, transitions, policy, values, sweeps …)."""

from __future__ import annotations

from solvers.core import ParamSpec, Text
from solvers.rl.mdp import TERMINAL_CHOICES

TERMINAL = ParamSpec(
    "terminal",
    "choice",
    Text(
        "value of a state without transitions: zero (default) or given (the number in values)",
        "没有状态转移的（终止）状态的价值：zero（默认 0）或 given（使用 values 中给的数）",
    ),
    default="zero",
    required=False,
    choices=TERMINAL_CHOICES,
)


REWARDS = ParamSpec(
    "rewards",
    "vector",
    Text("rewards r₁, r₂, …, r_T in time order, e.g. 1,0,2", "按时间顺序的奖励 r₁, r₂, …, r_T，如 1,0,2"),
)


GAMMA = ParamSpec(
    "gamma",
    "number",
    Text("discount factor γ in [0, 1] (default 1)", "折扣率 γ ∈ [0, 1]（默认 1）"),
    default=1.0,
    required=False,
)


TRANSITIONS = ParamSpec(
    "transitions",
    "matrix",
    Text(
        "MDP transitions, one row per outcome s,a,s',p,r (states/actions numbered from 0; rows separated by ';'), "
        "e.g. 0,0,1,0.8,2;0,0,0,0.2,0;1,0,1,1,0. States without rows are terminal.",
        "MDP 状态转移，每个结果一行 s,a,s',p,r（状态和动作从 0 编号；行之间用 ';' 分隔），"
        "如 0,0,1,0.8,2;0,0,0,0.2,0;1,0,1,1,0。没有出边的状态为终止状态。",
    ),
)


POLICY = ParamSpec(
    "policy",
    "matrix",
    Text(
        "policy rows s,a,π(a|s), e.g. 0,0,0.5;0,1,0.5 (a state without rows: uniform over its actions)",
        "策略，每行 s,a,π(a|s)，如 0,0,0.5;0,1,0.5（未列出的状态按其动作均匀随机）",
    ),
    default=None,
    required=False,
)


VALUES = ParamSpec(
    "values",
    "vector",
    Text("current V(s) of every state s0, s1, … (default all 0)", "各状态 s0, s1, … 当前的 V(s)（默认全为 0）"),
    default=None,
    required=False,
)


BACKUP_METHODS = ("expectation", "optimality")


METHOD = ParamSpec(
    "method",
    "choice",
    Text(
        "expectation (Bellman equation of the policy) or optimality (max over actions)",
        "expectation（策略的贝尔曼方程）或 optimality（对动作取 max 的最优方程）",
    ),
    default="expectation",
    required=False,
    choices=BACKUP_METHODS,
)


SWEEPS = ParamSpec(
    "sweeps",
    "text",
    Text(
        "number of sweeps K, or 'converge' (until the largest change < tol)",
        "扫描次数 K，或 converge（直到最大变化 < tol）",
    ),
    default="converge",
    required=False,
)


INPLACE = ParamSpec(
    "inplace",
    "bool",
    Text(
        "in-place sweeps (each new value is used at once, states in index order) instead of synchronous (default false)",
        "就地更新（新值立即使用，按状态编号顺序）而不是同步更新（默认 false）",
    ),
    default=False,
    required=False,
)


TOL = ParamSpec(
    "tol", "number", Text("convergence tolerance (default 1e-6)", "收敛容差（默认 1e-6）"), default=1e-6, required=False
)
