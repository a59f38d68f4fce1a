"""Turning a template into a concrete variant: seeded parameter sampling and question text.

The random stream is seeded from the template id and the seed as a string, which Python hashes
with SHA-512, so the same seed gives the same variant on every machine and Python version.
Derived values and ``where`` constraints go through the whitelist evaluator, never ``eval``.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from examprep.bank.schema import Template
from solvers.core import fmt_matrix, fmt_num, fmt_shape, fmt_vector
from solvers.safe_expr import ExprError, evaluate_text

MAX_TRIES = 2000


class SamplingError(ValueError):
    pass


@dataclass(frozen=True)
class Variant:
    template: Template
    seed: int
    params: dict[str, Any]

    def text(self, lang: str) -> str:
        return render_text(self.template.text.get(lang), self.params)


def _decimals(step: float) -> int:
    exponent = Decimal(str(step)).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _draw_range(rng: random.Random, low: float, high: float, step: float | None) -> int | float:
    if step is None:
        if isinstance(low, int) and isinstance(high, int):
            return rng.randint(low, high)
        step = 0.1
    count = int(round((high - low) / step))
    value = round(low + rng.randint(0, count) * step, _decimals(step))
    if all(isinstance(v, int) for v in (low, high, step)):
        return int(value)
    return value


def _draw_distinct(rng: random.Random, low: float, high: float, step: float | None, length: int) -> list[int | float]:
    """``length`` different values from the grid of ``_draw_range``, in random order."""
    if step is None:
        step = 1 if isinstance(low, int) and isinstance(high, int) else 0.1
    count = int(round((high - low) / step)) + 1
    if length > count:
        raise SamplingError(f"cannot draw {length} different values from a grid of {count}")
    as_int = all(isinstance(v, int) for v in (low, high, step))
    picks = rng.sample(range(count), length)
    return [int(low + i * step) if as_int else round(low + i * step, _decimals(step)) for i in picks]


def _draw(rng: random.Random, name: str, rule: dict[str, Any], env: dict[str, Any]) -> Any:
    if "value" in rule:
        return rule["value"]
    if "range" in rule:
        low, high = rule["range"]
        return _draw_range(rng, low, high, rule.get("step"))
    if "choice" in rule:
        return rng.choice(rule["choice"])
    if "expr" in rule:
        return evaluate_text(rule["expr"], env)
    if "format" in rule:  # a text built from earlier values, e.g. a layer list for a solver
        return _PLACEHOLDER.sub(lambda m: str(env.get(m.group(1), m.group(0))), rule["format"])
    if "list" in rule:
        items = [evaluate_text(str(e), env) if isinstance(e, str) else e for e in rule["list"]]
        return tuple(items)
    if "vector" in rule:
        spec = rule["vector"]
        length = spec.get("length", 3)
        low, high = spec["range"]
        if spec.get("distinct"):  # e.g. points to evaluate at: no point asked twice
            values = _draw_distinct(rng, low, high, spec.get("step"), length)
        else:
            values = [_draw_range(rng, low, high, spec.get("step")) for _ in range(length)]
        if spec.get("nonzero"):
            values = [v if v != 0 else high for v in values]
        return values
    if "matrix" in rule:
        spec = rule["matrix"]
        low, high = spec["range"]
        return [
            [_draw_range(rng, low, high, spec.get("step")) for _ in range(spec.get("cols", 2))]
            for _ in range(spec.get("rows", 2))
        ]
    raise SamplingError(f"{name}: no sampling rule")


def sample(template: Template, seed: int) -> Variant:
    """Draw parameters until every ``where`` constraint holds (or give up loudly)."""
    rng = random.Random(f"{template.id}:{seed}")
    last_error: Exception | None = None
    for _ in range(MAX_TRIES):
        env: dict[str, Any] = {}
        try:
            for name, rule in template.params.items():
                env[name] = _draw(rng, name, rule, env)
            if all(evaluate_text(w, _scalars(env)) for w in template.where):
                return Variant(template, seed, env)
        except (ExprError, ArithmeticError) as exc:
            if template.is_fixed:
                raise SamplingError(f"{template.id}: {exc}") from None
            last_error = exc
            continue  # e.g. a derived value divides by zero for this draw: draw again
        if template.is_fixed:
            break
    if last_error is not None:  # name what went wrong, e.g. an unknown name in an expression
        raise SamplingError(
            f"{template.id}: no variant could be drawn in {MAX_TRIES} tries; last problem: {last_error}"
        )
    raise SamplingError(f"{template.id}: no variant satisfies the 'where' constraints after {MAX_TRIES} tries")


def _scalars(env: dict[str, Any]) -> dict[str, Any]:
    """Constraints see numbers only; lists and strings are not addressable there."""
    return {k: v for k, v in env.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}


def show_param(value: Any) -> str:
    """A parameter as it appears in question text: 97×97×3, (1, -2), [1, 2; 3, 4]."""
    if isinstance(value, tuple):
        return fmt_shape(value)
    if isinstance(value, list):
        if value and isinstance(value[0], list):
            return fmt_matrix(value)
        return fmt_vector(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return fmt_num(value)
    return str(value)


_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z_0-9]*)\}")


def render_text(text: str, params: dict[str, Any]) -> str:
    """Replace ``{name}`` with the parameter's display form; unknown names are left visible."""
    return _PLACEHOLDER.sub(lambda m: show_param(params[m.group(1)]) if m.group(1) in params else m.group(0), text)


def placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))
