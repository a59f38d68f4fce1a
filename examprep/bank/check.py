"""The bank's self-test (``examprep bank check``).

For every calc template and N seeds: the solver's own answer, typed as a student would type it,
must score full marks; every listed mistake must score as wrong and name itself (a mistake may
coincide with the right answer on some variants, but must be told apart on at least one); and
garbage must be reported as invalid input, not graded. Every template must also render its text
in both languages without a dangling placeholder. Concept and design items are checked by
``check_free_text`` (model answers, junk answers and misconceptions against the rubric).
"""

from __future__ import annotations

import re
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


# An answer about something else entirely, in each language (bank check: it must score ≤ 20%).
OFF_TOPIC = {
    "en": "To cook rice, rinse it twice, add water to a finger's depth and let it simmer for twenty minutes. "
    "Then leave the pot covered for a while so the steam finishes the job.",
    "zh": "煮米饭之前先把米淘洗两遍，加水到一指节深，小火煮二十分钟。然后盖着锅盖再焖一会儿，让蒸汽把米饭焖熟。",
}
LOW_SCORE = 0.2
MODEL_SCORE = 0.8


def _term_list(template: Template, lang: str) -> str:
    """The rubric's own phrasings in one language, as a bare comma-separated list."""
    from examprep.grading.textmatch import CJK

    chinese = re.compile(f"[{CJK}]")
    terms = [
        p.replace("*", "")
        for point in template.rubric
        for p in point.patterns
        if bool(chinese.search(p)) == (lang == "zh")
    ]
    return ("、" if lang == "zh" else ", ").join(dict.fromkeys(terms))


def check_free_text(template: Template) -> CheckReport:
    """A concept/design item's self-test: both model answers ≥ 80%; an empty answer, the question
    itself, a bare list of the rubric's terms and an off-topic text ≤ 20%; every misconception's
    statement (each language) is detected."""
    from examprep.grading.freetext import grade_free_text

    report = CheckReport(template.id)

    def fraction(text: str) -> float:
        return grade_free_text(template, text).fraction

    for lang in ("en", "zh"):
        if template.model_answer is not None:
            got = fraction(template.model_answer.get(lang))
            if got < MODEL_SCORE:
                verdict = grade_free_text(template, template.model_answer.get(lang))
                missing = ", ".join(p.id for p in verdict.points if not p.found)
                report.failures.append(
                    f"model answer ({lang}) scores {got:.0%} < {MODEL_SCORE:.0%}; key points not found: {missing}"
                    + "".join(f"; {m.id} misconception found in it" for m in verdict.misconceptions)
                )
        for name, text in (
            ("the question text", template.text.get(lang)),
            ("a bare list of the rubric's terms", _term_list(template, lang)),
            ("an off-topic text", OFF_TOPIC[lang]),
        ):
            got = fraction(text)
            if got > LOW_SCORE:
                report.failures.append(f"{name} ({lang}) scores {got:.0%} > {LOW_SCORE:.0%}")
        for m in template.misconceptions:
            verdict = grade_free_text(template, m.statement.get(lang))
            if m.id not in {r.id for r in verdict.misconceptions}:
                report.failures.append(f"misconception {m.id}: its statement ({lang}) is not detected")
    if fraction("") != 0:
        report.failures.append("an empty answer scores above 0")
    report.variants = 1
    return report


def check_template(template: Template, variants: int) -> CheckReport:
    if template.kind != "calc":
        return check_free_text(template)
    report = CheckReport(template.id)
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
