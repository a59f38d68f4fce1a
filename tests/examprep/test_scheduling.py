"""Ratings from outcomes, and schedules in days with FSRS (clock fixed with EXAMPREP_NOW)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from examprep import clock, scheduling
from examprep.scheduling import AGAIN, EASY, GOOD, HARD, Outcome, rate
from examprep.store import Store

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        (Outcome(4.9, 10), AGAIN),  # below half
        (Outcome(0, 10), AGAIN),
        (Outcome(5, 10), HARD),  # exactly half passes, with partial credit
        (Outcome(7.5, 10, hints=1), HARD),  # full answers after a hint (10 − 2.5)
        (Outcome(10, 10, seconds=130, median_seconds=60), HARD),  # full marks, more than twice the median
        (Outcome(10, 10, seconds=100, median_seconds=60), GOOD),  # slower than usual but not much
        (Outcome(10, 10), GOOD),  # full marks, no timing history
        (Outcome(10, 10, seconds=40, median_seconds=60), EASY),  # full marks quickly
        (Outcome(10, 10, seconds=60, median_seconds=60), EASY),
        (Outcome(0, 0), AGAIN),  # nothing to earn: never rated as known
    ],
)
def test_rating_rules(outcome, expected):
    assert rate(outcome) == expected


def test_wrong_answer_is_due_sooner_than_right_one():
    wrong = scheduling.next_state(None, "cnn.a", "cnn", AGAIN, NOW)
    right = scheduling.next_state(None, "cnn.a", "cnn", GOOD, NOW)
    easy = scheduling.next_state(None, "cnn.a", "cnn", EASY, NOW)
    wrong_due, right_due = clock.from_timestamp(wrong.due), clock.from_timestamp(right.due)
    assert wrong_due <= NOW + timedelta(days=1)  # again within a day
    assert right_due >= NOW + timedelta(days=2)  # not before the day after tomorrow
    assert wrong.due < right.due <= easy.due


def test_scheduling_is_in_days_not_minutes():
    # FSRS's default learning steps would bring a new card back after 1 or 10 minutes
    for rating in (AGAIN, HARD, GOOD, EASY):
        state = scheduling.next_state(None, "cnn.a", "cnn", rating, NOW)
        assert clock.from_timestamp(state.due) - NOW >= timedelta(hours=23)


def test_a_lapse_after_a_long_interval_still_comes_back_within_a_day():
    state = None
    when = NOW
    for _ in range(4):  # four good reviews, each on its due day: the interval grows
        state = scheduling.next_state(state, "cnn.a", "cnn", GOOD, when)
        when = clock.from_timestamp(state.due)
    assert clock.from_timestamp(state.due) - when >= timedelta(days=0)
    grown = state.due - state.last_review
    assert grown > 5 * 86400
    lapsed = scheduling.next_state(state, "cnn.a", "cnn", AGAIN, when)
    assert lapsed.due - when.timestamp() <= 86400


def test_exam_date_caps_every_interval():
    exam = date(2026, 12, 4)
    state = scheduling.next_state(None, "cnn.a", "cnn", EASY, NOW, exam=exam)
    assert clock.from_timestamp(state.due) <= scheduling.day_start(exam)
    uncapped = scheduling.next_state(None, "cnn.a", "cnn", EASY, NOW)
    assert uncapped.due > state.due


@pytest.mark.usefixtures("utc_days")
def test_only_the_first_graded_attempt_of_a_day_counts(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    assert scheduling.review(store, "cnn.a", "cnn", GOOD, NOW)
    first = store.skill("cnn.a")
    assert not scheduling.review(store, "cnn.a", "cnn", AGAIN, NOW + timedelta(hours=3))
    assert store.skill("cnn.a") == first
    assert scheduling.review(store, "cnn.a", "cnn", AGAIN, NOW + timedelta(days=1))
    assert store.skill("cnn.a").reviews == 2 and store.skill("cnn.a").last_rating == AGAIN


def test_cap_at_exam_moves_existing_skills(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    scheduling.review(store, "cnn.a", "cnn", EASY, NOW)
    scheduling.review(store, "cnn.b", "cnn", AGAIN, NOW)
    exam = date(2026, 12, 5)
    assert store.skill("cnn.a").due > scheduling.day_start(exam).timestamp()
    assert scheduling.cap_at_exam(store, exam) == 1
    assert store.skill("cnn.a").due == scheduling.day_start(exam).timestamp()
    assert store.skill("cnn.b").due < scheduling.day_start(exam).timestamp()


def test_card_ids_are_stable_and_distinct():
    assert scheduling.card_id("cnn.a") == scheduling.card_id("cnn.a") > 0
    assert scheduling.card_id("cnn.a") != scheduling.card_id("cnn.b")
