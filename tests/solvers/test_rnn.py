"""RNN / LSTM / GRU solvers checked against PyTorch cells, hand-written loops and hand arithmetic."""

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


def sig(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def matvec(m, v):
    return [sum(a * b for a, b in zip(row, v, strict=True)) for row in m]


def t64(x):
    import torch

    return torch.tensor(x, dtype=torch.float64)


# --------------------------------------------------------------------------- parameter counts


@pytest.mark.parametrize("cell,cls", [("srn", "RNN"), ("lstm", "LSTM"), ("gru", "GRU")])
@pytest.mark.parametrize("d,h,layers,bi", [(3, 4, 1, False), (10, 20, 1, False), (3, 4, 2, True), (5, 2, 3, False)])
def test_params_against_torch(cell, cls, d, h, layers, bi):
    torch = pytest.importorskip("torch")
    net = getattr(torch.nn, cls)(d, h, num_layers=layers, bidirectional=bi)
    by_kind = {"weight_ih": 0, "weight_hh": 0, "bias": 0}
    for name, p in net.named_parameters():
        by_kind[next(k for k in by_kind if name.startswith(k))] += p.numel()
    a = solve("rnn-params", cell=cell, input=d, hidden=h, convention="pytorch", layers=layers, bidirectional=bi).answers
    assert a["params"] == sum(p.numel() for p in net.parameters())
    assert (a["input_weights"], a["recurrent_weights"], a["biases"]) == (
        by_kind["weight_ih"],
        by_kind["weight_hh"],
        by_kind["bias"],
    )
    assert a["output_size"] == h * (2 if bi else 1)


def test_params_textbook_by_hand():
    # LSTM d = 3, h = 4: 4 blocks of 4·(4 + 3 + 1) = 32 -> 128; PyTorch 4·4·(4 + 3 + 2) = 144
    assert solve("rnn-params", cell="lstm", input=3, hidden=4).answers["params"] == 128
    assert solve("rnn-params", cell="lstm", input=3, hidden=4, convention="pytorch").answers["params"] == 144
    # GRU 3 blocks -> 96; SRN 1 block -> 32
    assert solve("rnn-params", cell="gru", input=3, hidden=4).answers["params"] == 96
    assert solve("rnn-params", cell="srn", input=3, hidden=4).answers["params"] == 32


@settings(max_examples=50, deadline=None)
@given(
    st.sampled_from(["srn", "lstm", "gru"]),
    st.integers(1, 30),
    st.integers(1, 30),
    st.sampled_from(["textbook", "pytorch"]),
)
def test_params_formula_counts_matrices(cell, d, h, convention):
    gates = {"srn": ["h"], "gru": ["z", "r", "h"], "lstm": ["i", "f", "o", "c"]}[cell]
    shapes = []
    for _ in gates:
        shapes += [(h, d), (h, h), (h,)]  # W_*, U_*, b_*
        if convention == "pytorch":
            shapes.append((h,))  # second bias b_hh
    expected = sum(math.prod(s) for s in shapes)
    assert solve("rnn-params", cell=cell, input=d, hidden=h, convention=convention).answers["params"] == expected


def test_params_mistakes():
    kw = dict(input=3, hidden=4)
    assert mistake("rnn.params", "lstm_gate_forgotten", cell="lstm", **kw)["params"] == 96
    assert mistake("rnn.params", "gru_counted_as_lstm", cell="gru", **kw)["params"] == 128
    assert mistake("rnn.params", "pytorch_double_bias", cell="lstm", **kw)["params"] == 144
    assert mistake("rnn.params", "textbook_single_bias", cell="lstm", convention="pytorch", **kw)["params"] == 128
    # no U: 4 blocks of 4·(3 + 1) = 64
    assert mistake("rnn.params", "recurrent_weights_forgotten", cell="lstm", **kw)["params"] == 64
    assert mistake("rnn.params", "bias_forgotten", cell="srn", **kw)["params"] == 28
    assert mistake("rnn.params", "lstm_gate_forgotten", cell="gru", **kw) == {}


def test_bidirectional_against_torch():
    torch = pytest.importorskip("torch")
    net = torch.nn.GRU(3, 4, bidirectional=True)
    out, _ = net(torch.zeros(6, 3))
    a = solve("rnn.bidirectional", seq_len=6, input=3, hidden=4, cell="gru", convention="pytorch").answers
    assert a["output_shape"] == tuple(out.shape)
    assert a["params"] == sum(p.numel() for p in net.parameters())
    wrong = mistake("rnn.bidirectional", "outputs_not_concatenated", seq_len=6, input=3, hidden=4)
    assert wrong["output_size"] == 4


# --------------------------------------------------------------------------- SRN


def test_srn_step_against_torch():
    torch = pytest.importorskip("torch")
    x, h0 = [1, 0, -1], [0.5, -0.5]
    u, w, b = [[1, 0], [0.5, 1]], [[1, 1, 0], [0, 1, 2]], [0, 0.1]
    cell = torch.nn.RNNCell(3, 2).double()
    with torch.no_grad():
        cell.weight_ih.copy_(t64(w))
        cell.weight_hh.copy_(t64(u))
        cell.bias_ih.copy_(t64(b))
        cell.bias_hh.zero_()
        expected = cell(t64([x]), t64([h0]))[0]
    a = solve("rnn.srn_step", x=x, h_prev=h0, u=u, w=w, b=b).answers
    assert np.allclose(a["h"], expected.numpy())


def test_srn_scalar_by_hand_and_mistakes():
    # h = tanh(0.5·1 + 1·2 + 0) = tanh(2.5)
    kw = dict(x=[2], h_prev=[1], u=[[0.5]], w=[[1]], b=[0])
    assert solve("rnn.srn_step", **kw).answers["h"] == pytest.approx([math.tanh(2.5)])
    assert mistake("rnn.srn_step", "activation_forgotten", **kw)["h"] == pytest.approx([2.5])
    assert mistake("rnn.srn_step", "recurrent_term_forgotten", **kw)["h"] == pytest.approx([math.tanh(2)])
    # swapped: U·x + W·h = 0.5·2 + 1·1 = 2
    assert mistake("rnn.srn_step", "u_w_swapped", **kw)["h"] == pytest.approx([math.tanh(2)])


def test_srn_sequence_loop():
    xs, h0, u, w, b = [[1, 0], [0, 1], [1, 1]], [0, 0], [[0.5, -1], [1, 0.5]], [[1, 0], [0, 1]], [0.1, -0.1]
    h = h0
    for x in xs:
        h = [math.tanh(a + c + d) for a, c, d in zip(matvec(u, h), matvec(w, x), b, strict=True)]
    a = solve("rnn.srn_sequence", xs=xs, h0=h0, u=u, w=w, b=b).answers
    assert a["h"] == pytest.approx(h)
    wrong = mistake("rnn.srn_sequence", "state_not_carried", xs=xs, h0=h0, u=u, w=w, b=b)
    assert wrong["h"] == pytest.approx([math.tanh(c + d) for c, d in zip(matvec(w, xs[-1]), b, strict=True)])


# --------------------------------------------------------------------------- LSTM

LSTM_W = dict(
    wi=[[1, 0]], ui=[[0.5]], bi=[0],
    wf=[[0, 1]], uf=[[1]], bf=[1],
    wo=[[1, 1]], uo=[[-1]], bo=[0],
    wc=[[1, -1]], uc=[[1]], bc=[0.5],
)  # fmt: skip


def test_lstm_step_by_hand():
    x, h0, c0 = [1, 2], [0.5], [1]
    # i = σ(1 + 0.25) ; f = σ(2 + 0.5 + 1) ; o = σ(3 − 0.5) ; c̃ = tanh(1 − 2 + 0.5 + 0.5) = tanh(0)
    i, f, o, ct = sig(1.25), sig(3.5), sig(2.5), 0.0
    c = f * 1 + i * ct
    a = solve("rnn.lstm_step", x=x, h_prev=h0, c_prev=c0, **LSTM_W).answers
    assert a["i"] == pytest.approx([i]) and a["f"] == pytest.approx([f]) and a["o"] == pytest.approx([o])
    assert a["c_tilde"] == pytest.approx([ct])
    assert a["c"] == pytest.approx([c])
    assert a["h"] == pytest.approx([o * math.tanh(c)])
    assert mistake("rnn.lstm_step", "no_tanh_on_cell", x=x, h_prev=h0, c_prev=c0, **LSTM_W)["h"] == pytest.approx(
        [o * c]
    )
    assert mistake("rnn.lstm_step", "forget_input_swapped", x=x, h_prev=h0, c_prev=c0, **LSTM_W)["c"] == pytest.approx(
        [i * 1 + f * ct]
    )
    assert mistake("rnn.lstm_step", "forget_gate_ignored", x=x, h_prev=h0, c_prev=c0, **LSTM_W)["c"] == pytest.approx(
        [1 + i * ct]
    )
    assert mistake("rnn.lstm_step", "sigmoid_candidate", x=x, h_prev=h0, c_prev=c0, **LSTM_W)[
        "c_tilde"
    ] == pytest.approx([0.5])


def test_lstm_step_against_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    d, h = 3, 2
    p = {
        f"{k}{g}": rng.integers(-2, 3, size=shape).astype(float).tolist()
        for g in "ifoc"
        for k, shape in (("w", (h, d)), ("u", (h, h)), ("b", (h,)))
    }
    x, h0, c0 = [1.0, -1.0, 0.5], [0.2, -0.3], [0.5, 1.0]
    cell = torch.nn.LSTMCell(d, h).double()
    order = "ifco"  # PyTorch stacks i, f, g (= c̃), o
    with torch.no_grad():
        cell.weight_ih.copy_(t64(sum((p[f"w{g}"] for g in order), [])))
        cell.weight_hh.copy_(t64(sum((p[f"u{g}"] for g in order), [])))
        cell.bias_ih.copy_(t64(sum((p[f"b{g}"] for g in order), [])))
        cell.bias_hh.zero_()
        h1, c1 = cell(t64([x]), (t64([h0]), t64([c0])))
    a = solve("rnn.lstm_step", x=x, h_prev=h0, c_prev=c0, **p).answers
    assert np.allclose(a["h"], h1[0].numpy())
    assert np.allclose(a["c"], c1[0].numpy())


def test_lstm_missing_weight():
    p = dict(LSTM_W)
    del p["bo"]
    with pytest.raises(SolverInputError):
        solve("rnn.lstm_step", x=[1, 2], h_prev=[0.5], c_prev=[1], **p)


# --------------------------------------------------------------------------- GRU

GRU_W = dict(
    wz=[[1, 0], [0, 1]], uz=[[1, 0], [0, 1]], bz=[0, 0],
    wr=[[1, 1], [0, 1]], ur=[[0, 1], [1, 0]], br=[0, 0],
    wh=[[1, 0], [0, 1]], uh=[[1, 2], [0, 1]], bh=[0, 0.5],
)  # fmt: skip


def textbook_gru(x, h, p):
    z = [sig(a + b + c) for a, b, c in zip(matvec(p["wz"], x), matvec(p["uz"], h), p["bz"], strict=True)]
    r = [sig(a + b + c) for a, b, c in zip(matvec(p["wr"], x), matvec(p["ur"], h), p["br"], strict=True)]
    rh = [ri * hi for ri, hi in zip(r, h, strict=True)]
    ht = [math.tanh(a + b + c) for a, b, c in zip(matvec(p["wh"], x), matvec(p["uh"], rh), p["bh"], strict=True)]
    return [zi * hi + (1 - zi) * ti for zi, hi, ti in zip(z, h, ht, strict=True)], ht


def test_gru_textbook_loop():
    x, h0 = [1, 0], [1, -1]
    expected, ht = textbook_gru(x, h0, GRU_W)
    a = solve("rnn.gru_step", x=x, h_prev=h0, **GRU_W).answers
    assert a["h"] == pytest.approx(expected)
    assert a["h_tilde"] == pytest.approx(ht)
    wrong = mistake("rnn.gru_step", "update_gate_swapped", x=x, h_prev=h0, **GRU_W)
    z = a["z"]
    assert wrong["h"] == pytest.approx([(1 - zi) * hi + zi * ti for zi, hi, ti in zip(z, h0, ht, strict=True)])
    assert not np.allclose(wrong["h"], a["h"])


def test_gru_pytorch_against_torch():
    torch = pytest.importorskip("torch")
    x, h0, bhn = [1, 0], [1, -1], [0.5, -0.25]
    cell = torch.nn.GRUCell(2, 2).double()
    order = "rzh"  # PyTorch stacks r, z, n
    with torch.no_grad():
        cell.weight_ih.copy_(t64(sum((GRU_W[f"w{g}"] for g in order), [])))
        cell.weight_hh.copy_(t64(sum((GRU_W[f"u{g}"] for g in order), [])))
        cell.bias_ih.copy_(t64(sum((GRU_W[f"b{g}"] for g in order), [])))
        cell.bias_hh.copy_(t64([0, 0, 0, 0, *bhn]))
        expected = cell(t64([x]), t64([h0]))[0]
    a = solve("rnn.gru_step", x=x, h_prev=h0, convention="pytorch", bhn=bhn, **GRU_W).answers
    assert np.allclose(a["h"], expected.numpy())
    # the textbook placement gives a different number on this non-diagonal U_h
    t = solve("rnn.gru_step", x=x, h_prev=h0, **GRU_W).answers
    assert not np.allclose(t["h"], a["h"])
    wrong = mistake("rnn.gru_step", "reset_after_matmul", x=x, h_prev=h0, **GRU_W)
    b = solve("rnn.gru_step", x=x, h_prev=h0, convention="pytorch", **GRU_W).answers
    assert np.allclose(wrong["h"], b["h"])


def test_gru_textbook_rejects_bhn():
    with pytest.raises(SolverInputError):
        solve("rnn.gru_step", x=[1, 0], h_prev=[1, -1], bhn=[1, 1], **GRU_W)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(-2, 2), min_size=9, max_size=9), st.floats(-1, 1), st.floats(-1, 1))
def test_gru_state_between_old_and_candidate(ws, x, h):
    p = {
        f"{k}{g}": ([[ws[i]]] if k != "b" else [ws[i]]) for i, (g, k) in enumerate((g, k) for g in "zrh" for k in "wub")
    }
    a = solve("rnn.gru_step", x=[x], h_prev=[h], **p).answers
    lo, hi = sorted((h, a["h_tilde"][0]))
    assert lo - 1e-12 <= a["h"][0] <= hi + 1e-12


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(-3, 3), min_size=12, max_size=12), st.floats(-1, 1), st.floats(-2, 2))
def test_lstm_bounds(ws, h, c):
    p = {
        f"{k}{g}": ([[ws[i]]] if k != "b" else [ws[i]])
        for i, (g, k) in enumerate((g, k) for g in "ifoc" for k in "wub")
    }
    a = solve("rnn.lstm_step", x=[1], h_prev=[h], c_prev=[c], **p).answers
    for key in ("i", "f", "o"):
        assert 0 < a[key][0] < 1
    assert abs(a["h"][0]) < 1
    assert abs(a["c"][0]) <= abs(c) + 1


# --------------------------------------------------------------------------- gradients


def test_gradient_against_autograd():
    torch = pytest.importorskip("torch")
    u, z, t = 2.0, 1.0, 6
    h0 = torch.tensor(0.3, dtype=torch.float64, requires_grad=True)
    h = h0
    for _ in range(t):  # add a constant so that every step sees the same net input z
        shift = z - u * h.detach()
        h = torch.tanh(u * h + shift)
    h.backward()
    a = solve("rnn.gradient", u=u, t=t, activation="tanh", z=z).answers
    assert a["gradient"] == pytest.approx(abs(h0.grad.item()))
    assert a["trend"] == "vanishing"  # 2·(1 − tanh²1) = 0.84 < 1


def test_gradient_by_hand_and_mistakes():
    # sigmoid at 0: f' = 0.25; u = 3 -> γ = 0.75; t = 4 -> 0.75⁴ = 0.31640625
    a = solve("rnn.gradient", u=3, t=4, activation="sigmoid").answers
    assert a["fprime"] == pytest.approx(0.25)
    assert a["gradient"] == pytest.approx(0.31640625)
    assert solve("rnn.gradient", u=1.5, t=3, fprime=1).answers["trend"] == "exploding"
    wrong = mistake("rnn.gradient", "fprime_ignored", u=3, t=4, activation="sigmoid")
    assert wrong["gradient"] == 81 and wrong["trend"] == "exploding"
    assert mistake("rnn.gradient", "sum_not_product", u=3, t=4, activation="sigmoid")["gradient"] == pytest.approx(3.0)
    assert mistake("rnn.gradient", "exponent_off_by_one", u=3, t=4, activation="sigmoid")["gradient"] == pytest.approx(
        0.421875
    )


def test_cell_path():
    torch = pytest.importorskip("torch")
    f = [0.9, 0.8, 0.95]
    c0 = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    c = c0
    for fk in f:
        c = fk * c + 0.3 * 0.5  # i⊙c̃ does not depend on c_{k−1} along this path
    c.backward()
    assert solve("rnn.cell_path", forget=f).answers["gradient"] == pytest.approx(c0.grad.item())
    assert mistake("rnn.cell_path", "one_minus_f", forget=f)["gradient"] == pytest.approx(0.1 * 0.2 * 0.05)


def test_more_params_mistakes():
    # LSTM d = 3, h = 4, PyTorch: one direction of one layer 4·4·(4 + 3 + 2) = 144
    wrong = mistake(
        "rnn.params",
        "bidirectional_not_doubled",
        cell="lstm",
        input=3,
        hidden=4,
        convention="pytorch",
        bidirectional=True,
    )
    assert wrong["params"] == 144 and wrong["output_size"] == 4
    # layer 2 reads h = 4 inputs: 4·4·(4 + 4 + 2) = 160 -> 304; with d = 3 again: 288
    assert solve("rnn-params", cell="lstm", input=3, hidden=4, convention="pytorch", layers=2).answers["params"] == 304
    assert (
        mistake("rnn.params", "stacked_input_as_d", cell="lstm", input=3, hidden=4, convention="pytorch", layers=2)[
            "params"
        ]
        == 288
    )
    # bidirectional SRN, textbook: 2·4·(4 + 3 + 1) = 64; one direction 32
    assert mistake("rnn.bidirectional", "params_not_doubled", seq_len=5, input=3, hidden=4)["params"] == 32


def test_more_step_mistakes():
    kw = dict(x=[2], h_prev=[1], u=[[0.5]], w=[[1]], b=[0.5])
    assert solve("rnn.srn_step", **kw).answers["h"] == pytest.approx([math.tanh(3.0)])
    assert mistake("rnn.srn_step", "bias_forgotten", **kw)["h"] == pytest.approx([math.tanh(2.5)])
    # linear recurrence h_t = 0.5·h_{t−1} + x_t: h₁ = 1, h₂ = 0.5 + 2 = 2.5
    wrong = mistake("rnn.srn_sequence", "activation_forgotten", xs=[[1], [2]], h0=[0], u=[[0.5]], w=[[1]], b=[0])
    assert np.allclose(wrong["hs"], [[1.0], [2.5]])
    a = solve("rnn.lstm_step", x=[1, 2], h_prev=[0.5], c_prev=[1], **LSTM_W).answers
    wrong = mistake("rnn.lstm_step", "output_gate_ignored", x=[1, 2], h_prev=[0.5], c_prev=[1], **LSTM_W)
    assert wrong["h"] == pytest.approx([math.tanh(a["c"][0])])


def test_gru_reset_mistakes():
    x, h0, bhn = [1, 0], [1, -1], [0.5, -0.25]
    wrong = mistake("rnn.gru_step", "reset_before_matmul", x=x, h_prev=h0, convention="pytorch", bhn=bhn, **GRU_W)
    shifted = dict(GRU_W, bh=[b + c for b, c in zip(GRU_W["bh"], bhn, strict=True)])  # b_hn not gated by r
    expected, _ = textbook_gru(x, h0, shifted)
    assert wrong["h"] == pytest.approx(expected)
    wrong = mistake("rnn.gru_step", "reset_gate_ignored", x=x, h_prev=h0, **GRU_W)
    ht = [
        math.tanh(a + b + c)
        for a, b, c in zip(matvec(GRU_W["wh"], x), matvec(GRU_W["uh"], h0), GRU_W["bh"], strict=True)
    ]
    assert wrong["h_tilde"] == pytest.approx(ht)


def test_cell_path_sum():
    assert mistake("rnn.cell_path", "sum_not_product", forget=[0.9, 0.8, 0.95])["gradient"] == pytest.approx(2.65)


# --------------------------------------------------------------------------- language-neutral step fields
# Step.result and Grid labels are plain strings shown unchanged in both languages, so they must not
# carry English words (a Chinese worked solution would show them untranslated).

_ENGLISH = ("vanishing", "exploding", "stable", "unit", "layer", "dir", "shape", "bias", "sum")


def _neutral_fields(sol) -> list[str]:
    out = []
    for step in sol.steps:
        out.append(step.result)
        for grid in step.grids:
            out.extend(grid.row_labels)
            out.extend(grid.col_labels)
    return out


@pytest.mark.parametrize("u,act,z", [(1, "sigmoid", 0.0), (3, "tanh", 0.0), (1, "tanh", 0.0)])
def test_gradient_verdict_result_is_language_neutral(u, act, z):
    sol = solve("rnn.gradient", u=u, t=3, activation=act, z=z)
    # the verdict itself is still the answer key; only the displayed result must not be English
    assert sol.answers["trend"] in ("vanishing", "exploding", "stable")
    assert not any(word in field for field in _neutral_fields(sol) for word in _ENGLISH)


def test_params_table_labels_are_language_neutral():
    sol = solve("rnn.params", cell="lstm", input=3, hidden=4, convention="pytorch", layers=2, bidirectional=True)
    assert not any(word in field.lower() for field in _neutral_fields(sol) for word in _ENGLISH)


def test_gate_tables_are_language_neutral():
    one = [[0.5]]
    lstm = solve(
        "rnn.lstm_step",
        x=[1],
        h_prev=[0.5],
        c_prev=[1],
        **{f"{k}{g}": ([0.1] if k == "b" else one) for g in "ifoc" for k in "wub"},
    )
    gru = solve(
        "rnn.gru_step", x=[1], h_prev=[0.5], **{f"{k}{g}": ([0.1] if k == "b" else one) for g in "zrh" for k in "wub"}
    )
    for sol in (lstm, gru):
        assert not any(word in field.lower() for field in _neutral_fields(sol) for word in _ENGLISH)


def test_stacked_params_formula_is_language_neutral():
    sol = solve("rnn.params", cell="gru", input=3, hidden=4, convention="textbook", layers=2)
    import re

    assert not [s.formula for s in sol.steps if re.search(r"\b(layers|directions|blocks|biases)\b", s.formula)]


@pytest.mark.parametrize("convention", ["textbook", "pytorch"])
def test_srn_convention_note_speaks_of_no_gates(convention):
    """The SRN has no gates: its parameter note must not talk about gate blocks (polish review)."""
    srn = solve("rnn-params", cell="srn", input=3, hidden=4, convention=convention).steps[0].note
    assert "gate block" not in srn.en and "门块" not in srn.zh and "no gates" in srn.en and "没有门" in srn.zh
    lstm = solve("rnn-params", cell="lstm", input=3, hidden=4, convention=convention).steps[0].note
    assert "per gate block" in lstm.en and "每个门块" in lstm.zh
    bi = solve("rnn.bidirectional", seq_len=5, input=3, hidden=4, cell="srn", convention=convention).steps[-1].note
    assert "gate block" not in bi.en and "没有门" in bi.zh


def test_gru_gate_grid_and_gradient_verdict_have_no_english_in_chinese():
    a = solve("rnn.gru_step", x=[1, 0], h_prev=[0.5, -0.5], **GRU_W)
    for step in a.steps:
        for grid in step.grids:
            assert "net" not in grid.col_labels
    for u in (0.5, 3.0):
        verdict = solve("rnn.gradient", u=u, t=5, activation="linear").steps[-1].what.zh
        assert re.search(r"[A-Za-z]{2,}", verdict) is None, verdict
