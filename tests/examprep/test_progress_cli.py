"""review, stats, plan, history and export from the command line, with the clock fixed."""

import builtins
import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from examprep.cli import app

runner = CliRunner()
RIGHT = "45x45x15\n3660\n"  # 2020 exam Q1: ⌊(97 − 9)/2⌋ + 1 = 45; 15·3·9·9 + 15 = 3660
WRONG = "44x44x15\n3645\n"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch, utc_days):
    monkeypatch.setenv("EXAMPREP_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("EXAMPREP_NOW", "2026-12-01T09:00:00+00:00")
    monkeypatch.delenv("EXAMPREP_LANG", raising=False)
    monkeypatch.delenv("EXAMPREP_BANK", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")


def home(tmp_path) -> Path:
    return tmp_path / "home"


def drill_q1(answers: str, *extra: str):
    return runner.invoke(app, ["drill", "cnn.exam2020.q1", "-n", "1", "--seed", "1", *extra], input=answers)


def stats_json() -> dict:
    result = runner.invoke(app, ["stats", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_drill_shows_up_in_stats():
    assert stats_json()["attempts"] == 0
    assert drill_q1(WRONG).exit_code == 0
    data = stats_json()
    assert data["attempts"] == 1 and data["streak"] == 1
    assert data["topics"] == [{"topic": "cnn", "attempts": 1, "accuracy": 0.0}]
    assert data["mistakes"][0]["count"] == 1
    text = runner.invoke(app, ["stats"]).stdout
    assert "cnn.exam2020.q1" in text and "Streak: 1" in text


def test_wrong_answer_is_reviewed_first_and_sooner(monkeypatch):
    drill_q1(WRONG)
    runner.invoke(app, ["drill", "cnn.lenet5.c3", "-n", "1", "--seed", "1"], input="skip\n")
    monkeypatch.setenv("EXAMPREP_NOW", "2026-12-02T10:00:00+00:00")  # the next day: both are due
    due = json.loads(runner.invoke(app, ["review", "--list", "--json"]).stdout)
    assert [d["template_id"] for d in due] == ["cnn.exam2020.q1", "cnn.lenet5.c3"]
    assert set(due[0]) >= {"template_id", "topic", "due"}
    result = runner.invoke(app, ["review", "-n", "1"], input=RIGHT)
    assert result.exit_code == 0 and "10/10" in result.stdout
    due = json.loads(runner.invoke(app, ["review", "--list", "--json"]).stdout)
    assert [d["template_id"] for d in due] == ["cnn.lenet5.c3"]


def test_review_with_nothing_due():
    result = runner.invoke(app, ["review"])
    assert result.exit_code == 0 and "Nothing to review yet" in result.stdout
    drill_q1(RIGHT)
    result = runner.invoke(app, ["review", "--list"])
    assert result.exit_code == 0 and "Next one: 2026-12-03" in result.stdout


def test_drill_takes_template_ids_and_topics_and_rejects_unknown_names():
    result = runner.invoke(app, ["drill", "cnn.exam2020.q1", "rl", "-n", "2", "--seed", "3"], input="skip\nskip\n")
    assert result.exit_code == 0
    assert "examprep drill cnn.exam2020.q1 rl -n 2 --seed 3" in result.stdout
    result = runner.invoke(app, ["drill", "cnn", "no-such-thing"], input="")
    assert result.exit_code == 2 and "no-such-thing" in result.output


def test_drill_without_topic_starts_with_the_weakest():
    result = runner.invoke(app, ["drill", "-n", "1", "--seed", "2"], input="skip\n")
    assert result.exit_code == 0 and "weakest topics" in result.stdout


def test_a_week_of_practice_then_stats_and_plan(monkeypatch):
    for day in range(1, 8):
        monkeypatch.setenv("EXAMPREP_NOW", f"2026-12-{day:02d}T09:00:00+00:00")
        assert drill_q1(RIGHT if day % 2 else WRONG).exit_code == 0
        assert runner.invoke(app, ["drill", "rl", "-n", "1", "--seed", str(day)], input="skip\n").exit_code == 0
    data = stats_json()
    assert data["attempts"] == 14 and data["streak"] == 7
    # cnn: four right (days 1, 3, 5, 7) of seven, each 10 points: 40/70
    cnn = next(t for t in data["topics"] if t["topic"] == "cnn")
    assert cnn == {"topic": "cnn", "attempts": 7, "accuracy": round(40 / 70, 4)}
    result = runner.invoke(app, ["plan", "--exam-date", "2026-12-20", "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert plan["exam_date"] == "2026-12-20" and len(plan["days"]) == 13
    topics = {t for d in plan["days"] for t in d["topics"]}
    bank_topics = json.loads(runner.invoke(app, ["bank", "list", "--json"]).stdout)
    assert topics == {t["topic"] for t in bank_topics}
    # saved: the plan works without the date now, and rl (0 %) comes before cnn (57 %)
    result = runner.invoke(app, ["plan"])
    assert result.exit_code == 0 and "2026-12-20" in result.stdout
    order = [t for d in plan["days"] for t in d["topics"]]
    assert order.index("rl") < order.index("cnn")


def test_plan_needs_a_date_in_the_future():
    assert runner.invoke(app, ["plan"]).exit_code == 2
    assert runner.invoke(app, ["plan", "--exam-date", "2026-11-30"]).exit_code == 2
    result = runner.invoke(app, ["plan", "--exam-date", "next week"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_history_export_csv_and_json(tmp_path):
    drill_q1(WRONG)
    drill_q1(RIGHT)
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["history", "export", "--format", "csv"]).stdout)))
    assert [(r["part_id"], r["status"], r["points"]) for r in rows] == [
        ("size", "wrong", "0.0"),
        ("params", "wrong", "0.0"),
        ("size", "correct", "5.0"),
        ("params", "correct", "5.0"),
    ]
    assert rows[0]["at"] == "2026-12-01T09:00:00+00:00" and {"seconds", "hints"} <= set(rows[0])
    out = tmp_path / "h.json"
    assert runner.invoke(app, ["history", "export", "--format", "json", "-o", str(out)]).exit_code == 0
    assert len(json.loads(out.read_text())) == 4
    assert runner.invoke(app, ["history", "export", "--format", "xml"]).exit_code == 2


def test_truncated_history_gives_a_clear_message_and_repair_recovers(tmp_path):
    from examprep.store import Attempt, QuestionRecord, Store

    store = Store()  # a history of 120 questions, written as a drill writes them
    for n in range(120):
        for part in ("size", "params"):
            store.record(Attempt(f"s{n // 3}", "cnn.exam2020.q1", "cnn", n, part, "correct", 5, 5, "x", seconds=4))
        store.record_question(QuestionRecord(f"s{n // 3}", "cnn.exam2020.q1", "cnn", n, 10, 10, seconds=8))
    store.close()
    path = home(tmp_path) / "history.sqlite3"
    before = sqlite3.connect(path).execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        handle.truncate(size * 3 // 4)
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 1 and "damaged" in result.output and "examprep history repair" in result.output
    assert sorted(p.name for p in home(tmp_path).iterdir()) == ["history.sqlite3"]
    result = runner.invoke(app, ["history", "repair"])
    assert result.exit_code == 0 and "kept as" in result.stdout
    backups = list(home(tmp_path).glob("history.sqlite3.damaged-*"))
    assert len(backups) == 1 and backups[0].stat().st_size == size * 3 // 4
    after = sqlite3.connect(path).execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
    assert 0 < after < before
    assert runner.invoke(app, ["stats", "--json"]).exit_code == 0


def test_damaged_history_is_repaired_by_a_drill_and_practice_goes_on(tmp_path):
    home(tmp_path).mkdir()
    (home(tmp_path) / "history.sqlite3").write_bytes(b"not a database" * 100)
    result = drill_q1(RIGHT)
    assert result.exit_code == 0 and "10/10" in result.stdout and "kept as" in result.stdout
    assert stats_json()["attempts"] == 1


def _deny(monkeypatch, path: Path, modes: set[str]) -> None:
    """builtins.open refuses the file in these modes, as chmod does for a normal user (tests run as root)."""
    real_open = builtins.open

    def fake_open(file, mode="r", *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and Path(file) == path and mode in modes:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", fake_open)


def test_read_only_history_practice_goes_on_unsaved(tmp_path, monkeypatch):
    drill_q1(WRONG)
    path = home(tmp_path) / "history.sqlite3"
    before = path.read_bytes()
    _deny(monkeypatch, path, {"r+b"})
    result = drill_q1(RIGHT)
    flat = " ".join(result.stdout.split())  # rich wraps long lines
    assert result.exit_code == 0 and "10/10" in flat
    assert flat.count("not saved") == 1 and str(path) in flat
    assert path.read_bytes() == before
    assert sorted(p.name for p in home(tmp_path).iterdir()) == ["history.sqlite3"]
    assert stats_json()["attempts"] == 1  # still readable


def test_unreadable_history_names_the_file_and_the_permission_problem(tmp_path, monkeypatch):
    drill_q1(WRONG)
    path = home(tmp_path) / "history.sqlite3"
    _deny(monkeypatch, path, {"rb", "r+b"})
    result = drill_q1(RIGHT)
    flat = " ".join(result.stdout.split())  # rich wraps long lines
    assert result.exit_code == 0 and "10/10" in flat
    assert str(path) in flat and "ermission" in flat and "not saved" in flat
    result = runner.invoke(app, ["stats"])
    flat = " ".join(result.output.split())
    assert result.exit_code == 1 and str(path) in flat and "chmod" in flat
    assert sorted(p.name for p in home(tmp_path).iterdir()) == ["history.sqlite3"]


def test_bad_clock_is_a_usage_error(monkeypatch):
    monkeypatch.setenv("EXAMPREP_NOW", "yesterday")
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 2 and "EXAMPREP_NOW" in result.output


def test_progress_screens_in_chinese():
    drill_q1(WRONG, "--lang", "zh")
    assert "各主题进度" in runner.invoke(app, ["stats", "--lang", "zh"]).stdout
    result = runner.invoke(app, ["plan", "--exam-date", "2026-12-10", "--lang", "zh"])
    assert result.exit_code == 0 and "考试日期已保存" in result.stdout


def test_anki_export_command_is_repeatable(tmp_path):
    first, second = tmp_path / "a.apkg", tmp_path / "b.apkg"
    for out in (first, second):
        result = runner.invoke(app, ["export", "anki", "-o", str(out), "--topic", "cnn", "--lang", "en"])
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()
    assert runner.invoke(app, ["export", "anki", "--lang", "fr", "-o", str(first)]).exit_code == 2
    assert runner.invoke(app, ["export", "anki", "--topic", "nope", "-o", str(first)]).exit_code == 2


def test_two_processes_drilling_at_once_store_every_attempt(tmp_path):
    env = dict(os.environ, EXAMPREP_HOME=str(home(tmp_path)))
    count = 25
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "examprep", "drill", "cnn", "--kind", "calc", "-n", str(count), "--seed", str(seed)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
        )
        for seed in (1, 2)
    ]
    for proc in procs:  # both running before either gets its answers
        proc.stdin.write(b"skip\n" * count)
        proc.stdin.close()
    for proc in procs:
        assert proc.wait(timeout=120) == 0, proc.stderr.read().decode()
    conn = sqlite3.connect(home(tmp_path) / "history.sqlite3")
    assert conn.execute("SELECT COUNT(*) FROM questions").fetchone()[0] == 2 * count
    assert conn.execute("SELECT COUNT(DISTINCT session) FROM attempts").fetchone()[0] == 2
    # every question has as many stored parts as its template has parts
    per_question = conn.execute("SELECT template_id, COUNT(*) FROM attempts GROUP BY session, seed").fetchall()
    from examprep.bank.loader import load_bank

    bank = load_bank()
    assert all(n == len(bank.get(t).parts) for t, n in per_question)
