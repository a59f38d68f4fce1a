"""The drill flow driven by a scripted UI: grading, re-asking, hints, skip, quit, end of input."""

from examprep.bank.loader import load_bank
from examprep.bank.question import build_question
from examprep.session.drill import DrillSession, pick_questions
from examprep.store import Store

BANK = load_bank()


class ScriptedUI:
    """Feeds typed lines; records what the session showed."""

    def __init__(self, lines):
        self.lines = list(lines)
        self.invalid = []
        self.hints = []
        self.verdicts = []
        self.solutions = 0

    def show_question(self, index, total, question):
        pass

    def ask(self, part, question):
        return self.lines.pop(0) if self.lines else None

    def show_invalid(self, error):
        self.invalid.append(error.text.en)

    def show_hint(self, number, hint, cost):
        self.hints.append(hint)

    def show_verdict(self, verdict, part, question):
        self.verdicts.append(verdict)

    def show_solution(self, question):
        self.solutions += 1


def exam_question():
    return build_question(BANK.get("cnn.exam2020.q1"), 1)


def test_right_answers_score_full_marks():
    ui = ScriptedUI(["45x45x15", "3660"])
    (result,) = DrillSession([exam_question()]).run(ui)
    assert result.points == result.max_points == 10
    assert ui.solutions == 1


def test_invalid_input_is_reasked_not_graded():
    ui = ScriptedUI(["forty-five", "45×45", "45×45×15", "3660"])
    (result,) = DrillSession([exam_question()]).run(ui)
    assert len(ui.invalid) == 2  # a word, then a shape with two numbers
    assert [v.status for v in result.verdicts] == ["correct", "correct"]


def test_mistake_is_named_and_scores_zero():
    ui = ScriptedUI(["45x45x15", "3645"])
    (result,) = DrillSession([exam_question()]).run(ui)
    assert result.points == 5
    assert result.mistakes == ["no_bias"]


def test_hint_costs_a_quarter_of_the_points():
    ui = ScriptedUI(["?", "45x45x15", "3660"])
    (result,) = DrillSession([exam_question()]).run(ui)
    assert ui.hints[0] is not None
    assert result.points == 10 - 0.25 * 10


def test_skip_moves_on_and_quit_stops():
    questions = [exam_question(), exam_question(), exam_question()]
    ui = ScriptedUI(["skip", "45x45x15", "quit"])
    results = DrillSession(questions).run(ui)
    assert len(results) == 2
    assert [v.status for v in results[0].verdicts] == ["skipped", "skipped"]
    assert [v.status for v in results[1].verdicts] == ["correct", "skipped"]


def test_end_of_input_ends_cleanly_and_keeps_graded_parts(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    session = DrillSession([exam_question(), exam_question()], store)
    results = session.run(ScriptedUI(["45x45x15"]))
    assert len(results) == 1 and results[0].verdicts[0].status == "correct"
    saved = store.attempts(session.session_id)
    assert [(a.part_id, a.status) for a in saved] == [("size", "correct"), ("params", "skipped")]


def test_pick_questions_covers_every_template_before_repeating():
    questions, errors = pick_questions(BANK, "cnn", len(BANK.by_topic("cnn")), seed=3)
    assert errors == []
    assert len({q.template.id for q in questions}) == len(BANK.by_topic("cnn"))


def test_pick_questions_is_repeatable():
    first, _ = pick_questions(BANK, "cnn", 4, seed=11)
    second, _ = pick_questions(BANK, "cnn", 4, seed=11)
    assert [(q.template.id, q.variant.params) for q in first] == [(q.template.id, q.variant.params) for q in second]
