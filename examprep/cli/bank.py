"""``examprep bank list|show|check``: browse and self-test the question bank."""

from __future__ import annotations

import json
import sys

import typer

from examprep.cli.base import BankOption, LangOption, app, fail, lang_of, load_bank, topic_of
from examprep.i18n import help_text as H

bank_app = typer.Typer(help=H("Browse and self-test the question bank.", "浏览题库并自检。"), no_args_is_help=True)
app.add_typer(bank_app, name="bank")


@bank_app.command("list", help=H("List the templates: id, topic, kind.", "列出题目：id、主题、类型。"))
def bank_list(
    topic: str | None = typer.Option(None, "--topic", help=H("Only this topic.", "只看该主题。")),
    as_json: bool = typer.Option(False, "--json", help=H("JSON output.", "以 JSON 输出。")),
    lang: str | None = LangOption,
    bank: list[str] | None = BankOption,
) -> None:
    """List the templates: id, topic, kind."""
    language = lang_of(lang)
    loaded = load_bank(bank, language)
    topic = topic_of(topic, loaded, language)
    rows = [t for t in loaded.templates.values() if topic is None or t.topic == topic]
    if not rows:
        from examprep.i18n import t as tr

        raise fail(tr("no_templates", language, topic=topic or "*"), 1, language)
    if as_json:
        data = [
            {"id": t.id, "topic": t.topic, "kind": t.kind, "points": t.points, "title": t.title.get(language)}
            for t in rows
        ]
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        return
    from rich.table import Table
    from rich.text import Text

    from examprep.i18n import t as tr
    from examprep.render.console import make_console

    console = make_console()
    if not console.is_terminal:  # piped: one whole line per template, easy to grep and cut
        for tpl in rows:
            sys.stdout.write(f"{tpl.id}\t{tpl.topic}\t{tpl.kind}\t{tpl.title.get(language)}\n")
        return
    id_width = max(len(tpl.id) for tpl in rows)
    if console.width < id_width + 36:  # narrow: a stacked list, so no column is squeezed
        for tpl in rows:
            console.print(Text(tpl.id, style="bold"), no_wrap=True, overflow="ignore", crop=False)
            kind = tr("kind_" + tpl.kind, language)
            console.print(Text(f"  {tpl.topic} · {kind} · {tpl.title.get(language)}"))
        return
    # The id column never wraps or shortens (ids are copied into 'bank show'); the title wraps.
    table = Table(*(tr(key, language) for key in ("col_id", "col_topic", "col_kind", "col_title")))
    table.columns[0].no_wrap = True
    table.columns[0].min_width = id_width
    table.columns[3].overflow = "fold"
    for tpl in rows:
        table.add_row(Text(tpl.id), tpl.topic, tr("kind_" + tpl.kind, language), Text(tpl.title.get(language)))
    console.print(table)


@bank_app.command(
    "show",
    help=H(
        "Show one variant of a template with its answers and worked solution.",
        "显示某题目的一个变式及其答案和详细解答。",
    ),
)
def bank_show(
    template_id: str = typer.Argument(
        ..., help=H("Template id (see 'examprep bank list').", "题目 id（见 'examprep bank list'）。")
    ),
    seed: int = typer.Option(1, "--seed", help=H("Which variant.", "第几个变式。")),
    lang: str | None = LangOption,
    bank: list[str] | None = BankOption,
) -> None:
    """Show one variant of a template with its answers and worked solution."""
    from examprep.bank.question import TemplateError, build_question
    from examprep.bank.sampling import SamplingError
    from examprep.i18n import t
    from examprep.render.console import make_console
    from examprep.render.drill_ui import RichDrillUI

    language = lang_of(lang)
    loaded = load_bank(bank, language)
    template = loaded.get(template_id)
    if template is None:
        from examprep.suggest import did_you_mean

        message = t("unknown_template", language, id=template_id) + did_you_mean(
            template_id, list(loaded.templates), language
        )
        raise fail(message, 2, language)
    console = make_console()
    from rich.text import Text

    # Everything below is bank text: printed as rich.text.Text, never read as markup ("E[m⊙x]").
    if template.kind != "calc":
        from examprep.render.freetext_ui import rubric_view

        console.print(rubric_view(template, language))
        return
    try:
        question = build_question(template, seed)
    except (TemplateError, SamplingError) as exc:
        raise fail(str(exc), 1, language) from None
    ui = RichDrillUI(console, language, interactive=True, asking=False)
    ui.show_question(1, 1, question)
    for part in template.parts:
        value = part.show(question.expected(part))
        console.print(Text.assemble(f"  {part.prompt.get(language)}: ", (value, "bold green")))
    ui.show_solution(question)


@bank_app.command(
    "check",
    help=H(
        "Self-test every template: right answers score full marks, mistakes are caught, junk is refused.",
        "自检所有题目：正确答案得满分、常见错误被识别、乱码被拒绝。",
    ),
)
def bank_check(
    variants: int = typer.Option(5, "--variants", min=1, help=H("Variants per template.", "每个题目检查的变式数。")),
    topic: str | None = typer.Option(None, "--topic", help=H("Only this topic.", "只看该主题。")),
    lang: str | None = LangOption,
    bank: list[str] | None = BankOption,
) -> None:
    """Self-test every template: right answers score full marks, mistakes are caught, junk is refused."""
    from examprep.bank.check import check_bank
    from examprep.i18n import t
    from examprep.render.console import make_console

    language = lang_of(lang)
    loaded = load_bank(bank, language)
    topic = topic_of(topic, loaded, language)
    reports = check_bank(loaded, variants, topic)
    if not reports:
        raise fail(t("no_templates", language, topic=topic or "*"), 1, language)
    failed = [r for r in reports if not r.ok]
    console = make_console()
    if failed:
        console.print(t("check_failed", language, failed=len(failed), count=len(reports)), markup=False)
        for report in failed:
            console.print(f"  {report.template_id}", markup=False)
            for failure in report.failures[:10]:
                console.print(f"    - {failure}", markup=False)
    else:
        console.print(t("check_ok", language, count=len(reports), variants=variants), markup=False)
    cards_ok = _check_cards(loaded, topic, language, console)
    if failed or not cards_ok:
        raise typer.Exit(1)


def _check_cards(loaded: object, topic: str | None, language: str, console: object) -> bool:
    """The concept cards (question_bank/concepts): load them, check exam ids against the bank,
    run every live example. Prints the result; True when all pass."""
    from examprep.bank.card_example import check_cards
    from examprep.bank.cards import CardLoadError, load_cards
    from examprep.i18n import t

    try:
        cards = load_cards()
    except CardLoadError as exc:
        console.print(t("explain_cards_error", language), markup=False)
        for error in exc.errors:
            console.print(f"  - {error}", markup=False)
        return False
    reports = check_cards(cards, loaded, topic)
    failed = [r for r in reports if not r.ok]
    if failed:
        console.print(t("cards_check_failed", language, failed=len(failed), count=len(reports)), markup=False)
        for report in failed:
            console.print(f"  {report.card_id} ({report.path})", markup=False)
            for failure in report.failures:
                console.print(f"    - {failure}", markup=False)
        return False
    console.print(t("cards_check_ok", language, count=len(reports)), markup=False)
    return True
