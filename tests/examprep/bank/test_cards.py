"""Concept cards: validation (errors name file, card and field), lookup, and every card file in
the bank passes the self-test (exam ids exist, live examples run)."""

from pathlib import Path

import pytest

from examprep.bank.card_example import check_cards
from examprep.bank.cards import CardLoadError, builtin_card_files, load_cards, lookup_key, read_cards
from examprep.bank.loader import load_bank

CARD = """
cards:
  - id: demo
    topic: optim
    names: {en: ["Demo method", "DM"], zh: ["演示方法"]}
    definition: {en: "A demo.", zh: "演示。"}
    formulas:
      - label: {en: "Update", zh: "更新"}
        formula: "θ_t = θ_{t−1} − α·g_t"
    intuition: {en: "Walk downhill.", zh: "往下走。"}
    compare: {en: "Like SGD.", zh: "类似 SGD。"}
    misconceptions:
      - {en: "Not a real method.", zh: "不是真实的方法。"}
    exam: []
    related: []
"""


def write(tmp_path: Path, text: str, name: str = "demo.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_only(path: Path):
    return load_cards([path], include_builtin=False)


def errors_of(path: Path) -> str:
    with pytest.raises(CardLoadError) as info:
        load_only(path)
    return "\n".join(info.value.errors)


def test_a_minimal_card_loads(tmp_path):
    cards = load_only(write(tmp_path, CARD))
    card = cards.cards["demo"]
    assert card.title("en") == "Demo method" and card.title("zh") == "演示方法"
    assert card.formulas[0].formula == "θ_t = θ_{t−1} − α·g_t"


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        (
            'definition: {en: "A demo.", zh: "演示。"}',
            'definition: {en: "A \\\\frac{1}{2} demo.", zh: "演示。"}',
            "definition.en",
        ),
        ('formula: "θ_t = θ_{t−1} − α·g_t"', 'formula: "$\\\\theta$"', "formulas[0]"),
        ('formula: "θ_t = θ_{t−1} − α·g_t"', 'formula: "x^{2}"', "formulas[0]"),
        (
            'intuition: {en: "Walk downhill.", zh: "往下走。"}',
            'intuition: {en: "Walk \\\\alpha downhill.", zh: "往下走。"}',
            "intuition.en",
        ),
    ],
)
def test_raw_latex_is_refused_with_file_card_and_field(tmp_path, old, new, field):
    assert old in CARD
    message = errors_of(write(tmp_path, CARD.replace(old, new)))
    assert "demo.yaml" in message and "'demo'" in message and repr(field) in message and "LaTeX" in message


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('definition: {en: "A demo.", zh: "演示。"}', 'definition: {en: "A demo."}', "definition"),
        ('names: {en: ["Demo method", "DM"], zh: ["演示方法"]}', 'names: {en: ["Demo method"], zh: []}', "names.zh"),
        ("    exam: []\n", "    exam: [1, 2]\n", "exam"),
        ("    related: []\n", "    related: [Not A Slug]\n", "related"),
        ("  - id: demo\n", "  - id: Demo Card\n", "id"),
        ('    misconceptions:\n      - {en: "Not a real method.", zh: "不是真实的方法。"}\n', "", "misconceptions"),
    ],
)
def test_bad_fields_are_named(tmp_path, old, new, field):
    assert old in CARD
    message = errors_of(write(tmp_path, CARD.replace(old, new)))
    assert "demo.yaml" in message and repr(field) in message


def test_duplicate_ids_across_files(tmp_path):
    first = write(tmp_path, CARD, "a.yaml")
    second = write(tmp_path, CARD, "b.yaml")
    with pytest.raises(CardLoadError) as info:
        load_cards([first, second], include_builtin=False)
    assert any("b.yaml" in e and "duplicate id" in e and "a.yaml" in e for e in info.value.errors)


def test_related_ids_are_checked_by_the_self_test_not_the_loader(tmp_path):
    """Cards are written in parallel: a link to a card still to come must not stop explain."""
    cards = load_only(write(tmp_path, CARD.replace("related: []", "related: [nowhere, demo]")))
    [report] = check_cards(cards, None)
    assert any("'related'" in f and "nowhere" in f for f in report.failures)
    assert any("itself" in f for f in report.failures)


def test_invalid_yaml_names_the_line(tmp_path):
    message = errors_of(write(tmp_path, "cards:\n  - id: [unclosed\n"))
    assert "demo.yaml" in message and "line" in message


def test_yaml_line_folds_leave_no_space_between_chinese_characters(tmp_path):
    folded = CARD.replace(
        'definition: {en: "A demo.", zh: "演示。"}', 'definition: {en: "A demo.", zh: "第一行\n        第二行"}'
    )
    card = load_only(write(tmp_path, folded)).cards["demo"]
    assert card.definition.zh == "第一行第二行"


def test_example_fields_are_checked(tmp_path):
    bad = CARD + "    example: {solver: optim.optimizer, args: {method: sgd}, compare: {method: [sgd]}}\n"
    assert "'example.compare.method'" in errors_of(write(tmp_path, bad))
    bad = CARD + "    example: {solver: optim.optimizer, args: {}, colour: red}\n"
    assert "colour" in errors_of(write(tmp_path, bad))


def test_self_test_catches_a_bad_solver_argument_and_a_missing_exam_id(tmp_path):
    card = CARD.replace("exam: []", "exam: [no.such.template]") + (
        "    example: {solver: optim.optimizer, args: {method: sgd, start: '1', grads: '1', speed: 3}}\n"
    )
    [report] = check_cards(load_only(write(tmp_path, card)), load_bank())
    text = "\n".join(report.failures)
    assert "no.such.template" in text and "speed" in text


def test_self_test_catches_an_unknown_solver_and_a_bad_plot(tmp_path):
    card = CARD + "    example: {solver: optim.no_such_solver, args: {}}\n"
    [report] = check_cards(load_only(write(tmp_path, card)), None)
    assert "no_such_solver" in "\n".join(report.failures)
    card = CARD + "    example: {solver: optim.clip, args: {grad: '3,4', mode: norm, threshold: 1}, plot: true}\n"
    [report] = check_cards(load_only(write(tmp_path, card)), None)
    assert "plot" in "\n".join(report.failures)


# --- lookup -------------------------------------------------------------------------------------


def test_lookup_key_ignores_case_spaces_punctuation_and_full_width():
    assert (
        lookup_key("Nesterov-Momentum")
        == lookup_key("nesterov momentum")
        == lookup_key("ＮＥＳＴＥＲＯＶ　ｍｏｍｅｎｔｕｍ")
    )
    assert lookup_key("  动量法。") == "动量法"


@pytest.fixture(scope="module")
def cards():
    return load_cards()


@pytest.mark.parametrize(
    ("query", "card_id"),
    [
        ("nesterov", "nesterov"),
        ("NAG", "nesterov"),
        ("Nesterov加速梯度", "nesterov"),
        ("ｎｅｓｔｅｒｏｖ", "nesterov"),
        ("动量法", "momentum"),
        ("rms prop", "rmsprop"),
        ("Learning-rate decay", "lr-decay"),
        ("梯度截断", "gradient-clipping"),
        ("早停", "early-stopping"),
    ],
)
def test_find_by_id_alias_and_chinese_name(cards, query, card_id):
    assert [c.id for c in cards.find(query)] == [card_id]


@pytest.mark.parametrize(
    ("query", "card_id"),
    [
        ("蒙特卡罗", "monte-carlo"),  # 蒙特卡罗方法
        ("时序差分", "td-learning"),  # 时序差分学习
        ("softmax", "softmax-regression"),
        ("反向传播", "feedforward-network"),  # 反向传播算法 (not 随时间反向传播: that does not start so)
        ("nest", "nesterov"),
    ],
)
def test_the_start_of_one_cards_name_finds_it(cards, query, card_id):
    assert [c.id for c in cards.find(query)] == [card_id]


@pytest.mark.parametrize("query", ["注意力", "残差", "学习率", "r"])
def test_a_start_shared_by_several_cards_or_too_short_finds_none(cards, query):
    # 注意力机制 (attention), 注意力打分函数 (scoring), 注意力掩码 (masks); 残差网络 / 残差连接与层归一化
    assert cards.find(query) == []
    if len(query) > 1:
        assert len(cards.suggest(query)) >= 1


def test_typos_are_suggested_not_accepted(cards):
    assert cards.find("nesterv") == []
    assert cards.suggest("nesterv")[0].id == "nesterov"
    assert cards.suggest("adm")[0].id == "adam"
    assert cards.suggest("quantum chromodynamics") == []


# --- every card file in the bank (covers other topics' files once merged) ------------------------


def test_every_card_file_loads():
    files = builtin_card_files()
    assert {p.name for p in files} >= {"optim.yaml", "gd.yaml"}
    for path in files:
        assert read_cards(path), f"{path} has no cards"


#: the syllabus topics (SYLLABUS.md); each gets a card file, written by several helpers in parallel
SYLLABUS_TOPICS = {
    "ml-basics", "gd", "regularization", "dropout", "theorems", "linear", "losses", "activations", "ffn", "cnn",
    "rnn", "lstm-gru", "optim", "normalization", "init", "attention", "transformer", "rl",
}  # fmt: skip


def test_every_card_passes_the_self_test(cards):
    reports = check_cards(cards, load_bank())
    failures = [f"{r.card_id}: {f}" for r in reports for f in r.failures if "no card with id" not in f]
    assert failures == []


def test_related_links_resolve(cards):
    dangling = [f"{r.card_id}: {f}" for r in check_cards(cards, None) for f in r.failures if "no card with id" in f]
    missing_topics = SYLLABUS_TOPICS - set(cards.topics())
    if dangling and missing_topics:
        pytest.skip(f"card files for {sorted(missing_topics)} not merged yet; links waiting for them: {dangling}")
    assert dangling == []


def test_names_identify_one_card_within_a_topic_file(cards):
    """Within one file a name must not point at two cards (lookup would be ambiguous)."""
    for path in builtin_card_files():
        seen: dict[str, str] = {}
        for card in read_cards(path):
            for name in (card.id, *card.names()):
                key = lookup_key(name)
                assert seen.setdefault(key, card.id) == card.id, (
                    f"{path.name}: {name!r} names {seen[key]} and {card.id}"
                )


def test_optim_and_gd_cards_are_all_there(cards):
    expected = {
        "batch-gd", "sgd", "minibatch-gd", "batch-size", "early-stopping", "momentum", "nesterov", "adagrad",
        "rmsprop", "adadelta", "adam", "lr-decay", "warmup", "cyclic-lr", "gradient-clipping", "saddle-points",
        "high-dim-optimization", "flat-sharp-minima",
    }  # fmt: skip
    assert expected <= set(cards.cards)
