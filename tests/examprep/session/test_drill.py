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


# -- progress: what is stored per question, and the schedule it leads to ---------------------


class Ticking:
    """A fake timer: each call moves on by ``step`` seconds."""

    def __init__(self, step):
        self.now, self.step = 0.0, step

    def __call__(self):
        self.now += self.step
        return self.now


class RatingUI(ScriptedUI):
    def __init__(self, lines, override):
        super().__init__(lines)
        self.override = override
        self.offered = []

    def ask_rating(self, rating):
        self.offered.append(rating)
        return self.override


def test_hint_penalty_and_final_points_are_stored_as_shown(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    session = DrillSession([exam_question()], store)
    # a hint (−2.5 of 10), then the size right (5) and the parameters wrong (0): 5 − 2.5 = 2.5
    (result,) = session.run(ScriptedUI(["?", "45x45x15", "3645"]))
    (saved,) = store.questions()
    assert saved.points == 2.5 == result.points and saved.max_points == 10
    assert saved.hints == 1 and saved.mistakes == "no_bias"
    assert [a.hints for a in store.attempts()] == [1, 1]


def test_time_taken_is_stored_per_part_and_per_question(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    session = DrillSession([exam_question()], store, timer=Ticking(7.0))
    session.run(ScriptedUI(["45x45x15", "3660"]))
    # timer calls: question start, part 1 graded, part 2 graded, question end → 7 s apart
    assert [a.seconds for a in store.attempts()] == [7.0, 7.0]
    assert store.questions()[0].seconds == 21.0


def test_rating_can_be_overridden_and_both_are_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("EXAMPREP_NOW", "2026-12-01T09:00:00+00:00")
    store = Store(tmp_path / "h.sqlite3")
    ui = RatingUI(["45x45x15", "3660"], override=1)  # full marks, but the student says "again"
    DrillSession([exam_question()], store).run(ui)
    (saved,) = store.questions()
    assert ui.offered == [3] and saved.rating == 3 and saved.self_rating == 1
    assert store.skill("cnn.exam2020.q1").last_rating == 1


def test_wrong_answer_makes_the_skill_due_sooner_than_a_right_one(tmp_path, monkeypatch):
    monkeypatch.setenv("EXAMPREP_NOW", "2026-12-01T09:00:00+00:00")
    wrong_store = Store(tmp_path / "wrong.sqlite3")
    right_store = Store(tmp_path / "right.sqlite3")
    DrillSession([exam_question()], wrong_store).run(ScriptedUI(["44x44x15", "3645"]))
    DrillSession([exam_question()], right_store).run(ScriptedUI(["45x45x15", "3660"]))
    wrong = wrong_store.skill("cnn.exam2020.q1")
    right = right_store.skill("cnn.exam2020.q1")
    start = 1796115600.0  # 2026-12-01T09:00:00Z as seconds since the epoch, by hand
    assert wrong.last_review == right.last_review == start
    assert wrong.due <= start + 86400 < start + 2 * 86400 <= right.due


def test_sessions_are_filed_with_their_kind(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    session = DrillSession([exam_question()], store, kind="review")
    session.run(ScriptedUI(["45x45x15", "3660"]))
    ((session_id, kind, started, ended),) = store.sessions()
    assert session_id == session.session_id and kind == "review" and ended is not None
    assert store.questions(session=session_id)[0].template_id == "cnn.exam2020.q1"


def test_rating_is_offered_only_when_it_will_move_the_schedule(tmp_path, monkeypatch):
    monkeypatch.setenv("EXAMPREP_NOW", "2026-12-01T09:00:00+00:00")
    store = Store(tmp_path / "h.sqlite3")
    first = RatingUI(["45x45x15", "3660"], override=None)
    DrillSession([exam_question()], store).run(first)
    again = RatingUI(["45x45x15", "3660"], override=1)
    DrillSession([exam_question()], store).run(again)  # same day: practice, not a review
    assert first.offered == [3] and again.offered == []
    assert store.skill("cnn.exam2020.q1").last_rating == 3
    unsaved = RatingUI(["45x45x15", "3660"], override=1)
    DrillSession([exam_question()]).run(unsaved)
    assert unsaved.offered == []


def test_speed_against_the_students_own_median(tmp_path, monkeypatch):
    store = Store(tmp_path / "h.sqlite3")
    monkeypatch.setenv("EXAMPREP_NOW", "2026-12-01T09:00:00+00:00")
    for _ in range(2):  # two full-mark runs at 3 × 10 s = 30 s each: the median is 30 s
        DrillSession([exam_question()], store, timer=Ticking(10.0)).run(ScriptedUI(["45x45x15", "3660"]))
    monkeypatch.setenv("EXAMPREP_NOW", "2026-12-03T09:00:00+00:00")
    DrillSession([exam_question()], store, timer=Ticking(25.0)).run(ScriptedUI(["45x45x15", "3660"]))  # 75 s
    monkeypatch.setenv("EXAMPREP_NOW", "2026-12-06T09:00:00+00:00")
    DrillSession([exam_question()], store, timer=Ticking(5.0)).run(ScriptedUI(["45x45x15", "3660"]))  # 15 s
    ratings = [(q.seconds, q.rating) for q in store.questions()]
    # no median yet → Good; one earlier time only → Good; 75 s > 2 × 30 s → Hard; 15 s ≤ median 30 s → Easy
    assert ratings == [(30.0, 3), (30.0, 3), (75.0, 2), (15.0, 4)]
