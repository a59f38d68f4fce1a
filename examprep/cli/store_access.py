"""Opening the history from a command, with the right words for each way it can fail.

Practice never stops for the history: a damaged file (as SQLite reports it) is repaired, a
read-only or unreadable one means this session is not saved, each said in one line. Commands that
only read the history stop with a clear message instead, and point to ``history repair``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from examprep.cli.base import fail

if TYPE_CHECKING:
    from rich.console import Console

    from examprep.store import Store


def check_clock(lang: str) -> None:
    """Stop with a usage error when EXAMPREP_NOW is set but unreadable."""
    import os

    from examprep import clock
    from examprep.i18n import t

    value = os.environ.get(clock.NOW_ENV)
    if value:
        try:
            clock.parse_iso(value)
        except clock.ClockError:
            raise fail(t("bad_now", lang, value=value), 2) from None


def practice_store(console: Console, lang: str) -> Store | None:
    """The history for a practice session, or None (with one line saying why) if it cannot be
    written."""
    from examprep.i18n import t
    from examprep.store import Store, StoreCorrupt, StoreError, default_path, repair

    check_clock(lang)
    try:
        store = Store()
    except StoreCorrupt as exc:
        try:
            report = repair(default_path())
            store = Store()
        except (StoreError, OSError) as again:
            console.print(t("store_warning", lang, reason=again), style="yellow", markup=False)
            return None
        console.print(
            t("store_repaired", lang, reason=exc.reason, backup=report.backup, count=report.recovered["attempts"]),
            style="yellow",
            markup=False,
        )
    except StoreError as exc:
        console.print(t("store_unreadable", lang, path=exc.path, reason=exc.reason), style="yellow", markup=False)
        return None
    except OSError as exc:
        console.print(t("store_warning", lang, reason=exc), style="yellow", markup=False)
        return None
    if store.readonly:
        console.print(t("store_readonly", lang, path=store.path), style="yellow", markup=False)
    return store


def reading_store(lang: str) -> Store:
    """The history for a command that only reads it; a clear error (exit 1) if it cannot be read."""
    from examprep.i18n import t
    from examprep.store import Store, StoreCorrupt, StoreError

    check_clock(lang)
    try:
        return Store()
    except StoreCorrupt as exc:
        raise fail(t("store_corrupt", lang, path=exc.path, reason=exc.reason)) from None
    except StoreError as exc:
        raise fail(t("store_unreadable_fatal", lang, path=exc.path, reason=exc.reason)) from None


def store_failure(exc: Exception, lang: str) -> Exception:
    """The error exit for a history that fails after it was opened (e.g. found damaged by a query)."""
    from examprep.i18n import t
    from examprep.store import StoreCorrupt, StoreError

    if isinstance(exc, StoreCorrupt):
        return fail(t("store_corrupt", lang, path=exc.path, reason=exc.reason))
    if isinstance(exc, StoreError):
        return fail(t("store_unreadable_fatal", lang, path=exc.path, reason=exc.reason))
    return exc
