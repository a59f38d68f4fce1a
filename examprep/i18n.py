"""The CLI's own words in English and Chinese, and how the language is chosen.

Order of precedence: ``--lang``, then ``EXAMPREP_LANG``, then the locale (``zh_*`` is Chinese),
else English.
"""

from __future__ import annotations

import os
import sys

LANGS = ("en", "zh")

MESSAGES: dict[str, tuple[str, str]] = {
    "question": ("Question {n} of {total}", "第 {n} 题，共 {total} 题"),
    "points": ("{points} pt", "{points} 分"),
    "source": ("Source: {source}", "出处：{source}"),
    "prompt_help": (
        "Type your answer. '?' = hint, 'skip' = next question, 'quit' = stop and see the summary.",
        "输入答案。'?' = 提示，'skip' = 跳过本题，'quit' = 结束并查看小结。",
    ),
    "tolerance": ("numbers are accepted {tol}", "数值答案要求：{tol}"),
    "read_as": ("read as: {value}", "读作：{value}"),
    "invalid": ("Could not read that: {reason}. Try again.", "无法识别：{reason}。请重新输入。"),
    "correct": ("Correct", "正确"),
    "carried": ("Correct given your earlier answer", "按你前面的答案是正确的"),
    "wrong": ("Not right", "不正确"),
    "skipped": ("Skipped", "已跳过"),
    "expected": ("The answer is {value}", "正确答案是 {value}"),
    "looks_like": ("Looks like a known mistake:", "看起来是一个常见错误："),
    "hint": ("Hint {n}", "提示 {n}"),
    "hint_cost": (
        "(each hint costs {pct}% of this question's points)",
        "（每条提示扣本题分值的 {pct}%）",
    ),
    "no_more_hints": ("No more hints for this question.", "本题没有更多提示了。"),
    "worked_solution": ("Worked solution", "详细解答"),
    "step": ("Step", "步骤"),
    "formula": ("Formula", "公式"),
    "with_numbers": ("With the numbers", "代入数值"),
    "result": ("Result", "结果"),
    "score": ("Score: {got} / {max}", "得分：{got} / {max}"),
    "summary": ("Session summary", "本次练习小结"),
    "summary_question": ("Question", "题目"),
    "summary_score": ("Score", "得分"),
    "summary_total": ("Total", "合计"),
    "summary_mistakes": ("Mistakes to review", "需要复习的错误"),
    "summary_empty": ("No question was answered.", "没有作答任何题目。"),
    "replay": ("Replay this set with: {command}", "用以下命令可重做同一组题：{command}"),
    "interrupted": (
        "Interrupted. Everything graded so far is saved.",
        "已中断。已批改的答案都已保存。",
    ),
    "unknown_topic": (
        "Unknown topic {topic!r}. Topics with questions: {topics}",
        "没有主题 {topic!r}。有题目的主题：{topics}",
    ),
    "no_calc": ("Topic {topic!r} has no calculation questions yet.", "主题 {topic!r} 暂时没有计算题。"),
    "bank_error": ("The question bank could not be loaded:", "题库无法加载："),
    "unknown_solver": ("Unknown solver {name!r}. Available: {names}", "没有计算器 {name!r}。可用的有：{names}"),
    "bad_param": ("{name}: {reason}", "{name}：{reason}"),
    "unknown_param": (
        "Unknown parameter {name!r} for {solver}. Parameters: {names}",
        "{solver} 没有参数 {name!r}。可用参数：{names}",
    ),
    "missing_param": ("Missing parameter(s) for {solver}: {names}", "{solver} 缺少参数：{names}"),
    "not_key_value": ("Expected key=value, got {arg!r}", "参数应写成 key=value，实际为 {arg!r}"),
    "answers": ("Answers", "答案"),
    "unknown_template": ("No template with id {id!r}.", "没有 id 为 {id!r} 的题目。"),
    "check_ok": (
        "{count} templates checked over {variants} variants each: all pass.",
        "共检查 {count} 个题目、每题 {variants} 个变式：全部通过。",
    ),
    "check_failed": ("{failed} of {count} templates fail:", "{count} 个题目中有 {failed} 个未通过："),
    "coming": (
        "'{command}' is not built yet: it is coming in a later version. Use 'examprep drill TOPIC' to practise now.",
        "'{command}' 尚未实现，将在后续版本提供。现在可以用 'examprep drill 主题' 练习。",
    ),
    "store_moved": (
        "The history file was damaged: it is kept as {path} and a new one was started.",
        "练习记录文件已损坏：原文件保留为 {path}，并已新建一个记录文件。",
    ),
    "store_warning": (
        "Could not save history ({reason}); practice continues without it.",
        "无法保存练习记录（{reason}）；练习可继续，但不记录。",
    ),
    "mistake_label": ("mistake", "错误"),
    "your_answer": ("your answer", "你的答案"),
    # mock exam (examprep mock-exam)
    "exam_toolbar": (
        "Time left {left} · 'submit' hands the paper in",
        "剩余时间 {left} · 输入 '交卷' 或 'submit' 交卷",
    ),
    "exam_nav_prompt": (
        "[{left} left · {done}/{total} answered] question number, Enter = next unanswered",
        "[剩余 {left} · 已答 {done}/{total}] 输入题号，回车 = 下一道未答题",
    ),
    "exam_current": ("Saved answer: {answer} (Enter keeps it)", "已保存的答案：{answer}（直接回车保留）"),
    "exam_free_text": (
        "Write your answer over as many lines as you like; a line holding only '.' ends it.",
        "答案可以写多行；单独一行输入 '.' 表示结束。",
    ),
    "exam_col_question": ("Question", "题目"),
    "exam_col_points": ("Points", "分值"),
    "exam_col_answered": ("Answered", "已答"),
    "exam_time_left": ("time left {left}", "剩余时间 {left}"),
    "exam_nav_help": (
        "Answer in any order: type a question number (Enter = the next unanswered one), 'list' = this overview, "
        "'submit' or '交卷' = hand in. Every answer is saved as soon as you enter it; nothing is graded before you hand in.",
        "可按任意顺序作答：输入题号（直接回车 = 下一道未答题），'list' 或 '目录' = 显示本概览，'交卷' 或 'submit' = 交卷。"
        "每个答案输入后立即保存；交卷前不批改。",
    ),
    "exam_part_help": (
        "Enter = keep the saved answer and go on · 'skip' = back to the overview · 'submit' / '交卷' = hand in",
        "回车 = 保留已保存的答案并继续 · 'skip' 或 '跳过' = 回到概览 · '交卷' 或 'submit' = 交卷",
    ),
    "exam_saved": ("saved", "已保存"),
    "exam_unknown_command": (
        "Not understood: {text!r}. Type a question number from 1 to {count}, 'list' or 'submit'.",
        "无法识别：{text!r}。请输入 1 到 {count} 的题号、'目录' 或 '交卷'。",
    ),
    "exam_all_answered": (
        "Every part has an answer. Type a question number to revise it, or 'submit' (交卷) to hand in.",
        "所有小题都已作答。输入题号可修改答案，输入 '交卷'（submit）交卷。",
    ),
    "exam_end_of_paper": (
        "That was the last question; {count} part(s) have no answer. Type 'submit' (交卷) to hand in, "
        "or end the input to keep the attempt open.",
        "已经是最后一题；还有 {count} 个小题未作答。输入 '交卷'（submit）交卷，或结束输入以保留本次考试。",
    ),
    "exam_warning": ("⚠ Less than {minutes} minutes left.", "⚠ 剩余时间不足 {minutes} 分钟。"),
    "exam_time_up": ("Time is up: the paper is handed in.", "时间到：试卷已收。"),
    "exam_confirm": (
        "{count} part(s) have no answer ({keys}). Hand in anyway? [y/N]",
        "还有 {count} 个小题未作答（{keys}）。仍然交卷吗？[y/N]",
    ),
    "exam_report_title": ("Report · {title} · {total} / {max} points", "成绩报告 · {title} · {total} / {max} 分"),
    "exam_time_spent": ("time {time}", "用时 {time}"),
    "exam_model_answer": ("Model answer", "参考答案"),
    "exam_topics": ("Points by topic", "各主题得分"),
    "exam_col_topic": ("Topic", "主题"),
    "exam_missing": ("No answer (0 points): {keys}", "未作答（0 分）：{keys}"),
    "exam_weakest": ("Weakest topics, and how to practise them:", "最薄弱的主题及练习方法："),
    "exam_papers": ("Mock-exam papers", "模拟试卷"),
    "exam_col_title": ("Title", "名称"),
    "exam_col_format": ("Format", "题量"),
    "exam_col_status": ("Status", "状态"),
    "exam_paper_ready": ("ready", "可用"),
    "exam_paper_missing": ("missing from the bank: {ids}", "题库中缺少：{ids}"),
    "exam_no_attempts": ("No mock-exam attempts yet.", "还没有模拟考试记录。"),
    "exam_attempts": ("Mock-exam attempts", "模拟考试记录"),
    "exam_col_state": ("State", "状态"),
    "exam_col_started": ("Started", "开始"),
    "exam_col_deadline": ("Deadline", "截止"),
    "exam_col_score": ("Score", "得分"),
    "exam_state_in_progress": ("in progress", "进行中"),
    "exam_state_finished": ("finished", "已完成"),
    "exam_state_abandoned": ("abandoned", "已放弃"),
    "exam_unknown_paper": ("Unknown paper {name!r}. Papers: {names}", "没有试卷 {name!r}。可用试卷：{names}"),
    "exam_paper_error": ("The paper cannot be set:", "无法组卷："),
    "exam_in_progress": (
        "Attempt {id} ({paper}) is still in progress with {left} left. Continue it with "
        "'examprep mock-exam --resume', or drop it with '--abandon'.",
        "第 {id} 次考试（{paper}）仍在进行，剩余 {left}。用 'examprep mock-exam --resume' 继续，或用 '--abandon' 放弃。",
    ),
    "exam_nothing_to_resume": ("There is no unfinished attempt to resume.", "没有可以继续的未完成考试。"),
    "exam_resumed": ("Resuming attempt {id}: {left} left.", "继续第 {id} 次考试：剩余 {left}。"),
    "exam_deadline_passed": (
        "The deadline of attempt {id} passed while you were away: your saved answers are graded now.",
        "第 {id} 次考试在你离开期间已到截止时间：现在批改已保存的答案。",
    ),
    "exam_left_in_progress": (
        "Input ended: attempt {id} stays in progress and every answer is saved. Continue with 'examprep mock-exam --resume'.",
        "输入结束：第 {id} 次考试仍在进行，所有答案都已保存。用 'examprep mock-exam --resume' 继续。",
    ),
    "exam_interrupted": (
        "Interrupted: every answer of attempt {id} is saved and the clock keeps running. Continue with 'examprep mock-exam --resume'.",
        "已中断：第 {id} 次考试的答案都已保存，计时仍在继续。用 'examprep mock-exam --resume' 继续。",
    ),
    "exam_abandoned": ("Attempt {id} is marked as abandoned.", "第 {id} 次考试已标记为放弃。"),
    "exam_sheet_problems": ("The answer sheet has problems:", "答题卡有问题："),
    "exam_sheet_mismatch": (
        "The sheet is for paper {sheet!r} but --paper says {option!r}.",
        "答题卡属于试卷 {sheet!r}，但 --paper 指定的是 {option!r}。",
    ),
    "exam_bad_export": (
        "Export to a file ending in .html or .md, got {path!r}.",
        "导出文件名应以 .html 或 .md 结尾，实际为 {path!r}。",
    ),
    "exam_written": ("Wrote {path}", "已写入 {path}"),
    "exam_conflict": ("{a} cannot be combined with {b}.", "{a} 不能与 {b} 同时使用。"),
    "exam_no_twin": (
        "Paper {name!r} has no fixed numbers, so it has no twin.",
        "试卷 {name!r} 没有固定数字，不存在换数字版本。",
    ),
    "exam_cannot_read": ("Cannot read {path}: {reason}", "无法读取 {path}：{reason}"),
    "exam_store_needed": (
        "The mock exam needs the history file to save answers: {reason}",
        "模拟考试需要记录文件来保存答案：{reason}",
    ),
    "exam_no_attempt": (
        "There is no attempt {id}: see 'examprep mock-exam --attempts'.",
        "没有第 {id} 次考试：见 'examprep mock-exam --attempts'。",
    ),
    "exam_no_report": ("Attempt {id} is {state}: it has no report.", "第 {id} 次考试{state}：没有成绩报告。"),
    "sheet_title": ("examprep answer sheet: {title}", "examprep 答题卡：{title}"),
    "sheet_help": (
        "Write each answer after its key. Calculations on one line (45x45x15, 3660, a matrix as 1,2;3,4); "
        "free text on the indented lines under 'key: |'. Keep the paper, seed and twin lines: they fix the numbers.",
        "在每个键后面填写答案。计算题写在一行（45x45x15、3660、矩阵写成 1,2;3,4）；文字题写在 '键: |' 下面缩进的行里。"
        "请保留 paper、seed、twin 三行：它们决定题目中的数字。",
    ),
    "sheet_grade": ("Grade it with: {command}", "批改命令：{command}"),
    "exam_format": (
        "{questions} questions · {points} pt · {minutes} min",
        "{questions} 题 · {points} 分 · {minutes} 分钟",
    ),
    "exam_found": ("found: {point}", "答到：{point}"),
    "exam_missed": ("missing: {point}", "缺少：{point}"),
    "export_form": ("form: seed {seed}", "试卷编号：种子 {seed}"),
    "export_twin": ("new numbers", "换数字版"),
    "export_key": ("answer key", "参考答案"),
    "export_name": ("Name", "姓名"),
    "export_student_number": ("Student number", "学号"),
    "export_instructions": (
        "Time allowed: {minutes} minutes. Answer every question in the space below it; show your working for calculations.",
        "考试时间：{minutes} 分钟。请在每道题下方的空白处作答；计算题请写出计算过程。",
    ),
    "export_key_points": ("Key points:", "得分要点："),
}


def resolve_lang(option: str | None = None) -> str:
    """Pick the language: explicit option, EXAMPREP_LANG, then the locale variables."""
    for candidate in (option, os.environ.get("EXAMPREP_LANG")):
        if candidate:
            code = candidate.strip().lower()[:2]
            if code in LANGS:
                return code
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def help_text(en: str, zh: str) -> str:
    """Help for ``--help`` screens, which are built before options are parsed: the language
    comes from ``--lang`` on the command line if present, else the environment."""
    option = None
    if "--lang" in sys.argv[:-1]:
        option = sys.argv[sys.argv.index("--lang") + 1]
    return zh if resolve_lang(option) == "zh" else en


def t(key: str, lang: str, **values: object) -> str:
    en, zh = MESSAGES[key]
    return (zh if lang == "zh" else en).format(**values)
