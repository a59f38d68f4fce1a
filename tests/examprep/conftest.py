"""Shared fixtures for examprep tests.

The mock-exam tests use the 2020 paper, whose short-answer items live in the built-in bank;
``tests/fixtures/exam`` holds items with the same ids, and only the ones the built-in bank lacks
are added, so the tests do not depend on that content and nothing is a duplicate.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from examprep.bank.loader import Bank, load_bank, read_templates, safe_yaml


@pytest.fixture
def utc_days(monkeypatch):
    """Calendar days in UTC for the test (days are local days; fix the zone so they are known)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "exam" / "theory_2020.yaml"


def _missing_items(bank: Bank) -> list[dict]:
    raw = safe_yaml(FIXTURE.read_text(encoding="utf-8"))
    return [item for item in raw["templates"] if bank.get(item["id"]) is None]


@pytest.fixture(scope="session")
def bank2020() -> Bank:
    bank = load_bank()
    wanted = {item["id"] for item in _missing_items(bank)}
    for template in read_templates(FIXTURE):
        if template.id in wanted:
            bank.templates[template.id] = template
    return bank


@pytest.fixture
def bank2020_file(tmp_path) -> Path:
    """A bank file for ``--bank`` holding exactly the 2020 items the built-in bank lacks."""
    import yaml

    path = tmp_path / "theory_2020.yaml"
    path.write_text(yaml.safe_dump({"templates": _missing_items(load_bank())}, allow_unicode=True), encoding="utf-8")
    return path
