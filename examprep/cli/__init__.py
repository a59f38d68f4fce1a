"""The ``examprep`` command: one module per command group, wired onto one typer app.

Importing a group module registers its commands on :data:`examprep.cli.base.app`.
"""

from __future__ import annotations

from examprep.cli import bank, drill, exam, explain, export, progress, solve  # noqa: F401  (registers the commands)
from examprep.cli.base import app


def main() -> None:
    app()


__all__ = ["app", "main"]
