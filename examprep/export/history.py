"""Every attempt (one graded part each) as CSV or JSON, with times in UTC ISO format."""

from __future__ import annotations

import csv
import io
import json

from examprep import clock

FORMATS = ("csv", "json")


def rows_for_export(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """The stored rows with ``at`` (seconds since the epoch) turned into an ISO UTC time."""
    out = []
    for row in rows:
        row = dict(row)
        at = row.get("at")
        if isinstance(at, (int, float)):
            row["at"] = clock.from_timestamp(float(at)).isoformat(timespec="seconds")
        out.append(row)
    return out


def dumps(rows: list[dict[str, object]], fmt: str) -> str:
    rows = rows_for_export(rows)
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
    buffer = io.StringIO()
    names = list(rows[0]) if rows else ["id", "at", "session", "template_id", "topic", "part_id", "status", "points"]
    writer = csv.DictWriter(buffer, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
