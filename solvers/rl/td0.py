"""TD(0) state values: V(s) ← V(s) + α[r + γV(s') − V(s)], one update and a short episode."""

from __future__ import annotations

from typing import Any

from solvers.arrays import read_list as _vector
from solvers.arrays import read_number as _num
from solvers.arrays import read_probability as _prob_param
from solvers.arrays import read_rows as _rows
from solvers.core import Grid, ParamSpec, Solution, SolverInputError, Step, Text
from solvers.core import input_error as _err
from solvers.registry import mistake, solver
from solvers.rl.inputs import read_gamma, read_index, read_optional_number
from solvers.rl.params import GAMMA
from solvers.rl.returns import returns_from
from solvers.rl.tables import r4
from solvers.textfmt import num as _n
from solvers.textfmt import paren as _p


def _td0_target(reward: float, gamma: float, next_v: float | None) -> float:
    """y = r + γ·V(s'), with V(s') = 0 when s' is terminal (``None``)."""
    return reward + gamma * (0.0 if next_v is None else next_v)


def _td0_move(v: float, target: float, alpha: float, how: str = "td") -> float:
    """The new V(s); ``how`` reproduces a misconception: "sign" (V + α·(V − y)), "no_alpha" (V ← y)."""
    if how == "no_alpha":
        return target
    delta = v - target if how == "sign" else target - v
    return v + alpha * delta


TD0_PARAMS = [
    ParamSpec("v", "number", Text("current V(s) of the state just left", "刚离开的状态的当前 V(s)")),
    ParamSpec("reward", "number", Text("reward r received on the move", "这一步得到的奖励 r")),
    ParamSpec("alpha", "number", Text("learning rate α in [0, 1]", "学习率 α ∈ [0, 1]")),
    GAMMA,
    ParamSpec(
        "next_v",
        "number",
        Text(
            "current V(s') of the next state (omit if s' is terminal: V = 0)",
            "下一状态的当前 V(s')（s' 为终止状态时不给：V = 0）",
        ),
        default=None,
        required=False,
    ),
]


def _td0_numbers(v: Any, reward: Any, alpha: Any, gamma: Any, next_v: Any, how: str = "td") -> dict[str, float]:
    old, r, a, g = _num(v, "v"), _num(reward, "reward"), _prob_param(alpha, "alpha"), read_gamma(gamma)
    nv = read_optional_number(next_v, "next_v")
    target = _td0_target(r, g, nv)
    new = _td0_move(old, target, a, how)
    return {"v_new": new, "target": target, "td_error": (old - target) if how == "sign" else (target - old)}


@solver(
    "rl.td0",
    TD0_PARAMS,
    Text("one TD(0) update of a state value V(s)", "一次 TD(0) 状态价值 V(s) 更新"),
)
def td0(v: Any, reward: Any, alpha: Any, gamma: Any = 1.0, next_v: Any = None) -> Solution:
    n = _td0_numbers(v, reward, alpha, gamma, next_v)
    old, r, a, g = _num(v, "v"), _num(reward, "reward"), _prob_param(alpha, "alpha"), read_gamma(gamma)
    nv = read_optional_number(next_v, "next_v")
    if nv is None:
        target_step = Step(
            Text(
                "TD target: s' is terminal, so nothing follows the reward", "TD 目标：s' 是终止状态，奖励之后再无价值"
            ),
            formula="y = r + γ·V(s'),  V(T) = 0",
            substituted=f"{_n(r)} + {_n(g)}·0",
            result=_n(n["target"]),
        )
    else:
        target_step = Step(
            Text(
                "TD target: the reward plus the discounted current estimate of the next state (bootstrapping)",
                "TD 目标：即时奖励加上下一状态当前估计值的折扣（自举）",
            ),
            formula="y = r + γ·V(s')",
            substituted=f"{_n(r)} + {_n(g)}·{_p(nv)}",
            result=_n(n["target"]),
            note=Text(
                "Unlike Monte Carlo, TD(0) does not wait for the end of the episode: V(s') stands in for the rest of the return.",
                "与蒙特卡罗不同，TD(0) 不等回合结束：用 V(s') 代替之后的回报。",
            ),
        )
    steps = [
        target_step,
        Step(
            Text("TD error: target minus the current estimate", "TD 误差：目标减去当前估计"),
            formula="δ = y − V(s)",
            substituted=f"{_n(n['target'])} − {_p(old)}",
            result=_n(n["td_error"]),
        ),
        Step(
            Text("Move V(s) a fraction α of the way toward the target", "让 V(s) 朝目标移动 α 的比例"),
            formula="V(s) ← V(s) + α·[r + γ·V(s') − V(s)] = V(s) + α·δ",
            substituted=f"{_n(old)} + {_n(a)}·{_p(n['td_error'])}",
            result=_n(n["v_new"]),
        ),
    ]
    return Solution(answers=dict(n), steps=steps)


@mistake("rl.td0", "gamma_forgotten")
def _td0_gamma(v: Any, reward: Any, alpha: Any, next_v: Any = None, **_: Any) -> dict[str, Any]:
    return _td0_numbers(v, reward, alpha, 1.0, next_v)


@mistake("rl.td0", "td_error_sign")
def _td0_sign(v: Any, reward: Any, alpha: Any, gamma: Any = 1.0, next_v: Any = None) -> dict[str, Any]:
    """δ taken as V(s) − y: the estimate moves away from the target."""
    return _td0_numbers(v, reward, alpha, gamma, next_v, how="sign")


@mistake("rl.td0", "alpha_forgotten")
def _td0_alpha(v: Any, reward: Any, alpha: Any, gamma: Any = 1.0, next_v: Any = None) -> dict[str, Any]:
    """V(s) replaced by the target (as if α = 1)."""
    return {"v_new": _td0_numbers(v, reward, alpha, gamma, next_v)["target"]}


def _td0_transitions(episode: Any, n_states: int) -> list[tuple[int, float, int]]:
    """Rows s,r,s' (s' = −1 when the episode ends), chained: each step starts where the last ended."""
    rows = _rows(episode, 3, "episode", "s,r,s' (s' = −1 when terminal)")
    if not rows:
        raise _err("the episode has no steps (rows s,r,s')", "回合没有任何一步（每行 s,r,s'）")
    out: list[tuple[int, float, int]] = []
    for s_, r, s2_ in rows:
        s = read_index(s_, "s")
        s2 = -1 if _num(s2_, "s'") < 0 else read_index(s2_, "s'")
        if s >= n_states or s2 >= n_states:
            raise _err(
                f"state out of range: values gives {n_states} states (s0…s{n_states - 1})",
                f"状态越界：values 只给了 {n_states} 个状态（s0…s{n_states - 1}）",
            )
        out.append((s, r, s2))
    for t in range(len(out) - 1):
        if out[t][2] != out[t + 1][0]:
            raise _err(
                f"step {t + 1} ends in s{out[t][2]} but step {t + 2} starts in s{out[t + 1][0]}",
                f"第 {t + 1} 步到达 s{out[t][2]}，但第 {t + 2} 步从 s{out[t + 1][0]} 开始",
            )
    return out


def _td0_episode_run(
    values: Any, episode: Any, alpha: Any, gamma: Any, how: str = "td", stale: bool = False, mc: bool = False
) -> tuple[list[float], list[float], list[str]]:
    """Apply V(s) ← V(s) + α·[y − V(s)] after every step, in order. ``stale`` reads every V(s') from
    the initial table; ``mc`` uses the actual return G_t from that step instead of the TD target."""
    V = _vector(values, "values")
    if not V:
        raise _err(
            "give the initial V of every state, e.g. values=0.5,0.5,0.5",
            "请给出每个状态的初始 V，如 values=0.5,0.5,0.5",
        )
    a, g = _prob_param(alpha, "alpha"), read_gamma(gamma)
    steps = _td0_transitions(episode, len(V))
    initial = list(V)
    returns = returns_from([r for _, r, _ in steps], g)
    updates: list[float] = []
    lines: list[str] = []
    for t, (s, r, s2) in enumerate(steps):
        source = initial if stale else V
        nv = None if s2 < 0 else source[s2]
        target = returns[t] if mc else _td0_target(r, g, nv)
        old = V[s]
        V[s] = _td0_move(old, target, a, how)
        updates.append(V[s])
        next_text = "V(T) = 0" if nv is None else f"V(s{s2}) = {_n(nv)}"
        lines.append(
            f"t = {t}: s{s} → {'T' if s2 < 0 else f's{s2}'}, r = {_n(r)}; {next_text}; "
            f"y = {_n(r)} + {_n(g)}·{_p(0.0 if nv is None else nv)} = {_n(target)}; "
            f"V(s{s}) = {_n(old)} + {_n(a)}·({_n(target)} − {_p(old)}) = {_n(V[s])}"
        )
    return V, updates, lines


TD0_VALUES = ParamSpec(
    "values",
    "vector",
    Text("initial V of every state s0, s1, …, e.g. 0.5,0.5,0.5", "各状态 s0, s1, … 的初始 V，如 0.5,0.5,0.5"),
)


@solver(
    "rl.td0_episode",
    [
        TD0_VALUES,
        ParamSpec(
            "episode",
            "matrix",
            Text(
                "the steps in order, rows s,r,s' (s' = −1 when the episode ends), e.g. 2,0,1;1,0,0;0,0,-1",
                "按顺序的每一步，每行 s,r,s'（回合结束时 s' = −1），如 2,0,1;1,0,0;0,0,-1",
            ),
        ),
        ParamSpec("alpha", "number", Text("learning rate α in [0, 1]", "学习率 α ∈ [0, 1]")),
        GAMMA,
    ],
    Text("TD(0) state-value updates along one episode", "沿一个回合的 TD(0) 状态价值更新"),
)
def td0_episode(values: Any, episode: Any, alpha: Any, gamma: Any = 1.0) -> Solution:
    if not _vector(values, "values"):
        raise _err(
            "give the initial V of every state, e.g. values=0.5,0.5,0.5",
            "请给出每个状态的初始 V，如 values=0.5,0.5,0.5",
        )
    initial = _vector(values, "values")
    V, updates, lines = _td0_episode_run(values, episode, alpha, gamma)
    names = [f"s{i}" for i in range(len(V))]
    steps = [
        Step(
            Text(
                "Update after every step, with the values as they are at that moment; T = the end of the episode (V = 0)",
                "每一步之后立即更新，使用当时的价值；T 表示回合结束（V = 0）",
            ),
            formula="V(s) ← V(s) + α·[r + γ·V(s') − V(s)]",
            substituted="\n".join(lines),
            grids=(
                Grid.of(
                    [[r4(v) for v in initial], [r4(v) for v in V]],
                    ("V₀", "V"),
                    names,
                    Text("V before and after", "更新前后的 V"),
                ),
            ),
        )
    ]
    return Solution(answers={"values": V, "updates": updates}, steps=steps)


def _td0_episode_keys(values: Any, episode: Any, alpha: Any, gamma: Any = 1.0, **kw: Any) -> dict[str, Any]:
    try:
        V, updates, _ = _td0_episode_run(values, episode, alpha, gamma, **kw)
    except SolverInputError:
        return {}
    return {"values": V, "updates": updates}


@mistake("rl.td0_episode", "gamma_forgotten")
def _td0e_gamma(values: Any, episode: Any, alpha: Any, **_: Any) -> dict[str, Any]:
    return _td0_episode_keys(values, episode, alpha, 1.0)


@mistake("rl.td0_episode", "td_error_sign")
def _td0e_sign(values: Any, episode: Any, alpha: Any, gamma: Any = 1.0) -> dict[str, Any]:
    return _td0_episode_keys(values, episode, alpha, gamma, how="sign")


@mistake("rl.td0_episode", "alpha_forgotten")
def _td0e_alpha(values: Any, episode: Any, alpha: Any, gamma: Any = 1.0) -> dict[str, Any]:
    return _td0_episode_keys(values, episode, alpha, gamma, how="no_alpha")


@mistake("rl.td0_episode", "mc_return_instead_of_td_target")
def _td0e_mc(values: Any, episode: Any, alpha: Any, gamma: Any = 1.0) -> dict[str, Any]:
    """Uses the actual return G_t of the rest of the episode (constant-α Monte Carlo) as the target."""
    return _td0_episode_keys(values, episode, alpha, gamma, mc=True)


@mistake("rl.td0_episode", "stale_values")
def _td0e_stale(values: Any, episode: Any, alpha: Any, gamma: Any = 1.0) -> dict[str, Any]:
    """Reads every V(s') from the initial values instead of the values updated by earlier steps."""
    return _td0_episode_keys(values, episode, alpha, gamma, stale=True)
