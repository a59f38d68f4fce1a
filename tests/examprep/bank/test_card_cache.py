"""The concept-card cache: same cards as a fresh load, rebuilt when a file changes or the cache is
damaged, never hiding a broken file."""

import json

import pytest

from examprep.bank import card_cache
from examprep.bank import cards as cards_module
from examprep.bank.card_cache import cache_path, card_data, card_from_data, load_builtin_cards
from examprep.bank.cards import CardLoadError

CARD = """
cards:
  - id: demo
    topic: optim
    names: {en: ["Demo method"], zh: ["演示方法"]}
    definition: {en: "A demo.", zh: "演示。"}
    formulas: [{label: {en: "Update", zh: "更新"}, formula: "θ_t = θ_{t−1} − α·g_t"}]
    intuition: {en: "Walk downhill.", zh: "往下走。"}
    compare: {en: "Like SGD.", zh: "类似 SGD。"}
    misconceptions: [{en: "Not real.", zh: "不是真的。"}]
    example:
      solver: schedules.lr_schedule
      args: {schedule: cosine, lr0: 0.1, T: 10}
      compare: {t: [0, 5], beta: [0.5, null]}
      show: [lr]
      note: {en: "n", zh: "注"}
"""


@pytest.fixture
def one_file(tmp_path, monkeypatch):
    monkeypatch.setenv("EXAMPREP_HOME", str(tmp_path / "home"))
    path = tmp_path / "demo.yaml"
    path.write_text(CARD, encoding="utf-8")
    monkeypatch.setattr(cards_module, "builtin_card_files", lambda: [path])
    return path


def test_every_builtin_card_survives_the_round_trip():
    fresh = cards_module.load_cards()
    for card in fresh.cards.values():
        assert card_from_data(json.loads(json.dumps(card_data(card)))) == card


def test_a_changed_file_is_read_again(one_file):
    first = load_builtin_cards()
    assert cache_path().exists()
    one_file.write_text("cards: [broken]", encoding="utf-8")  # new size and time: the cache is stale
    with pytest.raises(CardLoadError):
        load_builtin_cards()
    one_file.write_text(CARD, encoding="utf-8")
    assert load_builtin_cards().cards == first.cards


def test_cache_is_used_when_files_are_unchanged(one_file, monkeypatch):
    first = load_builtin_cards()

    def boom(*_a, **_k):
        raise AssertionError("the YAML was read although the cache matches")

    monkeypatch.setattr(cards_module, "load_cards", boom)
    assert load_builtin_cards().cards == first.cards


def test_a_damaged_cache_is_rebuilt(one_file):
    load_builtin_cards()
    cache_path().write_text("{not json", encoding="utf-8")
    assert "demo" in load_builtin_cards().cards
    assert json.loads(cache_path().read_text(encoding="utf-8"))["version"] == card_cache.CACHE_VERSION


def test_a_broken_file_is_never_cached(one_file):
    one_file.write_text(CARD.replace("formula: ", "formula: $"), encoding="utf-8")
    with pytest.raises(CardLoadError):
        load_builtin_cards()
    assert not cache_path().exists()


def test_unwritable_home_still_loads(one_file, monkeypatch, tmp_path):
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    monkeypatch.setenv("EXAMPREP_HOME", str(blocker))
    assert "demo" in load_builtin_cards().cards


def test_cached_inputs_run_every_example_exactly_like_fresh_ones(tmp_path, monkeypatch):
    from examprep.bank.card_example import run_example
    from examprep.calculator import to_json_value

    monkeypatch.setenv("EXAMPREP_HOME", str(tmp_path / "home"))
    load_builtin_cards()  # builds the cache
    cached = load_builtin_cards()  # reads it
    with_example = [c for c in cached.cards.values() if c.example is not None]
    assert with_example and set(cached.prepared) == {c.id for c in with_example}
    for card in with_example:
        fresh = run_example(card.example)
        again = run_example(card.example, cached.prepared[card.id])
        for a, b in zip(fresh.runs, again.runs, strict=True):
            assert a.label == b.label
            assert a.inputs == b.inputs and {k: type(v) for k, v in a.inputs.items()} == {
                k: type(v) for k, v in b.inputs.items()
            }, card.id
            assert to_json_value(a.solution.answers) == to_json_value(b.solution.answers), card.id


def test_a_changed_solver_module_invalidates_the_cache(one_file, monkeypatch, tmp_path):
    """Cached inputs were read against the solvers' declared parameters: a change there re-reads."""
    fake = tmp_path / "solver_module.py"
    fake.write_text("# v1\n")
    monkeypatch.setattr(card_cache, "_code_files", lambda: [fake])
    load_builtin_cards()
    calls = []
    real = cards_module.load_cards
    monkeypatch.setattr(cards_module, "load_cards", lambda *a, **k: calls.append(1) or real(*a, **k))
    load_builtin_cards()
    assert calls == []
    fake.write_text("# version two\n")
    load_builtin_cards()
    assert calls == [1]
