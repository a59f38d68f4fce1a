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
    "no_templates": ("No questions for topic {topic!r} yet.", "主题 {topic!r} 暂时没有题目。"),
    "col_id": ("id", "id"),
    "col_topic": ("topic", "主题"),
    "col_kind": ("kind", "类型"),
    "col_title": ("title", "标题"),
    "kind_calc": ("calc", "计算"),
    "kind_concept": ("concept", "简答"),
    "kind_design": ("design", "设计"),
    "your_answer": ("your answer", "你的答案"),
    "seed_label": ("(seed {seed})", "（种子 {seed}）"),
    "list_sep": (", ", "；"),
    "warning": ("warning:", "警告："),
    "looks_like_named": ("Looks like a known mistake: {name}", "看起来是一个常见错误：{name}"),
    "answers_heading": ("Answers:", "答案："),
}


#: what ``--lang`` accepts (case-insensitive), and the language each means
LANG_ALIASES = {
    "en": "en", "en-us": "en", "en_us": "en", "en-gb": "en", "english": "en",
    "zh": "zh", "zh-cn": "zh", "zh_cn": "zh", "zh-hans": "zh", "cn": "zh", "chinese": "zh", "中文": "zh",
}  # fmt: skip


class UnknownLanguageError(ValueError):
    """``--lang`` named a language examprep does not speak."""

    def __init__(self, given: str):
        super().__init__(given)
        self.given = given

    def message(self) -> str:
        """In both languages: we cannot know which one the student reads."""
        return f"unknown language {self.given!r}: use en or zh. / 不支持的语言 {self.given!r}：请用 en 或 zh。"


def resolve_lang(option: str | None = None) -> str:
    """Pick the language: explicit option (refused if unknown), EXAMPREP_LANG, then the locale."""
    if option:
        code = LANG_ALIASES.get(option.strip().lower())
        if code is None:
            raise UnknownLanguageError(option)
        return code
    env = LANG_ALIASES.get(os.environ.get("EXAMPREP_LANG", "").strip().lower())
    if env:
        return env
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
    try:
        return zh if resolve_lang(option) == "zh" else en
    except UnknownLanguageError:
        return en  # the command itself reports the unknown language


def t(key: str, lang: str, **values: object) -> str:
    en, zh = MESSAGES[key]
    return (zh if lang == "zh" else en).format(**values)
