"""Every registered solver, fed extreme inputs, either answers with finite numbers and readable
steps or refuses with its own input error — never a traceback, never 'inf' in a step, never a hang.

Inputs start from a valid variant of a bank template that uses the solver (so the call is
meaningful) and then one to three parameters are replaced by values drawn from the parameter's
declared kind: huge, tiny, negative, zero, NaN, ±inf, empty and oversized vectors and matrices.
"""

from __future__ import annotations

import math
import re
import signal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from examprep.bank.loader import load_bank
from examprep.bank.sampling import sample
from solvers import registry
from solvers.core import Grid, Solution, SolverInputError

EXAMPLES_PER_SOLVER = 40
SECONDS_PER_CALL = 2

SPECS = registry.load_all()
BANK = load_bank()


def _base_inputs(solver_id: str) -> dict[str, Any] | None:
    spec = SPECS[solver_id]
    names = {p.name for p in spec.params}
    for template in BANK.templates.values():
        if template.solver in (solver_id, *[k for k, v in registry.cli_names().items() if v == solver_id]):
            variant = sample(template, 1)
            return {k: v for k, v in variant.params.items() if k in names}
    defaults = {p.name: p.default for p in spec.params if p.default is not None}
    if all(p.name in defaults or not p.required for p in spec.params):
        return defaults
    return None


WITH_BASE = {sid: base for sid in sorted(SPECS) if (base := _base_inputs(sid)) is not None}

NASTY_NUMBERS = [0, 0.0, -0.0, -1, 1e-300, -1e-300, 1e300, -1e300, 1e15, 7e307, math.nan, math.inf, -math.inf]
NASTY_INTS = [0, -1, -(10**6), 10**6, 10**12, 2**63, 10**300]
numbers = st.one_of(st.floats(-50, 50, allow_nan=False), st.sampled_from(NASTY_NUMBERS))
ints = st.one_of(st.integers(-3, 40), st.sampled_from(NASTY_INTS))
vectors = st.one_of(
    st.lists(numbers, min_size=0, max_size=5),
    st.integers(200, 2000).map(lambda n: [1.0] * n),
)
matrices = st.one_of(
    st.integers(0, 4).flatmap(lambda c: st.lists(st.lists(numbers, min_size=c, max_size=c), min_size=0, max_size=4)),
    st.integers(100, 300).map(lambda n: [[0.5] * n for _ in range(n)]),
    st.just([[1, 2], [3]]),  # ragged
)
EXPRESSIONS = ["x^2", "(x-3)^2 + 10*y^2", "exp(x)", "x^999", "1/x", "10^300*x^2", "sqrt(x)", "log(x)", "x" + "+x" * 150]
TEXTS = ["", "junk", "a" * 5000, "1,2;3", "conv:0:0:0:0", "conv:99999:99999:1:0", "s1:a1:s2:1:-1"]


def _value_for(kind: str, choices: tuple[str, ...]) -> st.SearchStrategy[Any]:
    return {
        "int": ints,
        "number": numbers,
        "vector": vectors,
        "matrix": matrices,
        "shape": st.lists(ints, min_size=0, max_size=4).map(tuple),
        "size2": st.one_of(ints, st.tuples(ints, ints)),
        "bool": st.booleans(),
        "choice": st.sampled_from(choices or ("x",)),
        "expr": st.sampled_from(EXPRESSIONS),
        "text": st.sampled_from(TEXTS),
    }.get(kind, st.none())


class _TimeOut(Exception):
    pass


def _on_alarm(signum: int, frame: Any) -> None:
    raise _TimeOut


def _finite(value: Any) -> bool:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return True
    if isinstance(value, (int, float)):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(_finite(v) for v in value)
    if hasattr(value, "tolist"):
        return _finite(value.tolist())
    return True  # a symbolic expression


BAD_TEXT = re.compile(r"(?<![A-Za-z])(inf|nan)(?![A-Za-z])|Infinity|NaN", re.IGNORECASE)


def _step_texts(solution: Solution) -> list[str]:
    texts = []
    for step in solution.steps:
        texts += [step.formula, step.substituted, step.result, step.what.en, step.what.zh]
        for grid in step.grids:
            assert isinstance(grid, Grid)
            texts += [str(cell) for row in grid.rows for cell in row]
    return texts


@pytest.mark.parametrize("solver_id", sorted(WITH_BASE))
def test_extreme_inputs_answer_finitely_or_refuse(solver_id):
    spec = SPECS[solver_id]
    base = WITH_BASE[solver_id]
    mutable = [p for p in spec.params]

    @settings(max_examples=EXAMPLES_PER_SOLVER, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.data())
    def check(data: st.DataObject) -> None:
        chosen = data.draw(st.lists(st.sampled_from(mutable), min_size=1, max_size=3, unique_by=lambda p: p.name))
        inputs = dict(base)
        for param in chosen:
            inputs[param.name] = data.draw(_value_for(param.kind, param.choices), label=param.name)
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        signal.alarm(SECONDS_PER_CALL)
        try:
            solution = spec.func(**inputs)
        except SolverInputError as exc:
            assert exc.text.en and exc.text.zh
            return
        except _TimeOut:
            pytest.fail(f"{solver_id} took over {SECONDS_PER_CALL} s on {inputs!r:.300}")
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
        assert isinstance(solution, Solution)
        assert _finite(solution.answers), (
            f"{solver_id}: non-finite answer for {inputs!r:.300}: {solution.answers!r:.300}"
        )
        for text in _step_texts(solution):
            assert not BAD_TEXT.search(text), f"{solver_id}: step shows {text!r:.200} for {inputs!r:.300}"

    check()
