"""The bank's self-test (``examprep bank check``).

For every calc template and N seeds: the solver's own answer, typed as a student would type it,
must score full marks; every listed mistake must score as wrong and name itself (a mistake may
coincide with the right answer on some variants, but must be told apart on at least one); and
garbage must be reported as invalid input, not graded. Every template must also render its text
in both languages without a dangling placeholder.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from examprep.bank.loader import Bank
from examprep.bank.question import TemplateError, build_question
from examprep.bank.sampling import SamplingError, placeholders
from examprep.bank.schema import Template
from examprep.grading.grade import values_match
from examprep.grading.parse import AnswerError, format_answer

GARBAGE = ("banana", "1,,2x", "((", "__import__('os')", "")


@dataclass
class CheckReport:
    template_id: str
    failures: list[str] = field(default_factory=list)
    variants: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures


def check_template(template: Template, variants: int) -> CheckReport:
    report = CheckReport(template.id)
    if template.kind != "calc":
        return report
    told_apart: dict[str, int] = {m.id: 0 for m in template.mistakes}
    for seed in range(1, variants + 1):
        try:
            question = build_question(template, seed)
        except (TemplateError, SamplingError) as exc:
            report.failures.append(str(exc))
            return report
        report.variants += 1
        for lang in ("en", "zh"):
            left = placeholders(question.variant.text(lang))
            if left:
                report.failures.append(
                    f"seed {seed}: text ({lang}) has unknown placeholder(s) {', '.join(sorted(left))}"
                )
        given: dict[str, object] = {}
        for part in template.parts:
            expected = question.expected(part)
            typed = format_answer(part.type, expected)
            try:
                verdict = question.grade(part, typed, given)
            except AnswerError as exc:
                report.failures.append(
                    f"seed {seed}, part {part.id}: the right answer {typed!r} is rejected: {exc.text.en}"
                )
                continue
            if verdict.status != "correct":
                report.failures.append(
                    f"seed {seed}, part {part.id}: the right answer {typed!r} scores {verdict.status}"
                )
            given[part.answer] = expected
            for garbage in GARBAGE:
                if part.type == "choice" and garbage.lower() in part.options:
                    continue
                try:
                    question.grade(part, garbage, given)
                except AnswerError:
                    continue
                report.failures.append(
                    f"seed {seed}, part {part.id}: garbage {garbage!r} was graded instead of refused"
                )
            for mid, predicted, _feedback in question.mistakes_for(part):
                if predicted is None or values_match(part.type, predicted, expected, part.tolerance, set(part.names)):
                    continue
                typed_wrong = format_answer(part.type, predicted)
                try:
                    verdict = question.grade(part, typed_wrong, {})
                except AnswerError as exc:
                    report.failures.append(
                        f"seed {seed}, part {part.id}: mistake {mid} answer {typed_wrong!r} is refused: {exc.text.en}"
                    )
                    continue
                if verdict.is_right:
                    report.failures.append(
                        f"seed {seed}, part {part.id}: mistake {mid} answer {typed_wrong!r} scores as right"
                    )
                elif mid not in {m.id for m in verdict.mistakes}:
                    report.failures.append(
                        f"seed {seed}, part {part.id}: mistake {mid} answer {typed_wrong!r} does not trigger its feedback"
                    )
                else:
                    told_apart[mid] += 1
    for mid, count in told_apart.items():
        if count == 0:
            report.failures.append(f"mistake {mid} never differs from the right answer in {variants} variants")
    return report


def check_bank(bank: Bank, variants: int = 5, topic: str | None = None) -> list[CheckReport]:
    return [check_template(t, variants) for t in bank.templates.values() if topic is None or t.topic == topic]
