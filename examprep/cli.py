"""The ``examprep`` command. It only wires and renders: the logic lives in solvers, bank, grading
and session. Everything beyond typer is imported inside the command that needs it, so
``examprep --help`` and ``examprep solve conv2d ...`` start fast.

Exit codes: 0 a finished session (whatever the score), 1 an error, 2 a usage error.
"""

from __future__ import annotations

import json
import random
import sys
from typing import TYPE_CHECKING

import typer

from examprep.i18n import help_text as H

if TYPE_CHECKING:
    from examprep.bank.loader import Bank

app = typer.Typer(
    help=H(
        "examprep: drill the calculation questions of the deep-learning exam, with worked solutions.",
        "examprep：深度学习考试计算题练习，附详细解答。",
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
bank_app = typer.Typer(help=H("Browse and self-test the question bank.", "浏览题库并自检。"), no_args_is_help=True)
app.add_typer(bank_app, name="bank")

LangOption = typer.Option(
    None,
    "--lang",
    help=H(
        "Language: en or zh (default: EXAMPREP_LANG, then the locale).",
        "语言：en 或 zh（默认取 EXAMPREP_LANG，其次取系统区域设置）。",
    ),
)
BankOption = typer.Option(
    None,
    "--bank",
    help=H(
        "Extra bank file or folder (repeatable; also EXAMPREP_BANK).",
        "额外的题库文件或文件夹（可重复；也可用 EXAMPREP_BANK）。",
    ),
)


def _lang(option: str | None) -> str:
    from examprep.i18n import resolve_lang

    return resolve_lang(option)


def _fail(message: str, code: int = 1) -> typer.Exit:
    from examprep.render.console import make_console

    make_console(stderr=True).print(f"[bold red]error:[/bold red] {message}", markup=True, highlight=False)
    return typer.Exit(code)


def _load_bank(extra: list[str] | None, lang: str) -> Bank:
    from examprep.bank.loader import BankLoadError, extra_paths, load_bank
    from examprep.i18n import t

    try:
        return load_bank(extra_paths(extra))
    except BankLoadError as exc:
        raise _fail(t("bank_error", lang) + "\n  " + "\n  ".join(exc.errors)) from None


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

    language = _lang(lang)
    loaded = _load_bank(bank, language)
    if topic not in loaded.topics():
        raise _fail(t("unknown_topic", language, topic=topic, topics=", ".join(loaded.topics())), 2)
    seed = seed if seed is not None else random.randrange(1, 100000)
    questions, errors = pick_questions(loaded, topic, count, seed)
    console = make_console()
    for error in errors:
        make_console(stderr=True).print(f"[yellow]warning:[/yellow] {error}", markup=True, highlight=False)
    if not questions:
        raise _fail(t("no_calc", language, topic=topic))
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


@app.command(
    help=H("Calculator mode: run a solver and show its worked steps.", "计算器模式：运行一个求解器并显示详细步骤。"),
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def solve(
    solver: str = typer.Argument(
        ...,
        help=H(
            "Solver name, e.g. conv2d, pool2d (see 'examprep solve list').",
            "计算器名称，例如 conv2d、pool2d（见 'examprep solve list'）。",
        ),
    ),
    args: list[str] | None = typer.Argument(
        None,
        help=H(
            "Inputs as key=value, e.g. input=97x97x3 kernel=9.",
            "输入参数，写成 key=value，例如 input=97x97x3 kernel=9。",
        ),
    ),
    as_json: bool = typer.Option(
        False,
        "--json",
        help=H("Print JSON {solver, inputs, answers, steps} only.", "只输出 JSON {solver, inputs, answers, steps}。"),
    ),
    plot: bool = typer.Option(
        False,
        "--plot",
        help=H(
            "For 'optimizer' on a 2-D loss: draw its path beside Momentum, Nesterov, SGD and Adam.",
            "用于二维损失上的 'optimizer'：把它的路径与 Momentum、Nesterov、SGD、Adam 画在一起。",
        ),
    ),
    lang: str | None = LangOption,
) -> None:
    """Calculator mode: run a solver and show its worked steps."""
    from examprep.calculator import (
        CalculatorError,
        available,
        compare_paths,
        parse_arguments,
        resolve,
        solution_json,
    )
    from solvers.core import SolverInputError

    language = _lang(lang)
    if solver == "list":
        _print_solver_list(available(), language)
        return
    try:
        spec = resolve(solver)
        inputs = parse_arguments(spec, args or [])
        solution = spec.func(**inputs)
        paths = compare_paths(spec, inputs) if plot else None
    except CalculatorError as exc:
        raise _fail(exc.text.get(language), 2) from None
    except SolverInputError as exc:
        raise _fail(exc.text.get(language), 2) from None
    if as_json:
        sys.stdout.write(json.dumps(solution_json(spec, inputs, solution), ensure_ascii=False) + "\n")
        return
    from examprep.calculator import to_json_value
    from examprep.i18n import t
    from examprep.render.console import make_console
    from examprep.render.steps import solution_table

    console = make_console()
    console.print(solution_table(solution.steps, language, title=f"{spec.id} · {spec.summary.get(language)}"))
    console.print(f"[bold]{t('answers', language)}:[/bold]")
    for key, value in solution.answers.items():
        console.print(f"  {key} = {json.dumps(to_json_value(value), ensure_ascii=False)}", markup=False)
    if paths is not None:
        from examprep.render.plot import trajectory_plot

        console.print(trajectory_plot(*paths))


def _print_solver_list(names: dict[str, str], lang: str) -> None:
    from examprep.render.console import make_console
    from solvers import registry

    console = make_console()
    for name, sid in sorted(names.items()):
        if name == sid and sid in registry.cli_names().values():
            continue
        spec = registry.get(sid)
        params = " ".join(p.name + ("" if p.required else "?") for p in spec.params)
        console.print(f"[bold]{name}[/bold]  {spec.summary.get(lang)}\n    [dim]{params}[/dim]")


@bank_app.command("list", help=H("List the templates: id, topic, kind.", "列出题目：id、主题、类型。"))
def bank_list(
    topic: str | None = typer.Option(None, "--topic", help=H("Only this topic.", "只看该主题。")),
    as_json: bool = typer.Option(False, "--json", help=H("JSON output.", "以 JSON 输出。")),
    lang: str | None = LangOption,
    bank: list[str] | None = BankOption,
) -> None:
    """List the templates: id, topic, kind."""
    language = _lang(lang)
    loaded = _load_bank(bank, language)
    rows = [t for t in loaded.templates.values() if topic is None or t.topic == topic]
    if as_json:
        data = [
            {"id": t.id, "topic": t.topic, "kind": t.kind, "points": t.points, "title": t.title.get(language)}
            for t in rows
        ]
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        return
    from rich.table import Table

    from examprep.render.console import make_console

    table = Table("id", "topic", "kind", "title")
    for tpl in rows:
        table.add_row(tpl.id, tpl.topic, tpl.kind, tpl.title.get(language))
    make_console().print(table)


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
    from examprep.grading.parse import show_value
    from examprep.i18n import t
    from examprep.render.console import make_console
    from examprep.render.drill_ui import RichDrillUI

    language = _lang(lang)
    loaded = _load_bank(bank, language)
    template = loaded.get(template_id)
    if template is None:
        raise _fail(t("unknown_template", language, id=template_id), 2)
    console = make_console()
    if template.kind != "calc":
        console.print(f"[bold]{template.title.get(language)}[/bold] ({template.kind}, {template.points:g})\n")
        console.print(template.text.get(language) + "\n")
        for point in template.rubric:
            console.print(f"  • {point.point.get(language)} [dim](×{point.weight:g})[/dim]")
        if template.model_answer:
            console.print("\n" + template.model_answer.get(language))
        return
    try:
        question = build_question(template, seed)
    except (TemplateError, SamplingError) as exc:
        raise _fail(str(exc)) from None
    ui = RichDrillUI(console, language, interactive=True)
    ui.show_question(1, 1, question)
    for part in template.parts:
        console.print(
            f"  {part.prompt.get(language)}: [bold green]{show_value(part.type, question.expected(part))}[/bold green]"
        )
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

    language = _lang(lang)
    loaded = _load_bank(bank, language)
    reports = check_bank(loaded, variants, topic)
    failed = [r for r in reports if not r.ok]
    console = make_console()
    if failed:
        console.print(t("check_failed", language, failed=len(failed), count=len(reports)), markup=False)
        for report in failed:
            console.print(f"  {report.template_id}", markup=False)
            for failure in report.failures[:10]:
                console.print(f"    - {failure}", markup=False)
        raise typer.Exit(1)
    console.print(t("check_ok", language, count=len(reports), variants=variants), markup=False)


@app.command(
    "mock-exam",
    help=H("A timed paper in the real exam's format (not built yet).", "按真实考试格式的限时模拟卷（尚未实现）。"),
)
def mock_exam(lang: str | None = LangOption) -> None:
    """A timed paper in the real exam's format (not built yet)."""
    from examprep.i18n import t

    raise _fail(t("coming", _lang(lang), command="mock-exam"))


@app.command(
    help=H(
        "A concept explained with formulas, intuition and a live example (not built yet).",
        "用公式、直觉和实例讲解一个概念（尚未实现）。",
    )
)
def explain(
    concept: str = typer.Argument(..., help=H("A concept, e.g. nesterov.", "概念名称，例如 nesterov。")),
    lang: str | None = LangOption,
) -> None:
    """A concept explained with formulas, intuition and a live example (not built yet)."""
    from examprep.i18n import t

    raise _fail(t("coming", _lang(lang), command="explain"))


def main() -> None:
    app()
