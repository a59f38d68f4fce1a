"""Attention solvers checked against PyTorch, hand-written loops and worked examples."""

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


def loop_attention(q, k, v, scale=True, masked=None):
    """Scaled dot-product attention with plain Python loops (independent of the solver)."""
    n_q, n_k, d_k = len(q), len(k), len(q[0])
    weights, out = [], []
    for i in range(n_q):
        s = []
        for j in range(n_k):
            dot = sum(q[i][t] * k[j][t] for t in range(d_k))
            s.append(dot / math.sqrt(d_k) if scale else dot)
        keep = [not (masked and masked(i, j)) for j in range(n_k)]
        top = max(s[j] for j in range(n_k) if keep[j])
        e = [math.exp(s[j] - top) if keep[j] else 0.0 for j in range(n_k)]
        total = sum(e)
        row = [x / total for x in e]
        weights.append(row)
        out.append([sum(row[j] * v[j][c] for j in range(n_k)) for c in range(len(v[0]))])
    return weights, out


small_ints = st.integers(-3, 3)


def int_matrix(rows, cols):
    return st.lists(st.lists(small_ints, min_size=cols, max_size=cols), min_size=rows, max_size=rows)


Q = [[1, 0, 1], [0, 2, 1]]
K = [[1, 1, 0], [0, 1, 1], [2, 0, 1]]
V = [[1, 2], [0, 1], [3, -1]]


# --------------------------------------------------------------------------- worked example


def test_attention_worked_example():
    # q = (1, 1), keys (1, 0) and (0, 1), d_k = 2: scores 1/√2 and 1/√2 -> weights ½, ½
    sol = solve("attention", q=[[1, 1]], k=[[1, 0], [0, 1]], v=[[2, 0], [0, 4]])
    assert sol.answers["scores"][0] == pytest.approx([1 / math.sqrt(2)] * 2)
    assert sol.answers["weights"][0] == pytest.approx([0.5, 0.5])
    assert sol.answers["output"][0] == pytest.approx([1.0, 2.0])


def test_attention_matches_loops():
    sol = solve("attention", q=Q, k=K, v=V)
    w, out = loop_attention(Q, K, V)
    assert np.allclose(sol.answers["weights"], w)
    assert np.allclose(sol.answers["output"], out)
    sol = solve("attention", q=Q, k=K, v=V, scale=False)
    w, out = loop_attention(Q, K, V, scale=False)
    assert np.allclose(sol.answers["weights"], w)


def test_attention_against_torch():
    torch = pytest.importorskip("torch")
    q, k, v = (torch.tensor(m, dtype=torch.float64) for m in (Q, K, V))
    expected = torch.nn.functional.scaled_dot_product_attention(q, k, v)
    sol = solve("attention", q=Q, k=K, v=V)
    assert np.allclose(sol.answers["output"], expected.numpy())
    weights = torch.softmax(q @ k.T / math.sqrt(3), dim=-1)
    assert np.allclose(sol.answers["weights"], weights.numpy())


def test_causal_against_torch():
    torch = pytest.importorskip("torch")
    x = [[1, 0], [2, 1], [0, -1]]
    t = torch.tensor(x, dtype=torch.float64)
    expected = torch.nn.functional.scaled_dot_product_attention(t, t, t, is_causal=True)
    sol = solve("attention", q=x, k=x, v=x, mask="causal")
    assert np.allclose(sol.answers["output"], expected.numpy())


def test_padding_against_torch():
    torch = pytest.importorskip("torch")
    t = torch.tensor(K, dtype=torch.float64)
    keep = torch.tensor([[True, True, False]] * 3)  # torch: True = may attend
    expected = torch.nn.functional.scaled_dot_product_attention(
        t, t, torch.tensor(V, dtype=torch.float64), attn_mask=keep
    )
    sol = solve("attention", q=K, k=K, v=V, mask="padding", valid=2)
    assert np.allclose(sol.answers["output"], expected.numpy())
    assert all(row[2] == 0 for row in sol.answers["weights"])


def test_self_attention_against_torch():
    torch = pytest.importorskip("torch")
    x = [[1, 0], [0, 1], [1, 1]]
    wq, wk, wv = [[1, 0], [1, 1]], [[0, 1], [1, 0]], [[1, 2], [0, 1]]
    X = torch.tensor(x, dtype=torch.float64)
    q, k, v = (X @ torch.tensor(w, dtype=torch.float64) for w in (wq, wk, wv))
    expected = torch.nn.functional.scaled_dot_product_attention(q, k, v)
    sol = solve("attention.self_attention", x=x, wq=wq, wk=wk, wv=wv)
    assert np.allclose(sol.answers["q"], q.numpy())
    assert np.allclose(sol.answers["v"], v.numpy())
    assert np.allclose(sol.answers["output"], expected.numpy())


def test_self_attention_dot_2020_exam_style():
    # plain dot product (the 2020 exam asks for dot-product similarity): X = I, all W = I
    sol = solve(
        "attention.self_attention",
        x=[[1, 0], [0, 1]],
        wq=[[1, 0], [0, 1]],
        wk=[[1, 0], [0, 1]],
        wv=[[1, 0], [0, 1]],
        scale=False,
    )
    e = math.e
    # scores = I -> row 1 weights (e/(e+1), 1/(e+1))
    assert sol.answers["weights"][0] == pytest.approx([e / (e + 1), 1 / (e + 1)])


# --------------------------------------------------------------------------- properties


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 3), st.integers(1, 4), st.integers(1, 3), st.data())
def test_weights_rows_sum_to_one(n_q, n_k, d, data):
    q = data.draw(int_matrix(n_q, d))
    k = data.draw(int_matrix(n_k, d))
    v = data.draw(int_matrix(n_k, 2))
    w = np.array(solve("attention", q=q, k=k, v=v).answers["weights"])
    assert np.allclose(w.sum(axis=1), 1.0)
    assert np.all(w >= 0)


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 4), st.integers(1, 3), st.data())
def test_causal_mask_zero_above_diagonal(n, d, data):
    x = data.draw(int_matrix(n, d))
    w = np.array(solve("attention", q=x, k=x, v=x, mask="causal").answers["weights"])
    assert np.all(np.triu(w, k=1) == 0)
    assert np.allclose(w.sum(axis=1), 1.0)
    assert w[0][0] == pytest.approx(1.0)  # the first position can only see itself


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 4), st.data())
def test_masked_softmax_properties(n, data):
    s = data.draw(int_matrix(n, n))
    valid = data.draw(st.integers(1, n))
    w = np.array(solve("attention.masked_softmax", scores=s, mask="padding", valid=valid).answers["weights"])
    assert np.all(w[:, valid:] == 0)
    assert np.allclose(w.sum(axis=1), 1.0)


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 8), st.integers(1, 4), st.booleans(), st.booleans())
def test_multihead_param_formula_counts_matrices(d_k, heads, bias, w_o):
    d = d_k * heads
    shapes = [(d, heads * d_k)] * 3  # W_Q, W_K, W_V for all heads
    if bias:
        shapes += [(heads * d_k,)] * 3
    if w_o:
        shapes.append((heads * d_k, d))
        if bias:
            shapes.append((d,))
    expected = sum(math.prod(s) for s in shapes)
    assert (
        solve("attention.multihead", d_model=d, heads=heads, bias=bias, output_proj=w_o).answers["params"] == expected
    )


# --------------------------------------------------------------------------- multi-head


@pytest.mark.parametrize("d,h", [(8, 2), (512, 8), (6, 3)])
def test_multihead_against_torch(d, h):
    torch = pytest.importorskip("torch")
    for bias in (True, False):
        mha = torch.nn.MultiheadAttention(d, h, bias=bias)
        expected = sum(p.numel() for p in mha.parameters())
        assert solve("attention.multihead", d_model=d, heads=h, bias=bias).answers["params"] == expected


def test_multihead_shapes():
    torch = pytest.importorskip("torch")
    mha = torch.nn.MultiheadAttention(8, 2, batch_first=True)
    x = torch.zeros(1, 5, 8)
    out, w = mha(x, x, x, average_attn_weights=False)
    a = solve("attention.multihead", d_model=8, heads=2, seq_len=5).answers
    assert a["output_shape"] == tuple(out.shape[1:])
    assert a["weights_shape"] == tuple(w.shape[1:])
    assert a["head_shape"] == (5, 4)


def test_multihead_without_wo():
    # d = 8, 2 heads: W_Q, W_K, W_V 3·64 = 192, biases 3·8 = 24 -> 216; no W_O: concat shape n×8
    a = solve("attention.multihead", d_model=8, heads=2, seq_len=3, output_proj=False).answers
    assert a["params"] == 216
    assert a["output_shape"] == (3, 8)


# --------------------------------------------------------------------------- scoring functions


X = [[1, 0], [0, 1], [1, 1]]
QV = [1, 2]


def test_score_dot_and_scaled():
    a = solve("attention.score", x=X, q=QV).answers
    assert a["scores"] == pytest.approx([1, 2, 3])
    e = [math.exp(s) for s in (1, 2, 3)]
    assert a["weights"] == pytest.approx([x / sum(e) for x in e])
    a = solve("attention.score", x=X, q=QV, method="scaled").answers
    assert a["scores"] == pytest.approx([1 / math.sqrt(2), 2 / math.sqrt(2), 3 / math.sqrt(2)])


def test_score_additive_loop():
    w, u, va = [[1, -1], [0, 2]], [[1, 0], [1, 1]], [2, -1]
    vals = [[1], [2], [3]]
    a = solve("attention.score", x=X, q=QV, method="additive", w=w, u=u, va=va, values=vals).answers
    expected = []
    for x in X:
        hidden = [
            math.tanh(sum(w[r][c] * x[c] for c in range(2)) + sum(u[r][c] * QV[c] for c in range(2))) for r in range(2)
        ]
        expected.append(sum(va[r] * hidden[r] for r in range(2)))
    assert a["scores"] == pytest.approx(expected)
    e = [math.exp(s) for s in expected]
    alpha = [x / sum(e) for x in e]
    assert a["output"] == pytest.approx([sum(al * v[0] for al, v in zip(alpha, vals, strict=True))])


def test_score_bilinear_and_cosine():
    w = [[1, 2], [0, 1]]
    a = solve("attention.score", x=X, q=QV, method="bilinear", w=w).answers
    # W·q = (1·1 + 2·2, 0·1 + 1·2) = (5, 2); scores x·(5, 2) = 5, 2, 7
    assert a["scores"] == pytest.approx([5, 2, 7])
    a = solve("attention.score", x=X, q=QV, method="cosine").answers
    assert a["scores"] == pytest.approx([1 / math.sqrt(5), 2 / math.sqrt(5), 3 / math.sqrt(10)])


def test_score_bad_shapes():
    with pytest.raises(SolverInputError):
        solve("attention.score", x=X, q=[1, 2, 3])
    with pytest.raises(SolverInputError):
        solve("attention.score", x=X, q=QV, method="additive")
    with pytest.raises(SolverInputError):
        solve("attention", q=[[1, 2]], k=[[1, 2, 3]], v=[[1]])
    with pytest.raises(SolverInputError):
        solve("attention", q=[[1, 2]], k=[[1, 2]], v=[[1]], mask="padding", valid=0)


# --------------------------------------------------------------------------- mistakes


def test_mistake_no_sqrt_scaling():
    kw = dict(q=Q, k=K, v=V)
    wrong = mistake("attention.attention", "no_sqrt_scaling", **kw)
    w, out = loop_attention(Q, K, V, scale=False)
    assert np.allclose(wrong["weights"], w) and np.allclose(wrong["output"], out)
    assert not np.allclose(wrong["weights"], solve("attention", **kw).answers["weights"])


def test_mistake_scale_by_d():
    wrong = mistake("attention.attention", "scale_by_d_not_sqrt", q=Q, k=K, v=V)
    # d_k = 3: scores QKᵀ/3; q1·k1 = 1 -> 1/3
    assert wrong["scores"][0][0] == pytest.approx(1 / 3)
    assert not np.allclose(wrong["weights"], solve("attention", q=Q, k=K, v=V).answers["weights"])


def test_mistake_softmax_columns():
    wrong = mistake("attention.attention", "softmax_over_wrong_axis", q=Q, k=K, v=V)
    s = np.array(Q) @ np.array(K).T / math.sqrt(3)
    e = np.exp(s)
    assert np.allclose(wrong["weights"], e / e.sum(axis=0))
    assert np.allclose(np.array(wrong["weights"]).sum(axis=0), 1.0)


def test_mistake_times_k():
    wrong = mistake("attention.attention", "weights_times_k_instead_of_v", q=Q, k=K, v=V)
    w, _ = loop_attention(Q, K, V)
    assert np.allclose(wrong["output"], np.array(w) @ np.array(K))


def test_mistake_masks():
    s = [[1, 2, 3], [0, 1, 0], [2, 2, 1]]
    right = solve("attention.masked_softmax", scores=s, mask="causal").answers["weights"]
    zero = mistake("attention.masked_softmax", "mask_as_zero", scores=s, mask="causal")["weights"]
    # row 1: scores (1, 0, 0) after zeroing -> e/(e+2)
    assert zero[0][0] == pytest.approx(math.e / (math.e + 2))
    assert right[0] == pytest.approx([1, 0, 0])
    after = mistake("attention.masked_softmax", "masked_after_softmax", scores=s, mask="causal")["weights"]
    e = [math.exp(x) for x in s[0]]
    assert after[0] == pytest.approx([e[0] / sum(e), 0, 0])
    transposed = mistake("attention.masked_softmax", "causal_mask_transposed", scores=s, mask="causal")["weights"]
    assert transposed[2] == pytest.approx([0, 0, 1])


def test_mistake_self_attention_x_instead_of_v():
    x = [[1, 0], [0, 1]]
    wrong = mistake("attention.self_attention", "weights_times_x_instead_of_v", x=x, wq=x, wk=x, wv=[[2, 0], [0, 2]])
    right = solve("attention.self_attention", x=x, wq=x, wk=x, wv=[[2, 0], [0, 2]]).answers
    assert np.allclose(np.array(right["output"]), 2 * np.array(wrong["output"]))


def test_mistake_multihead():
    # d = 8, h = 2: full 4·64 + 4·8 = 288; without W_O 288 − 72 = 216; without biases 256
    assert mistake("attention.multihead", "output_projection_forgotten", d_model=8, heads=2)["params"] == 216
    assert mistake("attention.multihead", "biases_forgotten", d_model=8, heads=2)["params"] == 256
    # every head with its own 8×8 W_Q, W_K, W_V: 2·3·(64 + 8) + 16·8 + 8 = 432 + 136 = 568
    assert mistake("attention.multihead", "full_width_per_head", d_model=8, heads=2)["params"] == 568


def test_mistake_scores():
    wrong = mistake("attention.score", "normalized_by_sum", x=X, q=QV)
    assert wrong["weights"] == pytest.approx([1 / 6, 2 / 6, 3 / 6])
    wrong = mistake("attention.score", "no_sqrt_scaling", x=X, q=QV, method="scaled")
    assert wrong["scores"] == pytest.approx([1, 2, 3])
    wrong = mistake("attention.score", "w_transposed", x=X, q=QV, method="bilinear", w=[[1, 2], [0, 1]])
    # Wᵀq = (1, 2·1 + 1·2) = (1, 4)
    assert wrong["scores"] == pytest.approx([1, 4, 5])


def test_steps_have_grids():
    eye = [[1, 0], [0, 1]]
    sol = solve("attention.self_attention", x=X, wq=eye, wk=eye, wv=eye, mask="causal")
    assert sum(1 for s in sol.steps if s.grids) >= 4
    masked = [s for s in sol.steps if s.grids and s.grids[0].title and s.grids[0].title.en == "masked S"]
    assert masked and "−∞" in masked[0].grids[0].rows[0]


def softmax_rows(s, axis=1):
    e = np.exp(np.asarray(s, dtype=float))
    return e / e.sum(axis=axis, keepdims=True)


def test_mistake_scaled_anyway_and_qk_swapped():
    wrong = mistake("attention.attention", "scaled_anyway", q=Q, k=K, v=V, scale=False)
    w, out = loop_attention(Q, K, V, scale=True)
    assert np.allclose(wrong["weights"], w) and np.allclose(wrong["output"], out)
    assert mistake("attention.attention", "scaled_anyway", q=Q, k=K, v=V) == {}
    q, k = [[1, 0], [0, 2]], [[1, 1], [0, 1]]  # QKᵀ = [1, 0; 2, 2], not symmetric
    wrong = mistake("attention.attention", "qk_swapped", q=q, k=k, v=q)
    kq = np.array(k) @ np.array(q).T / math.sqrt(2)
    assert np.allclose(wrong["weights"], softmax_rows(kq))
    assert not np.allclose(wrong["weights"], solve("attention", q=q, k=k, v=q).answers["weights"])


def test_mistake_attention_masks_loop():
    x = [[1, 0], [2, 1], [0, -1]]
    wrong = mistake("attention.attention", "mask_as_zero", q=x, k=x, v=x, mask="causal")
    s = np.array(x) @ np.array(x).T / math.sqrt(2)
    s[np.triu_indices(3, 1)] = 0.0  # masked entries set to 0 instead of −∞
    assert np.allclose(wrong["weights"], softmax_rows(s))
    wrong = mistake("attention.attention", "masked_after_softmax", q=x, k=x, v=x, mask="causal")
    full = softmax_rows(np.array(x) @ np.array(x).T / math.sqrt(2))
    assert np.allclose(wrong["weights"], np.tril(full))
    assert mistake("attention.attention", "mask_as_zero", q=x, k=x, v=x) == {}


SX, SWQ, SWK, SWV = [[1, 0], [0, 1], [1, 1]], [[1, 0], [1, 1]], [[0, 1], [1, 0]], [[1, 2], [0, 1]]


def _projected():
    x = np.array(SX, dtype=float)
    return (x @ np.array(SWQ)).tolist(), (x @ np.array(SWK)).tolist(), (x @ np.array(SWV)).tolist()


@pytest.mark.parametrize(
    "name,kw,expected",
    [
        ("no_sqrt_scaling", {}, lambda q, k, v: loop_attention(q, k, v, scale=False)),
        ("scaled_anyway", {"scale": False}, lambda q, k, v: loop_attention(q, k, v, scale=True)),
        (
            "scale_by_d_not_sqrt",
            {},
            lambda q, k, v: loop_attention((np.array(q) / math.sqrt(2)).tolist(), k, v),  # √2·√2 = d = 2
        ),
    ],
)
def test_mistake_self_attention_scaling(name, kw, expected):
    q, k, v = _projected()
    wrong = mistake("attention.self_attention", name, x=SX, wq=SWQ, wk=SWK, wv=SWV, **kw)
    w, out = expected(q, k, v)
    assert np.allclose(wrong["weights"], w) and np.allclose(wrong["output"], out)
    right = solve("attention.self_attention", x=SX, wq=SWQ, wk=SWK, wv=SWV, **kw).answers
    assert not np.allclose(wrong["weights"], right["weights"])


def test_mistake_self_attention_axes_and_keys():
    q, k, v = _projected()
    s = np.array(q) @ np.array(k).T / math.sqrt(2)
    wrong = mistake("attention.self_attention", "softmax_over_wrong_axis", x=SX, wq=SWQ, wk=SWK, wv=SWV)
    assert np.allclose(wrong["weights"], softmax_rows(s, axis=0))
    wrong = mistake("attention.self_attention", "qk_swapped", x=SX, wq=SWQ, wk=SWK, wv=SWV)
    assert np.allclose(wrong["weights"], softmax_rows(s.T))
    wrong = mistake("attention.self_attention", "weights_times_k_instead_of_v", x=SX, wq=SWQ, wk=SWK, wv=SWV)
    assert np.allclose(wrong["output"], softmax_rows(s) @ np.array(k))


def test_mistake_score_variants():
    w, u, va = [[1, -1], [0, 2]], [[1, 0], [1, 1]], [2, -1]
    wrong = mistake("attention.score", "tanh_forgotten", x=X, q=QV, method="additive", w=w, u=u, va=va)
    # without tanh: s = va·(W·x + U·q); U·q = (1, 3); x₁ = (1, 0): W·x₁ = (1, 0) -> va·(2, 3) = 1
    assert wrong["scores"][0] == pytest.approx(1.0)
    wrong = mistake("attention.score", "softmax_skipped", x=X, q=QV)
    assert wrong["weights"] == pytest.approx([1, 2, 3])
    vals = [[1, 0], [0, 1], [2, 2]]
    wrong = mistake("attention.score", "weights_times_k_instead_of_v", x=X, q=QV, values=vals)
    alpha = softmax_rows([[1, 2, 3]])[0]
    assert wrong["output"] == pytest.approx((alpha @ np.array(X)).tolist())
    assert mistake("attention.score", "weights_times_k_instead_of_v", x=X, q=QV) == {}


def test_mistake_masked_softmax_columns():
    s = [[1, 2, 3], [0, 1, 0], [2, 2, 1]]
    wrong = mistake("attention.masked_softmax", "softmax_over_wrong_axis", scores=s, mask="causal")["weights"]
    # column 1 keeps rows 1–3 (1, 0, 2); column 3 keeps only row 3
    e = [math.e, 1, math.e**2]
    assert [row[0] for row in wrong] == pytest.approx([x / sum(e) for x in e])
    assert [row[2] for row in wrong] == pytest.approx([0, 0, 1])


def test_mistake_output_projection_counted():
    # d = 8, 2 heads, Q/K/V only: 3·(64 + 8) = 216; counting W_O as well gives 288
    assert (
        mistake("attention.multihead", "output_projection_counted", d_model=8, heads=2, output_proj=False)["params"]
        == 288
    )


# --------------------------------------------------------------------------- language-neutral step fields

# formula / substituted / result and grid headers are shown unchanged in Chinese: no English words there
ENGLISH_WORDS = re.compile(r"\b(row-wise|masked|weights|output|biases|matrix|shape|params|va)\b")


@pytest.mark.parametrize(
    "sid,kw",
    [
        ("attention.attention", dict(q=Q, k=K, v=V)),
        ("attention.self_attention", dict(x=X, wq=[[1, 0], [0, 1]], wk=[[1, 0], [0, 1]], wv=[[1, 0], [0, 1]])),
        ("attention.masked_softmax", dict(scores=[[1, 2], [3, 4]], mask="causal")),
        (
            "attention.score",
            dict(x=[[1, 0], [0, 1]], q=[1, 1], method="additive", w=[[1, 0], [0, 1]], u=[[1, 0], [0, 1]], va=[1, 2]),
        ),
        ("attention.multihead", dict(d_model=8, heads=2, seq_len=3)),
        ("attention.multihead", dict(d_model=8, heads=2, output_proj=False)),
    ],
)
def test_language_neutral_fields_have_no_english_words(sid, kw):
    for step in solve(sid, **kw).steps:
        for text in (step.formula, step.substituted, step.result):
            assert not ENGLISH_WORDS.search(text), text
        for grid in step.grids:
            assert not any(ENGLISH_WORDS.search(label) for label in grid.col_labels)


def test_additive_steps_show_each_dot_product_with_v():
    # tanh(W·x₁ + U·q) with W = U = I, x₁ = (1, 0), q = (0, 0): (tanh 1, 0) = (0.7616, 0); v·that = 0.7616
    sol = solve(
        "attention.score",
        x=[[1, 0], [0, 1]],
        q=[0, 0],
        method="additive",
        w=[[1, 0], [0, 1]],
        u=[[1, 0], [0, 1]],
        va=[1, 2],
    )
    last = [s for s in sol.steps if s.formula.startswith("s(x_n, q) = vᵀ")][0]
    assert "(1, 2)·(0.7616, 0)" in last.substituted and "(1, 2)·(0, 0.7616)" in last.substituted
    assert sol.answers["scores"] == pytest.approx([math.tanh(1), 2 * math.tanh(1)])


def test_multihead_without_seq_len_shows_n_not_one():
    # parameters only: the shapes are written with the symbol n instead of a made-up length 1
    sol = solve("attention.multihead", d_model=8, heads=2)
    assert sol.answers["params"] == 4 * 64 + 4 * 8  # 288
    assert "weights_shape" not in sol.answers and "head_shape" not in sol.answers
    shown = " ".join(s.result for s in sol.steps)
    assert "n×n" in shown and "1×1" not in shown
    assert "head_shape" not in mistake("attention.multihead", "full_width_per_head", d_model=8, heads=2)
