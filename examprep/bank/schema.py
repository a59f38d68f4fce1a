"""Typed question templates and their validation.

``template_from_dict`` turns one YAML mapping into a ``Template`` or raises ``BankError`` naming
the file, the template id and the field at fault, so a typo in a bank file is a one-line fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from examprep.grading.grade import Tolerance
from examprep.grading.parse import ANSWER_TYPES, show_value
from solvers.core import Text

KINDS = ("calc", "concept", "design")
IMPORTANCE = ("master", "understand", "skim")
_POINT_KEYS = {"id", "point", "weight", "patterns", "negated_patterns"}
_MISCONCEPTION_KEYS = {"id", "statement", "patterns", "cap", "feedback", "voids"}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
PARAM_RULES = ("range", "choice", "value", "expr", "list", "vector", "matrix", "format")
DEFAULT_HINT_COST = 0.25


class BankError(ValueError):
    def __init__(self, path: str, template_id: str | None, field_name: str | None, message: str):
        where = path
        if template_id:
            where += f", template {template_id!r}"
        if field_name:
            where += f", field {field_name!r}"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.template_id = template_id
        self.field_name = field_name


@dataclass(frozen=True)
class Part:
    id: str
    answer: str
    type: str
    points: float
    prompt: Text
    tolerance: Tolerance = Tolerance()
    options: dict[str, Text] = field(default_factory=dict)
    carry: bool = False
    names: tuple[str, ...] = ()  # variables allowed in an expression answer
    digits: int | None = None  # significant figures asked for (number parts): stated, graded and shown alike

    def show(self, value: Any) -> str:
        """The expected answer as the student is shown it: to the significant figures asked for, if any."""
        if self.digits is not None and self.type == "number":
            return fmt_sig(value, self.digits)
        return show_value(self.type, value)


@dataclass(frozen=True)
class MistakeRef:
    id: str
    parts: tuple[str, ...]
    feedback: Text
    name: Text | None = None  # a short human name ("bias forgotten" / "漏掉了偏置"); built-in files all have one

    def label(self) -> Text:
        """What the student sees for this mistake: its name, else the id made readable."""
        if self.name is not None:
            return self.name
        readable = self.id.replace("_", " ").replace("-", " ")
        return Text(readable, readable)


@dataclass(frozen=True)
class RubricPoint:
    """One weighted key point of a short-answer rubric (see docs/bank-format.md).

    ``id`` is given in the current format; items written before it (no ids) get ``p1``, ``p2``, …
    and ``legacy`` is set on their template, which makes their patterns match as word prefixes
    (the old substring rule) instead of whole words.
    """

    point: Text
    weight: float
    patterns: tuple[str, ...]
    id: str = ""
    negated_patterns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Misconception:
    """A wrong statement students make: found (not negated) it caps the score at ``cap`` and
    withdraws the key points it contradicts (``voids``), which its words may have matched."""

    id: str
    statement: Text
    patterns: tuple[str, ...]
    cap: float
    feedback: Text
    voids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Template:
    id: str
    topic: str
    kind: str
    title: Text
    text: Text
    path: str
    points: float
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    where: tuple[str, ...] = ()
    solver: str | None = None
    parts: tuple[Part, ...] = ()
    mistakes: tuple[MistakeRef, ...] = ()
    hints: tuple[Text, ...] = ()
    hint_cost: float = DEFAULT_HINT_COST
    source: Text | None = None
    rubric: tuple[RubricPoint, ...] = ()
    model_answer: Text | None = None
    misconceptions: tuple[Misconception, ...] = ()
    importance: str = "understand"
    legacy_patterns: bool = False  # rubric written before point ids: patterns are substrings

    def mistake_label(self, mistake_id: str) -> Text:
        """The human name of one of this template's mistakes (see ``MistakeRef.label``)."""
        for ref in self.mistakes:
            if ref.id == mistake_id:
                return ref.label()
        for misconception in self.misconceptions:  # free text: the wrong statement itself, in both languages
            if misconception.id == mistake_id:
                return misconception.statement
        return MistakeRef(mistake_id, (), Text("", "")).label()

    @property
    def is_fixed(self) -> bool:
        """A past-paper question: every parameter is a fixed value."""
        return all("value" in rule for rule in self.params.values())


def fmt_sig(value: Any, digits: int) -> str:
    """``value`` rounded to ``digits`` significant figures, trailing zeros kept as significant:
    12898.471 -> 12900, 2048 -> 2050, 6.1035e-5 -> 6.10×10^-5, 0.5 -> 0.500."""
    rounded = float(f"{float(value):.{digits - 1}e}")
    if rounded == int(rounded) and abs(rounded) >= 10 ** (digits - 1) and abs(rounded) < 1e15:
        return str(int(rounded))
    text = f"{rounded:#.{digits}g}".rstrip(".")
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa.rstrip('.')}×10^{int(exponent)}"
    return text


# Caps on randomly drawn vectors and matrices (a bank file asking for 100000×100000 would take
# minutes and gigabytes; no exam question needs more than a few rows).
MAX_VECTOR_LENGTH = 64
MAX_MATRIX_SIDE = 16


class _Validator:
    """Reads one template mapping, remembering where it is for error messages."""

    def __init__(self, path: str, raw: Any, index: int):
        self.path = path
        if not isinstance(raw, dict):
            raise BankError(path, f"#{index + 1}", None, "each template must be a mapping")
        self.raw = raw
        self.tid = raw.get("id") if isinstance(raw.get("id"), str) else f"#{index + 1}"

    def fail(self, field_name: str, message: str) -> BankError:
        return BankError(self.path, self.tid, field_name, message)

    def text(self, value: Any, field_name: str, required: bool = True) -> Text | None:
        if value is None and not required:
            return None
        if not isinstance(value, dict):
            raise self.fail(field_name, "must be a mapping with 'en' and 'zh'")
        missing = [lang for lang in ("en", "zh") if not isinstance(value.get(lang), str) or not value[lang].strip()]
        if missing:
            raise self.fail(field_name, f"missing text in {', '.join(missing)}")
        return Text(value["en"].strip(), value["zh"].strip())

    def number(self, value: Any, field_name: str, positive: bool = False) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(field_name, f"must be a number, got {value!r}")
        if positive and value <= 0:
            raise self.fail(field_name, f"must be positive, got {value!r}")
        return value

    def expression(self, text: str, field_name: str) -> None:
        """Parse a YAML expression now, so that a typo is reported as what it is (with the parser's
        reason) rather than later as 'no variant satisfies the constraints'."""
        from solvers.safe_expr import ExprError, parse

        try:
            parse(text, names=None)
        except ExprError as exc:
            raise self.fail(field_name, f"cannot read the expression {text!r}: {exc.text.en}") from None

    def sizes(self, spec: dict[str, Any], field_name: str) -> None:
        """Random vectors and matrices stay small enough to show and to grade by hand."""
        for key, cap in (("length", MAX_VECTOR_LENGTH), ("rows", MAX_MATRIX_SIDE), ("cols", MAX_MATRIX_SIDE)):
            value = spec.get(key, 1)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= cap:
                raise self.fail(f"{field_name}.{key}", f"must be a whole number from 1 to {cap}, got {value!r}")

    def params(self) -> dict[str, dict[str, Any]]:
        raw = self.raw.get("params", {}) or {}
        if not isinstance(raw, dict):
            raise self.fail("params", "must be a mapping of name -> rule")
        out: dict[str, dict[str, Any]] = {}
        for name, rule in raw.items():
            where = f"params.{name}"
            if not isinstance(name, str) or not name.isidentifier():
                raise self.fail(where, "parameter names must be identifiers")
            if not isinstance(rule, dict) or len([k for k in rule if k in PARAM_RULES]) != 1:
                raise self.fail(where, f"must have exactly one of {', '.join(PARAM_RULES)}")
            if "range" in rule:
                bounds = rule["range"]
                if not (
                    isinstance(bounds, list) and len(bounds) == 2 and all(isinstance(b, (int, float)) for b in bounds)
                ):
                    raise self.fail(where, "range must be [low, high]")
                if bounds[0] > bounds[1]:
                    raise self.fail(where, "range low is above high")
                if "step" in rule:
                    self.number(rule["step"], where + ".step", positive=True)
            if "choice" in rule and (not isinstance(rule["choice"], list) or not rule["choice"]):
                raise self.fail(where, "choice must be a non-empty list")
            for text_rule in ("expr", "format"):
                if text_rule in rule and not isinstance(rule[text_rule], str):
                    raise self.fail(where, f"{text_rule} must be a string")
            if "expr" in rule:
                self.expression(rule["expr"], where + ".expr")
            if "list" in rule and not isinstance(rule["list"], list):
                raise self.fail(where, "list must be a list of expressions")
            for j, item in enumerate(rule.get("list") or []):
                if isinstance(item, str):
                    self.expression(item, f"{where}.list[{j}]")
            for shape_rule in ("vector", "matrix"):
                if shape_rule in rule:
                    spec = rule[shape_rule]
                    if not isinstance(spec, dict) or "range" not in spec:
                        raise self.fail(where, f"{shape_rule} needs a mapping with range (and length or rows/cols)")
                    self.sizes(spec, f"{where}.{shape_rule}")
            out[name] = rule
        return out

    def parts(self) -> tuple[Part, ...]:
        raw = self.raw.get("parts")
        if not isinstance(raw, list) or not raw:
            raise self.fail("parts", "a calc template needs a non-empty list of parts")
        parts = []
        seen: set[str] = set()
        for i, item in enumerate(raw):
            where = f"parts[{i}]"
            if not isinstance(item, dict):
                raise self.fail(where, "must be a mapping")
            pid = item.get("id")
            if not isinstance(pid, str) or not pid:
                raise self.fail(where + ".id", "missing")
            if pid in seen:
                raise self.fail(where + ".id", f"duplicate part id {pid!r}")
            seen.add(pid)
            kind = item.get("type")
            if kind not in ANSWER_TYPES:
                raise self.fail(where + ".type", f"must be one of {', '.join(ANSWER_TYPES)}, got {kind!r}")
            answer = item.get("answer")
            if not isinstance(answer, str):
                raise self.fail(where + ".answer", "must name a key of the solver's answers")
            tol_raw = item.get("tolerance") or {}
            if not isinstance(tol_raw, dict):
                raise self.fail(where + ".tolerance", "must be a mapping with rtol and/or atol")
            tolerance = Tolerance(
                float(self.number(tol_raw.get("rtol", Tolerance.rtol), where + ".tolerance.rtol")),
                float(self.number(tol_raw.get("atol", Tolerance.atol), where + ".tolerance.atol")),
            )
            options: dict[str, Text] = {}
            if kind == "choice":
                raw_options = item.get("options")
                if not isinstance(raw_options, dict) or len(raw_options) < 2:
                    raise self.fail(where + ".options", "a choice part needs at least two options")
                for key, label in raw_options.items():
                    options[str(key)] = self.text(label, f"{where}.options.{key}")  # type: ignore[assignment]
            digits = item.get("digits")
            prompt = self.text(item.get("prompt"), where + ".prompt")
            if digits is not None:
                if kind != "number" or isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 8:
                    raise self.fail(where + ".digits", "must be a whole number from 1 to 8, on a number part")
                # Any answer correctly rounded to `digits` figures is within 5·10^-digits of the value.
                needed = 5 * 10.0**-digits
                if "tolerance" not in item:
                    tolerance = Tolerance(needed, 0.0)
                elif tolerance.rtol < needed * (1 - 1e-9):
                    raise self.fail(
                        where + ".tolerance.rtol",
                        f"{digits} significant figures need rtol ≥ {needed:g}, or a rounded answer is marked wrong",
                    )
                prompt = Text(  # type: ignore[union-attr]
                    f"{prompt.en} ({digits} significant figures)", f"{prompt.zh}（{digits} 位有效数字）"
                )
            names = item.get("names", ["x"] if kind == "expression" else [])
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise self.fail(where + ".names", "must be a list of variable names")
            parts.append(
                Part(
                    id=pid,
                    answer=answer,
                    type=kind,
                    points=float(self.number(item.get("points", 1), where + ".points", positive=True)),
                    prompt=prompt,  # type: ignore[arg-type]
                    tolerance=tolerance,
                    options=options,
                    carry=bool(item.get("carry", False)),
                    names=tuple(names),
                    digits=digits,
                )
            )
        return tuple(parts)

    def mistakes(self, part_ids: set[str]) -> tuple[MistakeRef, ...]:
        raw = self.raw.get("mistakes") or []
        if not isinstance(raw, list):
            raise self.fail("mistakes", "must be a list")
        out = []
        for i, item in enumerate(raw):
            where = f"mistakes[{i}]"
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                raise self.fail(where, "each mistake needs an id")
            parts = item.get("parts") or sorted(part_ids)
            if isinstance(parts, str):
                parts = [parts]
            unknown = [p for p in parts if p not in part_ids]
            if unknown:
                raise self.fail(where + ".parts", f"unknown part(s) {', '.join(unknown)}")
            out.append(
                MistakeRef(
                    item["id"],
                    tuple(parts),
                    self.text(item.get("feedback"), where + ".feedback"),  # type: ignore[arg-type]
                    self.text(item.get("name"), where + ".name", required=False),
                )
            )
        return tuple(out)

    def pattern_list(self, value: Any, field_name: str, required: bool) -> tuple[str, ...]:
        if value is None and not required:
            return ()
        if not isinstance(value, list) or (required and not value):
            raise self.fail(field_name, "needs a list of strings (English and Chinese phrasings)")
        out = []
        for j, pattern in enumerate(value):
            where = f"{field_name}[{j}]"
            if not isinstance(pattern, str) or not pattern.strip():
                raise self.fail(where, f"must be a non-empty string, got {pattern!r}")
            # a '*' ends a word stem ("solve*"); anywhere else ("p*x", "Q*") it is a literal symbol
            out.append(pattern.strip())
        return tuple(out)

    def unknown_keys(self, item: dict, allowed: set[str], where: str) -> None:
        unknown = sorted(str(k) for k in item if k not in allowed)
        if unknown:
            raise self.fail(where, f"unknown field(s) {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})")

    def rubric(self) -> tuple[tuple[RubricPoint, ...], bool]:
        raw = self.raw.get("rubric")
        if not isinstance(raw, list) or not raw:
            raise self.fail("rubric", "a concept or design item needs a rubric of key points")
        out = []
        seen: set[str] = set()
        with_ids = 0
        for i, item in enumerate(raw):
            where = f"rubric[{i}]"
            if not isinstance(item, dict):
                raise self.fail(where, "must be a mapping")
            self.unknown_keys(item, _POINT_KEYS, where)
            pid = item.get("id")
            if pid is None:
                pid = f"p{i + 1}"
            else:
                with_ids += 1
                if not isinstance(pid, str) or not _SLUG.match(pid):
                    raise self.fail(where + ".id", f"must be a short lower-case slug, got {pid!r}")
            if pid in seen:
                raise self.fail(where + ".id", f"duplicate key-point id {pid!r}")
            seen.add(pid)
            negated = self.pattern_list(item.get("negated_patterns"), where + ".negated_patterns", required=False)
            patterns = self.pattern_list(item.get("patterns"), where + ".patterns", required=not negated)
            out.append(
                RubricPoint(
                    self.text(item.get("point"), where + ".point"),  # type: ignore[arg-type]
                    float(self.number(item.get("weight", 1), where + ".weight", positive=True)),
                    patterns,
                    id=pid,
                    negated_patterns=negated,
                )
            )
        if 0 < with_ids < len(raw):
            raise self.fail("rubric", "either every key point has an id or none does (the old format)")
        return tuple(out), with_ids == 0

    def misconceptions(self, point_ids: set[str]) -> tuple[Misconception, ...]:
        raw = self.raw.get("misconceptions") or []
        if not isinstance(raw, list):
            raise self.fail("misconceptions", "must be a list")
        out = []
        seen: set[str] = set()
        for i, item in enumerate(raw):
            where = f"misconceptions[{i}]"
            if not isinstance(item, dict):
                raise self.fail(where, "must be a mapping")
            self.unknown_keys(item, _MISCONCEPTION_KEYS, where)
            mid = item.get("id")
            if not isinstance(mid, str) or not _SLUG.match(mid):
                raise self.fail(where + ".id", f"must be a short lower-case slug, got {mid!r}")
            if mid in seen:
                raise self.fail(where + ".id", f"duplicate misconception id {mid!r}")
            seen.add(mid)
            cap = self.number(item.get("cap", 0.5), where + ".cap")
            if not 0 <= cap < 1:
                raise self.fail(where + ".cap", f"must be a fraction in [0, 1), got {cap!r}")
            out.append(
                Misconception(
                    id=mid,
                    statement=self.text(item.get("statement"), where + ".statement"),  # type: ignore[arg-type]
                    patterns=self.pattern_list(item.get("patterns"), where + ".patterns", required=True),
                    cap=float(cap),
                    feedback=self.text(item.get("feedback"), where + ".feedback"),  # type: ignore[arg-type]
                    voids=self.voided_points(item.get("voids"), where + ".voids", point_ids),
                )
            )
        return tuple(out)

    def voided_points(self, raw: object, where: str, point_ids: set[str]) -> tuple[str, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            raise self.fail(where, "must be a list of key-point ids")
        unknown = [v for v in raw if v not in point_ids]
        if unknown:
            raise self.fail(where, f"no key point with id {unknown[0]!r} in this item's rubric")
        return tuple(raw)

    def build(self) -> Template:
        raw = self.raw
        if "id" not in raw or raw["id"] is None:
            raise self.fail("id", "missing")
        if not isinstance(raw["id"], str) or not raw["id"].strip():
            raise self.fail("id", f"must be a text such as cnn.conv.output-size, got {raw['id']!r}")
        topic = raw.get("topic")
        if not isinstance(topic, str) or not topic:
            raise self.fail("topic", "missing")
        kind = raw.get("kind", "calc")
        if kind not in KINDS:
            raise self.fail("kind", f"must be one of {', '.join(KINDS)}, got {kind!r}")
        where = raw.get("where") or []
        if isinstance(where, str):
            where = [where]
        if not isinstance(where, list) or not all(isinstance(w, str) for w in where):
            raise self.fail("where", "must be a string or a list of strings")
        for i, constraint in enumerate(where):
            self.expression(constraint, f"where[{i}]" if len(where) > 1 else "where")
        hints_raw = raw.get("hints") or []
        if not isinstance(hints_raw, list):
            raise self.fail("hints", "must be a list")
        hints = tuple(self.text(h, f"hints[{i}]") for i, h in enumerate(hints_raw))
        importance = raw.get("importance", "understand")
        if importance not in IMPORTANCE:
            raise self.fail("importance", f"must be one of {', '.join(IMPORTANCE)}, got {importance!r}")
        common = dict(
            importance=importance,
            id=raw["id"],
            topic=topic,
            kind=kind,
            title=self.text(raw.get("title"), "title"),
            text=self.text(raw.get("text"), "text"),
            path=self.path,
            hints=hints,
            hint_cost=float(self.number(raw.get("hint_cost", DEFAULT_HINT_COST), "hint_cost")),
            source=self.text(raw.get("source"), "source", required=False),
        )
        if kind == "calc":
            solver_id = raw.get("solver")
            if not isinstance(solver_id, str):
                raise self.fail("solver", "a calc template needs a solver id")
            parts = self.parts()
            default_points = sum(p.points for p in parts)
            return Template(
                **common,  # type: ignore[arg-type]
                points=float(self.number(raw.get("points", default_points), "points", positive=True)),
                params=self.params(),
                where=tuple(where),
                solver=solver_id,
                parts=parts,
                mistakes=self.mistakes({p.id for p in parts}),
            )
        rubric, legacy = self.rubric()
        return Template(
            **common,  # type: ignore[arg-type]
            points=float(self.number(raw.get("points", 10), "points", positive=True)),
            rubric=rubric,
            model_answer=self.text(raw.get("model_answer"), "model_answer"),
            misconceptions=self.misconceptions({point.id for point in rubric}),
            legacy_patterns=legacy,
        )


def template_from_dict(raw: Any, path: str, index: int = 0) -> Template:
    return _Validator(path, raw, index).build()
