"""Mistakes carry a human name in both languages: the student never reads a slug like no_sqrt_scaling."""

from __future__ import annotations

import re

import pytest

from examprep.bank.loader import load_bank, read_templates
from examprep.bank.schema import BankError

CJK = re.compile(r"[\u4e00-\u9fff]")
SLUG = re.compile(r"[a-z0-9]+(_[a-z0-9]+)+")
BANK = load_bank()
REFS = [(t.id, m) for t in BANK.templates.values() for m in t.mistakes]


def test_the_builtin_bank_has_mistakes_to_name():
    assert len(REFS) > 300


def test_every_builtin_mistake_has_a_name_in_both_languages():
    unnamed = [f"{tid}:{m.id}" for tid, m in REFS if m.name is None]
    assert unnamed == []


def test_names_are_short_phrases_in_their_own_language_not_slugs():
    bad = []
    for tid, m in REFS:
        en, zh = m.name.en, m.name.zh
        slug = SLUG.fullmatch(en)
        if slug or CJK.search(en) or not CJK.search(zh) or len(en) > 60 or len(zh) > 30:
            bad.append((tid, m.id, en, zh))
    assert bad == []


def test_one_mistake_id_has_one_name_within_a_topic():
    """The summary lists mistakes across questions: the same slip must read the same way."""
    seen: dict[tuple[str, str], tuple[str, str]] = {}
    clash = []
    for tid, m in REFS:
        key = (BANK.get(tid).topic, m.id)
        pair = (m.name.en, m.name.zh)
        if seen.setdefault(key, pair) != pair:
            clash.append(key)
    assert clash == []


EXTRA = """
templates:
  - id: extra.conv
    topic: cnn
    title: {en: Extra, zh: 附加}
    text: {en: "A {input} input", zh: "输入 {input}"}
    params:
      input: {list: [9, 9, 1]}
      filters: {value: 2}
      kernel: {value: 3}
    solver: cnn.conv2d
    parts:
      - {id: size, answer: output_shape, type: shape, points: 1, prompt: {en: Size, zh: 大小}}
      - {id: params, answer: params, type: integer, points: 1, prompt: {en: Params, zh: 参数}}
    mistakes:
      - {id: no_bias, NAME parts: [params], feedback: {en: "add the bias", zh: "加上偏置"}}
"""


def load_extra(tmp_path, name: str):
    path = tmp_path / "extra.yaml"
    path.write_text(EXTRA.replace("NAME", name), encoding="utf-8")
    return read_templates(path)[0]


def test_a_named_mistake_is_read(tmp_path):
    template = load_extra(tmp_path, 'name: {en: "bias left out", zh: "少了偏置"},')
    assert template.mistake_label("no_bias").en == "bias left out"
    assert template.mistake_label("no_bias").zh == "少了偏置"


def test_a_user_file_may_leave_the_name_out_and_gets_a_readable_id(tmp_path):
    template = load_extra(tmp_path, "")
    assert template.mistakes[0].name is None
    assert template.mistake_label("no_bias").en == "no bias"


@pytest.mark.parametrize("name", ['name: {en: "bias left out"},', 'name: "bias",'])
def test_a_half_written_name_is_refused_with_its_field(tmp_path, name):
    with pytest.raises(BankError) as info:
        load_extra(tmp_path, name)
    assert "mistakes[0].name" in str(info.value)
