"""A cache of parsed bank files, so a command does not re-parse every YAML file at start-up.

For each YAML file the cache keeps, in the user cache folder (``EXAMPREP_CACHE`` overrides it), a
JSON file named after the SHA-256 of the YAML file's bytes, holding exactly what the safe YAML
loader returned. So:

- a changed or added bank file has a new hash and is parsed afresh at once;
- the cache holds plain data only: JSON can express nothing else, and data that JSON cannot carry
  faithfully (dates, sets, non-text keys, NaN …) is simply not cached;
- a damaged, truncated or foreign cache file is ignored (the YAML is parsed again and the entry
  rewritten); failing to write the cache never fails the command.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

CACHE_ENV = "EXAMPREP_CACHE"
FORMAT = 1  # bump when the meaning of a cache entry changes


def cache_dir() -> Path:
    override = os.environ.get(CACHE_ENV, "").strip()
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("examprep", appauthor=False)) / "bank"


def _plain(value: Any) -> bool:
    """True if JSON gives back exactly this value (same types, same contents)."""
    if value is None or isinstance(value, (bool, int, str)):
        return True
    if isinstance(value, float):
        return value == value and value not in (float("inf"), float("-inf"))
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def _read(entry: Path, digest: str) -> tuple[bool, Any]:
    try:
        stored = json.loads(entry.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return False, None
    if not isinstance(stored, dict) or stored.get("format") != FORMAT or stored.get("sha256") != digest:
        return False, None
    if "data" not in stored:
        return False, None
    return True, stored["data"]


def _write(entry: Path, digest: str, data: Any) -> None:
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"format": FORMAT, "sha256": digest, "data": data}, out, ensure_ascii=False)
        os.replace(tmp, entry)  # atomic: a reader sees the old entry or the whole new one
    except OSError:
        pass  # a read-only or full disk costs speed, never correctness


def parsed(raw: bytes, parse: Callable[[str], Any]) -> Any:
    """``parse(text)`` of a bank file's bytes, from the cache when an entry for these bytes exists.

    ``parse`` is the safe YAML loader; its errors propagate unchanged (nothing is cached then).
    """
    digest = hashlib.sha256(raw).hexdigest()
    entry = cache_dir() / f"{digest}.json"
    found, data = _read(entry, digest)
    if found:
        return data
    data = parse(raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n"))  # as text mode reads it
    if _plain(data):
        _write(entry, digest, data)
    return data
