"""History storage: migrations, upgrades, damaged, read-only and unreadable files, concurrent writers."""

import builtins
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from examprep.store import (
    MIGRATIONS,
    Attempt,
    QuestionRecord,
    Store,
    StoreCorrupt,
    StoreUnreadable,
    repair,
)

FIXTURES = Path(__file__).parent / "fixtures"


def attempt(n=0, session="s"):
    return Attempt(session, "cnn.x", "cnn", n, "size", "correct", 1.0, 1.0, "45x45x15", seconds=3.5, hints=1)


def filled(path: Path, count: int) -> None:
    store = Store(path)
    for i in range(count):
        store.record(attempt(i, session=f"s{i // 10}"))
    store.close()


def test_migrations_run_once_and_are_recorded(tmp_path):
    path = tmp_path / "h.sqlite3"
    Store(path).close()
    store = Store(path)
    versions = [v for (v,) in store.conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
    assert versions == list(range(1, len(MIGRATIONS) + 1))


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


def test_attempts_round_trip_with_time_and_hints(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    store.record(attempt(7))
    (saved,) = store.attempts("s")
    assert saved == attempt(7) and saved.seconds == 3.5 and saved.hints == 1 and saved.self_score is None


def test_first_schema_version_upgrades_in_place(tmp_path):
    path = tmp_path / "h.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript((FIXTURES / "history_v1.sql").read_text())
    conn.close()
    store = Store(path)
    # every old attempt kept, new columns empty
    attempts = store.attempts()
    assert len(attempts) == 5 and all(a.seconds is None and a.hints == 0 for a in attempts)
    # questions rebuilt from the parts: by hand from the fixture, 5+0, 4, 0+0 out of 10, 4, 10
    questions = store.questions()
    assert [(q.template_id, q.points, q.max_points) for q in questions] == [
        ("cnn.exam2020.q1", 5, 10),
        ("optim.sgd.one-step", 4, 4),
        ("cnn.exam2020.q1", 0, 10),
    ]
    assert questions[0].mistakes == "no_bias" and questions[2].mistakes == "no_floor"
    assert {s[0] for s in store.sessions()} == {"aaaa", "bbbb"}
    # and it keeps working
    store.record(attempt(1))
    assert len(store.attempts()) == 6


def test_garbage_file_is_reported_corrupt_and_not_renamed(tmp_path):
    path = tmp_path / "h.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreCorrupt) as caught:
        Store(path)
    assert caught.value.path == path and "not a database" in caught.value.reason
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.sqlite3"]


def test_repair_keeps_the_damaged_file_and_starts_a_new_one(tmp_path):
    path = tmp_path / "h.sqlite3"
    damaged = b"this is not a database" * 100
    path.write_bytes(damaged)
    report = repair(path)
    assert report.backup.read_bytes() == damaged and not report.readable
    store = Store(path)
    store.record(attempt())
    assert len(store.attempts()) == 1


def test_truncated_file_is_reported_and_repair_recovers_what_can_be_read(tmp_path):
    path = tmp_path / "h.sqlite3"
    filled(path, 400)
    original = [tuple(r) for r in sqlite3.connect(path).execute("SELECT id, seed, session FROM attempts")]
    size = path.stat().st_size
    cut = size - 3 * 4096  # the last three pages lost (an interrupted copy); early pages hold the schema
    with open(path, "r+b") as handle:
        handle.truncate(cut)
    with pytest.raises(StoreCorrupt):
        Store(path)
    report = repair(path)
    assert report.backup.stat().st_size == cut
    store = Store(path)
    recovered = [tuple(r) for r in store.conn.execute("SELECT id, seed, session FROM attempts")]
    # something, not everything, and every row recovered is exactly an original row
    assert 0 < len(recovered) < len(original)
    assert set(recovered) <= set(original)
    assert report.recovered["attempts"] == len(recovered)


def test_repair_of_a_healthy_file_copies_everything(tmp_path):
    path = tmp_path / "h.sqlite3"
    filled(path, 30)
    before = Store(path).attempts()
    report = repair(path)
    assert report.recovered["attempts"] == 30 and Store(path).attempts() == before
    # sessions s0, s1, s2 were only named by their attempts: filed from them
    assert report.recovered["sessions"] == 3


def _deny(monkeypatch, path: Path, modes: set[str]) -> None:
    """Make builtins.open refuse ``path`` in the given modes, as chmod would for a normal user
    (the tests run as root, where chmod stops nothing)."""
    real_open = builtins.open

    def fake_open(file, mode="r", *args, **kwargs):
        if Path(file) == path and mode in modes:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", fake_open)


def test_read_only_file_opens_read_only_and_writes_nothing(tmp_path, monkeypatch):
    path = tmp_path / "h.sqlite3"
    filled(path, 3)
    before = path.read_bytes()
    _deny(monkeypatch, path, {"r+b"})
    store = Store(path)
    assert store.readonly
    assert len(store.attempts()) == 3  # still readable
    store.record(attempt(99))
    store.close()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.sqlite3"]


def test_unreadable_file_names_the_file_and_the_permission_problem(tmp_path, monkeypatch):
    path = tmp_path / "h.sqlite3"
    filled(path, 3)
    _deny(monkeypatch, path, {"rb", "r+b"})
    with pytest.raises(StoreUnreadable) as caught:
        Store(path)
    assert caught.value.path == path and "permission denied" in caught.value.reason.lower()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.sqlite3"]


def _drop():
    os.setgid(65534)
    os.setuid(65534)


ROOT = Path(__file__).resolve().parents[2]


def _python_for_nobody() -> str | None:
    """An interpreter the unprivileged user 'nobody' can run examprep.store with (this one may
    live under /root), or None. Only root can drop privileges."""
    if not (hasattr(os, "geteuid") and os.geteuid() == 0):
        return None
    for python in (sys.executable, "/usr/bin/python3"):
        try:
            done = subprocess.run(
                [python, "-c", "import examprep.store"],
                preexec_fn=_drop,
                capture_output=True,
                timeout=60,
                env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                cwd="/",
            )
        except OSError:
            continue
        if done.returncode == 0:
            return python
    return None


NOBODY_PYTHON = _python_for_nobody()
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


PROBE = """
import sys
from pathlib import Path
from examprep.store import Store, StoreUnreadable
try:
    store = Store(Path(sys.argv[1]))
except StoreUnreadable as exc:
    print("unreadable", exc.reason)
else:
    print("readonly" if store.readonly else "writable", len(store.attempts()))
"""


def _probe_as_nobody(path: Path) -> str:
    done = subprocess.run(
        [NOBODY_PYTHON, "-c", PROBE, str(path)],
        preexec_fn=_drop,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        cwd="/",
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.skipif(
    NOBODY_PYTHON is None, reason="needs root, and this Python must be usable by the unprivileged user 'nobody'"
)
@pytest.mark.parametrize(("mode", "expected"), [(0o444, "readonly 3"), (0o000, "unreadable")])
def test_real_permissions_as_an_unprivileged_user(mode, expected):
    folder = Path(tempfile.mkdtemp(prefix="examprep-perm-"))
    try:
        folder.chmod(0o777)
        path = folder / "h.sqlite3"
        filled(path, 3)
        path.chmod(mode)
        assert _probe_as_nobody(path).startswith(expected)
        assert sorted(p.name for p in folder.iterdir()) == ["h.sqlite3"]
    finally:
        for child in folder.iterdir():
            child.unlink()
        folder.rmdir()


@pytest.mark.skipif(IS_ROOT, reason="root reads any file whatever its mode (see the two tests above)")
def test_real_permissions_without_root(tmp_path):
    path = tmp_path / "h.sqlite3"
    filled(path, 3)
    path.chmod(0o000)
    try:
        with pytest.raises(StoreUnreadable):
            Store(path)
    finally:
        path.chmod(0o644)


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


def test_question_records_round_trip(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    record = QuestionRecord("s", "cnn.x", "cnn", 3, 1.75, 5, seconds=12.5, hints=1, rating=2, self_rating=3, at=1e9)
    store.record_question(record)
    assert store.questions() == [record]
    assert store.questions(topic="optim") == []


def test_repair_rebuilds_lost_question_rows_from_their_parts(tmp_path):
    path = tmp_path / "h.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript((FIXTURES / "history_v1.sql").read_text())  # no questions table at all
    conn.close()
    report = repair(path)
    store = Store(path)
    # the same three questions the upgrade builds, by hand: 5/10, 4/4, 0/10
    assert [(q.template_id, q.points, q.max_points) for q in store.questions()] == [
        ("cnn.exam2020.q1", 5, 10),
        ("optim.sgd.one-step", 4, 4),
        ("cnn.exam2020.q1", 0, 10),
    ]
    assert report.recovered["attempts"] == 5 and report.recovered["questions"] == 3


def test_repair_does_not_rebuild_a_question_with_hints(tmp_path):
    path = tmp_path / "h.sqlite3"
    store = Store(path)
    store.record(Attempt("s", "cnn.x", "cnn", 1, "a", "correct", 5, 5, "1", hints=1))
    store.conn.execute("DELETE FROM questions")
    store.close()
    repair(path)
    assert Store(path).questions() == []  # its shown points (after the hint penalty) are unknown
