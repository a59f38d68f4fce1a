"""The terminal side of the mock exam: reading free text, the clock text, the bottom bar."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from rich.console import Console

from examprep.bank.loader import load_bank
from examprep.bank.papers import load_blueprints, plan_paper
from examprep.render.exam_ui import RichExamUI, clock_text
from examprep.session.exam_paper import build_paper


def test_clock_text():
    assert clock_text(timedelta(seconds=3725)) == "1:02:05"  # 1 h, 2 min, 5 s
    assert clock_text(timedelta(seconds=-3)) == "0:00:00"


@pytest.fixture
def rl_paper():
    bank = load_bank()
    return build_paper(plan_paper(load_blueprints()["rl"], bank, 8), bank)


def feed(monkeypatch, lines):
    pending = list(lines)

    def fake_input():
        if not pending:
            raise EOFError
        return pending.pop(0)

    monkeypatch.setattr("builtins.input", fake_input)


def ui(lang="en"):
    return RichExamUI(Console(file=io.StringIO(), width=80), lang, interactive=False)


def free_part(paper):
    return next(p for p in paper.parts if p.free_text)


def test_free_text_runs_until_a_lone_dot(monkeypatch, rl_paper):
    feed(monkeypatch, ["first line", "second line", ".", "next"])
    reader = ui()
    assert reader.ask_part(rl_paper, free_part(rl_paper), None, timedelta(minutes=5)) == "first line\nsecond line"
    assert reader.ask_navigation(rl_paper, {}, timedelta(minutes=5)) == "next"


def test_submit_inside_free_text_keeps_the_text_then_hands_in(monkeypatch, rl_paper):
    feed(monkeypatch, ["my answer", "交卷"])
    reader = ui("zh")
    assert reader.ask_part(rl_paper, free_part(rl_paper), None, timedelta(minutes=5)) == "my answer"
    assert reader.ask_navigation(rl_paper, {}, timedelta(minutes=5)) == "交卷"


def test_end_of_input_inside_free_text_keeps_what_was_written(monkeypatch, rl_paper):
    feed(monkeypatch, ["half an answer"])
    reader = ui()
    assert reader.ask_part(rl_paper, free_part(rl_paper), None, timedelta(minutes=5)) == "half an answer"
    assert reader.ask_navigation(rl_paper, {}, timedelta(minutes=5)) is None


@pytest.mark.parametrize(("left", "warning"), [(30, None), (9, "10"), (4, "5")])
def test_the_bottom_bar_warns_in_the_last_minutes(left, warning):
    reader = RichExamUI(
        Console(file=io.StringIO()), "en", interactive=False, deadline_left=lambda: timedelta(minutes=left)
    )
    bar = reader._toolbar()
    assert f"{left - 1}:59" not in bar and clock_text(timedelta(minutes=left)) in bar
    assert (f"Less than {warning} minutes" in bar) if warning else ("Less than" not in bar)


ESC_ENTER, CTRL_D = "\x1b\r", "\x04"


@pytest.fixture
def keys():
    from prompt_toolkit.input import create_pipe_input

    with create_pipe_input() as pipe:
        yield pipe


def terminal_ui(pipe, lang="en"):
    from prompt_toolkit.output import DummyOutput

    out = io.StringIO()
    reader = RichExamUI(
        Console(file=out, width=80),
        lang,
        interactive=True,
        deadline_left=lambda: timedelta(minutes=30),
        pt_input=pipe,
        pt_output=DummyOutput(),
    )
    return reader, out


def test_in_a_terminal_free_text_is_written_in_an_editor_enter_a_new_line(keys, rl_paper):
    reader, out = terminal_ui(keys)
    keys.send_text("Bootstrapping uses an estimate.\rMC waits for the return." + ESC_ENTER)
    answer = reader.ask_part(rl_paper, free_part(rl_paper), None, timedelta(minutes=30))
    assert answer == "Bootstrapping uses an estimate.\nMC waits for the return."
    assert "Esc then Enter" in " ".join(out.getvalue().split())
    keys.send_text("3\r")  # the next prompt is one line again: Enter answers it
    assert reader.ask_navigation(rl_paper, {}, timedelta(minutes=30)) == "3"


def test_a_saved_answer_is_loaded_into_the_editor_to_be_changed(keys, rl_paper):
    reader, _ = terminal_ui(keys, "zh")
    keys.send_text("，并且方差更小。" + CTRL_D)
    answer = reader.ask_part(rl_paper, free_part(rl_paper), "TD 用估计值自举", timedelta(minutes=30))
    assert answer == "TD 用估计值自举，并且方差更小。"


def test_ctrl_d_on_an_empty_exam_editor_ends_the_input(keys, rl_paper):
    reader, _ = terminal_ui(keys)
    keys.send_text(CTRL_D)
    assert reader.ask_part(rl_paper, free_part(rl_paper), None, timedelta(minutes=30)) is None
    assert reader.ask_navigation(rl_paper, {}, timedelta(minutes=30)) is None


def test_ctrl_c_inside_an_essay_keeps_the_text_then_interrupts(keys, rl_paper):
    reader, _ = terminal_ui(keys)
    keys.send_text("Half an answer about bootstrapping" + "\x03")
    part = free_part(rl_paper)
    assert reader.ask_part(rl_paper, part, None, timedelta(minutes=30)) == "Half an answer about bootstrapping"
    with pytest.raises(KeyboardInterrupt):  # the flow saved the draft; the next prompt stops the exam
        reader.ask_navigation(rl_paper, {part.key: "Half an answer about bootstrapping"}, timedelta(minutes=30))


def test_ctrl_c_on_an_untouched_essay_interrupts_at_once(keys, rl_paper):
    reader, _ = terminal_ui(keys)
    keys.send_text("\x03")
    with pytest.raises(KeyboardInterrupt):
        reader.ask_part(rl_paper, free_part(rl_paper), "saved before", timedelta(minutes=30))


class _ClosedTerminalEditor:
    """An editor holding some text whose terminal goes away (the read fails with EIO)."""

    def __init__(self, text):
        self.default_buffer = type("Buffer", (), {"text": text})()

    def prompt(self, *args, **kwargs):
        import errno

        raise OSError(errno.EIO, "Input/output error")


def test_a_terminal_closed_mid_essay_hands_back_the_text_then_ends_the_input(keys, rl_paper):
    reader, _ = terminal_ui(keys)
    reader._text_session = _ClosedTerminalEditor("An essay cut short")
    assert reader.ask_part(rl_paper, free_part(rl_paper), None, timedelta(minutes=30)) == "An essay cut short"
    assert reader.ask_navigation(rl_paper, {}, timedelta(minutes=30)) is None  # no terminal: input ended


def test_a_terminal_closed_over_an_untouched_essay_just_ends_the_input(keys, rl_paper):
    reader, _ = terminal_ui(keys)
    reader._text_session = _ClosedTerminalEditor("saved before")
    assert reader.ask_part(rl_paper, free_part(rl_paper), "saved before", timedelta(minutes=30)) is None


def test_the_editor_keeps_the_essay_every_few_seconds(keys, rl_paper, monkeypatch):
    import examprep.render.exam_ui as exam_ui

    kept = []
    reader, _ = terminal_ui(keys)
    reader.save_draft = lambda part, text: kept.append((part.key, text)) or True
    part = free_part(rl_paper)
    reader._text_session = type("Editor", (), {"default_buffer": type("B", (), {"text": "half an essay"})()})()
    import time

    reader._drafting, reader._draft_kept_at = part, time.monotonic()  # as when the editor opens
    reader._toolbar()  # redrawn every second; too soon after the editor opened: nothing kept yet
    assert kept == []
    monkeypatch.setattr(exam_ui, "DRAFT_SECONDS", 0.0)
    reader._toolbar()
    assert kept == [(part.key, "half an essay")]
    reader._drafting = None  # the editor closed: nothing more is kept
    reader._toolbar()
    assert len(kept) == 1
