"""Grading a whole paper once, at the end, and the report built from it.

Calculation parts are graded by the same grader as the drill (tolerances, named mistakes, error
carried forward within an item); free-text parts by ``examprep.grading.freetext``. Scores are
scaled to the points each item is worth on the paper. The report is plain data with bilingual
texts, so it can be stored as JSON in the history and rendered later in either language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from examprep.bank.loader import Bank
from examprep.bank.sampling import render_text
from examprep.grading.grade import PartVerdict
from examprep.grading.parse import AnswerError, show_value
from examprep.session.exam_paper import AnswerPart, ExamPaper
from solvers.core import Text

STATUSES = ("correct", "carried", "wrong", "partial", "missing", "invalid")


@dataclass
class PartReport:
    key: str
    question: int
    topic: str
    template_id: str
    score: float
    max_points: float
    status: str  # one of STATUSES
    answer: str
    expected: Text  # the answer, or the model answer of a free-text part
    feedback: list[Text] = field(default_factory=list)
    found: list[Text] = field(default_factory=list)  # key points found (free text)
    missed: list[Text] = field(default_factory=list)  # key points missed (free text)
    mistakes: list[str] = field(default_factory=list)  # ids of the known mistakes recognized

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "question": self.question,
            "topic": self.topic,
            "template": self.template_id,
            "score": round(self.score, 4),
            "max": round(self.max_points, 4),
            "status": self.status,
            "answer": self.answer,
            "expected": _tj(self.expected),
            "feedback": [_tj(f) for f in self.feedback],
            "found": [_tj(f) for f in self.found],
            "missed": [_tj(f) for f in self.missed],
            "mistakes": list(self.mistakes),
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> PartReport:
        return PartReport(
            key=data["key"],
            question=data["question"],
            topic=data["topic"],
            template_id=data["template"],
            score=data["score"],
            max_points=data["max"],
            status=data["status"],
            answer=data["answer"],
            expected=_fj(data["expected"]),
            feedback=[_fj(f) for f in data["feedback"]],
            found=[_fj(f) for f in data["found"]],
            missed=[_fj(f) for f in data["missed"]],
            mistakes=list(data.get("mistakes", [])),
        )


@dataclass
class TopicTotal:
    topic: str
    score: float
    max_points: float
    command: str  # the drill (or browse) command for this topic

    @property
    def fraction(self) -> float:
        return self.score / self.max_points if self.max_points else 1.0


@dataclass
class Report:
    paper: str
    seed: int
    parts: list[PartReport]
    seconds: dict[int, float]  # time spent per question number
    topics: list[TopicTotal]

    @property
    def total(self) -> float:
        return sum(p.score for p in self.parts)

    @property
    def max_points(self) -> float:
        return sum(p.max_points for p in self.parts)

    @property
    def missing(self) -> list[str]:
        return [p.key for p in self.parts if p.status == "missing"]

    def weakest(self, count: int = 3) -> list[TopicTotal]:
        """The topics where the most was lost relative to what they were worth."""
        lost = [t for t in self.topics if t.score < t.max_points - 1e-9]
        return sorted(lost, key=lambda t: (t.fraction, -(t.max_points - t.score), t.topic))[:count]

    def question_score(self, number: int) -> tuple[float, float]:
        parts = [p for p in self.parts if p.question == number]
        return sum(p.score for p in parts), sum(p.max_points for p in parts)

    def to_json(self) -> dict[str, Any]:
        return {
            "paper": self.paper,
            "seed": self.seed,
            "total": round(self.total, 4),
            "max": round(self.max_points, 4),
            "parts": [p.to_json() for p in self.parts],
            "seconds": {str(k): round(v, 1) for k, v in self.seconds.items()},
            "topics": [
                {"topic": t.topic, "score": round(t.score, 4), "max": round(t.max_points, 4), "command": t.command}
                for t in self.topics
            ],
            "weakest": [t.topic for t in self.weakest()],
            "missing": self.missing,
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> Report:
        return Report(
            paper=data["paper"],
            seed=data["seed"],
            parts=[PartReport.from_json(p) for p in data["parts"]],
            seconds={int(k): v for k, v in data["seconds"].items()},
            topics=[TopicTotal(t["topic"], t["score"], t["max"], t["command"]) for t in data["topics"]],
        )


def _tj(text: Text) -> dict[str, str]:
    return {"en": text.en, "zh": text.zh}


def _fj(data: dict[str, str]) -> Text:
    return Text(data["en"], data["zh"])


def _same(text: str) -> Text:
    return Text(text, text)


NO_ANSWER = Text("No answer: 0 points.", "未作答：0 分。")


def _calc_part(paper: ExamPaper, part: AnswerPart, text: str, given: dict[str, Any]) -> PartReport:
    item = paper.item_of(part)
    question = item.question
    assert question is not None and part.part is not None
    expected_value = question.expected(part.part)
    expected = _same(show_value(part.part.type, expected_value))
    base = dict(
        key=part.key,
        question=part.question,
        topic=item.template.topic,
        template_id=item.template.id,
        max_points=part.points,
        answer=text,
        expected=expected,
    )
    if not text.strip():
        return PartReport(score=0.0, status="missing", feedback=[NO_ANSWER], **base)  # type: ignore[arg-type]
    try:
        verdict: PartVerdict = question.grade(part.part, text, given)
    except AnswerError as error:
        return PartReport(
            score=0.0,
            status="invalid",
            feedback=[Text(f"Could not read the answer: {error.text.en}.", f"无法识别这个答案：{error.text.zh}。")],
            **base,  # type: ignore[arg-type]
        )
    given[part.part.answer] = verdict.given.value if verdict.given else None
    feedback: list[Text] = []
    if verdict.given is not None:
        feedback.append(Text(f"Read as {verdict.given.shown}.", f"读作 {verdict.given.shown}。"))
    if verdict.status == "carried" and verdict.note:
        feedback.append(verdict.note)
    for match in verdict.mistakes:
        feedback.append(
            Text(
                "Known mistake: " + render_text(match.feedback.en, question.variant.params),
                "常见错误：" + render_text(match.feedback.zh, question.variant.params),
            )
        )
    if verdict.status == "wrong" and not verdict.mistakes:
        feedback.append(Text("Not the expected value.", "与正确答案不符。"))
    return PartReport(
        score=verdict.points * item.scale,
        status=verdict.status,
        feedback=feedback,
        mistakes=[m.id for m in verdict.mistakes],
        **base,  # type: ignore[arg-type]
    )


def _free_part(paper: ExamPaper, part: AnswerPart, text: str) -> PartReport:
    from examprep.grading.freetext import grade_free_text

    item = paper.item_of(part)
    template = item.template
    model = template.model_answer or Text("", "")
    base = dict(
        key=part.key,
        question=part.question,
        topic=template.topic,
        template_id=template.id,
        max_points=part.points,
        answer=text,
        expected=model,
    )
    if not text.strip():
        missed = [p.point for p in template.rubric]
        return PartReport(score=0.0, status="missing", feedback=[NO_ANSWER], missed=missed, **base)  # type: ignore[arg-type]
    verdict = grade_free_text(template, text)
    fraction = verdict.score / verdict.max_points if verdict.max_points else 0.0
    found = [
        Text(f"{r.point.en} (matched “{r.matched}”)", f"{r.point.zh}（匹配到“{r.matched}”）") if r.matched else r.point
        for r in verdict.points
        if r.found
    ]
    missed = [r.point for r in verdict.points if not r.found]
    feedback = [Text("Misconception: " + m.feedback.en, "错误观点：" + m.feedback.zh) for m in verdict.misconceptions]
    if verdict.keyword_list:
        feedback.append(
            Text(
                "A bare list of terms earns at most 20%: explain in sentences.",
                "只罗列术语最多得 20%：请用完整的句子说明。",
            )
        )
    if verdict.off_topic:
        feedback.append(Text("The answer does not address the question.", "答案没有回答这个问题。"))
    feedback += list(verdict.notes)
    status = "correct" if fraction >= 1 - 1e-9 else ("partial" if fraction > 0 else "wrong")
    return PartReport(
        score=fraction * part.points,
        status=status,
        feedback=feedback,
        found=found,
        missed=missed,
        **base,  # type: ignore[arg-type]
    )


def drill_command(bank: Bank, topic: str) -> str:
    """How to practise a topic: the drill when it has calculations, else its items in the bank."""
    if bank.by_topic(topic):
        return f"examprep drill {topic}"
    return f"examprep bank list --topic {topic}"


def grade_paper(
    paper: ExamPaper, answers: dict[str, str], bank: Bank, seconds: dict[int, float] | None = None
) -> Report:
    """Grade every part; a missing answer scores 0 and is listed."""
    parts: list[PartReport] = []
    given_by_item: dict[tuple[int, int], dict[str, Any]] = {}
    for part in paper.parts:
        text = answers.get(part.key, "") or ""
        if part.free_text:
            parts.append(_free_part(paper, part, text))
        else:
            given = given_by_item.setdefault((part.question, part.item), {})
            parts.append(_calc_part(paper, part, text, given))
    totals: dict[str, list[float]] = {}
    for p in parts:
        entry = totals.setdefault(p.topic, [0.0, 0.0])
        entry[0] += p.score
        entry[1] += p.max_points
    topics = [TopicTotal(topic, s, m, drill_command(bank, topic)) for topic, (s, m) in totals.items()]
    return Report(paper.plan.paper, paper.plan.seed, parts, dict(seconds or {}), topics)


def answers_json(report: Report, lang: str) -> dict[str, Any]:
    """The report of a graded sheet for ``--json``: texts in one language, feedback as lines."""
    from examprep.i18n import t

    return {
        "paper": report.paper,
        "seed": report.seed,
        "total": round(report.total, 4),
        "max": round(report.max_points, 4),
        "parts": [
            {
                "key": p.key,
                "score": round(p.score, 4),
                "max": round(p.max_points, 4),
                "status": p.status,
                "expected": p.expected.get(lang),
                "feedback": [f.get(lang) for f in p.feedback]
                + [t("exam_found", lang, point=f.get(lang)) for f in p.found]
                + [t("exam_missed", lang, point=f.get(lang)) for f in p.missed],
                "mistakes": p.mistakes,
            }
            for p in report.parts
        ],
        "missing": report.missing,
        "topics": {x.topic: {"score": round(x.score, 4), "max": round(x.max_points, 4)} for x in report.topics},
        "weakest": [{"topic": w.topic, "command": w.command} for w in report.weakest()],
    }
