"""Line breaking for Chinese text: a line may break between any two Chinese characters.

rich wraps at spaces only. Chinese has no spaces, so a sentence such as "再减去 α 乘以当前梯度。每个参数…"
is one long "word" after the last space; rich moves it whole to the next line and leaves the line
before it half empty, and a card read at 60 columns looks ragged. Here each Chinese character is
a word of its own, with the usual rules of Chinese typesetting: closing punctuation (，。、）…)
stays at the end of the line with the character before it, and opening punctuation (（「《…) stays
at the start of the line with the character after it. Latin words and formulas are still only
broken at spaces. Nothing is added or dropped: only where lines break changes.

rich finds its break opportunities with ``rich._wrap.words``; :func:`install` replaces that one
function (it is looked up on every wrap) and is a no-op on a rich without it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: CJK ideographs, kana, hangul syllables, CJK punctuation and full-width forms
_WIDE = "\u2e80-\u303f\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
#: punctuation that may not start a line (it closes or ends something)
_CLOSING = "，。、；：！？）》」』】〕〉”’…·～％,.;:!?)]}%"
#: punctuation that may not end a line (it opens something)
_OPENING = "（《「『【〔〈“‘"

WORD = re.compile(
    rf"\s*[{re.escape(_OPENING)}]*(?:[{_WIDE}]|[^\s{_WIDE}]+)[{re.escape(_CLOSING)}]*\s*",
)
_RICH_WORD = re.compile(r"\s*\S+\s*")


def words(text: str) -> Iterable[tuple[int, int, str]]:
    """Each break unit of ``text`` as (start, end, unit), its trailing spaces included: a Latin
    word, or one Chinese character with the punctuation that must stay with it."""
    position = 0
    while position < len(text):
        match = WORD.match(text, position) or _RICH_WORD.match(text, position)
        if match is None or match.end() == position:  # only spaces are left
            return
        yield match.start(), match.end(), match.group(0)
        position = match.end()


def install() -> None:
    """Make rich break Chinese text between characters (see the module's docstring)."""
    try:
        from rich import _wrap
    except ImportError:  # pragma: no cover - a rich without the module wraps as it always did
        return
    if callable(getattr(_wrap, "words", None)) and hasattr(_wrap, "divide_line"):
        _wrap.words = words
