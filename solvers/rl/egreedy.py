"""ε-greedy action probabilities."""

from __future__ import annotations

from typing import Any

from solvers.arrays import read_list as _vector
from solvers.arrays import read_probability as _prob_param
from solvers.core import ParamSpec, Solution, Step, Text
from solvers.core import input_error as _err
from solvers.registry import mistake, solver
from solvers.textfmt import num as _n


def _eps_greedy_numbers(q: Any, epsilon: Any) -> tuple[list[float], float, int]:
    values = _vector(q, "q")
    eps = _prob_param(epsilon, "epsilon")
    if not values:
        raise _err("give Q(s,a) for every action, e.g. q=1,3,2", "请给出每个动作的 Q(s,a)，如 q=1,3,2")
    greedy = values.index(max(values))  # the first maximum, as argmax
    return values, eps, greedy


@solver(
    "rl.epsilon_greedy",
    [
        ParamSpec(
            "q",
            "vector",
            Text("Q(s,a) of every action in the state, e.g. 1,3,2", "该状态下每个动作的 Q(s,a)，如 1,3,2"),
        ),
        ParamSpec("epsilon", "number", Text("exploration rate ε in [0, 1]", "探索率 ε ∈ [0, 1]")),
    ],
    Text("ε-greedy action probabilities", "ε-贪心策略下各动作的概率"),
)
def epsilon_greedy(q: Any, epsilon: Any) -> Solution:
    values, eps, greedy = _eps_greedy_numbers(q, epsilon)
    n = len(values)
    if n == 1:
        return _single_action(values[0], eps)
    other = eps / n
    top = 1 - eps + eps / n
    probs = [top if a == greedy else other for a in range(n)]
    ties = [a for a, v in enumerate(values) if v == values[greedy]]
    steps = [
        Step(
            Text("Greedy action: the one with the largest Q(s,a)", "贪心动作：Q(s,a) 最大的动作"),
            formula="a* = argmax_a Q(s,a)",
            substituted=f"Q(s,·) = ({', '.join(_n(v) for v in values)})",
            result=f"a* = a{greedy}",
            note=Text(
                f"Several actions tie for the maximum ({', '.join(f'a{a}' for a in ties)}); the lowest index is taken as greedy.",
                f"有多个动作并列最大（{', '.join(f'a{a}' for a in ties)}），取编号最小的作为贪心动作。",
            )
            if len(ties) > 1
            else None,
        ),
        Step(
            Text(
                "With probability ε the agent picks uniformly among ALL |A| actions (the greedy one included), "
                "so every action gets ε/|A|",
                "以概率 ε 在全部 |A| 个动作（包括贪心动作）中均匀随机选择，所以每个动作都分到 ε/|A|",
            ),
            formula="π(a|s) = ε/|A|  (a ≠ a*)",
            substituted=f"{_n(eps)}/{n}",
            result=_n(other),
        ),
        Step(
            Text(
                "The greedy action also gets the remaining 1 − ε",
                "贪心动作再加上其余的 1 − ε",
            ),
            formula="π(a*|s) = 1 − ε + ε/|A|",
            substituted=f"1 − {_n(eps)} + {_n(eps)}/{n}",
            result=_n(top),
            note=Text(
                f"Check: {_n(top)} + {n - 1}·{_n(other)} = {_n(top + (n - 1) * other)}",
                f"检验：{_n(top)} + {n - 1}·{_n(other)} = {_n(top + (n - 1) * other)}",
            ),
        ),
    ]
    return Solution(
        answers={"probabilities": probs, "greedy_prob": top, "other_prob": other, "greedy": greedy}, steps=steps
    )


def _single_action(value: float, eps: float) -> Solution:
    """One action only: the random ε part can draw nothing else, so it is taken with probability 1
    and there is no "other" action (hence no ``other_prob`` answer)."""
    step = Step(
        Text(
            "Only one action a0 is available: exploring can only pick it too, so it is taken with probability 1",
            "只有一个动作 a0 可选：探索时也只能选到它，所以它的概率为 1",
        ),
        formula="π(a*|s) = 1 − ε + ε/|A|",
        substituted=f"Q(s,·) = ({_n(value)}); 1 − {_n(eps)} + {_n(eps)}/1",
        result="1",
        note=Text(
            "With |A| = 1 there is no other action, so no ε/|A| share goes anywhere else.",
            "|A| = 1 时没有其他动作，ε/|A| 不会分给任何别的动作。",
        ),
    )
    return Solution(answers={"probabilities": [1.0], "greedy_prob": 1.0, "greedy": 0}, steps=[step])


@mistake("rl.epsilon_greedy", "eps_over_A_forgotten")
def _eg_forgot(q: Any, epsilon: Any) -> dict[str, Any]:
    """Gives the greedy action 1 − ε, forgetting that it can also be drawn in the random ε part."""
    values, eps, greedy = _eps_greedy_numbers(q, epsilon)
    n = len(values)
    probs = [1 - eps if a == greedy else eps / n for a in range(n)]
    return {"probabilities": probs, "greedy_prob": 1 - eps}


@mistake("rl.epsilon_greedy", "eps_over_others")
def _eg_others(q: Any, epsilon: Any) -> dict[str, Any]:
    """Spreads ε over the non-greedy actions only: greedy 1 − ε, others ε/(|A| − 1)."""
    values, eps, greedy = _eps_greedy_numbers(q, epsilon)
    n = len(values)
    if n < 2:
        return {}
    other = eps / (n - 1)
    return {
        "probabilities": [1 - eps if a == greedy else other for a in range(n)],
        "greedy_prob": 1 - eps,
        "other_prob": other,
    }
