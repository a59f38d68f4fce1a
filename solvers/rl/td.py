"""SARSA and Q-learning: one update of Q(s,a), and a short episode on a Q table."""

from __future__ import annotations

from typing import Any

from solvers.arrays import read_list as _vector
from solvers.arrays import read_number as _num
from solvers.arrays import read_probability as _prob_param
from solvers.arrays import read_rows as _rows
from solvers.core import Grid, ParamSpec, Solution, SolverInputError, Step, Text
from solvers.core import input_error as _err
from solvers.registry import mistake, solver
from solvers.rl.inputs import read_gamma, read_index, read_q_table
from solvers.rl.params import GAMMA
from solvers.rl.tables import r4
from solvers.textfmt import num as _n
from solvers.textfmt import paren as _p

TD_METHODS = ("q-learning", "sarsa")


def _td_numbers(
    method: str, q: Any, reward: Any, gamma: Any, alpha: Any, next_q: Any, next_action: Any, use: str | None = None
) -> dict[str, Any]:
    """The TD target, error and new value; ``use`` overrides how Q(s',·) is read ("max" / "taken")."""
    if method not in TD_METHODS:
        raise _err(
            f"method must be q-learning or sarsa, got {method!r}", f"method 必须是 q-learning 或 sarsa，给了 {method!r}"
        )
    q_sa, r, g, a = _num(q, "q"), _num(reward, "reward"), read_gamma(gamma), _prob_param(alpha, "alpha")
    nq = _vector(next_q, "next_q")
    idx = (
        None
        if next_action is None or (isinstance(next_action, str) and not next_action.strip())
        else read_index(next_action, "next_action")
    )
    if idx is not None and nq and idx >= len(nq):
        raise _err(
            f"next_action {idx} is out of range (next_q has {len(nq)} actions, numbered from 0)",
            f"next_action {idx} 越界（next_q 有 {len(nq)} 个动作，从 0 编号）",
        )
    if method == "sarsa" and nq and idx is None:
        raise _err(
            "SARSA needs next_action: the action a' actually chosen in s' (its Q(s',a') enters the target)",
            "SARSA 需要 next_action：在 s' 实际选择的动作 a'（目标中使用 Q(s',a')）",
        )
    how = use or ("taken" if method == "sarsa" else "max")
    if not nq:
        next_value, how = 0.0, "terminal"
    elif how == "max":
        next_value = max(nq)
    else:
        if idx is None:
            raise _err("next_action is needed", "需要 next_action")
        next_value = nq[idx]
    target = r + g * next_value
    error = target - q_sa
    return {
        "target": target,
        "td_error": error,
        "q_new": q_sa + a * error,
        "next_value": next_value,
        "how": how,
        "idx": idx,
        "nq": nq,
    }


TD_PARAMS = [
    ParamSpec(
        "method",
        "choice",
        Text(
            "q-learning (off-policy, max) or sarsa (on-policy, the action taken)",
            "q-learning（异策略，取 max）或 sarsa（同策略，用实际动作）",
        ),
        choices=TD_METHODS,
    ),
    ParamSpec("q", "number", Text("current Q(s,a)", "当前 Q(s,a)")),
    ParamSpec("reward", "number", Text("reward r received", "得到的奖励 r")),
    GAMMA,
    ParamSpec("alpha", "number", Text("learning rate α", "学习率 α")),
    ParamSpec(
        "next_q",
        "vector",
        Text(
            "Q(s',·) of every action in the next state (omit if s' is terminal)",
            "下一状态 s' 各动作的 Q(s',·)（s' 为终止状态时不给）",
        ),
        default=None,
        required=False,
    ),
    ParamSpec(
        "next_action",
        "int",
        Text("index of the action a' taken in s' (needed for SARSA)", "在 s' 实际采取的动作 a' 的编号（SARSA 必需）"),
        default=None,
        required=False,
    ),
]


@solver(
    "rl.td_update",
    TD_PARAMS,
    Text("one SARSA or Q-learning update of Q(s,a)", "一次 SARSA 或 Q-learning 更新"),
)
def td_update(
    method: str, q: Any, reward: Any, alpha: Any, gamma: Any = 1.0, next_q: Any = None, next_action: Any = None
) -> Solution:
    n = _td_numbers(method, q, reward, gamma, alpha, next_q, next_action)
    g, q_sa = read_gamma(gamma), _num(q, "q")
    if n["how"] == "terminal":
        next_text = Text("s' is terminal: Q(s',·) = 0", "s' 是终止状态：Q(s',·) = 0")
        formula, sub = "y = r", f"{_n(reward)}"
    elif n["how"] == "max":
        next_text = Text(
            "Q-learning (off-policy): the target uses the best next action, whatever action is actually taken next",
            "Q-learning（异策略）：目标使用下一状态中最好的动作，不管下一步实际做了什么",
        )
        formula = "y = r + γ·max_a' Q(s',a')"
        sub = f"{_n(reward)} + {_n(g)}·max{{{', '.join(_n(x) for x in n['nq'])}}} = {_n(reward)} + {_n(g)}·{_p(n['next_value'])}"
    else:
        next_text = Text(
            f"SARSA (on-policy): the target uses the action actually chosen next, a' = a{n['idx']}",
            f"SARSA（同策略）：目标使用下一步实际选择的动作 a' = a{n['idx']}",
        )
        formula = "y = r + γ·Q(s',a')"
        sub = f"{_n(reward)} + {_n(g)}·Q(s',a{n['idx']}) = {_n(reward)} + {_n(g)}·{_p(n['next_value'])}"
    steps = [
        Step(
            Text("TD target y", "TD 目标 y"), formula=formula, substituted=sub, result=_n(n["target"]), note=next_text
        ),
        Step(
            Text("TD error", "TD 误差"),
            formula="δ = y − Q(s,a)",
            substituted=f"{_n(n['target'])} − {_p(q_sa)}",
            result=_n(n["td_error"]),
        ),
        Step(
            Text("Move Q(s,a) a fraction α of the way toward the target y", "让 Q(s,a) 朝目标 y 移动 α 的比例"),
            formula="Q(s,a) ← Q(s,a) + α·δ",
            substituted=f"{_n(q_sa)} + {_n(alpha)}·{_p(n['td_error'])}",
            result=_n(n["q_new"]),
        ),
    ]
    return Solution(answers={"q_new": n["q_new"], "target": n["target"], "td_error": n["td_error"]}, steps=steps)


def _td_keys(n: dict[str, Any]) -> dict[str, Any]:
    return {"q_new": n["q_new"], "target": n["target"], "td_error": n["td_error"]}


@mistake("rl.td_update", "max_instead_of_taken_action")
def _td_max(
    method: str, q: Any, reward: Any, alpha: Any, gamma: Any = 1.0, next_q: Any = None, next_action: Any = None
) -> dict[str, Any]:
    """SARSA computed like Q-learning: max over Q(s',·) instead of the action actually taken."""
    if method != "sarsa" or not _vector(next_q, "next_q"):
        return {}
    return _td_keys(_td_numbers(method, q, reward, gamma, alpha, next_q, next_action, use="max"))


@mistake("rl.td_update", "taken_action_in_q_learning")
def _td_taken(
    method: str, q: Any, reward: Any, alpha: Any, gamma: Any = 1.0, next_q: Any = None, next_action: Any = None
) -> dict[str, Any]:
    """Q-learning computed like SARSA: Q of the action taken next instead of the max."""
    if method != "q-learning" or next_action is None or not _vector(next_q, "next_q"):
        return {}
    return _td_keys(_td_numbers(method, q, reward, gamma, alpha, next_q, next_action, use="taken"))


@mistake("rl.td_update", "gamma_forgotten")
def _td_gamma(
    method: str, q: Any, reward: Any, alpha: Any, next_q: Any = None, next_action: Any = None, **_: Any
) -> dict[str, Any]:
    return _td_keys(_td_numbers(method, q, reward, 1.0, alpha, next_q, next_action))


@mistake("rl.td_update", "alpha_forgotten")
def _td_alpha(
    method: str, q: Any, reward: Any, alpha: Any, gamma: Any = 1.0, next_q: Any = None, next_action: Any = None
) -> dict[str, Any]:
    """Replaces Q(s,a) by the target (as if α = 1)."""
    n = _td_numbers(method, q, reward, gamma, alpha, next_q, next_action)
    return {"q_new": n["target"]}


def _td_episode_run(
    method: str,
    q: Any,
    episode: Any,
    alpha: Any,
    gamma: Any,
    next_action: Any,
    use: str | None = None,
    stale: bool = False,
    text: bool = True,
) -> tuple[list[list[float]], list[float], list[str]]:
    if method not in TD_METHODS:
        raise _err(
            f"method must be q-learning or sarsa, got {method!r}", f"method 必须是 q-learning 或 sarsa，给了 {method!r}"
        )
    table = read_q_table(q)
    original = [list(r) for r in table]
    a_, g = _prob_param(alpha, "alpha"), read_gamma(gamma)
    rows = _rows(episode, 4, "episode", "s,a,r,s' (s' = −1 when terminal)")
    if not rows:
        raise _err("the episode has no steps (rows s,a,r,s')", "回合没有任何一步（每行 s,a,r,s'）")
    n_s, n_a = len(table), len(table[0])
    steps_: list[tuple[int, int, float, int]] = []
    for s_, act_, r, s2_ in rows:
        s, act = read_index(s_, "s"), read_index(act_, "a")
        s2 = -1 if _num(s2_, "s'") < 0 else read_index(s2_, "s'")
        if s >= n_s or s2 >= n_s or act >= n_a:
            raise _err(
                f"state or action out of range for a {n_s}×{n_a} Q table", f"状态或动作超出 {n_s}×{n_a} 的 Q 表范围"
            )
        steps_.append((s, act, r, s2))
    for t in range(len(steps_) - 1):
        if steps_[t][3] != steps_[t + 1][0]:
            raise _err(
                f"step {t + 1} ends in s{steps_[t][3]} but step {t + 2} starts in s{steps_[t + 1][0]}",
                f"第 {t + 1} 步到达 s{steps_[t][3]}，但第 {t + 2} 步从 s{steps_[t + 1][0]} 开始",
            )
    updates: list[float] = []
    lines: list[str] = []
    for t, (s, act, r, s2) in enumerate(steps_):
        how = use or ("taken" if method == "sarsa" else "max")
        source = original if stale else table
        if s2 < 0:
            next_value, desc = 0.0, "Q(T,·) = 0"
        else:
            if t + 1 < len(steps_):
                a_next: int | None = steps_[t + 1][1]
            elif next_action is not None:
                a_next = read_index(next_action, "next_action")
                if a_next >= n_a:
                    raise _err("next_action out of range", "next_action 越界")
            else:
                a_next = None
            if how == "max":
                next_value = max(source[s2])
                desc = f"max_a' Q(s{s2},a') = max{{{', '.join(_n(x) for x in source[s2])}}} = {_n(next_value)}"
            else:
                if a_next is None:
                    raise _err(
                        "the last step does not end in a terminal state: SARSA needs next_action (the action chosen there)",
                        "最后一步没有到达终止状态：SARSA 需要 next_action（在那里选择的动作）",
                    )
                next_value = source[s2][a_next]
                desc = f"a' = a{a_next}: Q(s{s2},a{a_next}) = {_n(next_value)}"
        old = table[s][act]
        target = r + g * next_value
        new = old + a_ * (target - old)
        table[s][act] = new
        updates.append(new)
        if text:
            lines.append(
                f"t = {t}: s{s}, a{act}, r = {_n(r)}, s' = {'T' if s2 < 0 else f's{s2}'}; {desc}; "
                f"y = {_n(r)} + {_n(g)}·{_p(next_value)} = {_n(target)}; "
                f"Q(s{s},a{act}) = {_n(old)} + {_n(a_)}·({_n(target)} − {_p(old)}) = {_n(new)}"
            )
    return table, updates, lines


@solver(
    "rl.td_episode",
    [
        ParamSpec("method", "choice", Text("q-learning or sarsa", "q-learning 或 sarsa"), choices=TD_METHODS),
        ParamSpec(
            "q",
            "matrix",
            Text(
                "initial Q table, one row per state, one column per action, e.g. 0,0;0,0",
                "初始 Q 表，每个状态一行、每个动作一列，如 0,0;0,0",
            ),
        ),
        ParamSpec(
            "episode",
            "matrix",
            Text(
                "the steps in order, rows s,a,r,s' (s' = −1 for a terminal state)",
                "按顺序的每一步，每行 s,a,r,s'（终止状态 s' = −1）",
            ),
        ),
        ParamSpec("alpha", "number", Text("learning rate α", "学习率 α")),
        GAMMA,
        ParamSpec(
            "next_action",
            "int",
            Text(
                "SARSA: action chosen in the last s' when it is not terminal",
                "SARSA：最后一个 s' 不是终止状态时在那里选择的动作",
            ),
            default=None,
            required=False,
        ),
    ],
    Text(
        "a short episode of SARSA or Q-learning updates on a Q table",
        "在 Q 表上执行一个短回合的 SARSA 或 Q-learning 更新",
    ),
)
def td_episode(method: str, q: Any, episode: Any, alpha: Any, gamma: Any = 1.0, next_action: Any = None) -> Solution:
    initial = read_q_table(q)
    table, updates, lines = _td_episode_run(method, q, episode, alpha, gamma, next_action)
    n_s, n_a = len(initial), len(initial[0])
    labels_s, labels_a = [f"s{i}" for i in range(n_s)], [f"a{j}" for j in range(n_a)]
    steps = [
        Step(
            Text("Initial Q table", "初始 Q 表"),
            grids=(Grid.of([[r4(v) for v in r] for r in initial], labels_s, labels_a, Text("Q₀", "Q₀")),),
        ),
        Step(
            Text(
                "Update after every step, using the table as it is at that moment "
                + (
                    "(SARSA: Q of the next action actually taken)"
                    if method == "sarsa"
                    else "(Q-learning: max over the next state's actions)"
                )
                + "; y = TD target, T = terminal state",
                "每一步之后立即更新，使用当时的 Q 表"
                + ("（SARSA：用下一步实际动作的 Q）" if method == "sarsa" else "（Q-learning：对下一状态的动作取 max）")
                + "；y 为 TD 目标，T 表示终止状态",
            ),
            formula="Q(s,a) ← Q(s,a) + α·[r + γ·Q(s',a') − Q(s,a)]"
            if method == "sarsa"
            else "Q(s,a) ← Q(s,a) + α·[r + γ·max_a' Q(s',a') − Q(s,a)]",
            substituted="\n".join(lines),
        ),
        Step(
            Text("Q table after the episode", "回合结束后的 Q 表"),
            grids=(Grid.of([[r4(v) for v in r] for r in table], labels_s, labels_a, Text("Q", "Q")),),
        ),
    ]
    return Solution(answers={"q": table, "updates": updates}, steps=steps)


def _episode_keys(
    method: str, q: Any, episode: Any, alpha: Any, gamma: Any, next_action: Any, **kw: Any
) -> dict[str, Any]:
    try:
        table, updates, _ = _td_episode_run(method, q, episode, alpha, gamma, next_action, text=False, **kw)
    except SolverInputError:
        return {}
    return {"q": table, "updates": updates}


@mistake("rl.td_episode", "max_instead_of_taken_action")
def _ep_max(method: str, q: Any, episode: Any, alpha: Any, gamma: Any = 1.0, next_action: Any = None) -> dict[str, Any]:
    if method != "sarsa":
        return {}
    return _episode_keys(method, q, episode, alpha, gamma, next_action, use="max")


@mistake("rl.td_episode", "taken_action_in_q_learning")
def _ep_taken(
    method: str, q: Any, episode: Any, alpha: Any, gamma: Any = 1.0, next_action: Any = None
) -> dict[str, Any]:
    if method != "q-learning":
        return {}
    return _episode_keys(method, q, episode, alpha, gamma, next_action, use="taken")


@mistake("rl.td_episode", "gamma_forgotten")
def _ep_gamma(method: str, q: Any, episode: Any, alpha: Any, next_action: Any = None, **_: Any) -> dict[str, Any]:
    return _episode_keys(method, q, episode, alpha, 1.0, next_action)


@mistake("rl.td_episode", "alpha_forgotten")
def _ep_alpha(method: str, q: Any, episode: Any, gamma: Any = 1.0, next_action: Any = None, **_: Any) -> dict[str, Any]:
    return _episode_keys(method, q, episode, 1.0, gamma, next_action)


@mistake("rl.td_episode", "stale_q_table")
def _ep_stale(
    method: str, q: Any, episode: Any, alpha: Any, gamma: Any = 1.0, next_action: Any = None
) -> dict[str, Any]:
    """Reads every target from the initial table instead of the table updated by earlier steps."""
    return _episode_keys(method, q, episode, alpha, gamma, next_action, stale=True)
