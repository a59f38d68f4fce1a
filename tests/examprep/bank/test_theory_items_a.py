"""Content checks for the short-answer items of topics A (question_bank/theory/<topic>.yaml).

These guard the item format of docs/bank-format.md until the free-text grader's own `bank check`
covers them: every text bilingual, rubric and misconception shapes within the agreed bounds, the
2020 past-paper questions present as set, and every key point reachable from both model answers.
"""

import re
import unicodedata
from pathlib import Path

import pytest

from examprep.bank.loader import safe_yaml

THEORY = Path(__file__).resolve().parents[3] / "question_bank" / "theory"
TOPICS = {
    "ml-basics": 3,
    "theorems": 3,
    "init": 3,
    "gd": 6,
    "optim": 6,
    "regularization": 3,
    "dropout": 3,
    "linear": 3,
    "losses": 3,
    "normalization": 3,
}
# The 2020 paper (SYLLABUS.md): id -> (question number, points, words the Chinese text must keep)
PAST_PAPER = {
    "theorems.concept.nfl-ugly-duckling": (3, 10, ["没有免费午餐定理", "丑小鸭定理"]),
    "optim.concept.momentum-nesterov": (4, 10, ["动量法", "Nesterov加速梯度"]),
    "optim.concept.low-high-dim": (5, 10, ["高低维度", "难点", "侧重点"]),
    "gd.concept.sgd-pros-cons": (6, 10, ["SGD", "优缺点"]),
}
SENTENCE_END = re.compile(r"[.!?;。！？；\n]+")


def _items(topic: str) -> list[dict]:
    data = safe_yaml((THEORY / f"{topic}.yaml").read_text(encoding="utf-8"))
    return data["templates"]


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _found(pattern: str, text: str) -> bool:
    """All pieces of the pattern in one sentence (negation, and the order an ordered pattern
    "a … b" asks for, ignored: the grader handles them)."""
    pieces = [piece.rstrip("*") for piece in _norm(pattern).split() if piece not in ("…", "...")]
    return any(all(piece in sentence for piece in pieces) for sentence in SENTENCE_END.split(_norm(text)))


ALL = [(topic, item) for topic in TOPICS for item in _items(topic)]


@pytest.mark.parametrize("topic", list(TOPICS))
def test_each_topic_has_enough_items(topic):
    items = _items(topic)
    assert len(items) >= TOPICS[topic]
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(("topic", "item"), ALL, ids=[item["id"] for _, item in ALL])
def test_item_shape(topic, item):
    assert re.fullmatch(rf"{re.escape(topic)}\.(concept|design)\.[a-z0-9-]+", item["id"])
    assert item["topic"] == topic
    assert item["kind"] == item["id"].split(".")[1]
    assert 5 <= item["points"] <= 15
    assert item["importance"] in {"master", "understand", "skim"}
    for key in ("title", "text", "model_answer"):
        assert set(item[key]) == {"en", "zh"} and all(value.strip() for value in item[key].values())
    rubric = item["rubric"]
    assert 3 <= len(rubric) <= 6
    assert len({point["id"] for point in rubric}) == len(rubric)
    for point in rubric:
        assert set(point["point"]) == {"en", "zh"} and point["weight"] > 0 and point["patterns"]
    # a few focused wrong claims; a comparison item may need both directions of a swap
    assert 1 <= len(item["misconceptions"]) <= 4
    for mis in item["misconceptions"]:
        assert 0.3 <= mis["cap"] <= 0.6
        for key in ("statement", "feedback"):
            assert set(mis[key]) == {"en", "zh"} and all(mis[key].values())
    for text in item["model_answer"].values():
        assert "\\" not in text and "$" not in text, "formulas are readable Unicode, not LaTeX"


@pytest.mark.parametrize(("topic", "item"), ALL, ids=[item["id"] for _, item in ALL])
def test_model_answers_reach_every_point_and_no_misconception(topic, item):
    for lang in ("en", "zh"):
        answer = item["model_answer"][lang]
        for point in item["rubric"]:
            patterns = point["patterns"] + point.get("negated_patterns", [])
            assert any(_found(p, answer) for p in patterns), f"{lang} model answer misses {point['id']}"
        for mis in item["misconceptions"]:
            assert not any(_found(p, answer) for p in mis["patterns"]), f"{lang} model answer hits {mis['id']}"
            assert any(_found(p, mis["statement"][lang]) for p in mis["patterns"]), f"{mis['id']} misses itself"


def test_past_paper_questions_are_reproduced_as_set():
    by_id = {item["id"]: item for _, item in ALL}
    for item_id, (number, points, words) in PAST_PAPER.items():
        item = by_id[item_id]
        assert item["points"] == points
        assert item["source"]["en"] == f"2020 final exam, question {number}"
        assert item["source"]["zh"] == f"20级期末真题第{number}题"
        for word in words:
            assert word.replace(" ", "") in item["text"]["zh"].replace(" ", "")
    sourced = {item["id"] for _, item in ALL if "source" in item}
    assert sourced == set(PAST_PAPER), "only real past questions carry a source"


def test_a_design_item_exists():
    assert any(item["kind"] == "design" and item["points"] == 15 for _, item in ALL)
