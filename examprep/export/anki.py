"""An Anki deck (.apkg, written with genanki): concept cards and worked calculation variants.

- Concept cards become one note each: the name on the front; definition, key formulas,
  intuition, comparison and common misconceptions on the back.
- Every calculation template gives a few variants: the question on the front; the answers and
  the worked solution (the solver's own steps) on the back.
- Note ids (genanki GUIDs) come from the card id or the template id and seed, so importing a
  newer export updates the notes instead of duplicating them.
- Formulas are plain Unicode inside escaped HTML, which Anki shows as is (no LaTeX needed).
- Deterministic: the same command gives the same bytes. genanki stamps notes with a time and
  numbers them from it, and zip entries carry times; here the time is ``SOURCE_DATE_EPOCH`` if
  set, else the start of the current UTC day (from the examprep clock, so ``EXAMPREP_NOW``
  fixes it), and the zip entries get a fixed date. A later day's export is therefore "newer",
  which is what Anki needs to update notes on import.
"""

from __future__ import annotations

import hashlib
import html
import os
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from examprep import clock
from examprep.bank.loader import Bank
from examprep.bank.schema import Template
from examprep.grading.parse import show_value
from solvers.core import Grid, Step, fmt_num

LANG_CHOICES = ("en", "zh", "both")
VARIANTS_PER_TEMPLATE = 2
DECK_NAME = "examprep · nndl"
CSS = """
.card { font-family: -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", sans-serif; font-size: 18px;
        text-align: left; color: black; background-color: white; }
.formula { font-family: "Cambria Math", "STIX Two Math", serif; white-space: pre-wrap; }
.zh { margin-top: 0.8em; border-top: 1px dashed #999; padding-top: 0.5em; }
table.steps, table.grid { border-collapse: collapse; margin: 0.3em 0; }
table.steps td, table.grid td { border: 1px solid #ccc; padding: 2px 6px; vertical-align: top; }
.result { font-weight: bold; color: #176317; }
.dim { color: #666; font-size: 85%; }
"""


def _stable_id(*parts: str) -> int:
    """A stable 31-bit id for models and decks (the same on every machine and run)."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def _esc(text: object) -> str:
    return html.escape(str(text)).replace("\n", "<br>")


def _text(value: Any, lang: str) -> str:
    """A bilingual text from YAML ({en, zh}) or a solver Text, in one language."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en") or "")
    if hasattr(value, "get") and hasattr(value, "en"):
        return value.get(lang)
    return str(value)


def _langs(lang: str) -> tuple[str, ...]:
    return ("en", "zh") if lang == "both" else (lang,)


def _blocks(render, lang: str) -> str:  # noqa: ANN001 - render: (lang) -> html
    parts = []
    for index, code in enumerate(_langs(lang)):
        css = ' class="zh"' if index and code == "zh" else ""
        parts.append(f'<div lang="{code}"{css}>{render(code)}</div>')
    return "".join(parts)


# -- concept cards --------------------------------------------------------------------------


def _card_front(card: dict, lang: str) -> str:
    names = card.get("names") or {}
    first = (names.get(lang) or names.get("en") or [card["id"]])[0]
    return f"<b>{_esc(first)}</b>"


def _card_back(card: dict, lang: str) -> str:
    out = []
    names = (card.get("names") or {}).get(lang) or []
    if len(names) > 1:
        out.append(f'<div class="dim">{_esc(" · ".join(names[1:]))}</div>')
    if card.get("definition"):
        out.append(f"<p>{_esc(_text(card['definition'], lang))}</p>")
    formulas = card.get("formulas") or []
    if formulas:
        rows = "".join(
            f'<li>{_esc(_text(f.get("label"), lang))}: <span class="formula">{_esc(f.get("formula", ""))}</span></li>'
            for f in formulas
            if isinstance(f, dict)
        )
        out.append(f"<ul>{rows}</ul>")
    labels = {
        "intuition": ("Intuition", "直观理解"),
        "compare": ("Compared with its neighbours", "对比"),
    }
    for key, (en, zh) in labels.items():
        if card.get(key):
            out.append(f"<p><i>{_esc(zh if lang == 'zh' else en)}:</i> {_esc(_text(card[key], lang))}</p>")
    misconceptions = card.get("misconceptions") or []
    if misconceptions:
        title = "常见误解" if lang == "zh" else "Common misconceptions"
        items = "".join(f"<li>{_esc(_text(m, lang))}</li>" for m in misconceptions)
        out.append(f"<p><i>{title}:</i></p><ul>{items}</ul>")
    if card.get("source"):
        out.append(f'<div class="dim">{_esc(_text(card["source"], lang))}</div>')
    return "".join(out)


# -- calculation variants -------------------------------------------------------------------


def _grid(grid: Grid, lang: str) -> str:
    rows = []
    if grid.col_labels:
        head = ([""] if grid.row_labels else []) + list(grid.col_labels)
        rows.append("<tr>" + "".join(f"<td><b>{_esc(c)}</b></td>" for c in head) + "</tr>")
    for i, row in enumerate(grid.rows):
        cells = [fmt_num(v, 4) if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v) for v in row]
        if grid.row_labels:
            cells.insert(0, grid.row_labels[i] if i < len(grid.row_labels) else "")
        rows.append("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in cells) + "</tr>")
    title = f'<div class="dim">{_esc(grid.title.get(lang))}</div>' if grid.title else ""
    return f'{title}<table class="grid">{"".join(rows)}</table>'


def _steps(steps: Sequence[Step], lang: str) -> str:
    rows = []
    for number, step in enumerate(steps, start=1):
        cell = [f"<b>{_esc(step.what.get(lang))}</b>"]
        if step.formula:
            cell.append(f'<div class="formula">{_esc(step.formula)}</div>')
        if step.substituted:
            prefix = "" if "\n" in step.substituted else "= "
            cell.append(f'<div class="formula">{_esc(prefix + step.substituted)}</div>')
        if step.note:
            cell.append(f'<div class="dim">{_esc(step.note.get(lang))}</div>')
        cell.extend(_grid(g, lang) for g in step.grids)
        rows.append(f'<tr><td>{number}</td><td>{"".join(cell)}</td><td class="result">{_esc(step.result)}</td></tr>')
    return f'<table class="steps">{"".join(rows)}</table>'


def _question_front(question: Any, lang: str) -> str:
    template = question.template
    parts = "".join(f"<li>{_esc(p.prompt.get(lang))} [{_esc(fmt_num(p.points))}]</li>" for p in template.parts)
    return f"<b>{_esc(template.title.get(lang))}</b><p>{_esc(question.variant.text(lang))}</p><ul>{parts}</ul>"


def _question_back(question: Any, lang: str) -> str:
    answers = "".join(
        f"<li>{_esc(p.prompt.get(lang))}: <b>{_esc(show_value(p.type, question.expected(p)))}</b></li>"
        for p in question.template.parts
    )
    title = "详细解答" if lang == "zh" else "Worked solution"
    return f"<ul>{answers}</ul><p><i>{title}</i></p>{_steps(question.solution.steps, lang)}"


# -- the deck -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeckSummary:
    concept_notes: int
    variant_notes: int
    errors: tuple[str, ...]


def _models():  # noqa: ANN202 - genanki is imported lazily
    import genanki

    concept = genanki.Model(
        _stable_id("examprep", "model", "concept"),
        "examprep concept card",
        fields=[{"name": "Id"}, {"name": "Front"}, {"name": "Back"}, {"name": "Topic"}],
        templates=[
            {
                "name": "Concept",
                "qfmt": "{{Front}}",
                "afmt": '{{FrontSide}}<hr id="answer">{{Back}}',
            }
        ],
        css=CSS,
        sort_field_index=1,
    )
    variant = genanki.Model(
        _stable_id("examprep", "model", "variant"),
        "examprep worked calculation",
        fields=[{"name": "Id"}, {"name": "Question"}, {"name": "Answer"}, {"name": "Topic"}],
        templates=[
            {
                "name": "Calculation",
                "qfmt": "{{Question}}",
                "afmt": '{{FrontSide}}<hr id="answer">{{Answer}}',
            }
        ],
        css=CSS,
        sort_field_index=1,
    )
    return concept, variant


def _tag(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text)


def build_deck(
    bank: Bank,
    cards: Iterable[dict],
    lang: str = "both",
    topic: str | None = None,
    variants: int = VARIANTS_PER_TEMPLATE,
):  # noqa: ANN201 - returns (genanki.Deck, DeckSummary)
    import genanki

    from examprep.bank.question import TemplateError, build_question
    from examprep.bank.sampling import SamplingError

    concept_model, variant_model = _models()
    deck = genanki.Deck(_stable_id("examprep", "deck"), DECK_NAME)
    concept_notes = variant_notes = 0
    for card in cards:
        if topic and card.get("topic") != topic:
            continue
        deck.add_note(
            genanki.Note(
                model=concept_model,
                fields=[
                    card["id"],
                    _blocks(lambda code, c=card: _card_front(c, code), lang),
                    _blocks(lambda code, c=card: _card_back(c, code), lang),
                    str(card.get("topic", "")),
                ],
                guid=genanki.guid_for("examprep", "concept", card["id"]),
                tags=["examprep", "concept", _tag(str(card.get("topic", "")))],
            )
        )
        concept_notes += 1
    errors: list[str] = []
    templates: list[Template] = sorted(
        (t for t in bank.templates.values() if t.kind == "calc" and (topic is None or t.topic == topic)),
        key=lambda t: t.id,
    )
    for template in templates:
        for seed in range(1, variants + 1):
            try:
                question = build_question(template, seed)
            except (TemplateError, SamplingError) as exc:
                errors.append(str(exc))
                continue
            deck.add_note(
                genanki.Note(
                    model=variant_model,
                    fields=[
                        f"{template.id}#{seed}",
                        _blocks(lambda code, q=question: _question_front(q, code), lang),
                        _blocks(lambda code, q=question: _question_back(q, code), lang),
                        template.topic,
                    ],
                    guid=genanki.guid_for("examprep", "variant", template.id, str(seed)),
                    tags=["examprep", "calc", _tag(template.topic)],
                )
            )
            variant_notes += 1
    return deck, DeckSummary(concept_notes, variant_notes, tuple(errors))


def export_timestamp() -> int:
    """``SOURCE_DATE_EPOCH`` if set, else the start of the current UTC day (see the module doc)."""
    fixed = os.environ.get("SOURCE_DATE_EPOCH")
    if fixed and fixed.strip().isdigit():
        return int(fixed)
    day = clock.now().date()
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def write_apkg(deck: Any, out: Path, timestamp: int | None = None) -> None:
    """Write the deck as a byte-for-byte reproducible .apkg (a zip holding collection.anki2)."""
    import itertools

    import genanki

    timestamp = export_timestamp() if timestamp is None else timestamp
    package = genanki.Package(deck)
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "collection.anki2"
        conn = sqlite3.connect(db_path)
        package.write_to_db(conn.cursor(), timestamp, itertools.count(timestamp * 1000))
        conn.commit()
        conn.close()
        data = db_path.read_bytes()
    tmp = out.with_name(out.name + ".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, payload in (("collection.anki2", data), ("media", b"{}")):
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, payload)
    tmp.replace(out)
