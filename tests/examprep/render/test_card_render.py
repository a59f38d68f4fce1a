"""Every concept card renders in both languages, at 60 and 100 columns, with its live example's
numbers, no raw LaTeX, and bank text printed literally (never as rich markup)."""

import re

import pytest
from rich.cells import cell_len
from rich.console import Console

from examprep.bank.card_example import run_example
from examprep.bank.cards import CardSet, load_cards, read_cards
from examprep.render.card import card_list_table, card_view, topic_table

CARDS = load_cards()
LATEX = re.compile(r"\\[A-Za-z]+|\$|\^\{")


def render(renderable, width: int) -> str:
    console = Console(width=width, record=True, no_color=True, highlight=False, file=open("/dev/null", "w"))
    console.print(renderable)
    return console.export_text()


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def numbers_of(value):
    """Plain numbers inside an answer (scalars, vectors, matrices)."""
    if isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        return [value]
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in numbers_of(v)]
    return []


def shown(number: float) -> str:
    """How a number is written with six significant figures (independent of the renderer)."""
    if float(number) == int(number):
        return str(int(number))
    return f"{number:.6g}"


@pytest.mark.parametrize("card_id", sorted(CARDS.cards))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_card_renders_with_its_example(card_id, lang):
    card = CARDS.cards[card_id]
    result = run_example(card.example) if card.example else None
    text = render(card_view(card, CARDS, lang, result, width=100), 100)
    flat = squash(text)  # long lines wrap: compare without whitespace
    assert card.title(lang) in text
    assert squash(card.definition.get(lang)) in flat
    for formula in card.formulas:
        assert squash(formula.formula) in flat and squash(formula.label.get(lang)) in flat
    for mistake in card.misconceptions:
        assert squash(mistake.get(lang)) in flat
    # the card's own text: no LaTeX at all; the solver's steps may write powers as 10000^{2i/d}
    card_only = render(card_view(card, CARDS, lang, None, "-", width=100), 100)
    assert not LATEX.search(card_only), LATEX.search(card_only)
    assert not re.search(r"\\[A-Za-z]+|\$", text)
    for rid in card.related:  # links to cards not (yet) in the bank are left out
        assert (f"examprep explain {rid}" in text) == (rid in CARDS.cards)
    for tid in card.exam:
        assert f"examprep bank show {tid}" in text
    if result is None:
        return
    if len(result.runs) == 1:
        for step in result.runs[0].solution.steps:
            if step.result and "\n" not in step.result and len(step.result) < 60:
                assert step.result in text, step.result
    else:
        keys = card.example.show or []
        for run in result.runs:
            assert run.label in text
            for key in keys:
                for number in numbers_of(run.solution.answers[key]):
                    if 1e-4 < abs(number) < 1e6 or number == 0:
                        assert shown(number) in text, (key, number)


@pytest.mark.parametrize("card_id", sorted(CARDS.cards))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_card_fits_60_columns(card_id, lang):
    card = CARDS.cards[card_id]
    result = run_example(card.example) if card.example else None
    text = render(card_view(card, CARDS, lang, result, width=60), 60)
    assert max(cell_len(line.rstrip()) for line in text.splitlines()) <= 60
    assert card.title(lang) in text


def test_bank_text_is_printed_literally(tmp_path):
    path = tmp_path / "markup.yaml"
    path.write_text(
        """
cards:
  - id: markup
    topic: optim
    names: {en: ["[bold red]Loud[/bold red]"], zh: ["[link=http://x]链接[/link]"]}
    definition: {en: "Keeps [brackets] and [/] as typed.", zh: "保留 [b]方括号[/b]。"}
    formulas: [{label: {en: "[i]label[/i]", zh: "标签"}, formula: "a[1] = b[2]"}]
    intuition: {en: "x", zh: "x"}
    compare: {en: "y", zh: "y"}
    misconceptions: [{en: "[red]z[/red]", zh: "z"}]
""",
        encoding="utf-8",
    )
    cards = load_cards([path], include_builtin=False)
    en = render(card_view(cards.cards["markup"], cards, "en"), 100)
    assert "[bold red]Loud[/bold red]" in en and "[brackets] and [/]" in en and "a[1] = b[2]" in en
    assert "[red]z[/red]" in en and "[i]label[/i]" in en
    zh = render(card_view(cards.cards["markup"], cards, "zh"), 100)
    assert "[link=http://x]链接[/link]" in zh and "[b]方括号[/b]" in zh


def test_lists_render():
    cards = list(CARDS.cards.values())
    assert "nesterov" in render(card_list_table(cards, "en"), 60)
    assert "动量法" in render(card_list_table(cards, "zh"), 60)
    text = render(topic_table(CARDS.topics(), "en"), 60)
    assert re.search(r"optim\s+13", text)


def test_a_card_without_example_error_shows_the_reason():
    card = next(c for c in CARDS.cards.values() if c.example)
    text = render(card_view(card, CardSet(dict(CARDS.cards)), "en", None, "it broke"), 100)
    assert "it broke" in text


def test_every_builtin_card_file_is_walked():
    from examprep.bank.cards import builtin_card_files

    ids = {c.id for path in builtin_card_files() for c in read_cards(path)}
    assert ids == set(CARDS.cards)
