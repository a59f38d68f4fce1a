"""``examprep explain``: a concept card with formulas, intuition and a live example.

``explain CONCEPT`` finds a card by id, alias or Chinese name (case, spaces, punctuation and
full-width characters do not matter; a near miss gets "Did you mean …?" and exit 2).
``explain --list [--topic T]`` lists the cards; ``explain`` alone lists the topics.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import typer

from examprep.cli.base import LangOption, app, lang_of
from examprep.i18n import help_text as H

if TYPE_CHECKING:
    from examprep.bank.cards import Card, CardSet


def _fail(message: str, lang: str, code: int = 1) -> typer.Exit:
    """Print an error to stderr literally (the message may echo what the student typed)."""
    from rich.text import Text as RichText

    from examprep.i18n import t
    from examprep.render.console import make_console

    label = t("explain_error_label", lang) + ("：" if lang == "zh" else ": ")
    make_console(stderr=True).print(RichText.assemble((label, "bold red"), message))
    return typer.Exit(code)


def _load(lang: str) -> CardSet:
    from examprep.bank.card_cache import load_builtin_cards
    from examprep.bank.cards import CardLoadError
    from examprep.i18n import t

    try:
        return load_builtin_cards()
    except CardLoadError as exc:
        raise _fail(t("explain_cards_error", lang) + "\n  " + "\n  ".join(exc.errors), lang) from None


def _names(cards: list[Card], lang: str) -> str:
    return ", ".join(f"{c.id} ({c.title(lang)})" for c in cards)


def _find(cards: CardSet, query: str, lang: str) -> Card:
    from examprep.bank.cards import lookup_key
    from examprep.i18n import t

    if not lookup_key(query):
        raise _fail(t("explain_no_concept", lang), lang, 2)
    found = cards.find(query)
    if len(found) == 1:
        return found[0]
    if found:
        raise _fail(t("explain_ambiguous", lang, query=query, names=_names(found, lang)), lang, 2)
    near = cards.suggest(query)
    if near:
        raise _fail(t("explain_did_you_mean", lang, query=query, names=_names(near, lang)), lang, 2)
    raise _fail(t("explain_unknown", lang, query=query), lang, 2)


def _text_json(text: Any) -> dict[str, str] | None:
    return None if text is None else {"en": text.en, "zh": text.zh}


def card_json(card: Card, result: Any = None, error: Any = None) -> dict[str, Any]:
    """The card's data (both languages) plus, when it has one, the example's answers."""
    from examprep.bank.card_example import result_json

    data: dict[str, Any] = {
        "id": card.id,
        "topic": card.topic,
        "names": {"en": list(card.names_en), "zh": list(card.names_zh)},
        "definition": _text_json(card.definition),
        "formulas": [{"label": _text_json(f.label), "formula": f.formula} for f in card.formulas],
        "intuition": _text_json(card.intuition),
        "compare": _text_json(card.compare),
        "misconceptions": [_text_json(m) for m in card.misconceptions],
        "exam": list(card.exam),
        "related": list(card.related),
        "source": _text_json(card.source),
        "example": None,
    }
    if card.example is not None:
        example = card.example
        data["example"] = {
            "solver": example.solver,
            "args": example.args,
            "compare": {k: list(v) for k, v in example.compare.items()},
            "note": _text_json(example.note),
        }
        if result is not None:
            data["example"].update(result_json(result))
        if error is not None:
            data["example"]["error"] = _text_json(error)
    return data


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


@app.command(
    help=H(
        "A concept explained: definition, formulas, intuition, common mistakes and a live example.",
        "讲解一个概念：定义、公式、直观理解、常见误区和现场计算的实例。",
    )
)
def explain(
    concept: str | None = typer.Argument(
        None,
        help=H(
            "A concept: id, English or Chinese name, e.g. nesterov, 动量法 (none: list the topics).",
            "概念：id、英文名或中文名，例如 nesterov、动量法（不给则列出各主题）。",
        ),
    ),
    list_cards: bool = typer.Option(False, "--list", help=H("List the cards.", "列出概念卡片。")),
    topic: str | None = typer.Option(
        None, "--topic", help=H("With --list: only this topic.", "与 --list 同用：只看该主题。")
    ),
    as_json: bool = typer.Option(False, "--json", help=H("JSON output.", "以 JSON 输出。")),
    lang: str | None = LangOption,
) -> None:
    """A concept explained: definition, formulas, intuition, common mistakes and a live example."""
    import os

    from examprep.i18n import t

    language = lang_of(lang)
    if lang is None and not os.environ.get("EXAMPREP_LANG") and concept and _has_chinese(concept):
        language = "zh"  # asked by its Chinese name and no language chosen: answer in Chinese
    cards = _load(language)
    if concept is None or list_cards:
        if concept is not None:
            raise _fail(t("explain_no_concept", language), language, 2)
        _list(cards, topic, list_cards, as_json, language)
        return
    card = _find(cards, concept, language)
    result, error = None, None
    if card.example is not None:
        from examprep.bank.card_example import ExampleError, run_example

        try:
            result = run_example(card.example, cards.prepared.get(card.id))
        except ExampleError as exc:
            error = exc.text
    if as_json:
        sys.stdout.write(json.dumps(card_json(card, result, error), ensure_ascii=False) + "\n")
    else:
        from examprep.render.card import card_view
        from examprep.render.console import make_console

        console = make_console()
        message = t("explain_example_error", language, reason=error.get(language)) if error else None
        console.print(card_view(card, cards, language, result, message, console.width))
    if error is not None:
        raise _fail(t("explain_example_error", language, reason=error.get(language)), language)


def _list(cards: CardSet, topic: str | None, list_cards: bool, as_json: bool, lang: str) -> None:
    from examprep.bank.topics import resolve_topic
    from examprep.i18n import t

    counts = cards.topics()
    topic = resolve_topic(topic, list(counts)) or topic if topic is not None else None
    if topic is not None and topic not in counts:
        raise _fail(t("explain_unknown_topic", lang, topic=topic, topics=", ".join(counts)), lang, 2)
    from examprep.render.console import make_console

    if list_cards or topic is not None:
        selected = cards.by_topic(topic)
        if as_json:
            data = [
                {"id": c.id, "topic": c.topic, "names": {"en": list(c.names_en), "zh": list(c.names_zh)}}
                for c in selected
            ]
            sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
            return
        from examprep.render.card import card_list_table

        make_console().print(card_list_table(selected, lang))
        return
    if as_json:
        sys.stdout.write(json.dumps([{"topic": k, "cards": v} for k, v in counts.items()], ensure_ascii=False) + "\n")
        return
    from examprep.render.card import topic_table

    make_console().print(topic_table(counts, lang))
