"""One place that makes the rich consoles (stdout for output, stderr for errors)."""

from __future__ import annotations

from rich.console import Console


def make_console(stderr: bool = False) -> Console:
    # rich honours NO_COLOR and drops styling when the output is not a terminal.
    return Console(stderr=stderr, highlight=False, soft_wrap=False)
