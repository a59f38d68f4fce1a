"""Which questions to ask: named templates and topics, the weakest topics, the due skills."""

from __future__ import annotations

import random
from collections.abc import Sequence

from examprep.bank.loader import Bank
from examprep.bank.question import Question, TemplateError, build_question
from examprep.bank.sampling import SamplingError
from examprep.bank.schema import Template
from examprep.session.theory import TheoryQuestion

DRILL_KINDS: tuple[str, ...] = ("calc", "concept", "design")
WEAKEST_TOPICS = 3  # a drill without a topic draws from this many of the weakest topics


def resolve(
    bank: Bank, targets: Sequence[str], kinds: tuple[str, ...] = DRILL_KINDS
) -> tuple[list[Template], list[str]]:
    """Templates named by ids or topics (in the order given, no repeats; topics contribute their
    templates of the given ``kinds``), and the names that are neither."""
    chosen: dict[str, Template] = {}
    unknown: list[str] = []
    for target in targets:
        template = bank.get(target)
        if template is not None:  # a template named by id is asked whatever its kind
            chosen.setdefault(template.id, template)
            continue
        in_topic = sorted(bank.by_topic(target, kinds), key=lambda t: t.id)
        if not in_topic:
            unknown.append(target)
        for template in in_topic:
            chosen.setdefault(template.id, template)
    return list(chosen.values()), unknown


def build(templates: Sequence[Template], seeds: Sequence[int]) -> tuple[list[Question | TheoryQuestion], list[str]]:
    """One question per template with the matching seed; broken templates are reported, not fatal."""
    questions: list[Question | TheoryQuestion] = []
    errors: list[str] = []
    for template, seed in zip(templates, seeds):
        if template.kind != "calc":
            questions.append(TheoryQuestion(template, seed))
            continue
        try:
            questions.append(build_question(template, seed))
        except (TemplateError, SamplingError) as exc:
            errors.append(str(exc))
    return questions, errors


def pick(
    templates: Sequence[Template], count: int, seed: int, key: str
) -> tuple[list[Question | TheoryQuestion], list[str]]:
    """``count`` variants: every template once before any repeats, in an order fixed by the seed
    (the same rule as a one-topic drill)."""
    pool = sorted(templates, key=lambda t: t.id)
    rng = random.Random(f"drill:{key}:{seed}")
    order: list[Template] = []
    while len(order) < count and pool:
        batch = pool[:]
        rng.shuffle(batch)
        order.extend(batch)
    order = order[:count]
    return build(order, [seed * 1000 + i for i in range(len(order))])


def weakest_topics(
    bank: Bank,
    accuracy: dict[str, tuple[int, float]],
    limit: int = WEAKEST_TOPICS,
    kinds: tuple[str, ...] = DRILL_KINDS,
) -> list[str]:
    """Drillable topics, weakest first: never practised counts as 0 %, ties go to the least
    practised. ``accuracy`` maps topic → (questions answered, share of points earned)."""
    topics = [t for t in bank.topics() if bank.by_topic(t, kinds)]
    ranked = sorted(topics, key=lambda t: (accuracy.get(t, (0, 0.0))[1], accuracy.get(t, (0, 0.0))[0], t))
    return ranked[:limit]
