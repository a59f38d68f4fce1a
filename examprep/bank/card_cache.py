"""A JSON cache of the validated built-in concept cards, so ``examprep explain`` starts fast.

Reading and validating every card file costs more than the rest of ``explain`` together once the
bank holds a few dozen cards (YAML parsing dominates). The cards are cached, already validated, as
plain JSON in the user data directory, keyed by the size and modification time of every card file
and of the validator itself; any change re-reads the YAML. Only a load without errors is cached,
so a broken file is always reported. JSON, never pickle: the cache is data, not code.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from examprep.bank import cards as cards_module
from examprep.bank.cards import Card, CardSet, Example, Formula
from solvers.core import Text

CACHE_VERSION = 1
CACHE_NAME = "concept-cards.json"


def _stamp(paths: list[Path]) -> list[list[Any]]:
    out = []
    for path in [Path(cards_module.__file__), *paths]:
        stat = path.stat()
        out.append([str(path), stat.st_size, stat.st_mtime_ns])
    return out


def _text(value: Any) -> Text | None:
    return None if value is None else Text(value["en"], value["zh"])


def _text_data(text: Text | None) -> dict[str, str] | None:
    return None if text is None else {"en": text.en, "zh": text.zh}


def card_data(card: Card) -> dict[str, Any]:
    example = card.example
    return {
        "id": card.id,
        "topic": card.topic,
        "names_en": list(card.names_en),
        "names_zh": list(card.names_zh),
        "definition": _text_data(card.definition),
        "formulas": [{"label": _text_data(f.label), "formula": f.formula} for f in card.formulas],
        "intuition": _text_data(card.intuition),
        "compare": _text_data(card.compare),
        "misconceptions": [_text_data(m) for m in card.misconceptions],
        "exam": list(card.exam),
        "related": list(card.related),
        "path": card.path,
        "source": _text_data(card.source),
        "example": None
        if example is None
        else {
            "solver": example.solver,
            "args": example.args,
            "compare": {k: list(v) for k, v in example.compare.items()},
            "plot": example.plot,
            "note": _text_data(example.note),
            "show": list(example.show),
        },
    }


def card_from_data(data: dict[str, Any]) -> Card:
    raw = data["example"]
    example = (
        None
        if raw is None
        else Example(
            raw["solver"],
            dict(raw["args"]),
            {k: tuple(v) for k, v in raw["compare"].items()},
            raw["plot"],
            _text(raw["note"]),
            tuple(raw["show"]),
        )
    )
    return Card(
        id=data["id"],
        topic=data["topic"],
        names_en=tuple(data["names_en"]),
        names_zh=tuple(data["names_zh"]),
        definition=_text(data["definition"]),
        formulas=tuple(Formula(_text(f["label"]), f["formula"]) for f in data["formulas"]),
        intuition=_text(data["intuition"]),
        compare=_text(data["compare"]),
        misconceptions=tuple(_text(m) for m in data["misconceptions"]),
        exam=tuple(data["exam"]),
        related=tuple(data["related"]),
        path=data["path"],
        source=_text(data["source"]),
        example=example,
    )


def cache_path() -> Path:
    from examprep.store import data_dir

    return data_dir() / "cache" / CACHE_NAME


def load_builtin_cards(use_cache: bool = True) -> CardSet:
    """The built-in cards, from the cache when it matches the files, else from the YAML (and the
    cache is refreshed). Raises CardLoadError exactly as :func:`cards.load_cards` does."""
    files = cards_module.builtin_card_files()
    if not use_cache:
        return cards_module.load_cards()
    path = cache_path()
    try:
        stamp = _stamp(files)
    except OSError:
        return cards_module.load_cards()
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
        if cached.get("version") == CACHE_VERSION and cached.get("stamp") == stamp:
            return CardSet({c["id"]: card_from_data(c) for c in cached["cards"]})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass  # missing, stale or damaged: rebuild below
    cardset = cards_module.load_cards()
    payload = {"version": CACHE_VERSION, "stamp": stamp, "cards": [card_data(c) for c in cardset.cards.values()]}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        os.replace(temp, path)
    except (OSError, TypeError, ValueError):
        pass  # a read-only home (or a value JSON cannot hold) only costs speed
    return cardset
