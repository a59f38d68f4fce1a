"""``examprep drill``: practice graded at once."""

from __future__ import annotations

import random

import typer

from examprep.cli.base import BankOption, LangOption, app, fail, lang_of, load_bank
from examprep.i18n import help_text as H


@app.command(
    help=H(
        "Practise one topic: each answer graded at once, then the worked solution.",
        "练习一个主题：每个答案立即批改，并给出详细解答。",
    )
)
def drill(
    topic: str = typer.Argument(
        ..., help=H("Topic id, e.g. cnn (see 'examprep bank list').", "主题 id，例如 cnn（见 'examprep bank list'）。")
    ),
    count: int = typer.Option(5, "-n", "--count", min=1, max=100, help=H("Number of questions.", "题目数量。")),
    seed: int | None = typer.Option(
        None, "--seed", help=H("Seed for a repeatable set of variants.", "随机种子，用于重做同一组变式。")
    ),
    lang: str | None = LangOption,
    bank: list[str] | None = BankOption,
) -> None:
    """Practise one topic: each answer graded at once, then the worked solution."""
    from examprep.i18n import t
    from examprep.render.console import make_console
    from examprep.render.drill_ui import RichDrillUI, render_summary
    from examprep.session.drill import DrillSession, pick_questions
    from examprep.store import Store

    language = lang_of(lang)
    loaded = load_bank(bank, language, topic)  # only this topic's templates are read
    if topic not in loaded.topics():
        topics = load_bank(bank, language).topics()
        raise fail(t("unknown_topic", language, topic=topic, topics=", ".join(topics)), 2)
    seed = seed if seed is not None else random.randrange(1, 100000)
    questions, errors = pick_questions(loaded, topic, count, seed)
    console = make_console()
    for error in errors:
        make_console(stderr=True).print(f"[yellow]warning:[/yellow] {error}", markup=True, highlight=False)
    if not questions:
        raise fail(t("no_calc", language, topic=topic))
    store = None
    try:
        store = Store()
        if store.moved_aside is not None:
            console.print(t("store_moved", language, path=store.moved_aside), style="yellow", markup=False)
    except Exception as exc:  # the history is a convenience: never block practice on it
        console.print(t("store_warning", language, reason=exc), style="yellow", markup=False)
    session = DrillSession(questions, store)
    try:
        session.run(RichDrillUI(console, language))
    except KeyboardInterrupt:
        console.print(f"\n[yellow]{t('interrupted', language)}[/yellow]")
    render_summary(console, session.answered, language)
    replay = f"examprep drill {topic} -n {count} --seed {seed}" + (f" --lang {language}" if lang else "")
    console.print(f"[dim]{t('replay', language, command=replay)}[/dim]")
    if store is not None:
        store.close()
