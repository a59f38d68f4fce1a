"""The cram plan: every topic before the exam, weakest first, with the expected questions a day.

Topics are ordered weakest first (never practised counts as 0 %). They are spread over the days
from today to the day before the exam, several a day when time is short; when there are more days
than topics the weakest topics come round again. A day's expected questions are the new
questions for its topics (more for a weak topic) plus the reviews already scheduled for that day
(on the first day, also everything overdue).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from examprep import clock
from examprep.store import SkillState

WEAK = 0.6  # below this share of points a topic counts as weak
NEW_WEAK = 6  # new questions for a weak (or never practised) topic on its day
NEW_STRONG = 3  # and for a topic that is going well


@dataclass(frozen=True)
class TopicSlot:
    topic: str
    attempts: int
    accuracy: float | None  # None: never practised
    questions: int  # new questions planned for it that day


@dataclass(frozen=True)
class PlanDay:
    day: date
    topics: tuple[TopicSlot, ...]
    reviews: int

    @property
    def questions(self) -> int:
        return self.reviews + sum(slot.questions for slot in self.topics)


class PlanError(ValueError):
    pass


def order_topics(topics: list[str], accuracy: dict[str, tuple[int, float]]) -> list[str]:
    return sorted(topics, key=lambda t: (accuracy.get(t, (0, 0.0))[1], accuracy.get(t, (0, 0.0))[0], t))


def build_plan(
    topics: list[str],
    accuracy: dict[str, tuple[int, float]],
    skills: list[SkillState],
    exam: date,
    today: date,
) -> list[PlanDay]:
    """Day-by-day plan from ``today`` to the day before ``exam``. ``accuracy`` maps topic →
    (questions answered, accuracy)."""
    days = (exam - today).days
    if days < 1:
        raise PlanError(exam.isoformat())
    ranked = order_topics(topics, accuracy)
    weak = [t for t in ranked if accuracy.get(t, (0, 0.0))[1] < WEAK] or ranked
    sequence = list(ranked)
    while len(sequence) < days:  # spare days: the weakest topics again
        sequence.extend(weak[: days - len(sequence)])
    per_day: list[list[str]] = [[] for _ in range(days)]
    for index, topic in enumerate(sequence):
        per_day[index * days // len(sequence)].append(topic)
    due_on: dict[date, int] = {}
    for skill in skills:
        day = max(clock.local_day(clock.from_timestamp(skill.due)), today)
        due_on[day] = due_on.get(day, 0) + 1
    plan = []
    for offset, names in enumerate(per_day):
        day = today + timedelta(days=offset)
        slots = []
        for topic in names:
            attempts, share = accuracy.get(topic, (0, 0.0))
            slots.append(
                TopicSlot(topic, attempts, share if attempts else None, NEW_WEAK if share < WEAK else NEW_STRONG)
            )
        plan.append(PlanDay(day, tuple(slots), due_on.get(day, 0)))
    return plan
