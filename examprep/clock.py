"""The one place time is read: ``EXAMPREP_NOW`` (an ISO date-time) replaces the clock.

``now()`` returns an aware datetime in UTC. A value of ``EXAMPREP_NOW`` without a zone is taken
as UTC.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

NOW_ENV = "EXAMPREP_NOW"


def now() -> datetime:
    """The current time in UTC, or ``EXAMPREP_NOW`` when it is set."""
    fixed = os.environ.get(NOW_ENV)
    if fixed:
        value = datetime.fromisoformat(fixed.strip().replace("Z", "+00:00"))
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return datetime.now(UTC)
