"""The ``examprep`` command: one module per command group, wired onto one typer app.

Importing a group module registers its commands on :data:`examprep.cli.base.app`. ``app``
(``from examprep.cli import app``) is the app with every group registered. The console script
(:func:`main`) registers only the group of the command it was given, when that can be told from
the command line, so typer does not build every other command before running one (``--help``,
no command, or a name that is not a command still get every group, in the usual order).
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

#: every command group, in the order the commands are listed in ``--help``
GROUPS = ("bank", "drill", "exam", "explain", "export", "progress", "solve")
#: top-level command name -> the group module that registers it
COMMAND_GROUPS = {
    "bank": "bank",
    "drill": "drill",
    "mock-exam": "exam",
    "explain": "explain",
    "export": "export",
    "history": "progress",
    "review": "progress",
    "stats": "progress",
    "plan": "progress",
    "solve": "solve",
}


def _register(groups: tuple[str, ...]) -> Any:
    for group in groups:
        importlib.import_module(f"examprep.cli.{group}")
    from examprep.cli.base import app

    return app


def __getattr__(name: str) -> Any:
    if name == "app":  # not kept as a global, so a reloaded base module is always the one returned
        return _register(GROUPS)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def command_name(argv: list[str]) -> str | None:
    """The command named on the command line (after the root's ``--lang X``), or None."""
    args = iter(argv)
    for arg in args:
        if arg == "--lang":
            next(args, None)
        elif arg.startswith("--lang="):
            continue
        elif arg.startswith("-"):
            return None
        else:
            return arg
    return None


def main() -> None:
    _one_blas_thread()
    group = COMMAND_GROUPS.get(command_name(sys.argv[1:]) or "")
    _register((group,) if group else GROUPS)()


def _one_blas_thread() -> None:
    """Let numpy's OpenBLAS start one thread, not one per CPU, unless the user chose a number.

    The solvers multiply matrices of a few rows, which OpenBLAS computes on one thread whatever
    this says, so no result changes; but its worker threads spin while numpy is imported, which
    costs about half a typer hello-world of CPU (and of elapsed time on a busy machine) on every
    drill of a numpy topic. Set before numpy is imported (it is imported lazily, by the solvers).
    """
    import os

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


__all__ = ["app", "main"]
