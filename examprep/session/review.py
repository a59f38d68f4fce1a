"""Review: the skills whose time has come, most overdue first, each with fresh numbers."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from examprep import clock, scheduling
from examprep.bank.loader import Bank
from examprep.bank.question import Question
from examprep.session import choose
from examprep.store import SkillState, Store


@dataclass(frozen=True)
class DueSkill:
    template_id: str
    topic: str
    due: datetime
    overdue_days: int


def due_skills(store: Store, bank: Bank, topic: str | None = None, now: datetime | None = None) -> list[DueSkill]:
    """Skills due today or earlier that the bank still has, the most overdue first."""
    now = now or clock.now()
    states: list[SkillState] = store.skills(topic=topic)
    due = [s for s in states if scheduling.is_due(s, now) and bank.get(s.template_id) is not None]
    due.sort(key=lambda s: (s.due, s.template_id))
    return [DueSkill(s.template_id, s.topic, clock.from_timestamp(s.due), scheduling.overdue_days(s, now)) for s in due]


def review_questions(
    bank: Bank, due: list[DueSkill], count: int, rng: random.Random | None = None
) -> tuple[list[Question], list[str]]:
    """The first ``count`` due skills as questions, each a fresh variant (a new random seed)."""
    rng = rng or random.Random()
    chosen = [bank.get(skill.template_id) for skill in due[:count]]
    templates = [t for t in chosen if t is not None]
    return choose.build(templates, [rng.randrange(1, 10**9) for _ in templates])
