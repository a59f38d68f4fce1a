"""'Did you mean …?' for names a student types: topics, solvers, template ids, options."""

from __future__ import annotations

import difflib


def close_matches(name: str, candidates: list[str] | set[str], limit: int = 3) -> list[str]:
    """Candidates that look like ``name`` (case-insensitive), best first."""
    by_lower = {c.lower(): c for c in candidates}
    found = difflib.get_close_matches(name.strip().lower(), list(by_lower), n=limit, cutoff=0.6)
    return [by_lower[f] for f in found]


def did_you_mean(name: str, candidates: list[str] | set[str], lang: str) -> str:
    """A sentence to append to an 'unknown …' message, or '' when nothing is close."""
    matches = close_matches(name, candidates)
    if not matches:
        return ""
    return (
        (" 你是不是想输入：" + "、".join(matches) + "？")
        if lang == "zh"
        else (" Did you mean " + ", ".join(matches) + "?")
    )
