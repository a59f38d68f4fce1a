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
    "col_id": ("Id", "id"),
    "col_kind": ("Kind", "类型"),
    "col_title": ("Title", "标题"),
    "kind_calc": ("calc", "计算"),
    "kind_concept": ("concept", "简答"),
    "kind_design": ("design", "设计"),
    "your_answer": ("your answer", "你的答案"),
    "explain_error_label": ("error", "错误"),
    "explain_aliases": ("Also called", "又称"),
    "explain_definition": ("Definition", "定义"),
    "explain_formulas": ("Formulas", "公式"),
    "explain_intuition": ("Intuition", "直观理解"),
    "explain_compare": ("Compared with its neighbours", "对比与优缺点"),
    "explain_misconceptions": ("Common mistakes", "常见误区"),
    "explain_example": ("Live example (computed by the solver)", "实例（由求解器现场计算）"),
    "explain_answer": ("answer", "结果项"),
    "explain_varied": ("run once per value of {names}", "对 {names} 的每个取值各算一次"),
    "explain_example_error": ("The example could not run: {reason}", "实例无法运行：{reason}"),
    "explain_exam": ("Exam questions it helps with", "相关考题"),
    "explain_drill": ("Practise: {command}", "练习：{command}"),
    "explain_related": ("Related cards", "相关概念"),
    "explain_source": ("Source", "出处"),
    "explain_topic": ("topic", "主题"),
    "explain_name": ("name", "名称"),
    "explain_cards": ("cards", "卡片数"),
    "explain_topics_title": (
        "List a topic's cards with: examprep explain --list --topic TOPIC; then: examprep explain ID",
        "查看某主题的卡片：examprep explain --list --topic 主题；再用：examprep explain ID",
    ),
    "explain_unknown": (
        "No concept card matches {query!r}. See the list with: examprep explain --list",
        "没有与 {query!r} 对应的概念卡片。查看全部：examprep explain --list",
    ),
    "explain_did_you_mean": (
        "No concept card matches {query!r}. Did you mean: {names}?",
        "没有与 {query!r} 对应的概念卡片。你是不是想找：{names}？",
    ),
    "explain_ambiguous": (
        "{query!r} names several cards: {names}. Give the id.",
        "{query!r} 对应多张卡片：{names}。请给出 id。",
    ),
    "explain_unknown_topic": (
        "No concept cards for topic {topic!r}. Topics with cards: {topics}",
        "主题 {topic!r} 没有概念卡片。有卡片的主题：{topics}",
    ),
    "explain_cards_error": ("The concept cards could not be loaded:", "概念卡片无法加载："),
    "explain_no_concept": (
        "Give a concept (e.g. examprep explain nesterov) or use --list.",
        "请给出一个概念（例如 examprep explain nesterov），或使用 --list。",
    ),
    "cards_check_ok": (
        "All {count} concept cards pass (examples run).",
        "全部 {count} 张概念卡片通过（实例均可运行）。",
    ),
    "cards_check_failed": ("{failed} of {count} concept cards fail:", "{count} 张概念卡片中有 {failed} 张未通过："),
    "answer_prompt": ("Your answer", "你的答案"),
    "free_text_keys": (
        "Enter = new line · Esc then Enter, or Ctrl-D = submit · '?', 'skip' or 'quit' alone = hint, next, stop",
        "回车 = 换行 · 先按 Esc 再按回车，或 Ctrl-D = 提交 · 单独输入 '?'、'skip'、'quit' = 提示、跳过、结束",
    ),
    "free_text_piped": (
        "Write your answer; end it with a line holding only '.'. '?' = hint, 'skip' = next, 'quit' = stop.",
        "写下你的答案，以只含 '.' 的一行结束。'?' = 提示，'skip' = 跳过，'quit' = 结束。",
    ),
    "free_text_tag": ("free text, {points} pt", "文字作答，{points} 分"),
    "importance_master": ("must know", "掌握"),
    "importance_understand": ("understand", "理解"),
    "importance_skim": ("skim", "看看就行"),
    "key_points": ("Key points", "要点"),
    "point_found": ("found: “{words}”", "已答到：“{words}”"),
    "misconception": ("Wrong statement", "错误说法"),
    "free_text_score": ("Score: {got} / {max} ({pct}%)", "得分：{got} / {max}（{pct}%）"),
    "model_answer": ("Model answer", "参考答案"),
    "free_text_scored_how": (
        "Free text is scored automatically by the key points found in it, so the score is an estimate. "
        "Compare your answer with the model answer; if the score seems unfair, give your own below.",
        "文字答案按其中答到的要点自动评分，分数只是估计。请对照参考答案；如果觉得评分不合理，可以在下面给出你自己的分数。",
    ),
    "self_score_prompt": (
        "Your own score, 0 to {max} (Enter keeps {auto}) › ",
        "你自己的评分，0 到 {max}（回车保留 {auto}）› ",
    ),
    "self_score_kept": (
        "Saved your own score {own} beside the automatic {auto}.",
        "已保存你的自评 {own}，自动评分 {auto} 也保留。",
    ),
    "own_score": ("own score {score}", "自评 {score}"),
    "no_items": (
        "Topic {topic!r} has no questions of kind {kind!r} yet.",
        "主题 {topic!r} 暂时没有 {kind!r} 类型的题目。",
    ),
    "bad_kind": (
        "--kind must be calc, concept or all, got {kind!r}.",
        "--kind 只能是 calc、concept 或 all，实际为 {kind!r}。",
    ),
    # -- progress: history, review, stats, plan, export (appended by the progress branch) --
    "store_readonly": (
        "The history file {path} can be read but not written: this session is not saved.",
        "练习记录文件 {path} 只能读取、不能写入：本次练习不会保存。",
    ),
    "store_unreadable": (
        "Cannot read the history file {path}: {reason}. Check its permissions (for example: chmod u+rw). "
        "This session is not saved.",
        "无法读取练习记录文件 {path}：{reason}。请检查文件权限（例如 chmod u+rw）。本次练习不会保存。",
    ),
    "store_unreadable_fatal": (
        "Cannot read the history file {path}: {reason}. Check its permissions (for example: chmod u+rw).",
        "无法读取练习记录文件 {path}：{reason}。请检查文件权限（例如 chmod u+rw）。",
    ),
    "store_corrupt": (
        "The history file {path} is damaged (SQLite says: {reason}). Run 'examprep history repair' to keep it "
        "as a backup and start a new one with everything that can still be read.",
        "练习记录文件 {path} 已损坏（SQLite 报告：{reason}）。运行 'examprep history repair'："
        "原文件会保留为备份，并新建一个记录文件，尽量恢复其中还能读取的内容。",
    ),
    "store_repaired": (
        "The history file was damaged (SQLite says: {reason}). It is kept as {backup}; a new one was started "
        "with {count} attempts recovered from it.",
        "练习记录文件已损坏（SQLite 报告：{reason}）。原文件保留为 {backup}；已新建记录文件，并从中恢复了 {count} 条作答记录。",
    ),
    "store_lost": (
        "The history stopped working during the session ({reason}); answers after that point were not saved.",
        "练习过程中记录文件出错（{reason}）；此后的答案没有保存。",
    ),
    "bad_now": (
        "EXAMPREP_NOW must be an ISO date-time such as 2026-12-01T09:00, not {value!r}.",
        "EXAMPREP_NOW 必须是 ISO 格式的日期时间，例如 2026-12-01T09:00，而不是 {value!r}。",
    ),
    "rating_prompt": (
        "Rated {rating}. Enter keeps it, or 1 again · 2 hard · 3 good · 4 easy › ",
        "评定为「{rating}」。回车保留，或输入 1 重来 · 2 困难 · 3 良好 · 4 简单 › ",
    ),
    "rating_set": ("Rating set to {rating}.", "评定已改为「{rating}」。"),
    "rating_invalid": ("Not 1–4: the rating stays {rating}.", "不是 1–4：评定保持为「{rating}」。"),
    "unknown_targets": (
        "Not a topic or template id: {names}. Topics: {topics} (template ids: 'examprep bank list').",
        "既不是主题也不是题目 id：{names}。主题有：{topics}（题目 id 见 'examprep bank list'）。",
    ),
    "weakest_drill": ("Drilling your weakest topics: {topics}", "练习你最薄弱的主题：{topics}"),
    "review_nothing": (
        "Nothing is due for review. Next one: {next}.",
        "现在没有需要复习的技能。下一次复习：{next}。",
    ),
    "review_never": (
        "Nothing to review yet: a skill is scheduled once you have answered it (try 'examprep drill').",
        "还没有可复习的内容：作答过的题型才会被安排复习（先试试 'examprep drill'）。",
    ),
    "review_start": (
        "{due} skills due; reviewing {count}, most overdue first, with new numbers.",
        "共有 {due} 个技能到期；本次复习 {count} 个，最久未复习的优先，数值重新生成。",
    ),
    "review_title": ("Skills due for review", "待复习的技能"),
    "col_skill": ("Skill", "技能"),
    "col_topic": ("Topic", "主题"),
    "col_due": ("Due", "到期"),
    "col_overdue": ("Days overdue", "逾期天数"),
    "col_attempts": ("Attempts", "作答次数"),
    "col_accuracy": ("Accuracy", "正确率"),
    "col_day": ("Day", "日期"),
    "col_topics": ("Topics, weakest first", "主题（薄弱优先）"),
    "col_new": ("New", "新题"),
    "col_reviews": ("Reviews", "复习"),
    "col_total": ("Questions", "题数"),
    "col_count": ("Times", "次数"),
    "col_mistake": ("Mistake", "错误"),
    "stats_title": ("Progress by topic", "各主题进度"),
    "stats_templates": ("By skill (template)", "各技能（题型）"),
    "stats_overall": (
        "{attempts} questions answered, {accuracy} of the points.",
        "共作答 {attempts} 题，得分率 {accuracy}。",
    ),
    "stats_empty": (
        "No practice recorded yet. Start with 'examprep drill' and come back.",
        "还没有练习记录。先用 'examprep drill' 练习，再来查看。",
    ),
    "stats_trend": ("Last {days} days", "最近 {days} 天"),
    "stats_weakest": ("Weakest skills", "最薄弱的技能"),
    "stats_every_skill": (
        "Every skill of a topic: examprep stats --topic TOPIC (all of them in --json).",
        "查看某主题的全部技能：examprep stats --topic 主题（--json 中包含全部）。",
    ),
    "stats_mistakes": ("Mistakes made most often", "最常犯的错误"),
    "stats_due": (
        "Due for review today: {due} (overdue: {overdue}).",
        "今天待复习：{due} 个（已逾期：{overdue} 个）。",
    ),
    "stats_streak": ("Streak: {days} day(s) in a row.", "连续练习：{days} 天。"),
    "stats_calendar": ("Practice over the last {weeks} weeks", "最近 {weeks} 周的练习"),
    "stats_less_more": ("less {scale} more", "少 {scale} 多"),
    "weekdays": ("Mon Tue Wed Thu Fri Sat Sun", "一 二 三 四 五 六 日"),
    "no_practice_day": ("–", "–"),
    "plan_saved": ("Exam date saved: {date}.", "考试日期已保存：{date}。"),
    "plan_title": (
        "Plan to the exam on {date}: {days} day(s), every topic covered, weakest first",
        "距 {date} 考试的计划：共 {days} 天，覆盖所有主题，薄弱优先",
    ),
    "plan_no_date": (
        "No exam date yet: give it once with --exam-date YYYY-MM-DD.",
        "还没有考试日期：请用 --exam-date YYYY-MM-DD 设置一次。",
    ),
    "plan_bad_date": ("Not a date (YYYY-MM-DD): {value!r}.", "不是日期（应为 YYYY-MM-DD）：{value!r}。"),
    "plan_past": (
        "The exam date {date} is not after today ({today}): give the coming exam date with --exam-date.",
        "考试日期 {date} 不在今天（{today}）之后：请用 --exam-date 设置即将到来的考试日期。",
    ),
    "plan_never": ("new", "未练"),
    "plan_note": (
        "Each day: drill its topics (examprep drill TOPIC) and clear the reviews (examprep review). "
        "Reviews are those already scheduled plus an estimate of those your answers will bring, "
        "from your accuracy in each topic.",
        "每天：练习当天的主题（examprep drill 主题），并完成复习（examprep review）。"
        "复习数 = 已安排的复习 + 根据你各主题的正确率估计出的、之后作答会带来的复习。",
    ),
    "history_written": ("Wrote {count} attempts to {path}.", "已将 {count} 条作答记录写入 {path}。"),
    "history_none": ("No history file yet at {path}: nothing to do.", "{path} 还没有练习记录文件：无需处理。"),
    "history_repaired": (
        "The old file is kept as {backup}. A new history file was started with: {counts}.",
        "原文件保留为 {backup}。已新建记录文件，恢复了：{counts}。",
    ),
    "history_unreadable_backup": (
        "Nothing could be read from the old file (it is kept as {backup}); the new history starts empty.",
        "原文件中没有能读取的内容（已保留为 {backup}）；新的记录文件从空开始。",
    ),
    "history_bad_format": ("Unknown format {value!r}: use csv or json.", "未知格式 {value!r}：请用 csv 或 json。"),
    "history_write_failed": ("Could not write {path}: {reason}", "无法写入 {path}：{reason}"),
    "table_names": (
        "sessions={sessions}, attempts={attempts}, questions={questions}, skills={skills}, settings={settings}",
        "练习={sessions}，作答={attempts}，题目={questions}，技能={skills}，设置={settings}",
    ),
    "anki_written": (
        "Wrote {path}: {concepts} concept notes and {variants} worked variants.",
        "已写入 {path}：{concepts} 张概念卡片，{variants} 道带详细解答的计算题。",
    ),
    "anki_bad_lang": (
        "--lang must be en, zh or both, not {value!r}.",
        "--lang 只能是 en、zh 或 both，而不是 {value!r}。",
    ),
    "anki_cards_error": ("The concept cards could not be read: {reason}", "概念卡片无法读取：{reason}"),
    "anki_unknown_topic": ("Unknown topic {topic!r}. Topics: {topics}", "没有主题 {topic!r}。主题有：{topics}"),
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
    "exam_free_text_editor": (
        "Write your answer (a saved one is loaded for editing): Enter = new line · Esc then Enter, "
        "or Ctrl-D = save it · 'submit' alone = hand in the paper",
        "写下你的答案（已保存的答案会载入以便修改）：回车 = 换行 · 先按 Esc 再按回车，或 Ctrl-D = 保存 · "
        "单独输入 'submit' 或“交卷” = 交卷",
    ),
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
    "exam_essay_help": (
        "Esc then Enter (or Ctrl-D) saves the answer as it stands · 'skip' alone = back to the overview "
        "· 'submit' / '交卷' alone = hand in",
        "先按 Esc 再按回车（或 Ctrl-D）按当前内容保存答案 · 单独输入 'skip' 或 '跳过' = 回到概览 "
        "· 单独输入 '交卷' 或 'submit' = 交卷",
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
