"""Drilling concept and design items: free text graded at once and stored, an optional own score
kept beside the automatic one, commands typed full-width, input ending at any point."""

import pytest

from examprep.bank.loader import load_bank
from examprep.session.drill import DrillSession, pick_questions
from examprep.session.theory import TheoryQuestion, parse_self_score
from examprep.store import Store

BANK = load_bank()
FIVE = BANK.get("rl.concept.five-elements")


class ScriptedTheoryUI:
    def __init__(self, texts, scores=()):
        self.texts = list(texts)
        self.scores = list(scores)
        self.invalid = []
        self.hints = []
        self.verdicts = []
        self.shown = 0
        self.confirmed = []

    def show_theory_question(self, index, total, question):
        self.shown += 1

    def ask_text(self, question):
        item = self.texts.pop(0) if self.texts else None
        if isinstance(item, BaseException):
            raise item
        return item

    def show_free_text_verdict(self, verdict, question):
        self.verdicts.append(verdict)

    def ask_self_score(self, verdict):
        item = self.scores.pop(0) if self.scores else None
        if isinstance(item, BaseException):
            raise item
        return item

    def confirm_self_score(self, own, verdict):
        self.confirmed.append(own)

    def show_invalid(self, error):
        self.invalid.append(error.text.en)

    def show_hint(self, number, hint, cost):
        self.hints.append(hint)


def session(tmp_path, count=1):
    return DrillSession([TheoryQuestion(FIVE, 1) for _ in range(count)], Store(tmp_path / "h.sqlite3"))


def test_a_full_answer_is_graded_stored_and_enter_keeps_the_automatic_score(tmp_path):
    s = session(tmp_path)
    (result,) = s.run(ScriptedTheoryUI([FIVE.model_answer.en], [""]))
    assert result.free_text.fraction >= 0.8
    (row,) = s.store.attempts(s.session_id)
    assert row.status == "correct" and row.part_id == "text"
    assert row.points == pytest.approx(result.free_text.score) and row.max_points == FIVE.points
    assert row.self_score is None and row.answer == FIVE.model_answer.en


def test_own_score_is_stored_beside_never_instead_of_the_automatic_one(tmp_path):
    s = session(tmp_path)
    ui = ScriptedTheoryUI(["state, action, policy"], ["eleven", "20", "７.５"])  # full-width digits
    (result,) = s.run(ui)
    assert len(ui.invalid) == 2 and ui.confirmed == [7.5]
    (row,) = s.store.attempts(s.session_id)
    assert row.self_score == 7.5
    assert row.points == result.points == pytest.approx(result.free_text.score)
    assert row.points < 7.5  # a list of three terms: at most 20% of 12 points


def test_input_ending_at_the_own_score_keeps_the_graded_answer(tmp_path):
    s = session(tmp_path, count=2)
    results = s.run(ScriptedTheoryUI([FIVE.model_answer.zh], []))
    assert len(s.answered) == 1 and results[0].free_text is not None
    assert len(s.store.attempts(s.session_id)) == 1


def test_ctrl_c_at_the_own_score_keeps_the_graded_answer(tmp_path):
    s = session(tmp_path)
    with pytest.raises(KeyboardInterrupt):
        s.run(ScriptedTheoryUI([FIVE.model_answer.en], [KeyboardInterrupt()]))
    (row,) = s.store.attempts(s.session_id)
    assert row.status == "correct" and row.self_score is None
    assert s.answered[0].free_text is not None


@pytest.mark.parametrize("typed", ["？", "?", "ｈｉｎｔ"])
def test_full_width_hint(tmp_path, typed):
    ui = ScriptedTheoryUI([typed, "quit"])
    session(tmp_path).run(ui)
    assert len(ui.hints) == 1


def test_full_width_skip_and_quit(tmp_path):
    s = session(tmp_path, count=3)
    results = s.run(ScriptedTheoryUI(["ｓｋｉｐ", "ＱＵＩＴ", "never asked"]))
    assert len(results) == 2 and all(r.free_text is None for r in results)
    assert [a.status for a in s.store.attempts(s.session_id)] == ["skipped", "skipped"]


def test_pick_questions_by_kind():
    concept, _ = pick_questions(BANK, "rl", 20, 1, "concept")
    calc, _ = pick_questions(BANK, "rl", 20, 1, "calc")
    both, _ = pick_questions(BANK, "rl", 100, 1, "all")
    assert concept and all(isinstance(q, TheoryQuestion) for q in concept)
    assert {q.template.kind for q in concept} == {"concept", "design"}
    assert calc and not any(isinstance(q, TheoryQuestion) for q in calc)
    assert {q.template.kind for q in both} == {"calc", "concept", "design"}


@pytest.mark.parametrize(
    "typed, expected", [("", None), ("  ", None), ("0", 0.0), ("12", 12.0), ("３。５", 3.5), ("6.25", 6.25)]
)
def test_parse_self_score(typed, expected):
    assert parse_self_score(typed, 12) == expected


@pytest.mark.parametrize("typed", ["-1", "12.5", "nan", "inf", "abc", "1e999"])
def test_parse_self_score_refuses(typed):
    from examprep.grading.parse import AnswerError

    with pytest.raises(AnswerError) as info:
        parse_self_score(typed, 12)
    assert info.value.text.en and info.value.text.zh
