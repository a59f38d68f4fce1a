"""The Anki deck: read back as the SQLite collection inside the .apkg, and byte-for-byte repeatable."""

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from examprep.bank.loader import load_bank
from examprep.export.anki import build_deck, write_apkg
from examprep.export.cards import read_cards

CARDS = Path(__file__).parents[1] / "fixtures" / "concepts"
BANK = load_bank()
FIELD_SEP = "\x1f"  # Anki joins a note's fields with the unit separator


def notes_of(apkg: Path, folder: Path) -> list[tuple[str, list[str], str]]:
    with zipfile.ZipFile(apkg) as archive:
        assert sorted(archive.namelist()) == ["collection.anki2", "media"]
        (folder / "collection.anki2").write_bytes(archive.read("collection.anki2"))
        assert json.loads(archive.read("media")) == {}
    conn = sqlite3.connect(folder / "collection.anki2")
    rows = conn.execute("SELECT guid, flds, tags FROM notes ORDER BY id").fetchall()
    cards = conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0]
    assert cards == len(rows)  # one card per note
    return [(guid, flds.split(FIELD_SEP), tags) for guid, flds, tags in rows]


def export(tmp_path, name, **options) -> Path:
    deck, summary = build_deck(BANK, read_cards(CARDS), **options)
    out = tmp_path / name
    write_apkg(deck, out, timestamp=1_800_000_000)
    return out


def test_deck_holds_the_cards_and_worked_variants(tmp_path):
    apkg = export(tmp_path, "cnn.apkg", lang="en", topic="cnn")
    notes = notes_of(apkg, tmp_path)
    calc_cnn = [t for t in BANK.templates.values() if t.topic == "cnn" and t.kind == "calc"]
    assert len(notes) == 2 * len(calc_cnn)  # no cnn concept card in the fixtures, two variants each
    by_id = {fields[0]: fields for _, fields, _ in notes}
    question, answer = by_id["cnn.exam2020.q1#1"][1:3]
    # the 2020 exam question 1 by hand: ⌊(97 − 9)/2⌋ + 1 = 45; 15·(3·9·9) + 15 = 3660
    assert "97×97×3" in question and "3660" in answer and "45 × 45 × 15" in answer
    assert "⌊" in answer  # the formula, as plain Unicode
    assert "$" not in answer and "\\frac" not in answer  # no LaTeX for Anki to render


def test_concept_cards_become_notes_with_escaped_html(tmp_path):
    apkg = export(tmp_path, "cards.apkg", lang="both", topic="dropout")
    notes = notes_of(apkg, tmp_path)
    concept = [fields for _, fields, tags in notes if " concept " in f" {tags} "]
    assert len(concept) == 1
    card_id, front, back, topic = concept[0]
    assert card_id == "keep-rate" and topic == "dropout"
    assert "Keep rate" in front and "保留率" in front  # both languages
    # '<' and '&' from the card are text, not HTML tags
    assert "0 &lt; p &lt;= 1 &amp; scaled" in back and "<p <" not in back


def test_same_command_twice_gives_the_same_bytes(tmp_path):
    first = export(tmp_path, "a.apkg", lang="both", topic="optim")
    second = export(tmp_path, "b.apkg", lang="both", topic="optim")
    assert first.read_bytes() == second.read_bytes()


def test_note_ids_are_stable_across_languages_so_reimport_updates(tmp_path):
    english = {g for g, _, _ in notes_of(export(tmp_path, "en.apkg", lang="en", topic="optim"), tmp_path)}
    (tmp_path / "collection.anki2").unlink()
    chinese = {g for g, _, _ in notes_of(export(tmp_path, "zh.apkg", lang="zh", topic="optim"), tmp_path)}
    assert english == chinese and len(english) > 1


def test_cards_reader_reports_the_broken_file(tmp_path):
    from examprep.export.cards import CardError

    (tmp_path / "bad.yaml").write_text("cards: [1, 2", encoding="utf-8")
    with pytest.raises(CardError, match="bad.yaml"):
        read_cards(tmp_path)
