"""``examprep mock-exam``: a timed paper in the real format."""

from __future__ import annotations

from examprep.cli.base import LangOption, app, fail, lang_of
from examprep.i18n import help_text as H


@app.command(
    "mock-exam",
    help=H("A timed paper in the real exam's format (not built yet).", "按真实考试格式的限时模拟卷（尚未实现）。"),
)
def mock_exam(lang: str | None = LangOption) -> None:
    """A timed paper in the real exam's format (not built yet)."""
    from examprep.i18n import t

    raise fail(t("coming", lang_of(lang), command="mock-exam"))
