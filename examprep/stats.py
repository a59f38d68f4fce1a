"""Progress figures from the history: accuracy per topic and skill, trend, weakest skills,
most frequent mistakes, due counts, the practice calendar and the streak.

Accuracy is the share of points earned over the questions answered, with the points as the
student saw them (hint penalties applied). Days are local calendar days (see ``clock``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from examprep import clock
from examprep.store import QuestionRecord, SkillState, Store

TREND_DAYS = 7
CALENDAR_WEEKS = 12
WEAKEST = 5
TOP_MISTAKES = 5


@dataclass(frozen=True)
class Tally:
    attempts: int
    points: float
    max_points: float

    @property
    def accuracy(self) -> float:
        return self.points / self.max_points if self.max_points else 0.0


@dataclass(frozen=True)
class Row:
    key: str  # topic or template id
    topic: str
    attempts: int
    accuracy: float
    last: str | None = None  # ISO date of the last attempt


@dataclass(frozen=True)
class DayFigure:
    day: str
    attempts: int
    accuracy: float | None


@dataclass
class Stats:
    attempts: int
    accuracy: float
    topics: list[Row]
    templates: list[Row]
    trend: list[DayFigure]
    weakest: list[Row]
    mistakes: list[tuple[str, int]]
    due: int
    overdue: int
    streak: int
    calendar: dict[str, int] = field(default_factory=dict)  # ISO day -> questions answered
    today: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "attempts": self.attempts,
            "accuracy": round(self.accuracy, 4),
            "topics": [{"topic": r.key, "attempts": r.attempts, "accuracy": round(r.accuracy, 4)} for r in self.topics],
            "templates": [
                {"template_id": r.key, "topic": r.topic, "attempts": r.attempts, "accuracy": round(r.accuracy, 4)}
                for r in self.templates
            ],
            "trend": [
                asdict(d) | {"accuracy": None if d.accuracy is None else round(d.accuracy, 4)} for d in self.trend
            ],
            "weakest": [r.key for r in self.weakest],
            "mistakes": [{"mistake": m, "count": n} for m, n in self.mistakes],
            "due": self.due,
            "overdue": self.overdue,
            "streak": self.streak,
            "calendar": self.calendar,
        }


def _tally(records: list[QuestionRecord]) -> Tally:
    return Tally(len(records), sum(r.points for r in records), sum(r.max_points for r in records))


def _day(record: QuestionRecord) -> date:
    return clock.local_day(clock.from_timestamp(record.at or 0.0))


def streak(days: set[date], today: date) -> int:
    """Consecutive practice days ending today, or ending yesterday if today has none yet (the
    streak is not lost until the day is over)."""
    current = today if today in days else today - timedelta(days=1)
    count = 0
    while current in days:
        count += 1
        current -= timedelta(days=1)
    return count


def compute(store: Store, topic: str | None = None, now: datetime | None = None) -> Stats:
    now = now or clock.now()
    today = clock.local_day(now)
    records = store.questions(topic=topic)
    by_topic: dict[str, list[QuestionRecord]] = defaultdict(list)
    by_template: dict[str, list[QuestionRecord]] = defaultdict(list)
    by_day: dict[date, list[QuestionRecord]] = defaultdict(list)
    for record in records:
        by_topic[record.topic].append(record)
        by_template[record.template_id].append(record)
        by_day[_day(record)].append(record)

    def row(key: str, group: list[QuestionRecord]) -> Row:
        tally = _tally(group)
        return Row(key, group[0].topic, tally.attempts, tally.accuracy, max(_day(r) for r in group).isoformat())

    topics = [row(k, v) for k, v in sorted(by_topic.items())]
    templates = [row(k, v) for k, v in sorted(by_template.items())]
    trend = []
    for offset in range(TREND_DAYS - 1, -1, -1):
        day = today - timedelta(days=offset)
        tally = _tally(by_day.get(day, []))
        trend.append(DayFigure(day.isoformat(), tally.attempts, tally.accuracy if tally.attempts else None))
    weakest = sorted(templates, key=lambda r: (r.accuracy, -r.attempts, r.key))[:WEAKEST]
    mistakes = Counter(m for r in records for m in r.mistakes.split(",") if m)
    skills: list[SkillState] = store.skills(topic=topic)
    due_days = [clock.local_day(clock.from_timestamp(s.due)) for s in skills]
    first = today - timedelta(days=7 * CALENDAR_WEEKS - 1)
    return Stats(
        attempts=len(records),
        accuracy=_tally(records).accuracy,
        topics=topics,
        templates=templates,
        trend=trend,
        weakest=[r for r in weakest if r.accuracy < 1.0],
        mistakes=sorted(mistakes.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_MISTAKES],
        due=sum(d <= today for d in due_days),
        overdue=sum(d < today for d in due_days),
        streak=streak(set(by_day), today),
        calendar={d.isoformat(): len(v) for d, v in sorted(by_day.items()) if d >= first},
        today=today.isoformat(),
    )


def topic_accuracy(store: Store) -> dict[str, tuple[int, float]]:
    """topic -> (questions answered, accuracy), for choosing the weakest topics."""
    groups: dict[str, list[QuestionRecord]] = defaultdict(list)
    for record in store.questions():
        groups[record.topic].append(record)
    return {k: (len(v), _tally(v).accuracy) for k, v in groups.items()}


def mistake_name(mistake_id: str) -> str:
    """A mistake as the summary names it: in words, not as an identifier."""
    return mistake_id.replace("_", " ").replace("-", " ")
