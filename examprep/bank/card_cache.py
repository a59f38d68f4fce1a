"""A JSON cache of the validated built-in concept cards, so ``examprep explain`` starts fast.

Reading and validating every card file costs more than the rest of ``explain`` together once the
bank holds a few dozen cards (YAML parsing dominates). The cards are cached, already validated, as
plain JSON in the user data directory, together with each example's arguments already read by the
calculator's parsers (so ``explain`` need not import them), keyed by the size and modification time
of every card file and of the validator and parsers; any change re-reads the YAML. Only a load without errors is cached,
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

CACHE_VERSION = 2
CACHE_NAME = "concept-cards.json"


def _code_files() -> list[Path]:
    """The code whose rules shape what is cached: the card validator, the argument parsers and the
    solvers' declared parameters (a parameter that changes kind must be read again)."""
    import examprep.grading as grading
    import solvers

    root = Path(cards_module.__file__).parent.parent
    return [
        Path(cards_module.__file__),
        root / "calculator.py",
        Path(grading.__file__).parent / "parse.py",
        *sorted(Path(solvers.__file__).parent.glob("*.py")),
    ]


def _stamp(paths: list[Path]) -> list[list[Any]]:
    out = []
    for path in [*_code_files(), *paths]:
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


def _encode(value: Any) -> Any:
    """JSON for parsed solver inputs; tuples are tagged so they come back as tuples."""
    if isinstance(value, tuple):
        return {"tuple": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {"dict": {k: _encode(v) for k, v in value.items()}}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "tuple" in value:
            return tuple(_decode(v) for v in value["tuple"])
        return {k: _decode(v) for k, v in value["dict"].items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _prepared(cardset: CardSet) -> dict[str, Any]:
    """Each example's inputs read by the calculator's parsers (examples that cannot be read are
    left out: explain then reads them itself and reports the problem)."""
    from examprep.bank.card_example import ExampleError, prepare_inputs

    out = {}
    for card in cardset.cards.values():
        if card.example is not None:
            try:
                out[card.id] = [[label, _encode(inputs)] for label, inputs in prepare_inputs(card.example)]
            except ExampleError:
                continue
    return out


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
            cards = {c["id"]: card_from_data(c) for c in cached["cards"]}
            prepared = {
                cid: [(label, _decode(inputs)) for label, inputs in runs] for cid, runs in cached["prepared"].items()
            }
            return CardSet(cards, prepared)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass  # missing, stale or damaged: rebuild below
    cardset = cards_module.load_cards()
    prepared = _prepared(cardset)
    payload = {
        "version": CACHE_VERSION,
        "stamp": stamp,
        "cards": [card_data(c) for c in cardset.cards.values()],
        "prepared": prepared,
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        os.replace(temp, path)
    except (OSError, TypeError, ValueError):
        pass  # a read-only home (or a value JSON cannot hold) only costs speed
    return cardset
