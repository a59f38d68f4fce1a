"""Bank and solver text is printed literally: nothing in it is ever read as rich markup.

Every template is rendered the way a student sees it (question panel, hints, the feedback of every
listed mistake, the worked solution), every solver summary as a title, in both languages, and
each source text must be found in what was printed. A text such as "E[m⊙x]" or "[a, b]" that rich
took for a markup tag would come out shortened ("E", "") and fail here.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

from examprep.bank.loader import load_bank
from examprep.bank.question import build_question
from examprep.bank.sampling import render_text
from examprep.cli import app
from examprep.grading.grade import MistakeMatch, PartVerdict
from examprep.render.drill_ui import RichDrillUI, render_summary
from examprep.render.steps import STACK_BELOW, solution_table
from examprep.session.drill import QuestionResult
from solvers import registry
from solvers.core import Step, Text
from solvers.textfmt import true_minus

BANK = load_bank()
CALC = sorted(t.id for t in BANK.templates.values() if t.kind == "calc")
FREE = sorted(t.id for t in BANK.templates.values() if t.kind != "calc")
LANGS = ("en", "zh")
# Frame and padding characters that wrapping puts between the pieces of one text.
_LAYOUT = re.compile(r"[\s│┃╭╮╰╯─━├┤┬┴┼╷╵╶╴]+")


def squash(text: str) -> str:
    return _LAYOUT.sub("", text)


def console(width: int) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=width, color_system=None, highlight=False, soft_wrap=False), out


def missing(sources: list[str], printed: str) -> list[str]:
    """The source lines not found, whole, in the printed text (layout whitespace and frames aside)."""
    flat = squash(printed)
    lines = [line for text in sources for line in text.splitlines() if squash(line)]
    return [line for line in lines if squash(line) not in flat]


def step_texts(steps: list[Step], lang: str) -> list[str]:
    """Every text of the steps as it should print: verbatim, but with a true minus sign on negative numbers."""
    return [true_minus(text) for text in _step_texts(steps, lang)]


def _step_texts(steps: list[Step], lang: str) -> list[str]:
    texts = []
    for step in steps:
        texts += [step.what.get(lang), step.formula, step.substituted, step.result]
        texts += [step.note.get(lang)] if step.note else []
        for grid in step.grids:
            texts += [str(c) for row in grid.rows for c in row if not isinstance(c, (int, float))]
            texts += list(grid.col_labels) + list(grid.row_labels)
            texts += [grid.title.get(lang)] if grid.title else []
    return texts


def render_template(template_id: str, lang: str, width: int) -> tuple[str, list[str]]:
    """Everything a drill prints for one variant, and the source texts it must contain."""
    template = BANK.get(template_id)
    question = build_question(template, 1)
    con, out = console(width)
    ui = RichDrillUI(con, lang, interactive=True)
    ui.show_question(1, 1, question)
    sources = [question.variant.text(lang), template.title.get(lang)]
    sources += [template.source.get(lang)] if template.source else []
    for number, hint in enumerate(template.hints, start=1):
        ui.show_hint(number, hint, template.hint_cost)
        sources.append(hint.get(lang))
    for part in template.parts:
        sources.append(part.prompt.get(lang))
        sources += [label.get(lang) for label in part.options.values()]
        refs = [m for m in template.mistakes if part.id in m.parts]
        verdict = PartVerdict(
            part.id,
            "wrong",
            0.0,
            part.points,
            question.expected(part),
            None,
            [MistakeMatch(m.id, m.feedback) for m in refs],
        )
        ui.show_verdict(verdict, part, question)
        sources += [render_text(m.feedback.get(lang), question.variant.params) for m in refs]
        sources += [m.label().get(lang) for m in refs]
    steps = question.solution.steps
    if width >= STACK_BELOW:
        # The table folds a long result over several lines beside the step text, which interleaves
        # the two; long results are checked in the stacked layout (narrow widths) instead.
        steps = [replace(s, result="") if cell_len(s.result) > 30 else s for s in steps]
    con.print(solution_table(steps, lang))
    sources += step_texts(steps, lang)
    return out.getvalue(), sources


@pytest.mark.parametrize("width", [60, 1000])
@pytest.mark.parametrize("lang", LANGS)
def test_every_template_prints_its_text_literally(lang, width):
    lost = {}
    for template_id in CALC:
        printed, sources = render_template(template_id, lang, width)
        gone = missing(sources, printed)
        if gone:
            lost[template_id] = gone[:3]
    assert lost == {}


def test_a_bracketed_text_survives_where_markup_would_eat_it():
    """The check above can fail: the same text printed as markup loses its brackets."""
    con, out = console(200)
    con.print("E[m⊙x] on [a, b]")  # markup on: rich takes [m⊙x] and [a, b] for tags
    assert missing(["E[m⊙x] on [a, b]"], out.getvalue()) != []


@pytest.mark.parametrize("lang", LANGS)
def test_every_solver_summary_prints_literally_as_a_title(lang):
    lost = []
    for spec in registry.load_all().values():
        title = f"{spec.id} · {spec.summary.get(lang)} [a, b]"  # with a canary that looks like a tag
        for width in (60, 120):
            con, out = console(width)
            con.print(solution_table([Step(Text("x", "x"), result="E[m⊙x]")], lang, title=title))
            if missing([title, "E[m⊙x]"], out.getvalue()):
                lost.append(spec.id)
    assert lost == []


@pytest.mark.parametrize("lang", LANGS)
def test_solve_list_prints_every_summary(lang):
    result = CliRunner().invoke(app, ["solve", "list", "--lang", lang], env={"COLUMNS": "100"})
    assert result.exit_code == 0
    summaries = [spec.summary.get(lang) for spec in registry.load_all().values()]
    assert summaries and missing(summaries, result.output) == []


@pytest.mark.parametrize("lang", LANGS)
def test_bank_show_prints_free_text_items_literally(lang):
    lost = {}
    for template_id in FREE:
        template = BANK.get(template_id)
        result = CliRunner().invoke(app, ["bank", "show", template_id, "--lang", lang], env={"COLUMNS": "100"})
        assert result.exit_code == 0, result.output
        sources = [template.title.get(lang), template.text.get(lang), template.model_answer.get(lang)]
        sources += [p.point.get(lang) for p in template.rubric]
        gone = missing(sources, result.output)
        if gone:
            lost[template_id] = gone[:3]
    assert lost == {}


@pytest.mark.parametrize("lang", LANGS)
def test_bank_show_prints_a_calc_item_literally_and_asks_nothing(lang):
    template = BANK.get("dropout.expected.textbook")
    result = CliRunner().invoke(app, ["bank", "show", template.id, "--lang", lang], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    prompts = [p.prompt.get(lang) for p in template.parts]
    assert any("[" in p for p in prompts)  # the prompt that used to lose "[m⊙x]"
    assert missing(prompts, result.output) == []
    assert squash("Type your answer") not in squash(result.output)
    assert squash("输入答案") not in squash(result.output)


@pytest.mark.parametrize("lang", LANGS)
def test_the_summary_names_mistakes_and_prints_titles_literally(lang):
    template = BANK.get("cnn.exam2020.q1")
    ref = next(m for m in template.mistakes if m.id == "no_bias")
    result = QuestionResult(template, 7)
    result.verdicts.append(PartVerdict("params", "wrong", 0.0, 5.0, 1, None, [MistakeMatch(ref.id, ref.feedback)]))
    con, out = console(200)
    render_summary(con, [result], lang)
    printed = out.getvalue()
    assert missing([template.title.get(lang), ref.name.get(lang)], printed) == []
    assert "no_bias" not in printed and "no bias" not in printed
    assert ("seed" in printed) == (lang == "en")


@pytest.mark.parametrize(
    "lang, words", [("en", "the interval [a, b] = [2, 1] is empty"), ("zh", "区间 [a, b] = [2, 1] 为空")]
)
def test_a_solver_error_quoting_brackets_is_printed_whole(lang, words):
    args = ["solve", "clip", "grad=1,2", "mode=value", "threshold=1", "low=2", "--lang", lang]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "100"})
    assert result.exit_code == 2
    assert words in result.output


@pytest.mark.parametrize("lang, heading", [("en", "Answers:"), ("zh", "答案：")])
def test_solve_heads_its_answers_in_the_chosen_language(lang, heading):
    result = CliRunner().invoke(app, ["solve", "pool2d", "input=4x4x1", "kernel=2", "--lang", lang])
    assert result.exit_code == 0 and heading in result.output
