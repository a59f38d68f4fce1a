"""``examprep explain`` driven as a student types it."""

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
    monkeypatch.setenv("COLUMNS", "100")


def test_explain_nesterov_shows_both_methods_side_by_side():
    result = runner.invoke(app, ["explain", "nesterov"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Nesterov accelerated gradient" in out and "θ̂ = θ_{t−1} + ρ·Δθ_{t−1}" in out
    # hand calculation: θ₂ = 0.5875 (momentum), 0.60775 (textbook Nesterov); PyTorch θ₁ = 0.715
    assert "0.5875" in out and "0.60775" in out and "0.715" in out
    assert "examprep bank show optim.nesterov.two-steps-1d" in out


@pytest.mark.parametrize(
    ("args", "title"),
    [
        (["explain", "动量法", "--lang", "en"], "Momentum"),
        (["explain", "adam", "--lang", "zh"], "Adam算法"),
        (["explain", "ＮＡＧ"], "Nesterov accelerated gradient"),
        (["explain", "Nesterov-Momentum"], "Nesterov accelerated gradient"),
        (["explain", "早停", "--lang", "zh"], "提前停止"),
    ],
)
def test_lookup_by_alias_chinese_name_and_full_width(args, title):
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(title)


def test_adam_in_chinese_has_the_worked_steps():
    result = runner.invoke(app, ["explain", "adam", "--lang", "zh"])
    assert "偏差修正" in result.stdout and "详细解答" in result.stdout
    assert "θ₁ = 0.9" in result.stdout  # first Adam step is −α whatever g


@pytest.mark.parametrize(("lang", "phrase"), [("en", "Did you mean"), ("zh", "你是不是想找")])
def test_typo_gets_a_suggestion_and_exit_2(lang, phrase):
    result = runner.invoke(app, ["explain", "nesterv", "--lang", lang])
    assert result.exit_code == 2
    assert phrase in result.stderr and "nesterov" in result.stderr
    assert result.stdout == "" and "Traceback" not in result.output


@pytest.mark.parametrize("query", ["quantum chromodynamics", "[bold]x", "   ", "！？"])
def test_unknown_concept_exit_2(query):
    result = runner.invoke(app, ["explain", query])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "examprep explain" in result.stderr


def test_unknown_is_echoed_literally():
    result = runner.invoke(app, ["explain", "[bold]zzzzzz[/bold]"])
    assert "[bold]zzzzzz[/bold]" in result.stderr.replace("\n", "")


def test_json_card_contract():
    result = runner.invoke(app, ["explain", "nesterov", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["id"] == "nesterov" and data["topic"] == "optim"
    assert data["names"]["zh"][0] == "Nesterov加速梯度"
    assert {"en", "zh"} == set(data["definition"]) == set(data["formulas"][0]["label"])
    assert data["example"]["solver"] == "optim.optimizer"
    by_label = {run["label"]: run["answers"] for run in data["example"]["runs"]}
    assert by_label["nesterov · textbook"]["theta_1"] == [0.85]
    assert by_label["nesterov · pytorch"]["theta_1"] == [0.715]
    assert by_label["nesterov · textbook"]["theta_2"] == pytest.approx([0.60775])


def test_json_card_without_example():
    result = runner.invoke(app, ["explain", "high-dim-optimization", "--json"])
    data = json.loads(result.stdout)
    assert data["example"] is None
    assert data["exam"] == ["optim.concept.low-high-dim", "optim.concept.flat-sharp-minima"]


def test_exam_items_come_with_the_commands_to_practise_them():
    out = runner.invoke(app, ["explain", "nesterov"]).stdout
    assert "examprep bank show optim.concept.momentum-nesterov" in out  # the 2020 exam's Q4
    assert "examprep drill optim --kind concept" in out and "examprep drill optim --kind calc" in out


def test_list_json_and_topic_filter():
    result = runner.invoke(app, ["explain", "--list", "--json"])
    data = json.loads(result.stdout)
    assert all(set(item) == {"id", "topic", "names"} for item in data)
    assert {"id": "sgd", "topic": "gd"}.items() <= next(i for i in data if i["id"] == "sgd").items()
    gd = json.loads(runner.invoke(app, ["explain", "--list", "--topic", "gd", "--json"]).stdout)
    assert {i["id"] for i in gd} == {"batch-gd", "sgd", "minibatch-gd", "batch-size", "early-stopping"}


def test_no_argument_lists_topics_with_counts():
    result = runner.invoke(app, ["explain", "--json"])
    counts = {item["topic"]: item["cards"] for item in json.loads(result.stdout)}
    assert counts["optim"] == 13 and counts["gd"] == 5
    result = runner.invoke(app, ["explain", "--lang", "zh"])
    assert result.exit_code == 0 and "optim" in result.stdout and "卡片数" in result.stdout


def test_unknown_topic_exit_2():
    result = runner.invoke(app, ["explain", "--list", "--topic", "nope"])
    assert result.exit_code == 2 and "optim" in result.stderr


def test_concept_with_list_is_a_usage_error():
    assert runner.invoke(app, ["explain", "adam", "--list"]).exit_code == 2


def test_bank_check_covers_the_cards():
    result = runner.invoke(app, ["bank", "check", "--variants", "1", "--topic", "optim"])
    assert "concept cards pass" in result.stdout


BROKEN_EXAMPLE = """
cards:
  - id: broken-example
    topic: optim
    names: {en: ["Broken example"], zh: ["坏实例"]}
    definition: {en: "d", zh: "定义"}
    formulas: [{label: {en: "l", zh: "标签"}, formula: "x = 1"}]
    intuition: {en: "i", zh: "直观"}
    compare: {en: "c", zh: "对比"}
    misconceptions: [{en: "m", zh: "误区"}]
    example: {solver: optim.clip, args: {grad: "3,4", mode: norm, threshold: -1}}
"""


@pytest.fixture
def card_files(tmp_path, monkeypatch):
    from examprep.bank import cards as cards_module

    def use(text: str):
        path = tmp_path / "cards.yaml"
        path.write_text(text, encoding="utf-8")
        monkeypatch.setattr(cards_module, "builtin_card_files", lambda: [path])
        return path

    return use


def test_a_broken_card_file_is_an_error_naming_file_card_and_field(card_files):
    card_files(BROKEN_EXAMPLE.replace('formula: "x = 1"', 'formula: "\\\\frac{1}{2}"'))
    result = runner.invoke(app, ["explain", "broken-example"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    err = result.stderr.replace("\n", "")
    assert "cards.yaml" in err and "'broken-example'" in err and "'formulas[0]'" in err


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_example_that_cannot_run_shows_the_card_and_exits_1(card_files, lang):
    card_files(BROKEN_EXAMPLE)
    result = runner.invoke(app, ["explain", "broken-example", "--lang", lang])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert ("Broken example" if lang == "en" else "坏实例") in result.stdout
    assert ("could not run" if lang == "en" else "无法运行") in result.stderr
    data = json.loads(runner.invoke(app, ["explain", "broken-example", "--json"]).stdout)
    assert set(data["example"]["error"]) == {"en", "zh"} and "runs" not in data["example"]


def test_a_chinese_query_answers_in_chinese_unless_a_language_is_chosen(monkeypatch):
    monkeypatch.delenv("EXAMPREP_LANG", raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    chinese = runner.invoke(app, ["explain", "动量法"])
    assert chinese.exit_code == 0 and "定义" in chinese.stdout
    english = runner.invoke(app, ["explain", "动量法", "--lang", "en"])
    assert english.exit_code == 0 and "Definition" in english.stdout
