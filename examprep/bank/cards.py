"""Concept cards: what ``examprep explain`` shows (``question_bank/concepts/<topic>.yaml``).

Loading checks the shape of every card (bilingual texts, lists, ids, no raw LaTeX) and that ids
are unique; :func:`examprep.bank.card_example.check_cards` adds what needs the whole set, the bank
and the solvers (``related`` ids, ``exam`` ids, the example's solver and arguments, running every
example). Every problem names the file, the
card and the field, and all problems are reported together.

Kept free of rich/typer and of numpy/sympy: the example's solver module is imported only when the
example is run.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from solvers.core import Text

CARD_FOLDER = "concepts"
SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
#: what raw LaTeX looks like: \frac, \alpha, \( … \), $…$, x^{2}
LATEX = re.compile(r"\\[A-Za-z]+|\\[()\[\]{}]|\$|\^\{")
#: a space between two Chinese characters or full-width punctuation, left where YAML folded a line
#: (compiled on first use: the cached path of ``explain`` never validates)
CJK_GAP = r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]) +(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])"
TEXT_FIELDS = ("definition", "intuition", "compare")
KNOWN_FIELDS = {
    "id",
    "topic",
    "names",
    "definition",
    "formulas",
    "intuition",
    "compare",
    "misconceptions",
    "exam",
    "related",
    "source",
    "example",
}
EXAMPLE_FIELDS = {"solver", "args", "compare", "plot", "note", "show"}


class CardError(ValueError):
    """One problem in one card file: names the file, the card and the field."""

    def __init__(self, path: str, card_id: str | None, field_name: str | None, message: str):
        where = path
        if card_id:
            where += f", card {card_id!r}"
        if field_name:
            where += f", field {field_name!r}"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.card_id = card_id
        self.field_name = field_name


class CardLoadError(Exception):
    """One or more card files are broken; ``errors`` holds one message per problem."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Formula:
    label: Text
    formula: str


@dataclass(frozen=True)
class Example:
    """A live example: ``args`` as typed on the command line (``examprep solve``).

    ``compare`` maps argument names to equal-length lists of values: run ``i`` uses the ``i``-th
    value of each (one key is the documented form; several keys are zipped; a ``null`` value leaves
    the parameter out of that run). ``show`` optionally
    picks which answers the side-by-side table lists (default: all short ones).
    """

    solver: str
    args: dict[str, Any]
    compare: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    plot: bool = False
    note: Text | None = None
    show: tuple[str, ...] = ()

    def runs(self) -> list[tuple[str, dict[str, Any]]]:
        """(label, args) per run: one run without ``compare``, else one per compared value."""
        if not self.compare:
            return [("", dict(self.args))]
        count = len(next(iter(self.compare.values())))
        varying = [k for k, vals in self.compare.items() if len({str(v) for v in vals}) > 1] or list(self.compare)
        out = []
        for i in range(count):
            args = dict(self.args)
            for key, vals in self.compare.items():
                if vals[i] is None:  # null: this run does not pass the parameter at all
                    args.pop(key, None)
                else:
                    args[key] = vals[i]
            out.append((" · ".join(arg_text(args[k]) for k in varying if k in args), args))
        return out


@dataclass(frozen=True)
class Card:
    id: str
    topic: str
    names_en: tuple[str, ...]
    names_zh: tuple[str, ...]
    definition: Text
    formulas: tuple[Formula, ...]
    intuition: Text
    compare: Text
    misconceptions: tuple[Text, ...]
    exam: tuple[str, ...]
    related: tuple[str, ...]
    path: str
    source: Text | None = None
    example: Example | None = None

    def title(self, lang: str) -> str:
        return self.names_zh[0] if lang == "zh" else self.names_en[0]

    def names(self) -> tuple[str, ...]:
        return self.names_en + self.names_zh


def arg_text(value: Any) -> str:
    """An example argument as it would be typed after ``key=`` (lists become ``1,2`` / ``1,2;3,4``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, (list, tuple)) for v in value):
            return ";".join(",".join(arg_text(x) for x in row) for row in value)
        return ",".join(arg_text(v) for v in value)
    if isinstance(value, float) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return str(value)


class _Reader:
    """Reads one card mapping, remembering where it is for error messages."""

    def __init__(self, path: str, raw: Any, index: int):
        self.path = path
        if not isinstance(raw, dict):
            raise CardError(path, f"#{index + 1}", None, "each card must be a mapping")
        self.raw = raw
        self.cid = raw.get("id") if isinstance(raw.get("id"), str) else f"#{index + 1}"

    def fail(self, field_name: str | None, message: str) -> CardError:
        return CardError(self.path, self.cid, field_name, message)

    def plain(self, value: str, field_name: str) -> str:
        found = LATEX.search(value)
        if found:
            raise self.fail(field_name, f"raw LaTeX {found.group(0)!r}: write formulas in Unicode (θ, √, Σ, ⊙, x²)")
        return re.sub(CJK_GAP, "", value.strip())

    def text(self, value: Any, field_name: str) -> Text:
        if not isinstance(value, dict):
            raise self.fail(field_name, "must be a mapping with 'en' and 'zh'")
        missing = [lang for lang in ("en", "zh") if not isinstance(value.get(lang), str) or not value[lang].strip()]
        if missing:
            raise self.fail(field_name, f"missing text in {', '.join(missing)}")
        extra = sorted(str(k) for k in value if k not in ("en", "zh"))
        if extra:
            raise self.fail(field_name, f"unknown language key(s) {', '.join(extra)}: use en and zh")
        return Text(self.plain(value["en"], f"{field_name}.en"), self.plain(value["zh"], f"{field_name}.zh"))

    def id_list(self, name: str, pattern: re.Pattern[str] | None = None) -> tuple[str, ...]:
        value = self.raw.get(name, [])
        if value is None:
            value = []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(name, "must be a list of ids")
        for v in value:
            if pattern is not None and not pattern.match(v):
                raise self.fail(name, f"{v!r} is not a card id (lower-case slug)")
        if len(set(value)) != len(value):
            raise self.fail(name, "lists an id twice")
        return tuple(value)

    def names(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        raw = self.raw.get("names")
        if not isinstance(raw, dict):
            raise self.fail("names", "must be a mapping with lists under 'en' and 'zh'")
        out = []
        for lang in ("en", "zh"):
            items = raw.get(lang)
            if isinstance(items, str):
                items = [items]
            if not isinstance(items, list) or not items:
                raise self.fail(f"names.{lang}", "must be a non-empty list of names")
            for i, name in enumerate(items):
                if not isinstance(name, str) or not name.strip():
                    raise self.fail(f"names.{lang}[{i}]", "must be a non-empty string")
                self.plain(name, f"names.{lang}[{i}]")
            out.append(tuple(n.strip() for n in items))
        return out[0], out[1]

    def formulas(self) -> tuple[Formula, ...]:
        raw = self.raw.get("formulas")
        if not isinstance(raw, list) or not raw:
            raise self.fail("formulas", "must be a non-empty list of {label, formula}")
        out = []
        for i, item in enumerate(raw):
            where = f"formulas[{i}]"
            if not isinstance(item, dict) or not isinstance(item.get("formula"), str) or not item["formula"].strip():
                raise self.fail(where, "needs a label {en, zh} and a formula string")
            out.append(Formula(self.text(item.get("label"), where + ".label"), self.plain(item["formula"], where)))
        return tuple(out)

    def misconceptions(self) -> tuple[Text, ...]:
        raw = self.raw.get("misconceptions")
        if not isinstance(raw, list) or not raw:
            raise self.fail("misconceptions", "must be a non-empty list of {en, zh}")
        return tuple(self.text(item, f"misconceptions[{i}]") for i, item in enumerate(raw))

    def example(self) -> Example | None:
        raw = self.raw.get("example")
        if raw is None:
            return None
        if not isinstance(raw, dict):
            raise self.fail("example", "must be a mapping with solver and args")
        unknown = sorted(str(k) for k in raw if k not in EXAMPLE_FIELDS)
        if unknown:
            raise self.fail("example", f"unknown field(s) {', '.join(unknown)}")
        solver_id = raw.get("solver")
        if not isinstance(solver_id, str) or not solver_id.strip():
            raise self.fail("example.solver", "must be a solver id, e.g. optim.optimizer")
        args = raw.get("args", {}) or {}
        if not isinstance(args, dict) or not all(isinstance(k, str) for k in args):
            raise self.fail("example.args", "must be a mapping of parameter -> value")
        for key, value in args.items():
            if value is None or isinstance(value, dict):
                raise self.fail(f"example.args.{key}", "must be a number, a string, true/false or a list")
        compare_raw = raw.get("compare", {}) or {}
        if not isinstance(compare_raw, dict):
            raise self.fail("example.compare", "must map a parameter to a list of values")
        compare: dict[str, tuple[Any, ...]] = {}
        for key, values in compare_raw.items():
            if not isinstance(values, list) or len(values) < 2:
                raise self.fail(f"example.compare.{key}", "must be a list of at least two values")
            if any(isinstance(v, dict) for v in values) or all(v is None for v in values):
                raise self.fail(f"example.compare.{key}", "values must be numbers, strings, true/false, lists or null")
            compare[str(key)] = tuple(values)
        if len({len(v) for v in compare.values()}) > 1:
            raise self.fail("example.compare", "all compared parameters need lists of the same length")
        plot = raw.get("plot", False)
        if not isinstance(plot, bool):
            raise self.fail("example.plot", "must be true or false")
        note = self.text(raw["note"], "example.note") if raw.get("note") is not None else None
        show = raw.get("show", []) or []
        if not isinstance(show, list) or not all(isinstance(s, str) for s in show):
            raise self.fail("example.show", "must be a list of answer names")
        for key, value in list(args.items()) + [(k, v) for k, vals in compare.items() for v in vals if v is not None]:
            if isinstance(value, str):
                self.plain(value, f"example.args.{key}")
        return Example(solver_id.strip(), dict(args), compare, plot, note, tuple(show))

    def card(self) -> Card:
        unknown = sorted(str(k) for k in self.raw if k not in KNOWN_FIELDS)
        if unknown:
            raise self.fail(None, f"unknown field(s) {', '.join(unknown)}")
        cid = self.raw.get("id")
        if not isinstance(cid, str) or not SLUG.match(cid):
            raise self.fail("id", "must be a lower-case slug such as 'nesterov' or 'batch-norm'")
        topic = self.raw.get("topic")
        if not isinstance(topic, str) or not topic.strip():
            raise self.fail("topic", "must be a topic id, e.g. optim")
        en, zh = self.names()
        texts = {name: self.text(self.raw.get(name), name) for name in TEXT_FIELDS}
        source = self.text(self.raw["source"], "source") if self.raw.get("source") is not None else None
        return Card(
            id=cid,
            topic=topic.strip(),
            names_en=en,
            names_zh=zh,
            definition=texts["definition"],
            formulas=self.formulas(),
            intuition=texts["intuition"],
            compare=texts["compare"],
            misconceptions=self.misconceptions(),
            exam=self.id_list("exam"),
            related=self.id_list("related", SLUG),
            path=self.path,
            source=source,
            example=self.example(),
        )


def _read_file(path: Path) -> tuple[list[Card], list[str]]:
    """Parse one card file: the good cards and one message per problem."""
    import yaml

    from examprep.bank.yamlsafe import safe_yaml

    def whole_file(message: str, field_name: str | None = None) -> tuple[list[Card], list[str]]:
        return [], [str(CardError(str(path), None, field_name, message))]

    try:
        raw = safe_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return whole_file("no such file")
    except (OSError, UnicodeDecodeError) as exc:
        return whole_file(f"cannot read the file ({exc})")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        return whole_file(f"not valid YAML{where}: {getattr(exc, 'problem', None) or 'invalid YAML'}")
    if raw is None:
        return [], []
    if not isinstance(raw, dict) or not isinstance(raw.get("cards"), list):
        return whole_file("the file must be a mapping with a list under 'cards'", "cards")
    cards, errors = [], []
    for i, item in enumerate(raw["cards"]):
        try:
            cards.append(_Reader(str(path), item, i).card())
        except CardError as exc:
            errors.append(str(exc))
    return cards, errors


def read_cards(path: Path) -> list[Card]:
    """Parse one card file; raises CardLoadError listing every broken card in it."""
    cards, errors = _read_file(path)
    if errors:
        raise CardLoadError(errors)
    return cards


def builtin_card_files() -> list[Path]:
    import question_bank

    root = Path(question_bank.__file__).parent / CARD_FOLDER
    return sorted(root.glob("*.yaml"))


# --- lookup -------------------------------------------------------------------------------------


#: shortest query (in characters, after ``lookup_key``) that may name a card by the start of a name
MIN_PREFIX = 2


def lookup_key(text: str) -> str:
    """What a name is matched on: NFKC (full-width → half-width), lower case, no spaces,
    punctuation or symbols (so 'Nesterov-Momentum', 'ｎｅｓｔｅｒｏｖ　momentum' and 'nesterov momentum'
    are one key)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZSC")


@dataclass
class CardSet:
    cards: dict[str, Card] = field(default_factory=dict)
    #: card id -> its example's solver inputs per run, already parsed (filled from the card cache)
    prepared: dict[str, list[tuple[str, dict[str, Any]]]] = field(default_factory=dict)

    def topics(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for card in self.cards.values():
            counts[card.topic] = counts.get(card.topic, 0) + 1
        return dict(sorted(counts.items()))

    def by_topic(self, topic: str | None = None) -> list[Card]:
        return [c for c in self.cards.values() if topic is None or c.topic == topic]

    def index(self) -> dict[str, list[str]]:
        """Lookup key -> card ids (the id and every name of every card)."""
        out: dict[str, list[str]] = {}
        for card in self.cards.values():
            for name in (card.id, *card.names()):
                key = lookup_key(name)
                if key and card.id not in out.setdefault(key, []):
                    out[key].append(card.id)
        return out

    def find(self, query: str) -> list[Card]:
        """The cards whose id or a name matches ``query`` exactly (after :func:`lookup_key`):
        one card, several when a name is shared, none when nothing matches. Failing an exact
        match, the one card whose names start with the query ('残差' → 残差网络, 'softmax' →
        Softmax regression); when the names of several cards start with it, none."""
        key = lookup_key(query)
        if not key:
            return []
        index = self.index()
        if key in index:
            return [self.cards[cid] for cid in index[key]]
        if len(key) < MIN_PREFIX:
            return []
        starting = {cid for name, ids in index.items() if name.startswith(key) for cid in ids}
        return [self.cards[starting.pop()]] if len(starting) == 1 else []

    def suggest(self, query: str, limit: int = 3, cutoff: float = 60.0) -> list[Card]:
        """Cards whose id or a name is close to ``query`` (typos), best first."""
        key = lookup_key(query)
        if not key:
            return []
        from rapidfuzz import fuzz, process

        index = self.index()
        matches = process.extract(key, list(index), scorer=fuzz.ratio, limit=None, score_cutoff=cutoff)
        out: list[Card] = []
        for name, _score, _ in matches:
            for cid in index[name]:
                if self.cards[cid] not in out:
                    out.append(self.cards[cid])
        return out[:limit]


def load_cards(extra: list[Path] | None = None, include_builtin: bool = True) -> CardSet:
    """Every card file (built-in ``question_bank/concepts`` plus ``extra``), each card valid, ids unique.

    ``related`` ids that name no card are not a load error (cards are written in parallel, a link
    may point at a card still to come): ``explain`` leaves them out and ``bank check`` reports them."""
    files = (builtin_card_files() if include_builtin else []) + list(extra or [])
    cardset = CardSet()
    errors: list[str] = []
    for path in files:
        cards, file_errors = _read_file(path)
        errors.extend(file_errors)
        for card in cards:
            if card.id in cardset.cards:
                first = cardset.cards[card.id].path
                errors.append(str(CardError(str(path), card.id, "id", f"duplicate id (also in {first})")))
                continue
            cardset.cards[card.id] = card
    if errors:
        raise CardLoadError(errors)
    return cardset
