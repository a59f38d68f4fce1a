"""Shared fixtures for examprep tests."""

import time

import pytest


@pytest.fixture
def utc_days(monkeypatch):
    """Calendar days in UTC for the test (days are local days; fix the zone so they are known)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
