"""Calculator mode: run any solver on ``key=value`` arguments and serialize the result.

Arguments are read with the same parsers as student answers (NFKC, ``97x97x3``, ``1,2;3,4``);
formulas are checked by the whitelist parser before a solver sees them.
"""

from __future__ import annotations

import math
from typing import Any

from examprep.grading.parse import (
    AnswerError,
    normalize,
    parse_integer,
    parse_matrix,
    parse_number,
    parse_shape,
    parse_vector,
)
from solvers import registry
from solvers.core import ParamSpec, Solution, SolverSpec, Step, Text
from solvers.safe_expr import ExprError, parse


class CalculatorError(ValueError):
    """A usage error: unknown solver, unknown or missing key, unreadable value."""

    def __init__(self, text: Text):
        super().__init__(text.en)
        self.text = text


_TRUE = {"true", "yes", "1", "on", "y", "是"}
_FALSE = {"false", "no", "0", "off", "n", "否"}


def parse_param(spec: ParamSpec, raw: str) -> Any:
    kind = spec.kind
    if kind == "int":
        return parse_integer(raw).value
    if kind == "number":
        return parse_number(raw).value
    if kind in ("shape", "size2"):
        dims = parse_shape(raw).value
        if not all(isinstance(d, int) for d in dims):
            raise AnswerError("sizes must be whole numbers", "尺寸必须是整数")
        if kind == "size2":
            if len(dims) not in (1, 2):
                raise AnswerError("give one size or HxW", "请给出一个数或 高x宽")
            return dims[0] if len(dims) == 1 else dims
        return dims
    if kind == "vector":
        return parse_vector(raw).value
    if kind == "matrix":
        return parse_matrix(raw).value
    if kind == "bool":
        word = normalize(raw).lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise AnswerError("use true or false", "请用 true 或 false")
    if kind == "choice":
        word = normalize(raw)
        lowered = {c.lower(): c for c in spec.choices}
        if word.lower() in lowered:
            return lowered[word.lower()]
        raise AnswerError(f"choose one of {', '.join(spec.choices)}", f"请从 {'、'.join(spec.choices)} 中选择")
    if kind == "expr":
        text = normalize(raw)
        try:
            parse(text)
        except ExprError as exc:
            raise AnswerError(exc.text.en, exc.text.zh) from None
        return text
    return normalize(raw)


def resolve(name: str) -> SolverSpec:
    """A solver by calculator name or dotted id, case-insensitive; an unknown name is refused with
    the closest names (not the whole list: 'examprep solve list' prints that)."""
    try:
        return registry.get(name)
    except registry.UnknownSolverError:
        pass
    names = available()
    by_lower = {n.lower(): n for n in names}
    if name.strip().lower() in by_lower:
        return registry.get(by_lower[name.strip().lower()])
    from examprep.suggest import close_matches

    cli = registry.cli_names()
    close = close_matches(name, list(cli) + [n for n in names if n not in cli.values()])
    hint_en = f" Did you mean {', '.join(close)}?" if close else ""
    hint_zh = f" 你是不是想输入：{'、'.join(close)}？" if close else ""
    raise CalculatorError(
        Text(
            f"unknown solver {name!r}.{hint_en} 'examprep solve list' lists every solver.",
            f"没有计算器 {name!r}。{hint_zh}'examprep solve list' 列出所有计算器。",
        )
    )


def available() -> dict[str, str]:
    """Calculator names (and dotted ids) that resolve to a loaded solver."""
    specs = registry.load_all()
    names = {cli: sid for cli, sid in registry.cli_names().items() if sid in specs}
    names.update({sid: sid for sid in specs})
    return names


def parse_arguments(spec: SolverSpec, args: list[str]) -> dict[str, Any]:
    known = {p.name: p for p in spec.params}
    values: dict[str, Any] = {}
    for arg in args:
        if "=" not in arg:
            raise CalculatorError(Text(f"expected key=value, got {arg!r}", f"参数应写成 key=value，实际为 {arg!r}"))
        key, raw = arg.split("=", 1)
        key = normalize(key)
        if key not in known:
            names = ", ".join(known)
            raise CalculatorError(
                Text(
                    f"unknown parameter {key!r} for {spec.id}. Parameters: {names}",
                    f"{spec.id} 没有参数 {key!r}。可用参数：{names}",
                )
            )
        try:
            values[key] = parse_param(known[key], raw)
        except AnswerError as exc:
            raise CalculatorError(Text(f"{key}: {exc.text.en}", f"{key}：{exc.text.zh}")) from None
    missing = [p.name for p in spec.params if p.required and p.name not in values]
    if missing:
        raise CalculatorError(
            Text(f"missing for {spec.id}: {', '.join(missing)}", f"{spec.id} 缺少参数：{', '.join(missing)}")
        )
    return values


def tidy_float(value: float) -> float:
    """Drop round-off noise for display (0.30000000000000004 -> 0.3).

    A float is replaced only when a 12-digit version of it is the same number to within a few
    units of round-off, so genuine many-digit values pass through untouched.
    """
    if value == 0:
        return 0.0  # also -0.0, which a student would read as a sign error
    short = float(f"{value:.12g}")
    return short if math.isclose(short, value, rel_tol=1e-15, abs_tol=0.0) else value


def to_json_value(value: Any) -> Any:
    if isinstance(value, float):
        return tidy_float(value)
    if isinstance(value, tuple):
        return [to_json_value(v) for v in value]
    if isinstance(value, list):
        return [to_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if hasattr(value, "tolist"):
        return to_json_value(value.tolist())
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return str(value)


def step_to_json(step: Step) -> dict[str, Any]:
    out: dict[str, Any] = {
        "what": {"en": step.what.en, "zh": step.what.zh},
        "formula": step.formula,
        "substituted": step.substituted,
        "result": step.result,
    }
    if step.note:
        out["note"] = {"en": step.note.en, "zh": step.note.zh}
    if step.grids:
        out["grids"] = [to_json_value(g.rows) for g in step.grids]
    return out


def solution_json(spec: SolverSpec, inputs: dict[str, Any], solution: Solution) -> dict[str, Any]:
    return {
        "solver": spec.id,
        "inputs": to_json_value(inputs),
        "answers": to_json_value(solution.answers),
        "steps": [step_to_json(s) for s in solution.steps],
    }


PLOT_METHODS = ("momentum", "nesterov", "sgd", "adam")


def compare_paths(spec: SolverSpec, inputs: dict[str, Any]) -> tuple[Any, list[str], dict[str, list[list[float]]]]:
    """Paths of the asked method and the classic alternatives on the same 2-D loss.

    Returns the parsed loss, its two variable names (in the solver's order) and, per method,
    the list of points from θ₀ through every step. Only ``optim.optimizer`` with a loss qualifies.
    """
    if spec.id != "optim.optimizer" or not inputs.get("loss"):
        raise CalculatorError(
            Text(
                "--plot draws optimizer paths: use 'solve optimizer' with loss=... over two variables",
                "--plot 用于画优化路径：请用 'solve optimizer' 并给出含两个变量的 loss=...",
            )
        )
    from solvers.safe_expr import free_names

    loss = parse(inputs["loss"])
    names = [v.strip() for v in inputs["vars"].split(",")] if inputs.get("vars") else sorted(free_names(loss))
    if len(names) != 2 or len(inputs["start"]) != 2:
        raise CalculatorError(
            Text("--plot needs a loss of exactly two variables", "--plot 需要恰好含两个变量的损失函数")
        )
    methods = [inputs["method"]] + [m for m in PLOT_METHODS if m != inputs["method"]]
    paths = {}
    for method in methods:
        solution = spec.func(**{**inputs, "method": method})
        paths[method] = [list(inputs["start"])] + [list(p) for p in solution.answers["trajectory"]]
    return loss, names, paths
