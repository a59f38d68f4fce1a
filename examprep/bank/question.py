"""A question ready to ask: a sampled variant, the solver's solution and the mistakes' predictions.

This is where a template meets its solver. Grading a typed answer for one part also lives here,
since it needs the part's type, tolerance and mistakes together with the solution.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from examprep.bank.sampling import Variant, sample
from examprep.bank.schema import Part, Template
from examprep.grading.grade import PartVerdict, grade_part, size_problem
from examprep.grading.parse import AnswerError, parse_answer
from solvers import registry
from solvers.core import Solution, SolverInputError, SolverSpec, Text


class TemplateError(ValueError):
    """A template does not fit its solver (unknown solver, missing input, unknown answer key)."""


@dataclass
class Question:
    variant: Variant
    solution: Solution
    inputs: dict[str, Any]
    predictions: dict[str, dict[str, Any]]  # mistake id -> the answers that mistake predicts
    spec: SolverSpec

    @property
    def template(self) -> Template:
        return self.variant.template

    def expected(self, part: Part) -> Any:
        return self.solution.answers[part.answer]

    def mistakes_for(self, part: Part) -> list[tuple[str, Any, Text]]:
        return [
            (m.id, self.predictions.get(m.id, {}).get(part.answer), m.feedback)
            for m in self.template.mistakes
            if part.id in m.parts
        ]

    def carried(self, part: Part, given: dict[str, Any]) -> Any:
        """What this part would be given the student's earlier answers (by answer key)."""
        rule = self.spec.carries.get(part.answer)
        if not part.carry or rule is None or not given:
            return None
        try:
            return rule(given, **self.inputs)
        except (ArithmeticError, ValueError, TypeError, IndexError, KeyError):
            return None

    def grade(self, part: Part, text: str, given: dict[str, Any] | None = None) -> PartVerdict:
        """Parse and grade one typed answer. Raises AnswerError when the input cannot be read."""
        parsed = parse_answer(part.type, text, options=list(part.options), names=set(part.names))
        expected = self.expected(part)
        problem = size_problem(part.type, parsed.value, expected)
        if problem is not None:
            raise AnswerError(problem.en, problem.zh)
        return grade_part(
            part_id=part.id,
            kind=part.type,
            points=part.points,
            given=parsed,
            expected=expected,
            tolerance=part.tolerance,
            mistakes=self.mistakes_for(part),
            carried=self.carried(part, given or {}),
            names=set(part.names),
        )


def solver_for(template: Template) -> SolverSpec:
    try:
        return registry.get(template.solver or "")
    except registry.UnknownSolverError:
        raise TemplateError(f"{template.path}, template {template.id!r}: unknown solver {template.solver!r}") from None


def solver_inputs(template: Template, spec: SolverSpec, params: dict[str, Any]) -> dict[str, Any]:
    names = {p.name for p in spec.params}
    inputs = {k: v for k, v in params.items() if k in names}
    missing = [p.name for p in spec.params if p.required and p.name not in inputs]
    if missing:
        raise TemplateError(f"{template.path}, template {template.id!r}: solver {spec.id} needs {', '.join(missing)}")
    return inputs


def build_question(template: Template, seed: int, params: dict[str, Any] | None = None) -> Question:
    """The question for one seed; ``params`` (stored numbers of an earlier sampling) skip the sampling."""
    spec = solver_for(template)
    variant = Variant(template, seed, params) if params is not None else sample(template, seed)
    inputs = solver_inputs(template, spec, variant.params)
    try:
        solution = spec.func(**inputs)
    except SolverInputError as exc:
        raise TemplateError(f"{template.path}, template {template.id!r}, seed {seed}: {exc.text.en}") from None
    for part in template.parts:
        if part.answer not in solution.answers:
            raise TemplateError(
                f"{template.path}, template {template.id!r}, part {part.id!r}: solver {spec.id} has no answer "
                f"{part.answer!r} (it has {', '.join(solution.answers)})"
            )
    predictions: dict[str, dict[str, Any]] = {}
    for ref in template.mistakes:
        generator = spec.mistakes.get(ref.id)
        if generator is None:
            raise TemplateError(
                f"{template.path}, template {template.id!r}: solver {spec.id} has no mistake {ref.id!r} "
                f"(known: {', '.join(spec.mistakes) or 'none'})"
            )
        try:
            predictions[ref.id] = generator(**inputs)
        except (SolverInputError, ArithmeticError, ValueError):
            predictions[ref.id] = {}
    return Question(variant, solution, inputs, predictions, spec)
