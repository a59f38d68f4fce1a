"""In Chinese, the CLI's own words are Chinese: help screens (typer's scaffolding included) and
usage errors. English that remains must be a name the student types (commands, options, ids,
metavars) — an allow-list, so a new English sentence fails this test."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from examprep.cli.localize import translate_error

ALLOWED = {
    # the program, its commands and options, as typed
    "examprep", "python", "drill", "solve", "bank", "list", "show", "check", "explain", "mock", "exam", "lang",
    "help", "count", "seed", "json", "plot", "topic", "variants", "args", "solver", "concept",
    "template_id", "review", "stats", "plan", "history", "export", "anki", "kind", "paper",
    # metavars and types typer prints
    "str", "int", "bool", "range", "float", "path", "text", "file",
    # names and values
    "EXAMPREP_LANG", "EXAMPREP_BANK", "en", "zh", "cn", "CN", "cnn", "pool2d", "conv2d", "input",
    "kernel", "key", "value", "id", "nesterov", "calc", "all", "design", "conv", "pool", "optimizer",
    "SGD", "Adam", "Momentum", "Nesterov", "JSON",
    # options, arguments and values of the progress commands, as typed
    "targets", "date", "YYYY", "CSV", "csv", "repair", "apkg", "output", "both", "format",
    # options and values of mock-exam, as typed
    "sheet", "attempts", "resume", "report", "html", "abandon", "twin", "solutions", "YAML", "minutes", "with",
    "default",
    # keys of the JSON output, as the program writes them
    "inputs", "answers", "steps",
}  # fmt: skip
WORD = re.compile(r"[A-Za-z][A-Za-z_]{2,}")


def _run(*args: str, columns: int = 100) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EXAMPREP_LANG": "zh", "COLUMNS": str(columns)}
    return subprocess.run([sys.executable, "-m", "examprep", *args], capture_output=True, text=True, env=env)


def _english(text: str) -> set[str]:
    return {w for w in WORD.findall(text) if w not in ALLOWED and w.lower() not in ALLOWED}


HELP_SCREENS = [
    ["--help"],
    ["drill", "--help"],
    ["solve", "--help"],
    ["bank", "--help"],
    ["bank", "list", "--help"],
    ["bank", "show", "--help"],
    ["bank", "check", "--help"],
    ["review", "--help"],
    ["stats", "--help"],
    ["plan", "--help"],
    ["history", "--help"],
    ["history", "export", "--help"],
    ["export", "anki", "--help"],
    ["mock-exam", "--help"],
]


@pytest.mark.parametrize("args", HELP_SCREENS, ids=" ".join)
def test_help_screens_have_no_english_words_of_their_own(args):
    result = _run(*args)
    assert result.returncode == 0
    assert "用法" in result.stdout
    assert _english(result.stdout) == set(), result.stdout
    narrow = _run(*args, columns=60).stdout
    assert "…" not in narrow, narrow  # Chinese has no spaces to wrap at: lines fold, never cut


@pytest.mark.parametrize(
    "args",
    [["drill", "cnn", "-n", "abc"], ["drill", "cnn", "--bogus"], ["bank", "lisst"], ["nosuch"]],
    ids=" ".join,
)
def test_usage_errors_are_in_chinese(args):
    result = _run(*args)
    assert result.returncode == 2
    assert "错误" in result.stderr
    assert _english(result.stderr) <= {"bogus", "lisst", "nosuch", "abc"}, result.stderr


@pytest.mark.parametrize(
    "english, chinese",
    [
        ("Missing argument 'topic'.", "缺少参数 'topic'。"),
        ("No such option: --bogus", "没有选项 --bogus。"),
        ("Got unexpected extra argument(s) (a b)", "多余的参数：a b"),
        (
            "Invalid value for '-n' / '--count': Input should be greater than or equal to 1",
            "'-n' / '--count' 的值无效：应不小于 1",
        ),
        ("No such command 'lisst'. Did you mean 'list'?", "没有子命令 'lisst'。 你是不是想输入 'list'？"),
    ],
)
def test_translations_of_typer_errors(english, chinese):
    assert translate_error(english) == chinese


NAMES_IN_CONTENT = {
    "AdaGrad", "RMSprop", "AdaDelta", "Adam", "SGD", "Momentum", "Nesterov", "LSTM", "GRU", "RNN", "SRN", "MDP",
    "SARSA", "REINFORCE", "softmax", "sigmoid", "tanh", "exp", "ReLU", "Concat", "MLP", "PyTorch", "logistic",
    "Logistic", "max", "min", "log", "ln", "argmax", "optim", "lstm", "gru", "skip", "quit", "banana",
}  # fmt: skip


@pytest.mark.parametrize("topic", ["cnn", "optim", "lstm-gru"])
def test_a_chinese_drill_and_its_summary_have_no_english_sentences(topic, tmp_path):
    """A right answer, a wrong one, junk, a hint and a free-text answer, all in Chinese: what is left
    in English is symbols (with an underscore), method names and what the student typed."""
    env = {**os.environ, "EXAMPREP_LANG": "zh", "COLUMNS": "100", "EXAMPREP_HOME": str(tmp_path)}
    answers = "45x45x15\n3645\nbanana\n?\nskip\n1,2\nskip\n遗忘门决定保留多少旧记忆。\n.\n\nskip\nskip\n"
    result = subprocess.run(
        [sys.executable, "-m", "examprep", "drill", topic, "-n", "3", "--seed", "5"],
        input=answers, capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "本次练习小结" in result.stdout
    english = {w for w in _english(result.stdout + result.stderr) if "_" not in w and w not in NAMES_IN_CONTENT}
    assert english == set(), english


def test_errors_speak_the_language_chosen_on_the_command_itself(tmp_path):
    # --lang after the command (not the root's): the error label and message are both Chinese
    env = {**os.environ, "EXAMPREP_LANG": "en", "EXAMPREP_HOME": str(tmp_path), "COLUMNS": "100"}
    argv = [sys.executable, "-m", "examprep", "mock-exam", "--paper", "optim", "--lang", "zh"]
    started, again = (subprocess.run(argv, input="", capture_output=True, text=True, env=env) for _ in range(2))
    assert started.returncode == 0, started.stderr  # input ends at once: the attempt stays in progress
    assert again.returncode == 1  # a second one while the first is in progress
    assert again.stderr.startswith("错误："), again.stderr
    assert "error" not in again.stderr.lower()
