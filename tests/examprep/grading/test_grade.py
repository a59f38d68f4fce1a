"""Grading a parsed answer: tolerance, mistakes, error carried forward, formulas."""

from examprep.grading.grade import Tolerance, expressions_equivalent, grade_part
from examprep.grading.parse import parse_answer
from solvers.core import Text

FEEDBACK = Text("forgot the bias", "漏了偏置")


def _grade(kind, typed, expected, mistakes=(), carried=None, tol=Tolerance(0.01, 0.001)):
    return grade_part(
        part_id="p",
        kind=kind,
        points=5,
        given=parse_answer(kind, typed, names={"x"}),
        expected=expected,
        tolerance=tol,
        mistakes=list(mistakes),
        carried=carried,
        names={"x"},
    )


def test_number_inside_and_outside_the_stated_tolerance():
    assert _grade("number", "0.8512", 0.85).status == "correct"  # 0.14% off, inside 1%
    assert _grade("number", "0.87", 0.85).status == "wrong"  # 2.4% off


def test_a_known_mistake_is_named():
    verdict = _grade("integer", "3645", 3660, mistakes=[("no_bias", 3645, FEEDBACK)])
    assert verdict.status == "wrong" and [m.id for m in verdict.mistakes] == ["no_bias"]
    assert verdict.points == 0


def test_a_mistake_that_coincides_with_the_answer_is_not_reported():
    verdict = _grade("integer", "3660", 3660, mistakes=[("no_floor", 3660, FEEDBACK)])
    assert verdict.status == "correct" and verdict.mistakes == []


def test_error_carried_forward_gives_the_marks():
    # the student said params = 3645 (wrong); connections from that value are right for them
    verdict = _grade("integer", str(3645 * 45 * 45), 3660 * 45 * 45, carried=3645 * 45 * 45)
    assert verdict.status == "carried" and verdict.points == 5


def test_shapes_must_match_exactly():
    assert _grade("shape", "45x45x15", (45, 45, 15)).status == "correct"
    assert _grade("shape", "45x45x16", (45, 45, 15)).status == "wrong"


def test_matrix_entries_use_the_tolerance():
    assert _grade("matrix", "0.5, 0.5; 0.27, 0.73", [[0.5, 0.5], [0.2689, 0.7311]]).status == "correct"
    assert _grade("matrix", "0.5, 0.5; 0.73, 0.27", [[0.5, 0.5], [0.2689, 0.7311]]).status == "wrong"


def test_equivalent_formulas_are_accepted():
    assert expressions_equivalent("sigmoid(x)*(1-sigmoid(x))", "exp(-x)/(1+exp(-x))^2", {"x"})
    assert not expressions_equivalent("sigmoid(x)", "sigmoid(x)*(1-sigmoid(x))", {"x"})
    assert not expressions_equivalent("1 - tanh(x)", "1 - tanh(x)^2", {"x"})


def test_expression_part_grades_by_equivalence():
    assert _grade("expression", "2*x", "x + x").status == "correct"
    assert _grade("expression", "x^2", "x + x").status == "wrong"


def test_a_tolerance_states_only_the_bounds_it_has():
    from examprep.grading.grade import Tolerance

    assert Tolerance(0.01, 0.0).describe().en == "within 1%"
    assert "±" not in Tolerance(0.01, 0.0).describe().zh
    assert Tolerance(0.0, 0.5).describe().en == "within ±0.5"
    assert "%" not in Tolerance(0.0, 0.5).describe().zh
    both = Tolerance(0.005, 0.001).describe()
    assert "0.5%" in both.en and "±0.001" in both.en and "0.5%" in both.zh and "±0.001" in both.zh
