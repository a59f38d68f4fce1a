"""The one clock of examprep.

``EXAMPREP_NOW`` (an ISO date-time, e.g. ``2026-12-01T09:00`` or ``2026-12-01T09:00+08:00``)
replaces the system clock wherever time is read, so a week of practice can be replayed in tests
or by hand. Times are stored in UTC; calendar days (streaks, "due today", the plan) are days in
the local time zone of the machine, which is what the student means by "today".
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

NOW_ENV = "EXAMPREP_NOW"


class ClockError(ValueError):
    """``EXAMPREP_NOW`` is set but is not an ISO date-time."""


def parse_iso(text: str) -> datetime:
    """An ISO date or date-time as an aware UTC datetime; a naive one is read as local time."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ClockError(text) from None
    if value.tzinfo is None:
        value = value.astimezone()  # naive: local time, as a student would type it
    return value.astimezone(UTC)


def now() -> datetime:
    """The current time, aware, in UTC (``EXAMPREP_NOW`` if set)."""
    fixed = os.environ.get(NOW_ENV)
    if fixed:
        return parse_iso(fixed)
    return datetime.now(UTC)


def local_day(moment: datetime) -> date:
    """The calendar day of an aware time, in the machine's local time zone."""
    return moment.astimezone().date()


def today() -> date:
    return local_day(now())


def from_timestamp(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
