"""Topics by name: what a student may type for a topic in either language, and the table label."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from examprep.bank.cards import lookup_key
from examprep.bank.loader import load_bank
from examprep.bank.topics import TOPIC_ALIASES, TOPIC_NAMES, resolve_topic, topic_label

BANK_TOPICS = load_bank().topics()


def test_every_topic_of_the_bank_has_a_name_in_both_languages():
    assert set(BANK_TOPICS) <= set(TOPIC_NAMES)
    for name in TOPIC_NAMES.values():
        assert name.en and name.zh


def test_no_spelling_names_two_topics():
    owner: dict[str, str] = {}
    for topic in TOPIC_NAMES:
        for spelling in (topic, TOPIC_NAMES[topic].en, TOPIC_NAMES[topic].zh, *TOPIC_ALIASES.get(topic, ())):
            key = lookup_key(spelling)
            assert owner.setdefault(key, topic) == topic, (spelling, owner[key], topic)


@pytest.mark.parametrize(
    ("typed", "topic"),
    [
        ("cnn", "cnn"),
        ("CNN", "cnn"),
        ("卷积神经网络", "cnn"),
        ("卷积", "cnn"),
        ("Convolutional networks", "cnn"),
        ("convolutional   NETWORKS", "cnn"),
        ("ＬＳＴＭ", "lstm-gru"),  # full width, from a Chinese input method
        ("强化学习", "rl"),
        ("注意力", "attention"),
        ("批量归一化", "normalization"),
        ("丢弃法", "dropout"),
    ],
)
def test_a_topic_is_found_by_id_name_or_alias(typed, topic):
    assert resolve_topic(typed, BANK_TOPICS) == topic


@pytest.mark.parametrize("typed", ["量子", "", "  ", "c", "cnn.exam2020.q1"])
def test_other_text_names_no_topic(typed):
    assert resolve_topic(typed, BANK_TOPICS) is None


def test_a_topic_not_in_the_given_list_is_not_found():
    assert resolve_topic("卷积", ["rl", "gd"]) is None


def test_labels_keep_the_id_in_view():
    assert topic_label("cnn", "en") == "cnn"
    assert topic_label("cnn", "zh") == "卷积神经网络 cnn"
    assert topic_label("transformer", "zh") == "transformer"  # its name is the id: not said twice
    assert topic_label("my-topic", "zh") == "my-topic"  # a topic from an extra bank file


def _run(*args: str, home) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EXAMPREP_HOME": str(home), "EXAMPREP_LANG": "zh", "COLUMNS": "100"}
    return subprocess.run(
        [sys.executable, "-m", "examprep", *args], input="quit\n", capture_output=True, text=True, env=env
    )


def test_commands_take_a_topic_by_its_chinese_name(tmp_path):
    drilled = _run("drill", "卷积", "-n", "1", "--seed", "3", "--kind", "calc", home=tmp_path)
    assert drilled.returncode == 0, drilled.stderr
    assert "examprep drill cnn -n 1 --seed 3" in drilled.stdout  # the replay line names the id
    assert _run("stats", "--topic", "注意力", home=tmp_path).returncode == 0
    assert _run("explain", "--list", "--topic", "强化学习", home=tmp_path).returncode == 0
    unknown = _run("drill", "量子", home=tmp_path)
    assert unknown.returncode == 2 and "卷积神经网络 cnn" in unknown.stderr.replace("\n", "")
