"""Reading what a student typed: integers, numbers, shapes, vectors, matrices, choices, formulas.

Input is NFKC-normalized first, so full-width digits, commas and brackets typed with a Chinese
input method read the same as ASCII. Every parser returns a ``Parsed`` (the value and how it was
read, echoed to the student before grading) or raises ``AnswerError`` with a bilingual reason;
an invalid answer is re-asked, never graded as wrong. Arithmetic inside an answer (``15*3*81+15``,
``1/3``, ``sqrt(2)/2``) goes through the whitelist parser, never ``eval``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from solvers.core import Text, fmt_num
from solvers.safe_expr import ExprError, Node, evaluate, free_names, parse, replace_superscripts

ANSWER_TYPES = ("integer", "number", "shape", "vector", "matrix", "choice", "expression")


class AnswerError(ValueError):
    """The input cannot be read as the expected kind of answer."""

    def __init__(self, en: str, zh: str):
        super().__init__(en)
        self.text = Text(en, zh)


@dataclass(frozen=True)
class Parsed:
    value: Any
    shown: str  # how the input was read, e.g. "45 × 45 × 15"


_PUNCTUATION = {
    "，": ",",
    "、": ",",
    "；": ";",
    "：": ":",
    "（": "(",
    "）": ")",
    "【": "[",
    "】": "]",
    "〔": "[",
    "〕": "]",
    "−": "-",
    "–": "-",
    "。": ".",
}


MAX_SHOWN = 40


def quoted(text: str) -> str:
    """A piece of the student's input as quoted in a message: characters that could not be
    decoded (a terminal in another encoding) become '�', and a long piece is cut in the middle
    so that the message stays readable."""
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    text = "".join(ch if ch.isprintable() else "�" for ch in text)
    if len(text) > MAX_SHOWN:
        text = text[: MAX_SHOWN // 2] + " … " + text[-MAX_SHOWN // 4 :]
    return "'" + text + "'"


def normalize(text: str) -> str:
    """NFKC plus the Chinese punctuation NFKC leaves alone; trims surrounding blanks."""
    text = unicodedata.normalize("NFKC", replace_superscripts(text))
    for wide, ascii_char in _PUNCTUATION.items():
        text = text.replace(wide, ascii_char)
    return text.strip()


def _number(text: str) -> float | int:
    """One number, possibly written as arithmetic without variables (``3/4``, ``2^-1``, ``1e-3``, ``45%``)."""
    text = text.strip()
    if not text:
        raise AnswerError("empty value", "空值")
    percent = text.endswith("%")
    if percent:
        text = text[:-1]
    if re.fullmatch(r"\d{1,3}(,\d{3})+", text):  # thousands separators: 7,411,500
        text = text.replace(",", "")
    try:
        node = parse(text, names=set())
        value = evaluate(node, {})
    except ExprError as exc:
        raise AnswerError(
            f"cannot read {quoted(text)} as a number: {exc.text.en}", f"无法把 {quoted(text)} 读成数字：{exc.text.zh}"
        ) from None
    except (ArithmeticError, ValueError, TypeError):
        raise AnswerError(f"cannot read {quoted(text)} as a number", f"无法把 {quoted(text)} 读成数字") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise AnswerError(f"{quoted(text)} is not a number", f"{quoted(text)} 不是数字")
    if isinstance(value, float) and not math.isfinite(value):
        raise AnswerError(f"{quoted(text)} is not a finite number", f"{quoted(text)} 不是有限的数")
    if percent:
        value = value / 100
    return value


def parse_integer(text: str) -> Parsed:
    value = _number(normalize(text))
    if isinstance(value, float):
        if not value.is_integer():
            raise AnswerError(
                f"{fmt_num(value)} is not a whole number; this answer is a count",
                f"{fmt_num(value)} 不是整数；本题答案是一个个数",
            )
        value = int(value)
    return Parsed(value, str(value))


def parse_number(text: str) -> Parsed:
    value = _number(normalize(text))
    return Parsed(value, fmt_num(value, 8))


def _strip_brackets(text: str) -> str:
    """Drop brackets that enclose the whole text (``[1, 2]``, ``((45, 45))``), but not the two
    ends of ``[1, 2]; [3, 4]``, where the first bracket closes before the end."""
    text = text.strip()
    while _enclosed(text):
        text = text[1:-1].strip()
    return text


def _enclosed(text: str) -> bool:
    pairs = {"(": ")", "[": "]", "{": "}"}
    if len(text) < 2 or text[0] not in pairs or text[-1] != pairs[text[0]]:
        return False
    depth = 0
    for index, char in enumerate(text):
        depth += char in "([{"
        depth -= char in ")]}"
        if depth == 0 and index < len(text) - 1:
            return False
    return True


def _split_items(text: str) -> list[str]:
    """Split a list of numbers on commas, or on blanks when there is no comma."""
    if "," in text:
        items = [item.strip() for item in text.split(",")]
        if items and items[-1] == "":  # a trailing comma
            items.pop()
    else:
        items = text.split()
    return items


def parse_shape(text: str) -> Parsed:
    body = _strip_brackets(normalize(text))
    parts = re.split(r"\s*[x×X*,]\s*|\s+", body)
    if not body or any(p == "" for p in parts):
        raise AnswerError("write a size like 45x45x15", "请写成 45x45x15 这样的大小")
    dims: list[int | float] = []
    for part in parts:
        try:
            value = _number(part)
        except AnswerError as exc:
            raise AnswerError(
                f"cannot read {quoted(part)} in a size ({exc.text.en}); write it like 45x45x15",
                f"大小中的 {quoted(part)} 无法识别（{exc.text.zh}）；请写成 45x45x15 的形式",
            ) from None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        dims.append(value)
    return Parsed(tuple(dims), " × ".join(fmt_num(d) for d in dims))


def parse_vector(text: str) -> Parsed:
    body = _strip_brackets(normalize(text).replace(";", ","))
    items = _split_items(body)
    if not items or any(item == "" for item in items):
        raise AnswerError("write numbers separated by commas, e.g. 0.5, -1.2", "请用逗号分隔各个数，例如 0.5, -1.2")
    values = [_number(item) for item in items]
    if len(values) == 1:
        return Parsed(values, fmt_num(values[0], 8))
    return Parsed(values, "(" + ", ".join(fmt_num(v, 8) for v in values) + ")")


def parse_matrix(text: str) -> Parsed:
    # Rows written as bracketed lists, ``[[1, 2], [3, 4]]`` or ``[1, 2]; [3, 4]``: a bracket that
    # closes and another that opens mark the end of a row.
    body = _strip_brackets(normalize(text))
    body = _strip_brackets(re.sub(r"\]\s*[,;]?\s*\[", ";", body))
    if re.search(r";\s*;", body):
        raise AnswerError("an empty row between ';'", "两个分号之间是空行")
    raw_rows = [r for r in re.split(r"[;\n]", body) if r.strip()]
    if not raw_rows:
        raise AnswerError("write rows separated by ';', e.g. 1, 2; 3, 4", "请用分号分隔各行，例如 1, 2; 3, 4")
    rows = [[_number(item) for item in _split_items(_strip_brackets(r))] for r in raw_rows]
    if any(not row for row in rows):
        raise AnswerError("a row is empty", "有一行是空的")
    if len({len(row) for row in rows}) != 1:
        raise AnswerError(
            "rows have different lengths: " + ", ".join(str(len(r)) for r in rows),
            "各行长度不一致：" + "、".join(str(len(r)) for r in rows),
        )
    shown = "[" + "; ".join(", ".join(fmt_num(v, 8) for v in row) for row in rows) + "]"
    return Parsed(rows, shown)


def parse_choice(text: str, options: list[str]) -> Parsed:
    key = _strip_brackets(normalize(text)).lower().rstrip(".")
    lowered = {o.lower(): o for o in options}
    if key in lowered:
        return Parsed(lowered[key], lowered[key])
    raise AnswerError(
        f"choose one of: {', '.join(options)}",
        f"请从以下选项中选择：{'、'.join(options)}",
    )


def parse_expression(text: str, names: set[str]) -> Parsed:
    """A formula in the allowed variables; returns the parsed tree (graded by equivalence)."""
    body = normalize(text)
    try:
        node: Node = parse(body, names=names)
    except ExprError as exc:
        raise AnswerError(f"cannot read the formula: {exc.text.en}", f"无法识别该公式：{exc.text.zh}") from None
    if free_names(node) - names:
        raise AnswerError("the formula uses unknown names", "公式中有未知的名称")
    return Parsed(node, body)


def parse_answer(kind: str, text: str, options: list[str] | None = None, names: set[str] | None = None) -> Parsed:
    """Dispatch on the answer type of a question part."""
    if not normalize(text):
        raise AnswerError("the answer is empty", "答案为空")
    if kind == "integer":
        return parse_integer(text)
    if kind == "number":
        return parse_number(text)
    if kind == "shape":
        return parse_shape(text)
    if kind == "vector":
        return parse_vector(text)
    if kind == "matrix":
        return parse_matrix(text)
    if kind == "choice":
        return parse_choice(text, options or [])
    if kind == "expression":
        return parse_expression(text, names or set())
    raise ValueError(f"unknown answer type {kind!r}")


def format_answer(kind: str, value: Any) -> str:
    """Write a value the way a student would type it; ``parse_answer`` reads it back."""
    if kind in ("integer", "choice", "expression"):
        return str(value)
    if kind == "number":
        return repr(float(value)) if isinstance(value, float) else str(value)
    if kind == "shape":
        return "x".join(repr(v) if isinstance(v, float) else str(v) for v in value)
    if kind == "vector":
        return ", ".join(repr(float(v)) for v in value)
    if kind == "matrix":
        return "; ".join(", ".join(repr(float(v)) for v in row) for row in value)
    raise ValueError(f"unknown answer type {kind!r}")


def show_value(kind: str, value: Any) -> str:
    """A value as shown to the student (the expected answer in feedback)."""
    if kind == "shape":
        return " × ".join(fmt_num(v) for v in value)
    if kind == "vector":
        return "(" + ", ".join(fmt_num(v, 6) for v in value) + ")"
    if kind == "matrix":
        return "[" + "; ".join(", ".join(fmt_num(v, 6) for v in row) for row in value) + "]"
    if kind in ("integer", "number"):
        return fmt_num(value, 8)
    return str(value)
