"""Grading a free-text answer against a rubric of weighted key points.

A key point is earned when one of its phrasings (``patterns``) is stated in the answer, or when
the answer denies one of its ``negated_patterns``; the score is points × found weight / total
weight. Then, in this order: a misconception stated (not denied) withdraws the key points it
contradicts (its ``voids``) and caps the score at its ``cap``; a
bare list of terms (no sentences) is capped at 20%; nothing found means 0, and the verdict says
whether the text was off-topic or only repeated the question. Words of the question earn nothing:
a pattern made only of them is not used ("what is the reward?" — "the reward" is not an answer).

Matching (normalization, typos, negation, Chinese) lives in ``textmatch``; this module scores.
Compiled rubrics are cached per template, so grading after the first answer takes milliseconds.
"""

from __future__ import annotations

import re
import statistics
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from examprep.grading.textmatch import (
    Document,
    Match,
    Pattern,
    cjk_bigrams,
    compile_pattern,
    find,
    latin_words,
    normalize,
    occurs_anywhere,
    word_forms,
)
from solvers.core import Text

if TYPE_CHECKING:
    from examprep.bank.schema import Template

KEYWORD_LIST_CAP = 0.2
KEYWORD_SENTENCE_SHARE = 0.3
KEYWORD_ITEM_SIZE = 3.0
EQUATION_SIZE = 2.0  # an equation in an answer weighs as much as a short clause, whatever its length
ECHO_SHARE = 0.7  # a text whose content words are at least this much the question's repeats it
OFF_TOPIC_SHARE = 0.25  # a text with less of its content in the item's own words is about something else


@dataclass(frozen=True)
class PointResult:
    id: str
    point: Text
    weight: float
    found: bool
    matched: str  # the matched words as the student wrote them ("" when not found)


@dataclass(frozen=True)
class MisconceptionResult:
    id: str
    feedback: Text
    cap: float
    matched: str


@dataclass(frozen=True)
class FreeTextVerdict:
    score: float
    max_points: float
    points: tuple[PointResult, ...]
    misconceptions: tuple[MisconceptionResult, ...]
    keyword_list: bool
    off_topic: bool  # the answer does not address the question (unrelated, or only repeats it)
    notes: tuple[Text, ...]  # plain-language remarks on how the score came about

    @property
    def fraction(self) -> float:
        return self.score / self.max_points if self.max_points else 0.0


# -- compiled rubric ------------------------------------------------------------------------


@dataclass
class _Point:
    id: str
    point: Text
    weight: float
    patterns: list[Pattern]  # usable: not made only of question words
    echo: list[Pattern]  # made only of question words: shown in a note, never scored
    negated: list[Pattern]


@dataclass
class _Misconception:
    id: str
    feedback: Text
    cap: float
    patterns: list[Pattern]
    voids: tuple[str, ...]


@dataclass
class _Compiled:
    template: Template
    points: list[_Point]
    misconceptions: list[_Misconception]
    vocabulary: frozenset[str]  # the item's own English words (real words, never typos)
    question_words: frozenset[str]
    question_bigrams: frozenset[str]
    question_compact: str
    topic_words: frozenset[str]
    topic_bigrams: frozenset[str]
    topic_compact: str


_CACHE: OrderedDict[str, _Compiled] = OrderedDict()
_CACHE_SIZE = 512


def _texts(template: Template) -> list[str]:
    out = [template.text.en, template.text.zh, template.title.en, template.title.zh]
    if template.model_answer:
        out += [template.model_answer.en, template.model_answer.zh]
    for p in template.rubric:
        out += [p.point.en, p.point.zh]
    for m in template.misconceptions:
        out += [m.statement.en, m.statement.zh, m.feedback.en, m.feedback.zh]
    return out


def _compact(text: str) -> str:
    return "".join(normalize(text)[0].split())


def _compile(template: Template) -> _Compiled:
    legacy = template.legacy_patterns
    vocabulary = frozenset(w for text in _texts(template) for w in latin_words(text) if len(w) >= 3)
    question = Document(template.text.en + "\n" + template.text.zh)
    points = []
    for p in template.rubric:
        usable, echo = [], []
        for source in p.patterns:
            pattern = compile_pattern(source, legacy)
            # Items written before the rule (legacy) were not phrased for it: for them the
            # question's words are discounted sentence by sentence instead (see _stated).
            (echo if not legacy and occurs_anywhere(pattern, question, vocabulary) else usable).append(pattern)
        negated = [compile_pattern(s, legacy) for s in p.negated_patterns]
        points.append(_Point(p.id, p.point, p.weight, usable, echo, negated))
    misconceptions = [
        _Misconception(m.id, m.feedback, m.cap, [compile_pattern(s, legacy) for s in m.patterns], m.voids)
        for m in template.misconceptions
    ]
    q_text = template.text.en + " " + template.text.zh
    topic_text = " ".join(_texts(template)) + " " + " ".join(s for p in template.rubric for s in p.patterns)
    return _Compiled(
        template=template,
        points=points,
        misconceptions=misconceptions,
        vocabulary=vocabulary,
        question_words=frozenset(f for w in latin_words(q_text) for f in word_forms(w)),
        question_bigrams=frozenset(cjk_bigrams(q_text)),
        question_compact=_compact(q_text),
        topic_words=frozenset(f for w in latin_words(topic_text) for f in word_forms(w)),
        topic_bigrams=frozenset(cjk_bigrams(topic_text)),
        topic_compact=_compact(topic_text),
    )


def compiled(template: Template) -> _Compiled:
    """The template's rubric ready for matching, from the cache when the same template object
    was graded before (a reloaded bank gives new objects and so recompiles)."""
    entry = _CACHE.get(template.id)
    if entry is not None and entry.template is template:
        _CACHE.move_to_end(template.id)
        return entry
    entry = _compile(template)
    _CACHE[template.id] = entry
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return entry


# -- a bare list of terms ---------------------------------------------------------------------

_FRAGMENT_SPLIT = re.compile(r"[.!?;。\n,、]+")
_EN_STRONG = frozenset(
    """is are was were be been being am has have had do does did can could will would shall should may
    might must need needs needed cannot it its they them their this that these those which who what
    when where why how we you he she there because so if than then since while whereas although
    though unless until use uses used using make makes made help helps keep keeps let lets give gives
    take takes cause causes caused allow allows avoid avoids prevent prevents reduce reduces solve
    solves solved learn learns learned update updates compute computes depend depends mean means
    become becomes get gets stay stays remain remains go goes choose chooses move moves add adds
    lead leads tend tends converge converges only also""".split()
)
_EN_WEAK = frozenset(
    "the a an of to in on for by with from at as into through over under between per each every".split()
)
# Chinese verbs, auxiliaries and conjunctions that mark a sentence; 的/在/和/与 also occur inside
# noun phrases ("关于动作的期望"), so they count only in a longer fragment.
_ZH_STRONG = tuple(
    "是 了 把 被 就 都 也 让 使 将 因为 所以 可以 能够 不能 不会 不是 无法 没有 通过 导致 避免 需要 如果 由于 "
    "但是 而且 并且 就是 称为 表示 用于 用来 使用 利用 采用 得到 进行 会 因此 于是 然后 起到 减少 增加 抑制 缓解 "
    "包括 决定 走到 变大 变小 提高 降低 防止 保持 逃离 跳出 使得 取决于 意味着 相当于 等于 只需 要求 属于".split()
)
_ZH_WEAK = ("的", "在", "和", "与", "对", "从")
_EQUATION = re.compile(r"[=←≈]")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def _sentence_like(fragment: str) -> bool:
    words = latin_words(fragment)
    if len(words) >= 8:
        return True
    if len(words) >= 3 and any(w in _EN_STRONG or w.endswith("n't") for w in words):
        return True
    if len(words) >= 5 and any(w in _EN_WEAK for w in words):
        return True
    runs = _CJK_RUN.findall(fragment)
    chinese = sum(len(r) for r in runs)
    if chinese >= 9:
        return True  # a Chinese term is rarely this long; a clause often is
    if chinese >= 6 and any(m in fragment for m in _ZH_STRONG):
        return True
    return chinese >= 9 and any(m in fragment for m in _ZH_WEAK)


_SENTENCE_SPLIT = re.compile(r"[.!?;。\n]+")
CHINESE_PROSE_CHARS = 12  # a Chinese sentence of clauses joined by commas, at least this long ...
CHINESE_PROSE_MARKERS = 2  # ... with this many different verbs or conjunctions (是, 使, 通过, 因为…) is prose


def _chinese_prose(sentence: str) -> bool:
    """Chinese chains short clauses with commas ("门用 sigmoid，输出在 0 到 1 之间，表示通过的比例"):
    each clause alone looks like a term, the sentence does not. A list of terms is joined by 、 or
    has at most one such word (…的作用，…的更新 has none: 的 is not counted)."""
    if "," not in sentence or sum(len(r) for r in _CJK_RUN.findall(sentence)) < CHINESE_PROSE_CHARS:
        return False
    return sum(1 for marker in _ZH_STRONG if marker in sentence) >= CHINESE_PROSE_MARKERS


def _size(fragment: str) -> float:
    return len(latin_words(fragment)) + 0.5 * sum(len(r) for r in _CJK_RUN.findall(fragment))


_OPEN, _CLOSE = "([{", ")]}"


def _fragments(text: str) -> list[str]:
    """The text cut at sentence ends and list separators, except inside a closed bracket: the
    comma of ``max(0, 1 − y·f(x))`` or ``y ∈ {−1, +1}`` belongs to its formula."""
    protected: set[int] = set()
    stack: list[int] = []
    for i, c in enumerate(text):
        if c in _OPEN:
            stack.append(i)
        elif c in _CLOSE and stack:
            protected.update(range(stack.pop() + 1, i))
        elif c in ".!?;。\n":
            stack.clear()  # a bracket left open does not reach into the next sentence
    out, begin = [], 0
    for m in _FRAGMENT_SPLIT.finditer(text):
        if m.start() in protected and m.group() in (",", "、"):
            continue
        out.append(text[begin : m.start()])
        begin = m.end()
    out.append(text[begin:])
    return [f for f in out if f.strip()]


def is_keyword_list(answer: str) -> bool:
    """Mostly terms: less than 30% of the answer (by words, a Chinese character counting half)
    is in fragments that read like sentences (a verb, pronoun or function word in English; a
    verb, particle or conjunction such as 是/使/通过/因为 in Chinese), and the typical fragment is
    short (a median of at most 3 words or 6 Chinese characters, as list items are). An equation
    (``L = ½(y − f(x))²``) states something, so a fragment with one counts as a sentence of a
    short clause's size (its letters are symbols, not words), and a comma inside brackets does not
    cut a formula in two. Measured on the built-in and test items:
    every model answer passes as prose, every list of rubric terms is caught."""
    text = normalize(answer)[0]
    fragments: list[str] = []
    in_prose: list[bool] = []  # the fragment's whole sentence reads as Chinese prose
    for sentence in _SENTENCE_SPLIT.split(text):
        pieces = _fragments(sentence)
        fragments += pieces
        in_prose += [_chinese_prose(sentence)] * len(pieces)
    sizes = [EQUATION_SIZE if _EQUATION.search(f) else _size(f) for f in fragments]
    total = sum(sizes)
    if total == 0:
        return False
    in_sentences = sum(
        size for f, size, prose in zip(fragments, sizes, in_prose) if prose or _EQUATION.search(f) or _sentence_like(f)
    )
    return in_sentences < KEYWORD_SENTENCE_SHARE * total and statistics.median(sizes) <= KEYWORD_ITEM_SIZE


# -- grading ----------------------------------------------------------------------------------


def _stated(
    patterns: list[Pattern],
    doc: Document,
    c: _Compiled,
    negated: bool,
    statements_only: bool,
    demote: bool = False,
    skip: frozenset[int] = frozenset(),
) -> Match | None:
    """The first match of the patterns (stated, or denied if ``negated``), ignoring the sentences
    that start at a position in ``skip``."""
    for pattern in patterns:
        for sentence in doc.sentences:
            if statements_only and sentence.is_question or sentence.start in skip:
                continue
            if demote and _echoes_question(sentence.text, c, doc):
                continue
            for match in find(pattern, sentence, c.vocabulary):
                if match.negated == negated:
                    return match
    return None


def _stating_sentences(patterns: list[Pattern], doc: Document, c: _Compiled) -> set[int]:
    """Where (sentence starts) any of the patterns is stated, not denied, outside a question."""
    return {
        sentence.start
        for sentence in doc.sentences
        if not sentence.is_question
        and any(not match.negated for pattern in patterns for match in find(pattern, sentence, c.vocabulary))
    }


_FORMULA_CHUNK = re.compile(r"\S*[=^_|(Σ∑∂∇←][\S]*")


def _echoes_question(text: str, c: _Compiled, doc: Document) -> bool:
    cache = doc.__dict__.setdefault("_echo", {})
    if text not in cache:
        cache[text] = _share(text, c.question_words, c.question_bigrams, c.question_compact) >= ECHO_SHARE
    return cache[text]


def _share(text: str, words: frozenset[str], bigrams: frozenset[str], compact: str) -> float:
    """How much of a text's content (English words of 3+ letters, Chinese character pairs and
    formulas) is found in the given vocabulary."""
    norm = normalize(text)[0]
    own_words = [w for w in latin_words(norm) if len(w) >= 3 and not w.isdigit()]
    own_bigrams = cjk_bigrams(norm)
    formulas = [f for f in _FORMULA_CHUNK.findall(norm) if len(f) >= 3]
    total = len(own_words) + len(own_bigrams) + len(formulas)
    if not total:
        return 0.0
    known = (
        sum(1 for w in own_words if word_forms(w) & words)
        + len(own_bigrams & bigrams)
        + sum(1 for f in formulas if f in compact)
    )
    return known / total


def _pct(fraction: float) -> str:
    return f"{fraction * 100:g}%"


def grade_free_text(template: Template, answer: str) -> FreeTextVerdict:
    """Grade one free-text answer to a concept or design item (never raises on any text)."""
    c = compiled(template)
    max_points = template.points
    doc = Document(answer or "")
    notes: list[Text] = []
    results: list[PointResult] = []
    echoed: list[str] = []
    found_misconceptions = []
    # A key point that a found wrong claim contradicts (its ``voids``) is not earned from any
    # sentence that states a wrong claim: "one algorithm is best for all problems" says "all
    # problems" too, and in a swapped answer each wrong sentence holds the other point's words.
    wrong_sentences: set[int] = set()
    voided: set[str] = set()
    for m in c.misconceptions:
        match = _stated(m.patterns, doc, c, negated=False, statements_only=True)
        if match is not None:
            found_misconceptions.append(MisconceptionResult(m.id, m.feedback, m.cap, match.quote(doc)))
            wrong_sentences |= _stating_sentences(m.patterns, doc, c)
            voided.update(m.voids)
    withdrawn: list[str] = []
    for point in c.points:
        skip = frozenset(wrong_sentences) if point.id in voided else frozenset()
        match = _stated(point.patterns, doc, c, False, False, c.template.legacy_patterns, skip) or _stated(
            point.negated, doc, c, negated=True, statements_only=False, skip=skip
        )
        if match is None and skip and _stated(point.patterns, doc, c, False, False, c.template.legacy_patterns):
            withdrawn.append(point.id)
        results.append(
            PointResult(point.id, point.point, point.weight, match is not None, match.quote(doc) if match else "")
        )
        if match is None:
            echo = _stated(point.echo, doc, c, negated=False, statements_only=False)
            if echo is not None:
                echoed.append(echo.quote(doc))
    total_weight = sum(p.weight for p in results) or 1.0
    found_weight = sum(p.weight for p in results if p.found)
    score = max_points * found_weight / total_weight
    keyword_list = False
    off_topic = False
    if not doc.sentences:
        notes.append(Text("No answer was given.", "没有作答。"))
    else:
        if found_misconceptions:
            cap = min(m.cap for m in found_misconceptions)
            if score > cap * max_points:
                score = cap * max_points
            notes.append(
                Text(
                    f"A wrong statement caps the score at {_pct(cap)} of the points.",
                    f"答案中有错误的说法，得分上限为满分的 {_pct(cap)}。",
                )
            )
        if withdrawn:
            notes.append(
                Text(
                    (
                        "A key point matched only through the wrong statement and is not credited."
                        if len(withdrawn) == 1
                        else f"{len(withdrawn)} key points matched only through the wrong statement and are not credited."
                    ),
                    f"有 {len(withdrawn)} 个要点只是在错误说法里出现了相关词语，不计分。",
                )
            )
        keyword_list = is_keyword_list(answer)
        if keyword_list:
            score = min(score, KEYWORD_LIST_CAP * max_points)
            notes.append(
                Text(
                    f"This is a list of terms, not an explanation: a list scores at most {_pct(KEYWORD_LIST_CAP)}. "
                    "Write sentences that say what each idea does and why.",
                    f"这只是术语的罗列，不是解释：罗列最多得 {_pct(KEYWORD_LIST_CAP)}。请用完整的句子说明每个要点的作用和原因。",
                )
            )
        if found_weight == 0:
            if _share(answer, c.question_words, c.question_bigrams, c.question_compact) >= ECHO_SHARE:
                off_topic = True
                notes.append(
                    Text(
                        "The answer mostly repeats the question; the question's own words earn nothing.",
                        "答案基本是在重复题目；题目里已有的词不得分。",
                    )
                )
            elif _share(answer, c.topic_words, c.topic_bigrams, c.topic_compact) < OFF_TOPIC_SHARE:
                off_topic = True
                notes.append(Text("The answer does not address this question.", "答案与本题无关。"))
            elif not withdrawn:
                notes.append(Text("None of the key points was found.", "没有找到任何要点。"))
        if echoed:
            shown = ", ".join(dict.fromkeys(f"“{e}”" for e in echoed[:4]))
            notes.append(
                Text(
                    f"{shown}: already in the question, so on its own it earns nothing; say what it is or does.",
                    f"{shown}：题目中已经出现，单独写出不得分；请说明它是什么、起什么作用。",
                )
            )
    score = round(min(max(score, 0.0), max_points), 4)
    return FreeTextVerdict(
        score=score,
        max_points=max_points,
        points=tuple(results),
        misconceptions=tuple(found_misconceptions),
        keyword_list=keyword_list,
        off_topic=off_topic,
        notes=tuple(notes),
    )
