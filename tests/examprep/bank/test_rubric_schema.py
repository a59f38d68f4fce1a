"""The short-answer rubric format of docs/bank-format.md: what loads, and what is refused with
the file, the item and the field named."""

import pytest

from examprep.bank.schema import BankError, template_from_dict


def raw_item(**changes):
    raw = {
        "id": "lstm-gru.concept.x",
        "topic": "lstm-gru",
        "kind": "concept",
        "points": 15,
        "title": {"en": "T", "zh": "题"},
        "text": {"en": "Q?", "zh": "问？"},
        "rubric": [
            {
                "id": "additive",
                "point": {"en": "additive", "zh": "加法"},
                "weight": 3,
                "patterns": ["cell state additive", "记忆单元 加法"],
            },
            {
                "id": "not-exploding",
                "point": {"en": "no", "zh": "不"},
                "weight": 2,
                "patterns": ["clipping"],
                "negated_patterns": ["solve* exploding"],
            },
        ],
        "misconceptions": [
            {
                "id": "solves-exploding",
                "statement": {"en": "LSTM solves exploding.", "zh": "LSTM 解决了梯度爆炸。"},
                "patterns": ["solve* exploding"],
                "cap": 0.5,
                "feedback": {"en": "No.", "zh": "不对。"},
            }
        ],
        "model_answer": {"en": "...", "zh": "……"},
    }
    raw.update(changes)
    return raw


def test_the_full_format_loads():
    t = template_from_dict(raw_item(importance="master"), "f.yaml")
    assert [p.id for p in t.rubric] == ["additive", "not-exploding"]
    assert t.rubric[1].negated_patterns == ("solve* exploding",)
    assert t.misconceptions[0].cap == 0.5 and t.misconceptions[0].statement.zh.startswith("LSTM")
    assert t.importance == "master" and not t.legacy_patterns


def test_importance_defaults_to_understand():
    assert template_from_dict(raw_item(), "f.yaml").importance == "understand"


def test_old_format_without_ids_still_loads_as_legacy():
    rubric = [{"point": {"en": "a", "zh": "甲"}, "weight": 1, "patterns": ["state"]}]
    t = template_from_dict(raw_item(rubric=rubric, misconceptions=[]), "f.yaml")
    assert t.legacy_patterns and t.rubric[0].id == "p1"


def _error(**changes) -> BankError:
    with pytest.raises(BankError) as info:
        template_from_dict(raw_item(**changes), "bank/theory/lstm.yaml")
    return info.value


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"importance": "crucial"}, "importance"),
        ({"rubric": [{"id": "Bad Id", "point": {"en": "a", "zh": "甲"}, "patterns": ["x"]}]}, "rubric[0].id"),
        ({"rubric": [{"id": "a", "point": {"en": "a", "zh": "甲"}, "patterns": []}]}, "rubric[0].patterns"),
        ({"rubric": [{"id": "a", "point": {"en": "a", "zh": "甲"}, "patterns": ["ok", ""]}]}, "rubric[0].patterns[1]"),
        ({"rubric": [{"id": "a", "point": {"en": "a"}, "patterns": ["x"]}]}, "rubric[0].point"),
        (
            {"rubric": [{"id": "a", "point": {"en": "a", "zh": "甲"}, "patterns": ["x"], "negated_pattern": ["y"]}]},
            "rubric[0]",
        ),
        (
            {
                "rubric": [
                    {"id": "a", "point": {"en": "a", "zh": "甲"}, "patterns": ["x"]},
                    {"id": "a", "point": {"en": "b", "zh": "乙"}, "patterns": ["y"]},
                ]
            },
            "rubric[1].id",
        ),
        (
            {
                "rubric": [
                    {"id": "a", "point": {"en": "a", "zh": "甲"}, "patterns": ["x"]},
                    {"point": {"en": "b", "zh": "乙"}, "patterns": ["y"]},
                ]
            },
            "rubric",
        ),
        (
            {
                "misconceptions": [
                    {
                        "id": "m",
                        "statement": {"en": "s", "zh": "说"},
                        "patterns": ["x"],
                        "cap": 1.5,
                        "feedback": {"en": "f", "zh": "反"},
                    }
                ]
            },
            "misconceptions[0].cap",
        ),
        (
            {"misconceptions": [{"id": "m", "statement": {"en": "s", "zh": "说"}, "patterns": ["x"]}]},
            "misconceptions[0].feedback",
        ),
        (
            {
                "misconceptions": [
                    {"statement": {"en": "s", "zh": "说"}, "patterns": ["x"], "feedback": {"en": "f", "zh": "反"}}
                ]
            },
            "misconceptions[0].id",
        ),
        (
            {
                "misconceptions": [
                    {
                        "id": "m",
                        "statement": {"en": "s", "zh": "说"},
                        "patterns": ["x"],
                        "feedback": {"en": "f", "zh": "反"},
                        "voids": ["no-such-point"],
                    }
                ]
            },
            "misconceptions[0].voids",
        ),
        (
            {
                "misconceptions": [
                    {
                        "id": "m",
                        "statement": {"en": "s", "zh": "说"},
                        "patterns": ["x"],
                        "feedback": {"en": "f", "zh": "反"},
                        "voids": "additive",
                    }
                ]
            },
            "misconceptions[0].voids",
        ),
    ],
)
def test_errors_name_file_item_and_field(changes, field):
    error = _error(**changes)
    assert error.path == "bank/theory/lstm.yaml"
    assert error.template_id == "lstm-gru.concept.x"
    assert error.field_name == field


def test_a_star_inside_a_formula_loads_as_written():
    patterns = ["pi(a|s)*Q", "p*x", "rho*delta", "Q*"]
    raw = raw_item(rubric=[{"id": "a", "point": {"en": "a", "zh": "甲"}, "patterns": patterns}])
    assert template_from_dict(raw, "f.yaml").rubric[0].patterns == tuple(patterns)


def test_a_misconception_names_the_points_it_voids():
    raw = raw_item()
    raw["misconceptions"][0]["voids"] = ["not-exploding"]
    (misconception,) = template_from_dict(raw, "bank/theory/lstm.yaml").misconceptions
    assert misconception.voids == ("not-exploding",)
    assert template_from_dict(raw_item(), "x.yaml").misconceptions[0].voids == ()
