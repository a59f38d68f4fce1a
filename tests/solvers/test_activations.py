"""Activation solvers against PyTorch autograd, sympy, finite differences and hand values."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from solvers import registry
from solvers import safe_expr as se
from solvers.core import SolverInputError

ACT = registry.get("activations.activation")
DERIV = registry.get("activations.derivative")
CHAIN = registry.get("activations.chain")

POINTS = [-2.0, -0.5, 0.0, 0.3, 1.0, 2.5]


def torch_fn(torch, name, slope=0.01, alpha=1.0):
    F = torch.nn.functional
    return {
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "leaky_relu": lambda t: F.leaky_relu(t, negative_slope=slope),
        "elu": lambda t: F.elu(t, alpha=alpha),
        "softplus": F.softplus,
    }[name]


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus"])
def test_values_and_derivatives_match_torch_autograd(name):
    torch = pytest.importorskip("torch")
    slope, alpha = 0.2, 1.5
    t = torch.tensor(POINTS, dtype=torch.float64, requires_grad=True)
    y = torch_fn(torch, name, slope, alpha)(t)
    (grad,) = torch.autograd.grad(y.sum(), t)
    sol = ACT.func(name, POINTS, slope=slope, alpha=alpha)
    assert sol.answers["value"] == pytest.approx(y.detach().tolist(), rel=1e-12, abs=1e-12)
    # includes x = 0, where the x <= 0 branch is taken, as in PyTorch
    assert sol.answers["derivative"] == pytest.approx(grad.tolist(), rel=1e-12, abs=1e-12)


def test_hand_values():
    # sigmoid(0) = 1/2, sigmoid'(0) = 1/4; tanh'(0) = 1; softplus(0) = ln 2, softplus'(0) = 1/2
    assert ACT.func("sigmoid", [0]).answers == {
        "value": [0.5],
        "derivative": [0.25],
        "derivative_expr": "sigmoid(x)*(1-sigmoid(x))",
    }
    assert ACT.func("tanh", [0]).answers["derivative"] == [1.0]
    assert ACT.func("softplus", [0]).answers["value"][0] == pytest.approx(math.log(2))
    # leaky ReLU with slope 0.1 at -3: -0.3, derivative 0.1; ELU alpha 2 at -1: 2(e^-1 - 1) = -1.264241
    assert ACT.func("leaky_relu", [-3], slope=0.1).answers == {"value": [pytest.approx(-0.3)], "derivative": [0.1]}
    assert ACT.func("elu", [-1], alpha=2).answers["value"][0] == pytest.approx(-1.2642411, abs=1e-7)
    assert ACT.func("elu", [-1], alpha=2).answers["derivative"][0] == pytest.approx(2 * math.exp(-1))


@settings(max_examples=50, deadline=None)
@given(
    st.sampled_from(["sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus"]),
    st.floats(-4, 4).filter(lambda v: abs(v) > 1e-3),
)
def test_derivatives_agree_with_finite_differences(name, x):
    h = 1e-6
    f = lambda v: ACT.func(name, [v], slope=0.05, alpha=1.3).answers["value"][0]  # noqa: E731
    fd = (f(x + h) - f(x - h)) / (2 * h)
    assert ACT.func(name, [x], slope=0.05, alpha=1.3).answers["derivative"][0] == pytest.approx(fd, rel=1e-5, abs=1e-7)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "softplus"])
def test_derivative_expr_is_the_derivative(name):
    sympy = pytest.importorskip("sympy")
    x = sympy.Symbol("x", real=True)
    f = {"sigmoid": 1 / (1 + sympy.exp(-x)), "tanh": sympy.tanh(x), "softplus": sympy.log(1 + sympy.exp(x))}[name]
    expr = ACT.func(name, [1]).answers["derivative_expr"]
    tree = se.parse(expr, {"x"})
    assert sympy.simplify(se.to_sympy(tree, {"x": x}) - sympy.diff(f, x)) == 0


def test_activation_mistakes():
    x = [-2.0, 0.5, 1.0]
    s = [1 / (1 + math.exp(-v)) for v in x]
    m = ACT.mistakes
    right = {
        n: ACT.func(n, x, slope=0.1, alpha=2).answers
        for n in ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus")
    }
    expected = {
        ("sigmoid", "sigmoid_derivative_no_one_minus"): ("derivative", s),
        ("sigmoid", "sigmoid_derivative_of_x"): ("derivative", [v * (1 - v) for v in x]),
        ("tanh", "tanh_derivative_not_squared"): ("derivative", [1 - math.tanh(v) for v in x]),
        ("tanh", "tanh_derivative_of_x"): ("derivative", [1 - v * v for v in x]),
        ("relu", "relu_derivative_negative_one"): ("derivative", [1, 1, 1]),
        ("relu", "relu_negative_passed"): ("value", x),
        ("leaky_relu", "leaky_slope_forgotten"): ("value", [0, 0.5, 1]),
        ("leaky_relu", "leaky_derivative_as_value"): ("derivative", [-0.2, 1, 1]),
        ("elu", "elu_alpha_forgotten"): ("value", [math.exp(-2) - 1, 0.5, 1]),
        ("elu", "elu_derivative_minus_alpha"): ("derivative", [2 * (math.exp(-2) - 1), 1, 1]),
        ("softplus", "softplus_chain_rule_forgotten"): ("derivative", [1 / (1 + math.exp(v)) for v in x]),
        ("softplus", "log10_instead_of_ln"): ("value", [math.log10(1 + math.exp(v)) for v in x]),
    }
    for (name, mistake), (key, values) in expected.items():
        wrong = m[mistake](name, x, slope=0.1, alpha=2)
        assert wrong[key] == pytest.approx(values), mistake
        assert wrong[key] != pytest.approx(right[name][key], rel=1e-3), mistake
        assert set(wrong) <= set(right[name])
        json.dumps(wrong)
        # a mistake for another function does not fire
        other = "relu" if name != "relu" else "sigmoid"
        assert m[mistake](other, x) == {}


def test_activation_input_errors():
    with pytest.raises(SolverInputError):
        ACT.func("swish", [1])
    with pytest.raises(SolverInputError):
        ACT.func("relu", [])


# ----------------------------------------------------------------------------- symbolic derivative

FORMULAS = [
    "x*sigmoid(x)",
    "x*sigmoid(2*x)",
    "tanh(2*x)",
    "sigmoid(3*x)",
    "log(1+exp(2*x))",
    "x^2*exp(-x)",
    "sqrt(1+x^2)",
    "2*tanh(x/2)",
    "exp(-x/2)/(1+x^2)",
    "-3*x*sigmoid(-x)",
    "2^x",
    "sin(x)*cos(2*x)",
]


@pytest.mark.parametrize("f", FORMULAS)
def test_symbolic_derivative_matches_sympy(f):
    sympy = pytest.importorskip("sympy")
    x = sympy.Symbol("x", real=True)
    sol = DERIV.func(f, [0.5, 1.5])
    mine = se.to_sympy(se.parse(sol.answers["derivative_expr"], {"x"}), {"x": x})
    ref = sympy.diff(se.to_sympy(se.parse(f, {"x"}), {"x": x}), x)
    for v in (-1.3, 0.2, 0.7, 2.1):
        assert float(mine.subs(x, v)) == pytest.approx(float(ref.subs(x, v)), rel=1e-10, abs=1e-12)
    assert sol.answers["derivative"] == pytest.approx([float(ref.subs(x, v)) for v in (0.5, 1.5)], rel=1e-10)


def _tree(depth):
    leaf = st.one_of(st.just("x"), st.integers(1, 3).map(str))
    if depth == 0:
        return leaf
    sub = _tree(depth - 1)
    return st.one_of(
        leaf,
        st.tuples(sub, st.sampled_from(["+", "-", "*"]), sub).map(lambda t: f"({t[0]}){t[1]}({t[2]})"),
        st.tuples(st.sampled_from(["sigmoid", "tanh", "sin", "exp"]), sub).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(sub, st.integers(2, 3)).map(lambda t: f"({t[0]})^{t[1]}"),
    )


@settings(max_examples=50, deadline=None)
@given(_tree(3), st.floats(-1.5, 1.5))
def test_random_formulas_against_finite_differences(f, x0):
    tree = se.parse(f, {"x"})

    def value(v):
        return se.evaluate(tree, {"x": v})

    try:
        center = value(x0)
    except (se.ExprError, OverflowError):
        assume(False)
    assume(abs(center) < 1e6)
    h = 1e-5
    fd = (value(x0 + h) - value(x0 - h)) / (2 * h)
    d = DERIV.func(f, [x0]).answers["derivative"][0]
    assert d == pytest.approx(fd, rel=1e-4, abs=1e-4)


def test_derivative_mistakes():
    # f = x*sigmoid(2x): f' = s + 2x s(1-s) with s = sigmoid(2x); at x = 1, s = 0.880797
    s = 1 / (1 + math.exp(-2))
    right = DERIV.func("x*sigmoid(2*x)", [1.0]).answers["derivative"][0]
    assert right == pytest.approx(s + 2 * s * (1 - s))
    m = DERIV.mistakes
    assert m["chain_rule_forgotten"]("x*sigmoid(2*x)", [1.0])["derivative"][0] == pytest.approx(s + s * (1 - s))
    assert m["sigmoid_derivative_no_one_minus"]("x*sigmoid(2*x)", [1.0])["derivative"][0] == pytest.approx(s + 2 * s)
    assert m["product_rule_as_product"]("x*sigmoid(2*x)", [1.0])["derivative"][0] == pytest.approx(2 * s * (1 - s))
    t = math.tanh(2)
    assert m["tanh_derivative_not_squared"]("tanh(2*x)", [1.0])["derivative"][0] == pytest.approx(2 * (1 - t))
    # mistake formulas are valid expressions in x
    for fn in m.values():
        se.parse(fn("x*sigmoid(2*x)", None)["derivative_expr"], {"x"})


def test_derivative_rejects_kinks_and_other_names():
    with pytest.raises(SolverInputError):
        DERIV.func("max(0, x)")
    with pytest.raises(SolverInputError):
        DERIV.func("y*x")
    with pytest.raises(SolverInputError):
        DERIV.func("log(x)", [-1])


# ----------------------------------------------------------------------------- chain of layers


def test_chain_against_torch_autograd():
    torch = pytest.importorskip("torch")
    z = [0.5, -1.0, 2.0, 0.0]
    w = [1.5, -0.8, 2.0, 0.5]
    for name in ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus"):
        f = torch_fn(torch, name, 0.1, 1.0)
        a0 = torch.tensor(0.3, dtype=torch.float64, requires_grad=True)
        a = a0
        for zl, wl in zip(z, w, strict=True):
            # choose b_l so that the net input equals z_l at this point
            bl = zl - wl * a.detach().item()
            a = f(wl * a + bl)
        (grad,) = torch.autograd.grad(a, a0)
        sol = CHAIN.func(name, z, w, slope=0.1)
        assert sol.answers["gradient"] == pytest.approx(grad.item(), rel=1e-12, abs=1e-15), name


def test_chain_hand_example_and_mistakes():
    # sigmoid, z = (0, 0, 0), w = (2, 2, 2): each factor 2·0.25 = 0.5, product 0.125
    sol = CHAIN.func("sigmoid", [0, 0, 0], [2, 2, 2])
    assert sol.answers["factors"] == [0.25, 0.25, 0.25]
    assert sol.answers["gradient"] == pytest.approx(0.125)
    assert CHAIN.mistakes["weights_forgotten"](function="sigmoid", z=[0, 0, 0], w=[2, 2, 2])[
        "gradient"
    ] == pytest.approx(0.25**3)
    assert CHAIN.mistakes["sigmoid_derivative_no_one_minus"](function="sigmoid", z=[0, 0, 0], w=[2, 2, 2])[
        "gradient"
    ] == pytest.approx(1.0)
    assert CHAIN.mistakes["values_instead_of_derivatives"](function="tanh", z=[1, 2], w=None)[
        "gradient"
    ] == pytest.approx(math.tanh(1) * math.tanh(2))
    with pytest.raises(SolverInputError):
        CHAIN.func("sigmoid", [0, 1], [1, 2, 3])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-5, 5), min_size=1, max_size=6), st.lists(st.floats(-3, 3), min_size=6, max_size=6))
def test_sigmoid_chain_is_bounded_by_quarter_power(z, w):
    w = w[: len(z)]
    g = CHAIN.func("sigmoid", z, w).answers["gradient"]
    assert abs(g) <= 0.25 ** len(z) * math.prod(abs(v) for v in w) * (1 + 1e-12) + 1e-300


def test_grid_round_keeps_small_values_and_integer_digits():
    from solvers.activations import grid_round

    assert grid_round([0.000867881, 0.951747, 12345.678, 200704, -1.22474]) == [
        0.0008679,
        0.9517,
        12345.7,
        200704.0,
        -1.225,
    ]


# Step.formula, Step.result and Grid labels are plain strings shown unchanged in the Chinese worked
# solution too, so they must not contain English words.
_ENGLISH_WORDS = ("if", "product", "so far", "otherwise")


def _neutral_text(sol) -> list[str]:
    out = []
    for step in sol.steps:
        out += [step.formula, step.result]
        for grid in step.grids:
            out += list(grid.row_labels) + list(grid.col_labels)
    return out


def _has_english(fields: list[str]) -> bool:
    import re

    return any(re.search(rf"\b{w}\b", field) for field in fields for w in _ENGLISH_WORDS)


@pytest.mark.parametrize("name", ["relu", "leaky_relu", "elu", "sigmoid"])
def test_activation_steps_are_language_neutral(name):
    assert not _has_english(_neutral_text(ACT.func(function=name, x=[-1.0, 2.0])))


def test_chain_steps_are_language_neutral():
    assert not _has_english(_neutral_text(CHAIN.func(function="sigmoid", z=[0.0, 1.0], w=[2.0, 1.0])))
