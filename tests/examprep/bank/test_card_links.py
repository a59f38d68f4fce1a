"""The links from concept cards to bank items (the cards' ``exam:`` field).

Read straight from the YAML files, independently of the card loader: every linked id is a real
template, every short-answer item in question_bank/theory/ is reachable from at least one card
(so ``examprep explain`` leads to every essay question), and each 2020 exam question heads the
list of at least one card, so the card that answers it shows it first.
"""

from pathlib import Path

import pytest
import yaml

BANK = Path(__file__).resolve().parents[3] / "question_bank"
CARD_FILES = sorted((BANK / "concepts").glob("*.yaml"))

#: the short-answer questions of the 2020 final exam (SYLLABUS.md), in paper order
EXAM_2020 = [
    "cnn.concept.characteristics",
    "attention.concept.self-attention-structure",
    "theorems.concept.nfl-ugly-duckling",
    "optim.concept.momentum-nesterov",
    "optim.concept.low-high-dim",
    "gd.concept.sgd-pros-cons",
    "lstm-gru.concept.lstm-gradients",
    "rl.design.exam2020.dialogue",
]


def _template_ids(folder: Path) -> set[str]:
    ids: set[str] = set()
    for path in sorted(folder.glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["templates"]:
            ids.add(item["id"])
    return ids


THEORY_IDS = _template_ids(BANK / "theory")
CALC_IDS = _template_ids(BANK)


def _cards() -> list[dict]:
    cards: list[dict] = []
    for path in CARD_FILES:
        cards += yaml.safe_load(path.read_text(encoding="utf-8"))["cards"]
    return cards


CARDS = _cards()


def test_the_files_were_found():
    # guards the tests below against passing vacuously on an empty glob
    assert len(CARDS) >= 80 and len(THEORY_IDS) >= 90 and len(CALC_IDS) >= 150
    assert not THEORY_IDS & CALC_IDS


@pytest.mark.parametrize("card", CARDS, ids=[c["id"] for c in CARDS])
def test_every_exam_id_exists_and_appears_once(card):
    exam = card["exam"]
    assert exam, f"card {card['id']} links no bank item"
    missing = [tid for tid in exam if tid not in THEORY_IDS | CALC_IDS]
    assert not missing, f"card {card['id']}: no template {missing}"
    assert len(exam) == len(set(exam)), f"card {card['id']} lists an item twice"


def test_every_theory_item_is_linked_from_a_card():
    linked = {tid for card in CARDS for tid in card["exam"]}
    assert sorted(THEORY_IDS - linked) == []


def test_the_2020_items_are_theory_items_and_each_heads_a_card():
    assert set(EXAM_2020) <= THEORY_IDS
    first = {card["exam"][0] for card in CARDS if card["exam"]}
    assert sorted(set(EXAM_2020) - first) == []


def test_a_card_lists_its_short_answer_items_before_its_calculations():
    for card in CARDS:
        kinds = [tid.split(".")[1] in ("concept", "design") for tid in card["exam"]]
        assert kinds == sorted(kinds, reverse=True), f"card {card['id']}: {card['exam']}"


def test_the_bank_loader_sees_every_linked_id():
    """The same check through the loader that ``examprep bank check`` uses."""
    from examprep.bank.loader import load_bank

    bank = load_bank()
    missing = sorted({tid for card in CARDS for tid in card["exam"] if bank.get(tid) is None})
    assert missing == []
