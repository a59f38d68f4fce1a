"""A Chinese worked solution has no English words: only symbols, function names and proper names.

Every template's steps are built in Chinese for a few variants and every run of Latin letters is
looked up in the allow-list below. A new English word in a step ("no parameters", "direct −
bottleneck") fails here; a new symbol or name is added to the list deliberately.
"""

from __future__ import annotations

import re

from examprep.bank.loader import load_bank
from examprep.bank.question import build_question

BANK = load_bank()
CALC = sorted(t.id for t in BANK.templates.values() if t.kind == "calc")
LATIN = re.compile(r"[A-Za-z]{2,}")

# Functions and operators as written in formulas.
FUNCTIONS = {
    "tanh", "cos", "sin", "exp", "max", "min", "ln", "log", "softmax", "Softmax", "ReLU", "LeakyReLU", "ELU",
    "sigmoid", "softplus", "sign", "argmax", "Concat", "MultiHead", "Sublayer", "Bernoulli", "dx", "rad", "RAD",
    "det",
}  # fmt: skip
# Symbols and their subscripts, as in the textbook or the paper (PE(pos, 2i), d_model, L_val, p_keep, R_emp, b_hn...).
SYMBOLS = {
    "PE", "pos", "QK", "iK", "AV", "ij", "ji", "ki", "kj", "hn", "ih", "hh", "fn", "ff", "LN", "BN", "FFN", "MHA",
    "head", "model", "val", "best", "stop", "delta", "new", "keep", "drop", "train", "test", "emp", "struct", "att",
    "odds",
}  # fmt: skip
# Names of methods, models, people, libraries and code (nn.Dropout, model.eval(), F.cross_entropy, MSELoss).
NAMES = {
    "PyTorch", "Adam", "AdaGrad", "AdaDelta", "RMSprop", "SGD", "Nesterov", "Sutskever", "GRU", "LSTM", "RNN", "SRN",
    "LeNet", "RBF", "MDP", "TD", "SARSA", "learning", "Logistic", "Hinge", "PPT", "nn", "Dropout", "dropout", "eval",
    "cross", "entropy", "logits", "MSELoss", "one", "hot", "PCA", "ZCA",
}  # fmt: skip
ALLOWED = FUNCTIONS | SYMBOLS | NAMES


def zh_texts(template_id: str, seed: int) -> list[str]:
    texts = []
    for step in build_question(BANK.get(template_id), seed).solution.steps:
        texts += [step.what.zh, step.formula, step.substituted, step.result]
        texts += [step.note.zh] if step.note else []
        for grid in step.grids:
            texts += [str(c) for row in grid.rows for c in row] + list(grid.col_labels) + list(grid.row_labels)
            texts += [grid.title.zh] if grid.title else []
    return texts


def test_chinese_steps_have_no_english_words():
    found: dict[str, str] = {}
    for template_id in CALC:
        for seed in (1, 2, 3):
            for text in zh_texts(template_id, seed):
                for word in LATIN.findall(text):
                    if word not in ALLOWED:
                        found.setdefault(word, f"{template_id}: {text[:80]}")
    assert found == {}


def test_the_check_sees_an_english_word():
    assert [w for w in LATIN.findall("⌊(28 − 2)/2⌋ + 1 = 14; no parameters") if w not in ALLOWED] == [
        "no",
        "parameters",
    ]
