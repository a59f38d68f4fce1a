"""Spaced repetition of skills with FSRS (the ``fsrs`` package, MIT).

A skill is a template, not one of its variants: practising it means a fresh variant each time. Its
FSRS card is keyed by an id derived from the template id and kept in the store.

How an outcome becomes a rating (only the first graded attempt of a skill on a calendar day
counts; later ones that day are practice, not a review):

- below half the points → Again;
- passed (at least half) but after a hint, with partial credit, or much slower than the
  student's median time on this skill → Hard;
- full marks, no hint, at or under the median time → Easy;
- any other pass → Good.

Scheduling is in days: FSRS's minute-long learning steps are switched off, a wrong answer is due
again within a day, a right one (Good or Easy) not before the day after tomorrow, and no interval
reaches past the exam date when one is set.
"""

from __future__ import annotations

import functools
import hashlib
import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from examprep import clock
from examprep.store import SkillState, Store

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATINGS = (AGAIN, HARD, GOOD, EASY)
RATING_NAMES: dict[int, tuple[str, str]] = {
    AGAIN: ("Again", "重来"),
    HARD: ("Hard", "困难"),
    GOOD: ("Good", "良好"),
    EASY: ("Easy", "简单"),
}
SLOW_FACTOR = 2.0  # "much slower": more than twice the student's median time on the skill
MIN_FOR_MEDIAN = 2  # earlier timed attempts needed before speed says anything
EXAM_DATE_KEY = "exam_date"


def rating_name(rating: int, lang: str) -> str:
    en, zh = RATING_NAMES[rating]
    return zh if lang == "zh" else en


@dataclass(frozen=True)
class Outcome:
    points: float  # as shown to the student, hint penalties applied
    max_points: float
    hints: int = 0
    seconds: float | None = None
    median_seconds: float | None = None


def rate(outcome: Outcome) -> int:
    """The FSRS rating an outcome earns (see the module docstring)."""
    if outcome.max_points <= 0 or outcome.points < outcome.max_points / 2:
        return AGAIN
    slow = (
        outcome.seconds is not None
        and outcome.median_seconds is not None
        and outcome.seconds > SLOW_FACTOR * outcome.median_seconds
    )
    if outcome.hints or outcome.points < outcome.max_points or slow:
        return HARD
    quick = (
        outcome.seconds is not None and outcome.median_seconds is not None and outcome.seconds <= outcome.median_seconds
    )
    return EASY if quick else GOOD


def median_seconds(store: Store, template_id: str) -> float | None:
    """The student's median time on earlier questions of this skill, if there are enough."""
    times = [q.seconds for q in store.questions(template_id=template_id) if q.seconds is not None]
    return statistics.median(times) if len(times) >= MIN_FOR_MEDIAN else None


def card_id(template_id: str) -> int:
    """A stable positive card id for a template id (the same on every machine)."""
    return int.from_bytes(hashlib.sha256(template_id.encode()).digest()[:6], "big")


def exam_date(store: Store) -> date | None:
    value = store.setting(EXAM_DATE_KEY)
    return date.fromisoformat(value) if value else None


def day_start(day: date) -> datetime:
    """Local midnight at the start of a calendar day, as an aware time."""
    return datetime.combine(day, time()).astimezone()


@functools.cache
def _scheduler():  # noqa: ANN202 - fsrs is imported lazily
    import fsrs

    return fsrs.Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def counts_as_review(state: SkillState | None, when: datetime) -> bool:
    """Only the first graded attempt of a skill on a calendar day updates its schedule."""
    return state is None or clock.local_day(clock.from_timestamp(state.last_review)) != clock.local_day(when)


def next_state(
    state: SkillState | None,
    template_id: str,
    topic: str,
    rating: int,
    when: datetime,
    exam: date | None = None,
) -> SkillState:
    """The skill's state after a review with ``rating`` at ``when`` (aware, UTC)."""
    import fsrs

    card = fsrs.Card.from_json(state.card) if state else fsrs.Card(card_id=card_id(template_id), due=when)
    reviewed, due = review_card(card, rating, when, exam)
    return SkillState(
        template_id=template_id,
        topic=topic,
        card=reviewed.to_json(),
        due=due.timestamp(),
        last_review=when.timestamp(),
        last_rating=rating,
        reviews=(state.reviews + 1) if state else 1,
    )


def review_card(card: Any, rating: int, when: datetime, exam: date | None = None) -> tuple[Any, datetime]:
    """An fsrs card after a review, and its due time under examprep's rules (module docstring):
    Again within a day, Good or Easy not before the day after tomorrow, never past the exam."""
    import fsrs

    reviewed, _log = _scheduler().review_card(card, fsrs.Rating(rating), when)
    due = reviewed.due
    if rating == AGAIN:
        due = min(due, when + timedelta(days=1))
    elif rating in (GOOD, EASY):
        due = max(due, when + timedelta(days=2))
    if exam is not None and day_start(exam) > when:
        due = min(due, day_start(exam))
    reviewed.due = due
    return reviewed, due


def recall_chance(card: Any, when: datetime) -> float:
    """FSRS's estimate that the skill is still remembered at ``when`` (its retrievability)."""
    return float(_scheduler().get_card_retrievability(card, when))


def review(store: Store, template_id: str, topic: str, rating: int, when: datetime | None = None) -> bool:
    """Update the skill's schedule if this is its first graded attempt today; True if updated."""
    when = when or clock.now()
    state = store.skill(template_id)
    if not counts_as_review(state, when):
        return False
    store.save_skill(next_state(state, template_id, topic, rating, when, exam_date(store)))
    return True


def is_due(state: SkillState, when: datetime | None = None) -> bool:
    """Due on a calendar day: anything due before the end of today counts."""
    when = when or clock.now()
    return clock.local_day(clock.from_timestamp(state.due)) <= clock.local_day(when)


def overdue_days(state: SkillState, when: datetime | None = None) -> int:
    when = when or clock.now()
    return (clock.local_day(when) - clock.local_day(clock.from_timestamp(state.due))).days


def cap_at_exam(store: Store, exam: date) -> int:
    """Bring every skill due after the exam back to the exam date; returns how many moved."""
    limit = day_start(exam).timestamp()
    moved = 0
    for state in store.skills():
        if state.due > limit:
            store.save_skill(
                SkillState(
                    state.template_id,
                    state.topic,
                    _with_due(state.card, limit),
                    limit,
                    state.last_review,
                    state.last_rating,
                    state.reviews,
                )
            )
            moved += 1
    return moved


def _with_due(card_json: str, due: float) -> str:
    import fsrs

    card = fsrs.Card.from_json(card_json)
    card.due = clock.from_timestamp(due)
    return card.to_json()
