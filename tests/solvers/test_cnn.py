"""Tests for solvers/cnn.py against independent references.

Every expected value here comes from something other than the code under test: a brute-force
sliding-window enumerator, a brute-force list of (output neuron, input/bias) edges, torch's own
layers (output shapes, parameter tensors, FLOP counter), a backwards trace for receptive fields,
and the published LeNet-5 numbers (LeCun et al. 1998).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from solvers import cnn, registry
from solvers.core import SolverInputError

# --------------------------------------------------------------------------- independent references


def window_starts(m: int, k: int, s: int, p: int) -> list[int]:
    """Start offsets (in padded coordinates) of every window of size k, stepped by s, that fits
    entirely inside an input of size m padded with p zeros on each side."""
    padded = m + 2 * p
    return [start for start in range(0, padded, s) if start + k <= padded]


def windows_2d(h: int, w: int, kh: int, kw: int, sh: int, sw: int, ph: int, pw: int) -> tuple[int, int]:
    """Enumerate every 2-D window position and return (distinct rows, distinct columns)."""
    positions = [
        (y0, x0)
        for y0 in range(0, h + 2 * ph, sh)
        for x0 in range(0, w + 2 * pw, sw)
        if y0 + kh <= h + 2 * ph and x0 + kw <= w + 2 * pw
    ]
    rows = {y for y, _ in positions}
    cols = {x for _, x in positions}
    assert len(positions) == len(rows) * len(cols)
    return len(rows), len(cols)


def conv_edges(h, w, d, f, kh, kw, sh, sw, ph, pw, bias):
    """Every (output neuron, source) edge of a conv layer, and the weight each one uses."""
    edges = []
    weights_used = set()
    for oy, y0 in enumerate(window_starts(h, kh, sh, ph)):
        for ox, x0 in enumerate(window_starts(w, kw, sw, pw)):
            for q in range(f):
                out = (oy, ox, q)
                for c in range(d):
                    for dy in range(kh):
                        for dx in range(kw):
                            edges.append((out, ("x", y0 + dy, x0 + dx, c)))
                            weights_used.add(("w", q, c, dy, dx))
                if bias:
                    edges.append((out, ("bias", q)))
                    weights_used.add(("b", q))
    return edges, weights_used


def pool_edges(h, w, d, kh, kw, sh, sw, ph, pw, subsample):
    edges = []
    params_used = set()
    for oy, y0 in enumerate(window_starts(h, kh, sh, ph)):
        for ox, x0 in enumerate(window_starts(w, kw, sw, pw)):
            for c in range(d):
                out = (oy, ox, c)
                for dy in range(kh):
                    for dx in range(kw):
                        edges.append((out, ("x", y0 + dy, x0 + dx, c)))
                if subsample:  # LeNet: one trainable coefficient and one bias per map
                    edges.append((out, ("bias", c)))
                    params_used.update({("coef", c), ("bias", c)})
    return edges, params_used


def rf_inputs(kernels: list[int], strides: list[int], index: int) -> set[int]:
    """Input indices that top-layer neuron ``index`` depends on: going down one layer, position i
    depends on i·s … i·s + k − 1 of the layer below."""
    current = {index}
    for k, s in reversed(list(zip(kernels, strides))):
        current = {j for i in current for j in range(i * s, i * s + k)}
    return current


def rf_trace(kernels: list[int], strides: list[int]) -> tuple[int, int]:
    """Trace top neurons 0 and 1 back to the input; return (extent of neuron 0's region, jump).

    The receptive field is the extent of the input region (max − min + 1). When some kernel is
    smaller than its stride the traced set has holes, so its size can be below the extent; when
    every K ≥ S it is contiguous and both agree (checked in the property test).
    """
    zero, one = rf_inputs(kernels, strides, 0), rf_inputs(kernels, strides, 1)
    return max(zero) - min(zero) + 1, min(one) - min(zero)


def chain_shapes(shape, layers, rule):
    """Chain a per-axis size rule through (kind, cfg) layers written in the test."""
    h, w, d = shape
    out = []
    for kind, cfg in layers:
        k, s, p = cfg["k"], cfg["s"], cfg.get("p", 0)
        h, w = rule(h, k, s, p), rule(w, k, s, p)
        d = cfg["f"] if kind == "conv" else d
        out.append((h, w, d))
    return out


def layer_string(layers) -> str:
    parts = []
    for kind, cfg in layers:
        if kind == "conv":
            parts.append(f"conv:{cfg['f']}:{cfg['k']}:{cfg['s']}:{cfg['p']}")
        else:
            parts.append(f"pool:{cfg['k']}:{cfg['s']}")
    return ",".join(parts)


def mistake(solver_id: str, name: str, **inputs):
    return registry.get(solver_id).mistakes[name](**inputs)


def solve(solver_id: str, **inputs):
    return registry.get(solver_id).func(**inputs).answers


# --------------------------------------------------------------------------- 1. output size vs sliding windows


@settings(max_examples=200, deadline=None)
@given(
    m=st.integers(1, 60),
    k=st.integers(1, 11),
    s=st.integers(1, 5),
    p=st.integers(0, 4),
    d=st.integers(1, 4),
    f=st.integers(1, 5),
)
def test_conv_square_output_size_matches_window_count(m, k, s, p, d, f):
    assume(m + 2 * p >= k)
    n = len(window_starts(m, k, s, p))
    a = solve("cnn.conv2d", input=(m, m, d), filters=f, kernel=k, stride=s, padding=p)
    assert a["out_height"] == n
    assert a["out_width"] == n
    assert a["output_shape"] == (n, n, f)


@settings(max_examples=200, deadline=None)
@given(
    h=st.integers(1, 60),
    w=st.integers(1, 60),
    kh=st.integers(1, 11),
    kw=st.integers(1, 11),
    sh=st.integers(1, 5),
    sw=st.integers(1, 5),
    ph=st.integers(0, 4),
    pw=st.integers(0, 4),
    f=st.integers(1, 5),
)
def test_conv_rectangular_output_size_matches_window_count(h, w, kh, kw, sh, sw, ph, pw, f):
    assume(h + 2 * ph >= kh and w + 2 * pw >= kw)
    rows, cols = windows_2d(h, w, kh, kw, sh, sw, ph, pw)
    a = solve("cnn.conv2d", input=(h, w, 3), filters=f, kernel=(kh, kw), stride=(sh, sw), padding=(ph, pw))
    assert (a["out_height"], a["out_width"]) == (rows, cols)
    assert a["output_shape"] == (rows, cols, f)


@settings(max_examples=200, deadline=None)
@given(
    h=st.integers(1, 60),
    w=st.integers(1, 60),
    kh=st.integers(1, 11),
    kw=st.integers(1, 11),
    sh=st.integers(1, 5),
    sw=st.integers(1, 5),
    ph=st.integers(0, 4),
    pw=st.integers(0, 4),
    d=st.integers(1, 6),
    mode=st.sampled_from(["max", "avg", "subsample"]),
)
def test_pool_output_size_matches_window_count(h, w, kh, kw, sh, sw, ph, pw, d, mode):
    assume(h + 2 * ph >= kh and w + 2 * pw >= kw)
    rows, cols = windows_2d(h, w, kh, kw, sh, sw, ph, pw)
    a = solve("cnn.pool2d", input=(h, w, d), kernel=(kh, kw), stride=(sh, sw), padding=(ph, pw), mode=mode)
    assert (a["out_height"], a["out_width"]) == (rows, cols)
    assert a["output_shape"] == (rows, cols, d)  # pooling keeps the depth


@settings(max_examples=100, deadline=None)
@given(m=st.integers(1, 60), k=st.integers(1, 11))
def test_pool_default_stride_is_the_window(m, k):
    assume(m >= k)
    n = len(window_starts(m, k, k, 0))
    assert solve("cnn.pool2d", input=(m, m, 2), kernel=k)["out_height"] == n


def test_two_number_input_means_one_channel():
    # 10×10 image, 4 filters 3×3: weights 4·1·9 written out from the tensor shape (4, 1, 3, 3)
    a = solve("cnn.conv2d", input=(10, 10), filters=4, kernel=3)
    assert a["output_shape"] == (8, 8, 4)
    assert a["params"] == int(np.prod((4, 1, 3, 3))) + 4


# --------------------------------------------------------------------------- 2. connections / params / MACs by brute force


@settings(max_examples=200, deadline=None)
@given(
    h=st.integers(1, 7),
    w=st.integers(1, 7),
    d=st.integers(1, 3),
    f=st.integers(1, 3),
    kh=st.integers(1, 4),
    kw=st.integers(1, 4),
    sh=st.integers(1, 3),
    sw=st.integers(1, 3),
    ph=st.integers(0, 2),
    pw=st.integers(0, 2),
    bias=st.booleans(),
)
def test_conv_connections_params_macs_by_brute_force(h, w, d, f, kh, kw, sh, sw, ph, pw, bias):
    assume(h + 2 * ph >= kh and w + 2 * pw >= kw)
    edges, used = conv_edges(h, w, d, f, kh, kw, sh, sw, ph, pw, bias)
    assert len(set(edges)) == len(edges)  # the enumerator never double counts
    a = solve("cnn.conv2d", input=(h, w, d), filters=f, kernel=(kh, kw), stride=(sh, sw), padding=(ph, pw), bias=bias)
    assert a["connections"] == len(edges)
    assert a["macs"] == sum(1 for _, src in edges if src[0] == "x")
    # parameters from the weight tensor sizes: W has shape (f, d, kh, kw), b has shape (f,)
    tensor_params = np.zeros((f, d, kh, kw)).size + (np.zeros(f).size if bias else 0)
    assert a["params"] == tensor_params
    assert a["params"] == len(used)  # and every parameter is used by some edge
    assert a["weights"] == np.zeros((f, d, kh, kw)).size


@settings(max_examples=150, deadline=None)
@given(
    h=st.integers(1, 9),
    w=st.integers(1, 9),
    d=st.integers(1, 4),
    k=st.integers(1, 4),
    s=st.integers(1, 3),
    mode=st.sampled_from(["max", "avg", "subsample"]),
)
def test_pool_connections_and_params_by_brute_force(h, w, d, k, s, mode):
    assume(h >= k and w >= k)
    edges, used = pool_edges(h, w, d, k, k, s, s, 0, 0, subsample=mode == "subsample")
    a = solve("cnn.pool2d", input=(h, w, d), kernel=k, stride=s, mode=mode)
    assert a["connections"] == len(edges)
    assert a["params"] == len(used)  # 0 for max/avg, 2 per map for LeNet subsampling


# --------------------------------------------------------------------------- 3. torch


@settings(max_examples=100, deadline=None)
@given(
    h=st.integers(1, 40),
    w=st.integers(1, 40),
    d=st.integers(1, 4),
    f=st.integers(1, 6),
    kh=st.integers(1, 9),
    kw=st.integers(1, 9),
    sh=st.integers(1, 4),
    sw=st.integers(1, 4),
    ph=st.integers(0, 3),
    pw=st.integers(0, 3),
    bias=st.booleans(),
)
def test_conv_against_torch(h, w, d, f, kh, kw, sh, sw, ph, pw, bias):
    torch = pytest.importorskip("torch")
    assume(h + 2 * ph >= kh and w + 2 * pw >= kw)
    # "meta" tensors carry shapes only: torch's own shape rules without the arithmetic
    layer = torch.nn.Conv2d(d, f, (kh, kw), stride=(sh, sw), padding=(ph, pw), bias=bias, device="meta")
    _, c_out, h_out, w_out = layer(torch.zeros(1, d, h, w, device="meta")).shape
    a = solve("cnn.conv2d", input=(h, w, d), filters=f, kernel=(kh, kw), stride=(sh, sw), padding=(ph, pw), bias=bias)
    assert a["output_shape"] == (h_out, w_out, c_out)
    n_params = sum(p.numel() for p in layer.parameters())
    assert a["params"] == n_params
    assert a["weights"] == layer.weight.numel()
    # every output neuron is wired to its weights (+ bias): per-map parameters × output neurons
    assert a["connections"] == (n_params // f) * h_out * w_out * c_out
    # one multiply-accumulate per weight of a filter per output neuron
    assert a["macs"] == h_out * w_out * c_out * (layer.weight.numel() // f)


@pytest.mark.parametrize(
    "h, w, d, f, k, s, p, bias",
    [
        (97, 97, 3, 15, 9, 2, 0, True),
        (32, 32, 1, 6, 5, 1, 0, True),
        (28, 20, 3, 8, (5, 3), (2, 1), (2, 0), False),
        (7, 9, 4, 2, 3, 3, 1, True),
        (1, 1, 5, 3, 1, 1, 0, False),
        (14, 14, 6, 16, 5, 1, 2, True),
    ],
)
def test_conv_macs_against_torch_flop_counter(h, w, d, f, k, s, p, bias):
    torch = pytest.importorskip("torch")
    from torch.utils.flop_counter import FlopCounterMode

    layer = torch.nn.Conv2d(d, f, k, stride=s, padding=p, bias=bias, device="meta")
    with FlopCounterMode(display=False) as counter:
        layer(torch.zeros(1, d, h, w, device="meta"))
    a = solve("cnn.conv2d", input=(h, w, d), filters=f, kernel=k, stride=s, padding=p, bias=bias)
    # torch counts 2 FLOPs (multiply + add) per multiply-accumulate; bias additions not counted
    assert 2 * a["macs"] == counter.get_total_flops()


@pytest.mark.parametrize("pool", ["MaxPool2d", "AvgPool2d"])
@settings(max_examples=60, deadline=None)
@given(
    h=st.integers(1, 30),
    w=st.integers(1, 30),
    d=st.integers(1, 4),
    kh=st.integers(1, 6),
    kw=st.integers(1, 6),
    sh=st.integers(1, 4),
    sw=st.integers(1, 4),
    ph=st.integers(0, 3),
    pw=st.integers(0, 3),
)
def test_pool_shape_against_torch(pool, h, w, d, kh, kw, sh, sw, ph, pw):
    torch = pytest.importorskip("torch")
    # torch requires padding ≤ half the window
    assume(2 * ph <= kh and 2 * pw <= kw)
    assume(h + 2 * ph >= kh and w + 2 * pw >= kw)
    layer = getattr(torch.nn, pool)((kh, kw), stride=(sh, sw), padding=(ph, pw))
    out = layer(torch.zeros(1, d, h, w, device="meta"))
    _, c_out, h_out, w_out = out.shape
    mode = "max" if pool == "MaxPool2d" else "avg"
    a = solve("cnn.pool2d", input=(h, w, d), kernel=(kh, kw), stride=(sh, sw), padding=(ph, pw), mode=mode)
    assert a["output_shape"] == (h_out, w_out, c_out)
    assert a["params"] == sum(p.numel() for p in layer.parameters()) == 0


def test_pool_default_stride_against_torch():
    torch = pytest.importorskip("torch")
    out = torch.nn.MaxPool2d(3)(torch.zeros(1, 5, 17, 11))  # torch's default stride is the window too
    assert solve("cnn.pool2d", input=(17, 11, 5), kernel=3)["output_shape"] == (out.shape[2], out.shape[3], 5)


# --------------------------------------------------------------------------- 4. LeNet-5 (LeCun et al. 1998)

# Published numbers from LeCun, Bottou, Bengio & Haffner, "Gradient-based learning applied to
# document recognition", Proc. IEEE 86(11), 1998, section II.B: (trainable parameters, connections).
LENET_PAPER = {
    "C1": (156, 122_304),
    "S2": (12, 5_880),
    "C3": (1_516, 151_600),
    "S4": (32, 2_000),
    "C5": (48_120, 48_120),
    "F6": (10_164, 10_164),
}

# Output sizes stated in the same section of the paper.
LENET_SHAPES = {
    "C1": (28, 28, 6),
    "S2": (14, 14, 6),
    "C3": (10, 10, 16),
    "S4": (5, 5, 16),
    "C5": (1, 1, 120),
    "F6": (84,),
    "OUTPUT": (10,),
}

# Table I of the paper: rows are S2 feature maps 0–5, columns C3 feature maps 0–15; "X" marks
# that the C3 map reads that S2 map.
PAPER_TABLE_I = [
    "X   XXX  XXXX XX",
    "XX   XXX  XXXX X",
    "XXX   XXX  X XXX",
    " XXX  XXXX  X XX",
    "  XXX  XXXX XX X",
    "   XXX  XXXX XXX",
]


@pytest.mark.parametrize("layer", list(LENET_PAPER))
def test_lenet5_matches_paper(layer):
    params, connections = LENET_PAPER[layer]
    a = solve("cnn.lenet5", layer=layer)
    assert a["params"] == params
    assert a["connections"] == connections
    assert a["output_shape"] == LENET_SHAPES[layer]


def test_lenet5_output_layer():
    # 10 Euclidean RBF units, each with 84 inputs (its centre); no bias term in the paper's RBF
    a = solve("cnn.lenet5", layer="OUTPUT")
    assert a["output_shape"] == LENET_SHAPES["OUTPUT"]
    assert a["params"] == 10 * 84


def test_lenet5_layer_name_is_case_insensitive():
    assert solve("cnn.lenet5", layer="c3")["params"] == LENET_PAPER["C3"][0]


def _paper_columns() -> list[set[int]]:
    assert all(len(row) == 16 for row in PAPER_TABLE_I)
    return [{r for r, row in enumerate(PAPER_TABLE_I) if row[c] == "X"} for c in range(16)]


def test_c3_connection_table_counted_from_the_paper():
    columns = _paper_columns()
    fan_in = [len(c) for c in columns]
    # paper: first six maps take 3 contiguous subsets, next six 4 contiguous, next three 4
    # non-contiguous, the last one all six
    assert fan_in == [3] * 6 + [4] * 6 + [4] * 3 + [6]

    def contiguous(maps: set[int]) -> bool:  # cyclically contiguous over the 6 S2 maps
        return any(maps == {(start + i) % 6 for i in range(len(maps))} for start in range(6))

    assert all(contiguous(columns[c]) for c in range(12))
    assert not any(contiguous(columns[c]) for c in range(12, 15))
    assert columns[15] == set(range(6))
    kernels = sum(fan_in)
    assert kernels == 60
    params = kernels * 5 * 5 + 16  # 60 kernels of 5×5 plus one bias per C3 map
    a = solve("cnn.lenet5", layer="C3")
    assert a["params"] == params == LENET_PAPER["C3"][0]
    assert a["connections"] == params * 10 * 10 == LENET_PAPER["C3"][1]


def test_c3_table_in_solver_is_the_papers():
    assert [set(m) for m in cnn.C3_TABLE] == _paper_columns()


def test_lenet5_layers_against_torch():
    torch = pytest.importorskip("torch")

    def count(module):
        return sum(p.numel() for p in module.parameters())

    c1 = torch.nn.Conv2d(1, 6, 5)
    c5 = torch.nn.Conv2d(16, 120, 5)
    f6 = torch.nn.Linear(120, 84)
    assert solve("cnn.lenet5", layer="C1")["params"] == count(c1)
    assert solve("cnn.lenet5", layer="C5")["params"] == count(c5)
    assert solve("cnn.lenet5", layer="F6")["params"] == count(f6)
    assert tuple(c1(torch.zeros(1, 1, 32, 32)).shape[1:]) == (6, 28, 28)


def test_lenet5_unknown_layer():
    with pytest.raises(SolverInputError):
        cnn.lenet5("C7")


# --------------------------------------------------------------------------- 5. the 2020 exam question


def test_exam_2020_question():
    # 97×97×3 input, 15 filters 9×9, stride 2, no padding:
    #   (97 − 9)/2 + 1 = 88/2 + 1 = 45  → 45×45×15
    #   params 15·3·81 + 15 = 3645 + 15 = 3660
    #   connections 3660·45·45 = 7,411,500 ; MACs 45·45·15·(3·81) = 7,381,125
    a = solve("cnn.conv2d", input=(97, 97, 3), filters=15, kernel=9, stride=2, padding=0)
    assert a["output_shape"] == (45, 45, 15)
    assert a["params"] == 3660
    assert a["weights"] == 3645
    assert a["connections"] == 7_411_500
    assert a["macs"] == 7_381_125


def test_exam_2020_question_against_torch():
    torch = pytest.importorskip("torch")
    layer = torch.nn.Conv2d(3, 15, 9, stride=2)
    out = layer(torch.zeros(1, 3, 97, 97))
    assert tuple(out.shape) == (1, 15, 45, 45)
    assert sum(p.numel() for p in layer.parameters()) == 3660


# --------------------------------------------------------------------------- 6. receptive field


@settings(max_examples=200, deadline=None)
@given(data=st.data(), n=st.integers(1, 4))
def test_receptive_field_by_backward_trace(data, n):
    kernels = data.draw(st.lists(st.integers(1, 7), min_size=n, max_size=n))
    strides = data.draw(st.lists(st.integers(1, 3), min_size=n, max_size=n))
    extent, jump = rf_trace(kernels, strides)
    a = solve("cnn.receptive_field", kernels=kernels, strides=strides)
    assert a["rf"] == extent
    assert a["jump"] == jump
    if all(k >= s for k, s in zip(kernels, strides)):
        # no holes: the number of input pixels the neuron depends on is the receptive field
        assert len(rf_inputs(kernels, strides, 0)) == a["rf"]


def test_receptive_field_with_holes():
    # K=1, S=2 then K=2: top neuron 0 reads layer-1 neurons {0, 1}, i.e. input pixels {0, 2};
    # the region spans 3 pixels (pixel 1 lies inside it but is skipped)
    assert rf_inputs([1, 2], [2, 1], 0) == {0, 2}
    assert solve("cnn.receptive_field", kernels=[1, 2], strides=[2, 1])["rf"] == 3


@pytest.mark.parametrize(
    "kernels, strides, rf",
    [
        ([3, 3], [1, 1], 5),  # two stacked 3×3 convs see 5×5
        ([3, 3, 3], [1, 1, 1], 7),  # three see 7×7 (VGG argument)
        ([5, 2, 5, 2], [1, 2, 1, 2], 16),  # LeNet C1,S2,C3,S4: 5 → 6 → 14 → 16
        ([11, 3], [4, 2], 19),  # AlexNet conv1 + pool1: 11 + (3−1)·4
    ],
)
def test_receptive_field_known_values(kernels, strides, rf):
    assert solve("cnn.receptive_field", kernels=kernels, strides=strides)["rf"] == rf
    assert rf_trace(kernels, strides)[0] == rf


# --------------------------------------------------------------------------- 7. conv_stack

conv_cfg = st.fixed_dictionaries(
    {"f": st.integers(1, 6), "k": st.integers(1, 5), "s": st.integers(1, 3), "p": st.integers(0, 2)}
).map(lambda c: ("conv", c))
pool_cfg = st.fixed_dictionaries({"k": st.integers(1, 3), "s": st.integers(1, 3)}).map(lambda c: ("pool", c))


def _brute_rule(m, k, s, p):
    if m + 2 * p < k:
        return None
    return len(window_starts(m, k, s, p))


def _brute_chain(shape, layers):
    h, w, d = shape
    out = []
    for kind, cfg in layers:
        h2 = _brute_rule(h, cfg["k"], cfg["s"], cfg.get("p", 0))
        w2 = _brute_rule(w, cfg["k"], cfg["s"], cfg.get("p", 0))
        if h2 is None or w2 is None:
            return None
        h, w = h2, w2
        d = cfg["f"] if kind == "conv" else d
        out.append((h, w, d))
    return out


def _tensor_params(shape, layers):
    d = shape[2]
    total = 0
    for kind, cfg in layers:
        if kind == "conv":
            total += np.zeros((cfg["f"], d, cfg["k"], cfg["k"])).size + np.zeros(cfg["f"]).size
            d = cfg["f"]
    return total


@settings(max_examples=150, deadline=None)
@given(
    h=st.integers(1, 40),
    w=st.integers(1, 40),
    d=st.integers(1, 4),
    layers=st.lists(st.one_of(conv_cfg, pool_cfg), min_size=1, max_size=4),
)
def test_conv_stack_matches_chained_window_count(h, w, d, layers):
    shapes = _brute_chain((h, w, d), layers)
    assume(shapes is not None)
    a = solve("cnn.conv_stack", input=(h, w, d), layers=layer_string(layers))
    assert [tuple(s) for s in a["shapes"]] == shapes
    assert tuple(a["output_shape"]) == shapes[-1]
    assert a["params"] == _tensor_params((h, w, d), layers)


@settings(max_examples=80, deadline=None)
@given(
    h=st.integers(4, 40),
    w=st.integers(4, 32),
    d=st.integers(1, 4),
    layers=st.lists(st.one_of(conv_cfg, pool_cfg), min_size=1, max_size=4),
)
def test_conv_stack_against_torch_sequential(h, w, d, layers):
    torch = pytest.importorskip("torch")
    assume(_brute_chain((h, w, d), layers) is not None)
    modules = []
    channels = d
    for kind, cfg in layers:
        if kind == "conv":
            modules.append(
                torch.nn.Conv2d(channels, cfg["f"], cfg["k"], stride=cfg["s"], padding=cfg["p"], device="meta")
            )
            channels = cfg["f"]
        else:
            modules.append(torch.nn.MaxPool2d(cfg["k"], stride=cfg["s"]))
    net = torch.nn.Sequential(*modules)
    x = torch.zeros(1, d, h, w, device="meta")
    torch_shapes = []
    with torch.no_grad():
        for module in net:
            x = module(x)
            torch_shapes.append((x.shape[2], x.shape[3], x.shape[1]))
    a = solve("cnn.conv_stack", input=(h, w, d), layers=layer_string(layers))
    assert [tuple(s) for s in a["shapes"]] == torch_shapes
    assert tuple(a["output_shape"]) == torch_shapes[-1]
    assert a["params"] == sum(p.numel() for p in net.parameters())


def test_conv_stack_short_forms():
    # "conv:F:K" means stride 1, padding 0; "pool:K" means stride K; ';' separates like ','
    a = solve("cnn.conv_stack", input=(32, 32, 3), layers="conv:6:5; pool:2")
    # 32 − 5 + 1 = 28 ; 28 / 2 = 14
    assert tuple(a["output_shape"]) == (14, 14, 6)
    assert a["params"] == 6 * 3 * 25 + 6


# --------------------------------------------------------------------------- 8. bottleneck


def _bottleneck_tensors(d, p, k, r):
    direct = np.zeros((p, d, k, k)).size + np.zeros(p).size
    reduce = np.zeros((r, d, 1, 1)).size + np.zeros(r).size
    main = np.zeros((p, r, k, k)).size + np.zeros(p).size
    return direct, reduce + main


@pytest.mark.parametrize("d, p, k, r", [(256, 256, 3, 64), (192, 32, 5, 16), (3, 8, 3, 1), (64, 128, 1, 32)])
def test_bottleneck_from_weight_tensors(d, p, k, r):
    direct, via = _bottleneck_tensors(d, p, k, r)
    a = solve("cnn.bottleneck", channels=d, filters=p, kernel=k, reduce=r)
    assert a["params_direct"] == direct
    assert a["params_bottleneck"] == via
    assert a["saved"] == direct - via


def test_bottleneck_known_value():
    # 256 → 256 with 3×3: direct 256·256·9 + 256 = 590,080
    # via 64: (64·256 + 64) + (256·64·9 + 256) = 16,448 + 147,712 = 164,160 ; saved 425,920
    a = solve("cnn.bottleneck", channels=256, filters=256, kernel=3, reduce=64)
    assert (a["params_direct"], a["params_bottleneck"], a["saved"]) == (590_080, 164_160, 425_920)


@settings(max_examples=30, deadline=None)
@given(d=st.integers(1, 64), p=st.integers(1, 64), k=st.integers(1, 5), r=st.integers(1, 64))
def test_bottleneck_against_torch(d, p, k, r):
    torch = pytest.importorskip("torch")

    def count(module):
        return sum(x.numel() for x in module.parameters())

    direct = torch.nn.Conv2d(d, p, k, device="meta")
    via = torch.nn.Sequential(torch.nn.Conv2d(d, r, 1, device="meta"), torch.nn.Conv2d(r, p, k, device="meta"))
    a = solve("cnn.bottleneck", channels=d, filters=p, kernel=k, reduce=r)
    assert a["params_direct"] == count(direct)
    assert a["params_bottleneck"] == count(via)
    assert a["saved"] == count(direct) - count(via)


# --------------------------------------------------------------------------- 9. mistake generators

# typical input: 28×28×3, 8 filters 5×5, stride 2, padding 2 → ⌊27/2⌋ + 1 = 14 → 14×14×8
TYPICAL = dict(input=(28, 28, 3), filters=8, kernel=5, stride=2, padding=2)


def test_conv_mistakes_on_typical_input():
    right = solve("cnn.conv2d", **TYPICAL)
    m, k, s, p, d, f = 28, 5, 2, 2, 3, 8
    expected = {
        # the bias is forgotten: weights only
        "no_bias": {"params": f * d * k * k, "connections": f * d * k * k * 14 * 14},
        # kernels treated as K×K without depth
        "channels_forgotten": {
            "params": f * k * k + f,
            "connections": (f * k * k + f) * 14 * 14,
            "macs": 14 * 14 * f * k * k,
        },
        # (M − K + 2P)/S + 1 without floor: 27/2 + 1 = 14.5
        "no_floor": {"out_height": 14.5, "out_width": 14.5},
        # ceil(27/2) + 1 = 15
        "rounded_up": {"out_height": 15, "out_width": 15},
        # padding added once: (28 − 5 + 2)//2 + 1 = 13
        "padding_once": {"out_height": (m - k + p) // s + 1, "out_width": 13},
        # stride treated as 1: 28 − 5 + 4 + 1 = 28
        "stride_ignored": {"out_height": m - k + 2 * p + 1, "out_width": 28},
        # ⌊27/2⌋ = 13
        "plus_one_forgotten": {"out_height": 13, "out_width": 13},
        # connections of one output map only
        "connections_one_map": {"connections": (d * k * k + 1) * 14 * 14},
        # connections reported as the parameter count
        "connections_as_params": {"connections": f * d * k * k + f},
    }
    assert set(expected) <= set(registry.get("cnn.conv2d").mistakes)
    for name, values in expected.items():
        predicted = mistake("cnn.conv2d", name, **TYPICAL)
        for key, value in values.items():
            assert predicted[key] == value, (name, key)
            assert predicted[key] != right[key], (name, key)


@pytest.mark.parametrize("m, k, s, p", [(32, 5, 1, 2), (10, 3, 1, 1), (97, 9, 2, 3), (15, 4, 3, 4)])
def test_padding_once_misconception(m, k, s, p):
    got = mistake("cnn.conv2d", "padding_once", input=(m, m, 1), filters=1, kernel=k, stride=s, padding=p)
    assert got["out_height"] == (m - k + p) // s + 1
    right = len(window_starts(m, k, s, p))
    assert got["out_height"] != right


@settings(max_examples=100, deadline=None)
@given(m=st.integers(1, 60), k=st.integers(1, 11), s=st.integers(2, 5), p=st.integers(0, 4))
def test_no_floor_is_fractional_exactly_when_division_is_inexact(m, k, s, p):
    assume(m + 2 * p >= k)
    got = mistake("cnn.conv2d", "no_floor", input=(m, m, 1), filters=1, kernel=k, stride=s, padding=p)
    value = got["out_height"]
    assert value == pytest.approx((m - k + 2 * p) / s + 1)
    assert (value != int(value)) == ((m - k + 2 * p) % s != 0)


def test_no_bias_is_params_minus_filters():
    right = solve("cnn.conv2d", **TYPICAL)
    got = mistake("cnn.conv2d", "no_bias", **TYPICAL)
    assert got["params"] == right["params"] - TYPICAL["filters"]


def test_pool_mistakes():
    inputs = dict(input=(28, 28, 6), kernel=2, mode="subsample")
    right = solve("cnn.pool2d", **inputs)
    assert (right["params"], right["connections"]) == (12, 5_880)  # LeNet S2
    as_conv = mistake("cnn.pool2d", "pool_as_conv", **inputs)
    assert as_conv["params"] == 6 * (2 * 2 + 1) != right["params"]
    no_bias = mistake("cnn.pool2d", "subsample_no_bias", **inputs)
    assert no_bias["params"] == 6 != right["params"]
    assert no_bias["connections"] == 2 * 2 * 14 * 14 * 6 != right["connections"]
    stride_one = mistake("cnn.pool2d", "stride_one", **inputs)
    assert stride_one["output_shape"] == (27, 27, 6) != right["output_shape"]  # 28 − 2 + 1


def test_conv_stack_mistakes():
    layers = [
        ("conv", {"f": 8, "k": 3, "s": 2, "p": 1}),
        ("pool", {"k": 2, "s": 2}),
        ("conv", {"f": 16, "k": 5, "s": 1, "p": 2}),
    ]
    inputs = dict(input=(32, 32, 3), layers=layer_string(layers))
    right = solve("cnn.conv_stack", **inputs)
    assert tuple(right["output_shape"]) == (8, 8, 16)
    rules = {
        "no_floor": lambda m, k, s, p: (m - k + 2 * p) / s + 1,  # 16.5 → 8.25 → 8.25
        "padding_once": lambda m, k, s, p: (m - k + p) // s + 1,  # 16 → 8 → 6
        "stride_ignored": lambda m, k, s, p: m - k + 2 * p + 1,  # 32 → 31 → 31
    }
    literal = {"no_floor": (8.25, 8.25, 16), "padding_once": (6, 6, 16), "stride_ignored": (31, 31, 16)}
    for name, rule in rules.items():
        got = mistake("cnn.conv_stack", name, **inputs)["output_shape"]
        assert tuple(got) == chain_shapes((32, 32, 3), layers, rule)[-1] == literal[name], name
        assert tuple(got) != tuple(right["output_shape"]), name


def test_receptive_field_mistakes():
    kernels, strides = [3, 3, 3], [2, 2, 1]
    right = solve("cnn.receptive_field", kernels=kernels, strides=strides)["rf"]
    assert right == rf_trace(kernels, strides)[0] == 15
    cases = {
        "strides_ignored": 1 + sum(k - 1 for k in kernels),  # 7
        "kernels_multiplied": math.prod(kernels),  # 27
        # each layer's own stride included in its jump: 1 + Σ (K_l − 1)·S_1⋯S_l = 1 + 4 + 8 + 8
        "own_stride_counted": 1 + sum((k - 1) * math.prod(strides[: i + 1]) for i, k in enumerate(kernels)),
    }
    assert cases == {"strides_ignored": 7, "kernels_multiplied": 27, "own_stride_counted": 21}
    for name, value in cases.items():
        got = mistake("cnn.receptive_field", name, kernels=kernels, strides=strides)["rf"]
        assert got == value != right, name


def test_lenet_mistakes():
    c3_full = mistake("cnn.lenet5", "c3_fully_connected", layer="C3")
    assert c3_full["params"] == 16 * (6 * 25 + 1) != LENET_PAPER["C3"][0]
    assert c3_full["connections"] == 16 * (6 * 25 + 1) * 100 != LENET_PAPER["C3"][1]
    assert mistake("cnn.lenet5", "c3_fully_connected", layer="C1") == {}
    # subsampling taken as a 2×2 depthwise convolution: 4 weights + 1 bias per map
    assert mistake("cnn.lenet5", "subsample_as_conv", layer="S2")["params"] == 6 * (4 + 1) != LENET_PAPER["S2"][0]
    assert mistake("cnn.lenet5", "subsample_as_conv", layer="S4")["params"] == 16 * (4 + 1) != LENET_PAPER["S4"][0]
    # biases forgotten: paper params minus one bias per map / unit
    no_bias = {"C1": 6, "C3": 16, "C5": 120, "F6": 84}
    for layer, biases in no_bias.items():
        got = mistake("cnn.lenet5", "no_bias", layer=layer)
        assert got["params"] == LENET_PAPER[layer][0] - biases, layer
    assert mistake("cnn.lenet5", "no_bias", layer="C1")["connections"] == 150 * 28 * 28


def test_bottleneck_mistakes():
    d, p, k, r = 256, 256, 3, 64
    direct, via = _bottleneck_tensors(d, p, k, r)
    main_only = np.zeros((p, r, k, k)).size + p
    forgot = mistake("cnn.bottleneck", "forgot_reduction_layer", channels=d, filters=p, kernel=k, reduce=r)
    assert forgot["params_bottleneck"] == main_only != via
    assert forgot["saved"] == direct - main_only
    no_bias = mistake("cnn.bottleneck", "no_bias", channels=d, filters=p, kernel=k, reduce=r)
    assert no_bias["params_direct"] == direct - p
    assert no_bias["params_bottleneck"] == via - r - p


# --------------------------------------------------------------------------- 10. bad inputs


@settings(max_examples=100, deadline=None)
@given(m=st.integers(1, 20), k=st.integers(1, 30), p=st.integers(0, 4), s=st.integers(1, 5))
def test_kernel_larger_than_padded_input_raises(m, k, p, s):
    assume(m + 2 * p < k)
    assert window_starts(m, k, s, p) == []  # no window fits
    with pytest.raises(SolverInputError):
        cnn.conv2d((m, m, 1), 1, k, s, p)
    with pytest.raises(SolverInputError):
        cnn.pool2d((m, m, 1), k, s, p)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(input=(8, 8, 3), filters=4, kernel=3, stride=0),
        dict(input=(8, 8, 3), filters=4, kernel=3, stride=(1, 0)),
        dict(input=(8, 8, 3), filters=4, kernel=3, stride=-1),
        dict(input=(8, 8, 3), filters=0, kernel=3),
        dict(input=(8, 8, 3), filters=4, kernel=0),
        dict(input=(8, 8, 3), filters=4, kernel=3, padding=-1),
        dict(input=(8, 8, 3, 2), filters=4, kernel=3),
        dict(input=(8, 8, 0), filters=4, kernel=3),
        dict(input=(4, 4, 1), filters=1, kernel=(3, 7)),
    ],
)
def test_conv2d_bad_inputs(kwargs):
    with pytest.raises(SolverInputError):
        cnn.conv2d(**kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(input=(8, 8, 3), kernel=2, stride=-1),
        dict(input=(8, 8, 3), kernel=0),
        dict(input=(8, 8, 3), kernel=2, padding=-1),
    ],
)
def test_pool2d_bad_inputs(kwargs):
    with pytest.raises(SolverInputError):
        cnn.pool2d(**kwargs)


@pytest.mark.parametrize(
    "layers",
    [
        "conv:3",  # filters without kernel
        "dense:4",  # unknown layer kind
        "conv:a:3",
        "pool:",
        "pool:2:2:2",
        "conv:4:3:1:1:1",
        "",
        " , ; ",
        "conv:4:9",  # kernel larger than the 8×8 input
        "conv:4:3,pool:7",  # pool window larger than the 6×6 map
    ],
)
def test_conv_stack_malformed_or_impossible(layers):
    with pytest.raises(SolverInputError):
        cnn.conv_stack((8, 8, 3), layers)


@pytest.mark.parametrize(
    "layers",
    [
        "conv:4:3:0",  # zero stride
        "pool:2:0",  # zero stride
        "conv:0:3",  # no filters
        "conv:4:0",  # zero kernel
        "conv:4:3:1:-1",  # negative padding
    ],
)
def test_conv_stack_rejects_the_values_conv2d_rejects(layers):
    with pytest.raises(SolverInputError):
        cnn.conv_stack((8, 8, 3), layers)


@pytest.mark.parametrize(
    "kernels, strides",
    [([3, 3], [1]), ([], []), ([3, 0], [1, 1]), ([3, 3], [1, 0])],
)
def test_receptive_field_bad_inputs(kernels, strides):
    with pytest.raises(SolverInputError):
        cnn.receptive_field(kernels, strides)


@pytest.mark.parametrize("field", ["channels", "filters", "kernel", "reduce"])
def test_bottleneck_bad_inputs(field):
    inputs = dict(channels=64, filters=64, kernel=3, reduce=16)
    inputs[field] = 0
    with pytest.raises(SolverInputError):
        cnn.bottleneck(**inputs)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_connections_step_speaks_of_a_bias_only_when_there_is_one(lang):
    from solvers.cnn import conv2d

    def connections_text(bias: bool) -> str:
        step = next(s for s in conv2d((12, 12, 16), 32, 1, bias=bias).steps if s.what.en.startswith("Connections"))
        return step.what.get(lang)

    plus_bias = {"en": "plus the bias", "zh": "加上偏置"}[lang]
    assert plus_bias in connections_text(True)
    assert plus_bias not in connections_text(False)
