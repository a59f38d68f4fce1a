"""Answer sheets: a blank paper as YAML to fill in an editor, and reading a filled one back.

A sheet is a flat YAML mapping: ``paper``, ``seed`` and ``twin`` say which paper it is (so the
numbers match when it is graded), then one key per answer part (``q1.a``, ``q1.b``, ``q3``, …) with
the question as comments above it. Calculations are one-line values; free text is a block scalar
(``|``). Reading checks every key and value and reports each problem with its key.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from examprep.bank.papers import Blueprint
from examprep.grading.parse import AnswerError
from examprep.i18n import t
from examprep.session.exam import read_answer
from examprep.session.exam_paper import ExamPaper
from solvers.core import Text

META_KEYS = ("paper", "seed", "twin")
WIDTH = 96


@dataclass
class SheetProblem:
    key: str | None
    message: Text

    def get(self, lang: str) -> str:
        return f"{self.key}: {self.message.get(lang)}" if self.key else self.message.get(lang)


class SheetError(ValueError):
    def __init__(self, problems: list[SheetProblem]):
        super().__init__("; ".join(p.get("en") for p in problems))
        self.problems = problems


def _cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _wrap(paragraph: str, width: int) -> list[str]:
    """Wrap at spaces by display width; Chinese (two columns a character, few spaces) may break
    between any two characters."""
    lines: list[str] = []
    line = ""
    for token in re.findall(r"\S+\s*|\s+", paragraph):
        if _cells(line + token.rstrip()) <= width:
            line += token
            continue
        if line.strip():
            lines.append(line.rstrip())
            line = ""
        while _cells(token.rstrip()) > width:  # a run without spaces longer than the line
            cut = 1
            while _cells(token[: cut + 1]) <= width:
                cut += 1
            lines.append(token[:cut])
            token = token[cut:]
        line += token
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _comment(text: str, indent: str = "") -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines += [f"# {indent}{w}".rstrip() for w in _wrap(paragraph, WIDTH - 2 - len(indent))]
    return lines


def write_sheet(paper: ExamPaper, lang: str) -> str:
    plan = paper.plan
    lines = [
        f"# {t('sheet_title', lang, title=plan.title.get(lang))}",
        *_comment(t("sheet_help", lang)),
        *_comment(t("sheet_grade", lang, command="examprep mock-exam --answers answers.yaml")),
        "",
        f'paper: "{plan.paper}"',
        f"seed: {plan.seed}",
        f"twin: {'true' if plan.twin else 'false'}",
    ]
    for question in plan.questions:
        score = t("points", lang, points=f"{question.points:g}")
        lines += ["", f"# ── Q{question.number} · {paper.question_title(question.number, lang)} ({score})"]
        shown_items: set[int] = set()
        for part in paper.question_parts(question.number):
            item = paper.item_of(part)
            if part.item not in shown_items:
                shown_items.add(part.item)
                lines += _comment(item.text(lang))
            label = f"({part.letter}) " if part.letter else ""
            prompt = paper.prompt(part, lang)
            lines += _comment(f"{label}{prompt} [{t('points', lang, points=f'{part.points:g}')}]", indent="  ")
            lines.append(f"{part.key}: |\n  " if part.free_text else f'{part.key}: ""')
    return "\n".join(lines) + "\n"


def _as_text(value: Any) -> str | None:
    """A YAML value as the text a student would have typed; None when it has no such reading."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, str)):
        return str(value)
    if isinstance(value, list):
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            return ", ".join(str(v) for v in value)
        if all(isinstance(row, list) and all(isinstance(v, (int, float)) for v in row) for row in value):
            return "; ".join(", ".join(str(v) for v in row) for row in value)
    return None


def parse_sheet(text: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split a sheet into its paper fields and its raw answers. Raises SheetError on bad YAML."""
    from examprep.bank.loader import safe_yaml

    try:
        data = safe_yaml(text)
    except Exception as exc:  # yaml.YAMLError: say where
        mark = getattr(exc, "problem_mark", None)
        where = (
            Text(
                f" (line {mark.line + 1}, column {mark.column + 1})",
                f"（第 {mark.line + 1} 行第 {mark.column + 1} 列）",
            )
            if mark
            else Text("", "")
        )
        raise SheetError(
            [SheetProblem(None, Text(f"the sheet is not valid YAML{where.en}", f"答题卡不是有效的 YAML{where.zh}"))]
        ) from None
    if not isinstance(data, dict):
        raise SheetError(
            [SheetProblem(None, Text("the sheet must be a mapping of keys to answers", "答题卡应是“键: 答案”的映射"))]
        )
    meta = {k: data[k] for k in META_KEYS if k in data}
    answers = {str(k): v for k, v in data.items() if k not in META_KEYS}
    return meta, answers


def check_sheet(paper: ExamPaper, raw: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """Answers by key, and the keys left blank. Raises SheetError naming every bad key or value."""
    problems: list[SheetProblem] = []
    answers: dict[str, str] = {}
    known = {p.key for p in paper.parts}
    for key, value in raw.items():
        if key not in known:
            problems.append(
                SheetProblem(
                    key,
                    Text(
                        f"no such answer on this paper (keys: {', '.join(sorted(known, key=_order))})",
                        f"本试卷没有这个答案键（可用的键：{', '.join(sorted(known, key=_order))}）",
                    ),
                )
            )
            continue
        text = _as_text(value)
        if text is None:
            problems.append(
                SheetProblem(
                    key,
                    Text(
                        f"cannot read {value!r} as an answer; write it as text (in quotes if needed)",
                        f"无法把 {value!r} 读成答案；请写成文本（必要时加引号）",
                    ),
                )
            )
            continue
        part = paper.part(key)
        assert part is not None
        if text.strip() and not part.free_text:
            try:
                read_answer(paper, part, text)
            except AnswerError as error:
                problems.append(SheetProblem(key, error.text))
                continue
        answers[key] = text
    if problems:
        raise SheetError(problems)
    missing = [p.key for p in paper.parts if not answers.get(p.key, "").strip()]
    return answers, missing


def _order(key: str) -> tuple[int, str]:
    head, _, tail = key.partition(".")
    return int(head[1:]) if head[1:].isdigit() else 0, tail


def sheet_numbers(meta: dict[str, Any], blueprint: Blueprint, seed: int | None, twin: bool) -> tuple[int, bool]:
    """The seed and twin flag that fix a sheet's numbers: the command line's, else the sheet's own.

    A paper that draws items or is set as a twin depends on its seed, so its sheet must carry one."""
    sheet_seed = meta.get("seed")
    if sheet_seed is not None and (isinstance(sheet_seed, bool) or not isinstance(sheet_seed, int)):
        raise SheetError(
            [
                SheetProblem(
                    "seed", Text(f"must be a whole number, got {sheet_seed!r}", f"应为整数，实际为 {sheet_seed!r}")
                )
            ]
        )
    use_twin = twin or meta.get("twin") is True
    drawn = any(i.draw is not None for s in blueprint.sections for q in s.questions for i in q.items)
    if seed is None and sheet_seed is None and (drawn or use_twin):
        raise SheetError(
            [
                SheetProblem(
                    "seed",
                    Text(
                        "the sheet has no seed line, and this paper's numbers depend on it: "
                        "keep the seed line of the blank sheet or give --seed",
                        "答题卡中没有 seed 行，而这份试卷的数字取决于它：请保留空白答题卡中的 seed 行，或使用 --seed",
                    ),
                )
            ]
        )
    return (seed if seed is not None else (sheet_seed or 0)), use_twin
