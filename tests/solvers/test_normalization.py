"""Normalization solvers against hand-written loops, the statistics module and PyTorch."""

from __future__ import annotations

import json
import math
import statistics

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers import registry
from solvers.core import SolverInputError, Step, Text

BN = registry.get("normalization.batchnorm")
LN = registry.get("normalization.layernorm")
BN_LAYER = registry.get("normalization.bn_layer")
MINMAX = registry.get("normalization.minmax")
STANDARDIZE = registry.get("normalization.standardize")


def loop_norm(x, axis, gamma=None, beta=None, eps=1e-5, ddof=0, root=True, center=True):
    """Plain-Python batch norm (axis 0: per column) or layer norm (axis 1: per row)."""
    k, n = len(x), len(x[0])
    gamma = gamma or [1.0] * n
    beta = beta or [0.0] * n
    out = [[0.0] * n for _ in range(k)]
    means, variances = [], []
    groups = (
        [[(i, j) for i in range(k)] for j in range(n)] if axis == 0 else [[(i, j) for j in range(n)] for i in range(k)]
    )
    for cells in groups:
        vals = [x[i][j] for i, j in cells]
        mu = sum(vals) / len(vals)
        var = sum((v - mu) ** 2 for v in vals) / (len(vals) - ddof)
        means.append(mu)
        variances.append(var)
        scale = math.sqrt(var + eps) if root else var + eps
        for i, j in cells:
            top = x[i][j] - mu if center else x[i][j]
            out[i][j] = gamma[j] * top / scale + beta[j]
    return out, means, variances


def close(a, b, tol=1e-9):
    return np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=tol, atol=tol)


matrices = st.integers(2, 5).flatmap(
    lambda k: st.integers(2, 4).flatmap(
        lambda n: st.lists(st.lists(st.integers(-9, 9), min_size=n, max_size=n), min_size=k, max_size=k)
    )
)


# ----------------------------------------------------------------------------- batch norm


def test_batchnorm_worked_example():
    # x = [[1,2],[3,6],[5,4]]: column 1 mean (1+3+5)/3 = 3, var (4+0+4)/3 = 8/3;
    # column 2 mean (2+6+4)/3 = 4, var (4+4+0)/3 = 8/3. With eps = 0 the first output is
    # (1-3)/sqrt(8/3) = -1.224745; with gamma = 2, beta = 0.5 it is 2*(-1.224745)+0.5 = -1.949490.
    sol = BN.func([[1, 2], [3, 6], [5, 4]], eps=0.0, gamma=[2, 1], beta=[0.5])
    assert sol.answers["mean"] == pytest.approx([3, 4])
    assert sol.answers["var"] == pytest.approx([8 / 3, 8 / 3])
    assert sol.answers["output"][0][0] == pytest.approx(-1.949490, abs=1e-6)
    assert sol.answers["output"][1][0] == pytest.approx(0.5)  # x = mean -> beta
    assert sol.answers["output"][0][1] == pytest.approx(-2 / math.sqrt(8 / 3) + 0.5)


@settings(max_examples=50, deadline=None)
@given(matrices)
def test_batchnorm_matches_loop(x):
    sol = BN.func(x, eps=0.5, gamma=[1.5] * len(x[0]), beta=[-1.0])
    out, means, variances = loop_norm(x, 0, [1.5] * len(x[0]), [-1.0] * len(x[0]), eps=0.5)
    assert close(sol.answers["output"], out)
    assert close(sol.answers["mean"], means)
    assert close(sol.answers["var"], variances)


@settings(max_examples=50, deadline=None)
@given(matrices)
def test_batchnorm_columns_have_mean_zero(x):
    out = np.array(BN.func(x).answers["output"])
    assert np.allclose(out.mean(axis=0), 0.0, atol=1e-9)
    # variance 1 wherever the column is not constant (eps = 1e-5 is negligible next to var >= 1/25)
    raw = np.array(x, dtype=float)
    for j in range(raw.shape[1]):
        if raw[:, j].var() > 0:
            assert out[:, j].var() == pytest.approx(1.0, rel=1e-3)


def test_batchnorm_against_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x = [[1.0, -2.0, 0.5], [3.0, 0.0, 2.5], [-1.0, 4.0, 1.0], [2.0, 1.0, -3.0]]
    gamma, beta = [0.5, 2.0, -1.0], [1.0, 0.0, 0.25]
    sol = BN.func(x, eps=1e-3, gamma=gamma, beta=beta)
    ref = F.batch_norm(
        torch.tensor(x, dtype=torch.float64),
        None,
        None,
        weight=torch.tensor(gamma, dtype=torch.float64),
        bias=torch.tensor(beta, dtype=torch.float64),
        training=True,
        eps=1e-3,
    )
    assert close(sol.answers["output"], ref.numpy())


@settings(max_examples=30, deadline=None)
@given(matrices)
def test_batchnorm_against_torch_random(x):
    torch = pytest.importorskip("torch")
    ref = torch.nn.functional.batch_norm(torch.tensor(x, dtype=torch.float64), None, None, training=True, eps=1e-5)
    assert close(BN.func(x).answers["output"], ref.numpy(), 1e-7)


def test_gamma_beta_broadcast_and_errors():
    x = [[1, 2], [3, 5]]
    a = BN.func(x, gamma=[2], beta=[1]).answers["output"]
    b = BN.func(x, gamma=[2, 2], beta=[1, 1]).answers["output"]
    c = BN.func(x, gamma=2, beta=1).answers["output"]
    assert close(a, b) and close(a, c)
    with pytest.raises(SolverInputError):
        BN.func(x, gamma=[1, 2, 3])
    with pytest.raises(SolverInputError):
        BN.func([[1, 2]])  # one sample: no batch statistics
    with pytest.raises(SolverInputError):
        BN.func([[1, 2], [3]])  # ragged
    with pytest.raises(SolverInputError):
        BN.func([[1, 2], [1, 3]], eps=0.0)  # constant column and no eps


# ----------------------------------------------------------------------------- layer norm


def test_layernorm_worked_example():
    # one sample (2, 4, 6, 8): mean 5, var (9+1+1+9)/4 = 5, so 2 -> (2-5)/sqrt(5) = -1.341641
    sol = LN.func([[2, 4, 6, 8]], eps=0.0)
    assert sol.answers["mean"] == pytest.approx([5])
    assert sol.answers["var"] == pytest.approx([5])
    assert sol.answers["output"][0] == pytest.approx([-3 / 5**0.5, -1 / 5**0.5, 1 / 5**0.5, 3 / 5**0.5])


@settings(max_examples=50, deadline=None)
@given(matrices)
def test_layernorm_rows_have_mean_zero_and_match_loop(x):
    sol = LN.func(x, eps=0.25, gamma=[2.0], beta=[0.0])
    out, means, variances = loop_norm(x, 1, [2.0] * len(x[0]), [0.0] * len(x[0]), eps=0.25)
    assert close(sol.answers["output"], out)
    assert close(sol.answers["mean"], means)
    assert close(sol.answers["var"], variances)
    plain = np.array(LN.func(x).answers["output"])
    assert np.allclose(plain.mean(axis=1), 0.0, atol=1e-9)


def test_layernorm_against_torch():
    torch = pytest.importorskip("torch")
    x = [[1.0, -2.0, 0.5, 4.0], [3.0, 0.0, 2.5, 2.5]]
    gamma, beta = [0.5, 2.0, -1.0, 1.0], [1.0, 0.0, 0.25, -0.5]
    sol = LN.func(x, eps=1e-5, gamma=gamma, beta=beta)
    ref = torch.nn.functional.layer_norm(
        torch.tensor(x, dtype=torch.float64),
        (4,),
        weight=torch.tensor(gamma, dtype=torch.float64),
        bias=torch.tensor(beta, dtype=torch.float64),
        eps=1e-5,
    )
    assert close(sol.answers["output"], ref.numpy())


def test_layernorm_needs_two_neurons():
    with pytest.raises(SolverInputError):
        LN.func([[1], [2]])


# ----------------------------------------------------------------------------- mistakes

X = [[1, 2, 0], [3, 6, 1], [5, 4, 5], [7, 0, 2]]
G, B = [2.0, 0.5, 1.0], [1.0, -1.0, 0.5]


def test_bn_mistakes():
    right = BN.func(X, eps=1e-5, gamma=G, beta=B).answers
    m = BN.mistakes
    cases = {
        "unbiased_variance": loop_norm(X, 0, G, B, ddof=1)[0],
        "bn_over_features": loop_norm(X, 1, G, B)[0],
        "gamma_beta_swapped": loop_norm(X, 0, B, G)[0],
        "std_instead_of_var": loop_norm(X, 0, G, B, root=False)[0],
        "mean_not_subtracted": loop_norm(X, 0, G, B, center=False)[0],
        "eps_forgotten": loop_norm(X, 0, G, B, eps=0.0)[0],
    }
    for name, expected in cases.items():
        wrong = m[name](X, eps=1e-5, gamma=G, beta=B)
        assert close(wrong["output"], expected), name
        assert set(wrong) <= set(right), name
        if name != "eps_forgotten":  # only visible with a large eps (checked below)
            assert not close(wrong["output"], right["output"], 1e-3), name
    assert m["unbiased_variance"](X, gamma=G, beta=B)["var"] == pytest.approx(
        [statistics.variance(col) for col in zip(*X, strict=True)]
    )
    assert len(m["bn_over_features"](X)["mean"]) == len(X)  # one mean per sample: the wrong direction
    big_eps = m["eps_forgotten"](X, eps=1.0)["output"]
    assert not close(big_eps, BN.func(X, eps=1.0).answers["output"], 1e-3)


def test_ln_mistakes():
    right = LN.func(X, gamma=G, beta=B).answers
    for name, expected in {
        "gamma_beta_swapped": loop_norm(X, 1, B, G)[0],
        "std_instead_of_var": loop_norm(X, 1, G, B, root=False)[0],
        "mean_not_subtracted": loop_norm(X, 1, G, B, center=False)[0],
        "eps_forgotten": loop_norm(X, 1, G, B, eps=0.0)[0],
    }.items():
        wrong = LN.mistakes[name](X, gamma=G, beta=B)
        assert close(wrong["output"], expected), name
        if name != "eps_forgotten":
            assert not close(wrong["output"], right["output"], 1e-3), name
    wrong = LN.mistakes["ln_over_batch"](X, gamma=G, beta=B)
    assert close(wrong["output"], loop_norm(X, 0, G, B)[0])
    assert not close(wrong["output"], right["output"], 1e-3)
    wrong = LN.mistakes["unbiased_variance"](X, gamma=G, beta=B)
    assert close(wrong["output"], loop_norm(X, 1, G, B, ddof=1)[0])
    assert wrong["var"] == pytest.approx([statistics.variance(row) for row in X])


def test_mistakes_return_json_and_known_keys():
    for spec, args in ((BN, (X,)), (LN, (X,)), (MINMAX, ([1, 4, 9],)), (STANDARDIZE, ([1, 4, 9],))):
        answers = spec.func(*args).answers
        json.dumps(answers)
        for name, fn in spec.mistakes.items():
            wrong = fn(*args)
            json.dumps(wrong)
            assert set(wrong) <= set(answers), (spec.id, name)


def test_output_carried_from_own_mean_and_var():
    x = [[1, 2], [3, 6], [5, 4]]
    right = BN.func(x)
    carried = BN.carries["output"]({"mean": right.answers["mean"], "var": right.answers["var"]}, x=x)
    assert close(carried, right.answers["output"], 1e-12)
    # a student with the unbiased variance gets an output consistent with it
    own = BN.carries["output"]({"mean": [3, 4], "var": [4, 4]}, x=x)
    assert own[0][0] == pytest.approx((1 - 3) / math.sqrt(4 + 1e-5))
    assert BN.carries["output"]({"mean": [3]}, x=x) is None
    assert LN.carries["output"]({"mean": [3, 4], "var": [1, 1]}, x=x) is None  # LN needs one per row


# ----------------------------------------------------------------------------- BN inside a layer

A = [[1, 2], [0, 1], [2, -1], [1, 1]]
W = [[1, -1], [0.5, 1], [2, 0]]


def test_bn_layer_against_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    b = [1.0, 0.0, -2.0]
    for act, fn in (("relu", torch.relu), ("sigmoid", torch.sigmoid), ("tanh", torch.tanh)):
        sol = BN_LAYER.func(A, W, b=b, activation=act, gamma=[1, 2, 0.5], beta=[0, 1, -1])
        z = F.linear(
            torch.tensor(A, dtype=torch.float64),
            torch.tensor(W, dtype=torch.float64),
            torch.tensor(b, dtype=torch.float64),
        )
        bn = F.batch_norm(
            z,
            None,
            None,
            weight=torch.tensor([1, 2, 0.5], dtype=torch.float64),
            bias=torch.tensor([0, 1, -1], dtype=torch.float64),
            training=True,
            eps=1e-5,
        )
        assert close(sol.answers["z"], z.numpy())
        assert close(sol.answers["bn"], bn.numpy())
        assert close(sol.answers["output"], fn(bn).numpy())
        assert sol.answers["placement"] == "a"
        after = BN_LAYER.mistakes["bn_after_activation"](A, W, b=b, activation=act, gamma=[1, 2, 0.5], beta=[0, 1, -1])
        ref_after = F.batch_norm(
            fn(z),
            None,
            None,
            weight=torch.tensor([1, 2, 0.5], dtype=torch.float64),
            bias=torch.tensor([0, 1, -1], dtype=torch.float64),
            training=True,
            eps=1e-5,
        )
        assert close(after["output"], ref_after.numpy())
        assert after["placement"] == "b"
        before = BN_LAYER.mistakes["bn_before_linear"](A, W, b=b, activation=act)
        ref_before = fn(
            F.linear(
                F.batch_norm(torch.tensor(A, dtype=torch.float64), None, None, training=True, eps=1e-5),
                torch.tensor(W, dtype=torch.float64),
                torch.tensor(b, dtype=torch.float64),
            )
        )
        assert close(before["output"], ref_before.numpy())
        assert before["placement"] == "c"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-5, 5), min_size=3, max_size=3))
def test_bn_makes_the_bias_redundant(b):
    base = BN_LAYER.func(A, W, activation="sigmoid").answers["output"]
    shifted = BN_LAYER.func(A, W, b=b, activation="sigmoid").answers["output"]
    assert close(base, shifted, 1e-9)


def test_bn_layer_unbiased_mistake_and_carry():
    # z = A·Wᵀ (b = 0); the unbiased variance of each column of z, by hand
    z = [[sum(W[j][i] * row[i] for i in range(2)) for j in range(3)] for row in A]
    wrong = BN_LAYER.mistakes["unbiased_variance"](A, W)
    assert wrong["var"] == pytest.approx([statistics.variance(col) for col in zip(*z, strict=True)])
    assert close(wrong["bn"], loop_norm(z, 0, ddof=1)[0])
    right = BN_LAYER.func(A, W).answers
    assert not close(wrong["bn"], right["bn"], 1e-3)
    # ReLU applied to the student's own BN result
    own = [[-1.0, 2.0, 0.5]] * 4
    assert BN_LAYER.carries["output"]({"bn": own}, a=A, W=W, activation="relu") == [[0.0, 2.0, 0.5]] * 4


def test_bn_layer_shape_error():
    with pytest.raises(SolverInputError):
        BN_LAYER.func(A, [[1, 2, 3]])


# ----------------------------------------------------------------------------- data normalization


def test_minmax_example_and_mistakes():
    # (2, 4, 6, 10): min 2, max 10 -> (0, 0.25, 0.5, 1)
    sol = MINMAX.func([2, 4, 6, 10])
    assert sol.answers["output"] == pytest.approx([0, 0.25, 0.5, 1])
    assert (sol.answers["min"], sol.answers["max"]) == (2, 10)
    assert MINMAX.mistakes["divide_by_max"]([2, 4, 6, 10])["output"] == pytest.approx([0, 0.2, 0.4, 0.8])
    assert MINMAX.mistakes["reversed"]([2, 4, 6, 10])["output"] == pytest.approx([1, 0.75, 0.5, 0])
    with pytest.raises(SolverInputError):
        MINMAX.func([3, 3, 3])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(-50, 50), min_size=2, max_size=8).filter(lambda v: len(set(v)) > 1))
def test_minmax_range(values):
    out = MINMAX.func(values).answers["output"]
    assert min(out) == 0 and max(out) == 1
    assert out == pytest.approx([(v - min(values)) / (max(values) - min(values)) for v in values])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(-50, 50), min_size=2, max_size=8).filter(lambda v: len(set(v)) > 1))
def test_standardize_uses_population_sigma(values):
    sol = STANDARDIZE.func(values)
    mu, sigma = statistics.fmean(values), statistics.pstdev(values)
    assert sol.answers["mean"] == pytest.approx(mu)
    assert sol.answers["std"] == pytest.approx(sigma)
    assert sol.answers["var"] == pytest.approx(statistics.pvariance(values))
    assert sol.answers["output"] == pytest.approx([(v - mu) / sigma for v in values])
    wrong = STANDARDIZE.mistakes["unbiased_variance"](values)
    assert wrong["std"] == pytest.approx(statistics.stdev(values))
    assert wrong["output"] == pytest.approx([(v - mu) / statistics.stdev(values) for v in values])
    assert wrong["output"] != pytest.approx(sol.answers["output"])


def test_standardize_other_mistakes_and_carry():
    # (2, 4, 6, 8): mean 5, population var (9+1+1+9)/4 = 5
    x = [2, 4, 6, 8]
    assert STANDARDIZE.mistakes["std_instead_of_var"](x)["output"] == pytest.approx([-0.6, -0.2, 0.2, 0.6])
    assert STANDARDIZE.mistakes["mean_not_subtracted"](x)["output"] == pytest.approx([v / 5**0.5 for v in x])
    assert STANDARDIZE.carries["output"]({"mean": 5, "std": 2}, x=x) == pytest.approx([-1.5, -0.5, 0.5, 1.5])


# ----------------------------------------------------------------------------- steps


def test_steps_are_bilingual_unicode_with_grids():
    for sol in (
        BN.func(X, gamma=G, beta=B),
        LN.func(X),
        BN_LAYER.func(A, W, b=[1, 0, 0]),
        MINMAX.func([1, 5, 3]),
        STANDARDIZE.func([1, 5, 3]),
    ):
        assert sol.steps and all(isinstance(s, Step) and isinstance(s.what, Text) for s in sol.steps)
        for s in sol.steps:
            assert s.what.en and s.what.zh
            for text in (s.formula, s.substituted, s.result):
                assert "\\" not in text and "$" not in text
    grids = [g for s in BN.func(X).steps for g in s.grids]
    assert len(grids) >= 4  # input, deviations, normalized, output
    assert grids[0].rows[0] == (1.0, 2.0, 0.0)
