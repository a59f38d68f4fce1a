"""Monte Carlo estimates of V(s) or Q(s,a) from sampled episodes (first/every visit, mean/incremental)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from solvers.arrays import read_number as _num
from solvers.arrays import read_probability as _prob_param
from solvers.arrays import read_rows as _rows
from solvers.core import ParamSpec, Solution, Step, Text
from solvers.core import answers_only as _only
from solvers.core import input_error as _err
from solvers.registry import mistake, solver
from solvers.rl.inputs import read_gamma, read_index
from solvers.rl.params import GAMMA
from solvers.rl.returns import returns_from
from solvers.textfmt import num as _n
from solvers.textfmt import paren as _p
from solvers.textfmt import prob as _prob
from solvers.textfmt import sub as _sub
from solvers.textfmt import sup as _sup

VISITS = ("first", "every")
MC_UPDATES = ("mean", "incremental")


@dataclass
class _Visit:
    episode: int
    t: int
    g: float
    first: bool


def _parse_episodes(episodes: Any) -> list[tuple[int, list[tuple[int, int, float]]]]:
    rows = _rows(episodes, 4, "episodes", "episode,s,a,r")
    if not rows:
        raise _err("no episodes given (rows episode,s,a,r)", "没有给出回合（每行 episode,s,a,r）")
    out: list[tuple[int, list[tuple[int, int, float]]]] = []
    for e_, s_, a_, r in rows:
        e = read_index(e_, "episode")
        if not out or out[-1][0] != e:
            if any(x[0] == e for x in out):
                raise _err(f"the rows of episode {e} must be consecutive", f"第 {e} 个回合的行必须连续")
            out.append((e, []))
        out[-1][1].append((read_index(s_, "s"), read_index(a_, "a"), r))
    return out


def _mc_visits(
    episodes: Any, state: int, action: int | None, gamma: float, every: bool, from_start: bool = False
) -> tuple[list[_Visit], list[str]]:
    visits: list[_Visit] = []
    lines: list[str] = []
    for e, rows in _parse_episodes(episodes):
        rets = returns_from([r for _, _, r in rows], gamma)
        seen = False
        marks = []
        for t, (s, a, _) in enumerate(rows):
            hit = s == state and (action is None or a == action)
            if hit and (every or not seen):
                visits.append(_Visit(e, t, rets[0] if from_start else rets[t], not seen))
                marks.append(t)
            seen = seen or hit
        path = " → ".join(f"(s{s}, a{a}, r={_n(r)})" for s, a, r in rows)
        returns = ", ".join(f"G{_sub(t)} = {_n(g)}" for t, g in enumerate(rets))
        used = ", ".join(f"t = {t}" for t in marks) if marks else "—"
        lines.append(f"τ⁽{_sup(e)}⁾: {path}\n  {returns}\n  ✓ {used}")
    return visits, lines


def _mc_solution(
    episodes: Any,
    state: Any,
    action: Any = None,
    gamma: Any = 1.0,
    visit: str = "first",
    update: str = "mean",
    alpha: Any = None,
    q0: Any = 0.0,
    force_every: bool | None = None,
    from_start: bool = False,
    force_mean: bool = False,
) -> Solution:
    if visit not in VISITS or update not in MC_UPDATES:
        raise _err(
            "visit must be first or every; update must be mean or incremental",
            "visit 必须是 first 或 every；update 必须是 mean 或 incremental",
        )
    s = read_index(state, "state")
    a = None if action is None or _num(action, "action") < 0 else read_index(action, "action")
    g = read_gamma(gamma)
    every = (visit == "every") if force_every is None else force_every
    visits, lines = _mc_visits(episodes, s, a, g, every, from_start)
    target = f"Q(s{s},a{a})" if a is not None else f"V(s{s})"
    if not visits:
        raise _err(f"no episode visits {target}", f"没有任何回合访问到 {target} 对应的状态（动作）")
    steps = [
        Step(
            Text(
                f"Returns from every time step (backwards: G_t = r_{{t+1}} + γ·G_{{t+1}}); {'every visit' if every else 'only the first visit in each episode'} counts (τ⁽ⁿ⁾ = episode n, ✓ = visits used)",
                f"每个时刻的回报（倒推：G_t = r_{{t+1}} + γ·G_{{t+1}}）；{'每次访问都计入' if every else '每个回合只计第一次访问'}（τ⁽ⁿ⁾ 为第 n 个回合，✓ 为采用的访问）",
            ),
            formula="G_t = Σ_{k≥0} γ^k·r_{t+k+1}",
            substituted="\n".join(lines),
            result=f"G{target[1:]} = " + ", ".join(_n(v.g) for v in visits),
        )
    ]
    gs = [v.g for v in visits]
    if update == "mean" or force_mean:
        estimate = sum(gs) / len(gs)
        steps.append(
            Step(
                Text("Monte Carlo estimate: the average of the sampled returns", "蒙特卡罗估计：采样回报的平均值"),
                formula=f"{target} ≈ (1/N)·Σ_n G⁽ⁿ⁾",
                substituted=f"({' + '.join(_p(x) for x in gs)}) / {len(gs)}",
                result=_n(estimate),
            )
        )
    else:
        estimate = _num(q0, "q0")
        alpha_value = None if alpha is None else _prob_param(alpha, "alpha")
        inc_lines = []
        for i, x in enumerate(gs, start=1):
            step_size = alpha_value if alpha_value is not None else 1 / i
            new = estimate + step_size * (x - estimate)
            inc_lines.append(
                f"{_n(estimate)} + {_prob(step_size) if alpha_value is None else _n(step_size)}·({_p(x)} − {_p(estimate)}) = {_n(new)}"
            )
            estimate = new
        steps.append(
            Step(
                Text(
                    "Incremental update after each return, in order"
                    + ("" if alpha_value is not None else " (step 1/n: the running mean)"),
                    "按顺序对每个回报做增量更新" + ("" if alpha_value is not None else "（步长 1/n：即滑动平均）"),
                ),
                formula="Q̂ ← Q̂ + α·(G − Q̂)",
                substituted="\n".join(inc_lines),
                result=_n(estimate),
            )
        )
    return Solution(answers={"estimate": estimate, "returns": gs, "count": len(gs)}, steps=steps)


MC_PARAMS = [
    ParamSpec(
        "episodes",
        "matrix",
        Text(
            "episodes, one row per time step episode,s,a,r (r = reward r_{t+1} after taking a in s), rows in time order",
            "回合数据，每个时刻一行 episode,s,a,r（r 为在 s 采取 a 后得到的奖励 r_{t+1}），按时间顺序",
        ),
    ),
    ParamSpec("state", "int", Text("state s to estimate", "要估计的状态 s")),
    ParamSpec(
        "action",
        "int",
        Text("action a for Q(s,a); omit (or −1) to estimate V(s)", "Q(s,a) 的动作 a；不给（或 −1）则估计 V(s)"),
        default=None,
        required=False,
    ),
    GAMMA,
    ParamSpec(
        "visit",
        "choice",
        Text("first-visit or every-visit (default first)", "首次访问或每次访问（默认 first）"),
        default="first",
        required=False,
        choices=VISITS,
    ),
    ParamSpec(
        "update",
        "choice",
        Text("mean (batch average) or incremental (default mean)", "mean（批量平均）或 incremental（增量，默认 mean）"),
        default="mean",
        required=False,
        choices=MC_UPDATES,
    ),
    ParamSpec(
        "alpha",
        "number",
        Text("step size α for incremental (default 1/n)", "增量更新的步长 α（默认 1/n）"),
        default=None,
        required=False,
    ),
    ParamSpec(
        "q0",
        "number",
        Text("initial estimate for incremental (default 0)", "增量更新的初值（默认 0）"),
        default=0.0,
        required=False,
    ),
]


@solver(
    "rl.monte_carlo",
    MC_PARAMS,
    Text("Monte Carlo estimate of V(s) or Q(s,a) from sampled episodes", "由采样回合做蒙特卡罗估计 V(s) 或 Q(s,a)"),
)
def monte_carlo(
    episodes: Any,
    state: Any,
    action: Any = None,
    gamma: Any = 1.0,
    visit: str = "first",
    update: str = "mean",
    alpha: Any = None,
    q0: Any = 0.0,
) -> Solution:
    return _mc_solution(episodes, state, action, gamma, visit, update, alpha, q0)


@mistake("rl.monte_carlo", "every_visit_instead_of_first")
def _mc_every(visit: str = "first", **inputs: Any) -> dict[str, Any]:
    if visit != "first":
        return {}
    return _only(_mc_solution(visit=visit, force_every=True, **inputs), "estimate", "count")


@mistake("rl.monte_carlo", "first_visit_instead_of_every")
def _mc_first(visit: str = "first", **inputs: Any) -> dict[str, Any]:
    if visit != "every":
        return {}
    return _only(_mc_solution(visit=visit, force_every=False, **inputs), "estimate", "count")


@mistake("rl.monte_carlo", "return_from_episode_start")
def _mc_from_start(**inputs: Any) -> dict[str, Any]:
    """Uses the whole episode's return G₀ instead of the return from the visit onward."""
    return _only(_mc_solution(from_start=True, **inputs), "estimate")


@mistake("rl.monte_carlo", "no_discount")
def _mc_no_discount(**inputs: Any) -> dict[str, Any]:
    return _only(_mc_solution(**{**inputs, "gamma": 1.0}), "estimate")


@mistake("rl.monte_carlo", "sample_mean_instead_of_alpha")
def _mc_mean(**inputs: Any) -> dict[str, Any]:
    """Averages the returns although the question asks for constant-α incremental updates."""
    if inputs.get("update") != "incremental" or inputs.get("alpha") is None:
        return {}
    return _only(_mc_solution(force_mean=True, **inputs), "estimate")
