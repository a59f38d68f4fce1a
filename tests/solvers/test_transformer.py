"""Transformer solvers checked against PyTorch, a second PE formula and hand arithmetic."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers import registry
from solvers.core import SolverInputError


def solve(sid: str, **kw):
    return registry.get(sid).func(**kw)


def mistake(sid: str, name: str, **kw):
    return registry.get(sid).mistakes[name](**kw)


def pe_tutorial(n: int, d: int) -> np.ndarray:
    """The PyTorch-tutorial construction: div_term = exp(2i·(−ln 10000/d)); even dims sin, odd cos."""
    pe = np.zeros((n, d))
    position = np.arange(n)[:, None]
    div_term = np.exp(np.arange(0, d, 2) * (-math.log(10000.0) / d))
    pe[:, 0::2] = np.sin(position * div_term)
    pe[:, 1::2] = np.cos(position * div_term)
    return pe


# --------------------------------------------------------------------------- positional encoding


def test_pe_worked_example():
    # pos = 1, d = 4: dims 0,1 use 10000^0 = 1 -> sin 1, cos 1; dims 2,3 use 10000^(2/4) = 100 -> sin 0.01, cos 0.01
    a = solve("transformer.positional_encoding", pos=1, d_model=4, dim=2).answers
    assert a["pe"] == pytest.approx([math.sin(1), math.cos(1), math.sin(0.01), math.cos(0.01)])
    assert a["value"] == pytest.approx(math.sin(0.01))


def test_pe_matrix_against_tutorial_formula():
    for n, d in ((3, 4), (5, 8), (2, 6)):
        a = solve("transformer.pe_matrix", seq_len=n, d_model=d).answers
        assert np.allclose(a["pe"], pe_tutorial(n, d))


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 60), st.integers(1, 8))
def test_pe_properties(pos, half):
    d = 2 * half
    pe = solve("transformer.positional_encoding", pos=pos, d_model=d).answers["pe"]
    assert len(pe) == d
    assert all(-1 <= v <= 1 for v in pe)
    for i in range(half):  # sin² + cos² = 1 for each pair (same frequency)
        assert pe[2 * i] ** 2 + pe[2 * i + 1] ** 2 == pytest.approx(1.0)
    assert np.allclose(pe, pe_tutorial(pos + 1, d)[pos])


def test_pe_bad_input():
    with pytest.raises(SolverInputError):
        solve("transformer.positional_encoding", pos=1, d_model=5)
    with pytest.raises(SolverInputError):
        solve("transformer.positional_encoding", pos=1, d_model=4, dim=4)


def test_pe_mistakes():
    kw = dict(pos=3, d_model=4, dim=2)
    right = solve("transformer.positional_encoding", **kw).answers["value"]
    # exponent i/d instead of 2i/d: dim 2 has i = 1 -> 3/10000^(1/4) = 0.3
    wrong = mistake("transformer.positional_encoding", "exponent_i_not_2i", **kw)
    assert wrong["value"] == pytest.approx(math.sin(0.3)) and abs(wrong["value"] - right) > 0.1
    # cos dims use their own index: dim 3 -> 3/10000^(3/4) = 3/1000
    wrong = mistake("transformer.positional_encoding", "odd_dim_own_exponent", **kw)
    assert wrong["pe"][3] == pytest.approx(math.cos(0.003))
    wrong = mistake("transformer.positional_encoding", "sin_cos_swapped", **kw)
    assert wrong["pe"][0] == pytest.approx(math.cos(3))
    wrong = mistake("transformer.positional_encoding", "calculator_in_degrees", **kw)
    assert wrong["pe"][0] == pytest.approx(math.sin(3 * math.pi / 180))


# --------------------------------------------------------------------------- layer parameters


@pytest.mark.parametrize("d,h,f", [(512, 8, 2048), (8, 2, 16), (6, 3, 10)])
def test_encoder_params_against_torch(d, h, f):
    torch = pytest.importorskip("torch")
    layer = torch.nn.TransformerEncoderLayer(d, h, dim_feedforward=f)
    expected = sum(p.numel() for p in layer.parameters())
    a = solve("transformer.layer_params", d_model=d, heads=h, d_ff=f).answers
    assert a["params"] == expected
    assert a["mha_params"] == sum(p.numel() for p in layer.self_attn.parameters())
    assert a["norm_params"] == sum(p.numel() for p in (*layer.norm1.parameters(), *layer.norm2.parameters()))


@pytest.mark.parametrize("d,h,f", [(512, 8, 2048), (8, 2, 16)])
def test_decoder_params_against_torch(d, h, f):
    torch = pytest.importorskip("torch")
    layer = torch.nn.TransformerDecoderLayer(d, h, dim_feedforward=f)
    expected = sum(p.numel() for p in layer.parameters())
    assert solve("transformer.layer_params", d_model=d, heads=h, d_ff=f, layer="decoder").answers["params"] == expected


def test_encoder_params_by_hand():
    # d = 4, h = 2, d_ff = 8: MHA 4·16 + 4·4 = 80; FFN 4·8 + 8 + 8·4 + 4 = 76; 2 LN 2·2·4 = 16 -> 172
    a = solve("transformer.layer_params", d_model=4, heads=2, d_ff=8).answers
    assert (a["mha_params"], a["ffn_params"], a["norm_params"], a["params"]) == (80, 76, 16, 172)


def test_layer_mistakes():
    kw = dict(d_model=4, heads=2, d_ff=8)
    assert mistake("transformer.layer_params", "layer_norms_forgotten", **kw)["params"] == 172 - 16
    assert mistake("transformer.layer_params", "layer_norm_beta_forgotten", **kw)["params"] == 172 - 8
    # biases: 4·4 in attention, 8 + 4 in the FFN
    assert mistake("transformer.layer_params", "biases_forgotten", **kw)["params"] == 172 - 16 - 12
    # W_O is 4×4 with a bias of 4
    assert mistake("transformer.layer_params", "output_projection_forgotten", **kw)["params"] == 172 - 20
    assert mistake("transformer.layer_params", "ffn_one_linear", **kw)["params"] == 172 - 36
    assert mistake("transformer.layer_params", "cross_attention_forgotten", layer="decoder", **kw)["params"] == 172
    assert mistake("transformer.layer_params", "cross_attention_forgotten", **kw) == {}


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 16), st.integers(1, 4), st.integers(1, 64))
def test_layer_formula_counts_matrices(d_k, h, f):
    d = d_k * h
    shapes = [(d, d)] * 4 + [(d,)] * 4 + [(d, f), (f,), (f, d), (d,)] + [(d,)] * 4
    a = solve("transformer.layer_params", d_model=d, heads=h, d_ff=f).answers
    assert a["params"] == sum(math.prod(s) for s in shapes)


# --------------------------------------------------------------------------- shapes, FFN, add & norm


def test_shapes():
    a = solve("transformer.shapes", seq_len=10, d_model=512, heads=8, d_ff=2048).answers
    assert a["q_shape"] == (10, 64)
    assert a["scores_shape"] == (10, 10)
    assert a["concat_shape"] == (10, 512)
    assert a["ffn_hidden_shape"] == (10, 2048)
    assert a["output_shape"] == (10, 512)
    assert mistake("transformer.shapes", "head_dim_not_split", seq_len=10, d_model=512, heads=8, d_ff=2048)[
        "concat_shape"
    ] == (10, 4096)


def test_shapes_against_torch():
    torch = pytest.importorskip("torch")
    layer = torch.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, batch_first=True)
    out = layer(torch.zeros(1, 5, 8))
    hidden = layer.linear1(torch.zeros(1, 5, 8))
    a = solve("transformer.shapes", seq_len=5, d_model=8, heads=2, d_ff=16).answers
    assert a["output_shape"] == tuple(out.shape[1:])
    assert a["ffn_hidden_shape"] == tuple(hidden.shape[1:])


FX = [[1, -1], [0, 2]]
W1 = [[1, 0, -1], [0, 1, 1]]
B1 = [0, -1, 1]
W2 = [[1, 0], [0, 1], [1, 1]]
B2 = [0, 1]


def test_ffn_against_torch():
    torch = pytest.importorskip("torch")
    lin1, lin2 = torch.nn.Linear(2, 3).double(), torch.nn.Linear(3, 2).double()
    with torch.no_grad():
        lin1.weight.copy_(torch.tensor(W1, dtype=torch.float64).T)
        lin1.bias.copy_(torch.tensor(B1, dtype=torch.float64))
        lin2.weight.copy_(torch.tensor(W2, dtype=torch.float64).T)
        lin2.bias.copy_(torch.tensor(B2, dtype=torch.float64))
        expected = lin2(torch.relu(lin1(torch.tensor(FX, dtype=torch.float64))))
    a = solve("transformer.ffn", x=FX, w1=W1, b1=B1, w2=W2, b2=B2).answers
    assert np.allclose(a["output"], expected.numpy())


def test_ffn_by_hand_and_mistakes():
    # row 1: xW1 + b1 = (1, −1, −2) + (0, −1, 1) = (1, −2, −1) -> ReLU (1, 0, 0) -> (1, 0) + (0, 1) = (1, 1)
    a = solve("transformer.ffn", x=FX, w1=W1, b1=B1, w2=W2, b2=B2).answers
    assert a["output"][0] == pytest.approx([1, 1])
    # without ReLU: (1, −2, −1)·W2 + b2 = (1 − 1, −2 − 1) + (0, 1) = (0, −2)
    wrong = mistake("transformer.ffn", "relu_forgotten", x=FX, w1=W1, b1=B1, w2=W2, b2=B2)
    assert wrong["output"][0] == pytest.approx([0, -2])


def test_add_norm_against_torch():
    torch = pytest.importorskip("torch")
    x, sub = [[1, 2, 3], [0, 1, 0]], [[1, 0, -2], [2, 0, 1]]
    gamma, beta = [1, 2, 0.5], [0, 1, -1]
    r = torch.tensor(x, dtype=torch.float64) + torch.tensor(sub, dtype=torch.float64)
    expected = torch.nn.functional.layer_norm(
        r, (3,), torch.tensor(gamma, dtype=torch.float64), torch.tensor(beta, dtype=torch.float64), eps=1e-5
    )
    a = solve("transformer.add_norm", x=x, sub=sub, gamma=gamma, beta=beta).answers
    assert np.allclose(a["output"], expected.numpy())


def test_add_norm_mistakes():
    x, sub = [[1, 2, 3], [0, 1, 0]], [[1, 0, -2], [2, 0, 1]]
    # residual rows (2, 2, 1) and (2, 1, 1): means 5/3 and 4/3, biased variance 2/9
    a = solve("transformer.add_norm", x=x, sub=sub, eps=0).answers
    assert a["mean"] == pytest.approx([5 / 3, 4 / 3])
    assert a["var"] == pytest.approx([2 / 9, 2 / 9])
    wrong = mistake("transformer.add_norm", "unbiased_variance", x=x, sub=sub, eps=0)
    assert wrong["var"] == pytest.approx([1 / 3, 1 / 3])
    wrong = mistake("transformer.add_norm", "residual_forgotten", x=x, sub=sub, eps=0)
    assert wrong["mean"] == pytest.approx([-1 / 3, 1])


def test_pe_matrix_mistakes():
    # d = 4, position 1: right row (sin 1, cos 1, sin 0.01, cos 0.01)
    wrong = mistake("transformer.pe_matrix", "sin_cos_swapped", seq_len=2, d_model=4)["pe"][1]
    assert wrong == pytest.approx([math.cos(1), math.sin(1), math.cos(0.01), math.sin(0.01)])
    wrong = mistake("transformer.pe_matrix", "exponent_i_not_2i", seq_len=2, d_model=4)["pe"][1]
    assert wrong[2] == pytest.approx(math.sin(0.1))  # 1/10000^(1/4) = 0.1
    wrong = mistake("transformer.pe_matrix", "calculator_in_degrees", seq_len=2, d_model=4)["pe"][1]
    assert wrong[1] == pytest.approx(math.cos(math.pi / 180))
    wrong = mistake("transformer.pe_matrix", "odd_dim_own_exponent", seq_len=2, d_model=4)["pe"][1]
    assert wrong[1] == pytest.approx(math.cos(1 / 10000**0.25))


def test_shape_and_layer_mistakes():
    kw = dict(seq_len=10, d_model=512, heads=8, d_ff=2048)
    assert mistake("transformer.shapes", "scores_n_by_dk", **kw)["scores_shape"] == (10, 64)
    assert mistake("transformer.shapes", "ffn_output_d_ff", **kw)["output_shape"] == (10, 2048)
    # d = 4, h = 2, d_ff = 8, every head with full 4×4 Q/K/V: 3·2·(16 + 4) = 120, W_O (2·4)×4 + 4 = 36
    wrong = mistake("transformer.layer_params", "full_width_per_head", d_model=4, heads=2, d_ff=8)
    assert wrong["mha_params"] == 156
    assert wrong["params"] == 156 + 76 + 16


def test_ffn_more_mistakes():
    x, w1, w2 = np.array(FX, float), np.array(W1, float), np.array(W2, float)
    wrong = mistake("transformer.ffn", "biases_forgotten", x=FX, w1=W1, b1=B1, w2=W2, b2=B2)
    assert np.allclose(wrong["output"], np.maximum(x @ w1, 0) @ w2)
    x2 = [[0, -2], [1, 0]]
    wrong = mistake("transformer.ffn", "relu_on_output", x=x2, w1=W1, b1=B1, w2=W2, b2=[-3, -3])
    right = solve("transformer.ffn", x=x2, w1=W1, b1=B1, w2=W2, b2=[-3, -3]).answers
    assert np.allclose(wrong["output"], np.maximum(right["output"], 0))
    assert not np.allclose(wrong["output"], right["output"])


def test_add_norm_over_positions():
    x, sub = [[1, 2, 3], [0, 1, 0]], [[1, 0, -2], [2, 0, 1]]
    r = np.array(x, float) + np.array(sub, float)
    expected = (r - r.mean(axis=0)) / np.sqrt(r.var(axis=0) + 1e-5)
    wrong = mistake("transformer.add_norm", "normalized_over_positions", x=x, sub=sub)
    assert np.allclose(wrong["output"], expected)


# --------------------------------------------------------------------------- language-neutral step fields

# formula / substituted / result, grid headers and grid row names are shown unchanged in Chinese
ENGLISH_WORDS = re.compile(
    r"\b(encoder|decoder|LayerNorm|layer|norms|attention|part|params|tensor|shape|hidden|out|angle)\b"
)


@pytest.mark.parametrize(
    "sid,kw",
    [
        ("transformer.layer_params", dict(d_model=8, heads=2, d_ff=32)),
        ("transformer.layer_params", dict(d_model=8, heads=2, d_ff=32, layer="decoder")),
        ("transformer.shapes", dict(seq_len=5, d_model=8, heads=2, d_ff=32)),
        ("transformer.positional_encoding", dict(pos=3, d_model=4)),
    ],
)
def test_language_neutral_fields_have_no_english_words(sid, kw):
    for step in solve(sid, **kw).steps:
        for text in (step.formula, step.substituted, step.result):
            assert not ENGLISH_WORDS.search(text), text
        for grid in step.grids:
            assert not any(ENGLISH_WORDS.search(label) for label in grid.col_labels)
            assert not any(isinstance(c, str) and ENGLISH_WORDS.search(c) for row in grid.rows for c in row)
