"""Progress figures, checked against counts and sums worked out by hand."""

from datetime import UTC, date, datetime

import pytest

from examprep import scheduling
from examprep.stats import compute, mistake_name, streak
from examprep.store import QuestionRecord, Store

pytestmark = pytest.mark.usefixtures("utc_days")


def at(day, hour=10):
    return datetime(2026, 12, day, hour, tzinfo=UTC).timestamp()


def test_streak_counts_back_from_today_or_yesterday():
    d = date(2026, 12, 10)
    assert streak({date(2026, 12, 10), date(2026, 12, 9), date(2026, 12, 8), date(2026, 12, 6)}, d) == 3
    assert streak({date(2026, 12, 9), date(2026, 12, 8)}, d) == 2  # today not practised yet: not lost
    assert streak({date(2026, 12, 8)}, d) == 0
    assert streak(set(), d) == 0


def test_figures_from_a_small_history(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    rows = [
        # template, topic, points, max, day, mistakes
        ("cnn.a", "cnn", 10, 10, 5, ""),
        ("cnn.a", "cnn", 5, 10, 6, "no_bias"),
        ("cnn.b", "cnn", 0, 4, 6, "no_bias,no_floor"),
        ("optim.a", "optim", 1.75, 5, 7, "no_bias_correction"),
    ]
    for template, topic, points, max_points, day, mistakes in rows:
        store.record_question(
            QuestionRecord("s", template, topic, 1, points, max_points, mistakes=mistakes, at=at(day))
        )
    now = datetime(2026, 12, 7, 20, tzinfo=UTC)
    scheduling.review(store, "cnn.b", "cnn", scheduling.AGAIN, datetime(2026, 12, 5, 10, tzinfo=UTC))  # due 6th
    scheduling.review(store, "cnn.a", "cnn", scheduling.AGAIN, datetime(2026, 12, 6, 10, tzinfo=UTC))  # due 7th
    scheduling.review(store, "optim.a", "optim", scheduling.GOOD, datetime(2026, 12, 7, 10, tzinfo=UTC))
    stats = compute(store, now=now)
    assert stats.attempts == 4
    # cnn: (10 + 5 + 0) / (10 + 10 + 4) = 15/24; optim: 1.75/5
    topics = {r.key: (r.attempts, r.accuracy) for r in stats.topics}
    assert topics == {"cnn": (3, pytest.approx(15 / 24)), "optim": (1, pytest.approx(0.35))}
    templates = {r.key: r.accuracy for r in stats.templates}
    assert templates == {"cnn.a": pytest.approx(0.75), "cnn.b": 0.0, "optim.a": pytest.approx(0.35)}
    assert [r.key for r in stats.weakest] == ["cnn.b", "optim.a", "cnn.a"]
    assert stats.mistakes[0] == ("no_bias", 2)
    assert stats.due == 2 and stats.overdue == 1
    assert stats.streak == 3
    assert stats.calendar == {"2026-12-05": 1, "2026-12-06": 2, "2026-12-07": 1}
    assert [(d.day, d.attempts) for d in stats.trend][-3:] == [("2026-12-05", 1), ("2026-12-06", 2), ("2026-12-07", 1)]
    assert stats.trend[-2].accuracy == pytest.approx(5 / 14)
    data = stats.to_json()
    assert data["attempts"] == 4 and data["due"] == 2 and data["streak"] == 3
    assert {"topic": "optim", "attempts": 1, "accuracy": 0.35} in data["topics"]


def test_topic_filter(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    store.record_question(QuestionRecord("s", "cnn.a", "cnn", 1, 1, 2, at=at(5)))
    store.record_question(QuestionRecord("s", "rl.a", "rl", 1, 2, 2, at=at(5)))
    stats = compute(store, topic="rl", now=datetime(2026, 12, 5, 12, tzinfo=UTC))
    assert stats.attempts == 1 and [r.key for r in stats.topics] == ["rl"]


def test_mistakes_are_named_in_words():
    assert mistake_name("no_bias_correction") == "no bias correction"
