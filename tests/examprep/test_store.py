"""History storage: migrations once, damaged files kept aside, concurrent writers."""

import sqlite3
import subprocess
import sys

from examprep.store import MIGRATIONS, Attempt, Store


def attempt(n=0):
    return Attempt("s", "cnn.x", "cnn", n, "size", "correct", 1.0, 1.0, "45x45x15")


def test_migrations_run_once(tmp_path):
    path = tmp_path / "h.sqlite3"
    Store(path).close()
    store = Store(path)
    versions = store.conn.execute("SELECT version FROM schema_migrations").fetchall()
    assert versions == [(v,) for v in range(1, len(MIGRATIONS) + 1)]  # each once, none twice


def test_attempts_round_trip(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    store.record(attempt(7))
    assert store.attempts("s") == [attempt(7)]


def test_corrupted_file_is_moved_aside_not_deleted(tmp_path):
    path = tmp_path / "h.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    store = Store(path)
    assert store.moved_aside is not None and store.moved_aside.read_bytes().startswith(b"this is not")
    store.record(attempt())
    assert len(store.attempts()) == 1


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / "h.sqlite3"
    Store(path).close()
    code = (
        "import sys; from examprep.store import Store, Attempt; s = Store(__import__('pathlib').Path(sys.argv[1]));"
        "[s.record(Attempt('p', 't', 'cnn', i, 'a', 'correct', 1, 1, '')) for i in range(100)]"
    )
    procs = [subprocess.Popen([sys.executable, "-c", code, str(path)]) for _ in range(2)]
    assert all(p.wait(timeout=60) == 0 for p in procs)
    count = sqlite3.connect(path).execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
    assert count == 200
