"""The cram plan: every topic before the exam, weakest first, questions per day."""

from datetime import UTC, date, datetime

import pytest

from examprep import scheduling
from examprep.plan import NEW_STRONG, NEW_WEAK, PlanError, build_plan
from examprep.store import Store

TOPICS = ["cnn", "optim", "rl", "rnn", "attention", "linear"]
TODAY = date(2026, 12, 1)


def covered(plan):
    return [slot.topic for day in plan for slot in day.topics]


@pytest.mark.parametrize("days", [1, 2, 3, 6, 10, 20])
def test_every_topic_is_planned_before_the_exam(days):
    plan = build_plan(TOPICS, {}, [], date.fromordinal(TODAY.toordinal() + days), TODAY)
    assert len(plan) == days and plan[0].day == TODAY and plan[-1].day.toordinal() == TODAY.toordinal() + days - 1
    assert set(covered(plan)) == set(TOPICS)
    assert all(day.topics for day in plan)  # no empty day


def test_weakest_first_and_weak_topics_get_more_questions():
    accuracy = {"cnn": (10, 0.9), "optim": (8, 0.3), "rl": (4, 0.55), "rnn": (2, 0.95), "attention": (5, 0.7)}
    plan = build_plan(TOPICS, accuracy, [], date(2026, 12, 7), TODAY)
    # never practised (linear) counts as 0 %, then 30 %, 55 %, 70 %, 90 %, 95 %
    assert covered(plan) == ["linear", "optim", "rl", "attention", "cnn", "rnn"]
    questions = {slot.topic: slot.questions for day in plan for slot in day.topics}
    assert questions["optim"] == questions["linear"] == NEW_WEAK and questions["cnn"] == NEW_STRONG


def test_spare_days_bring_the_weak_topics_back():
    accuracy = {t: (5, 0.9) for t in TOPICS} | {"rl": (5, 0.2)}
    plan = build_plan(TOPICS, accuracy, [], date(2026, 12, 11), TODAY)  # 10 days, 6 topics
    assert covered(plan).count("rl") > 1 and covered(plan).count("cnn") == 1


@pytest.mark.usefixtures("utc_days")
def test_reviews_are_counted_on_their_day_and_overdue_ones_today(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    scheduling.review(store, "cnn.a", "cnn", scheduling.AGAIN, datetime(2026, 11, 28, 9, tzinfo=UTC))  # overdue
    scheduling.review(store, "cnn.b", "cnn", scheduling.GOOD, datetime(2026, 12, 1, 9, tzinfo=UTC))  # due 3rd
    plan = build_plan(TOPICS, {}, store.skills(), date(2026, 12, 6), TODAY)
    assert [d.reviews for d in plan] == [1, 0, 1, 0, 0]
    assert plan[0].questions == 1 + sum(s.questions for s in plan[0].topics)


def test_exam_must_be_after_today():
    with pytest.raises(PlanError):
        build_plan(TOPICS, {}, [], TODAY, TODAY)


# -- the review forecast -------------------------------------------------------------------------
# Checked against the path a real answer takes: ``scheduling.next_state`` (what a drill stores),
# driven by a loop of always-right answers, and by a Monte Carlo run of random right/wrong answers.


def _real_reviews(right: float, first_day: date, exam: date, runs: int, seed: int = 7) -> dict[date, float]:
    """Average reviews per day of one new skill answered on ``first_day``, simulated answer by
    answer through ``scheduling.next_state`` with random outcomes: the first answer right with
    chance ``right``, each review right with the recall chance FSRS gives it that day."""
    import random
    from datetime import timedelta

    import fsrs

    from examprep import clock

    rng = random.Random(seed)
    totals: dict[date, float] = {}
    for _ in range(runs):
        state, day = None, first_day
        while True:
            when = scheduling.day_start(day) + timedelta(hours=12)
            chance = right if state is None else scheduling.recall_chance(fsrs.Card.from_json(state.card), when)
            rating = scheduling.GOOD if rng.random() < chance else scheduling.AGAIN
            state = scheduling.next_state(state, "t.x", "t", rating, when.astimezone(UTC), exam)
            day = max(clock.local_day(clock.from_timestamp(state.due)), day + timedelta(days=1))
            if day >= exam:
                break
            totals[day] = totals.get(day, 0.0) + 1.0 / runs
    return totals


@pytest.mark.usefixtures("utc_days")
def test_a_strong_topic_comes_back_after_two_days_then_at_growing_gaps():
    exam = date(2027, 1, 20)
    plan = build_plan(["cnn"], {"cnn": (10, 1.0)}, [], exam, TODAY)
    expected = {d.day: d.expected_reviews for d in plan if d.expected_reviews >= 0.5 * NEW_STRONG}
    days = sorted(expected)
    assert days[0] == date(2026, 12, 3)  # answered right on the 1st: back not before the day after tomorrow
    gaps = [(b - a).days for a, b in zip([TODAY, *days], days)]
    assert gaps == sorted(gaps) and gaps[-1] > gaps[0]  # the main chain spaces out
    assert all(value <= NEW_STRONG + 1e-9 for value in expected.values())  # never more than were asked


@pytest.mark.usefixtures("utc_days")
@pytest.mark.parametrize(
    ("right", "exam"), [(0.5, date(2026, 12, 31)), (0.2, date(2026, 12, 20)), (0.9, date(2027, 2, 15))]
)
def test_the_forecast_matches_answer_by_answer_simulation(right, exam):
    plan = build_plan(["rl"], {"rl": (8, right)}, [], exam, TODAY)
    per_topic = NEW_WEAK if right < 0.6 else NEW_STRONG
    forecast = {d.day: d.expected_reviews for d in plan}
    simulated = _real_reviews(right, TODAY, exam, runs=3000)
    for day in forecast:  # the simulation's own noise is a few hundredths per day
        assert forecast[day] == pytest.approx(per_topic * simulated.get(day, 0.0), abs=0.25), day
    assert sum(forecast.values()) == pytest.approx(per_topic * sum(simulated.values()), rel=0.03)


@pytest.mark.usefixtures("utc_days")
def test_forecast_reviews_stay_before_the_exam_and_are_shown_in_the_day_totals():
    plan = build_plan(TOPICS, {}, [], date(2026, 12, 9), TODAY)
    assert plan[0].expected_reviews == 0  # nothing answered yet today
    assert sum(d.expected_reviews for d in plan) > 0
    for d in plan:
        assert d.questions == round(d.expected_reviews) + d.reviews + sum(s.questions for s in d.topics)
    assert build_plan(TOPICS, {}, [], date(2026, 12, 2), TODAY)[0].expected_reviews == 0  # exam tomorrow


@pytest.mark.usefixtures("utc_days")
def test_a_topics_second_round_is_not_forecast_twice():
    accuracy = {t: (5, 0.9) for t in TOPICS} | {"rl": (5, 0.2)}
    long_plan = build_plan(TOPICS, accuracy, [], date(2026, 12, 11), TODAY)  # rl comes round again
    rounds = [d.day for d in long_plan for s in d.topics if s.topic == "rl"]
    assert len(rounds) > 1
    only_once = build_plan(TOPICS, accuracy, [], date(2026, 12, 11), TODAY)
    assert [d.expected_reviews for d in long_plan] == [d.expected_reviews for d in only_once]
