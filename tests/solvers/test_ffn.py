"""Feed-forward network solvers against PyTorch modules, weight-matrix counting and hand sums."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers import registry
from solvers.core import SolverInputError

PARAMS = registry.get("ffn.params")
FORWARD = registry.get("ffn.forward")

sizes_strategy = st.lists(st.integers(1, 300), min_size=2, max_size=6)


def test_params_mnist_example():
    # 784-256-10: 784·256 + 256 = 200960 and 256·10 + 10 = 2570, total 203530; 2 layers (input not counted)
    sol = PARAMS.func([784, 256, 10])
    assert sol.answers["params"] == 203530
    assert sol.answers["per_layer"] == [200960, 2570]
    assert sol.answers["weights"] == 203264 and sol.answers["biases"] == 266
    assert sol.answers["layers"] == 2 and sol.answers["hidden_layers"] == 1
    assert sol.answers["neurons"] == 266
    assert PARAMS.func([784, 256, 10], bias=False).answers["params"] == 203264


@settings(max_examples=50, deadline=None)
@given(sizes_strategy, st.booleans())
def test_params_equal_counting_weight_matrices(sizes, bias):
    # build the actual matrices W(l) of shape M_l × M_(l-1) and b(l) of length M_l and count entries
    mats = [np.zeros((sizes[i], sizes[i - 1])) for i in range(1, len(sizes))]
    vecs = [np.zeros(sizes[i]) for i in range(1, len(sizes))] if bias else []
    sol = PARAMS.func(sizes, bias=bias)
    assert sol.answers["params"] == sum(m.size for m in mats) + sum(v.size for v in vecs)
    assert sol.answers["layers"] == len(mats)
    assert sum(sol.answers["per_layer"]) == sol.answers["params"]


def test_params_against_torch_sequential():
    torch = pytest.importorskip("torch")
    for sizes in ([784, 256, 10], [3, 4, 4, 2], [100, 1]):
        for bias in (True, False):
            layers = [torch.nn.Linear(sizes[i - 1], sizes[i], bias=bias) for i in range(1, len(sizes))]
            model = torch.nn.Sequential(*layers)
            count = sum(p.numel() for p in model.parameters())
            assert PARAMS.func(sizes, bias=bias).answers["params"] == count
            assert PARAMS.func(sizes).answers["layers"] == len(layers)


def test_params_mistakes():
    sizes = [4, 5, 3]  # weights 20 + 15 = 35, biases 8
    m = PARAMS.mistakes
    assert PARAMS.func(sizes).answers["params"] == 43
    assert m["biases_forgotten"](sizes)["params"] == 35
    assert m["biases_forgotten"](sizes, bias=False) == {}
    assert m["biases_added"](sizes, bias=False)["params"] == 43
    assert m["biases_added"](sizes) == {}
    assert m["input_layer_counted"](sizes)["layers"] == 3
    assert m["output_layer_not_counted"](sizes)["layers"] == 1
    assert m["input_biases_counted"](sizes)["params"] == 35 + 12
    answers = PARAMS.func(sizes).answers
    for name, fn in m.items():
        wrong = fn(sizes)
        assert set(wrong) <= set(answers), name
        assert all(wrong[k] != answers[k] for k in wrong if k in ("params", "layers")), name


def test_params_input_errors():
    for bad in ([10], [3, 0, 2], [3, 2.5]):
        with pytest.raises(SolverInputError):
            PARAMS.func(bad)


# ----------------------------------------------------------------------------- forward pass

KW = dict(x=[1, 2], W1=[[1, -1], [0.5, 1]], b1=[0, -1], W2=[[1, 2]], b2=[0.5])


def test_forward_hand_example():
    # z1 = (1·1 − 1·2 + 0, 0.5·1 + 1·2 − 1) = (−1, 1.5); ReLU -> (0, 1.5); z2 = 0 + 2·1.5 + 0.5 = 3.5 (linear output)
    sol = FORWARD.func(**KW)
    assert sol.answers["z1"] == [-1, 1.5]
    assert sol.answers["a1"] == [0, 1.5]
    assert sol.answers["z2"] == [3.5] and sol.answers["output"] == [3.5]
    json.dumps(sol.answers)


def _torch_forward(torch, weights, biases, x, hidden, out):
    a = torch.tensor(x, dtype=torch.float64)
    for i, (W, b) in enumerate(zip(weights, biases, strict=True)):
        lin = torch.nn.Linear(len(W[0]), len(W), dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(W, dtype=torch.float64))
            lin.bias.copy_(torch.tensor(b, dtype=torch.float64))
        a = lin(a)
        if i < len(weights) - 1:
            a = hidden(a)
        elif out is not None:
            a = out(a)
    return a.detach().numpy()


def test_forward_against_torch():
    torch = pytest.importorskip("torch")
    W1, b1 = [[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]], [0.1, -0.2]
    W2, b2 = [[1.0, -1.0], [2.0, 0.5], [-1.0, 1.0]], [0.0, 0.3, -0.1]
    W3, b3 = [[1.0, 2.0, -1.0], [0.5, -0.5, 1.0]], [0.2, 0.0]
    x = [1.0, -2.0, 0.5]
    cases = [
        ("relu", "linear", torch.relu, None),
        ("sigmoid", "sigmoid", torch.sigmoid, torch.sigmoid),
        ("tanh", "softmax", torch.tanh, lambda t: torch.softmax(t, dim=0)),
        ("elu", "same", torch.nn.functional.elu, torch.nn.functional.elu),
    ]
    for act, out, hidden_fn, out_fn in cases:
        sol = FORWARD.func(x=x, W1=W1, b1=b1, W2=W2, b2=b2, W3=W3, b3=b3, activation=act, output=out)
        ref = _torch_forward(torch, [W1, W2, W3], [b1, b2, b3], x, hidden_fn, out_fn)
        assert np.allclose(sol.answers["output"], ref, rtol=1e-12, atol=1e-12), (act, out)
        assert sol.answers["a3"] == sol.answers["output"]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(-3, 3), min_size=2, max_size=2),
    st.lists(st.lists(st.integers(-2, 2), min_size=2, max_size=2), min_size=3, max_size=3),
    st.lists(st.integers(-2, 2), min_size=3, max_size=3),
    st.lists(st.integers(-2, 2), min_size=3, max_size=3),
)
def test_forward_matches_loop(x, W1, b1, w2):
    sol = FORWARD.func(x=x, W1=W1, b1=b1, W2=[w2], b2=[1], activation="sigmoid")
    z1 = [sum(W1[j][i] * x[i] for i in range(2)) + b1[j] for j in range(3)]
    a1 = [1 / (1 + math.exp(-v)) for v in z1]
    z2 = sum(w2[j] * a1[j] for j in range(3)) + 1
    assert sol.answers["z1"] == pytest.approx(z1)
    assert sol.answers["a1"] == pytest.approx(a1)
    assert sol.answers["output"] == pytest.approx([z2])


def test_softmax_output_sums_to_one():
    sol = FORWARD.func(x=[1, -1], W1=[[1, 2], [0, 1], [3, -1]], output="softmax", activation="relu")
    assert sum(sol.answers["output"]) == pytest.approx(1.0)


def test_forward_mistakes():
    m = FORWARD.mistakes
    # biases forgotten: z1 = (−1, 2.5), a1 = (0, 2.5), z2 = 5
    assert m["biases_forgotten"](**KW)["output"] == [5.0]
    # hidden sigmoid, linear output: the mistake applies sigmoid to z2 too
    kw = dict(KW, activation="sigmoid")
    right = FORWARD.func(**kw).answers
    wrong = m["output_activation_applied"](**kw)
    assert wrong["output"][0] == pytest.approx(1 / (1 + math.exp(-right["z2"][0])))
    assert m["output_activation_forgotten"](**kw) == {}
    kw_sig = dict(KW, activation="relu", output="sigmoid")
    assert m["output_activation_forgotten"](**kw_sig)["output"] == [3.5]
    # no ReLU: a1 = z1 = (−1, 1.5), z2 = −1 + 3 + 0.5 = 2.5
    assert m["hidden_activation_forgotten"](**KW)["output"] == [2.5]
    # W1 transposed (square): z1 = (1·1 + 0.5·2 + 0, −1·1 + 1·2 − 1) = (2, 0); W2 is 1×2, used as given: z2 = 2 + 0.5
    wrong = m["w_transposed"](**KW)
    assert wrong["z1"] == [2.0, 0.0] and wrong["output"] == [2.5]
    assert m["w_transposed"](x=[1, 2, 3], W1=[[1, 2, 3]]) == {}
    for fn in m.values():
        assert set(fn(**KW)) <= set(FORWARD.func(**KW).answers)


def test_forward_shape_errors():
    with pytest.raises(SolverInputError) as info:
        FORWARD.func(x=[1, 2, 3], W1=[[1, 2], [3, 4], [5, 6]])
    assert "transposed" in info.value.text.en
    with pytest.raises(SolverInputError):
        FORWARD.func(x=[1, 2], W1=[[1, 2]], W3=[[1]])
    with pytest.raises(SolverInputError):
        FORWARD.func(x=[1, 2], W1=[[1, 2]], b1=[1, 2])
    with pytest.raises(SolverInputError):
        FORWARD.func(x=[1, 2], W1=[[1, 2]], activation="swish")


def test_forward_carries():
    # a student with a wrong a1 = (1, 1) gets z2 = 1 + 2 + 0.5 = 3.5 -> output carried 3.5
    assert FORWARD.carries["output"]({"a1": [1, 1]}, **KW) == [3.5]
    assert FORWARD.carries["output"]({}, **KW) is None
    assert FORWARD.carries["a1"]({"z1": [-2, 3]}, **KW) == [0.0, 3.0]


def test_steps_show_every_layer():
    sol = FORWARD.func(**KW)
    grids = [g for s in sol.steps for g in s.grids]
    assert len(grids) == 2
    assert grids[0].rows[1] == (0.5, 1.0, -1.0, 1.5, 1.5)  # w, w, b, z, a of neuron 2
    text = " ".join(s.substituted for s in sol.steps)
    assert "(−1)·2" in text


def test_forward_layer_carries():
    # own z2 = (1,): linear output 1; own a1 = (1, 0): z2 = 1 + 0 + 0.5 = 1.5; own z1 = (2, -1): a1 = (2, 0)
    assert FORWARD.carries["output"]({"z2": [1], "a1": [0, 0]}, **KW) == [1.0]
    assert FORWARD.carries["z2"]({"a1": [1, 0]}, **KW) == [1.5]
    assert FORWARD.carries["a1"]({"z1": [2, -1]}, **KW) == [2.0, 0.0]
    assert FORWARD.carries["z3"]({"a2": [1]}, **KW) is None  # no third layer
    sig = dict(KW, activation="sigmoid", output="sigmoid")
    assert FORWARD.carries["output"]({"z2": [0]}, **sig) == [0.5]


def test_params_steps_are_language_neutral():
    """Step.formula/result and Grid labels are shown as-is in the Chinese solution: no English words."""
    import re

    sol = PARAMS.func(sizes=[4, 3, 2])
    fields = []
    for step in sol.steps:
        fields += [step.formula, step.result]
        for grid in step.grids:
            fields += list(grid.row_labels) + list(grid.col_labels)
    assert not [f for f in fields if re.search(r"\b(number|sizes|total|of)\b", f)]
