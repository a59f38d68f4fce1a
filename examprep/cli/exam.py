"""``examprep mock-exam``: a timed paper in the real format, answer sheets and printable papers."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from examprep.cli.base import BankOption, LangOption, app, fail, lang_of, load_bank
from examprep.i18n import help_text as H

if TYPE_CHECKING:
    from examprep.bank.loader import Bank
    from examprep.bank.papers import Blueprint, PaperPlan
    from examprep.session.exam_paper import ExamPaper
    from examprep.session.exam_store import AttemptRecord, ExamStore


@app.command(
    "mock-exam",
    help=H(
        "A timed paper in the real exam's format, graded at the end.\n\n"
        "Answer in any order; a full report when you hand in. "
        "Also: --list papers, --attempts, --resume, blank --sheet, grading --answers, printable --export.",
        "按真实考试格式的限时模拟卷，交卷后统一批改。\n\n"
        "可按任意顺序作答；交卷后给出完整报告。"
        "另有：--list 列出试卷、--attempts 考试记录、--resume 继续、--sheet 空白答题卡、--answers 批改答题卡、--export 导出打印版。",
    ),
)
def mock_exam(
    paper: str | None = typer.Option(
        None, "--paper", help=H("Paper id (see --list; default: default).", "试卷 id（见 --list；默认 default）。")
    ),
    seed: int | None = typer.Option(
        None, "--seed", help=H("Seed: the same seed sets the same paper.", "随机种子：相同种子得到同一份试卷。")
    ),
    minutes: float | None = typer.Option(
        None,
        "--minutes",
        min=1,
        max=600,
        help=H("Time allowed (default: the paper's).", "考试时长（默认按试卷规定）。"),
    ),
    twin: bool = typer.Option(False, "--twin", help=H("A past paper with fresh numbers.", "真题换一组新数字。")),
    list_papers: bool = typer.Option(False, "--list", help=H("List the papers.", "列出所有试卷。")),
    attempts: bool = typer.Option(False, "--attempts", help=H("List your attempts.", "列出考试记录。")),
    resume: bool = typer.Option(False, "--resume", help=H("Continue the unfinished attempt.", "继续未完成的考试。")),
    abandon: bool = typer.Option(False, "--abandon", help=H("Abandon the unfinished attempt.", "放弃未完成的考试。")),
    sheet: bool = typer.Option(
        False, "--sheet", help=H("Print a blank answer sheet (YAML).", "输出空白答题卡（YAML）。")
    ),
    answers: Path | None = typer.Option(
        None, "--answers", help=H("Grade a filled answer sheet.", "批改填好的答题卡。")
    ),
    export: Path | None = typer.Option(
        None, "--export", help=H("Write a printable paper (.html or .md).", "导出可打印的试卷（.html 或 .md）。")
    ),
    with_solutions: bool = typer.Option(
        False,
        "--with-solutions",
        help=H("With --export: also write the answer key as a separate file.", "与 --export 同用：另存一份参考答案。"),
    ),
    report: int | None = typer.Option(
        None, "--report", help=H("Show the stored report of attempt ID.", "显示第 ID 次考试保存的成绩报告。")
    ),
    json_out: bool = typer.Option(False, "--json", help=H("Machine-readable output.", "输出 JSON。")),
    lang: str | None = LangOption,
    bank: list[str] | None = BankOption,
) -> None:
    """A timed paper in the real exam's format."""
    from examprep.i18n import t

    language = lang_of(lang)
    modes = {
        "--list": list_papers,
        "--attempts": attempts,
        "--resume": resume,
        "--sheet": sheet,
        "--answers": answers is not None,
        "--export": export is not None,
        "--report": report is not None,
    }
    chosen = [name for name, on in modes.items() if on]
    if len(chosen) > 1:
        raise fail(t("exam_conflict", language, a=chosen[0], b=chosen[1]), 2)
    if with_solutions and export is None:
        raise fail(t("exam_conflict", language, a="--with-solutions", b="(no --export)"), 2)
    if json_out and not (list_papers or attempts or answers is not None or report is not None):
        raise fail(t("exam_conflict", language, a="--json", b=chosen[0] if chosen else "mock-exam"), 2)
    if abandon and (chosen and not resume):
        raise fail(t("exam_conflict", language, a="--abandon", b=chosen[0]), 2)

    loaded = load_bank(bank, language)
    if list_papers:
        _list(loaded, language, json_out)
        return
    if attempts:
        _attempts(_exam_store(language), loaded, language, json_out)
        return
    if report is not None:
        _show_report(_exam_store(language), loaded, bank, report, language, json_out)
        return
    if answers is not None:
        _grade_sheet(loaded, answers, paper, seed, twin, language, json_out)
        return
    blueprint = _blueprint(paper or "default", language)
    if twin and not blueprint.has_twin:
        raise fail(t("exam_no_twin", language, name=blueprint.id), 2)
    if sheet or export is not None:
        built = _build(blueprint, loaded, _seed(seed), twin, language)
        if sheet:
            from examprep.session.exam_sheet import write_sheet

            typer.echo(write_sheet(built, language), nl=False)
        else:
            _export(built, export, with_solutions, language)  # type: ignore[arg-type]
        return
    _sit(loaded, bank, blueprint, seed, minutes, twin, resume, abandon, language, lang is not None)


# -- helpers ------------------------------------------------------------------------------------


def _seed(seed: int | None) -> int:
    import random

    return seed if seed is not None else random.randrange(1, 100000)


def _blueprints(language: str) -> dict[str, Blueprint]:
    from examprep.bank.papers import PaperError, load_blueprints
    from examprep.i18n import t

    try:
        return load_blueprints()
    except PaperError as exc:
        raise fail(t("exam_paper_error", language) + "\n  " + str(exc).replace("\n", "\n  ")) from None


def _blueprint(name: str, language: str) -> Blueprint:
    from examprep.i18n import t

    papers = _blueprints(language)
    if name not in papers:
        raise fail(t("exam_unknown_paper", language, name=name, names=", ".join(papers)), 2)
    return papers[name]


def _build(blueprint: Blueprint, bank: Bank, seed: int, twin: bool, language: str) -> ExamPaper:
    from examprep.bank.papers import PaperError, plan_paper
    from examprep.i18n import t
    from examprep.session.exam_paper import build_paper

    try:
        return build_paper(plan_paper(blueprint, bank, seed, twin), bank)
    except PaperError as exc:
        raise fail(t("exam_paper_error", language) + "\n  " + str(exc).replace("\n", "\n  ")) from None


def _exam_store(language: str) -> ExamStore:
    """The history, writable: an exam saves every answer as it is entered, so it does not start
    without one. A damaged file is repaired first (and said), as for practice."""
    from examprep.cli.store_access import practice_store
    from examprep.i18n import t
    from examprep.render.console import make_console
    from examprep.session.exam_store import ExamStore

    store = practice_store(make_console(stderr=True), language)
    if store is None or store.readonly:
        raise fail(t("exam_store_needed", language, reason=store.path if store else "-"), 1, language)
    return ExamStore(store)


def _list(bank: Bank, language: str, json_out: bool) -> None:
    import json

    from examprep.bank.papers import missing_templates
    from examprep.i18n import t

    rows = []
    for blueprint in _blueprints(language).values():
        missing = missing_templates(blueprint, bank)
        points = sum((i.points or 0) for s in blueprint.sections for q in s.questions for i in q.items)
        rows.append((blueprint, missing, blueprint.total or points))
    if json_out:
        data = [
            {
                "id": b.id,
                "title": b.title.get(language),
                "description": b.description.get(language),
                "minutes": b.minutes,
                "questions": b.question_count,
                "points": points,
                "twin": b.has_twin,
                "ready": not missing,
                "missing": missing,
            }
            for b, missing, points in rows
        ]
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    from examprep.render.console import make_console
    from examprep.render.exam_ui import render_papers

    table = []
    for b, missing, points in rows:
        fmt = t("exam_format", language, questions=b.question_count, points=f"{points:g}", minutes=f"{b.minutes:g}")
        shown = ", ".join(missing[:2]) + (f" (+{len(missing) - 2})" if len(missing) > 2 else "")
        status = t("exam_paper_missing", language, ids=shown) if missing else t("exam_paper_ready", language)
        table.append((b.id + (" (--twin)" if b.has_twin else ""), b.title.get(language), fmt, status))
    render_papers(make_console(), table, language)


def _attempts(exam_store: ExamStore, bank: Bank, language: str, json_out: bool) -> None:
    import json

    from examprep.bank.papers import PaperPlan

    rows = []
    for record in exam_store.attempts():
        plan = PaperPlan.from_json(record.plan)
        keys = sorted((k for k, text in exam_store.answers(record.id).items() if text.strip()), key=_key_order)
        rows.append((record, keys, _part_count(plan, bank)))
    if json_out:
        data = [
            {
                "id": r.id,
                "paper": r.paper,
                "seed": r.seed,
                "twin": r.twin,
                "state": r.state,
                "started": r.started.isoformat(),
                "deadline": r.deadline.isoformat(),
                "answered": len(keys),
                "answered_keys": keys,
                "parts": total,
                "score": r.score,
                "max": r.max_points,
            }
            for r, keys, total in rows
        ]
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    from examprep.render.console import make_console
    from examprep.render.exam_ui import render_attempts

    render_attempts(make_console(), [(r, len(keys), total) for r, keys, total in rows], language)


def _key_order(key: str) -> tuple[int, str]:
    """q2.b before q10.a."""
    head, _, tail = key.partition(".")
    return (int(head[1:]) if head[1:].isdigit() else 0), tail


def _part_count(plan: PaperPlan, bank: Bank) -> int:
    """Answer parts of a stored plan, counted without building it (cheap, and the bank may have changed)."""
    count = 0
    for question in plan.questions:
        for item in question.items:
            template = bank.get(item.template_id)
            count += len(template.parts) if template is not None and template.kind == "calc" else 1
    return count


def _attempt_bank(record: AttemptRecord, bank: Bank, bank_options: list[str] | None, language: str) -> Bank:
    """The bank an attempt was drawn from: with the extra bank files it stored, unless --bank or
    EXAMPREP_BANK already give them."""
    if bank_options:
        return bank
    from examprep.bank.loader import extra_paths

    from_env = {p.resolve() for p in extra_paths(None)}
    stored = [p for p in record.plan.get("bank") or [] if Path(p).exists() and Path(p).resolve() not in from_env]
    return load_bank(stored, language) if stored else bank


def _show_report(
    exam_store: ExamStore, bank: Bank, bank_options: list[str] | None, attempt_id: int, language: str, json_out: bool
) -> None:
    import json

    from examprep.i18n import t
    from examprep.session.exam import paper_of
    from examprep.session.exam_report import Report

    record = exam_store.get(attempt_id)
    if record is None:
        raise fail(t("exam_no_attempt", language, id=attempt_id))
    if record.report is None:
        raise fail(t("exam_no_report", language, id=attempt_id, state=t(f"exam_state_{record.state}", language)))
    if json_out:
        typer.echo(json.dumps(record.report, ensure_ascii=False, indent=2))
        return
    from examprep.render.console import make_console
    from examprep.render.exam_ui import render_report

    try:
        built = paper_of(record, _attempt_bank(record, bank, bank_options, language))
    except Exception as exc:  # PaperError: the bank lost a template the attempt used
        raise fail(t("exam_paper_error", language) + "\n  " + str(exc)) from None
    render_report(make_console(), Report.from_json(record.report), built, language)


def _export(built: ExamPaper, path: Path, with_solutions: bool, language: str) -> None:
    from examprep.i18n import t
    from examprep.render.console import make_console
    from examprep.render.exam_export import paper_html, paper_markdown

    suffix = path.suffix.lower()
    if suffix not in (".html", ".htm", ".md"):
        raise fail(t("exam_bad_export", language, path=str(path)), 2)
    render = paper_html if suffix != ".md" else paper_markdown
    outputs = [(path, render(built, language))]
    if with_solutions:
        outputs.append((path.with_name(f"{path.stem}-key{path.suffix}"), render(built, language, key=True)))
    console = make_console()
    for target, content in outputs:
        try:
            target.write_text(content, encoding="utf-8")
        except OSError as exc:
            raise fail(t("exam_cannot_read", language, path=str(target), reason=exc.strerror or exc)) from None
        console.print(t("exam_written", language, path=target), markup=False)


def _grade_sheet(
    bank: Bank, path: Path, paper: str | None, seed: int | None, twin: bool, language: str, json_out: bool
) -> None:
    import json

    from examprep.i18n import t
    from examprep.session.exam import grade_answers
    from examprep.session.exam_report import answers_json
    from examprep.session.exam_sheet import SheetError, check_sheet, parse_sheet, sheet_numbers

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise fail(t("exam_cannot_read", language, path=str(path), reason=reason)) from None
    try:
        meta, raw = parse_sheet(text)
        sheet_paper = str(meta["paper"]) if "paper" in meta else None
        if paper and sheet_paper and paper != sheet_paper:
            raise fail(t("exam_sheet_mismatch", language, sheet=sheet_paper, option=paper), 2)
        blueprint = _blueprint(paper or sheet_paper or "default", language)
        use_seed, use_twin = sheet_numbers(meta, blueprint, seed, twin)
        built = _build(blueprint, bank, use_seed, use_twin, language)
        answers, _missing = check_sheet(built, raw)
    except SheetError as exc:
        problems = "\n  ".join(p.get(language) for p in exc.problems)
        raise fail(t("exam_sheet_problems", language) + "\n  " + problems) from None
    record, report = grade_answers(_exam_store(language), bank, built, answers, language)
    if json_out:
        typer.echo(json.dumps({"attempt": record.id, **answers_json(report, language)}, ensure_ascii=False, indent=2))
        return
    from examprep.render.console import make_console
    from examprep.render.exam_ui import render_report

    render_report(make_console(), report, built, language)


def _sit(
    bank: Bank,
    bank_options: list[str] | None,
    blueprint: Blueprint,
    seed: int | None,
    minutes: float | None,
    twin: bool,
    resume: bool,
    abandon: bool,
    language: str,
    explicit_lang: bool,
) -> None:
    from examprep.clock import now
    from examprep.i18n import t
    from examprep.render.console import make_console
    from examprep.render.exam_ui import RichExamUI, clock_text, render_report
    from examprep.session.exam import ExamSession, expired, finish_attempt, paper_of, start_attempt

    console = make_console()
    exam_store = _exam_store(language)
    current = exam_store.in_progress()
    if abandon:
        if current is None:
            raise fail(t("exam_nothing_to_resume", language))
        exam_store.abandon(current.id, now())
        console.print(t("exam_abandoned", language, id=current.id), markup=False)
        return
    if resume:
        if current is None:
            raise fail(t("exam_nothing_to_resume", language))
        record = current
        if not explicit_lang:
            language = record.lang
        bank = _attempt_bank(record, bank, bank_options, language)
        try:
            built = paper_of(record, bank)
        except Exception as exc:  # PaperError: the bank lost a template the attempt used
            raise fail(t("exam_paper_error", language) + "\n  " + str(exc)) from None
        if expired(record):
            console.print(t("exam_deadline_passed", language, id=record.id), style="yellow", markup=False)
            report = finish_attempt(exam_store, record, built, bank)
            render_report(console, report, built, language)
            return
        console.print(
            t("exam_resumed", language, id=record.id, left=clock_text(record.deadline - now())),
            style="green",
            markup=False,
        )
    else:
        if current is not None:
            if expired(current):  # its time ran out while away: grade it before starting another
                console.print(t("exam_deadline_passed", language, id=current.id), style="yellow", markup=False)
                old = paper_of(current, bank)
                render_report(console, finish_attempt(exam_store, current, old, bank), old, language)
            else:
                left = clock_text(current.deadline - now())
                raise fail(t("exam_in_progress", language, id=current.id, paper=current.paper, left=left))
        from examprep.bank.papers import PaperError

        try:
            from examprep.bank.loader import extra_paths

            record, built = start_attempt(
                exam_store,
                bank,
                blueprint,
                seed=_seed(seed),
                twin=twin,
                lang=language,
                minutes=minutes,
                bank_paths=[p.resolve() for p in extra_paths(bank_options)],
            )
        except PaperError as exc:
            raise fail(t("exam_paper_error", language) + "\n  " + str(exc).replace("\n", "\n  ")) from None
    session = ExamSession(exam_store, record, built)
    ui = RichExamUI(console, language, deadline_left=session.remaining, save_draft=session.save_draft)
    _outlive_a_closed_terminal()
    try:
        outcome = session.run(ui)
    except OSError as exc:
        import errno

        if exc.errno not in (errno.EIO, errno.EPIPE, errno.EBADF):
            raise
        return  # the terminal was closed: every answer, and the essay being written, is saved
    except KeyboardInterrupt:
        try:
            console.print()
            console.print(t("exam_interrupted", language, id=record.id), style="yellow", markup=False)
        except OSError:  # the terminal is gone (it was closed): everything is saved already
            pass
        return
    if outcome == "eof":
        try:
            console.print(t("exam_left_in_progress", language, id=record.id), style="yellow", markup=False)
        except OSError:  # the terminal is gone: the attempt is saved and stays in progress
            pass
        return
    fresh = exam_store.get(record.id)
    assert fresh is not None
    report = finish_attempt(exam_store, fresh, built, bank)
    render_report(console, report, built, language)


def _outlive_a_closed_terminal() -> None:
    """When the terminal is closed, the exam must save the essay being written before it ends.

    Closing the terminal sends SIGHUP, which by default ends the process at once, and makes the
    next read fail; the reads (``RichExamUI``) treat that failure as the end of input and save
    what the editor holds first. So SIGHUP itself is ignored while the exam runs.
    """
    import signal

    if hasattr(signal, "SIGHUP"):
        try:
            signal.signal(signal.SIGHUP, signal.SIG_IGN)
        except ValueError:  # not the main thread (e.g. under a test runner's thread): leave it
            pass
