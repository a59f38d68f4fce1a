"""Mock-exam attempts in the history file: the frozen paper, each answer, the time per question.

Uses the connection of :class:`examprep.store.Store` (same SQLite file, tables created by its
migrations). Every write is its own ``BEGIN IMMEDIATE`` transaction, so an answer is on disk the
moment it is entered and a killed process loses nothing; two processes at once are serialized by
SQLite's lock.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from examprep.store import Store

IN_PROGRESS = "in_progress"
FINISHED = "finished"
ABANDONED = "abandoned"
STATES = (IN_PROGRESS, FINISHED, ABANDONED)


@dataclass(frozen=True)
class AttemptRecord:
    id: int
    paper: str
    seed: int
    twin: bool
    lang: str
    state: str
    started: datetime
    deadline: datetime
    ended: datetime | None
    plan: dict[str, Any]  # PaperPlan.to_json() plus "params": the exact numbers
    max_points: float
    score: float | None
    report: dict[str, Any] | None


def iso(moment: datetime) -> str:
    """A time as stored: ISO 8601 in UTC with seconds and an explicit +00:00."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse_time(text: str) -> datetime:
    """A stored (or typed) ISO date-time as an aware UTC datetime; naive values are taken as UTC."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


_COLUMNS = "id, paper, seed, twin, lang, state, started, deadline, ended, plan, max_points, score, report"


def _record(row: tuple[Any, ...]) -> AttemptRecord:
    return AttemptRecord(
        id=row[0],
        paper=row[1],
        seed=row[2],
        twin=bool(row[3]),
        lang=row[4],
        state=row[5],
        started=parse_time(row[6]),
        deadline=parse_time(row[7]),
        ended=parse_time(row[8]) if row[8] else None,
        plan=json.loads(row[9]),
        max_points=row[10],
        score=row[11],
        report=json.loads(row[12]) if row[12] else None,
    )


class ExamStore:
    def __init__(self, store: Store):
        self.store = store
        self.conn: sqlite3.Connection = store.conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def create(
        self,
        *,
        paper: str,
        seed: int,
        twin: bool,
        lang: str,
        started: datetime,
        deadline: datetime,
        plan: dict[str, Any],
        max_points: float,
        state: str = IN_PROGRESS,
    ) -> AttemptRecord:
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO exam_attempts (paper, seed, twin, lang, state, started, deadline, plan, max_points)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (paper, seed, int(twin), lang, state, iso(started), iso(deadline), json.dumps(plan), max_points),
            )
            attempt_id = cursor.lastrowid
        record = self.get(attempt_id)  # type: ignore[arg-type]
        assert record is not None
        return record

    def get(self, attempt_id: int) -> AttemptRecord | None:
        row = self.conn.execute(f"SELECT {_COLUMNS} FROM exam_attempts WHERE id = ?", (attempt_id,)).fetchone()
        return _record(row) if row else None

    def attempts(self) -> list[AttemptRecord]:
        return [_record(r) for r in self.conn.execute(f"SELECT {_COLUMNS} FROM exam_attempts ORDER BY id")]

    def in_progress(self) -> AttemptRecord | None:
        """The most recent unfinished attempt."""
        row = self.conn.execute(
            f"SELECT {_COLUMNS} FROM exam_attempts WHERE state = ? ORDER BY id DESC LIMIT 1", (IN_PROGRESS,)
        ).fetchone()
        return _record(row) if row else None

    def save_answer(self, attempt_id: int, key: str, answer: str, at: datetime) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO exam_answers (attempt_id, key, answer, at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (attempt_id, key) DO UPDATE SET answer = excluded.answer, at = excluded.at",
                (attempt_id, key, answer, iso(at)),
            )

    def answers(self, attempt_id: int) -> dict[str, str]:
        rows = self.conn.execute("SELECT key, answer FROM exam_answers WHERE attempt_id = ?", (attempt_id,))
        return dict(rows.fetchall())

    def add_time(self, attempt_id: int, question: int, seconds: float) -> None:
        if seconds <= 0:
            return
        with self._write() as conn:
            conn.execute(
                "INSERT INTO exam_time (attempt_id, question, seconds) VALUES (?, ?, ?)"
                " ON CONFLICT (attempt_id, question) DO UPDATE SET seconds = seconds + excluded.seconds",
                (attempt_id, str(question), seconds),
            )

    def times(self, attempt_id: int) -> dict[int, float]:
        rows = self.conn.execute("SELECT question, seconds FROM exam_time WHERE attempt_id = ?", (attempt_id,))
        return {int(q): s for q, s in rows.fetchall()}

    def finish(self, attempt_id: int, score: float, report: dict[str, Any], ended: datetime) -> bool:
        """Record the graded result; only an attempt still in progress can be finished (once).
        Returns False when another process (or an earlier call) finished or abandoned it first."""
        with self._write() as conn:
            cursor = conn.execute(
                "UPDATE exam_attempts SET state = ?, score = ?, report = ?, ended = ? WHERE id = ? AND state = ?",
                (FINISHED, score, json.dumps(report), iso(ended), attempt_id, IN_PROGRESS),
            )
            return cursor.rowcount == 1

    def abandon(self, attempt_id: int, ended: datetime) -> None:
        with self._write() as conn:
            conn.execute(
                "UPDATE exam_attempts SET state = ?, ended = ? WHERE id = ? AND state = ?",
                (ABANDONED, iso(ended), attempt_id, IN_PROGRESS),
            )
