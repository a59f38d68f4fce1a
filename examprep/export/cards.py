"""Reading concept cards (``question_bank/concepts/*.yaml``, format in docs/bank-format.md).

A deliberately small reader for the Anki export: plain dictionaries, read with the safe YAML
loader. The bank's own card loader (``examprep.bank.cards``) can replace :func:`read_cards`
when it lands; the export only needs ``id``, ``topic``, ``names``, ``definition``, ``formulas``,
``intuition``, ``compare``, ``misconceptions`` and ``source``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from examprep.bank.loader import safe_yaml


class CardError(ValueError):
    pass


def builtin_folder() -> Path:
    return Path(str(resources.files("question_bank"))) / "concepts"


def read_cards(folder: Path | None = None) -> list[dict]:
    """Every card in the folder's YAML files, sorted by id. Raises CardError naming the file."""
    folder = folder or builtin_folder()
    cards: list[dict] = []
    if not folder.is_dir():
        return cards
    for path in sorted(folder.glob("*.yaml")):
        try:
            raw = safe_yaml(path.read_text(encoding="utf-8"))
        except Exception as exc:  # noqa: BLE001 - any read or YAML problem is reported with the file
            raise CardError(f"{path}: {exc}") from None
        if raw is None:
            continue
        if not isinstance(raw, dict) or not isinstance(raw.get("cards"), list):
            raise CardError(f"{path}: expected a mapping with a list under 'cards'")
        for index, card in enumerate(raw["cards"]):
            if not isinstance(card, dict) or not isinstance(card.get("id"), str) or "names" not in card:
                raise CardError(f"{path}: card {index + 1} needs at least 'id' and 'names'")
            cards.append(card)
    return sorted(cards, key=lambda c: c["id"])
