"""What every command group shares: the typer app, the common options, and error exits.

The CLI only wires and renders: the logic lives in solvers, bank, grading and session. Everything
beyond typer is imported inside the command that needs it, so ``examprep --help`` and
``examprep solve conv2d ...`` start fast.

Exit codes: 0 a finished session (whatever the score), 1 an error, 2 a usage error.
"""

from __future__ import annotations

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


def lang_of(option: str | None) -> str:
    from examprep.i18n import resolve_lang

    return resolve_lang(option)


def fail(message: str, code: int = 1) -> typer.Exit:
    from examprep.render.console import make_console

    make_console(stderr=True).print(f"[bold red]error:[/bold red] {message}", markup=True, highlight=False)
    return typer.Exit(code)


def load_bank(extra: list[str] | None, lang: str, topic: str | None = None) -> Bank:
    """The bank (only ``topic``'s templates when given), or a clear error listing every problem."""
    from examprep.bank.loader import BankLoadError, extra_paths, load_bank
    from examprep.i18n import t

    try:
        return load_bank(extra_paths(extra), topic=topic)
    except BankLoadError as exc:
        raise fail(t("bank_error", lang) + "\n  " + "\n  ".join(exc.errors)) from None
