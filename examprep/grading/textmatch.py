"""Finding rubric patterns in a free-text answer, in English, Chinese or both mixed.

The rules are those of ``docs/bank-format.md`` ("Short-answer and essay items"), modelled on
Moodle's Pattern-match question type:

- text is NFKC-normalized (full-width = half-width) and lower-cased; sentences end at
  ``. ! ? ; 。`` and line breaks;
- a pattern is a list of space-separated pieces that must all occur in ONE sentence, in any
  order; an English word matches its inflections (state/states, solve/solved) and tolerates a
  typing error (one edit in words of 4+ letters, two in 8+, a swap of neighbours counting as one)
  unless the typed word is itself another English word; a trailing ``*`` matches any word that
  starts with the stem; ``on-policy`` needs its words next to each other (or written as one);
  Chinese pieces and formulas (any pattern with symbols, or a minus sign between symbols) match
  as substrings, spaces ignored; a formula keeps the case of single letters (Σ is not σ, T is
  not t), while its names (max, log) and all plain words ignore case;
- every match knows whether its clause negates it (``not``, ``n't``, ``without``, ``不``, ``没``,
  ``无法`` … shortly before the words, or between them), so a pattern can ask for a statement or
  for its denial.

Rubrics written before key points had ids (``legacy``) used plain substrings; for them a
multi-word pattern is a phrase whose last word may be cut short (``transition probab``).
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from examprep.grading.lexicon import is_english_word

# -- normalization -------------------------------------------------------------------------

_CHAR_MAP = {
    "’": "'",
    "‘": "'",
    "′": "'",
    "`": "'",
    "“": '"',
    "”": '"',
    "−": "-",
    "–": "-",
    "—": "-",
    "‐": "-",
    "‑": "-",
    "\u3000": " ",
}

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_LATIN = "0-9a-z\u00b5\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff"
_TOKEN = re.compile(rf"[{_LATIN}]+(?:'[a-z]+)?")
_CJK_CHAR = re.compile(f"[{CJK}]")
_HAS_CJK = re.compile(f"[{CJK}]")
# a word, a hyphenated phrase, or a stem of 3+ letters with a '*' (a shorter "Q*" is a symbol)
_PLAIN_PIECE = re.compile(rf"^(?:[{_LATIN}'-]+|[{_LATIN}'-]{{3,}}\*)$")
_SPACE = re.compile(r"\s+")


def normalize(text: str) -> tuple[str, list[int]]:
    """NFKC + lower case + a few look-alike characters, with a map from each normalized
    character back to the index of the original one (to quote the student's own words)."""
    low, _cased, where = normalize_both(text)
    return low, where


def normalize_both(text: str) -> tuple[str, str, list[int]]:
    """``normalize`` and, character for character, the same text with its case kept (formulas
    are matched in it: Σ is not σ, h_T is not h_t)."""
    out: list[str] = []
    cased: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        norm = unicodedata.normalize("NFKC", char)
        for c in norm:
            mapped = _CHAR_MAP.get(c, c)
            low = mapped.lower()
            out.extend(low)
            cased.extend(mapped if len(low) == 1 else low)
            where.extend([index] * len(low))
    return "".join(out), "".join(cased), where


# -- English words ---------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def word_forms(word: str) -> frozenset[str]:
    """The word and what it may be an inflection of: states → state, solving → solve/solv,
    studies → study, clipped → clip. Used both ways, so two words match when their sets meet."""
    forms = {word}
    n = len(word)
    if n > 3 and word.endswith("s") and not word.endswith("ss"):
        forms.add(word[:-1])
    if n > 4 and word.endswith("es"):
        forms.add(word[:-2])
    if n > 4 and word.endswith("ies"):
        forms.add(word[:-3] + "y")
    for suffix in ("ing", "ed"):
        if n > len(suffix) + 2 and word.endswith(suffix):
            stem = word[: -len(suffix)]
            forms.update({stem, stem + "e"})
            if len(stem) > 2 and stem[-1] == stem[-2]:
                forms.add(stem[:-1])
            if suffix == "ed" and stem.endswith("i"):
                forms.add(stem[:-1] + "y")
    if n > 4 and word.endswith("ly"):
        forms.add(word[:-2])
    return frozenset(f for f in forms if len(f) >= 2)


def typo_budget(length: int) -> int:
    return 2 if length >= 8 else 1 if length >= 4 else 0


@lru_cache(maxsize=262144)
def _relation(word: str, prefix: bool, token: str) -> str | None:
    """How ``token`` (from the answer) relates to a pattern word: "exact", "typo" or None.

    "typo" still has to pass the real-word test (done by the caller, which knows the item's
    own vocabulary)."""
    from rapidfuzz.distance import OSA

    if prefix:
        if token.startswith(word):
            return "exact"
        budget = typo_budget(len(word))
        if budget:
            for cut in (len(word) - 1, len(word), len(word) + 1):
                if 0 < cut <= len(token) and OSA.distance(token[:cut], word, score_cutoff=budget) <= budget:
                    return "typo"
        return None
    if word == token or word_forms(word) & word_forms(token):
        return "exact"
    budget = typo_budget(len(word))
    if budget and abs(len(token) - len(word)) <= budget + 1:
        for form in word_forms(token):
            if OSA.distance(form, word, score_cutoff=budget) <= budget:
                return "typo"
    return None


def word_matches(word: str, prefix: bool, token: str, vocabulary: frozenset[str]) -> bool:
    relation = _relation(word, prefix, token)
    if relation == "exact":
        return True
    if relation == "typo":
        # a misspelling must not be another real word: "less" is not a typo of "loss"
        return not any(len(f) >= 3 and (f in vocabulary or is_english_word(f)) for f in word_forms(token))
    return False


# -- sentences, clauses, negation -----------------------------------------------------------

# a full stop ends a sentence when a space, the end or Chinese follows; "..." and "…" do not
_SENTENCE_END = re.compile(r"[!?;。\n]|(?<!\.)\.(?!\.)(?=\s|$|[" + CJK + "])")
_ABBREVIATIONS = ("e.g", "i.e", "cf", "vs", "etc", "approx")
_CLAUSE_PUNCT = re.compile(r"[,:]")
_EN_CLAUSE_WORDS = frozenset("but however whereas while although though yet so because since which unless".split())
_ZH_CLAUSE_WORDS = ("但是", "但", "然而", "却", "而", "所以", "因此", "因为", "由于", "虽然", "尽管", "只是", "从而")
_EN_NEG = frozenset(
    "not no never cannot cant dont doesnt didnt isnt arent wasnt werent wont without neither nor none "
    "nothing nobody hardly unable fails fail failed".split()
)
_EN_NEG_PAIRS = (("instead", "of"), ("rather", "than"))
# "not only", "no matter", "No Free Lunch", "whether or not": not denials
_EN_NOT_NEG_NEXT = {"not": {"only", "just", "merely"}, "no": {"matter", "free"}}
_ZH_NEG = ("无法", "无需", "无须", "并非", "而非", "难以", "绝非", "毫无", "不", "没", "未")
# Words that contain a negation character without denying what follows (差不多 "about", 不得不
# "must", 没错 "right"); a cue inside one of them is no cue.
_ZH_NOT_NEG = (
    "差不多",
    "不得不",
    "不停",
    "不时",
    "不可或缺",
    "不可避免",
    "不容忽视",
    "不外乎",
    "没错",
    "不同",
    "不断",
    "不仅",
    "不但",
    "不少",
    "不管",
    "不论",
    "不错",
    "不过",
    "不久",
    "不妨",
    "不光",
    "不只",
    "不止",
    "不变",
    "不确定",
    "不稳定",
    "不平衡",
    "不足",
    "不好",
    "不良",
    "未来",
    "未知",
    "没有免费午餐",
    "没有免费的午餐",
)
NEGATION_WINDOW = 8.0
# A sentence that opens by denying everything after it ("It is not true that …", "并不是说 …"):
# the denial reaches to the end of the sentence or to a contrast ("but", "而是").
_SENTENTIAL_EN = (
    "it is not true that",
    "it's not true that",
    "it is not the case that",
    "it is false that",
    "it is wrong that",
    "it is wrong to say that",
    "it is a misconception that",
    "it is a myth that",
    "not true that",
)
_SENTENTIAL_ZH = ("并不是说", "不是说", "不能说", "并不是", "并非", "不是")
_CONTRAST = re.compile(
    r"\b(?:but|however|rather|instead)\b|而是|但是|但|然而|不过|而"
)  # words (a Chinese character counts half) between the cue and the words


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


@dataclass
class Sentence:
    start: int
    end: int
    text: str  # normalized, as in the document
    tokens: list[Token]
    compact: str  # whitespace removed, for Chinese pieces and formulas
    compact_cased: str  # the same with the case kept, for formulas
    compact_at: list[int]  # compact index -> absolute normalized index
    unit_starts: list[int]  # where every word and every Chinese character starts
    unit_sums: list[float]  # running total of their weights (a word 1, a Chinese character ½)
    clause_starts: list[int]
    cues: list[tuple[int, int]]  # negation cues (absolute spans)
    is_question: bool
    denied: tuple[int, int] | None = None  # the span a sentence-opening denial covers

    def clause_of(self, position: int) -> int:
        return bisect.bisect_right(self.clause_starts, position)

    def words_between(self, left: int, right: int) -> float:
        """Weight of the words and Chinese characters that start in [left, right)."""
        i, j = bisect.bisect_left(self.unit_starts, left), bisect.bisect_left(self.unit_starts, right)
        return self.unit_sums[j] - self.unit_sums[i]


class Document:
    """A text split into sentences, ready for pattern matching; keeps the original for quoting."""

    def __init__(self, original: str):
        self.original = original
        self.text, self.cased, self.where = normalize_both(original)
        self.sentences = [s for s in self._split() if s.tokens or s.compact]

    def quote(self, start: int, end: int) -> str:
        if start >= end:
            return ""
        return self.original[self.where[start] : self.where[end - 1] + 1]

    def _split(self) -> list[Sentence]:
        text = self.text
        out = []
        begin = 0
        for m in _SENTENCE_END.finditer(text):
            if m.group() == "." and text[begin : m.start()].rstrip().endswith(_ABBREVIATIONS):
                continue
            out.append(self._sentence(begin, m.end()))
            begin = m.end()
        if begin < len(text):
            out.append(self._sentence(begin, len(text)))
        return out

    def _sentence(self, start: int, end: int) -> Sentence:
        text = self.text[start:end]
        tokens = [Token(m.group(), start + m.start(), start + m.end()) for m in _TOKEN.finditer(text)]
        compact_chars, compact_at = [], []
        for i, c in enumerate(text):
            if not c.isspace():
                compact_chars.append(c)
                compact_at.append(start + i)
        compact_cased = "".join(self.cased[i] for i in compact_at)
        units = sorted([(t.start, 1.0) for t in tokens] + [(start + m.start(), 0.5) for m in _CJK_CHAR.finditer(text)])
        sums = [0.0]
        for _, weight in units:
            sums.append(sums[-1] + weight)
        clause_starts = sorted(
            {start + m.start() for m in _CLAUSE_PUNCT.finditer(text)}
            | {t.start for t in tokens if t.text in _EN_CLAUSE_WORDS}
            | {start + m.start() for word in _ZH_CLAUSE_WORDS for m in re.finditer(word, text)}
        )
        stripped = text.strip()
        return Sentence(
            start=start,
            end=end,
            text=text,
            tokens=tokens,
            compact="".join(compact_chars),
            compact_cased=compact_cased,
            compact_at=compact_at,
            unit_starts=[u[0] for u in units],
            unit_sums=sums,
            clause_starts=clause_starts,
            cues=_cues(text, start, tokens),
            is_question=stripped.endswith("?") or stripped.endswith("吗"),
            denied=_denied_span(text, start),
        )


def _denied_span(text: str, offset: int) -> tuple[int, int] | None:
    lead = len(text) - len(text.lstrip())
    body = text[lead:]
    opener = next((p for p in _SENTENTIAL_EN if body.startswith(p)), None)
    if opener is None:
        opener = next((p for p in _SENTENTIAL_ZH if body.startswith(p)), None)
    if opener is None:
        return None
    begin = lead + len(opener)
    contrast = _CONTRAST.search(text, begin)
    end = contrast.start() if contrast else len(text)
    return (offset + begin, offset + end)


def _cues(text: str, offset: int, tokens: list[Token]) -> list[tuple[int, int]]:
    cues = []
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1].text if i + 1 < len(tokens) else ""
        if tok.text in _EN_NEG or tok.text.endswith("n't"):
            if nxt in _EN_NOT_NEG_NEXT.get(tok.text, ()):
                continue
            if tok.text == "not" and i >= 2 and tokens[i - 1].text == "or" and tokens[i - 2].text == "whether":
                continue
            cues.append((tok.start, tok.end))
        elif (tok.text, nxt) in _EN_NEG_PAIRS:
            cues.append((tok.start, tokens[i + 1].end))
    taken: set[int] = set()
    for cue in _ZH_NEG:
        for m in re.finditer(cue, text):
            if m.start() in taken or _inside_compound(text, m.start(), cue):
                continue
            taken.update(range(m.start(), m.end()))
            cues.append((offset + m.start(), offset + m.end()))
    return sorted(cues)


def _inside_compound(text: str, at: int, cue: str) -> bool:
    """The cue found at ``at`` is part of a word of ``_ZH_NOT_NEG`` (差不多, 不得不: a cue anywhere
    in the word, not only at its start)."""
    for word in _ZH_NOT_NEG:
        offset = word.find(cue)
        while offset >= 0:
            if at - offset >= 0 and text.startswith(word, at - offset):
                return True
            offset = word.find(cue, offset + 1)
    return False


# -- patterns ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    kind: str  # "words" (one word or a hyphenated phrase) or "text" (Chinese or a formula)
    words: tuple[str, ...] = ()
    prefix: bool = False  # the last word is a stem ("solve*")
    text: str = ""
    formula: str = ""  # for a formula: a regular expression that keeps the case of single letters


@dataclass(frozen=True)
class Pattern:
    source: str
    pieces: tuple[Piece, ...]
    # An ordered pattern ("高维 … 局部"): the segment of each piece; its segments must occur in
    # this order inside one clause. Empty: the pieces occur anywhere in the sentence, any order.
    segments: tuple[int, ...] = ()


_ORDER_MARK = re.compile(r"\s+(?:…|\.\.\.)\s+")


_LETTER_RUN = re.compile(r"[A-Za-z\u00b5\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]+")
_OPERATOR_PIECE = re.compile(r"^[-+*/=·×]+$")


def _formula_regex(cased: str) -> str:
    """A formula as a regular expression: a single letter is a symbol and keeps its case (Σ is
    not σ, T is not t); a run of letters is a name or a word (max, log, Softmax) and ignores it."""
    out, at = [], 0
    for m in _LETTER_RUN.finditer(cased):
        out.append(re.escape(cased[at : m.start()]))
        run = m.group()
        out.append(re.escape(run) if len(run) == 1 else f"(?i:{re.escape(run)})")
        at = m.end()
    out.append(re.escape(cased[at:]))
    return "".join(out)


def _formula_piece(cased: str) -> Piece:
    text = _SPACE.sub("", cased)
    return Piece("text", text=text.lower(), formula=_formula_regex(text))


def _is_plain(piece: str) -> bool:
    """A word, a hyphenated phrase (on-policy, ε-greedy) or a stem with '*'. A hyphen alone, at
    either end, or between single characters (y-ŷ, 1-ε) is a minus sign: a formula."""
    if not _PLAIN_PIECE.match(piece):
        return False
    body = piece.rstrip("*")
    if "-" not in body:
        return True
    parts = body.split("-")
    return all(parts) and any(len(p) > 1 for p in parts)


def _glue_operators(pieces: list[str]) -> list[str]:
    """A lone operator between two pieces (``1 − ε``) belongs to both: one formula piece."""
    out: list[str] = []
    glue = False
    for piece in pieces:
        if _OPERATOR_PIECE.match(piece):
            if out:
                out[-1] += piece
            else:
                out.append(piece)
            glue = True
            continue
        if glue and out:
            out[-1] += piece
        else:
            out.append(piece)
        glue = False
    return out


def compile_pattern(source: str, legacy: bool = False) -> Pattern:
    parts = _ORDER_MARK.split(source.strip())
    if len(parts) > 1 and not legacy and all(p.strip() for p in parts):
        compiled = [_compile_unordered(part) for part in parts]
        pieces = tuple(piece for c in compiled for piece in c.pieces)
        segments = tuple(i for i, c in enumerate(compiled) for _ in c.pieces)
        return Pattern(source, pieces, segments)
    return _compile_unordered(source, legacy)


def _compile_unordered(source: str, legacy: bool = False) -> Pattern:
    norm, cased, _where = normalize_both(source)
    norm, cased = norm.strip(), cased.strip()
    if not _HAS_CJK.search(norm) and any(not _is_plain(p) for p in norm.split()):
        return Pattern(source, (_formula_piece(cased),))  # a formula, as written
    if legacy:
        if _HAS_CJK.search(norm):
            return Pattern(source, (Piece("text", text=_SPACE.sub("", norm)),))
        words = tuple(w for w in re.split(r"[\s-]+", norm.rstrip("*")) if w)
        return Pattern(source, (Piece("words", words, prefix=True),))
    pieces = []
    for raw in _glue_operators(cased.split()):
        low = raw.lower()
        if _HAS_CJK.search(raw):
            pieces.append(Piece("text", text=low))
            continue
        if not _is_plain(low):
            pieces.append(_formula_piece(raw))
            continue
        prefix = low.endswith("*")
        words = tuple(w for w in low.rstrip("*").split("-") if w)
        if words:
            pieces.append(Piece("words", words, prefix=prefix))
    return Pattern(source, tuple(pieces))


@lru_cache(maxsize=4096)
def _compiled_regex(source: str) -> re.Pattern[str]:
    return re.compile(source)


def _piece_spans(piece: Piece, sentence: Sentence, vocabulary: frozenset[str]) -> list[tuple[int, int]]:
    if piece.formula:
        spans = []
        regex = _compiled_regex(piece.formula)
        m = regex.search(sentence.compact_cased)
        while m is not None and m.end() > m.start():
            spans.append((sentence.compact_at[m.start()], sentence.compact_at[m.end() - 1] + 1))
            m = regex.search(sentence.compact_cased, m.start() + 1)
        return spans
    if piece.kind == "text":
        spans = []
        at = sentence.compact.find(piece.text)
        while at >= 0 and piece.text:
            last = at + len(piece.text) - 1
            spans.append((sentence.compact_at[at], sentence.compact_at[last] + 1))
            at = sentence.compact.find(piece.text, at + 1)
        return spans
    tokens = sentence.tokens
    words = piece.words
    spans = []
    k = len(words)
    for i in range(len(tokens) - k + 1):
        ok = True
        for j, word in enumerate(words):
            tok = tokens[i + j]
            if j and sentence.text[tokens[i + j - 1].end - sentence.start : tok.start - sentence.start].strip(" -"):
                ok = False
                break
            if not word_matches(word, piece.prefix and j == k - 1, tok.text, vocabulary):
                ok = False
                break
        if ok:
            spans.append((tokens[i].start, tokens[i + k - 1].end))
    if k > 1:  # "onpolicy" for "on-policy"
        joined = "".join(words)
        spans += [(t.start, t.end) for t in tokens if word_matches(joined, piece.prefix, t.text, vocabulary)]
    return spans


@dataclass(frozen=True)
class Match:
    spans: tuple[tuple[int, int], ...]
    negated: bool
    sentence: Sentence

    def quote(self, doc: Document) -> str:
        spans = sorted(self.spans)
        whole = doc.quote(spans[0][0], spans[-1][1])
        if len(whole) <= 48:
            return whole.strip()
        return " … ".join(doc.quote(s, e).strip() for s, e in spans)


def _negated(sentence: Sentence, spans: tuple[tuple[int, int], ...]) -> bool:
    if sentence.denied and all(sentence.denied[0] <= s and e <= sentence.denied[1] for s, e in spans):
        return True
    for cue_start, cue_end in sentence.cues:
        if any(cue_start < e and s < cue_end for s, e in spans):
            continue  # the cue is part of the matched words ("no model")
        for s, _e in spans:
            if (
                cue_end <= s
                and sentence.clause_of(cue_start) == sentence.clause_of(s)
                and sentence.words_between(cue_end, s) <= NEGATION_WINDOW
            ):
                return True
    return False


def find(pattern: Pattern, sentence: Sentence, vocabulary: frozenset[str]) -> list[Match]:
    """Every way the pattern occurs in the sentence; for several pieces only the tightest ones
    (the pieces nearest each other), so "does not solve vanishing, but solves exploding" reads
    "solves exploding" as stated."""
    per_piece = []
    for piece in pattern.pieces:
        spans = _piece_spans(piece, sentence, vocabulary)
        if not spans:
            return []
        per_piece.append(spans[:8])
    if not per_piece:
        return []
    if len(per_piece) == 1:
        return [Match((s,), _negated(sentence, (s,)), sentence) for s in per_piece[0]]
    best: list[tuple[tuple[int, int], ...]] = []
    best_width = None
    for combo in itertools.islice(itertools.product(*per_piece), 512):
        ordered = sorted(combo)
        if any(a[1] > b[0] for a, b in zip(ordered, ordered[1:])):
            continue  # two pieces on the same words
        if pattern.segments and not _in_order(pattern.segments, combo, sentence):
            continue
        width = ordered[-1][1] - ordered[0][0]
        if best_width is None or width < best_width:
            best, best_width = [combo], width
        elif width == best_width:
            best.append(combo)
    return [Match(tuple(c), _negated(sentence, tuple(c)), sentence) for c in best]


def _in_order(segments: tuple[int, ...], spans: tuple[tuple[int, int], ...], sentence: Sentence) -> bool:
    """The spans lie in one clause, every segment's words before the next segment's."""
    if len({sentence.clause_of(start) for start, _end in spans}) > 1:
        return False
    return all(
        spans[i][1] <= spans[j][0] for i in range(len(spans)) for j in range(len(spans)) if segments[i] < segments[j]
    )


def occurs_anywhere(pattern: Pattern, doc: Document, vocabulary: frozenset[str]) -> bool:
    """Every piece occurs somewhere in the document (sentences and negation ignored)."""
    return all(any(_piece_spans(piece, s, vocabulary) for s in doc.sentences) for piece in pattern.pieces)


def latin_words(text: str) -> list[str]:
    return _TOKEN.findall(normalize(text)[0])


def cjk_bigrams(text: str) -> set[str]:
    norm = normalize(text)[0]
    return {a + b for a, b in zip(norm, norm[1:]) if _CJK_CHAR.match(a) and _CJK_CHAR.match(b)}
