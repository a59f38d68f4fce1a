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
    assert versions == [(v,) for v in range(1, len(MIGRATIONS) + 1)]


def test_self_score_is_kept_beside_the_automatic_score(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    row = store.record(Attempt("s", "rl.concept.x", "rl", 1, "text", "partial", 4.0, 10.0, "my answer"))
    assert store.attempts("s")[0].self_score is None
    store.set_self_score(row, 7.5)
    (saved,) = store.attempts("s")
    assert saved.self_score == 7.5 and saved.points == 4.0


def test_a_history_from_before_self_scores_is_upgraded_in_place(tmp_path):
    path = tmp_path / "h.sqlite3"
    conn = sqlite3.connect(path)  # the schema as version 1 left it, with one attempt in it
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at REAL)")
    conn.executescript(MIGRATIONS[0])
    conn.execute("INSERT INTO schema_migrations VALUES (1, 0)")
    conn.execute(
        "INSERT INTO attempts (at, session, template_id, topic, seed, part_id, status, points, max_points, answer)"
        " VALUES (0, 's', 'cnn.x', 'cnn', 1, 'size', 'correct', 1, 1, '45x45x15')"
    )
    conn.commit()
    conn.close()
    (old,) = Store(path).attempts()
    assert old.answer == "45x45x15" and old.self_score is None


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
