"""``examprep solve``: calculator mode, any solver with its worked steps."""

from __future__ import annotations

import json
import sys

import typer

from examprep.cli.base import LangOption, app, fail, lang_of
from examprep.i18n import help_text as H


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

    language = lang_of(lang)
    if solver == "list":
        _print_solver_list(available(), language, as_json)
        return
    try:
        spec = resolve(solver)
        inputs = parse_arguments(spec, args or [])
        solution = spec.func(**inputs)
        paths = compare_paths(spec, inputs) if plot else None
    except CalculatorError as exc:
        raise fail(exc.text.get(language), 2, language) from None
    except SolverInputError as exc:
        raise fail(exc.text.get(language), 2, language) from None
    if as_json:
        sys.stdout.write(json.dumps(solution_json(spec, inputs, solution), ensure_ascii=False) + "\n")
        return
    from examprep.calculator import to_json_value
    from examprep.i18n import t
    from examprep.render.console import make_console
    from examprep.render.steps import solution_table

    console = make_console()
    console.print(solution_table(solution.steps, language, title=f"{spec.id} · {spec.summary.get(language)}"))
    console.print(f"[bold]{t('answers_heading', language)}[/bold]")
    for key, value in solution.answers.items():
        console.print(f"  {key} = {json.dumps(to_json_value(value), ensure_ascii=False)}", markup=False)
    if paths is not None:
        from examprep.render.plot import trajectory_plot

        console.print(trajectory_plot(*paths))


def _print_solver_list(names: dict[str, str], lang: str, as_json: bool = False) -> None:
    from rich.text import Text

    from examprep.render.console import make_console
    from solvers import limits, registry

    rows = []
    for name, sid in sorted(names.items()):
        if name == sid and sid in registry.cli_names().values():
            continue
        spec = registry.get(sid)
        rows.append((name, spec))
    if as_json:
        data = [
            {
                "name": name,
                "id": spec.id,
                "summary": spec.summary.get(lang),
                "params": [{"name": p.name, "kind": p.kind, "required": p.required} for p in spec.params],
            }
            for name, spec in rows
        ]
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        return
    console = make_console()
    for name, spec in rows:
        params = " ".join(p.name + ("" if p.required else "?") for p in spec.params)
        console.print(Text.assemble((name, "bold"), "  ", spec.summary.get(lang), "\n    ", (params, "dim")))
    console.print(Text(limits.describe_caps(lang), style="dim"))
