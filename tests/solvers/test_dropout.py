"""Dropout solvers, checked against nn.Dropout, Monte Carlo sampling and enumeration of masks."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers import registry
from solvers.core import SolverInputError


def _torch():
    """PyTorch for the cross-checks; tests that need it skip cleanly when it is missing."""
    return pytest.importorskip("torch")


def solve(solver_id: str, **kwargs):
    return registry.get(solver_id).func(**kwargs)


def mistake(solver_id: str, name: str, **kwargs):
    return registry.get(solver_id).mistakes[name](**kwargs)


X = [2.0, -1.0, 4.0, 0.5]


# --------------------------------------------------------------------------- expected activations


def test_textbook_expectation_by_monte_carlo():
    p = 0.8
    a = solve("dropout.expected", x=X, p=p).answers
    rng = np.random.default_rng(0)
    masks = rng.random((200_000, len(X))) < p  # kept with probability p
    sample_mean = (masks * np.array(X)).mean(axis=0)
    assert np.allclose(a["train_expected"], sample_mean, atol=0.02)
    # test time: the textbook multiplies by p
    assert a["test_output"] == pytest.approx([p * v for v in X])
    assert a["test_scale"] == pytest.approx(p)
    assert a["train_scale"] == 1.0
    assert a["p_drop"] == pytest.approx(0.2)
    assert a["kept_expected"] == pytest.approx(4 * 0.8)
    json.dumps(a)


def test_pytorch_convention_matches_nn_dropout():
    torch = _torch()
    p_keep = 0.75
    a = solve("dropout.expected", x=X, p=p_keep, convention="pytorch").answers
    layer = torch.nn.Dropout(p=1 - p_keep)  # PyTorch's p is the DROP probability
    x = torch.tensor(X, dtype=torch.float64)
    layer.eval()
    assert a["test_output"] == pytest.approx(layer(x).tolist())  # identity at test time
    layer.train()
    torch.manual_seed(0)
    out = layer(x.repeat(50_000, 1))
    kept = out != 0
    # every surviving value is scaled by 1/(1 − p_drop) = 1/p_keep
    ratios = (out[kept] / x.repeat(50_000, 1)[kept]).unique()
    assert ratios.tolist() == pytest.approx([a["train_scale"]] * len(ratios))
    assert a["train_scale"] == pytest.approx(1 / p_keep)
    assert kept.double().mean().item() == pytest.approx(p_keep, abs=0.01)
    assert np.allclose(a["train_expected"], out.mean(dim=0).tolist(), atol=0.05)
    assert a["p_drop"] == pytest.approx(0.25)


def test_expected_mistakes():
    p = 0.8
    wrong_phase = mistake("dropout.expected", "scaling_at_wrong_phase", x=X, p=p)
    assert wrong_phase["test_output"] == pytest.approx(X)
    wrong_phase_pt = mistake("dropout.expected", "scaling_at_wrong_phase", x=X, p=p, convention="pytorch")
    assert wrong_phase_pt["test_output"] == pytest.approx([0.8 * v for v in X])
    swapped = mistake("dropout.expected", "keep_vs_drop_confused", x=X, p=p)
    assert swapped["train_expected"] == pytest.approx([0.2 * v for v in X])
    assert swapped["p_drop"] == pytest.approx(0.8)
    swapped_pt = mistake("dropout.expected", "keep_vs_drop_confused", x=X, p=p, convention="pytorch")
    assert swapped_pt["train_scale"] == pytest.approx(5.0)
    assert mistake("dropout.expected", "divided_instead_of_multiplied", x=X, p=p)["test_output"] == pytest.approx(
        [v / 0.8 for v in X]
    )


def test_keep_probability_is_validated():
    with pytest.raises(SolverInputError):
        solve("dropout.expected", x=X, p=0)
    with pytest.raises(SolverInputError):
        solve("dropout.expected", x=X, p=1.2)


# --------------------------------------------------------------------------- masks


def test_apply_mask_both_conventions():
    mask = [1, 0, 1, 1]
    tb = solve("dropout.apply_mask", x=X, mask=mask, p=0.5).answers
    assert tb["train_output"] == pytest.approx([2.0, 0.0, 4.0, 0.5])
    assert tb["test_output"] == pytest.approx([1.0, -0.5, 2.0, 0.25])
    assert tb["kept"] == 3
    pt = solve("dropout.apply_mask", x=X, mask=mask, p=0.5, convention="pytorch").answers
    assert pt["train_output"] == pytest.approx([4.0, 0.0, 8.0, 1.0])
    assert pt["test_output"] == pytest.approx(X)
    assert all(math.copysign(1, v) == 1 for v in pt["train_output"] if v == 0)  # no −0.0


def test_apply_mask_matches_torch_given_its_own_mask():
    torch = _torch()
    layer = torch.nn.Dropout(p=0.4)  # keep 0.6
    layer.train()
    torch.manual_seed(3)
    x = torch.tensor(X, dtype=torch.float64)
    out = layer(x)
    mask = (out != 0).int().tolist()
    a = solve("dropout.apply_mask", x=X, mask=mask, p=0.6, convention="pytorch").answers
    assert a["train_output"] == pytest.approx(out.tolist())


def test_apply_mask_mistakes():
    mask = [1, 0, 1, 1]
    kw = dict(x=X, mask=mask, p=0.8)
    phase = mistake("dropout.apply_mask", "scaling_at_wrong_phase", **kw)
    assert phase["train_output"] == pytest.approx([2.5, 0.0, 5.0, 0.625])
    assert phase["test_output"] == pytest.approx(X)
    assert mistake("dropout.apply_mask", "keep_vs_drop_confused", **kw)["test_output"] == pytest.approx(
        [0.2 * v for v in X]
    )
    inv = mistake("dropout.apply_mask", "mask_inverted", **kw)
    assert inv["train_output"] == pytest.approx([0.0, -1.0, 0.0, 0.0])
    assert inv["kept"] == 1
    with pytest.raises(SolverInputError):
        solve("dropout.apply_mask", x=X, mask=[1, 0, 2, 1], p=0.5)


# --------------------------------------------------------------------------- sub-networks and counts


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=1, max_size=3))
def test_subnetworks_equal_number_of_distinct_masks(layers):
    n = sum(layers)
    masks = set(itertools.product((0, 1), repeat=n))  # every keep/drop pattern
    a = solve("dropout.subnetworks", neurons=layers).answers
    assert a["n"] == n
    assert a["count"] == len(masks) == 2**n


def test_subnetwork_mistakes():
    assert solve("dropout.subnetworks", neurons=[5]).answers["count"] == 32
    assert mistake("dropout.subnetworks", "two_n_instead_of_2_pow_n", neurons=[5])["count"] == 10
    assert mistake("dropout.subnetworks", "layers_added", neurons=[3, 2])["count"] == 8 + 4
    assert mistake("dropout.subnetworks", "layers_added", neurons=[5]) == {}
    assert mistake("dropout.subnetworks", "empty_network_excluded", neurons=[3, 2])["count"] == 31


def test_count_by_enumerating_masks():
    n, p, k = 5, 0.7, 3
    a = solve("dropout.count", n=n, p=p, k=k).answers
    kept = dropped = all_kept = all_dropped = exactly_k = 0.0
    for mask in itertools.product((0, 1), repeat=n):
        prob = math.prod(p if m else 1 - p for m in mask)
        kept += prob * sum(mask)
        dropped += prob * (n - sum(mask))
        all_kept += prob * (sum(mask) == n)
        all_dropped += prob * (sum(mask) == 0)
        exactly_k += prob * (sum(mask) == k)
    assert a["kept_expected"] == pytest.approx(kept)
    assert a["dropped_expected"] == pytest.approx(dropped)
    assert a["prob_all_kept"] == pytest.approx(all_kept)
    assert a["prob_all_dropped"] == pytest.approx(all_dropped)
    assert a["prob_k"] == pytest.approx(exactly_k)
    swapped = mistake("dropout.count", "keep_vs_drop_confused", n=n, p=p, k=k)
    assert swapped["kept_expected"] == pytest.approx(dropped)
    assert mistake("dropout.count", "binomial_coefficient_forgotten", n=n, p=p, k=k)["prob_k"] == pytest.approx(
        exactly_k / math.comb(n, k)
    )


# --------------------------------------------------------------------------- a layer


LAYER = dict(W=[[1, 2, 0], [0, -1, 1]], x=[1, 2, 3], mask=[1, 0, 1], p=0.5, b=[0.5, 0])


def _matvec(W, v, b):
    return [sum(wij * vj for wij, vj in zip(row, v, strict=True)) + bi for row, bi in zip(W, b, strict=True)]


def test_layer_by_hand():
    a = solve("dropout.layer", **LAYER).answers
    masked = [1, 0, 3]
    assert a["masked"] == pytest.approx(masked)
    assert a["z_train"] == pytest.approx(_matvec(LAYER["W"], masked, LAYER["b"]))
    assert a["z_test"] == pytest.approx(_matvec(LAYER["W"], [0.5, 1, 1.5], LAYER["b"]))
    pt = solve("dropout.layer", convention="pytorch", **LAYER).answers
    assert pt["z_train"] == pytest.approx(_matvec(LAYER["W"], [2, 0, 6], LAYER["b"]))
    assert pt["z_test"] == pytest.approx(_matvec(LAYER["W"], LAYER["x"], LAYER["b"]))


def test_layer_matches_torch_linear_in_eval_mode():
    torch = _torch()
    lin = torch.nn.Linear(3, 2).double()
    with torch.no_grad():
        lin.weight.copy_(torch.tensor(LAYER["W"], dtype=torch.float64))
        lin.bias.copy_(torch.tensor(LAYER["b"], dtype=torch.float64))
    net = torch.nn.Sequential(torch.nn.Dropout(p=0.5), lin).eval()
    out = net(torch.tensor(LAYER["x"], dtype=torch.float64))
    assert solve("dropout.layer", convention="pytorch", **LAYER).answers["z_test"] == pytest.approx(out.tolist())


def test_layer_mistakes():
    bias_scaled = mistake("dropout.layer", "bias_scaled", **LAYER)
    assert bias_scaled["z_test"] == pytest.approx([0.5 * v for v in _matvec(LAYER["W"], LAYER["x"], LAYER["b"])])
    phase = mistake("dropout.layer", "scaling_at_wrong_phase", **LAYER)
    assert phase["z_test"] == pytest.approx(_matvec(LAYER["W"], LAYER["x"], LAYER["b"]))
    inv = mistake("dropout.layer", "mask_inverted", **LAYER)
    assert inv["z_train"] == pytest.approx(_matvec(LAYER["W"], [0, 2, 0], LAYER["b"]))
    kw = dict(LAYER, p=0.8)
    assert mistake("dropout.layer", "keep_vs_drop_confused", **kw)["z_test"] == pytest.approx(
        _matvec(LAYER["W"], [0.2, 0.4, 0.6], LAYER["b"])
    )


def test_convention_step_is_language_neutral_and_names_the_keep_probability():
    # Step.substituted is shown unchanged in the Chinese solution: no English words there.
    textbook = solve("dropout.expected", x=[1.0, 2.0], p=0.8, convention="textbook").steps[0]
    assert "probability" not in textbook.substituted
    assert "1 − p = 0.2" in textbook.substituted
    # Under the PyTorch convention the kept values are divided by the KEEP probability, while
    # nn.Dropout's own p is the drop probability: the step must not say "divided by p".
    pytorch = solve("dropout.expected", x=[1.0, 2.0], p=0.8, convention="pytorch").steps[0]
    for text in (pytorch.what.en, pytorch.what.zh):
        assert "p_keep" in text
    assert "divided by p " not in pytorch.what.en and "除以 p，" not in pytorch.what.zh
