"""Structure of the short-answer items in question_bank/theory/ (docs/bank-format.md).

Checked against the format contract, not against the grader: every item is bilingual, its ids and
rubric ids are unique, and each key point has a phrasing that really occurs in both model answers
(all words of one pattern inside one sentence, as the format's matching rules require).
"""

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

THEORY = Path(__file__).resolve().parents[2] / "question_bank" / "theory"
FILES = sorted(THEORY.glob("*.yaml"))
SENTENCE_END = re.compile(r"[.!?;。！？；\n]+")
IMPORTANCE = {"master", "understand", "skim"}


def _items():
    for path in FILES:
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["templates"]:
            yield pytest.param(path.stem, item, id=item.get("id", path.stem))


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _found(pattern: str, text: str) -> bool:
    """All words of the pattern in one sentence (the order an ordered pattern "a … b" asks for is
    the grader's business)."""
    pieces = [p.rstrip("*") for p in _norm(pattern).split() if p not in ("…", "...")]
    return any(all(p in sentence for p in pieces) for sentence in SENTENCE_END.split(_norm(text)))


def _bilingual(value) -> bool:
    return isinstance(value, dict) and all(isinstance(value.get(k), str) and value[k].strip() for k in ("en", "zh"))


def test_there_are_theory_files():
    assert FILES, "question_bank/theory/ holds no items"


def test_ids_are_unique_across_files():
    ids = [p.values[1]["id"] for p in _items()]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(("stem", "item"), list(_items()))
def test_item_follows_the_format(stem, item):
    assert item["topic"] == stem
    assert item["kind"] in ("concept", "design")
    assert item["id"].startswith(f"{stem}.{item['kind']}.")
    assert item.get("importance", "understand") in IMPORTANCE
    assert item["points"] > 0
    for field in ("title", "text", "model_answer"):
        assert _bilingual(item[field]), field
    rubric_ids = [point["id"] for point in item["rubric"]]
    assert len(rubric_ids) == len(set(rubric_ids))
    for point in item["rubric"]:
        assert _bilingual(point["point"]) and point["weight"] > 0 and point["patterns"]
    for mis in item.get("misconceptions", []):
        assert _bilingual(mis["statement"]) and _bilingual(mis["feedback"]) and mis["patterns"]
        assert 0 < mis["cap"] < 1


@pytest.mark.parametrize(("stem", "item"), list(_items()))
def test_every_key_point_occurs_in_both_model_answers(stem, item):
    for lang in ("en", "zh"):
        answer = item["model_answer"][lang]
        missing = [
            point["id"]
            for point in item["rubric"]
            if not any(_found(p, answer) for p in point["patterns"] + point.get("negated_patterns", []))
        ]
        assert not missing, f"{lang} model answer lacks {missing}"


@pytest.mark.parametrize(("stem", "item"), list(_items()))
def test_every_misconception_matches_its_own_statement(stem, item):
    for mis in item.get("misconceptions", []):
        for lang in ("en", "zh"):
            assert any(_found(p, mis["statement"][lang]) for p in mis["patterns"]), (mis["id"], lang)


def test_a_pattern_spread_over_two_sentences_is_not_found():
    # the checker itself: words of one pattern must share a sentence
    assert _found("forget gate", "The forget gate is close to 1.")
    assert not _found("forget gate", "We forget. The gate opens.")
    assert _found("遗忘门 接近", "遗忘门接近 1 时误差几乎原样通过。")
    assert not _found("遗忘门 接近", "遗忘门很重要。它接近 1。")
