"""A small list of real English words, so that a misspelling is not mistaken for another word.

The grader forgives a typing error ("gradeint" for "gradient") but not a different word ("less"
for "loss", "exploring" for "exploding", "rate" for "gate"). ``words.txt`` holds common English
words and the English vocabulary of the built-in question bank; the grader adds the words of the
item being graded.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    text = resources.files("examprep.grading").joinpath("words.txt").read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() if (w := line.strip().lower()) and not w.startswith("#"))


def is_english_word(word: str) -> bool:
    return word in english_words()
