"""``examprep explain``: a concept with formulas, intuition and a live example."""

from __future__ import annotations

import typer

from examprep.cli.base import LangOption, app, fail, lang_of
from examprep.i18n import help_text as H


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

    raise fail(t("coming", lang_of(lang), command="explain"))
