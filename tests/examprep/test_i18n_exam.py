"""Every message key the mock exam uses exists, in both languages, with the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

from examprep.i18n import MESSAGES

ROOT = Path(__file__).resolve().parents[2] / "examprep"
FILES = [
    ROOT / "cli" / "exam.py",
    ROOT / "render" / "exam_ui.py",
    ROOT / "render" / "exam_export.py",
    ROOT / "session" / "exam_sheet.py",
]


def test_every_key_used_exists():
    used = set()
    for path in FILES:
        used |= set(re.findall(r"\bt\(\s*[\"']([a-z_]+)[\"']", path.read_text(encoding="utf-8")))
        used |= {f"exam_state_{s}" for s in ("in_progress", "finished", "abandoned")}
    assert len(used) > 40
    assert sorted(used - set(MESSAGES)) == []


def test_both_languages_have_the_same_placeholders():
    for key, (en, zh) in MESSAGES.items():
        if not key.startswith(("exam_", "export_", "sheet_")):
            continue
        names = [{f[1] for f in string.Formatter().parse(text) if f[1]} for text in (en, zh)]
        assert names[0] == names[1], key
        assert en.strip() and zh.strip() and en != zh, key
