"""The parsed-bank cache: keyed by the file's bytes, plain JSON only, damaged entries ignored and
rebuilt, and a changed file picked up at once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from examprep.bank import cache, loader
from examprep.bank.loader import load_bank

CNN = Path(loader.builtin_files()[0]).parent / "cnn.yaml"


@pytest.fixture
def bank_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    folder = tmp_path / "bank"
    folder.mkdir()
    shutil.copy(CNN, folder / "cnn.yaml")
    return folder


def entries(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache").glob("*.json"))


def test_second_load_reads_the_cache_not_the_yaml(bank_dir, tmp_path, monkeypatch):
    first = load_bank([bank_dir], include_builtin=False)
    assert len(entries(tmp_path)) == 1

    def no_yaml(text):
        raise AssertionError("the YAML was parsed again")

    monkeypatch.setattr(loader, "safe_yaml", no_yaml)
    second = load_bank([bank_dir], include_builtin=False)
    assert sorted(second.templates) == sorted(first.templates)


def test_cache_holds_what_safe_yaml_returned(bank_dir, tmp_path):
    load_bank([bank_dir], include_builtin=False)
    stored = json.loads(entries(tmp_path)[0].read_text(encoding="utf-8"))
    assert stored["data"] == loader.safe_yaml(CNN.read_text(encoding="utf-8"))


def test_an_edited_file_is_picked_up_at_once(bank_dir, tmp_path):
    before = load_bank([bank_dir], include_builtin=False).templates["cnn.exam2020.q1"]
    path = bank_dir / "cnn.yaml"
    text = path.read_text(encoding="utf-8")
    assert before.title.en in text
    path.write_text(text.replace(before.title.en, "A renamed question", 1), encoding="utf-8")
    after = load_bank([bank_dir], include_builtin=False).templates["cnn.exam2020.q1"]
    assert after.title.en == "A renamed question"
    assert len(entries(tmp_path)) == 2  # one entry per version of the file's bytes


def test_an_added_file_is_picked_up(bank_dir, tmp_path):
    n = len(load_bank([bank_dir], include_builtin=False).templates)
    extra = bank_dir / "more.yaml"
    extra.write_text(
        (bank_dir / "cnn.yaml").read_text(encoding="utf-8").replace("id: cnn.", "id: more.cnn."), encoding="utf-8"
    )
    assert len(load_bank([bank_dir], include_builtin=False).templates) == 2 * n


@pytest.mark.parametrize(
    "damage",
    [
        "not json at all {",
        "",
        json.dumps({"format": cache.FORMAT, "sha256": "0" * 64, "data": {"templates": []}}),  # another file's entry
        json.dumps({"format": 999, "data": {"templates": []}}),
        json.dumps([1, 2, 3]),
    ],
)
def test_a_damaged_entry_is_ignored_and_rebuilt(bank_dir, tmp_path, damage):
    good = load_bank([bank_dir], include_builtin=False)
    (entry,) = entries(tmp_path)
    entry.write_text(damage, encoding="utf-8")
    again = load_bank([bank_dir], include_builtin=False)
    assert sorted(again.templates) == sorted(good.templates)
    assert json.loads(entry.read_text(encoding="utf-8"))["data"] == loader.safe_yaml(
        (bank_dir / "cnn.yaml").read_text(encoding="utf-8")
    )


def test_data_json_cannot_carry_is_not_cached(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    # a date and a non-text key: JSON would change them, so they are parsed from YAML every time
    for text in ("when: 2024-01-01\n", "{1: one}\n", "x: .nan\n"):
        value = cache.parsed(text.encode(), loader.safe_yaml)
        assert value == loader.safe_yaml(text) or value != value
    assert not entries(tmp_path)
    assert cache.parsed(b"a: [1, 2.5, true, null, text]\n", loader.safe_yaml) == {"a": [1, 2.5, True, None, "text"]}
    assert len(entries(tmp_path)) == 1


def test_an_unwritable_cache_does_not_fail_the_load(bank_dir, tmp_path, monkeypatch):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocker / "cache"))
    assert load_bank([bank_dir], include_builtin=False).templates


def test_yaml_errors_still_name_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    bad = tmp_path / "bad.yaml"
    bad.write_text("templates: [\n", encoding="utf-8")
    with pytest.raises(loader.BankLoadError) as err:
        load_bank([bad], include_builtin=False)
    assert "bad.yaml" in err.value.errors[0] and "not valid YAML" in err.value.errors[0]


def test_topic_reads_only_that_topic(bank_dir, tmp_path):
    (bank_dir / "broken.yaml").write_text(
        "templates:\n  - id: other.broken\n    topic: other\n    kind: calc\n", encoding="utf-8"
    )
    with pytest.raises(loader.BankLoadError):
        load_bank([bank_dir], include_builtin=False)
    only = load_bank([bank_dir], include_builtin=False, topic="cnn")
    assert only.templates and {t.topic for t in only.templates.values()} == {"cnn"}
    assert load_bank([bank_dir], include_builtin=False, topic="nosuch").templates == {}
