"""The free-text grader: the marked set (answers with a human marker's band), the matching rules
one by one, and properties that must hold for any text."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from examprep.bank.loader import load_bank
from examprep.bank.schema import template_from_dict
from examprep.grading.freetext import grade_free_text, is_keyword_list

HERE = Path(__file__).parent
BANK = load_bank([HERE / "fixtures"])
# marked_answers.yaml, plus marked_answers_*.yaml: sets written separately (e.g. wrong answers)
MARKED = [
    case
    for path in sorted(HERE.glob("marked_answers*.yaml"))
    for case in yaml.safe_load(path.read_text(encoding="utf-8"))["answers"]
]


def _case_id(case: dict) -> str:
    return f"{case['item'].split('.')[-1]}-{case['kind']}-{case['lang']}"


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, marks=pytest.mark.xfail(reason=c["known_gap"], strict=True)) if c.get("known_gap") else c
        for c in MARKED
    ],
    ids=[_case_id(c) for c in MARKED],
)
def test_marked_answer_lands_in_the_markers_band(case):
    template = BANK.get(case["item"])
    verdict = grade_free_text(template, case["text"])
    low, high = case["band"]
    assert low - 1e-9 <= verdict.fraction <= high + 1e-9, (
        f"{verdict.fraction:.2f} not in {case['band']}; found {[p.id for p in verdict.points if p.found]}, "
        f"misconceptions {[m.id for m in verdict.misconceptions]}, list={verdict.keyword_list}"
    )


def test_marked_set_covers_enough_questions_and_kinds():
    assert len({c["item"] for c in MARKED}) >= 12
    kinds = {c["kind"] for c in MARKED}
    assert {"full", "partial", "misconception", "keywords", "copy", "off-topic"} <= kinds
    assert {"en", "zh", "mixed"} <= {c["lang"] for c in MARKED}


def test_marked_misconceptions_are_named():
    for case in MARKED:
        if case["kind"] == "misconception" and BANK.get(case["item"]).misconceptions:
            verdict = grade_free_text(BANK.get(case["item"]), case["text"])
            assert verdict.misconceptions, _case_id(case)


# -- the rules one by one, on small items -----------------------------------------------------


def item(rubric, misconceptions=(), text=None, points=10):
    raw = {
        "id": "t.concept.x",
        "topic": "t",
        "kind": "concept",
        "points": points,
        "title": {"en": "T", "zh": "题"},
        "text": text or {"en": "Explain the method.", "zh": "解释这个方法。"},
        "rubric": list(rubric),
        "misconceptions": list(misconceptions),
        "model_answer": {"en": "m", "zh": "m"},
    }
    return template_from_dict(raw, "test.yaml")


def point(pid, patterns, negated=(), weight=1):
    out = {"id": pid, "point": {"en": pid, "zh": pid}, "weight": weight, "patterns": list(patterns)}
    if negated:
        out["negated_patterns"] = list(negated)
    return out


def found(template, answer):
    return {p.id for p in grade_free_text(template, answer).points if p.found}


LSTM = BANK.get("lstm-gru.concept.test-lstm-gradients")


def test_polarity_stated_versus_denied():
    solved = grade_free_text(LSTM, "LSTM solves exploding gradients because of the gates.")
    denied = grade_free_text(LSTM, "LSTM does not solve exploding gradients; that still needs clipping.")
    assert [m.id for m in solved.misconceptions] == ["solves-exploding"]
    assert "exploding-not-solved" not in {p.id for p in solved.points if p.found}
    assert not denied.misconceptions
    assert "exploding-not-solved" in {p.id for p in denied.points if p.found}


def test_polarity_in_chinese_and_passive_voice():
    assert not grade_free_text(LSTM, "LSTM 并不能从根本上解决梯度爆炸。").misconceptions
    assert grade_free_text(LSTM, "LSTM 解决了梯度爆炸。").misconceptions
    # the cue between the words ("are not solved") also denies
    assert not grade_free_text(LSTM, "Exploding gradients are not solved by LSTM.").misconceptions


def test_the_tighter_reading_wins_within_one_sentence():
    verdict = grade_free_text(LSTM, "LSTM does not solve vanishing gradients but it solves exploding gradients.")
    assert [m.id for m in verdict.misconceptions] == ["solves-exploding"]


def test_a_negated_clause_does_not_reach_past_a_comma_and_but():
    t = item([point("clip", ["clipping"])])
    assert found(t, "It is not a cure, but clipping helps.") == {"clip"}
    assert found(t, "Clipping is not used here.") == {"clip"}  # the cue after the word: not a denial of it
    assert found(t, "There is no clipping here.") == set()


def test_a_chinese_enumeration_comma_stays_inside_the_denial():
    # 、 joins the items of one list; a denial before the list covers its later items too
    t = item([point("objective", ["客观 相似性"])])
    assert found(t, "不存在与特征无关的、客观的相似性度量。") == set()
    assert found(t, "不存在与特征无关的客观的相似性度量。") == set()
    assert found(t, "存在与特征无关的、客观的相似性度量。") == {"objective"}
    # a full comma still ends the clause
    assert found(t, "这不是全部，客观的相似性度量也存在。") == {"objective"}


def test_a_sentence_that_opens_with_a_denial_denies_all_of_it_up_to_a_contrast():
    long_en = "It is not true that, thanks to its many gates and its memory cell, LSTM solves exploding gradients."
    assert not grade_free_text(LSTM, long_en).misconceptions
    long_zh = "并不是说，有了遗忘门、输入门和记忆单元以后，LSTM 就解决了梯度爆炸。"
    assert not grade_free_text(LSTM, long_zh).misconceptions
    contrast = "It is not true that LSTM is slow, but it solves exploding gradients."
    assert grade_free_text(LSTM, contrast).misconceptions
    assert grade_free_text(LSTM, "并不是说 LSTM 很慢，而是说它解决了梯度爆炸。").misconceptions


def test_an_ellipsis_does_not_end_a_sentence():
    t = item([point("cell", ["cell state additive"])])
    assert found(t, "The cell state … is additive.") == {"cell"}
    assert found(t, "The cell state... is additive.") == {"cell"}


def test_question_sentences_do_not_state_misconceptions():
    assert not grade_free_text(LSTM, "Can LSTM solve exploding gradients?").misconceptions


def test_full_width_letters_and_punctuation_read_as_half_width():
    t = item([point("clip", ["gradient clipping"])])
    assert found(t, "ＬＳＴＭ needs ｇｒａｄｉｅｎｔ　ｃｌｉｐｐｉｎｇ．") == {"clip"}


def test_a_typing_error_is_forgiven_but_another_word_is_not():
    t = item(
        [point("loss", ["loss"]), point("gate", ["gate"]), point("grad", ["gradient"]), point("exp", ["exploding"])]
    )
    assert found(t, "The gradeint shrinks.") == {"grad"}  # a swap of two letters: one edit
    assert found(t, "The gradinet shrinks.") == {"grad"}
    assert found(t, "The loos goes down and the gaet opens.") == {"loss", "gate"}
    assert found(t, "It costs less and the rate drops.") == set()  # real words, not typos
    assert found(t, "Exploring the data helps.") == set()
    assert found(t, "Explodingg values happen.") == {"exp"}


def test_short_words_must_be_exact():
    t = item([point("max", ["max"])])
    assert found(t, "Take the max over actions.") == {"max"}
    assert found(t, "Take the mix over actions.") == set()  # three letters: no typo allowed


def test_inflections_match():
    t = item([point("share", ["share weights"]), point("solve", ["solve"])])
    assert found(t, "The weights are shared across positions and it solved it.") == {"share", "solve"}


def test_a_star_inside_a_formula_or_after_one_letter_is_literal():
    t = item([point("px", ["p*x"]), point("q", ["Q*"])])
    assert found(t, "At test time multiply: p*x.") == {"px"}
    assert found(t, "The optimal value is Q* here.") == {"q"}
    assert found(t, "Q-learning is used.") == set()


def test_stems_with_a_star():
    t = item([point("max", ["maximi*"])])
    assert found(t, "We maximize the return.") == {"max"}
    assert found(t, "We maximise the return.") == {"max"}
    assert found(t, "We minimize the loss.") == set()


def test_words_of_a_pattern_must_share_one_sentence():
    t = item([point("cell", ["cell state additive"])])
    assert found(t, "The additive update of the cell state helps.") == {"cell"}
    assert found(t, "The cell state exists. The update is additive.") == set()


def test_hyphenated_words_must_be_adjacent():
    t = item([point("on", ["on-policy"])])
    assert found(t, "SARSA is on-policy.") == {"on"}
    assert found(t, "SARSA is on policy.") == {"on"}
    assert found(t, "SARSA is onpolicy.") == {"on"}
    assert found(t, "It depends on the policy.") == set()


def test_chinese_pieces_and_formulas():
    t = item([point("cell", ["记忆单元 加法"]), point("f", ["c_t = f"])])
    assert found(t, "LSTM 的记忆单元是按加法更新的。") == {"cell"}
    assert found(t, "记忆单元很重要。加法更新。") == set()
    assert found(t, "The update is c_t=f_t*c_{t-1} + i_t*g_t.") == {"f"}


def test_question_words_earn_nothing():
    t = item(
        [point("reward", ["reward"]), point("what", ["reward* success*"])],
        text={"en": "Define the reward of the dialogue system.", "zh": "定义对话系统的奖励。"},
    )
    verdict = grade_free_text(t, "The reward is given by the environment.")
    assert verdict.score == 0
    assert any("question" in n.en for n in verdict.notes)
    assert found(t, "The reward is +1 on success of the task.") == {"what"}


def test_a_copy_of_the_question_scores_zero_and_says_so():
    verdict = grade_free_text(LSTM, LSTM.text.zh)
    assert verdict.score == 0 and verdict.off_topic
    assert any("repeats the question" in n.en for n in verdict.notes)


def test_off_topic_text_scores_zero_and_says_so():
    verdict = grade_free_text(LSTM, "The weather in Shanghai is humid in summer, so bring an umbrella.")
    assert verdict.score == 0 and verdict.off_topic
    assert any("does not address" in n.en for n in verdict.notes)


def test_a_bare_list_is_capped_at_20_percent_and_says_so():
    answer = "additive cell state, forget gate, long-term dependencies, clipping, weight matrices"
    verdict = grade_free_text(LSTM, answer)
    assert verdict.keyword_list
    assert all(p.found for p in verdict.points)  # every point named ...
    assert verdict.score == pytest.approx(0.2 * LSTM.points)  # ... but only 20%
    assert any("20%" in n.en and "20%" in n.zh for n in verdict.notes)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("state, action, policy, reward", True),
        ("状态、动作、策略、奖励", True),
        ("The agent chooses an action in each state.", False),
        ("智能体在每个状态下选择一个动作，并得到奖励。", False),
        ("No. It only eases vanishing gradients.", False),
        ("Δθ_t = ρΔθ_{t−1} − αg_t", False),
        # Chinese chains short clauses with commas: each clause looks like a term, the sentence is prose
        ("门用 sigmoid，输出在 0 到 1 之间，表示信息通过的比例；候选状态用 tanh，值域 (-1,1)，可正可负。", False),
        ("它通过门控保留信息，因为遗忘门接近 1，梯度可以沿记忆单元传回去。", False),
        # ... while terms stay terms, joined by 、 or by commas, even when they hold 的 or 在
        ("一个隐藏层、任意的精度、足够多、只保证存在、存在性、有界闭集、线性输出、挤压函数", True),
        ("门控的作用，记忆单元的更新，梯度的截断，长期依赖，梯度消失，候选状态", True),
    ],
)
def test_keyword_list_detection(text, expected):
    assert is_keyword_list(text) is expected


def test_a_misconception_caps_the_score_and_is_named():
    answer = LSTM.model_answer.en + "\nIn fact LSTM solves exploding gradients as well."
    verdict = grade_free_text(LSTM, answer)
    assert verdict.misconceptions[0].id == "solves-exploding"
    assert verdict.misconceptions[0].matched.lower().startswith("solves exploding")
    assert verdict.score == pytest.approx(0.5 * LSTM.points)


SWAP = item(
    [point("low", ["local minim*"]), point("high", ["saddle*"])],
    [
        {
            "id": "swapped",
            "statement": {"en": "In high dimensions the difficulty is local minima.", "zh": "高维的困难是局部最小值。"},
            "patterns": ["high-dimension* … difficult* … local-minim*", "高维 … 困难 … 局部"],
            "cap": 0.5,
            "feedback": {"en": "f", "zh": "f"},
        },
        {
            "id": "rare",
            "statement": {"en": "Saddle points are rare in high dimensions.", "zh": "高维中鞍点很少。"},
            "patterns": ["saddle* … rare … high-dimension*"],
            "cap": 0.5,
            "voids": ["high"],
            "feedback": {"en": "f", "zh": "f"},
        },
    ],
)


@pytest.mark.parametrize(
    ("answer", "stated"),
    [
        ("In high-dimensional spaces the main difficulty is local minima.", True),
        ("高维空间中主要的困难是局部最小值。", True),
        # the same words in another order, or split over clauses, say something else (and true)
        ("Local minima are the difficulty in low dimensions, not in high dimensions.", False),
        ("In low dimensions the difficulty is local minima, while high dimensions have saddle points.", False),
        ("In high dimensions the difficulty is saddle points, not local minima.", False),
        ("低维时困难是局部最优而高维时困难是鞍点。", False),
        ("在高维空间中，困难不是局部最小值。", False),
        ("High-dimensional difficulty? Local minima.", False),
    ],
)
def test_an_ordered_pattern_needs_its_order_inside_one_clause(answer, stated):
    verdict = grade_free_text(SWAP, answer)
    assert ("swapped" in {m.id for m in verdict.misconceptions}) is stated


def test_three_dots_and_an_ellipsis_mark_the_same_order():
    dots = item([point("p", ["alpha ... beta"])])
    assert found(dots, "Alpha comes before beta here.") == {"p"}
    assert found(dots, "Beta comes before alpha here.") == set()


def test_a_misconception_withdraws_the_points_it_voids():
    wrong = grade_free_text(SWAP, "Saddle points are rare in high-dimensional spaces.")
    assert [m.id for m in wrong.misconceptions] == ["rare"]
    assert found(SWAP, "Saddle points are rare in high-dimensional spaces.") == set()
    assert wrong.score == 0
    # a point it does not void stays earned, under the cap
    mixed = grade_free_text(
        SWAP, "Local minima trap low-dimensional search. Saddle points are rare in high dimensions."
    )
    assert {p.id for p in mixed.points if p.found} == {"low"}
    assert mixed.score == pytest.approx(5.0)
    # without the wrong claim the same words earn the point
    assert found(SWAP, "High dimensions are full of saddle points.") == {"high"}
    # and a point also stated in a sentence of its own is kept (the cap still applies)
    both = grade_free_text(
        SWAP, "High dimensions are full of saddle points. Saddle points are rare in high dimensions."
    )
    assert {p.id for p in both.points if p.found} == {"high"}
    assert both.score == pytest.approx(5.0)
    # the note says why a matched point earned nothing, in both languages
    assert any("not credited" in n.en and "不计分" in n.zh for n in wrong.notes)
    assert not any("None of the key points" in n.en for n in wrong.notes)


def test_matched_words_are_quoted_as_written():
    verdict = grade_free_text(LSTM, "We still need Gradient CLIPPING for this.")
    (clip,) = [p for p in verdict.points if p.id == "exploding-not-solved"]
    assert clip.matched == "CLIPPING"


def test_old_format_items_still_grade(tmp_path):
    # an item written in the first rubric format (no point ids: patterns are plain substrings)
    legacy = tmp_path / "legacy.yaml"
    legacy.write_text(
        """
templates:
  - id: rl.concept.legacy
    topic: rl
    kind: concept
    points: 10
    title: {en: Five elements, zh: 五要素}
    text: {en: "Name the five elements of RL.", zh: "列出强化学习的五要素。"}
    rubric:
      - {point: {en: state, zh: 状态}, weight: 2, patterns: ["state", "状态"]}
      - {point: {en: action, zh: 动作}, weight: 2, patterns: ["action", "动作"]}
      - {point: {en: policy, zh: 策略}, weight: 2, patterns: ["policy", "策略"]}
      - {point: {en: transition, zh: 转移}, weight: 2, patterns: ["transition", "状态转移"]}
      - {point: {en: reward, zh: 奖励}, weight: 2, patterns: ["reward", "奖励"]}
    model_answer:
      en: "The state describes the environment. The agent's action changes it. A policy chooses actions. The transition probability gives the next state. The reward scores each step."
      zh: "状态描述环境。智能体的动作改变环境。策略决定选择哪个动作。状态转移概率给出下一个状态。奖励评价每一步的好坏。"
""",
        encoding="utf-8",
    )
    bank = load_bank([legacy], include_builtin=False)
    t = bank.get("rl.concept.legacy")
    assert t.legacy_patterns
    assert grade_free_text(t, t.model_answer.en).fraction >= 0.8
    assert grade_free_text(t, "transition probab").points  # prefix rule of the old substrings


def test_grading_after_the_first_answer_is_fast():
    design = BANK.get("rl.design.test-dialogue")
    answer = design.model_answer.en + "\n" + design.model_answer.zh
    grade_free_text(design, answer)  # compiles and caches the rubric
    start = time.perf_counter()
    for _ in range(5):
        grade_free_text(design, answer + " extra words to defeat any answer cache.")
    assert (time.perf_counter() - start) / 5 < 0.1


# -- properties -----------------------------------------------------------------------------

ITEMS = [t for t in BANK.templates.values() if t.kind != "calc"]
_WORDS = ["gradient", "LSTM", "not", "不", "解决", "clipping", "梯度爆炸", "the", "cell", "。", ".", ",", "?", "\n"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ITEMS), st.text(max_size=300))
def test_never_raises_and_stays_within_the_points(template, answer):
    verdict = grade_free_text(template, answer)
    assert 0 <= verdict.score <= template.points
    assert len(verdict.points) == len(template.rubric)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(ITEMS), st.lists(st.sampled_from(_WORDS), max_size=40))
def test_never_raises_on_rubric_like_word_salad(template, words):
    verdict = grade_free_text(template, " ".join(words))
    assert 0 <= verdict.score <= template.points


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ITEMS), st.data())
def test_stating_a_found_point_again_never_lowers_the_score(template, data):
    lang = data.draw(st.sampled_from(["en", "zh"]))
    sentences = [s for s in template.model_answer.get(lang).splitlines() if s.strip()]
    chosen = data.draw(st.lists(st.sampled_from(sentences), min_size=1, max_size=3))
    answer = "\n".join(chosen)
    before = grade_free_text(template, answer)
    found_points = [p for p in before.points if p.found]
    if not found_points:
        return
    target = data.draw(st.sampled_from(found_points))
    statement = (
        f"It is true that {target.matched}."
        if lang == "en" or target.matched.isascii()
        else f"这里要说明的是{target.matched}。"
    )
    after = grade_free_text(template, answer + "\n" + statement)
    if len(after.misconceptions) > len(before.misconceptions):
        return  # the added words state a misconception: a lower score is right
    assert after.score >= before.score - 1e-9


# -- fixes found by the content review --------------------------------------------------------


def test_a_spaced_minus_sign_keeps_a_formula_whole():
    t = item([point("g", ["y − ŷ"]), point("e", ["1 − ε"]), point("m", ["max − min"]), point("s", ["−Σ y"])])
    # the letters of the formula in one sentence, but not the formula: nothing
    assert found(t, "The loss is −log ŷ_y, with ε small, the min and the max, and σ(y) with a minus.") == set()
    assert found(t, "The gradient is y − ŷ; keep 1−ε; divide by max − min; L = −Σ y log ŷ.") == {"g", "e", "m", "s"}
    zh = item([point("e", ["恰好 1 − ε"])])
    assert found(zh, "选中的概率恰好是 1 − ε 加上 ε/|A|。") == {"e"}
    assert found(zh, "恰好选中它，ε 很小，1 个动作。") == set()


def test_formulas_keep_their_case_but_plain_words_do_not():
    t = item([point("ce", ["−Σ_c"]), point("h", ["h_T"]), point("u", ["U^T"]), point("sm", ["softmax(z)"])])
    assert found(t, "The derivative is σ(1 − σ_c); the state h_t; the power u^t.") == set()
    assert found(t, "L = −Σ_c y_c log ŷ_c; the last state h_T; the error goes back through U^Tδ.") == {"ce", "h", "u"}
    assert found(t, "We apply Softmax(z) to the scores.") == {"sm"}  # a function name is a word
    words = item([point("lstm", ["LSTM cell"])])
    assert found(words, "an lstm Cell") == {"lstm"}


def test_a_real_word_is_not_a_typo_of_its_antonym():
    t = item(
        [
            point("unstable", ["unstable"]),
            point("unnecessary", ["unnecessary"]),
            point("unsuitable", ["unsuitable"]),
            point("uncertain", ["uncertain"]),
            point("independent", ["independent"]),
        ]
    )
    assert found(t, "SGD is stable, the bias is necessary, it is suitable, certain and dependent.") == set()
    assert found(t, "It is unstabel, unnecesary, unsuitabel, uncertian and independant.") == {
        "unstable",
        "unnecessary",
        "unsuitable",
        "uncertain",
        "independent",
    }


def test_no_listed_word_is_a_typo_of_its_negated_form():
    """A listed word and its un-/in-/non-/im-/dis- form within the typo budget of each other are
    both listed, so neither reads as a misspelling of the other. The stems below are not English
    words (or not ones a student would write), so the prefixed word stands alone."""
    from rapidfuzz.distance import OSA

    from examprep.grading.lexicon import english_words
    from examprep.grading.textmatch import typo_budget

    not_words = {
        "der",
        "til",
        "it",
        "ion",
        "dex",
        "put",
        "crease",
        "tegral",
        "terest",
        "ternal",
        "tial",
        "stance",
        "formation",
        "tent",
        "clude",
        "dicate",
        "duce",
        "fluence",
        "verse",
        "verted",
        "volve",
        "side",
        "sight",
        "stead",
        "sert",
        "spect",
        "struct",
        "tegrate",
        "tend",
        "ter",
        "troduce",
        "vent",
        "vest",
        "ference",
        "fer",
        "finite",
        "tention",
        "teraction",
        "tercept",
        "terval",
        "tuition",
        "creasing",
        "creases",
        "creased",
        "dependent",
        "itial",
        "itialization",
        "itialize",
        "itialized",
        "puts",
        "dices",
        "dividual",
        "cluding",
        "creas",
        "stances",
        "terpret",
        "terpretation",
        "tervals",
        "dexes",
        "formed",
        "fluences",
        "ject",
        "plement",
        "plemented",
        "plementation",
        "portance",
        "portant",
        "prove",
        "proves",
        "proved",
        "pact",
        "ply",
        "plies",
        "pute",
        "puted",
        "agine",
        "age",
        "ages",
        "mediate",
        "mediately",
        "cover",
        "tance",
        "tribution",
        "tributions",
        "tributed",
        "card",
        "crete",
        "play",
        "joint",
        "able",
        "provement",
        "provements",
        "cluded",
        "cremental",
        "crementally",
        "teract",
        "terests",
        "termediate",
        "volved",
        "derstanding",
        "iformly",
    }
    words = english_words()
    missing = []
    for w in words:
        for prefix in ("un", "in", "non", "im", "dis"):
            if w.startswith(prefix) and len(w) - len(prefix) >= 3:
                stem = w[len(prefix) :]
                if stem in not_words or stem in words:
                    continue
                if OSA.distance(stem, w) <= typo_budget(len(w)):
                    missing.append(f"{stem} (for {w})")
    assert not missing, missing


@pytest.mark.parametrize("compound", ["差不多", "不同", "不仅", "不断", "不管", "不得不", "不停", "没错"])
def test_chinese_compounds_with_a_negation_character_do_not_negate(compound):
    t = item([point("dir", ["方向 一致"])])
    assert found(t, f"{compound}这两个方向一致") == {"dir"}
    assert found(t, "这两个方向不一致") == set()  # a real denial still denies


def test_formulas_in_parentheses_are_not_a_bare_list():
    from examprep.bank.loader import load_bank as load

    losses = load([]).get("losses.concept.common-losses")
    answer = (
        "0-1损失（L = I(y ≠ f(x))），不连续，难优化。\n"
        "平方损失（L = ½(y − f(x))²），回归。\n"
        "交叉熵损失（L = −Σ_c y_c log f_c(x)），分类。\n"
        "Hinge损失（L = max(0, 1 − y f(x))），SVM。"
    )
    verdict = grade_free_text(losses, answer)
    assert not verdict.keyword_list
    assert verdict.fraction >= 0.8  # every formula and every task given: 11 of 12 weight
    # a list of the same terms without the formulas is still a list
    assert is_keyword_list("0-1损失，不连续，平方损失，回归，交叉熵损失，分类，Hinge损失，SVM")


ANTONYMS = """stable/unstable necessary/unnecessary suitable/unsuitable certain/uncertain dependent/independent
likely/unlikely biased/unbiased able/unable feasible/infeasible differentiable/nondifferentiable convex/nonconvex
linear/nonlinear bounded/unbounded supervised/unsupervised known/unknown correct/incorrect complete/incomplete
consistent/inconsistent sufficient/insufficient efficient/inefficient possible/impossible related/unrelated
changed/unchanged limited/unlimited labeled/unlabeled seen/unseen zero/nonzero continuous/discontinuous
similar/dissimilar variant/invariant sensitive/insensitive finite/infinite reliable/unreliable
stability/instability certainty/uncertainty dependence/independence""".split()


@pytest.mark.parametrize("pair", ANTONYMS)
def test_both_words_of_an_antonym_pair_are_real_words(pair):
    from examprep.grading.lexicon import is_english_word

    plain, negated = pair.split("/")
    assert is_english_word(plain) and is_english_word(negated)
    t = item([point("neg", [negated]), point("pos", [plain])])
    assert found(t, f"It is {plain}.") == {"pos"}
    assert found(t, f"It is {negated}.") == {"neg"}
