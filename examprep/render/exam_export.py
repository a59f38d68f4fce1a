"""Printable papers: HTML (A4 print CSS) and Markdown, and their answer keys as separate files.

A paper has a cover (title, form, time, name and student-number fields, a score table), then
every question with space to answer under each part; a question is never split across pages.
The answer key lists every part's answer (or model answer and key points) and the worked
solutions. All bank and solver text is HTML-escaped.
"""

from __future__ import annotations

from html import escape

from examprep.i18n import t
from examprep.session.exam_paper import AnswerPart, ExamPaper, describe_paper
from solvers.core import Grid, Step, fmt_num

CSS = """
@page { size: A4; margin: 16mm 15mm 18mm 15mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Serif", "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", "SimSun",
       "Noto Sans CJK SC", "WenQuanYi Zen Hei", "PingFang SC", "Microsoft YaHei", serif;
       font-size: 11pt; line-height: 1.45; color: #111; max-width: 180mm; margin: 0 auto; }
h1 { font-size: 20pt; margin: 0 0 4mm; }
h2 { font-size: 13pt; border-bottom: 1.5px solid #333; padding-bottom: 1mm; margin: 6mm 0 3mm;
     break-after: avoid; page-break-after: avoid; }
.cover { page-break-after: always; break-after: page; }
.meta { color: #444; margin-bottom: 6mm; }
.fields { display: flex; gap: 8mm; margin: 8mm 0; font-size: 12pt; }
.fields div { flex: 1; border-bottom: 1px solid #333; padding-bottom: 1mm; }
table.scores { border-collapse: collapse; width: 100%; margin: 6mm 0; }
table.scores th, table.scores td { border: 1px solid #333; padding: 2mm; text-align: center; }
table.scores td.blank { height: 12mm; }
.instructions { font-size: 10pt; color: #333; }
.question { break-inside: avoid; page-break-inside: avoid; margin: 0 0 6mm; }
.question h3 { font-size: 12pt; margin: 0 0 2mm; }
.question .pts { font-weight: normal; color: #555; }
.text { margin: 1mm 0 2mm; white-space: pre-wrap; }
.part { margin: 2mm 0 0 4mm; }
.answer { border: 1px solid #999; margin: 1mm 0 3mm 4mm; border-radius: 1mm;
          background: repeating-linear-gradient(to bottom, transparent 0, transparent 7.5mm, #ddd 7.5mm, #ddd 7.8mm); }
.key .question { break-inside: auto; page-break-inside: auto; }  /* worked solutions may run long */
.key .expected { font-weight: bold; }
.key .step { margin: 1mm 0 1mm 6mm; }
.key .formula { font-family: "DejaVu Sans Mono", monospace; font-size: 10pt; }
.key table.grid { border-collapse: collapse; margin: 1mm 0 1mm 6mm; font-size: 9.5pt; }
.key table.grid td, .key table.grid th { border: 1px solid #bbb; padding: 0.5mm 2mm; text-align: right; }
.model { white-space: pre-wrap; border-left: 3px solid #6a6; padding-left: 3mm; margin: 1mm 0 2mm 4mm; }
@media screen { body { margin: 10mm auto; } }
"""


ANSWER_SPACE_CM = 13.0  # at most this much answer space per question: with its text, one question fits on an A4 page


def _answer_height(part: AnswerPart) -> float:
    """Centimetres of answer space: a line or two for a calculation, more for text by its points."""
    if part.part is not None:
        return 2.4 if part.part.type == "matrix" else 1.6
    return min(14.0, max(3.2, 0.8 * part.points))


def _heights(parts: list[AnswerPart]) -> list[float]:
    """Answer space of each part, shrunk together when the question would not fit on a page."""
    heights = [_answer_height(p) for p in parts]
    scale = min(1.0, ANSWER_SPACE_CM / sum(heights)) if heights else 1.0
    return [h * scale for h in heights]


def _form(paper: ExamPaper, lang: str) -> str:
    plan = paper.plan
    form = t("export_form", lang, seed=plan.seed)
    return form + (" · " + t("export_twin", lang) if plan.twin else "")


def _cover(paper: ExamPaper, lang: str, key: bool) -> str:
    plan = paper.plan
    title = escape(plan.title.get(lang)) + (" — " + escape(t("export_key", lang)) if key else "")
    head = [
        f"<h1>{title}</h1>",
        f'<div class="meta">{escape(describe_paper(plan).get(lang))} · {escape(_form(paper, lang))}</div>',
    ]
    if key:
        return '<section class="key-head">' + "".join(head) + "</section>"
    numbers = "".join(f"<th>Q{q.number}</th>" for q in plan.questions)
    points = "".join(f"<td>{q.points:g}</td>" for q in plan.questions)
    blanks = "".join('<td class="blank"></td>' for _ in plan.questions)
    total_label = escape(t("summary_total", lang))
    return (
        '<section class="cover">'
        + "".join(head)
        + '<div class="fields">'
        + f"<div>{escape(t('export_name', lang))}:</div><div>{escape(t('export_student_number', lang))}:</div>"
        + "</div>"
        + '<table class="scores">'
        + f"<tr><th></th>{numbers}<th>{total_label}</th></tr>"
        + f"<tr><th>{escape(t('exam_col_points', lang))}</th>{points}<td>{plan.max_points:g}</td></tr>"
        + f'<tr><th>{escape(t("exam_col_score", lang))}</th>{blanks}<td class="blank"></td></tr>'
        + "</table>"
        + f'<p class="instructions">{escape(t("export_instructions", lang, minutes=f"{plan.minutes:g}"))}</p>'
        + "</section>"
    )


def _grid_html(grid: Grid, lang: str) -> str:
    rows = []
    if grid.col_labels:
        rows.append(
            "<tr>"
            + ("<th></th>" if grid.row_labels else "")
            + "".join(f"<th>{escape(c)}</th>" for c in grid.col_labels)
            + "</tr>"
        )
    for i, row in enumerate(grid.rows):
        label = f"<th>{escape(grid.row_labels[i])}</th>" if grid.row_labels and i < len(grid.row_labels) else ""
        cells = "".join(f"<td>{escape(_cell(v))}</td>" for v in row)
        rows.append(f"<tr>{label}{cells}</tr>")
    title = f"<caption>{escape(grid.title.get(lang))}</caption>" if grid.title else ""
    return f'<table class="grid">{title}{"".join(rows)}</table>'


def _cell(value: object) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return fmt_num(value, 4)
    return str(value)


def _step_html(number: int, step: Step, lang: str) -> str:
    lines = [
        f"<div><b>{number}. {escape(step.what.get(lang))}</b>"
        + (f" → <b>{escape(step.result)}</b>" if step.result else "")
        + "</div>"
    ]
    if step.formula:
        lines.append(f'<div class="formula">{escape(step.formula)}</div>')
    if step.substituted:
        prefix = "" if "\n" in step.substituted else "= "
        lines.append(f'<div class="formula" style="white-space: pre-wrap">{escape(prefix + step.substituted)}</div>')
    if step.note:
        lines.append(f"<div><i>{escape(step.note.get(lang))}</i></div>")
    lines += [_grid_html(g, lang) for g in step.grids]
    return '<div class="step">' + "".join(lines) + "</div>"


def _question_html(paper: ExamPaper, number: int, lang: str, key: bool) -> str:
    from examprep.grading.parse import show_value

    question = paper.question(number)
    out = [
        f'<section class="question"><h3>Q{number}. {escape(paper.question_title(number, lang))} '
        f'<span class="pts">({escape(t("points", lang, points=f"{question.points:g}"))})</span></h3>'
    ]
    parts = paper.question_parts(number)
    heights = _heights(parts)
    for index, part in enumerate(parts):
        item = paper.item_of(part)
        if index == 0 or parts[index - 1].item != part.item:
            out.append(f'<div class="text">{escape(item.text(lang))}</div>')
        label = f"({part.letter}) " if part.letter else ""
        out.append(
            f'<div class="part">{escape(label + paper.prompt(part, lang))} '
            f'<span class="pts">[{escape(t("points", lang, points=f"{part.points:g}"))}]</span></div>'
        )
        if not key:
            out.append(f'<div class="answer" style="height: {heights[index]:.1f}cm"></div>')
        elif part.part is not None and item.question is not None:
            value = show_value(part.part.type, item.question.expected(part.part))
            out.append(f'<div class="part expected">{escape(t("expected", lang, value=value))}</div>')
        else:
            weight = sum(p.weight for p in item.template.rubric) or 1
            points = "".join(
                f"<li>{escape(p.point.get(lang))} ({p.weight / weight * part.points:.3g})</li>"
                for p in item.template.rubric
            )
            model = item.template.model_answer.get(lang) if item.template.model_answer else ""
            out.append(f'<div class="model">{escape(model)}</div>')
            out.append(f'<div class="part">{escape(t("export_key_points", lang))}<ul>{points}</ul></div>')
        last_of_item = index == len(parts) - 1 or parts[index + 1].item != part.item
        if key and last_of_item and item.question is not None:
            steps = "".join(_step_html(i, s, lang) for i, s in enumerate(item.question.solution.steps, start=1))
            out.append(f'<div class="part"><b>{escape(t("worked_solution", lang))}</b>{steps}</div>')
    out.append("</section>")
    return "".join(out)


def paper_html(paper: ExamPaper, lang: str, key: bool = False) -> str:
    body = [_cover(paper, lang, key)]
    section = -1
    for question in paper.plan.questions:
        if question.section != section:
            section = question.section
            body.append(f"<h2>{escape(paper.plan.sections[section].get(lang))}</h2>")
        body.append(_question_html(paper, question.number, lang, key))
    html_lang = "zh-CN" if lang == "zh" else "en"
    title = escape(paper.plan.title.get(lang))
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{CSS}</style></head>"
        f'<body class="{"key" if key else "paper"}">' + "\n".join(body) + "</body></html>\n"
    )


def _md_escape(text: str) -> str:
    """Keep bank text literal in Markdown: escape the characters that would format it."""
    for char in ("\\", "*", "_", "`", "#", "|", "<", ">", "[", "]"):
        text = text.replace(char, "\\" + char)
    return text


def paper_markdown(paper: ExamPaper, lang: str, key: bool = False) -> str:
    from examprep.grading.parse import show_value

    plan = paper.plan
    title = plan.title.get(lang) + (" — " + t("export_key", lang) if key else "")
    lines = [
        f"# {_md_escape(title)}",
        "",
        f"{_md_escape(describe_paper(plan).get(lang))} · {_md_escape(_form(paper, lang))}",
        "",
    ]
    if not key:
        lines += [
            f"{t('export_name', lang)}: ______________________    {t('export_student_number', lang)}: ______________________",
            "",
            "| | " + " | ".join(f"Q{q.number}" for q in plan.questions) + f" | {t('summary_total', lang)} |",
            "|---" * (len(plan.questions) + 2) + "|",
            f"| {t('exam_col_points', lang)} | "
            + " | ".join(f"{q.points:g}" for q in plan.questions)
            + f" | {plan.max_points:g} |",
            f"| {t('exam_col_score', lang)} | " + " | ".join(" " for _ in plan.questions) + " |   |",
            "",
            _md_escape(t("export_instructions", lang, minutes=f"{plan.minutes:g}")),
            "",
        ]
    section = -1
    for question in plan.questions:
        if question.section != section:
            section = question.section
            lines += [f"## {_md_escape(plan.sections[section].get(lang))}", ""]
        lines += [
            f"### Q{question.number}. {_md_escape(paper.question_title(question.number, lang))} "
            f"({t('points', lang, points=f'{question.points:g}')})",
            "",
        ]
        parts = paper.question_parts(question.number)
        for index, part in enumerate(parts):
            item = paper.item_of(part)
            if index == 0 or parts[index - 1].item != part.item:
                lines += [_md_escape(item.text(lang)), ""]
            label = f"({part.letter}) " if part.letter else ""
            lines += [
                f"**{_md_escape(label + paper.prompt(part, lang))}** [{t('points', lang, points=f'{part.points:g}')}]",
                "",
            ]
            if not key:
                lines += ["&nbsp;", ""] * max(2, int(_answer_height(part) * 1.5))
            elif part.part is not None and item.question is not None:
                value = show_value(part.part.type, item.question.expected(part.part))
                lines += [f"> {_md_escape(t('expected', lang, value=value))}", ""]
            else:
                model = item.template.model_answer.get(lang) if item.template.model_answer else ""
                lines += ["> " + _md_escape(model).replace("\n", "\n> "), ""]
                lines += [f"{t('export_key_points', lang)}", ""]
                lines += [f"- {_md_escape(p.point.get(lang))}" for p in item.template.rubric] + [""]
            last_of_item = index == len(parts) - 1 or parts[index + 1].item != part.item
            if key and last_of_item and item.question is not None:
                lines += [f"**{t('worked_solution', lang)}**", ""]
                for number, step in enumerate(item.question.solution.steps, start=1):
                    lines.append(
                        f"{number}. {_md_escape(step.what.get(lang))}"
                        + (f" → **{_md_escape(step.result)}**" if step.result else "")
                    )
                    if step.formula:
                        lines.append(f"   `{step.formula.replace('`', '')}`")
                    if step.substituted:
                        lines.append(f"   `= {step.substituted.replace('`', '').replace(chr(10), ' ; ')}`")
                lines.append("")
    return "\n".join(lines) + "\n"
