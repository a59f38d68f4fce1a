"""Activation functions (nndl ch. 4.1): values and derivatives of sigmoid, tanh, ReLU, leaky ReLU,
ELU and softplus; symbolic derivatives of small formulas; the chain of derivatives behind
vanishing gradients.

Conventions (nndl §4.1): σ(x) = 1/(1 + e^(−x)), σ'(x) = σ(x)(1 − σ(x)); tanh'(x) = 1 − tanh²(x);
leaky ReLU(x) = x for x > 0 and γx for x ≤ 0 (γ is ``slope``, 0.01 in the book); ELU(x) = x for
x > 0 and γ(e^x − 1) for x ≤ 0 (the book's γ is ``alpha`` here); softplus(x) = ln(1 + e^x),
whose derivative is σ(x). At x = 0 the piecewise functions take the x ≤ 0 branch for the
derivative (ReLU'(0) = 0, leaky'(0) = γ, ELU'(0) = α), which is also what PyTorch's autograd
returns.

``derivative_expr`` answers are formula strings in the safe parser's syntax (``solvers.safe_expr``)
so a student's typed formula can be graded by symbolic equivalence.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from solvers import safe_expr as se
from solvers.arrays import as_vector as as_array
from solvers.arrays import sigmoid
from solvers.core import Grid, ParamSpec, Solution, SolverInputError, Step, Text, fmt_num, fmt_vector
from solvers.registry import mistake, solver
from solvers.textfmt import _n as _u
from solvers.textfmt import grid_round

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus")
DERIVATIVE_EXPR = {
    "sigmoid": "sigmoid(x)*(1-sigmoid(x))",
    "tanh": "1-tanh(x)^2",
    "softplus": "sigmoid(x)",
}

NAMES = {
    "sigmoid": "σ",
    "tanh": "tanh",
    "relu": "ReLU",
    "leaky_relu": "LeakyReLU",
    "elu": "ELU",
    "softplus": "softplus",
    "identity": "identity",
}


_r = grid_round


def check_function(function: str) -> str:
    name = str(function).strip().lower().replace("-", "_")
    name = {"leaky": "leaky_relu", "leakyrelu": "leaky_relu", "logistic": "sigmoid"}.get(name, name)
    if name not in ACTIVATIONS:
        raise SolverInputError(
            Text(
                f"unknown activation {function!r}; use one of {', '.join(ACTIVATIONS)}",
                f"未知的激活函数 {function!r}；可选 {', '.join(ACTIVATIONS)}",
            )
        )
    return name


def value(name: str, x: np.ndarray, slope: float = 0.01, alpha: float = 1.0) -> np.ndarray:
    """f(x) element-wise for an activation of ``ACTIVATIONS`` (or ``identity``)."""
    x = np.asarray(x, dtype=float)
    if name == "sigmoid":
        return sigmoid(x)
    if name == "tanh":
        return np.tanh(x)
    if name == "relu":
        return np.where(x > 0, x, 0.0)
    if name == "leaky_relu":
        return np.where(x > 0, x, slope * x)
    if name == "elu":
        return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))
    if name == "softplus":
        return np.logaddexp(0.0, x)
    if name == "identity":
        return x.copy()
    raise SolverInputError(Text(f"unknown activation {name!r}", f"未知的激活函数 {name!r}"))


def derivative(name: str, x: np.ndarray, slope: float = 0.01, alpha: float = 1.0) -> np.ndarray:
    """f'(x) element-wise; at x = 0 the piecewise functions use their x ≤ 0 branch."""
    x = np.asarray(x, dtype=float)
    if name == "sigmoid":
        s = sigmoid(x)
        return s * (1.0 - s)
    if name == "tanh":
        return 1.0 - np.tanh(x) ** 2
    if name == "relu":
        return np.where(x > 0, 1.0, 0.0)
    if name == "leaky_relu":
        return np.where(x > 0, 1.0, slope)
    if name == "elu":
        return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))
    if name == "softplus":
        return sigmoid(x)
    if name == "identity":
        return np.ones_like(x)
    raise SolverInputError(Text(f"unknown activation {name!r}", f"未知的激活函数 {name!r}"))


def definition(name: str, slope: float = 0.01, alpha: float = 1.0) -> tuple[str, str]:
    """(f formula, f' formula) in Unicode, with the parameters substituted."""
    g, a = fmt_num(slope), fmt_num(alpha)
    return {
        "sigmoid": ("σ(x) = 1/(1 + e^(−x))", "σ'(x) = σ(x)·(1 − σ(x))"),
        "tanh": ("tanh(x) = (eˣ − e^(−x))/(eˣ + e^(−x))", "tanh'(x) = 1 − tanh²(x)"),
        "relu": ("ReLU(x) = max(0, x)", "ReLU'(x) = 1 (x > 0);  0 (x ≤ 0)"),
        "leaky_relu": (
            f"LeakyReLU(x) = x (x > 0);  γ·x (x ≤ 0),   γ = {g}",
            f"LeakyReLU'(x) = 1 (x > 0);  γ = {g} (x ≤ 0)",
        ),
        "elu": (
            f"ELU(x) = x (x > 0);  α·(eˣ − 1) (x ≤ 0),   α = {a}",
            "ELU'(x) = 1 (x > 0);  α·eˣ (x ≤ 0)",
        ),
        "softplus": ("softplus(x) = ln(1 + eˣ)", "softplus'(x) = eˣ/(1 + eˣ) = σ(x)"),
        "identity": ("f(x) = x", "f'(x) = 1"),
    }[name]


def point_text(name: str, x: float, slope: float = 0.01, alpha: float = 1.0) -> str:
    """The substituted computation of f(x) and f'(x) at one point, for a worked step."""
    xs = _u(x)
    fx = float(value(name, np.array([x]), slope, alpha)[0])
    dx = float(derivative(name, np.array([x]), slope, alpha)[0])
    f, d = _u(fx), _u(dx)
    g, a = _u(slope), _u(alpha)
    if name == "sigmoid":
        return f"σ({xs}) = 1/(1 + e^({_u(-x)})) = {f};  σ' = {f}·(1 − {f}) = {d}"
    if name == "tanh":
        return f"tanh({xs}) = {f};  tanh' = 1 − {f}² = {d}"
    if name == "relu":
        return f"max(0, {xs}) = {f};  ReLU' = {d} ({'x > 0' if x > 0 else 'x ≤ 0'})"
    if name == "leaky_relu":
        if x > 0:
            return f"x = {xs} > 0: f = {f}, f' = 1"
        factor = f"({xs})" if x < 0 else xs  # a negative factor in a product is bracketed
        return f"x = {xs} ≤ 0: f = {g}·{factor} = {f}, f' = γ = {g}"
    if name == "elu":
        if x > 0:
            return f"x = {xs} > 0: f = {f}, f' = 1"
        return f"x = {xs} ≤ 0: f = {a}·(e^{xs} − 1) = {f}, f' = {a}·e^{xs} = {d}"
    if name == "softplus":
        return f"ln(1 + e^{xs}) = {f};  σ({xs}) = {d}"
    return f"f({xs}) = {f}, f' = {d}"


# --------------------------------------------------------------------------- activation values


ACT_PARAMS = [
    ParamSpec(
        "function",
        "choice",
        Text(
            "activation: sigmoid, tanh, relu, leaky_relu, elu, softplus",
            "激活函数：sigmoid、tanh、relu、leaky_relu、elu、softplus",
        ),
        choices=ACTIVATIONS,
    ),
    ParamSpec("x", "vector", Text("points at which to evaluate, e.g. -2,0.5,1", "求值的点，如 -2,0.5,1")),
    ParamSpec(
        "slope",
        "number",
        Text("leaky ReLU slope γ for x ≤ 0 (default 0.01)", "Leaky ReLU 在 x ≤ 0 时的斜率 γ（默认 0.01）"),
        default=0.01,
        required=False,
    ),
    ParamSpec(
        "alpha",
        "number",
        Text("ELU coefficient α (the book's γ, default 1)", "ELU 的系数 α（书中记作 γ，默认 1）"),
        default=1.0,
        required=False,
    ),
]


@solver(
    "activations.activation",
    ACT_PARAMS,
    Text("value and derivative of an activation function at given points", "激活函数在给定点的函数值与导数"),
)
def activation(function: str, x: Any, slope: float = 0.01, alpha: float = 1.0) -> Solution:
    name = check_function(function)
    xs = as_array(x, "x")
    slope, alpha = float(slope), float(alpha)
    fx = value(name, xs, slope, alpha)
    dx = derivative(name, xs, slope, alpha)
    f_formula, d_formula = definition(name, slope, alpha)
    steps = [
        Step(Text(f"The function {NAMES[name]}", f"函数 {NAMES[name]} 的定义"), formula=f_formula),
        Step(
            Text("Its derivative", "它的导数"),
            formula=d_formula,
            result=DERIVATIVE_EXPR.get(name, ""),
            note=_derivative_note(name),
        ),
    ]
    for xv in xs:
        steps.append(
            Step(
                Text(f"At x = {_u(xv)}", f"在 x = {_u(xv)} 处"),
                substituted=point_text(name, float(xv), slope, alpha),
                result=f"f = {_u(value(name, np.array([xv]), slope, alpha)[0])}, "
                f"f' = {_u(derivative(name, np.array([xv]), slope, alpha)[0])}",
            )
        )
    steps.append(
        Step(
            Text("Summary", "汇总"),
            result=f"f = {fmt_vector(fx)}, f' = {fmt_vector(dx)}",
            grids=(
                Grid.of(
                    [[_r(a), _r(b), _r(c)] for a, b, c in zip(xs, fx, dx, strict=True)],
                    col_labels=("x", "f(x)", "f'(x)"),
                    title=Text(f"{NAMES[name]} and its derivative", f"{NAMES[name]} 及其导数"),
                ),
            ),
        )
    )
    answers: dict[str, Any] = {"value": fx.tolist(), "derivative": dx.tolist()}
    if name in DERIVATIVE_EXPR:
        answers["derivative_expr"] = DERIVATIVE_EXPR[name]
    return Solution(answers=answers, steps=steps)


def _derivative_note(name: str) -> Text | None:
    if name in ("relu", "leaky_relu", "elu"):
        return Text(
            "At x = 0 the function has a kink; we take the x ≤ 0 branch (PyTorch's autograd does the same).",
            "x = 0 处不可导（折点）；这里取 x ≤ 0 那一支的导数（与 PyTorch 自动求导一致）。",
        )
    if name == "sigmoid":
        return Text(
            "σ' is largest at x = 0, where it is 1/4: stacking sigmoid layers shrinks gradients (vanishing gradient).",
            "σ' 在 x = 0 处最大，为 1/4：多层 sigmoid 相乘会使梯度越来越小（梯度消失）。",
        )
    if name == "tanh":
        return Text(
            "tanh' is at most 1 (at x = 0) and tanh is zero-centred.",
            "tanh' 最大为 1（在 x = 0 处），且 tanh 以 0 为中心。",
        )
    return None


def _only(name: str, wanted: tuple[str, ...], result: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    return result() if check_function(name) in wanted else {}


@mistake("activations.activation", "sigmoid_derivative_no_one_minus")
def _sig_no_one_minus(function: str, x: Any, **_: Any) -> dict[str, Any]:
    """σ'(x) written as σ(x): the factor (1 − σ(x)) is forgotten."""
    return _only(
        function,
        ("sigmoid",),
        lambda: {"derivative": sigmoid(as_array(x, "x")).tolist(), "derivative_expr": "sigmoid(x)"},
    )


@mistake("activations.activation", "sigmoid_derivative_of_x")
def _sig_of_x(function: str, x: Any, **_: Any) -> dict[str, Any]:
    """x(1 − x): the identity σ' = σ(1 − σ) applied to x instead of to σ(x)."""
    xs = as_array(x, "x")
    return _only(function, ("sigmoid",), lambda: {"derivative": (xs * (1 - xs)).tolist(), "derivative_expr": "x*(1-x)"})


@mistake("activations.activation", "tanh_derivative_not_squared")
def _tanh_not_squared(function: str, x: Any, **_: Any) -> dict[str, Any]:
    xs = as_array(x, "x")
    return _only(
        function, ("tanh",), lambda: {"derivative": (1 - np.tanh(xs)).tolist(), "derivative_expr": "1-tanh(x)"}
    )


@mistake("activations.activation", "tanh_derivative_of_x")
def _tanh_of_x(function: str, x: Any, **_: Any) -> dict[str, Any]:
    """1 − x²: the identity tanh' = 1 − tanh² applied to x instead of tanh(x)."""
    xs = as_array(x, "x")
    return _only(function, ("tanh",), lambda: {"derivative": (1 - xs**2).tolist(), "derivative_expr": "1-x^2"})


@mistake("activations.activation", "relu_derivative_negative_one")
def _relu_negative_one(function: str, x: Any, **_: Any) -> dict[str, Any]:
    """ReLU' = 1 everywhere (the left, flat half is forgotten)."""
    xs = as_array(x, "x")
    return _only(function, ("relu",), lambda: {"derivative": np.ones_like(xs).tolist()})


@mistake("activations.activation", "relu_negative_passed")
def _relu_negative_passed(function: str, x: Any, **_: Any) -> dict[str, Any]:
    """ReLU treated as the identity: negative inputs are passed through unchanged."""
    xs = as_array(x, "x")
    return _only(function, ("relu",), lambda: {"value": xs.tolist(), "derivative": np.ones_like(xs).tolist()})


@mistake("activations.activation", "leaky_slope_forgotten")
def _leaky_slope_forgotten(function: str, x: Any, **_: Any) -> dict[str, Any]:
    """Leaky ReLU computed as plain ReLU: 0 (value and derivative) for x ≤ 0."""
    xs = as_array(x, "x")
    return _only(
        function,
        ("leaky_relu",),
        lambda: {"value": value("relu", xs).tolist(), "derivative": derivative("relu", xs).tolist()},
    )


@mistake("activations.activation", "leaky_derivative_as_value")
def _leaky_derivative_as_value(function: str, x: Any, slope: float = 0.01, **_: Any) -> dict[str, Any]:
    """For x ≤ 0 the derivative written as γ·x (the value) instead of γ."""
    xs = as_array(x, "x")
    return _only(function, ("leaky_relu",), lambda: {"derivative": np.where(xs > 0, 1.0, float(slope) * xs).tolist()})


@mistake("activations.activation", "elu_alpha_forgotten")
def _elu_alpha_forgotten(function: str, x: Any, **_: Any) -> dict[str, Any]:
    """ELU with α = 1 although the question gives another α."""
    xs = as_array(x, "x")
    return _only(
        function,
        ("elu",),
        lambda: {
            "value": value("elu", xs, alpha=1.0).tolist(),
            "derivative": derivative("elu", xs, alpha=1.0).tolist(),
        },
    )


@mistake("activations.activation", "elu_derivative_minus_alpha")
def _elu_derivative_minus_alpha(function: str, x: Any, alpha: float = 1.0, **_: Any) -> dict[str, Any]:
    """For x ≤ 0 the derivative written as α(eˣ − 1) (the value) instead of α·eˣ."""
    xs = as_array(x, "x")
    return _only(
        function, ("elu",), lambda: {"derivative": np.where(xs > 0, 1.0, value("elu", xs, alpha=float(alpha))).tolist()}
    )


@mistake("activations.activation", "softplus_chain_rule_forgotten")
def _softplus_chain(function: str, x: Any, **_: Any) -> dict[str, Any]:
    """d/dx ln(1 + eˣ) written as 1/(1 + eˣ): the inner derivative eˣ is dropped."""
    xs = as_array(x, "x")
    return _only(
        function, ("softplus",), lambda: {"derivative": sigmoid(-xs).tolist(), "derivative_expr": "1/(1+exp(x))"}
    )


@mistake("activations.activation", "log10_instead_of_ln")
def _softplus_log10(function: str, x: Any, **_: Any) -> dict[str, Any]:
    """softplus computed with the calculator's log key (base 10) instead of ln."""
    xs = as_array(x, "x")
    return _only(function, ("softplus",), lambda: {"value": (np.logaddexp(0.0, xs) / math.log(10)).tolist()})


# --------------------------------------------------------------------------- symbolic derivative

_PREC = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "^": 4}


class _Rules:
    """Which (mis)rules the differentiator applies; each flag reproduces one misconception."""

    def __init__(self, chain: bool = True, sigmoid_full: bool = True, tanh_squared: bool = True, product: bool = True):
        self.chain = chain
        self.sigmoid_full = sigmoid_full
        self.tanh_squared = tanh_squared
        self.product = product
        #: (outer derivative, inner function, inner derivative) for each function applied, in order
        self.calls: list[tuple[se.Node, se.Node, se.Node, se.Node]] = []


def _num(v: float) -> se.Num:
    if float(v).is_integer():
        return se.Num(int(v))
    return se.Num(float(v))


def _is_num(n: se.Node, v: float | None = None) -> bool:
    return isinstance(n, se.Num) and (v is None or n.value == v)


def _add(a: se.Node, b: se.Node) -> se.Node:
    if _is_num(a, 0):
        return b
    if _is_num(b, 0):
        return a
    if isinstance(a, se.Num) and isinstance(b, se.Num):
        return _num(a.value + b.value)
    if isinstance(b, se.Unary) and b.op == "-":
        return _sub(a, b.operand)
    return se.Binary("+", a, b)


def _sub(a: se.Node, b: se.Node) -> se.Node:
    if isinstance(b, se.Unary) and b.op == "-":
        return _add(a, b.operand)
    if _is_num(b, 0):
        return a
    if _is_num(a, 0):
        return _neg(b)
    if isinstance(a, se.Num) and isinstance(b, se.Num):
        return _num(a.value - b.value)
    return se.Binary("-", a, b)


def _neg(a: se.Node) -> se.Node:
    if isinstance(a, se.Num):
        return _num(-a.value)
    if isinstance(a, se.Unary) and a.op == "-":
        return a.operand
    return se.Unary("-", a)


def _mul(a: se.Node, b: se.Node) -> se.Node:
    if _is_num(a, 0) or _is_num(b, 0):
        return se.Num(0)
    if _is_num(a, 1):
        return b
    if _is_num(b, 1):
        return a
    if isinstance(a, se.Num) and isinstance(b, se.Num):
        return _num(a.value * b.value)
    if isinstance(a, se.Num) and a.value < 0:
        return _neg(_mul(_num(-a.value), b))
    if isinstance(b, se.Num) and b.value < 0:
        return _neg(_mul(a, _num(-b.value)))
    if isinstance(a, se.Unary) and a.op == "-":
        return _neg(_mul(a.operand, b))
    if isinstance(b, se.Unary) and b.op == "-":
        return _neg(_mul(a, b.operand))
    if isinstance(b, se.Num) and not isinstance(a, se.Num):
        return se.Binary("*", b, a)  # constants first: 2*sigmoid(x), not sigmoid(x)*2
    return se.Binary("*", a, b)


def _div(a: se.Node, b: se.Node) -> se.Node:
    if _is_num(a, 0):
        return se.Num(0)
    if _is_num(b, 1):
        return a
    if isinstance(a, se.Num) and isinstance(b, se.Num) and b.value != 0 and float(a.value / b.value).is_integer():
        return _num(a.value / b.value)
    if isinstance(a, se.Num) and a.value < 0 or isinstance(a, se.Unary) and a.op == "-":
        return _neg(_div(_neg(a), b))
    if isinstance(b, se.Num) and b.value < 0 or isinstance(b, se.Unary) and b.op == "-":
        return _neg(_div(a, _neg(b)))
    return se.Binary("/", a, b)


def _pow(a: se.Node, b: se.Node) -> se.Node:
    if _is_num(b, 0):
        return se.Num(1)
    if _is_num(b, 1):
        return a
    return se.Binary("^", a, b)


def _tidy(n: se.Node) -> se.Node:
    """Rebuild a parsed tree through the simplifying constructors (−3 becomes a number, …)."""
    if isinstance(n, se.Unary) and n.op == "-":
        return _neg(_tidy(n.operand))
    if isinstance(n, se.Binary) and n.op in ("+", "-", "*", "/", "^"):
        a, b = _tidy(n.left), _tidy(n.right)
        return {"+": _add, "-": _sub, "*": _mul, "/": _div, "^": _pow}[n.op](a, b)
    if isinstance(n, se.Call):
        return se.Call(n.func, tuple(_tidy(a) for a in n.args))
    return n


def _has_x(n: se.Node) -> bool:
    return "x" in se.free_names(n)


def _d(n: se.Node, rules: _Rules) -> se.Node:
    """d/dx of a safe-expression tree (only the variable x), built from the usual rules."""
    if not _has_x(n):
        return se.Num(0)
    if isinstance(n, se.Num):
        return se.Num(0)
    if isinstance(n, se.Name):
        return se.Num(1 if n.name == "x" else 0)
    if isinstance(n, se.Unary) and n.op == "-":
        return _neg(_d(n.operand, rules))
    if isinstance(n, se.Binary):
        a, b = n.left, n.right
        if n.op == "+":
            return _add(_d(a, rules), _d(b, rules))
        if n.op == "-":
            return _sub(_d(a, rules), _d(b, rules))
        if n.op == "*":
            if not rules.product and _has_x(a) and _has_x(b):
                return _mul(_d(a, rules), _d(b, rules))
            return _add(_mul(_d(a, rules), b), _mul(a, _d(b, rules)))
        if n.op == "/":
            if not _has_x(b):
                return _div(_d(a, rules), b)
            return _div(_sub(_mul(_d(a, rules), b), _mul(a, _d(b, rules))), _pow(b, se.Num(2)))
        if n.op == "^":
            if not _has_x(b):
                exponent = _sub(b, se.Num(1))
                return _mul(_mul(b, _pow(a, exponent)), _d(a, rules))
            if not _has_x(a):
                return _mul(_mul(n, se.Call("ln", (a,))), _d(b, rules))
            inner = _add(_mul(_d(b, rules), se.Call("ln", (a,))), _div(_mul(b, _d(a, rules)), a))
            return _mul(n, inner)
    if isinstance(n, se.Call):
        return _d_call(n, rules)
    raise SolverInputError(
        Text(
            "only arithmetic and smooth functions can be differentiated here (no comparisons, //, %)",
            "这里只能对四则运算和光滑函数求导（不能含比较、//、%）",
        )
    )


def _d_call(n: se.Call, rules: _Rules) -> se.Node:
    u = n.args[0]
    if n.func in ("abs", "min", "max", "floor", "ceil"):
        raise SolverInputError(
            Text(
                f"{n.func}() has kinks; for ReLU-type functions use the activation solver",
                f"{n.func}() 有不可导的折点；ReLU 类函数请用激活函数求解器",
            )
        )
    if n.func == "log" and len(n.args) == 2:
        if _has_x(n.args[1]):
            raise SolverInputError(Text("the base of log must be a constant", "log 的底数必须是常数"))
        outer: se.Node = _div(se.Num(1), _mul(u, se.Call("ln", (n.args[1],))))
    elif n.func in ("log", "ln"):
        outer = _div(se.Num(1), u)
    elif n.func in ("log2", "log10"):
        outer = _div(se.Num(1), _mul(u, se.Call("ln", (se.Num(2 if n.func == "log2" else 10),))))
    elif n.func == "sqrt":
        outer = _div(se.Num(1), _mul(se.Num(2), n))
    elif n.func == "exp":
        outer = n
    elif n.func == "sin":
        outer = se.Call("cos", (u,))
    elif n.func == "cos":
        outer = _neg(se.Call("sin", (u,)))
    elif n.func == "tan":
        outer = _div(se.Num(1), _pow(se.Call("cos", (u,)), se.Num(2)))
    elif n.func == "tanh":
        outer = _sub(se.Num(1), _pow(n, se.Num(2)) if rules.tanh_squared else n)
    elif n.func == "sigmoid":
        outer = _mul(n, _sub(se.Num(1), n)) if rules.sigmoid_full else n
    else:  # pragma: no cover - every FUNCTIONS entry is handled above
        raise SolverInputError(Text(f"cannot differentiate {n.func}()", f"无法对 {n.func}() 求导"))
    inner = _d(u, rules)
    rules.calls.append((n, outer, u, inner))
    return _mul(outer, inner) if rules.chain else outer


def to_text(n: se.Node, pretty: bool = False, parent: int = 0) -> str:
    """Print a tree in the safe parser's syntax, or (``pretty``) in Unicode for a worked step."""
    if isinstance(n, se.Num):
        text = fmt_num(n.value) if pretty else repr(n.value)
        if n.value < 0:
            text = ("−" + text[1:]) if pretty else text
            return f"({text})" if parent >= _PREC["*"] else text
        return text
    if isinstance(n, se.Name):
        return n.name
    if isinstance(n, se.Unary):
        inner = to_text(n.operand, pretty, _PREC["*"])  # −a·b = (−a)·b: only sums need brackets
        text = ("−" if pretty else "-") + inner
        return f"({text})" if parent >= _PREC["*"] else text
    if isinstance(n, se.Binary):
        prec = _PREC[n.op]
        if n.op == "^":
            left = to_text(n.left, pretty, prec + 1)
            if pretty and isinstance(n.right, se.Num) and n.right.value == 2:
                text = left + "²"
            else:
                text = f"{left}^{to_text(n.right, pretty, prec)}"
        else:
            left = to_text(n.left, pretty, prec)
            # right operand of - and / needs brackets at equal precedence
            right = to_text(n.right, pretty, prec + (1 if n.op in ("-", "/") else 0))
            op = {"*": "·", "-": " − ", "+": " + ", "/": "/"}[n.op] if pretty else n.op
            text = f"{left}{op}{right}"
        return f"({text})" if parent > prec or (parent == prec and n.op == "^") else text
    if isinstance(n, se.Call):
        name = "σ" if pretty and n.func == "sigmoid" else n.func
        return f"{name}({', '.join(to_text(a, pretty) for a in n.args)})"
    raise SolverInputError(Text("cannot print this expression", "无法输出该表达式"))


def _parse_f(f: str) -> se.Node:
    try:
        return se.parse(str(f), {"x"})
    except se.ExprError as exc:
        raise SolverInputError(exc.text) from None


def _derive(f: str, rules: _Rules) -> tuple[se.Node, se.Node]:
    tree = _tidy(_parse_f(f))
    d = _d(tree, rules)
    return tree, d


def _eval_at(tree: se.Node, xs: np.ndarray) -> list[float]:
    out: list[float] = []
    for xv in xs:
        try:
            out.append(float(se.evaluate(tree, {"x": float(xv)})))
        except (se.ExprError, OverflowError, ZeroDivisionError) as exc:
            raise SolverInputError(
                Text(f"the formula is not defined at x = {fmt_num(xv)}", f"公式在 x = {fmt_num(xv)} 处无定义")
            ) from exc
    return out


@solver(
    "activations.derivative",
    [
        ParamSpec("f", "expr", Text("a formula in x, e.g. x*sigmoid(2*x)", "关于 x 的公式，如 x*sigmoid(2*x)")),
        ParamSpec(
            "x",
            "vector",
            Text("points at which to evaluate f and f' (optional)", "计算 f 与 f' 的点（可选）"),
            default=None,
            required=False,
        ),
    ],
    Text(
        "symbolic derivative of a formula (sum, product, quotient and chain rules)",
        "公式的符号求导（和、积、商与链式法则）",
    ),
)
def symbolic_derivative(f: str, x: Any = None) -> Solution:
    rules = _Rules()
    tree, d = _derive(f, rules)
    steps = [Step(Text("The function", "函数"), formula=f"f(x) = {to_text(tree, pretty=True)}")]
    for call, outer, inner, inner_d in rules.calls:
        fname = "σ" if call.func == "sigmoid" else call.func
        steps.append(
            Step(
                Text(
                    f"Chain rule for {fname}(u) with u = {to_text(inner, True)}",
                    f"对 {fname}(u) 用链式法则，u = {to_text(inner, True)}",
                ),
                formula=f"d/dx {fname}(u) = {fname}'(u)·u'",
                substituted=f"{to_text(outer, True, _PREC['*'])} · ({to_text(inner_d, True)})",
                result=to_text(_mul(outer, inner_d), True),
                note=_rule_note(call.func),
            )
        )
    steps.append(
        Step(
            Text("Combine with the sum, product and quotient rules", "用和、积、商法则合并"),
            formula="(u + v)' = u' + v',  (u·v)' = u'·v + u·v',  (u/v)' = (u'·v − u·v')/v²",
            result=f"f'(x) = {to_text(d, pretty=True)}",
        )
    )
    answers: dict[str, Any] = {"derivative_expr": to_text(d)}
    if x is not None:
        xs = as_array(x, "x")
        fx, dx = _eval_at(tree, xs), _eval_at(d, xs)
        steps.append(
            Step(
                Text("Evaluate at the given points", "在给定点求值"),
                result=f"f = {fmt_vector(fx)}, f' = {fmt_vector(dx)}",
                grids=(
                    Grid.of(
                        [[_r(a), _r(b), _r(c)] for a, b, c in zip(xs, fx, dx, strict=True)],
                        col_labels=("x", "f(x)", "f'(x)"),
                    ),
                ),
            )
        )
        answers["value"] = fx
        answers["derivative"] = dx
    return Solution(answers=answers, steps=steps)


def _rule_note(func: str) -> Text | None:
    if func == "sigmoid":
        return Text("σ'(u) = σ(u)·(1 − σ(u))", "σ'(u) = σ(u)·(1 − σ(u))")
    if func == "tanh":
        return Text("tanh'(u) = 1 − tanh²(u)", "tanh'(u) = 1 − tanh²(u)")
    return None


def _derivative_mistake(f: str, x: Any, rules: _Rules) -> dict[str, Any]:
    _, d = _derive(f, rules)
    out: dict[str, Any] = {"derivative_expr": to_text(d)}
    if x is not None:
        out["derivative"] = _eval_at(d, as_array(x, "x"))
    return out


@mistake("activations.derivative", "chain_rule_forgotten")
def _deriv_no_chain(f: str, x: Any = None) -> dict[str, Any]:
    """The inner derivative u' is dropped: d/dx g(u) written as g'(u)."""
    return _derivative_mistake(f, x, _Rules(chain=False))


@mistake("activations.derivative", "sigmoid_derivative_no_one_minus")
def _deriv_sigmoid(f: str, x: Any = None) -> dict[str, Any]:
    return _derivative_mistake(f, x, _Rules(sigmoid_full=False))


@mistake("activations.derivative", "tanh_derivative_not_squared")
def _deriv_tanh(f: str, x: Any = None) -> dict[str, Any]:
    return _derivative_mistake(f, x, _Rules(tanh_squared=False))


@mistake("activations.derivative", "product_rule_as_product")
def _deriv_product(f: str, x: Any = None) -> dict[str, Any]:
    """(u·v)' written as u'·v' when both factors depend on x."""
    return _derivative_mistake(f, x, _Rules(product=False))


# --------------------------------------------------------------------------- vanishing gradients


@solver(
    "activations.chain",
    [
        ACT_PARAMS[0],
        ParamSpec(
            "z",
            "vector",
            Text(
                "net input z_l of the one neuron in each layer, layer 1 first",
                "每层（各一个神经元）的净输入 z_l，从第 1 层起",
            ),
        ),
        ParamSpec(
            "w",
            "vector",
            Text("weight w_l of each layer (default all 1)", "每层的权重 w_l（默认全为 1）"),
            default=None,
            required=False,
        ),
        ACT_PARAMS[2],
        ACT_PARAMS[3],
    ],
    Text(
        "gradient through a chain of one-neuron layers: ∂a_L/∂a_0 = Π w_l·f'(z_l) (vanishing gradients)",
        "单神经元层串联的梯度：∂a_L/∂a_0 = Π w_l·f'(z_l)（梯度消失）",
    ),
)
def chain(function: str, z: Any, w: Any = None, slope: float = 0.01, alpha: float = 1.0) -> Solution:
    name = check_function(function)
    zs = as_array(z, "z")
    ws = _weights(w, zs)
    factors = derivative(name, zs, float(slope), float(alpha))
    terms = ws * factors
    running = np.cumprod(terms)
    steps = [
        Step(
            Text(
                "Each layer is a_l = f(w_l·a_{l−1} + b_l), so by the chain rule ∂a_L/∂a_0 multiplies one factor w_l·f'(z_l) per layer",
                "每层 a_l = f(w_l·a_{l−1} + b_l)，由链式法则 ∂a_L/∂a_0 是每层一个因子 w_l·f'(z_l) 的连乘",
            ),
            formula="∂a_L/∂a_0 = Π_{l=1..L} w_l·f'(z_l)",
        ),
        Step(
            Text("The derivative of the activation", "激活函数的导数"),
            formula=definition(name, float(slope), float(alpha))[1],
        ),
    ]
    for index, (zv, wv, fv, pv) in enumerate(zip(zs, ws, factors, running, strict=True), start=1):
        steps.append(
            Step(
                Text(f"Layer {index}", f"第 {index} 层"),
                formula="w_l·f'(z_l)",
                substituted=f"{_u(wv)}·f'({_u(zv)}) = {_u(wv)}·{_u(fv)}",
                result=f"{_u(wv * fv)};  Π = {_u(pv)}",
            )
        )
    gradient = float(running[-1])
    steps.append(
        Step(
            Text("Gradient through the whole chain", "整条链的梯度"),
            formula="Π w_l·f'(z_l)",
            substituted=" · ".join(_u(t) for t in terms),
            result=_u(gradient),
            note=_chain_note(name),
            grids=(
                Grid.of(
                    [
                        [i, _r(zv), _r(wv), _r(fv), _r(pv)]
                        for i, (zv, wv, fv, pv) in enumerate(zip(zs, ws, factors, running, strict=True), start=1)
                    ],
                    col_labels=("l", "z_l", "w_l", "f'(z_l)", "Π"),
                ),
            ),
        )
    )
    return Solution(answers={"factors": factors.tolist(), "gradient": gradient}, steps=steps)


def _weights(w: Any, zs: np.ndarray) -> np.ndarray:
    if w is None:
        return np.ones_like(zs)
    ws = as_array(w, "w")
    if ws.size == 1:
        return np.full_like(zs, ws[0])
    if ws.size != zs.size:
        raise SolverInputError(Text("give one weight per layer (as many as z)", "每层一个权重（个数与 z 相同）"))
    return ws


def _chain_note(name: str) -> Text | None:
    if name == "sigmoid":
        return Text(
            "Every sigmoid factor is at most 0.25, so with |w| ≤ 1 the gradient shrinks at least 4× per layer.",
            "每个 sigmoid 导数因子不超过 0.25，若 |w| ≤ 1，梯度每层至少缩小 4 倍。",
        )
    if name == "relu":
        return Text(
            "ReLU factors are 1 or 0: the gradient passes unchanged through active units and is cut by any unit with z ≤ 0.",
            "ReLU 的因子只有 1 或 0：激活的单元让梯度原样通过，任何 z ≤ 0 的单元都会把梯度截断为 0。",
        )
    return None


@mistake("activations.chain", "weights_forgotten")
def _chain_no_weights(function: str, z: Any, slope: float = 0.01, alpha: float = 1.0, **_: Any) -> dict[str, Any]:
    zs = as_array(z, "z")
    return {"gradient": float(np.prod(derivative(check_function(function), zs, float(slope), float(alpha))))}


@mistake("activations.chain", "sigmoid_derivative_no_one_minus")
def _chain_sigmoid(function: str, z: Any, w: Any = None, **_: Any) -> dict[str, Any]:
    if check_function(function) != "sigmoid":
        return {}
    zs = as_array(z, "z")
    factors = sigmoid(zs)
    return {"factors": factors.tolist(), "gradient": float(np.prod(_weights(w, zs) * factors))}


@mistake("activations.chain", "values_instead_of_derivatives")
def _chain_values(function: str, z: Any, w: Any = None, slope: float = 0.01, alpha: float = 1.0) -> dict[str, Any]:
    """Multiplies the activations f(z_l) instead of their derivatives f'(z_l)."""
    zs = as_array(z, "z")
    factors = value(check_function(function), zs, float(slope), float(alpha))
    return {"factors": factors.tolist(), "gradient": float(np.prod(_weights(w, zs) * factors))}
