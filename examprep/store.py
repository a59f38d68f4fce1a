"""Practice history in one SQLite file.

The file lives in the user data directory (platformdirs), or under ``EXAMPREP_HOME``. Schema
changes are numbered migrations applied once and recorded in ``schema_migrations``. Each graded
part is written in its own transaction as soon as it is graded, so Ctrl-C loses nothing, and
SQLite's locking lets two examprep processes write at once. A file that is not a readable
database is moved aside (kept, not deleted) and a fresh one is started.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

HOME_ENV = "EXAMPREP_HOME"

MIGRATIONS: list[str] = [
    """
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at REAL NOT NULL,
        session TEXT NOT NULL,
        template_id TEXT NOT NULL,
        topic TEXT NOT NULL,
        seed INTEGER NOT NULL,
        part_id TEXT NOT NULL,
        status TEXT NOT NULL,
        points REAL NOT NULL,
        max_points REAL NOT NULL,
        answer TEXT NOT NULL,
        mistakes TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX attempts_template ON attempts (template_id);
    """,
    # the student's own score for a free-text answer, kept beside the automatic one
    "ALTER TABLE attempts ADD COLUMN self_score REAL",
]


class StoreError(Exception):
    pass


def data_dir() -> Path:
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("examprep", appauthor=False))


@dataclass(frozen=True)
class Attempt:
    session: str
    template_id: str
    topic: str
    seed: int
    part_id: str
    status: str
    points: float
    max_points: float
    answer: str
    mistakes: str = ""
    self_score: float | None = None


class Store:
    def __init__(self, path: Path | None = None):
        self.path = path or data_dir() / "history.sqlite3"
        self.moved_aside: Path | None = None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = self._open()
        except sqlite3.DatabaseError:
            self.moved_aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
            self.path.rename(self.moved_aside)
            self.conn = self._open()

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at REAL)")
            self._migrate(conn)
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    @staticmethod
    def _migrate(conn: sqlite3.Connection) -> None:
        done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
        for version, sql in enumerate(MIGRATIONS, start=1):
            if version in done:
                continue
            conn.execute("BEGIN IMMEDIATE")
            try:
                if conn.execute("SELECT 1 FROM schema_migrations WHERE version = ?", (version,)).fetchone() is None:
                    for statement in filter(str.strip, sql.split(";")):
                        conn.execute(statement)
                    conn.execute("INSERT INTO schema_migrations VALUES (?, ?)", (version, time.time()))
                conn.execute("COMMIT")
            except Exception:
                conn.execute("ROLLBACK")
                raise

    def record(self, attempt: Attempt) -> int:
        """Store one graded attempt; returns its row id."""
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            cursor = self.conn.execute(
                "INSERT INTO attempts (at, session, template_id, topic, seed, part_id, status, points, max_points, answer,"
                " mistakes, self_score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    time.time(),
                    attempt.session,
                    attempt.template_id,
                    attempt.topic,
                    attempt.seed,
                    attempt.part_id,
                    attempt.status,
                    attempt.points,
                    attempt.max_points,
                    attempt.answer,
                    attempt.mistakes,
                    attempt.self_score,
                ),
            )
            return int(cursor.lastrowid or 0)

    def set_self_score(self, row_id: int, score: float | None) -> None:
        """The student's own score for an attempt already stored; the automatic score stays."""
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("UPDATE attempts SET self_score = ? WHERE id = ?", (score, row_id))

    def attempts(self, session: str | None = None) -> list[Attempt]:
        sql = (
            "SELECT session, template_id, topic, seed, part_id, status, points, max_points, answer, mistakes,"
            " self_score FROM attempts"
        )
        rows = self.conn.execute(
            sql + (" WHERE session = ?" if session else "") + " ORDER BY id", (session,) if session else ()
        )
        return [Attempt(*row) for row in rows]

    def close(self) -> None:
        self.conn.close()
