"""``examprep drill``: practice graded at once."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import typer

from examprep.cli.base import BankOption, LangOption, app, fail, lang_of, load_bank
from examprep.i18n import help_text as H

if TYPE_CHECKING:
    from rich.console import Console

    from examprep.bank.question import Question
    from examprep.store import Store


@app.command(
    help=H(
        "Practise a topic: each answer graded at once, then the worked solution.\n\n"
        "Name topics or template ids; with none, your weakest topics.",
        "练习一个主题：每个答案立即批改，并给出详细解答。\n\n可写一个或几个主题、题目 id；不写则练习你最薄弱的主题。",
    )
)
def drill(
    targets: list[str] | None = typer.Argument(
        None,
        help=H(
            "Topics by id or name (e.g. cnn, 卷积) or template ids (e.g. cnn.exam2020.q1); none: your weakest topics.",
            "主题 id 或名称（如 cnn、卷积）或题目 id（如 cnn.exam2020.q1）；不写则练习最薄弱的主题。",
        ),
        show_default=False,
    ),
    count: int = typer.Option(5, "-n", "--count", min=1, max=100, help=H("Number of questions.", "题目数量。")),
    seed: int | None = typer.Option(
        None, "--seed", help=H("Seed for a repeatable set of variants.", "随机种子，用于重做同一组变式。")
    ),
    kind: str = typer.Option(
        "all",
        "--kind",
        help=H(
            "calc (calculations), concept (short answers and essays, written in free text) or all.",
            "calc 计算题；concept 简答与论述题（文字作答）；all 全部。",
        ),
    ),
    lang: str | None = LangOption,
    bank: list[str] | None = BankOption,
) -> None:
    """Practise topics or templates: each answer graded at once, then the worked solution."""
    from examprep.cli.store_access import practice_store
    from examprep.i18n import t
    from examprep.render.console import make_console
    from examprep.session import choose
    from examprep.session.drill import KIND_CHOICES, pick_questions

    language = lang_of(lang)
    kind = kind.strip().lower()
    if kind not in KIND_CHOICES:
        raise fail(t("bad_kind", language, kind=kind), 2, language)
    kinds = KIND_CHOICES[kind]
    from examprep.bank.topics import TOPIC_NAMES, resolve_topic

    loaded = None
    if targets and len(targets) == 1 and "." not in targets[0]:  # one topic: read only its templates (fast start)
        named = resolve_topic(targets[0], list(TOPIC_NAMES)) or targets[0].strip().lower()
        loaded = load_bank(bank, language, named)
        if not loaded.topics():
            loaded = None
    if loaded is None:
        loaded = load_bank(bank, language)
    console = make_console()
    seed = seed if seed is not None else random.randrange(1, 100000)
    store = practice_store(console, language)
    names = [resolve_topic(name, loaded.topics()) or name for name in targets or []]  # CNN, 卷积 → cnn
    if not names:
        from examprep.stats import topic_accuracy
        from examprep.store import StoreError

        try:
            accuracy = topic_accuracy(store) if store is not None else {}
        except StoreError:
            accuracy = {}
        names = choose.weakest_topics(loaded, accuracy, kinds=kinds)
        console.print(t("weakest_drill", language, topics=", ".join(names)), markup=False)
    if len(names) == 1 and names[0] in loaded.topics() and loaded.get(names[0]) is None:
        questions, errors = pick_questions(loaded, names[0], count, seed, kind)  # the long-standing one-topic order
    else:
        templates, unknown = choose.resolve(loaded, names, kinds)
        if unknown:
            from examprep.suggest import did_you_mean

            hint = did_you_mean(unknown[0], loaded.topics() + list(loaded.templates), language)
            from examprep.bank.topics import topic_label

            listed = ", ".join(topic_label(topic, language) for topic in loaded.topics())
            message = t("unknown_targets", language, names=", ".join(unknown), topics=listed)
            raise fail(message + hint, 2, language)
        questions, errors = choose.pick(templates, count, seed, key="+".join(names))
    if not questions and not errors:
        topic = " ".join(names)
        raise fail(
            t("no_calc", language, topic=topic) if kind == "calc" else t("no_items", language, topic=topic, kind=kind),
            1,
            language,
        )
    replay = f"examprep drill {' '.join(names)} -n {count} --seed {seed}" + (f" --kind {kind}" if kind != "all" else "")
    replay += f" --lang {language}" if lang else ""
    run_session(console, language, questions, errors, store, "drill", replay)


def run_session(
    console: Console,
    language: str,
    questions: list[Question],
    errors: list[str],
    store: Store | None,
    kind: str,
    replay: str | None,
) -> None:
    """Run a drill or review session in the terminal and print its summary (shared by both)."""
    from examprep.i18n import t
    from examprep.render.console import make_console
    from examprep.render.drill_ui import RichDrillUI, render_summary
    from examprep.session.drill import DrillSession

    for error in errors:
        from rich.text import Text

        make_console(stderr=True).print(Text.assemble((t("warning", language), "yellow"), " ", error), highlight=False)
    if not questions:
        raise fail(t("no_calc", language, topic=kind))
    session = DrillSession(questions, store, kind=kind)
    try:
        session.run(RichDrillUI(console, language))
    except KeyboardInterrupt:
        console.print(f"\n[yellow]{t('interrupted', language)}[/yellow]")
    render_summary(console, session.answered, language)
    if session.store_error is not None:
        console.print(t("store_lost", language, reason=session.store_error), style="yellow", markup=False)
    if replay:
        console.print(t("replay", language, command=replay), style="dim", markup=False)
    if store is not None:
        store.close()
