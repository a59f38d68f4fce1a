"""The cram plan: every topic before the exam, weakest first, with the expected questions a day.

Topics are ordered weakest first (never practised counts as 0 %). They are spread over the days
from today to the day before the exam, several a day when time is short; when there are more days
than topics the weakest topics come round again. A day's expected questions are the new
questions for its topics (more for a weak topic) plus its reviews: those already scheduled for
that day (on the first day, also everything overdue) and those that later answers will bring.

The later reviews are forecast with the scheduler itself (``scheduling.review_card``): every new
question, and every scheduled review, is followed through its next answers until the exam, each
outcome setting the next due day as a real answer would. A new question is answered right with
the topic's accuracy so far (half the time for a topic never practised); a review is answered
right with the chance FSRS gives the skill of being remembered that day (what its intervals are
built on). The expected counts are added up per day (see ``forecast_reviews``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from examprep import clock, scheduling
from examprep.store import SkillState

WEAK = 0.6  # below this share of points a topic counts as weak
NEW_WEAK = 6  # new questions for a weak (or never practised) topic on its day
NEW_STRONG = 3  # and for a topic that is going well
UNKNOWN_ACCURACY = 0.5  # a never-practised topic's chance of a right answer, for the forecast


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
    reviews: int  # already scheduled for this day (today: with everything overdue)
    expected_reviews: float = 0.0  # forecast: reviews that answers before this day will bring

    @property
    def all_reviews(self) -> int:
        return self.reviews + round(self.expected_reviews)

    @property
    def questions(self) -> int:
        return self.all_reviews + sum(slot.questions for slot in self.topics)


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
    plan_days = []
    for offset, names in enumerate(per_day):
        day = today + timedelta(days=offset)
        slots = []
        for topic in names:
            attempts, share = accuracy.get(topic, (0, 0.0))
            slots.append(
                TopicSlot(topic, attempts, share if attempts else None, NEW_WEAK if share < WEAK else NEW_STRONG)
            )
        plan_days.append((day, tuple(slots)))
    later = forecast_reviews(plan_days, skills, accuracy, exam, today)
    return [PlanDay(day, slots, due_on.get(day, 0), later.get(day, 0.0)) for day, slots in plan_days]


def right_chance(topic: str, accuracy: dict[str, tuple[int, float]]) -> float:
    attempts, share = accuracy.get(topic, (0, 0.0))
    return share if attempts else UNKNOWN_ACCURACY


def forecast_reviews(
    plan_days: list[tuple[date, tuple[TopicSlot, ...]]],
    skills: list[SkillState],
    accuracy: dict[str, tuple[int, float]],
    exam: date,
    today: date,
) -> dict[date, float]:
    """Expected reviews per day brought by the planned new questions and by the scheduled reviews
    once they are answered (the scheduled reviews themselves are not counted here).

    A forward pass over the days: each day holds the cards answered that day, as groups of alike
    FSRS state (see ``_state_key``) with an expected count; answering a group sends part of it to
    the day a right answer makes it due and the rest to the day a wrong one does. No outcome is
    dropped, and merging alike states keeps the groups few."""
    import fsrs

    waiting: dict[date, dict[tuple, list]] = defaultdict(dict)  # day -> state key -> [count, card, first]
    first_time: set[str] = set()
    for day, slots in plan_days:
        for slot in slots:
            if slot.topic in first_time:
                continue  # a topic's second round practises the skills of its first: already followed
            first_time.add(slot.topic)
            _add(
                waiting[day],
                ("new", slot.topic),
                slot.questions,
                fsrs.Card(due=_noon(day)),
                right_chance(slot.topic, accuracy),
            )
    for skill in skills:
        day = max(clock.local_day(clock.from_timestamp(skill.due)), today)
        if day < exam:
            card = fsrs.Card.from_json(skill.card)
            _add(waiting[day], _state_key(card), 1.0, card, None)
    expected: dict[date, float] = {}
    day = today
    while day < exam:
        for count, card, first in waiting.pop(day, {}).values():
            when = _noon(day)
            right = first if first is not None else scheduling.recall_chance(card, when)
            for rating, likelihood in ((scheduling.GOOD, right), (scheduling.AGAIN, 1.0 - right)):
                if likelihood <= 0:
                    continue
                reviewed, due = scheduling.review_card(card, rating, when, exam)
                next_day = max(clock.local_day(due), day + timedelta(days=1))
                if next_day < exam:
                    expected[next_day] = expected.get(next_day, 0.0) + count * likelihood
                    _add(waiting[next_day], _state_key(reviewed), count * likelihood, reviewed, None)
        day += timedelta(days=1)
    return expected


def _state_key(card: Any) -> tuple:
    """Cards whose next answers are forecast alike: stability within a factor of about 1.4,
    difficulty to the nearest whole step (of 1–10), the same last review. Checked against an
    answer-by-answer simulation (tests/examprep/test_plan.py): within about 1 % of its totals."""
    return (round(math.log(card.stability) * 3), round(card.difficulty), card.last_review)


def _add(groups: dict[tuple, list], key: tuple, count: float, card: Any, first: float | None) -> None:
    if key in groups:
        groups[key][0] += count
    else:
        groups[key] = [count, card, first]


def _noon(day: date) -> datetime:
    return scheduling.day_start(day) + timedelta(hours=12)
