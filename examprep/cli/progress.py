"""``examprep review``, ``stats``, ``plan`` and ``history``: progress that lasts."""

from __future__ import annotations

import json
import random
from pathlib import Path

import typer

from examprep.cli.base import BankOption, LangOption, app, fail, lang_of, load_bank, topic_of
from examprep.i18n import help_text as H

JsonOption = typer.Option(False, "--json", help=H("Machine-readable JSON on stdout.", "输出 JSON（写到标准输出）。"))
TopicOption = typer.Option(None, "--topic", help=H("Only this topic.", "只看这个主题。"))

history_app = typer.Typer(
    help=H("Your practice history: export it, or repair a damaged file.", "练习记录：导出，或修复损坏的记录文件。"),
    no_args_is_help=True,
)
app.add_typer(history_app, name="history")


@app.command(
    help=H(
        "Review the skills that are due, most overdue first, with new numbers each time.",
        "复习到期的技能：最久未复习的优先，每次数值都重新生成。",
    )
)
def review(
    count: int = typer.Option(10, "-n", "--count", min=1, max=100, help=H("Most questions.", "最多题数。")),
    topic: str | None = TopicOption,
    list_only: bool = typer.Option(
        False, "--list", help=H("Only list the due skills.", "只列出到期的技能，不开始复习。")
    ),
    as_json: bool = JsonOption,
    lang: str | None = LangOption,
    bank: list[str] | None = BankOption,
) -> None:
    from examprep.cli.drill import run_session
    from examprep.cli.store_access import practice_store, reading_store, store_failure
    from examprep.i18n import t
    from examprep.render.console import make_console
    from examprep.render.progress import review_table
    from examprep.session.review import due_skills, review_questions
    from examprep.store import StoreError

    language = lang_of(lang)
    loaded = load_bank(bank, language)
    topic = topic_of(topic, loaded, language)  # CNN, 卷积 → cnn; an unknown one is a usage error
    console = make_console()
    if list_only or as_json:
        store = reading_store(language)
        try:
            due = due_skills(store, loaded, topic)
            upcoming = store.skills(topic=topic)
        except StoreError as exc:
            raise store_failure(exc, language) from None
        finally:
            store.close()
        if as_json:
            rows = [
                {
                    "template_id": s.template_id,
                    "topic": s.topic,
                    "due": s.due.isoformat(timespec="seconds"),
                    "overdue_days": s.overdue_days,
                }
                for s in due
            ]
            typer.echo(json.dumps(rows, ensure_ascii=False))
            return
        if due:
            console.print(review_table(due, language))
        else:
            console.print(_nothing_due(upcoming, language), markup=False)
        return
    store = practice_store(console, language)
    if store is None:
        store = reading_store(language)  # cannot save, but can still read what is due
    try:
        due = due_skills(store, loaded, topic)
        upcoming = store.skills(topic=topic) if not due else []
    except StoreError as exc:
        raise store_failure(exc, language) from None
    if not due:
        console.print(_nothing_due(upcoming, language), markup=False)
        store.close()
        return
    questions, errors = review_questions(loaded, due, count, random.Random())  # fresh numbers every time
    console.print(t("review_start", language, due=len(due), count=len(questions)), markup=False)
    run_session(console, language, questions, errors, store, "review", None)


def _nothing_due(skills: list, lang: str) -> str:
    from examprep import clock
    from examprep.i18n import t

    if not skills:
        return t("review_never", lang)
    soonest = min(s.due for s in skills)
    return t("review_nothing", lang, next=clock.from_timestamp(soonest).astimezone().strftime("%Y-%m-%d %H:%M"))


@app.command(
    help=H(
        "Your progress: accuracy, weakest skills, mistakes, reviews due, calendar.\n\n"
        "Accuracy per topic and skill, trend, weakest skills, frequent mistakes, due reviews, calendar and streak.",
        "练习进度：正确率、薄弱技能、常见错误、待复习、练习日历。\n\n"
        "各主题与技能的正确率、趋势、最薄弱技能、常见错误、待复习数量、练习日历和连续天数。",
    )
)
def stats(
    topic: str | None = TopicOption,
    as_json: bool = JsonOption,
    lang: str | None = LangOption,
    bank: list[str] | None = BankOption,
) -> None:
    from examprep.cli.store_access import reading_store, store_failure
    from examprep.render.console import make_console
    from examprep.render.progress import render_stats
    from examprep.stats import compute
    from examprep.store import StoreError

    language = lang_of(lang)
    loaded = load_bank(bank, language)
    topic = topic_of(topic, loaded, language)  # CNN, 卷积 → cnn; an unknown one is a usage error
    store = reading_store(language)
    try:
        figures = compute(store, topic)
    except StoreError as exc:
        raise store_failure(exc, language) from None
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps(figures.to_json(), ensure_ascii=False))
        return
    titles = {tid: template.title.get(language) for tid, template in loaded.templates.items()}
    render_stats(make_console(), figures, language, titles, every_skill=topic is not None)


@app.command(
    help=H(
        "A day-by-day plan to the exam, weakest topics first.\n\n"
        "Covers every topic before the exam, weakest first; the exam date caps every review interval.",
        "到考试为止的逐日计划，薄弱主题优先。\n\n考试前覆盖所有主题，薄弱优先；复习间隔不会超过考试日期。",
    )
)
def plan(
    exam_date: str | None = typer.Option(
        None,
        "--exam-date",
        help=H("Exam date YYYY-MM-DD (saved: give it once).", "考试日期 YYYY-MM-DD（会保存，只需设置一次）。"),
    ),
    as_json: bool = JsonOption,
    lang: str | None = LangOption,
    bank: list[str] | None = BankOption,
) -> None:
    from datetime import date

    from examprep import clock, scheduling
    from examprep.cli.store_access import reading_store, store_failure
    from examprep.i18n import t
    from examprep.plan import PlanError, build_plan
    from examprep.render.console import make_console
    from examprep.render.progress import render_plan
    from examprep.stats import topic_accuracy
    from examprep.store import StoreError

    language = lang_of(lang)
    exam = None
    if exam_date is not None:
        try:
            exam = date.fromisoformat(exam_date.strip())
        except ValueError:
            raise fail(t("plan_bad_date", language, value=exam_date), 2) from None
    loaded = load_bank(bank, language)
    store = reading_store(language)
    console = make_console()
    try:
        if exam is None:
            exam = scheduling.exam_date(store)
            if exam is None:
                raise fail(t("plan_no_date", language), 2)
        today = clock.today()
        if exam <= today:
            raise fail(t("plan_past", language, date=exam.isoformat(), today=today.isoformat()), 2)
        if exam_date is not None:
            if store.readonly:
                make_console(stderr=True).print(t("store_readonly", language, path=store.path), markup=False)
            store.set_setting(scheduling.EXAM_DATE_KEY, exam.isoformat())
            scheduling.cap_at_exam(store, exam)
            if not as_json:
                console.print(t("plan_saved", language, date=exam.isoformat()), markup=False)
        days = build_plan(loaded.topics(), topic_accuracy(store), store.skills(), exam, today)
    except StoreError as exc:
        raise store_failure(exc, language) from None
    except PlanError:
        raise fail(t("plan_past", language, date=exam.isoformat(), today=clock.today().isoformat()), 2) from None
    finally:
        store.close()
    if as_json:
        rows = [
            {
                "day": d.day.isoformat(),
                "topics": [s.topic for s in d.topics],
                "new": sum(s.questions for s in d.topics),
                "reviews": d.all_reviews,
                "reviews_scheduled": d.reviews,
                "reviews_expected": round(d.expected_reviews, 2),
                "questions": d.questions,
            }
            for d in days
        ]
        typer.echo(json.dumps({"exam_date": exam.isoformat(), "days": rows}, ensure_ascii=False))
        return
    render_plan(console, days, exam, language)


@history_app.command("export", help=H("Write every attempt as CSV or JSON.", "把每一条作答记录导出为 CSV 或 JSON。"))
def history_export(
    fmt: str = typer.Option("csv", "--format", help=H("csv or json.", "csv 或 json。")),
    output: Path | None = typer.Option(
        None, "-o", "--output", help=H("File to write (default: stdout).", "输出文件（默认：标准输出）。")
    ),
    lang: str | None = LangOption,
) -> None:
    from examprep.cli.store_access import reading_store, store_failure
    from examprep.export.history import FORMATS, dumps
    from examprep.i18n import t
    from examprep.render.console import make_console
    from examprep.store import StoreError

    language = lang_of(lang)
    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise fail(t("history_bad_format", language, value=fmt), 2)
    store = reading_store(language)
    try:
        rows = store.attempt_rows()
    except StoreError as exc:
        raise store_failure(exc, language) from None
    finally:
        store.close()
    text = dumps(rows, fmt)
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise fail(t("history_write_failed", language, path=output, reason=exc.strerror or exc)) from None
    make_console(stderr=True).print(t("history_written", language, count=len(rows), path=output), markup=False)


@history_app.command(
    "repair",
    help=H(
        "Keep the history file as a backup and start a new one with everything that can still be read.",
        "把练习记录文件保留为备份，并新建一个记录文件，恢复其中还能读取的内容。",
    ),
)
def history_repair(lang: str | None = LangOption) -> None:
    from examprep.i18n import t
    from examprep.render.console import make_console
    from examprep.store import StoreError, default_path, repair

    language = lang_of(lang)
    path = default_path()
    console = make_console()
    if not path.exists():
        console.print(t("history_none", language, path=path), markup=False)
        return
    try:
        report = repair(path)
    except (StoreError, OSError) as exc:
        raise fail(t("history_write_failed", language, path=path, reason=exc)) from None
    if not report.readable:
        console.print(t("history_unreadable_backup", language, backup=report.backup), markup=False)
        return
    counts = t("table_names", language, **report.recovered)
    console.print(t("history_repaired", language, backup=report.backup, counts=counts), markup=False)
