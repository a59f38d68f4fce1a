"""The one place time is read: ``EXAMPREP_NOW`` (an ISO date-time) replaces the clock.

Times are aware datetimes in UTC. A value of ``EXAMPREP_NOW`` without a zone is taken as UTC.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

NOW_ENV = "EXAMPREP_NOW"


def parse_time(text: str) -> datetime:
    """An ISO date-time as an aware UTC datetime (naive values are taken as UTC)."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def now() -> datetime:
    """The current time in UTC, or ``EXAMPREP_NOW`` when it is set."""
    fixed = os.environ.get(NOW_ENV)
    if fixed:
        return parse_time(fixed)
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """A UTC timestamp as stored: ISO 8601 with seconds and an explicit +00:00."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")
