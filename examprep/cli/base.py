"""What every command group shares: the typer app, the common options, and error exits.

The CLI only wires and renders: the logic lives in solvers, bank, grading and session. Everything
beyond typer is imported inside the command that needs it, so ``examprep --help`` and
``examprep solve conv2d ...`` start fast.

Exit codes: 0 a finished session (whatever the score), 1 an error, 2 a usage error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from examprep.cli.coerce import install as install_plain_conversion
from examprep.i18n import help_text as H

if TYPE_CHECKING:
    from examprep.bank.loader import Bank

if H("en", "zh") == "zh":  # the help language: --lang on the command line, else the environment
    from examprep.cli.localize import use_chinese

    use_chinese()


install_plain_conversion()


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


#: the language the running command resolved (``lang_of``): errors raised later speak it too
_command_lang: str | None = None


def lang_of(option: str | None) -> str:
    """The language of this command; an unknown ``--lang`` is a usage error (exit 2)."""
    global _command_lang
    from examprep.i18n import UnknownLanguageError, resolve_lang

    try:
        _command_lang = resolve_lang(option)
    except UnknownLanguageError as exc:
        raise fail(exc.message(), 2, lang="en") from None
    return _command_lang


def fail(message: str, code: int = 1, lang: str | None = None) -> typer.Exit:
    """Print an error to stderr (the message literally: it may quote bank or student text) and
    return the exit to raise."""
    from rich.text import Text

    from examprep.i18n import resolve_lang
    from examprep.render.console import make_console

    label = "错误：" if (lang or _command_lang or resolve_lang(None)) == "zh" else "error: "
    make_console(stderr=True).print(Text.assemble((label, "bold red"), message), highlight=False)
    return typer.Exit(code)


@app.callback()
def root(
    lang: str | None = typer.Option(
        None,
        "--lang",
        help=H(
            "Language for every command: en or zh (also zh-CN, cn).",
            "所有命令使用的语言：en 或 zh（也可写 zh-CN、cn）。",
        ),
    ),
) -> None:
    """examprep: practise for the deep-learning exam."""
    import os

    if lang is not None:  # 'examprep --lang zh drill cnn' and 'examprep --help --lang zh'
        os.environ["EXAMPREP_LANG"] = lang_of(lang)


def load_bank(extra: list[str] | None, lang: str, topic: str | None = None) -> Bank:
    """The bank (only ``topic``'s templates when given), or a clear error listing every problem."""
    from examprep.bank.loader import BankLoadError, extra_paths, load_bank
    from examprep.i18n import t

    try:
        return load_bank(extra_paths(extra), topic=topic)
    except BankLoadError as exc:
        raise fail(t("bank_error", lang) + "\n  " + "\n  ".join(exc.errors)) from None


def topic_of(option: str | None, loaded: Bank, lang: str) -> str | None:
    """A ``--topic`` value matched case-insensitively against the bank's topics; an unknown one is
    a usage error (exit 2) with the closest topics."""
    if option is None:
        return None
    from examprep.bank.topics import resolve_topic
    from examprep.i18n import t
    from examprep.suggest import did_you_mean

    topics = loaded.topics()
    named = resolve_topic(option, topics)  # the id in any case, or the topic's name in either language
    if named is not None:
        return named
    message = t("unknown_topic", lang, topic=option, topics=", ".join(topics)) + did_you_mean(option, topics, lang)
    raise fail(message, 2, lang)
