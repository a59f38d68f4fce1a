"""Chinese text breaks between characters; everything else wraps exactly as rich wraps it."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich import _wrap
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from examprep.render import cjkwrap

RICH_WORDS = _wrap.re_word  # rich's own pattern: the reference for text with no Chinese in it

PARAGRAPH = (
    "动量法用过去更新量的指数加权累积代替单纯的梯度步：每次的更新量等于上一次更新量乘以 ρ，"
    "再减去 α 乘以当前梯度。每个参数实际的更新幅度取决于最近一段时间内梯度的加权平均。"
)


def rendered(text: str, width: int) -> list[str]:
    cjkwrap.install()
    out = io.StringIO()
    Console(file=out, width=width, color_system=None, highlight=False).print(Text(text))
    return [line.rstrip() for line in out.getvalue().splitlines()]


def test_a_chinese_paragraph_fills_its_lines():
    lines = rendered(PARAGRAPH, 40)
    assert "".join(lines).replace(" ", "") == PARAGRAPH.replace(" ", "")  # nothing lost or added
    for line in lines[:-1]:  # rich used to leave "…再减去 α" alone on a half-empty line
        assert cell_len(line) >= 37, line
    assert all(cell_len(line) <= 40 for line in lines)


def test_closing_punctuation_never_starts_a_line_and_opening_never_ends_one():
    text = "甲乙丙丁戊己庚辛壬癸，（子丑寅卯）辰巳午未。申酉戌亥「一二三四五六七八九十」。" * 3
    for width in range(8, 31):
        for line in rendered(text, width):
            assert not line.startswith(tuple(cjkwrap._CLOSING)), (width, line)
            assert not line.endswith(tuple(cjkwrap._OPENING)), (width, line)


def test_latin_words_and_formulas_are_not_split():
    text = "用 Nesterov 加速梯度 θ_{t−1} + ρ·Δθ_{t−1} 计算 RMSprop 与 AdaDelta 的更新量"
    tokens = {word.strip() for word in text.split()} - {""}
    for width in (12, 16, 20, 30):
        for line in rendered(text, width):
            for piece in line.split():
                if piece.isascii():
                    assert piece in tokens, (width, line)


MIXED = st.text(alphabet="甲乙丙，。（）「」abc xyz.,()-θ αβ\n", max_size=80)
LATIN = st.text(alphabet=st.characters(codec="latin-1", exclude_categories=("Cc",)) | st.sampled_from(" \t“”αθ·"))


@settings(max_examples=300, deadline=None)
@given(MIXED)
def test_the_units_tile_the_text(text):
    units = list(cjkwrap.words(text))
    assert "".join(unit for _, _, unit in units) == (text if text.strip() else "")
    position = 0
    for start, end, unit in units:
        assert start == position and text[start:end] == unit
        position = end


@settings(max_examples=300, deadline=None)
@given(LATIN)
def test_text_without_chinese_breaks_exactly_where_rich_breaks_it(text):
    ours = [(start, end) for start, end, _ in cjkwrap.words(text)]
    theirs = [match.span() for match in RICH_WORDS.finditer(text)]
    assert ours == theirs
