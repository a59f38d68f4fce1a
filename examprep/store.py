"""Practice history in one SQLite file.

The file lives in the user data directory (platformdirs), or under ``EXAMPREP_HOME``. Schema
changes are numbered migrations (their position in :data:`MIGRATIONS`) applied once and recorded
in ``schema_migrations``; a database made by an older version upgrades in place.

Two examprep processes may write at once: the file is in WAL mode, every write is one short
``BEGIN IMMEDIATE`` transaction, and a write that still finds the database busy after SQLite's
own wait is retried. Each graded part is written as soon as it is graded, so Ctrl-C loses nothing.

What goes wrong with the file is told apart, because the way out differs:

- the file cannot be written (read-only file, folder or disk): the store opens read-only,
  ``readonly`` is set, writes are skipped and the caller says once that nothing is saved;
- the file cannot be read at all (permissions): :class:`StoreUnreadable`, naming the file;
- SQLite itself reports the file as corrupt: :class:`StoreCorrupt`; :func:`repair` keeps the
  damaged file as a backup and starts a new one with every row that can still be read.

Nothing is ever renamed except by :func:`repair`.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from examprep import clock

HOME_ENV = "EXAMPREP_HOME"
FILE_NAME = "history.sqlite3"

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
    # 2: progress that lasts. Time and hints per graded part; sessions; one row per question with
    # the points as shown to the student (after hint penalties) and the scheduler's rating; the
    # scheduler state of every skill; settings (the exam date). Older histories are carried over:
    # their sessions and questions are rebuilt from the attempts.
    """
    ALTER TABLE attempts ADD COLUMN seconds REAL;
    ALTER TABLE attempts ADD COLUMN hints INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        started_at REAL NOT NULL,
        ended_at REAL,
        args TEXT NOT NULL DEFAULT ''
    );
    INSERT INTO sessions (id, kind, started_at, ended_at)
        SELECT session, 'drill', MIN(at), MAX(at) FROM attempts GROUP BY session;
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at REAL NOT NULL,
        session TEXT NOT NULL,
        template_id TEXT NOT NULL,
        topic TEXT NOT NULL,
        seed INTEGER NOT NULL,
        seconds REAL,
        hints INTEGER NOT NULL DEFAULT 0,
        points REAL NOT NULL,
        max_points REAL NOT NULL,
        mistakes TEXT NOT NULL DEFAULT '',
        rating INTEGER,
        self_rating INTEGER
    );
    INSERT INTO questions (at, session, template_id, topic, seed, points, max_points, mistakes)
        SELECT MAX(at), session, template_id, topic, seed, SUM(points), SUM(max_points),
               COALESCE(group_concat(NULLIF(mistakes, ''), ','), '')
        FROM attempts GROUP BY session, template_id, seed ORDER BY MIN(id);
    CREATE INDEX questions_template ON questions (template_id);
    CREATE INDEX questions_at ON questions (at);
    CREATE TABLE skills (
        template_id TEXT PRIMARY KEY,
        topic TEXT NOT NULL,
        card TEXT NOT NULL,
        due REAL NOT NULL,
        last_review REAL NOT NULL,
        last_rating INTEGER NOT NULL,
        reviews INTEGER NOT NULL DEFAULT 1
    );
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)
    """,
    # 3: a student's own score for a part, stored beside the automatic one (never replacing it).
    "ALTER TABLE attempts ADD COLUMN self_score REAL",
    # 4: mock exams (examprep/session/exam_store.py): one row per attempt with the generated paper
    # frozen as JSON, every answer saved the moment it is entered, and the time spent per question.
    """
    CREATE TABLE exam_attempts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        paper TEXT NOT NULL,
        seed INTEGER NOT NULL,
        twin INTEGER NOT NULL DEFAULT 0,
        lang TEXT NOT NULL,
        state TEXT NOT NULL,
        started TEXT NOT NULL,
        deadline TEXT NOT NULL,
        ended TEXT,
        plan TEXT NOT NULL,
        max_points REAL NOT NULL,
        score REAL,
        report TEXT
    );
    CREATE INDEX exam_attempts_state ON exam_attempts (state);
    CREATE TABLE exam_answers (
        attempt_id INTEGER NOT NULL REFERENCES exam_attempts (id),
        key TEXT NOT NULL,
        answer TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (attempt_id, key)
    );
    CREATE TABLE exam_time (
        attempt_id INTEGER NOT NULL REFERENCES exam_attempts (id),
        question TEXT NOT NULL,
        seconds REAL NOT NULL,
        PRIMARY KEY (attempt_id, question)
    );
    """,
]

# SQLite's primary result codes for a damaged file
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6


class StoreError(Exception):
    """The history cannot be used; ``path`` is the file concerned."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class StoreCorrupt(StoreError):
    """SQLite reports the file as damaged (not a database, or a malformed image)."""


class StoreUnreadable(StoreError):
    """The file exists but cannot be read (permissions or another I/O problem)."""


def data_dir() -> Path:
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("examprep", appauthor=False))


def default_path() -> Path:
    return data_dir() / FILE_NAME


def _is_corruption(exc: BaseException) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text


def _is_busy(exc: BaseException) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)
    return "locked" in str(exc).lower() or "busy" in str(exc).lower()


@dataclass(frozen=True)
class Attempt:
    """One graded part of a question."""

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
    seconds: float | None = None
    hints: int = 0
    self_score: float | None = None


@dataclass(frozen=True)
class QuestionRecord:
    """One question as the student finished it: the points as shown (hint penalties applied)."""

    session: str
    template_id: str
    topic: str
    seed: int
    points: float
    max_points: float
    seconds: float | None = None
    hints: int = 0
    mistakes: str = ""
    rating: int | None = None
    self_rating: int | None = None
    at: float | None = None  # seconds since the epoch (UTC); filled in from the clock when saved


@dataclass(frozen=True)
class SkillState:
    """The scheduler's state of one skill (a template): the FSRS card as JSON, and when it is due."""

    template_id: str
    topic: str
    card: str
    due: float
    last_review: float
    last_rating: int
    reviews: int = 1


T = TypeVar("T")


@dataclass
class Store:
    path: Path | None = None  # None: history.sqlite3 in the data directory
    readonly: bool = False

    def __post_init__(self) -> None:
        self.path = Path(self.path) if self.path is not None else default_path()
        self.conn = self._open()

    # -- opening -------------------------------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        exists = self.path.exists()
        if exists:
            try:
                with open(self.path, "rb") as handle:
                    handle.read(16)
            except PermissionError as exc:
                raise StoreUnreadable(self.path, f"permission denied ({exc.strerror})") from None
            except OSError as exc:
                raise StoreUnreadable(self.path, exc.strerror or str(exc)) from None
            if not self.readonly:
                self.readonly = not self._writable()
        else:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreUnreadable(self.path.parent, exc.strerror or str(exc)) from None
            if not os.access(self.path.parent, os.W_OK):
                raise StoreUnreadable(self.path.parent, "the folder cannot be written")
        if self.readonly:
            return self._open_readonly()
        try:
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        except sqlite3.DatabaseError as exc:
            raise self._translate(exc) from None

        def prepare() -> None:
            self._check(conn)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at REAL)")
            self._migrate(conn)

        try:
            # Two examprep processes starting at once on a new file: one sets WAL mode and migrates
            # while the other finds the file locked; it waits and tries again rather than giving up.
            self._retry(prepare)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise self._translate(exc) from None
        return conn

    def _open_readonly(self) -> sqlite3.Connection:
        """Read without writing anything. With a write-ahead log beside the file, SQLite reads both
        (it needs its shared-memory file for that); where that fails, read the file as it is."""
        uri = self.path.resolve().as_uri()
        last: sqlite3.DatabaseError | None = None
        has_wal = self.path.with_name(self.path.name + "-wal").exists()
        # without a write-ahead log everything is in the file itself: read it as it is, creating nothing
        for options in ("mode=ro", "mode=ro&immutable=1") if has_wal else ("mode=ro&immutable=1",):
            try:
                conn = sqlite3.connect(f"{uri}?{options}", uri=True, timeout=10)
            except sqlite3.DatabaseError as exc:
                last = exc
                continue
            try:
                self._check(conn)
                return conn
            except sqlite3.DatabaseError as exc:
                conn.close()
                if _is_corruption(exc):
                    raise self._translate(exc) from None
                last = exc
            except StoreError:
                conn.close()
                raise
        assert last is not None
        raise self._translate(last)

    def _writable(self) -> bool:
        """Whether the file (and its folder, for the WAL files) can be written."""
        try:
            with open(self.path, "r+b"):
                pass
        except OSError:
            return False
        return os.access(self.path.parent, os.W_OK)

    def _check(self, conn: sqlite3.Connection) -> None:
        rows = conn.execute("PRAGMA quick_check").fetchall()
        if rows != [("ok",)]:
            raise StoreCorrupt(self.path, "; ".join(str(r[0]) for r in rows[:3]))

    def _translate(self, exc: sqlite3.DatabaseError) -> StoreError:
        if isinstance(exc, StoreError):
            return exc
        if _is_corruption(exc):
            return StoreCorrupt(self.path, str(exc))
        return StoreUnreadable(self.path, str(exc))

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
                    conn.execute("INSERT INTO schema_migrations VALUES (?, ?)", (version, clock.now().timestamp()))
                conn.execute("COMMIT")
            except Exception:
                conn.execute("ROLLBACK")
                raise

    # -- guarded access --------------------------------------------------------------------
    @staticmethod
    def _retry(action: Callable[[], T], attempts: int = 20) -> T:
        """Run a write, retrying when another process still holds the write lock (on top of
        SQLite's own busy timeout; backing off up to a second, about 15 s in all)."""
        for attempt in range(attempts):
            try:
                return action()
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or attempt == attempts - 1:
                    raise
                time.sleep(min(1.0, 0.05 * 2**attempt))
        raise AssertionError("unreachable")

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.DatabaseError as exc:
            raise self._translate(exc) from None

    def _write(self, sql: str, values: tuple) -> int:
        """Run one write in its own transaction; returns the new row's id (0 when read-only)."""
        if self.readonly:
            return 0

        def run() -> int:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                cursor = self.conn.execute(sql, values)
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
            return int(cursor.lastrowid or 0)

        with self._guard():
            return self._retry(run)

    def _read(self, sql: str, values: tuple = ()) -> list[tuple]:
        with self._guard():
            return self.conn.execute(sql, values).fetchall()

    # -- attempts, questions, sessions --------------------------------------------------------
    def record(self, attempt: Attempt) -> int:
        """Store one graded attempt; returns its row id (0 when the history is read-only)."""
        return self._write(
            "INSERT INTO attempts (at, session, template_id, topic, seed, part_id, status, points, max_points,"
            " answer, mistakes, seconds, hints, self_score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                clock.now().timestamp(),
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
                attempt.seconds,
                attempt.hints,
                attempt.self_score,
            ),
        )

    def set_self_score(self, row_id: int, score: float | None) -> None:
        """The student's own score for an attempt already stored; the automatic score stays."""
        if row_id:
            self._write("UPDATE attempts SET self_score = ? WHERE id = ?", (score, row_id))

    def attempts(self, session: str | None = None) -> list[Attempt]:
        sql = (
            "SELECT session, template_id, topic, seed, part_id, status, points, max_points, answer, mistakes,"
            " seconds, hints, self_score FROM attempts"
        )
        rows = self._read(
            sql + (" WHERE session = ?" if session else "") + " ORDER BY id", (session,) if session else ()
        )
        return [Attempt(*row) for row in rows]

    def attempt_rows(self) -> list[dict[str, object]]:
        """Every attempt with every column (for export), oldest first."""
        with self._guard():
            cursor = self.conn.execute("SELECT * FROM attempts ORDER BY id")
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]

    def record_question(self, record: QuestionRecord) -> None:
        self._write(
            "INSERT INTO questions (at, session, template_id, topic, seed, seconds, hints, points, max_points,"
            " mistakes, rating, self_rating) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.at if record.at is not None else clock.now().timestamp(),
                record.session,
                record.template_id,
                record.topic,
                record.seed,
                record.seconds,
                record.hints,
                record.points,
                record.max_points,
                record.mistakes,
                record.rating,
                record.self_rating,
            ),
        )

    def questions(
        self, topic: str | None = None, session: str | None = None, template_id: str | None = None
    ) -> list[QuestionRecord]:
        where, values = [], []
        if template_id:
            where.append("template_id = ?")
            values.append(template_id)
        if topic:
            where.append("topic = ?")
            values.append(topic)
        if session:
            where.append("session = ?")
            values.append(session)
        sql = (
            "SELECT session, template_id, topic, seed, points, max_points, seconds, hints, mistakes, rating,"
            " self_rating, at FROM questions" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
        )
        return [QuestionRecord(*row) for row in self._read(sql, tuple(values))]

    def start_session(self, session_id: str, kind: str, args: str = "") -> None:
        self._write(
            "INSERT OR IGNORE INTO sessions (id, kind, started_at, args) VALUES (?, ?, ?, ?)",
            (session_id, kind, clock.now().timestamp(), args),
        )

    def end_session(self, session_id: str) -> None:
        self._write("UPDATE sessions SET ended_at = ? WHERE id = ?", (clock.now().timestamp(), session_id))

    def sessions(self) -> list[tuple[str, str, float, float | None]]:
        return [tuple(r) for r in self._read("SELECT id, kind, started_at, ended_at FROM sessions ORDER BY started_at")]

    # -- scheduler state -------------------------------------------------------------------
    def skill(self, template_id: str) -> SkillState | None:
        rows = self._read(
            "SELECT template_id, topic, card, due, last_review, last_rating, reviews FROM skills WHERE template_id = ?",
            (template_id,),
        )
        return SkillState(*rows[0]) if rows else None

    def skills(self, topic: str | None = None) -> list[SkillState]:
        sql = "SELECT template_id, topic, card, due, last_review, last_rating, reviews FROM skills"
        rows = self._read(sql + (" WHERE topic = ?" if topic else "") + " ORDER BY due", (topic,) if topic else ())
        return [SkillState(*row) for row in rows]

    def save_skill(self, state: SkillState) -> None:
        self._write(
            "INSERT INTO skills (template_id, topic, card, due, last_review, last_rating, reviews)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(template_id) DO UPDATE SET topic = excluded.topic,"
            " card = excluded.card, due = excluded.due, last_review = excluded.last_review,"
            " last_rating = excluded.last_rating, reviews = excluded.reviews",
            (
                state.template_id,
                state.topic,
                state.card,
                state.due,
                state.last_review,
                state.last_rating,
                state.reviews,
            ),
        )

    # -- settings --------------------------------------------------------------------------
    def setting(self, key: str) -> str | None:
        rows = self._read("SELECT value FROM settings WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def set_setting(self, key: str, value: str) -> None:
        self._write(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def close(self) -> None:
        self.conn.close()


# -- repair ---------------------------------------------------------------------------------

TABLES = ("sessions", "attempts", "questions", "skills", "settings")


@dataclass(frozen=True)
class RepairReport:
    backup: Path
    recovered: dict[str, int]
    readable: bool  # False when not even the file's table list could be read


_REBUILD_SESSIONS = (
    "INSERT OR IGNORE INTO sessions (id, kind, started_at, ended_at)"
    " SELECT session, 'drill', MIN(at), MAX(at) FROM attempts GROUP BY session"
)

_REBUILD_LOST_QUESTIONS = (
    "INSERT INTO questions (at, session, template_id, topic, seed, points, max_points, mistakes, seconds, hints)"
    " SELECT MAX(at), session, template_id, topic, seed, SUM(points), SUM(max_points),"
    " COALESCE(group_concat(NULLIF(mistakes, ''), ','), ''), SUM(seconds), 0 FROM attempts AS a"
    " WHERE NOT EXISTS (SELECT 1 FROM questions AS q WHERE q.session = a.session"
    " AND q.template_id = a.template_id AND q.seed = a.seed)"
    " GROUP BY session, template_id, seed HAVING MAX(hints) = 0 ORDER BY MIN(id)"
)


def _salvage_rows(source: sqlite3.Connection, table: str, columns: list[str]) -> Iterator[tuple]:
    """Rows of one table, in rowid order, stepping over damaged stretches instead of stopping."""
    select = f"SELECT rowid, {', '.join(columns)} FROM {table} WHERE rowid > ? ORDER BY rowid"  # noqa: S608 - names from sqlite_master
    last: int | None = None
    failures, jump = 0, 1
    while failures < 40:
        try:
            for row in source.execute(select, (-(2**63) if last is None else last,)):
                last = row[0]
                jump = 1
                yield row[1:]
            return
        except sqlite3.DatabaseError:
            failures += 1
            last = (0 if last is None else last) + jump
            jump = min(jump * 4, 2**32)


def repair(path: Path | None = None) -> RepairReport:
    """Keep the (damaged) history file as a backup and start a new one holding every row that can
    still be read from it. Safe on a healthy file too: it then copies everything."""
    path = Path(path or default_path())
    stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
    backup = path.with_name(f"{path.name}.damaged-{stamp}")
    number = 1
    while backup.exists():
        number += 1
        backup = path.with_name(f"{path.name}.damaged-{stamp}-{number}")
    path.rename(backup)
    for suffix in ("-wal", "-shm"):  # the write-ahead log belongs with the file it was written for
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(backup.with_name(backup.name + suffix))
    fresh = Store(path)
    with tempfile.TemporaryDirectory() as folder:
        return _copy_rows(_readable_copy(backup, Path(folder)), fresh, backup)


def _readable_copy(backup: Path, folder: Path) -> Path:
    """A copy of the damaged file that SQLite will open: a truncated file is padded back to the
    size its header states (the missing pages read as damaged, the others as they were)."""
    data = backup.read_bytes()
    if data[:16] == b"SQLite format 3\x00" and len(data) >= 100:
        page_size = int.from_bytes(data[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        pages = int.from_bytes(data[28:32], "big")
        if page_size and pages * page_size > len(data):
            data += bytes(pages * page_size - len(data))
    copy = folder / "salvage.sqlite3"
    copy.write_bytes(data)
    wal = backup.with_name(backup.name + "-wal")
    if wal.exists():
        shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
    return copy


def _copy_rows(copy: Path, fresh: Store, backup: Path) -> RepairReport:
    recovered = {table: 0 for table in TABLES}
    readable = True
    try:
        source = sqlite3.connect(copy)
        names = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError:
        readable = False
        names = set()
    for table in TABLES:
        if table not in names:
            continue
        try:
            old = [r[1] for r in source.execute(f"PRAGMA table_info({table})")]
        except sqlite3.DatabaseError:
            continue
        new = [r[1] for r in fresh.conn.execute(f"PRAGMA table_info({table})")]
        columns = [c for c in new if c in old]
        insert = f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608
        rows = list(_salvage_rows(source, table, columns))
        with fresh.conn:
            fresh.conn.execute("BEGIN IMMEDIATE")
            for row in rows:
                if any(isinstance(v, str) and "\x00" in v for v in row):
                    continue  # read from a damaged page: examprep never stores NUL characters
                try:
                    recovered[table] += fresh.conn.execute(insert, row).rowcount
                except sqlite3.IntegrityError:
                    continue
    with fresh.conn:
        fresh.conn.execute("BEGIN IMMEDIATE")
        if recovered["attempts"]:
            # questions whose own row was lost but whose graded parts survived, when no hint was
            # used (so the sum of the parts is exactly the points the student was shown)
            recovered["questions"] += fresh.conn.execute(_REBUILD_LOST_QUESTIONS).rowcount
            recovered["sessions"] += fresh.conn.execute(_REBUILD_SESSIONS).rowcount
    if readable:
        source.close()
    fresh.close()
    return RepairReport(backup, recovered, readable)
