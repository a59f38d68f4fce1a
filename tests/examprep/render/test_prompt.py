"""The answer editors: prompt_toolkit driven by a pipe of key presses, and plain piped stdin."""

import io

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from examprep.render.prompt import AnswerReader

LEFT, UP, ESC_ENTER, CTRL_D = "\x1b[D", "\x1b[A", "\x1b\r", "\x04"


@pytest.fixture
def keys():
    with create_pipe_input() as pipe:
        yield pipe


def reader(pipe):
    return AnswerReader(interactive=True, pt_input=pipe, pt_output=DummyOutput())


def test_arrow_keys_edit_the_line_instead_of_inserting_escape_codes(keys):
    keys.send_text("4545" + LEFT * 2 + "x" + "\r")
    assert reader(keys).read_line("(a) › ") == "45x45"


def test_up_recalls_an_earlier_answer_of_the_session(keys):
    r = reader(keys)
    keys.send_text("45x45x15\r")
    assert r.read_line("(a) › ") == "45x45x15"
    keys.send_text(UP + "\r")
    assert r.read_line("(b) › ") == "45x45x15"


def test_free_text_enter_is_a_new_line_and_esc_enter_submits(keys):
    keys.send_text("LSTM eases vanishing gradients.\rIt does not solve exploding ones." + ESC_ENTER)
    assert reader(keys).read_text("› ", "keys") == "LSTM eases vanishing gradients.\nIt does not solve exploding ones."


def test_free_text_ctrl_d_submits_and_chinese_text_goes_in_as_typed(keys):
    keys.send_text("LSTM 不能解决梯度爆炸，仍需梯度截断。" + CTRL_D)
    assert reader(keys).read_text("› ", "keys") == "LSTM 不能解决梯度爆炸，仍需梯度截断。"


def test_ctrl_d_on_an_empty_editor_ends_the_input(keys):
    keys.send_text(CTRL_D)
    assert reader(keys).read_text("› ", "keys") is None


def test_piped_free_text_ends_at_a_dot_line_then_reads_on():
    r = AnswerReader(interactive=False, stdin=io.StringIO("first line\nsecond line\n.\n7\n"))
    assert r.read_text("› ", "") == "first line\nsecond line"
    assert r.read_line("score › ") == "7"
    assert r.read_line("score › ") is None


def test_piped_free_text_ends_at_end_of_input():
    assert AnswerReader(interactive=False, stdin=io.StringIO("only line")).read_text("› ", "") == "only line"
    assert AnswerReader(interactive=False, stdin=io.StringIO("")).read_text("› ", "") is None
