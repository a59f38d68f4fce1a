"""The timed exam flow, driven through a scripted UI with a controlled clock."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import timedelta

import pytest

from examprep.bank.loader import Bank, load_bank
from examprep.bank.papers import load_blueprints
from examprep.session.exam import ExamSession, expired, finish_attempt, paper_of, start_attempt
from examprep.session.exam_store import ABANDONED, FINISHED, IN_PROGRESS, ExamStore, iso, parse_time
from examprep.store import Store

BANK = load_bank()
PAPERS = load_blueprints()
T0 = "2026-06-20T08:00:00+00:00"


class Clock:
    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch
        self.at = parse_time(T0)
        self.set(self.at)

    def set(self, moment):
        self.at = moment
        self.monkeypatch.setenv("EXAMPREP_NOW", iso(moment))

    def advance(self, minutes: float):
        self.set(self.at + timedelta(minutes=minutes))


class ScriptUI:
    """Answers from a script; a callable in the script runs (e.g. moves the clock) instead."""

    def __init__(self, script, interactive=False):
        self.script = list(script)
        self.interactive = interactive
        self.events: list[tuple] = []

    def _next(self):
        while self.script:
            entry = self.script.pop(0)
            if callable(entry):
                entry()
                continue
            return entry
        return None

    def show_overview(self, paper, answers, remaining):
        self.events.append(("overview", remaining))

    def show_question(self, paper, number, answers, remaining):
        self.events.append(("question", number))

    def ask_navigation(self, paper, answers, remaining):
        self.events.append(("nav", remaining))
        return self._next()

    def ask_part(self, paper, part, current, remaining):
        self.events.append(("ask", part.key, current))
        return self._next()

    def show_read_as(self, shown):
        self.events.append(("read_as", shown))

    def show_saved(self, key):
        self.events.append(("saved", key))

    def show_invalid(self, error):
        self.events.append(("invalid", error.text.en))

    def show_unknown_command(self, text, count):
        self.events.append(("unknown", text))

    def show_all_answered(self, unanswered=0):
        self.events.append(("all_answered", unanswered))

    def show_warning(self, minutes):
        self.events.append(("warning", minutes))

    def show_time_up(self):
        self.events.append(("time_up",))

    def confirm_submit(self, unanswered):
        self.events.append(("confirm", tuple(unanswered)))
        return True

    def asked(self):
        return [e[1] for e in self.events if e[0] == "ask"]


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "h.sqlite3")
    yield ExamStore(s)
    s.close()


def start(store, name="2020", bank: Bank = BANK, minutes=None, seed=7):
    return start_attempt(store, bank, PAPERS[name], seed=seed, twin=False, lang="en", minutes=minutes)


def saved(path, attempt_id):
    """What another process would read from the file right now."""
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute("SELECT key, answer FROM exam_answers WHERE attempt_id = ?", (attempt_id,)).fetchall())
    finally:
        conn.close()


def test_piped_answers_in_paper_order_each_saved_at_once(store, clock, bank2020):
    record, paper = start(store, bank=bank2020)
    path = store.store.path
    checks = []
    script = [
        "45x45x15",
        lambda: checks.append(saved(path, record.id)),
        "3660",
        "weight sharing and local connectivity",
    ]
    ui = ScriptUI(script)
    outcome = ExamSession(store, record, paper).run(ui)
    assert outcome == "eof"  # input ended: the attempt stays open
    assert checks == [{"q1.a": "45x45x15"}]  # on disk before the next prompt
    assert ui.asked()[:4] == ["q1.a", "q1.b", "q1.c", "q2.a"]
    assert saved(path, record.id) == {
        "q1.a": "45x45x15",
        "q1.b": "3660",
        "q1.c": "weight sharing and local connectivity",
    }
    assert store.get(record.id).state == IN_PROGRESS


def test_resume_asks_only_what_is_unanswered_and_keeps_the_same_paper(store, clock, bank2020):
    record, paper = start(store, bank=bank2020)
    ExamSession(store, record, paper).run(ScriptUI(["45x45x15", "3660"]))
    again = paper_of(store.get(record.id), bank2020)
    assert [p.key for p in again.parts] == [p.key for p in paper.parts]
    ui = ScriptUI(["CNNs share weights."])
    ExamSession(store, store.get(record.id), again).run(ui)
    assert ui.asked()[0] == "q1.c"


def test_unreadable_calculation_answers_are_asked_again_and_not_saved(store, clock, bank2020):
    record, paper = start(store, bank=bank2020)
    ui = ScriptUI(["45 by 45", "45x45", "45x45x15"])
    ExamSession(store, record, paper).run(ui)
    invalid = [e for e in ui.events if e[0] == "invalid"]
    assert len(invalid) == 2 and "expected 3 numbers, got 2" in invalid[1][1]
    assert ui.asked()[:3] == ["q1.a", "q1.a", "q1.a"]
    assert store.answers(record.id) == {"q1.a": "45x45x15"}
    assert ("read_as", "45 × 45 × 15") in ui.events


def test_submit_at_any_prompt_hands_in_and_grades_once(store, clock, bank2020):
    record, paper = start(store, bank=bank2020)
    outcome = ExamSession(store, record, paper).run(ScriptUI(["45x45x15", "3645", "交卷"]))
    assert outcome == "submitted"
    report = finish_attempt(store, store.get(record.id), paper, bank2020)
    by_key = {p.key: p for p in report.parts}
    assert by_key["q1.a"].score == 5 and by_key["q1.b"].score == 0
    assert any("bias" in f.en for f in by_key["q1.b"].feedback)
    assert report.max_points == 100 and report.total == 5
    stored = store.get(record.id)
    assert stored.state == FINISHED and stored.score == 5 and stored.report["total"] == 5
    # finishing again changes nothing: grading happens once, and the history is not written twice
    assert store.finish(record.id, 99, {}, parse_time(T0)) is False
    assert store.get(record.id).score == 5
    again = finish_attempt(store, store.get(record.id), paper, bank2020)
    assert again.total == 5 and len(store.store.attempts(f"exam-{record.id}")) == len(paper.parts)
    # and every part is in the practice history, in the drill's words, with the mistake named
    history = {a.part_id: a for a in store.store.attempts(f"exam-{record.id}")}
    assert len(history) == len(paper.parts)
    assert history["q1.b"].status == "wrong" and history["q1.b"].mistakes == "no_bias"
    assert history["q8"].status == "skipped" and history["q1.a"].points == 5


def test_interactive_any_order_skip_and_come_back(store, clock):
    record, paper = start(store, name="rl", seed=11)
    last = paper.parts[-1]
    first = paper.parts[0]
    script = [str(last.question), "a sentence about the agent.", "", "list", "1", "skip", "", "submit"]
    ui = ScriptUI(script, interactive=True)
    outcome = ExamSession(store, record, paper).run(ui)
    assert outcome == "submitted"
    questions = [e[1] for e in ui.events if e[0] == "question"]
    assert questions[0] == last.question  # started with the last question
    assert questions[1] == 1 and questions[2] == first.question  # Enter = next unanswered
    assert store.answers(record.id) == {last.key: "a sentence about the agent."}
    assert [e for e in ui.events if e[0] == "confirm"][0][1]  # asked to confirm with parts unanswered


def test_unknown_navigation_is_explained(store, clock):
    record, paper = start(store, name="rl", seed=11)
    ui = ScriptUI(["99", "banana", "submit"], interactive=True)
    ExamSession(store, record, paper).run(ui)
    assert [e[1] for e in ui.events if e[0] == "unknown"] == ["99", "banana"]


def test_warnings_at_ten_and_five_minutes(store, clock):
    record, paper = start(store, name="rl", seed=11, minutes=30)
    script = ["1", lambda: clock.advance(21), "", lambda: clock.advance(5), "", "submit"]
    ui = ScriptUI(script, interactive=True)
    ExamSession(store, record, paper).run(ui)
    assert [e[1] for e in ui.events if e[0] == "warning"] == [10, 5]


def test_a_resume_inside_the_last_minutes_warns_once(store, clock):
    record, paper = start(store, name="rl", seed=11, minutes=30)
    clock.advance(27)
    ui = ScriptUI(["submit"], interactive=True)
    ExamSession(store, store.get(record.id), paper).run(ui)
    assert [e[1] for e in ui.events if e[0] == "warning"] == [5]


def test_an_answer_after_the_deadline_is_not_accepted(store, clock):
    record, paper = start(store, name="rl", seed=11, minutes=30)
    first = paper.parts[0]
    script = [lambda: clock.advance(31), "an answer typed too late"]
    outcome = ExamSession(store, record, paper).run(ScriptUI(script))
    assert outcome == "timeout"
    assert first.key not in store.answers(record.id)


def test_the_deadline_passed_while_away(store, clock, bank2020):
    record, paper = start(store, bank=bank2020)
    ExamSession(store, record, paper).run(ScriptUI(["45x45x15", "3660"]))  # then the terminal closes
    clock.advance(24 * 60)
    stored = store.get(record.id)
    assert expired(stored)
    assert ExamSession(store, stored, paper).run(ScriptUI(["never read"])) == "timeout"
    report = finish_attempt(store, stored, paper_of(stored, bank2020), bank2020)
    assert report.total == 10 and store.get(record.id).state == FINISHED
    assert "q8" in report.missing and "q1.a" not in report.missing


def test_time_spent_is_kept_per_question(store, clock, bank2020):
    record, paper = start(store, bank=bank2020)
    script = [lambda: clock.advance(3), "45x45x15", lambda: clock.advance(2), "3660", "skip"]
    ExamSession(store, record, paper).run(ScriptUI(script))
    assert store.times(record.id) == {1: 300.0}


def test_abandon_and_list(store, clock):
    record, _ = start(store, name="rl", seed=11)
    assert store.in_progress().id == record.id
    store.abandon(record.id, parse_time(T0))
    assert store.get(record.id).state == ABANDONED and store.in_progress() is None


def test_stored_numbers_win_over_a_changed_bank(store, clock, bank2020):
    record, paper = start(store, bank=bank2020, name="2020")
    stored = store.get(record.id)
    # the bank's twin rules change later: the stored numbers of Q2(b) must still be used
    changed = Bank(dict(bank2020.templates))
    template = changed.templates["attention.exam2020.q2-dot"]
    changed.templates[template.id] = dataclasses.replace(
        template, params={**template.params, "x": {"value": [[5, 5], [6, 6], [7, 7]]}}
    )
    again = paper_of(stored, changed)
    assert again.items[(2, 1)].question.variant.params == paper.items[(2, 1)].question.variant.params


def test_report_totals_and_weakest_topics(store, clock, bank2020):
    record, paper = start(store, bank=bank2020)
    answers = {"q1.a": "45x45x15", "q1.b": "3660"}
    for key, value in answers.items():
        store.save_answer(record.id, key, value, parse_time(T0))
    q8 = paper.items[(8, 0)].template
    store.save_answer(record.id, "q8", q8.model_answer.en, parse_time(T0))
    report = finish_attempt(store, store.get(record.id), paper, bank2020)
    topics = {t.topic: t for t in report.topics}
    assert sum(t.score for t in report.topics) == pytest.approx(report.total)
    assert sum(t.max_points for t in report.topics) == 100
    assert topics["cnn"].max_points == 15 and topics["cnn"].score == 10
    assert topics["rl"].score > 0.5 * 15  # the model answer scores well
    weakest = report.weakest()
    assert len(weakest) == 3 and all(t.score == 0 for t in weakest)
    assert all(t.command.startswith("examprep ") and t.topic in t.command for t in weakest)
    # every calc part shows the expected answer; free-text parts the model answer
    by_key = {p.key: p for p in report.parts}
    assert by_key["q1.a"].expected.en == "45 × 45 × 15"
    assert by_key["q7"].expected == paper.items[(7, 0)].template.model_answer
    assert by_key["q7"].score == 0 and by_key["q7"].missed


def test_keyboard_interrupt_loses_nothing(store, clock, bank2020):
    record, paper = start(store, bank=bank2020)

    def interrupt():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ExamSession(store, record, paper).run(ScriptUI([lambda: clock.advance(1), "45x45x15", "3660", interrupt]))
    assert saved(store.store.path, record.id) == {"q1.a": "45x45x15", "q1.b": "3660"}
    assert store.times(record.id) == {1: 60.0}  # the time on the interrupted question is kept too


def test_the_clock_reads_examprep_now(monkeypatch):
    from datetime import UTC, datetime

    from examprep.clock import now

    monkeypatch.setenv("EXAMPREP_NOW", "2026-06-20T10:00:00+02:00")
    assert now() == datetime(2026, 6, 20, 8, 0, tzinfo=UTC)
    monkeypatch.setenv("EXAMPREP_NOW", "2026-06-20T08:00:00")  # no zone: UTC
    assert now() == datetime(2026, 6, 20, 8, 0, tzinfo=UTC)
    monkeypatch.delenv("EXAMPREP_NOW")
    assert abs((now() - datetime.now(UTC)).total_seconds()) < 5


def test_an_essay_being_written_is_kept_as_a_draft(store, clock, tmp_path):
    record, paper = start(store, name="rl", seed=11, minutes=30)
    session = ExamSession(store, record, paper)
    essay = next(p for p in paper.parts if p.free_text)
    assert session.save_draft(essay, "Q-learning is off-policy")
    # what another process (a resume after kill -9) reads from the file
    assert saved(tmp_path / "h.sqlite3", record.id) == {essay.key: "Q-learning is off-policy"}
    assert not session.save_draft(essay, "Q-learning is off-policy  ")  # unchanged: nothing written
    assert not session.save_draft(essay, "   ")  # never overwrite an answer with nothing
    clock.advance(31)
    assert not session.save_draft(essay, "after the deadline")
    assert store.answers(record.id) == {essay.key: "Q-learning is off-policy"}
