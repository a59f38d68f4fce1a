"""The command line, driven with typer's CliRunner as a user would type it."""

import json

import pytest
from typer.testing import CliRunner

from examprep.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("EXAMPREP_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("EXAMPREP_LANG", raising=False)
    monkeypatch.delenv("EXAMPREP_BANK", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("NO_COLOR", "1")


def test_solve_conv2d_contract():
    result = runner.invoke(
        app, ["solve", "conv2d", "input=97x97x3", "filters=15", "kernel=9", "stride=2", "padding=0", "--json"]
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["solver"] == "cnn.conv2d"
    assert data["answers"]["output_shape"] == [45, 45, 15]
    assert data["answers"]["params"] == 3660
    # (15·3·9·9 + 15) parameters, each used at every one of the 45·45 output positions
    assert data["answers"]["connections"] == 3660 * 45 * 45
    assert {"what", "formula", "substituted", "result"} <= set(data["steps"][0])


def test_solve_pool2d_contract():
    result = runner.invoke(app, ["solve", "pool2d", "input=28x28x6", "kernel=2", "stride=2", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["answers"]["output_shape"] == [14, 14, 6]


def test_solve_accepts_full_width_input():
    result = runner.invoke(
        app, ["solve", "conv2d", "input=９７×９７×３", "filters=15", "kernel=9", "stride=2", "--json"]
    )
    assert json.loads(result.stdout)["answers"]["output_shape"] == [45, 45, 15]


def test_unknown_solver_suggests_the_closest_and_exits_2():
    result = runner.invoke(app, ["solve", "conv3d", "input=1x1x1"])
    assert result.exit_code == 2
    assert "Did you mean conv2d" in result.stderr and "examprep solve list" in result.stderr
    assert "pool2d" not in result.stderr  # no longer the whole list of 75 names
    assert "Traceback" not in result.output


def test_solver_names_are_case_insensitive():
    result = runner.invoke(app, ["solve", "CONV2D", "input=9x9x1", "filters=1", "kernel=3", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["answers"]["output_shape"] == [7, 7, 1]


def test_solve_list_json_is_json():
    result = runner.invoke(app, ["solve", "list", "--json"])
    names = {entry["name"] for entry in json.loads(result.stdout)}
    assert {"conv2d", "optimizer", "td-update"} <= names


@pytest.mark.parametrize("args", [["bank", "list", "--topic", "foo"], ["bank", "check", "--topic", "foo"]])
def test_an_unknown_topic_is_a_usage_error_with_a_suggestion(args):
    result = runner.invoke(app, [*args[:-1], "cnnn"])
    assert result.exit_code == 2 and "Did you mean cnn" in result.stderr


def test_a_topic_is_case_insensitive():
    result = runner.invoke(app, ["bank", "list", "--topic", "CNN", "--json"])
    assert result.exit_code == 0 and {row["topic"] for row in json.loads(result.stdout)} == {"cnn"}


@pytest.mark.parametrize("lang", ["fr", "xx"])
def test_an_unknown_language_is_refused_with_exit_2(lang):
    result = runner.invoke(app, ["bank", "list", "--lang", lang])
    assert result.exit_code == 2 and "en or zh" in result.stderr


@pytest.mark.parametrize("alias", ["zh-CN", "cn", "ZH"])
def test_chinese_aliases_are_accepted(alias):
    result = runner.invoke(app, ["bank", "list", "--topic", "cnn", "--lang", alias, "--json"])
    assert result.exit_code == 0 and "卷积" in result.stdout


def test_piped_bank_list_prints_whole_ids_one_per_line():
    result = runner.invoke(app, ["bank", "list"])
    lines = result.stdout.splitlines()
    assert len(lines) >= 170 and all(line.count("\t") == 3 for line in lines)
    assert "rl.td.q-learning-episode" in {line.split("\t")[0] for line in lines}


def test_bad_key_names_the_parameters_and_exits_2():
    result = runner.invoke(app, ["solve", "conv2d", "input=9x9x1", "filters=1", "kernel=3", "strides=2"])
    assert result.exit_code == 2
    assert "strides" in result.stderr and "stride" in result.stderr


def test_impossible_layer_is_a_clear_error():
    result = runner.invoke(app, ["solve", "conv2d", "input=3x3x1", "filters=1", "kernel=5"])
    assert result.exit_code == 2 and "larger than" in result.stderr


def test_solve_shows_worked_steps_in_chinese():
    result = runner.invoke(
        app, ["solve", "conv2d", "input=97x97x3", "filters=15", "kernel=9", "stride=2", "--lang", "zh"]
    )
    assert result.exit_code == 0
    assert "参数量" in result.stdout and "3660" in result.stdout


def test_drill_reads_answers_from_a_pipe_and_ends_at_eof():
    # the seed fixes the variants; answering garbage, then quitting, must end cleanly
    result = runner.invoke(app, ["drill", "cnn", "-n", "2", "--seed", "5"], input="banana\nquit\n")
    assert result.exit_code == 0
    assert "Could not read" in result.stdout
    assert "Session summary" in result.stdout


def test_drill_in_chinese():
    result = runner.invoke(app, ["drill", "cnn", "-n", "1", "--seed", "5", "--lang", "zh"], input="skip\n")
    assert result.exit_code == 0
    assert "详细解答" in result.stdout and "本次练习小结" in result.stdout


def test_language_follows_environment(monkeypatch):
    monkeypatch.setenv("EXAMPREP_LANG", "zh")
    result = runner.invoke(app, ["drill", "cnn", "-n", "1", "--seed", "5"], input="")
    assert "没有作答任何题目" in result.stdout


def test_unknown_topic_lists_topics():
    result = runner.invoke(app, ["drill", "cnnn"])
    assert result.exit_code == 2 and "cnn" in result.stderr


def test_broken_bank_file_is_reported_without_traceback(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("templates:\n  - id: [unclosed\n", encoding="utf-8")
    result = runner.invoke(app, ["drill", "cnn", "--bank", str(broken)])
    assert result.exit_code == 1
    assert "broken.yaml" in result.stderr and "Traceback" not in result.output


def test_bank_list_json():
    result = runner.invoke(app, ["bank", "list", "--topic", "cnn", "--json"])
    rows = json.loads(result.stdout)
    assert {"cnn.exam2020.q1", "cnn.lenet5.c3"} <= {r["id"] for r in rows}
    assert all(r["topic"] == "cnn" for r in rows)
    # the theory items (question_bank/theory/cnn.yaml) are listed beside the calculation templates
    assert {"calc", "concept"} <= {r["kind"] for r in rows}


def test_bank_show_prints_answers():
    result = runner.invoke(app, ["bank", "show", "cnn.exam2020.q1"])
    assert result.exit_code == 0 and "45 × 45 × 15" in result.stdout and "3660" in result.stdout


def test_bank_check_passes_for_cnn():
    result = runner.invoke(app, ["bank", "check", "--topic", "cnn", "--variants", "3"])
    assert result.exit_code == 0 and "all pass" in result.stdout


def test_placeholders_do_not_pretend_to_work():
    result = runner.invoke(app, ["mock-exam"])
    assert result.exit_code == 1 and "not built yet" in result.stderr


def _rebuild_cli():
    """Help strings are chosen when the app is built: rebuild the app and every command group."""
    import importlib
    import sys

    import examprep.cli

    for name in sorted(n for n in sys.modules if n.startswith("examprep.cli.")):
        if name != "examprep.cli.base":
            del sys.modules[name]
            delattr(examprep.cli, name.rsplit(".", 1)[1])
    importlib.reload(sys.modules["examprep.cli.base"])
    return importlib.reload(examprep.cli)


def test_help_follows_the_language(monkeypatch):
    monkeypatch.setenv("EXAMPREP_LANG", "zh")
    cli = _rebuild_cli()
    try:
        result = runner.invoke(cli.app, ["--help"])
        assert "练习一个主题" in result.stdout
    finally:
        monkeypatch.delenv("EXAMPREP_LANG")
        _rebuild_cli()


def test_question_text_with_brackets_is_shown_verbatim(tmp_path):
    bank = tmp_path / "b.yaml"
    bank.write_text(
        """
templates:
  - id: extra.brackets
    topic: extra
    title: {en: "Bellman [r + γV(s')]", zh: "贝尔曼 [r + γV(s')]"}
    text: {en: "Use [r + γV(s')] on {input}", zh: "对 {input} 使用 [r + γV(s')]"}
    params:
      input: {list: [9, 9, 1]}
      filters: {value: 2}
      kernel: {value: 3}
    solver: cnn.conv2d
    parts:
      - {id: size, answer: output_shape, type: shape, points: 1, prompt: {en: "Size [H×W×D]", zh: "大小 [高×宽×深]"}}
""",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["drill", "extra", "-n", "1", "--seed", "1", "--bank", str(bank)], input="7x7x2\n")
    assert "[r + γV(s')]" in result.stdout and "Size [H×W×D]" in result.stdout


def test_optimizer_plot_draws_every_method():
    args = ["solve", "optimizer", "method=nesterov", "loss=x^2+10*y^2", "start=2,1", "steps=10", "lr=0.04"]
    result = runner.invoke(app, [*args, "--plot"])
    assert result.exit_code == 0
    assert "N = nesterov" in result.stdout and "M = momentum" in result.stdout and "○" in result.stdout


def test_plot_refuses_what_it_cannot_draw():
    result = runner.invoke(app, ["solve", "conv2d", "input=9x9x1", "filters=1", "kernel=3", "--plot"])
    assert result.exit_code == 2 and "--plot" in result.stderr


def test_optimizer_contract_textbook_and_pytorch_nesterov():
    # REFERENCE.md: f = 1.5θ², θ₀ = 1, ρ = 0.9, α = 0.05 -> textbook θ₁ = 0.85, PyTorch 0.715
    base = [
        "solve",
        "optimizer",
        "method=nesterov",
        "loss=1.5*x^2",
        "start=1",
        "steps=1",
        "lr=0.05",
        "rho=0.9",
        "--json",
    ]
    textbook = json.loads(runner.invoke(app, base).stdout)["answers"]["trajectory"]
    pytorch = json.loads(runner.invoke(app, [*base, "convention=pytorch"]).stdout)["answers"]["trajectory"]
    assert textbook == [[pytest.approx(0.85)]] and pytorch == [[pytest.approx(0.715)]]


def test_hostile_loss_is_refused_with_exit_2():
    result = runner.invoke(app, ["solve", "optimizer", "method=sgd", "loss=().__class__", "start=0", "steps=1"])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_damaged_history_is_kept_aside_and_practice_goes_on(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    (home / "history.sqlite3").write_bytes(b"not a database at all" * 50)
    monkeypatch.setenv("EXAMPREP_HOME", str(home))
    result = runner.invoke(app, ["drill", "cnn", "-n", "1", "--seed", "5", "--kind", "calc"], input="45x45x15\n3660\n")
    assert result.exit_code == 0 and "new one was started" in result.stdout and "10/10" in result.stdout
    assert len(list(home.glob("history.sqlite3.corrupt-*"))) == 1


def test_drill_concept_items_from_a_pipe():
    answer = (
        "The state describes the environment, the action is what the agent does, the policy pi(a|s) chooses an"
        " action, the transition probability gives the next state and the reward is the scalar feedback.\n.\n\n"
    )
    result = runner.invoke(app, ["drill", "rl", "--kind", "concept", "-n", "1", "--seed", "3"], input=answer)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Key points" in out and "Model answer" in out and "Score:" in out
    assert "scored automatically by the key points" in out
    assert "--kind concept" in out  # the replay command keeps the kind


def test_drill_concept_items_in_chinese_with_an_own_score():
    answer = "状态、动作、策略\n.\n６。０\n"
    result = runner.invoke(
        app, ["drill", "rl", "--kind", "concept", "-n", "1", "--seed", "3", "--lang", "zh"], input=answer
    )
    assert result.exit_code == 0, result.output
    assert "要点" in result.stdout and "参考答案" in result.stdout and "自评 6" in result.stdout
    assert "已保存你的自评 6" in result.stdout


def test_drill_bad_kind_is_a_usage_error():
    result = runner.invoke(app, ["drill", "rl", "--kind", "essay"])
    assert result.exit_code == 2 and "--kind" in result.stderr


def test_full_width_quit_ends_a_calc_drill():
    result = runner.invoke(app, ["drill", "cnn", "--kind", "calc", "-n", "3", "--seed", "5"], input="ｑｕｉｔ\n")
    assert result.exit_code == 0
    assert "Could not read" not in result.stdout and "Session summary" in result.stdout


def test_bank_show_concept_item_lists_key_points_literally():
    result = runner.invoke(app, ["bank", "show", "rl.concept.value-functions"])
    assert result.exit_code == 0
    assert "[v-def]" in result.stdout and "Model answer" in result.stdout
    assert "Σ_a π(a|s)" in result.stdout  # patterns are printed as written, not read as markup
