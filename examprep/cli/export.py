"""``examprep export anki``: the concept cards and worked calculation variants as an Anki deck."""

from __future__ import annotations

from pathlib import Path

import typer

from examprep.cli.base import BankOption, app, fail, load_bank
from examprep.i18n import help_text as H

export_app = typer.Typer(
    help=H("Export study material for other tools.", "导出学习材料，供其他工具使用。"), no_args_is_help=True
)
app.add_typer(export_app, name="export")


@export_app.command(
    "anki",
    help=H(
        "Write an Anki deck (.apkg): concept cards, and worked variants of every calculation template. "
        "Importing a newer deck updates the notes instead of duplicating them.",
        "生成 Anki 卡组（.apkg）：概念卡片，以及每个计算题型的带详细解答的变式。再次导入会更新已有卡片而不会重复。",
    ),
)
def anki(
    output: Path = typer.Option(Path("examprep.apkg"), "-o", "--output", help=H("File to write.", "输出文件。")),
    topic: str | None = typer.Option(None, "--topic", help=H("Only this topic.", "只导出这个主题。")),
    lang: str = typer.Option(
        "both",
        "--lang",
        help=H("Card language: en, zh or both.", "卡片语言：en、zh 或 both（双语）。"),
    ),
    bank: list[str] | None = BankOption,
) -> None:
    from examprep.cli.base import lang_of
    from examprep.export.anki import LANG_CHOICES, build_deck, write_apkg
    from examprep.export.cards import CardError, read_cards
    from examprep.i18n import t
    from examprep.render.console import make_console

    choice = lang.strip().lower()
    language = lang_of(choice if choice in ("en", "zh") else None)
    if choice not in LANG_CHOICES:
        raise fail(t("anki_bad_lang", language, value=lang), 2)
    loaded = load_bank(bank, language)
    try:
        cards = read_cards()
    except CardError as exc:
        raise fail(t("anki_cards_error", language, reason=exc)) from None
    from examprep.bank.topics import resolve_topic

    known = set(loaded.topics()) | {str(c.get("topic")) for c in cards}
    topic = resolve_topic(topic, sorted(known)) or topic if topic is not None else None
    if topic is not None and topic not in known:
        raise fail(t("anki_unknown_topic", language, topic=topic, topics=", ".join(sorted(known))), 2)
    deck, summary = build_deck(loaded, cards, choice, topic)
    for error in summary.errors:
        make_console(stderr=True).print(f"warning: {error}", markup=False)
    try:
        write_apkg(deck, output)
    except OSError as exc:
        raise fail(t("history_write_failed", language, path=output, reason=exc.strerror or exc)) from None
    make_console().print(
        t("anki_written", language, path=output, concepts=summary.concept_notes, variants=summary.variant_notes),
        markup=False,
    )
