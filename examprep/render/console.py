"""One place that makes the rich consoles (stdout for output, stderr for errors)."""

from __future__ import annotations

from rich.console import Console

from examprep.render.cjkwrap import install as break_chinese_between_characters


def make_console(stderr: bool = False) -> Console:
    # rich honours NO_COLOR and drops styling when the output is not a terminal.
    break_chinese_between_characters()
    return Console(stderr=stderr, highlight=False, soft_wrap=False)
