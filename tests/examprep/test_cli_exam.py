"""``examprep mock-exam`` from the command line, as a student would use it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from typer.testing import CliRunner

from examprep.bank.loader import load_bank
from examprep.bank.papers import load_blueprints, plan_paper
from examprep.cli import app
from examprep.grading.parse import show_value
from examprep.session.exam_paper import build_paper
from examprep.session.exam_store import iso, parse_time

runner = CliRunner()
T0 = "2026-06-20T08:00:00+00:00"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("EXAMPREP_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("EXAMPREP_NOW", T0)
    monkeypatch.delenv("EXAMPREP_LANG", raising=False)
    monkeypatch.delenv("EXAMPREP_BANK", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")


def attempts():
    result = runner.invoke(app, ["mock-exam", "--attempts", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_list_papers_in_both_languages():
    en = runner.invoke(app, ["mock-exam", "--list"])
    zh = runner.invoke(app, ["mock-exam", "--list", "--lang", "zh"])
    assert en.exit_code == zh.exit_code == 0
    assert "default" in en.stdout and "2020" in en.stdout and "cnn-attention" in en.stdout
    assert "模拟试卷" in zh.stdout


def test_attempts_json_keys_and_states(bank2020_file):
    assert attempts() == []
    start = runner.invoke(app, ["mock-exam", "--paper", "rl", "--seed", "4"], input="")
    assert start.exit_code == 0 and "--resume" in start.stdout
    [row] = attempts()
    assert {"id", "paper", "seed", "state", "started", "deadline", "answered", "score"} <= set(row)
    assert row["paper"] == "rl" and row["seed"] == 4 and row["state"] == "in_progress" and row["answered"] == 0
    assert parse_time(row["deadline"]) - parse_time(row["started"]) == timedelta(minutes=45)
    assert row["score"] is None


def test_one_attempt_at_a_time_and_abandon():
    runner.invoke(app, ["mock-exam", "--paper", "rl", "--seed", "4"], input="")
    second = runner.invoke(app, ["mock-exam", "--paper", "optim"], input="")
    assert second.exit_code == 1 and "--resume" in second.stderr
    assert runner.invoke(app, ["mock-exam", "--abandon"]).exit_code == 0
    assert [a["state"] for a in attempts()] == ["abandoned"]
    again = runner.invoke(app, ["mock-exam", "--resume"])
    assert again.exit_code == 1 and "no unfinished attempt" in again.stderr


def first_part(name: str, seed: int):
    bank = load_bank()
    paper = build_paper(plan_paper(load_blueprints()[name], bank, seed), bank)
    part = paper.parts[0]
    return part, show_value(part.part.type, paper.item_of(part).question.expected(part.part))


def test_the_deadline_passed_while_away(monkeypatch):
    part, right = first_part("rl", 4)
    first = runner.invoke(app, ["mock-exam", "--paper", "rl", "--seed", "4"], input=right + "\n")
    assert first.exit_code == 0
    assert attempts()[0]["answered"] == 1 and attempts()[0]["answered_keys"] == [part.key]
    monkeypatch.setenv("EXAMPREP_NOW", iso(parse_time(T0) + timedelta(hours=3)))
    resumed = runner.invoke(app, ["mock-exam", "--resume"], input="never read\n")
    assert resumed.exit_code == 0
    assert "passed while you were away" in resumed.stdout and "Report" in resumed.stdout
    [row] = attempts()
    assert row["state"] == "finished" and row["score"] == pytest.approx(part.points)  # the one right answer


def test_minutes_option_sets_the_deadline():
    runner.invoke(app, ["mock-exam", "--paper", "rnn", "--seed", "2", "--minutes", "15"], input="")
    row = attempts()[0]
    assert parse_time(row["deadline"]) - parse_time(row["started"]) == timedelta(minutes=15)


def test_resume_after_kill_minus_nine(tmp_path):
    """A real process, killed with SIGKILL after one answer: nothing entered is lost."""
    part, right = first_part("rl", 4)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "examprep", "mock-exam", "--paper", "rl", "--seed", "4"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        proc.stdin.write((right + "\n").encode())
        proc.stdin.flush()  # the pipe stays open: the process waits at the next prompt
        db = tmp_path / "home" / "history.sqlite3"
        deadline = time.monotonic() + 30
        rows: list = []
        while time.monotonic() < deadline and not rows:
            time.sleep(0.1)
            if db.exists():
                try:
                    with sqlite3.connect(db) as conn:
                        rows = conn.execute("SELECT key, answer FROM exam_answers").fetchall()
                except sqlite3.OperationalError:
                    rows = []
        assert rows == [(part.key, right)]
    finally:
        proc.kill()
        proc.wait(timeout=10)
    assert proc.returncode == -9
    [row] = attempts()
    assert row["state"] == "in_progress" and row["answered"] == 1
    resumed = runner.invoke(app, ["mock-exam", "--resume"], input="submit\n")
    assert resumed.exit_code == 0 and "Resuming attempt 1" in resumed.stdout
    [row] = attempts()
    assert row["state"] == "finished" and row["score"] == pytest.approx(part.points)


def test_sheet_then_answers_for_the_2020_paper(tmp_path, bank2020_file):
    sheet = runner.invoke(app, ["mock-exam", "--paper", "2020", "--sheet", "--bank", str(bank2020_file)])
    assert sheet.exit_code == 0
    filled = sheet.stdout.replace('q1.a: ""', "q1.a: 45x45x15").replace('q1.b: ""', "q1.b: 3660")
    path = tmp_path / "answers.yaml"
    path.write_text(filled, encoding="utf-8")
    result = runner.invoke(app, ["mock-exam", "--answers", str(path), "--json", "--bank", str(bank2020_file)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["max"] == 100 and data["total"] == 10
    parts = {p["key"]: p for p in data["parts"]}
    assert {"key", "score", "max", "expected", "feedback"} <= set(parts["q1.a"])
    assert parts["q1.a"]["score"] == parts["q1.b"]["score"] == 5
    assert "q8" in data["missing"]
    path.write_text(filled.replace("q1.b: 3660", "q1.b: 3645"), encoding="utf-8")
    result = runner.invoke(
        app, ["mock-exam", "--answers", str(path), "--json", "--bank", str(bank2020_file), "--lang", "zh"]
    )
    q1b = {p["key"]: p for p in json.loads(result.stdout)["parts"]}["q1.b"]
    assert q1b["score"] == 0 and q1b["expected"] == "3660" and any("偏置" in f for f in q1b["feedback"])
    assert [a["state"] for a in attempts()] == ["finished", "finished"]  # both gradings are in the history


def test_sheet_problems_name_the_key(tmp_path, bank2020_file):
    path = tmp_path / "answers.yaml"
    path.write_text('paper: "2020"\nq1.a: 45 by 45\nq12: x\n', encoding="utf-8")
    result = runner.invoke(app, ["mock-exam", "--answers", str(path), "--bank", str(bank2020_file)])
    assert result.exit_code == 1
    assert "q1.a:" in result.stderr and "q12:" in result.stderr
    missing = runner.invoke(app, ["mock-exam", "--answers", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 1 and "nope.yaml" in missing.stderr


def test_report_text_in_chinese(tmp_path, bank2020_file):
    path = tmp_path / "answers.yaml"
    path.write_text('paper: "2020"\nq1.a: 45x45x15\nq1.b: "3645"\n', encoding="utf-8")
    result = runner.invoke(app, ["mock-exam", "--answers", str(path), "--bank", str(bank2020_file), "--lang", "zh"])
    assert result.exit_code == 0
    assert "成绩报告" in result.stdout and "5 / 100" in result.stdout and "最薄弱的主题" in result.stdout
    assert "examprep drill" in result.stdout


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_export_html_and_markdown_with_a_separate_key(tmp_path, lang, bank2020_file):
    out = tmp_path / "paper.html"
    result = runner.invoke(
        app,
        [
            "mock-exam",
            "--paper",
            "2020",
            "--export",
            str(out),
            "--with-solutions",
            "--lang",
            lang,
            "--bank",
            str(bank2020_file),
        ],
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    key = (tmp_path / "paper-key.html").read_text(encoding="utf-8")
    assert "size: A4" in html and "break-inside: avoid" in html and 'class="answer"' in html
    assert ("Student number" if lang == "en" else "学号") in html
    assert html.count('<section class="question">') == 8
    assert "3660" not in html and "3660" in key and 'class="answer"' not in key
    md = tmp_path / "paper.md"
    assert (
        runner.invoke(app, ["mock-exam", "--paper", "rl", "--seed", "5", "--export", str(md), "--lang", lang]).exit_code
        == 0
    )
    text = md.read_text(encoding="utf-8")
    assert text.startswith("# ") and text.count("### Q") == 4


def test_two_seeds_give_two_forms(tmp_path):
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    runner.invoke(app, ["mock-exam", "--paper", "default", "--seed", "1", "--export", str(a)])
    runner.invoke(app, ["mock-exam", "--paper", "default", "--seed", "2", "--export", str(b)])
    runner.invoke(app, ["mock-exam", "--paper", "default", "--seed", "1", "--export", str(tmp_path / "a2.md")])
    assert a.read_text() != b.read_text() and a.read_text() == (tmp_path / "a2.md").read_text()


@pytest.mark.parametrize(
    "args",
    [
        ["--list", "--sheet"],
        ["--paper", "nope"],
        ["--paper", "default", "--twin"],
        ["--export", "paper.pdf", "--paper", "rl"],
        ["--with-solutions"],
        ["--json"],
    ],
)
def test_usage_errors_exit_2_with_a_message(args):
    result = runner.invoke(app, ["mock-exam", *args])
    assert result.exit_code == 2 and result.stderr.strip() and "Traceback" not in result.output


def test_the_2020_paper_without_its_items_says_which_are_missing(monkeypatch):
    bank = load_bank()
    if bank.get("theorems.concept.nfl-ugly-duckling") is not None:
        pytest.skip("the theory items are merged: nothing is missing")
    result = runner.invoke(app, ["mock-exam", "--paper", "2020"], input="")
    assert result.exit_code == 1 and "theorems.concept.nfl-ugly-duckling" in result.stderr
    assert "not in the question bank" in result.stderr


def test_a_stored_report_can_be_shown_again(tmp_path, bank2020_file):
    path = tmp_path / "answers.yaml"
    path.write_text('paper: "2020"\nq1.a: 45x45x15\n', encoding="utf-8")
    assert runner.invoke(app, ["mock-exam", "--answers", str(path), "--bank", str(bank2020_file)]).exit_code == 0
    shown = runner.invoke(app, ["mock-exam", "--report", "1", "--json"])
    assert shown.exit_code == 0 and json.loads(shown.stdout)["total"] == attempts()[0]["score"] == 5
    text = runner.invoke(app, ["mock-exam", "--report", "1", "--bank", str(bank2020_file), "--lang", "zh"])
    assert text.exit_code == 0 and "成绩报告" in text.stdout
    missing = runner.invoke(app, ["mock-exam", "--report", "7"])
    assert missing.exit_code == 1 and "no attempt 7" in missing.stderr


def test_a_sheet_for_a_drawn_paper_needs_its_seed(tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_text("paper: default\nq1.a: 1\n", encoding="utf-8")
    result = runner.invoke(app, ["mock-exam", "--answers", str(path)])
    assert result.exit_code == 1 and "seed" in result.stderr
    path.write_text("paper: default\nseed: many\n", encoding="utf-8")
    result = runner.invoke(app, ["mock-exam", "--answers", str(path)])
    assert result.exit_code == 1 and "seed" in result.stderr
