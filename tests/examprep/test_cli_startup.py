"""The console script's fast start: it registers only the command group it needs, and keeps
numpy's OpenBLAS to one thread unless the user chose otherwise."""

from __future__ import annotations

import os
import subprocess
import sys

import typer.main

import examprep.cli as cli


def test_every_command_is_mapped_to_the_group_that_registers_it():
    # the full app, built the usual way, is the independent source of the command names
    registered = set(typer.main.get_command(cli.app).commands)
    assert registered == set(cli.COMMAND_GROUPS)
    assert set(cli.COMMAND_GROUPS.values()) == set(cli.GROUPS)


def test_command_name_skips_the_root_language_option():
    assert cli.command_name(["drill", "cnn"]) == "drill"
    assert cli.command_name(["--lang", "zh", "solve", "conv2d"]) == "solve"
    assert cli.command_name(["--lang=zh", "bank", "check"]) == "bank"
    assert cli.command_name(["--help"]) is None
    assert cli.command_name(["--lang", "zh"]) is None
    assert cli.command_name([]) is None


def _script(argv: list[str], env: dict[str, str]) -> str:
    """Run ``main()`` in a fresh interpreter and report which groups and settings it used."""
    probe = (
        "import sys, os\n"
        "from examprep.cli import main\n"
        f"sys.argv = ['examprep', *{argv!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "groups = sorted(m.rsplit('.', 1)[1] for m in sys.modules if m.startswith('examprep.cli.') and m != 'examprep.cli.base')\n"
        "sys.stderr.write('GROUPS=' + ','.join(groups) + ' BLAS=' + os.environ.get('OPENBLAS_NUM_THREADS', '-') + '\\n')\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    return next(line for line in result.stderr.splitlines() if line.startswith("GROUPS="))


def test_main_registers_only_the_named_group(tmp_path):
    env = {**os.environ, "EXAMPREP_HOME": str(tmp_path), "EXAMPREP_LANG": "en"}
    env.pop("OPENBLAS_NUM_THREADS", None)
    line = _script(["solve", "conv2d", "input=9x9x1", "filters=1", "kernel=3", "--json"], env)
    groups = set(line.split()[0].removeprefix("GROUPS=").split(","))
    assert groups & set(cli.GROUPS) == {"solve"}
    assert line.endswith("BLAS=1")


def test_main_registers_everything_for_help_and_unknown_names(tmp_path):
    env = {**os.environ, "EXAMPREP_HOME": str(tmp_path), "EXAMPREP_LANG": "en", "OPENBLAS_NUM_THREADS": "3"}
    for argv in (["--help"], ["sovle"]):
        line = _script(argv, env)
        groups = line.split()[0].removeprefix("GROUPS=").split(",")
        assert set(cli.GROUPS) <= set(groups)
        assert line.endswith("BLAS=3")  # the user's own choice is kept
