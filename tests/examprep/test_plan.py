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
