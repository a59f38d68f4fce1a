"""Every Python package in the source tree is listed in pyproject.toml, so ``pip install .`` (not
only an editable install) ships it: a solver package left out installs fine and then fails with
ModuleNotFoundError the first time a student drills that topic."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_is_listed_for_installation():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("examprep", "solvers", "question_bank")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert on_disk - listed == set(), f"packages missing from pyproject.toml: {sorted(on_disk - listed)}"
