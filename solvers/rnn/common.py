"""What the recurrent solvers share: cell kinds, conventions, activations and their derivatives."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from solvers.arrays import sigmoid
from solvers.core import Text
from solvers.core import input_error as _err

CELLS = ("srn", "lstm", "gru")
BLOCKS = {"srn": 1, "gru": 3, "lstm": 4}
CONVENTIONS = ("textbook", "pytorch")
ACTIVATIONS = ("tanh", "sigmoid", "relu", "linear")
TRENDS = ("vanishing", "exploding", "stable")


def activate(name: str, z: Any) -> np.ndarray:
    z = np.asarray(z, dtype=float)
    if name == "tanh":
        return np.tanh(z)
    if name == "sigmoid":
        return sigmoid(z)
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "linear":
        return z
    raise _err(
        f"unknown activation {name!r}: use tanh, sigmoid, relu or linear",
        f"未知的激活函数 {name!r}：请用 tanh、sigmoid、relu 或 linear",
    )


def derivative(name: str, z: float) -> float:
    """f'(z) for the activations above (ReLU'(0) taken as 0)."""
    if name == "tanh":
        return 1.0 - math.tanh(z) ** 2
    if name == "sigmoid":
        s = 1.0 / (1.0 + math.exp(-z))
        return s * (1.0 - s)
    if name == "relu":
        return 1.0 if z > 0 else 0.0
    if name == "linear":
        return 1.0
    raise _err(f"unknown activation {name!r}", f"未知的激活函数 {name!r}")


def convention_note(convention: str, cell: str | None = None) -> Text:
    """Which bias convention a parameter count uses. The SRN has no gates, so its note speaks of its
    single weight block rather than of gate blocks."""
    if cell == "srn":
        if convention == "pytorch":
            return Text(
                "PyTorch convention: the SRN (no gates, one block) has two bias vectors, b_ih and b_hh, so h(h + d + 2).",
                "PyTorch 约定：SRN（没有门，只有一个块）有两个偏置向量 b_ih 和 b_hh，共 h(h + d + 2) 个参数。",
            )
        return Text(
            "Textbook convention (nndl): the SRN (no gates, one block) has one bias vector b, so h(h + d + 1).",
            "教材约定（邱锡鹏）：SRN（没有门，只有一个块）只有一个偏置向量 b，共 h(h + d + 1) 个参数。",
        )
    if convention == "pytorch":
        return Text(
            "PyTorch convention: two bias vectors per gate block (b_ih and b_hh), so h(h + d + 2) per block.",
            "PyTorch 约定：每个门块有两个偏置向量（b_ih 和 b_hh），每块 h(h + d + 2) 个参数。",
        )
    return Text(
        "Textbook convention (nndl): one bias vector per gate block, so h(h + d + 1) per block.",
        "教材约定（邱锡鹏）：每个门块一个偏置向量，每块 h(h + d + 1) 个参数。",
    )


def check_convention(convention: str) -> int:
    if convention not in CONVENTIONS:
        raise _err("convention must be textbook or pytorch", "convention 只能是 textbook 或 pytorch")
    return 2 if convention == "pytorch" else 1
