"""Parameter optimizers and gradient clipping (nndl ch. 7).

Conventions (REFERENCE.md), all operations element-wise:

- Momentum: Δθ_t = ρ·Δθ_{t−1} − α·g_t ; θ_t = θ_{t−1} + Δθ_t. PyTorch keeps b_t = ρ·b_{t−1} + g_t
  and steps θ_t = θ_{t−1} − α·b_t: the same θ sequence for a constant α.
- Nesterov, textbook (Sutskever form): the gradient is taken at the look-ahead point
  θ̂_t = θ_{t−1} + ρ·Δθ_{t−1}. PyTorch's ``nesterov=True`` stores the look-ahead point instead:
  b_t = ρ·b_{t−1} + g_t, θ_t = θ_{t−1} − α·(g_t + ρ·b_t) with g_t at the stored point.
- AdaGrad / RMSprop / Adam: ε inside the square root in the textbook, outside in PyTorch.
  AdaDelta has ε inside both roots in both; PyTorch multiplies its update by ``lr`` (default 1).

Defaults (documented in the parameter help): α = 0.1 (hand-friendly; textbook AdaDelta has no α),
ρ = β = β₁ = 0.9, β₂ = 0.99 (textbook) or 0.999 (PyTorch), RMSprop's β = 0.99 under the PyTorch
convention (torch.optim.RMSprop's alpha), ε = 10⁻⁸ (AdaDelta 10⁻⁶, as in Zeiler's paper and PyTorch;
AdaGrad under the PyTorch convention 10⁻¹⁰, torch.optim.Adagrad's default).

A loss formula is read by the whitelist parser (``solvers.safe_expr``), turned into a sympy tree
(never ``sympify`` on text), differentiated symbolically and evaluated with ``lambdify``.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from solvers import safe_expr
from solvers.core import Grid, ParamSpec, Solution, SolverInputError, Step, Text, fmt_num, fmt_vector
from solvers.registry import mistake, solver
from solvers.safe_expr import ExprError

METHODS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam")
CONVENTIONS = ("textbook", "pytorch")
#: how a worked solution names each method and convention
METHOD_NAMES = {
    "sgd": Text("gradient descent (SGD)", "梯度下降（SGD）"),
    "momentum": Text("momentum", "动量法"),
    "nesterov": Text("Nesterov accelerated gradient", "Nesterov 加速梯度"),
    "adagrad": Text("AdaGrad", "AdaGrad"),
    "rmsprop": Text("RMSprop", "RMSprop"),
    "adadelta": Text("AdaDelta", "AdaDelta"),
    "adam": Text("Adam", "Adam"),
}
CONVENTION_NAMES = {"textbook": Text("textbook", "教材"), "pytorch": Text("PyTorch", "PyTorch")}
MAX_STEPS = 100
#: largest constant exponent accepted in a loss formula (x^100 is fine; 9^9^9 is not)
MAX_LOSS_EXPONENT = 100
#: min/max calls allowed in a loss (sympy's Min/Max gets slow quickly)
MAX_LOSS_MINMAX = 4

_SUB = str.maketrans("0123456789-+t", "₀₁₂₃₄₅₆₇₈₉₋₊ₜ")


def sub(value: Any) -> str:
    """Unicode subscript of an index: sub(12) -> '₁₂'."""
    return str(value).translate(_SUB)


def fv(values: Any, digits: int = 6) -> str:
    """A vector for a worked step; a one-element vector is shown as a plain number."""
    seq = list(np.asarray(values, dtype=float).reshape(-1))
    if len(seq) == 1:
        return fmt_num(seq[0], digits)
    return fmt_vector(seq, digits)


def fp(values: Any, digits: int = 6) -> str:
    """Like ``fv`` but a negative scalar gets parentheses, so ``0.9·(−2)`` reads right."""
    text = fv(values, digits)
    return f"({text})" if text.startswith("-") else text


def _num(value: float) -> str:
    return fmt_num(value, 6)


def as_vector(value: Any, name: str) -> np.ndarray:
    """A list (or a single number) as a float vector; refuse anything else with a clear message."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = [value]
    try:
        arr = np.asarray(value, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise SolverInputError(Text(f"{name} must be a list of numbers", f"{name} 必须是一组数")) from None
    if arr.size == 0:
        raise SolverInputError(Text(f"{name} is empty", f"{name} 为空"))
    if not np.all(np.isfinite(arr)):
        raise SolverInputError(Text(f"{name} contains a non-finite number", f"{name} 含有非有限的数"))
    return arr


def _tolist(arr: Any) -> list[float]:
    return [float(v) for v in np.asarray(arr, dtype=float).reshape(-1)]


# --------------------------------------------------------------------------- loss formulas


class LossError(SolverInputError, ExprError):
    """A loss formula the solver refuses. It is both a ``SolverInputError`` (bad solver input, shown
    without a traceback) and an ``ExprError`` (bad expression), so callers may catch either."""

    def __init__(self, text: Text):
        ValueError.__init__(self, text.en)
        self.text = text


_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,19}")


def _guard(node: safe_expr.Node) -> None:
    """Refuse hostile formulas before sympy sees them.

    Every variable-free subtree is evaluated with the safe evaluator (which caps the size of
    powers and refuses 1/0, exp(1000), ...), and a constant exponent may not exceed
    ``MAX_LOSS_EXPONENT``, so sympy never builds a gigantic integer.
    """
    if not safe_expr.free_names(node):
        try:
            safe_expr.evaluate(node, {})
        except ExprError as exc:
            raise LossError(Text(f"cannot use the loss: {exc.text.en}", f"无法使用该损失函数：{exc.text.zh}")) from exc
        except (ArithmeticError, TypeError, ValueError) as exc:
            raise LossError(
                Text(
                    "cannot use the loss: a constant part cannot be evaluated",
                    "无法使用该损失函数：其中的常数部分无法计算",
                )
            ) from exc
        return
    if isinstance(node, safe_expr.Binary):
        if node.op == "^" and not safe_expr.free_names(node.right):
            _guard(node.right)
            exponent = safe_expr.evaluate(node.right, {})
            if not isinstance(exponent, (int, float)) or abs(exponent) > MAX_LOSS_EXPONENT:
                raise LossError(
                    Text(
                        f"exponent too large in the loss (at most {MAX_LOSS_EXPONENT})",
                        f"损失函数中的指数过大（最多 {MAX_LOSS_EXPONENT}）",
                    )
                )
        _guard(node.left)
        _guard(node.right)
    elif isinstance(node, safe_expr.Unary):
        _guard(node.operand)
    elif isinstance(node, safe_expr.Call):
        if node.func in ("min", "max") and (
            len(node.args) > 2
            or any(isinstance(arg, safe_expr.Call) and arg.func in ("min", "max") for arg in node.args)
        ):
            # sympy's Min/Max flattens and compares every pair of arguments symbolically, which takes
            # seconds from about four arguments on.
            raise LossError(
                Text(
                    "in a loss, min/max take two arguments and are not nested directly",
                    "损失函数中的 min/max 只能有两个参数，且不能直接嵌套",
                )
            )
        for arg in node.args:
            _guard(arg)
    elif isinstance(node, safe_expr.Compare):
        raise LossError(Text("a loss cannot contain comparisons", "损失函数中不能有比较运算"))


def _count_minmax(node: safe_expr.Node) -> int:
    if isinstance(node, safe_expr.Call):
        return (node.func in ("min", "max")) + sum(_count_minmax(a) for a in node.args)
    if isinstance(node, safe_expr.Binary):
        return _count_minmax(node.left) + _count_minmax(node.right)
    if isinstance(node, safe_expr.Unary):
        return _count_minmax(node.operand)
    return 0


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _pretty(expr: Any) -> str:
    """A sympy expression in the Unicode notation of the question texts: w1**2 + 3*y - 1 -> w₁² + 3·y − 1."""
    text = re.sub(r"\b(\d+)\.0(?![\d])", r"\1", str(expr))  # sympy's 3.0*x is 3·x
    text = re.sub(r"\b([A-Za-z]+)(\d+)\b(?!\()", lambda m: m.group(1) + sub(m.group(2)), text)
    text = re.sub(r"\*\*(\d+)(?![\d.])", lambda m: m.group(1).translate(_SUPERSCRIPT), text)
    return text.replace("**", "^").replace("*", "·").replace("-", "−")


@dataclass(frozen=True)
class CompiledLoss:
    """A loss formula ready to use: its variables, display strings and numeric functions."""

    names: tuple[str, ...]
    display: str
    grad_display: tuple[str, ...]
    _value: Callable[..., Any] = field(repr=False)
    _grad: Callable[..., Any] = field(repr=False)

    def value(self, theta: np.ndarray) -> float:
        with np.errstate(all="ignore"):
            try:
                result = complex(self._value(*[float(v) for v in theta]))
            except (ArithmeticError, TypeError, ValueError, NameError, AttributeError) as exc:
                raise _undefined("f", theta, self.names) from exc
        if result.imag != 0 or not np.isfinite(result.real):
            raise _undefined("f", theta, self.names)
        return float(result.real)

    def gradient(self, theta: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            try:
                raw = self._grad(*[float(v) for v in theta])
                values = np.array([complex(v) for v in raw])
            except (ArithmeticError, TypeError, ValueError, NameError, AttributeError) as exc:
                raise _undefined("∇f", theta, self.names) from exc
        if np.any(values.imag != 0) or not np.all(np.isfinite(values.real)):
            raise _undefined("∇f", theta, self.names)
        return values.real.astype(float)


def _undefined(what: str, theta: np.ndarray, names: tuple[str, ...]) -> SolverInputError:
    point = ", ".join(f"{n} = {_num(v)}" for n, v in zip(names, theta, strict=True))
    return SolverInputError(
        Text(f"{what} is not defined (or not finite) at {point}", f"{what} 在 {point} 处无定义（或不是有限值）")
    )


def parse_var_list(vars: str | None) -> list[str] | None:
    if vars is None or (isinstance(vars, str) and not vars.strip()):
        return None
    if not isinstance(vars, str):
        vars = ",".join(str(v) for v in vars)
    names = [v.strip() for v in re.split(r"[,\s，]+", vars) if v.strip()]
    for name in names:
        if not _NAME.fullmatch(name) or name in safe_expr.FUNCTIONS or name in safe_expr.CONSTANTS:
            raise SolverInputError(
                Text(
                    f"{name!r} cannot be a variable name (letters, digits and _, starting with a letter; not a function name)",
                    f"{name!r} 不能作变量名（由字母、数字和下划线组成，以字母开头，且不能是函数名）",
                )
            )
    if len(set(names)) != len(names):
        raise SolverInputError(Text("a variable is listed twice", "变量重复列出"))
    return names


def compile_loss(text: Any, vars: Any = None) -> CompiledLoss:
    """Parse a loss formula with the whitelist parser and differentiate it with sympy.

    Raises ``LossError`` (an ``ExprError`` and a ``SolverInputError``) for anything refused.
    Results are cached: mistake generators and the bank's self-test compile the same loss often.
    """
    if not isinstance(text, str):
        raise LossError(Text("the loss must be a formula", "损失函数必须是一个公式"))
    names = parse_var_list(vars)
    return _compile_cached(text, None if names is None else tuple(names))


@functools.lru_cache(maxsize=256)
def _compile_cached(text: str, names_given: tuple[str, ...] | None) -> CompiledLoss:
    try:
        node = safe_expr.parse(text)
    except ExprError as exc:
        raise LossError(Text(f"cannot read the loss: {exc.text.en}", f"无法读取损失函数：{exc.text.zh}")) from exc
    _guard(node)
    if _count_minmax(node) > MAX_LOSS_MINMAX:
        raise LossError(
            Text(
                f"at most {MAX_LOSS_MINMAX} min/max calls in a loss", f"损失函数中最多使用 {MAX_LOSS_MINMAX} 次 min/max"
            )
        )
    used = safe_expr.free_names(node)
    names = None if names_given is None else list(names_given)
    if names is None:
        bad = sorted(n for n in used if not _NAME.fullmatch(n))
        if bad:
            raise LossError(Text(f"{bad[0]!r} cannot be a variable name", f"{bad[0]!r} 不能作变量名"))
        names = sorted(used)
    missing = sorted(used - set(names))
    if missing:
        raise LossError(
            Text(
                f"the loss uses {', '.join(missing)} but the variables are {', '.join(names)}",
                f"损失函数用到了 {', '.join(missing)}，但给出的变量是 {', '.join(names)}",
            )
        )
    if not names:
        raise LossError(Text("the loss has no variables to optimize", "损失函数中没有可优化的变量"))

    import sympy

    symbols = {n: sympy.Symbol(n, real=True) for n in names}
    try:
        expr = safe_expr.to_sympy(node, dict(symbols))
        derivatives = [sympy.diff(expr, symbols[n]) for n in names]
    except ExprError as exc:
        raise LossError(Text(f"cannot use the loss: {exc.text.en}", f"无法使用该损失函数：{exc.text.zh}")) from exc
    except (ArithmeticError, TypeError, ValueError, RecursionError) as exc:
        raise LossError(Text("cannot differentiate the loss", "无法对该损失函数求导")) from exc
    if any(d.has(sympy.Derivative) or d.has(sympy.Subs) for d in derivatives):
        raise LossError(
            Text(
                "the loss is not differentiable in closed form (floor/ceil?)",
                "该损失函数无法给出导数的解析式（是否用了 floor/ceil？）",
            )
        )
    args = [symbols[n] for n in names]
    try:
        value_fn = sympy.lambdify(args, expr, modules="numpy", dummify=True)
        grad_fn = sympy.lambdify(args, derivatives, modules="numpy", dummify=True)
    except Exception as exc:  # sympy's printers raise assorted errors for things numpy cannot do
        raise LossError(Text("cannot evaluate the loss numerically", "无法对该损失函数做数值计算")) from exc
    return CompiledLoss(tuple(names), _pretty(expr), tuple(_pretty(d) for d in derivatives), value_fn, grad_fn)


# --------------------------------------------------------------------------- optimizer set-up


@dataclass
class _Setup:
    method: str
    convention: str
    start: np.ndarray
    steps: int
    lr: float
    rho: float
    beta: float
    beta1: float
    beta2: float
    eps: float
    loss: CompiledLoss | None
    grads: list[np.ndarray] | None
    labels: tuple[str, ...]
    intro: list[Step]


def _check_unit(name: str, value: float) -> None:
    if not 0 <= value < 1:
        raise SolverInputError(
            Text(f"{name} must be in [0, 1) (got {_num(value)})", f"{name} 必须在 [0, 1) 内（给了 {_num(value)}）")
        )


def _given_grads(grads: Any, dim: int | None) -> list[np.ndarray]:
    """A gradient sequence: a flat list means one-dimensional θ; a list of lists gives one gradient
    vector per step (possible from Python or YAML, not from the calculator's ``vector`` kind)."""
    if isinstance(grads, (int, float)) and not isinstance(grads, bool):
        grads = [grads]
    try:
        arr = np.asarray(grads, dtype=float)
    except (TypeError, ValueError):
        raise SolverInputError(Text("grads must be a list of numbers", "grads 必须是一组数")) from None
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise SolverInputError(Text("grads must be a list of numbers", "grads 必须是一组数"))
    if not np.all(np.isfinite(arr)):
        raise SolverInputError(Text("grads contains a non-finite number", "grads 含有非有限的数"))
    if dim is not None and arr.shape[1] != dim:
        raise SolverInputError(
            Text(
                f"each gradient must have {dim} component(s) like start (got {arr.shape[1]}); a flat grads list is for a one-dimensional θ",
                f"每个梯度应与 start 一样有 {dim} 个分量（给了 {arr.shape[1]} 个）；一维的 grads 列表只适用于一维参数 θ",
            )
        )
    return [row.copy() for row in arr]


def _setup(
    method: str,
    start: Any,
    loss: str | None = None,
    vars: str | None = None,
    grads: Any = None,
    steps: int | None = None,
    lr: float | None = None,
    rho: float = 0.9,
    beta: float | None = None,
    beta1: float = 0.9,
    beta2: float | None = None,
    eps: float | None = None,
    convention: str = "textbook",
) -> _Setup:
    method = str(method).lower()
    if method not in METHODS:
        raise SolverInputError(
            Text(
                f"unknown method {method!r}; use one of {', '.join(METHODS)}",
                f"未知的方法 {method!r}；可选 {', '.join(METHODS)}",
            )
        )
    convention = str(convention or "textbook").lower()
    if convention not in CONVENTIONS:
        raise SolverInputError(Text("convention must be textbook or pytorch", "convention 只能是 textbook 或 pytorch"))
    theta0 = as_vector(start, "start")
    if (loss is None) == (grads is None):
        raise SolverInputError(
            Text(
                "give either a loss formula (loss=...) or a gradient sequence (grads=...), not both",
                "请给出损失函数（loss=...）或梯度序列（grads=...）之一，不能同时给出或都不给",
            )
        )
    compiled: CompiledLoss | None = None
    given: list[np.ndarray] | None = None
    if grads is not None:
        if method == "nesterov":
            raise SolverInputError(
                Text(
                    "Nesterov needs the gradient at the look-ahead point θ_{t−1} + ρ·Δθ_{t−1}, which a fixed gradient "
                    "sequence cannot provide: give the loss formula instead",
                    "Nesterov 加速梯度需要在前瞻点 θ_{t−1} + ρ·Δθ_{t−1} 处求梯度，固定的梯度序列给不出来：请改为给出损失函数",
                )
            )
        given = _given_grads(grads, theta0.size)
        if steps is None:
            steps = len(given)
        elif int(steps) != len(given):
            raise SolverInputError(
                Text(
                    f"steps = {steps} but {len(given)} gradient(s) are given; give one gradient per step",
                    f"steps = {steps}，但给了 {len(given)} 个梯度；每一步需要一个梯度",
                )
            )
        labels = (
            tuple("θ" for _ in range(theta0.size))
            if theta0.size == 1
            else tuple(f"θ{sub(i + 1)}" for i in range(theta0.size))
        )
    else:
        compiled = compile_loss(loss, vars)
        if len(compiled.names) != theta0.size:
            raise SolverInputError(
                Text(
                    f"start has {theta0.size} number(s) but the loss has {len(compiled.names)} variable(s) ({', '.join(compiled.names)})",
                    f"start 有 {theta0.size} 个数，但损失函数有 {len(compiled.names)} 个变量（{', '.join(compiled.names)}）",
                )
            )
        labels = compiled.names
        steps = 1 if steps is None else steps
    steps = int(steps)
    if not 1 <= steps <= MAX_STEPS:
        raise SolverInputError(Text(f"steps must be between 1 and {MAX_STEPS}", f"steps 必须在 1 到 {MAX_STEPS} 之间"))

    if lr is None:
        lr = 1.0 if (method == "adadelta" and convention == "pytorch") else 0.1
    lr = float(lr)
    if not lr > 0:
        raise SolverInputError(Text("the learning rate must be positive", "学习率必须为正"))
    if beta is None:
        beta = 0.99 if (method == "rmsprop" and convention == "pytorch") else 0.9
    if beta2 is None:
        beta2 = 0.999 if convention == "pytorch" else 0.99
    if eps is None:
        if method == "adadelta":
            eps = 1e-6
        elif method == "adagrad" and convention == "pytorch":
            eps = 1e-10  # torch.optim.Adagrad's default
        else:
            eps = 1e-8
    rho, beta, beta1, beta2, eps = float(rho), float(beta), float(beta1), float(beta2), float(eps)
    for name, value in (("rho", rho), ("beta", beta), ("beta1", beta1), ("beta2", beta2)):
        _check_unit(name, value)
    if eps < 0:
        raise SolverInputError(Text("eps cannot be negative", "eps 不能为负"))

    intro = _intro_steps(method, convention, lr, rho, beta, beta1, beta2, eps, compiled, given)
    return _Setup(method, convention, theta0, steps, lr, rho, beta, beta1, beta2, eps, compiled, given, labels, intro)


def _intro_steps(
    method: str,
    convention: str,
    lr: float,
    rho: float,
    beta: float,
    beta1: float,
    beta2: float,
    eps: float,
    compiled: CompiledLoss | None,
    given: list[np.ndarray] | None,
) -> list[Step]:
    hyper = {
        "sgd": f"α = {_num(lr)}",
        "momentum": f"α = {_num(lr)}, ρ = {_num(rho)}",
        "nesterov": f"α = {_num(lr)}, ρ = {_num(rho)}",
        "adagrad": f"α = {_num(lr)}, ε = {_num(eps)}",
        "rmsprop": f"α = {_num(lr)}, β = {_num(beta)}, ε = {_num(eps)}",
        "adadelta": f"β = {_num(beta)}, ε = {_num(eps)}" + (f", lr = {_num(lr)}" if convention == "pytorch" else ""),
        "adam": f"α = {_num(lr)}, β₁ = {_num(beta1)}, β₂ = {_num(beta2)}, ε = {_num(eps)}",
    }[method]
    notes = {
        ("textbook", "momentum"): Text("Textbook form Δθₜ = ρ·Δθₜ₋₁ − α·gₜ.", "教材形式 Δθₜ = ρ·Δθₜ₋₁ − α·gₜ。"),
        ("pytorch", "momentum"): Text(
            "PyTorch form bₜ = ρ·bₜ₋₁ + gₜ, θₜ = θₜ₋₁ − α·bₜ (same θ sequence as the textbook for a constant α).",
            "PyTorch 形式 bₜ = ρ·bₜ₋₁ + gₜ，θₜ = θₜ₋₁ − α·bₜ（学习率不变时与教材的 θ 序列相同）。",
        ),
        ("textbook", "nesterov"): Text(
            "Textbook (Sutskever) form: the gradient is taken at the look-ahead point θ̂ₜ = θₜ₋₁ + ρ·Δθₜ₋₁.",
            "教材（Sutskever）形式：在前瞻点 θ̂ₜ = θₜ₋₁ + ρ·Δθₜ₋₁ 处求梯度。",
        ),
        ("pytorch", "nesterov"): Text(
            "PyTorch nesterov=True: the stored parameter is the look-ahead point; bₜ = ρ·bₜ₋₁ + gₜ, θₜ = θₜ₋₁ − α·(gₜ + ρ·bₜ). "
            "Its θ sequence differs from the textbook's.",
            "PyTorch 的 nesterov=True：保存的参数就是前瞻点；bₜ = ρ·bₜ₋₁ + gₜ，θₜ = θₜ₋₁ − α·(gₜ + ρ·bₜ)。其 θ 序列与教材不同。",
        ),
        ("textbook", "adadelta"): Text(
            "Textbook AdaDelta has no learning rate: ε sits inside both square roots and ΔX²₀ = 0.",
            "教材中的 AdaDelta 没有学习率：ε 在两个根号内，ΔX²₀ = 0。",
        ),
        ("pytorch", "adadelta"): Text(
            "PyTorch AdaDelta: as the textbook (ε inside both roots) but the update is multiplied by lr; ΔX² is updated with the unscaled update.",
            "PyTorch 的 AdaDelta：与教材相同（ε 在两个根号内），但更新量再乘以 lr；ΔX² 用未乘 lr 的更新量计算。",
        ),
    }
    if (convention, method) in notes:
        note = notes[(convention, method)]
    elif method in ("adagrad", "rmsprop", "adam"):
        note = (
            Text("Textbook convention: ε inside the square root, √(G + ε).", "教材约定：ε 在根号内，√(G + ε)。")
            if convention == "textbook"
            else Text("PyTorch convention: ε outside the square root, √G + ε.", "PyTorch 约定：ε 在根号外，√G + ε。")
        )
    else:
        note = Text("Plain gradient descent: θₜ = θₜ₋₁ − α·gₜ.", "普通梯度下降：θₜ = θₜ₋₁ − α·gₜ。")
    name, conv = METHOD_NAMES[method], CONVENTION_NAMES[convention]
    steps = [
        Step(
            Text(
                f"Method: {name.en}, {conv.en} convention",
                f"方法：{name.zh}，{conv.zh}{'' if convention == 'textbook' else ' '}约定",
            ),
            formula=hyper,
            note=note,
        )
    ]
    if compiled is not None:
        names = compiled.names
        partials = ", ".join(f"∂f/∂{n}" for n in names)
        steps.append(
            Step(
                Text(
                    "Gradient of the loss (differentiate with respect to each variable)",
                    "损失函数的梯度（对每个变量求偏导）",
                ),
                formula=f"f({', '.join(names)}) = {compiled.display};  ∇f = ({partials})"
                if len(names) > 1
                else f"f({names[0]}) = {compiled.display};  f'({names[0]}) = ∂f/∂{names[0]}",
                substituted=f"({', '.join(compiled.grad_display)})" if len(names) > 1 else compiled.grad_display[0],
            )
        )
    elif given is not None:
        steps.append(
            Step(
                Text(
                    "The gradients g₁, g₂, … are given (no loss formula needed)",
                    "题目直接给出梯度 g₁, g₂, …（无需损失函数）",
                ),
                result="; ".join(f"g{sub(i + 1)} = {fv(g)}" for i, g in enumerate(given)),
            )
        )
    return steps


# --------------------------------------------------------------------------- the update loop


@dataclass
class _Flags:
    """Misconceptions the loop can reproduce (all False for the correct solution)."""

    method: str | None = None  # run another method (momentum instead of nesterov, ...)
    convention: str | None = None
    no_bias_correction: bool = False
    bias_exponent_shift: int = 0
    eps_inside: bool | None = None
    accumulate: bool = False  # AdaGrad's running sum instead of a moving average
    not_squared: bool = False
    no_sqrt: bool = False
    sign_error: bool = False


def _run(s: _Setup, flags: _Flags | None = None) -> tuple[dict[str, Any], list[Step]]:
    """Run the optimizer, returning the answers and the worked steps built from the same numbers."""
    fl = flags or _Flags()
    method = fl.method or s.method
    conv = fl.convention or s.convention
    eps_inside = fl.eps_inside if fl.eps_inside is not None else (conv == "textbook" or method == "adadelta")
    a, rho, beta, b1, b2, eps = s.lr, s.rho, s.beta, s.beta1, s.beta2, s.eps
    d = s.start.size
    theta = s.start.copy()
    delta = np.zeros(d)
    buf: np.ndarray | None = None
    acc_g = np.zeros(d)
    acc_m = np.zeros(d)
    acc_x = np.zeros(d)
    m_hat = g_hat = np.zeros(d)
    steps: list[Step] = list(s.intro)
    answers: dict[str, Any] = {}
    trajectory: list[list[float]] = []
    grads_used: list[list[float]] = []
    losses: list[float] = []
    rows: list[list[str]] = []
    sq = "⊙" if d > 1 else "·"

    def gradient_at(point: np.ndarray, t: int, where: str) -> np.ndarray:
        if s.grads is not None:
            g = s.grads[t - 1]
            steps.append(
                Step(
                    Text(f"Step {t}: gradient (given)", f"第 {t} 步：梯度（已知）"), formula=f"g{sub(t)}", result=fv(g)
                )
            )
            return g
        assert s.loss is not None
        g = s.loss.gradient(point)
        point_text = ", ".join(_num(v) for v in point)
        steps.append(
            Step(
                Text(f"Step {t}: gradient at {where}", f"第 {t} 步：在 {where} 处求梯度"),
                formula=f"g{sub(t)} = ∇f({where})",
                substituted=f"∇f({point_text})",
                result=fv(g),
            )
        )
        return g

    def root(x: np.ndarray, what: str) -> tuple[np.ndarray, str, str]:
        """√(x + ε) (or √x + ε, or the mistakes without a root) with its formula, written with the
        symbol ``what`` for x, and its substitution."""
        if fl.no_sqrt:
            return x + eps, f"{what} + ε", f"{fv(x)} + {_num(eps)}"
        if np.any(x < 0):
            raise SolverInputError(Text("square root of a negative accumulator", "累积量为负，无法开方"))
        if eps_inside:
            return np.sqrt(x + eps), f"√({what} + ε)", f"√({fv(x)} + {_num(eps)})"
        return np.sqrt(x) + eps, f"√{what} + ε", f"√{fp(x)} + {_num(eps)}"

    def safe_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
        if np.any(den == 0):
            raise SolverInputError(Text("division by zero in the update: use ε > 0", "更新中出现除以零：请取 ε > 0"))
        return num / den

    if s.loss is not None:
        losses.append(s.loss.value(theta))
    rows.append(_row0(method, conv, theta) + ([_num(losses[0])] if losses else []))

    for t in range(1, s.steps + 1):
        prev = theta.copy()

        def label(en: str, zh: str, t: int = t) -> Text:
            return Text(f"Step {t}: {en}", f"第 {t} 步：{zh}")

        tp = f"θ{sub(t - 1)}"
        if method == "nesterov" and conv == "textbook":
            look = _cancel(prev + rho * delta, prev, rho * delta)
            steps.append(
                Step(
                    label("look-ahead point", "前瞻点"),
                    formula="θ̂ₜ = θₜ₋₁ + ρ·Δθₜ₋₁",
                    substituted=f"{fv(prev)} + {_num(rho)}·{fp(delta)}",
                    result=fv(look),
                )
            )
            g = gradient_at(look, t, f"θ̂{sub(t)}")
        else:
            look = prev
            g = gradient_at(prev, t, tp)
        grads_used.append(_tolist(g))
        gu = -g if fl.sign_error else g
        g2 = gu if fl.not_squared else gu * gu
        g2_text = fp(g) if fl.not_squared else _square_text(g)
        row: list[str]
        if method == "sgd":
            delta = -a * gu
            steps.append(
                Step(
                    label("Update", "更新量"),
                    formula="Δθₜ = −α·gₜ",
                    substituted=f"−{_num(a)}·{fp(g)}",
                    result=fv(delta),
                )
            )
            row = [str(t), fv(g), fv(delta)]
        elif method == "momentum" and conv == "textbook":
            new = _cancel(rho * delta - a * gu, rho * delta, a * gu)
            steps.append(
                Step(
                    label("Momentum update (velocity)", "动量更新量（速度）"),
                    formula="Δθₜ = ρ·Δθₜ₋₁ − α·gₜ",
                    substituted=f"{_num(rho)}·{fp(delta)} − {_num(a)}·{fp(g)}",
                    result=fv(new),
                )
            )
            delta = new
            row = [str(t), fv(g), fv(delta)]
        elif method in ("momentum", "nesterov") and conv == "pytorch":
            old = np.zeros(d) if buf is None else buf
            buf = _cancel(rho * old + gu, rho * old, gu)
            steps.append(
                Step(
                    label("Momentum buffer (PyTorch)", "动量缓存（PyTorch）"),
                    formula="bₜ = ρ·bₜ₋₁ + gₜ  (b₀ = 0)",
                    substituted=f"{_num(rho)}·{fp(old)} + {fp(g)}",
                    result=fv(buf),
                )
            )
            if method == "nesterov":
                direction = _cancel(gu + rho * buf, gu, rho * buf)
                steps.append(
                    Step(
                        label("Nesterov direction (PyTorch)", "Nesterov 方向（PyTorch）"),
                        formula="dₜ = gₜ + ρ·bₜ",
                        substituted=f"{fp(g)} + {_num(rho)}·{fp(buf)}",
                        result=fv(direction),
                    )
                )
                delta = -a * direction
                steps.append(
                    Step(
                        label("Update", "更新量"),
                        formula="Δθₜ = −α·dₜ",
                        substituted=f"−{_num(a)}·{fp(direction)}",
                        result=fv(delta),
                    )
                )
                row = [str(t), fv(g), fv(buf), fv(direction), fv(delta)]
            else:
                delta = -a * buf
                steps.append(
                    Step(
                        label("Update", "更新量"),
                        formula="Δθₜ = −α·bₜ",
                        substituted=f"−{_num(a)}·{fp(buf)}",
                        result=fv(delta),
                    )
                )
                row = [str(t), fv(g), fv(buf), fv(delta)]
        elif method == "nesterov":  # textbook
            new = _cancel(rho * delta - a * gu, rho * delta, a * gu)
            steps.append(
                Step(
                    label(
                        "Nesterov update, with the gradient from the look-ahead point",
                        "Nesterov 更新量（使用前瞻点的梯度）",
                    ),
                    formula="Δθₜ = ρ·Δθₜ₋₁ − α·g(θ̂ₜ)",
                    substituted=f"{_num(rho)}·{fp(delta)} − {_num(a)}·{fp(g)}",
                    result=fv(new),
                )
            )
            delta = new
            row = [str(t), fv(look), fv(g), fv(delta)]
        elif method in ("adagrad", "rmsprop", "adadelta"):
            old_g = acc_g
            if method == "adagrad" or fl.accumulate:
                acc_g = old_g + g2
                steps.append(
                    Step(
                        label("Accumulate the squared gradients", "累积梯度平方"),
                        formula="Gₜ = Gₜ₋₁ + gₜ⊙gₜ",
                        substituted=f"{fp(old_g)} + {g2_text}",
                        result=fv(acc_g),
                    )
                )
            else:
                acc_g = beta * old_g + (1 - beta) * g2
                steps.append(
                    Step(
                        label("Moving average of the squared gradients", "梯度平方的指数衰减移动平均"),
                        formula="Gₜ = β·Gₜ₋₁ + (1 − β)·gₜ⊙gₜ",
                        substituted=f"{_num(beta)}·{fp(old_g)} + {_num(1 - beta)}·{g2_text}",
                        result=fv(acc_g),
                    )
                )
            den, den_formula, den_sub = root(acc_g, "Gₜ")
            steps.append(
                Step(
                    label("Denominator", "分母"),
                    formula=den_formula,
                    substituted=den_sub,
                    result=fv(den),
                )
            )
            if method == "adadelta":
                num, num_formula, num_sub = root(acc_x, "ΔX²ₜ₋₁")
                steps.append(
                    Step(
                        label(
                            "Numerator, from the moving average of the squared updates up to step t − 1",
                            "分子：由截至第 t − 1 步的参数更新平方的移动平均求得",
                        ),
                        formula=num_formula,
                        substituted=num_sub,
                        result=fv(num),
                    )
                )
                unscaled = -safe_div(num, den) * gu
                scale = a if conv == "pytorch" else 1.0
                delta = scale * unscaled
                ratio = f"{_operand(num_formula)}/{_operand(den_formula)}"
                formula = f"Δθₜ = −lr·{ratio}⊙gₜ" if conv == "pytorch" else f"Δθₜ = −{ratio}⊙gₜ"
                lr_text = f"{_num(a)}·" if conv == "pytorch" else ""
                steps.append(
                    Step(
                        label("Update", "更新量"),
                        formula=formula,
                        substituted=f"−{lr_text}{fv(num)}/{fv(den)}{sq}{fp(g)}",
                        result=fv(delta),
                    )
                )
                old_x = acc_x
                u2 = unscaled * unscaled  # "gradient not squared" concerns g only
                acc_x = beta * old_x + (1 - beta) * u2
                if fl.accumulate:
                    acc_x = old_x + u2
                steps.append(
                    Step(
                        label("Moving average of the squared updates", "参数更新平方的指数衰减移动平均"),
                        formula="ΔX²ₜ = β·ΔX²ₜ₋₁ + (1 − β)·Δθₜ⊙Δθₜ",
                        substituted=f"{_num(beta)}·{fp(old_x)} + {_num(1 - beta)}·{_square_text(unscaled)}",
                        result=fv(acc_x),
                    )
                )
                row = [str(t), fv(g), fv(acc_g), fv(delta), fv(acc_x)]
            else:
                delta = -a * safe_div(gu, den)
                steps.append(
                    Step(
                        label("Update", "更新量"),
                        formula=f"Δθₜ = −α·gₜ/{_operand(den_formula)}",
                        substituted=f"−{_num(a)}·{fp(g)}/{fp(den)}",
                        result=fv(delta),
                    )
                )
                row = [str(t), fv(g), fv(acc_g), fv(delta)]
        else:  # adam
            old_m, old_g = acc_m, acc_g
            acc_m = _cancel(b1 * old_m + (1 - b1) * gu, b1 * old_m, (1 - b1) * gu)
            steps.append(
                Step(
                    label("First moment (moving average of the gradient)", "一阶矩（梯度的移动平均）"),
                    formula="Mₜ = β₁·Mₜ₋₁ + (1 − β₁)·gₜ",
                    substituted=f"{_num(b1)}·{fp(old_m)} + {_num(1 - b1)}·{fp(g)}",
                    result=fv(acc_m),
                )
            )
            acc_g = b2 * old_g + (1 - b2) * g2
            steps.append(
                Step(
                    label("Second moment (moving average of the squared gradient)", "二阶矩（梯度平方的移动平均）"),
                    formula="Gₜ = β₂·Gₜ₋₁ + (1 − β₂)·gₜ⊙gₜ",
                    substituted=f"{_num(b2)}·{fp(old_g)} + {_num(1 - b2)}·{g2_text}",
                    result=fv(acc_g),
                )
            )
            if fl.no_bias_correction:
                m_hat, g_hat = acc_m, acc_g
            else:
                k = t + fl.bias_exponent_shift
                c1, c2 = 1 - b1**k, 1 - b2**k
                if c1 == 0 or c2 == 0:
                    raise SolverInputError(
                        Text("bias correction divides by zero (β = 0?)", "偏差修正除以零（β 为 0？）")
                    )
                m_hat, g_hat = acc_m / c1, acc_g / c2
                steps.append(
                    Step(
                        label("Bias correction of the first moment", "一阶矩的偏差修正"),
                        formula="M̂ₜ = Mₜ / (1 − β₁ᵗ)",
                        substituted=f"{fp(acc_m)} / (1 − {_num(b1)}^{k}) = {fp(acc_m)} / {_num(c1)}",
                        result=fv(m_hat),
                    )
                )
                steps.append(
                    Step(
                        label("Bias correction of the second moment", "二阶矩的偏差修正"),
                        formula="Ĝₜ = Gₜ / (1 − β₂ᵗ)",
                        substituted=f"{fp(acc_g)} / (1 − {_num(b2)}^{k}) = {fp(acc_g)} / {_num(c2)}",
                        result=fv(g_hat),
                    )
                )
            den, den_formula, den_sub = root(g_hat, "Ĝₜ")
            steps.append(
                Step(
                    label("Denominator", "分母"),
                    formula=den_formula,
                    substituted=den_sub,
                    result=fv(den),
                )
            )
            delta = -a * safe_div(m_hat, den)
            steps.append(
                Step(
                    label("Update", "更新量"),
                    formula=f"Δθₜ = −α·M̂ₜ/{_operand(den_formula)}",
                    substituted=f"−{_num(a)}·{fp(m_hat)}/{fp(den)}",
                    result=fv(delta),
                )
            )
            row = [str(t), fv(g), fv(acc_m), fv(acc_g), fv(m_hat), fv(g_hat), fv(delta)]
        theta = _cancel(prev + delta, prev, delta)
        if not np.all(np.isfinite(theta)):
            raise SolverInputError(Text("the parameters left the finite range (diverged)", "参数发散为非有限值"))
        steps.append(
            Step(
                label("new parameters", "新的参数"),
                formula="θₜ = θₜ₋₁ + Δθₜ",
                substituted=f"{fv(prev)} + {fp(delta)}",
                result=f"θ{sub(t)} = {fv(theta)}",
            )
        )
        row.append(fv(theta))
        if s.loss is not None:
            losses.append(s.loss.value(theta))
            row.append(_num(losses[-1]))
        rows.append(row)
        trajectory.append(_tolist(theta))
        answers[f"theta_{t}"] = _tolist(theta)
        answers[f"delta_{t}"] = _tolist(delta)
        answers[f"grad_{t}"] = _tolist(g)

    cols = _columns(method, conv) + (["f(θ)"] if s.loss is not None else [])
    steps.append(
        Step(
            Text("Summary of every step", "各步汇总"),
            grids=(
                Grid.of(
                    rows,
                    col_labels=cols,
                    title=Text(
                        f"{METHOD_NAMES[method].en} ({CONVENTION_NAMES[conv].en})",
                        f"{METHOD_NAMES[method].zh}（{CONVENTION_NAMES[conv].zh}）",
                    ),
                ),
            ),
            note=Text(f"θ components: {', '.join(s.labels)}", f"θ 的分量：{', '.join(s.labels)}") if d > 1 else None,
        )
    )
    answers.update(trajectory=trajectory, theta=_tolist(theta), grads=grads_used, delta=_tolist(delta))
    if method in ("adagrad", "rmsprop", "adadelta", "adam"):
        answers["acc"] = _tolist(acc_g)
    if method == "adadelta":
        answers["acc_dx"] = _tolist(acc_x)
    if method == "adam":
        answers.update(m=_tolist(acc_m), m_hat=_tolist(m_hat), g_hat=_tolist(g_hat))
    if s.loss is not None:
        answers.update(losses=losses, loss=losses[-1])
    return answers, steps


def _cancel(total: np.ndarray, *terms: np.ndarray) -> np.ndarray:
    """Exactly 0 where the terms of a sum cancel up to round-off: 1.6 + (−1.6) is 0, not 1.1×10⁻¹⁶,
    in the answers and in the worked steps alike."""
    scale = sum(np.abs(np.asarray(term, dtype=float)) for term in terms)
    return np.where(np.abs(total) <= 1e-12 * scale, 0.0, total)


def _operand(formula: str) -> str:
    """A denominator written after '/' needs brackets unless it is a single √(…): −α·g/(√G + ε)."""
    single_root = formula.startswith("√(") and formula.endswith(")") and formula.count("√") == 1
    return formula if single_root else f"({formula})"


def _square_text(v: np.ndarray) -> str:
    """g² for a scalar, g⊙g for a vector."""
    return f"{fp(v)}²" if np.size(v) == 1 else f"{fv(v)}⊙{fv(v)}"


def _row0(method: str, conv: str, theta: np.ndarray) -> list[str]:
    n = len(_columns(method, conv))
    return ["0"] + ["—"] * (n - 2) + [fv(theta)]


def _columns(method: str, conv: str) -> list[str]:
    if method == "sgd" or (method == "momentum" and conv == "textbook"):
        return ["t", "gₜ", "Δθₜ", "θₜ"]
    if method == "momentum":
        return ["t", "gₜ", "bₜ", "Δθₜ", "θₜ"]
    if method == "nesterov" and conv == "textbook":
        return ["t", "θ̂ₜ", "g(θ̂ₜ)", "Δθₜ", "θₜ"]
    if method == "nesterov":
        return ["t", "gₜ", "bₜ", "gₜ + ρbₜ", "Δθₜ", "θₜ"]
    if method == "adadelta":
        return ["t", "gₜ", "Gₜ", "Δθₜ", "ΔX²ₜ", "θₜ"]
    if method == "adam":
        return ["t", "gₜ", "Mₜ", "Gₜ", "M̂ₜ", "Ĝₜ", "Δθₜ", "θₜ"]
    return ["t", "gₜ", "Gₜ", "Δθₜ", "θₜ"]


OPTIMIZER_PARAMS = [
    ParamSpec(
        "method",
        "choice",
        Text("optimizer: " + " | ".join(METHODS), "优化方法：" + " | ".join(METHODS)),
        choices=METHODS,
    ),
    ParamSpec("start", "vector", Text("initial parameters θ₀, e.g. 1,2", "初始参数 θ₀，如 1,2")),
    ParamSpec(
        "loss",
        "expr",
        Text(
            "loss formula, e.g. x^2 + 10*y^2 (give loss or grads)", "损失函数，如 x^2 + 10*y^2（loss 与 grads 二选一）"
        ),
        default=None,
        required=False,
    ),
    ParamSpec(
        "vars",
        "text",
        Text(
            "order of the loss variables, e.g. x,y (default: alphabetical)",
            "损失函数变量的顺序，如 x,y（默认按字母顺序）",
        ),
        default=None,
        required=False,
    ),
    ParamSpec(
        "grads",
        "vector",
        Text(
            "gradients g₁,g₂,… of a one-dimensional θ, one per step (not for nesterov)",
            "一维参数的梯度序列 g₁,g₂,…，每步一个（nesterov 不可用）",
        ),
        default=None,
        required=False,
    ),
    ParamSpec(
        "steps",
        "int",
        Text("number of steps (default: number of grads, or 1)", "迭代步数（默认：梯度个数，或 1）"),
        default=None,
        required=False,
    ),
    ParamSpec(
        "lr",
        "number",
        Text(
            "learning rate α (default 0.1; PyTorch AdaDelta's multiplier defaults to 1; textbook AdaDelta has none)",
            "学习率 α（默认 0.1；PyTorch 的 AdaDelta 乘数默认 1；教材 AdaDelta 没有学习率）",
        ),
        default=None,
        required=False,
    ),
    ParamSpec(
        "rho", "number", Text("momentum factor ρ (default 0.9)", "动量因子 ρ（默认 0.9）"), default=0.9, required=False
    ),
    ParamSpec(
        "beta",
        "number",
        Text(
            "decay rate β of RMSprop/AdaDelta (default 0.9; PyTorch RMSprop 0.99)",
            "RMSprop/AdaDelta 的衰减率 β（默认 0.9；PyTorch 的 RMSprop 为 0.99）",
        ),
        default=None,
        required=False,
    ),
    ParamSpec("beta1", "number", Text("Adam β₁ (default 0.9)", "Adam 的 β₁（默认 0.9）"), default=0.9, required=False),
    ParamSpec(
        "beta2",
        "number",
        Text("Adam β₂ (default 0.99 textbook, 0.999 PyTorch)", "Adam 的 β₂（默认：教材 0.99，PyTorch 0.999）"),
        default=None,
        required=False,
    ),
    ParamSpec(
        "eps",
        "number",
        Text(
            "ε (default 1e-8; AdaDelta 1e-6; PyTorch AdaGrad 1e-10)",
            "ε（默认 1e-8；AdaDelta 为 1e-6；PyTorch 约定下的 AdaGrad 为 1e-10）",
        ),
        default=None,
        required=False,
    ),
    ParamSpec(
        "convention",
        "choice",
        Text(
            "textbook (ε inside the root, Sutskever Nesterov) or pytorch",
            "textbook（ε 在根号内，Sutskever 式 Nesterov）或 pytorch",
        ),
        default="textbook",
        required=False,
        choices=CONVENTIONS,
    ),
]


@solver(
    "optim.optimizer",
    OPTIMIZER_PARAMS,
    Text(
        "steps of SGD, Momentum, Nesterov, AdaGrad, RMSprop, AdaDelta or Adam",
        "SGD、动量法、Nesterov、AdaGrad、RMSprop、AdaDelta、Adam 的迭代计算",
    ),
)
def optimizer(
    method: str,
    start: Any,
    loss: str | None = None,
    vars: str | None = None,
    grads: Any = None,
    steps: int | None = None,
    lr: float | None = None,
    rho: float = 0.9,
    beta: float | None = None,
    beta1: float = 0.9,
    beta2: float | None = None,
    eps: float | None = None,
    convention: str = "textbook",
) -> Solution:
    """Answers: ``trajectory`` (θ after each step), ``theta`` (final θ), ``theta_t``/``delta_t``/``grad_t``
    for each step t, ``delta`` (last Δθ), ``grads`` (gradient used at each step), ``acc`` (final G),
    ``acc_dx`` (AdaDelta), ``m``/``m_hat``/``g_hat`` (Adam, last step), ``losses``/``loss`` with a loss."""
    s = _setup(method, start, loss, vars, grads, steps, lr, rho, beta, beta1, beta2, eps, convention)
    answers, worked = _run(s)
    return Solution(answers=answers, steps=worked)


_HEADLINE = ("trajectory", "theta", "delta")


def _mistaken(kwargs: dict[str, Any], flags: _Flags) -> dict[str, Any]:
    """Answers under a misconception: the trajectory keys always, other keys where they differ."""
    s = _setup(**kwargs)
    right, _ = _run(s)
    try:
        wrong, _ = _run(s, flags)
    except SolverInputError:
        return {}
    out: dict[str, Any] = {}
    for key, value in wrong.items():
        headline = key in _HEADLINE or key.startswith(("theta_", "delta_"))
        if (
            headline
            or key not in right
            or not np.allclose(np.asarray(value, dtype=float), np.asarray(right[key], dtype=float), rtol=1e-12, atol=0)
        ):
            out[key] = value
    return out


def _optim_mistake(name: str, applies: Callable[[_Setup], bool], flags: Callable[[_Setup], _Flags]) -> None:
    def generator(**kwargs: Any) -> dict[str, Any]:
        s = _setup(**kwargs)
        if not applies(s):
            return {}
        return _mistaken(kwargs, flags(s))

    generator.__name__ = f"_optimizer_{name}"
    generator.__doc__ = f"Mistake generator {name!r} for optim.optimizer."
    mistake("optim.optimizer", name)(_with_signature(generator))


def _with_signature(func: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """Give a keyword-forwarding generator the solver's signature (the contract asks for it)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> dict[str, Any]:
        bound = inspect.signature(optimizer).bind(*args, **kwargs)
        return func(**bound.arguments)

    wrapper.__signature__ = inspect.signature(optimizer)  # type: ignore[attr-defined]
    return wrapper


_ADAPTIVE = ("adagrad", "rmsprop", "adadelta", "adam")

# Adam without the bias correction: M̂ = M, Ĝ = G.
_optim_mistake("no_bias_correction", lambda s: s.method == "adam", lambda s: _Flags(no_bias_correction=True))
# Adam's correction with t + 1: the student numbers θ₀ as step 1, so the first update uses 1 − β².
_optim_mistake("step_count_off_by_one", lambda s: s.method == "adam", lambda s: _Flags(bias_exponent_shift=1))
# √G + ε where the textbook (or AdaDelta in either convention) puts ε inside the root.
_optim_mistake(
    "eps_outside_root",
    lambda s: s.method in _ADAPTIVE and (s.convention == "textbook" or s.method == "adadelta"),
    lambda s: _Flags(eps_inside=False),
)
# √(G + ε) where PyTorch puts ε outside.
_optim_mistake(
    "eps_inside_root",
    lambda s: s.method in ("adagrad", "rmsprop", "adam") and s.convention == "pytorch",
    lambda s: _Flags(eps_inside=True),
)
# Classical momentum (gradient at θₜ₋₁) where Nesterov (gradient at the look-ahead point) was asked.
_optim_mistake("momentum_instead_of_nesterov", lambda s: s.method == "nesterov", lambda s: _Flags(method="momentum"))
# PyTorch's stored look-ahead parameter reported where the textbook's θ was asked.
_optim_mistake(
    "pytorch_nesterov_form",
    lambda s: s.method == "nesterov" and s.convention == "textbook",
    lambda s: _Flags(convention="pytorch"),
)
# Plain SGD: the velocity ρ·Δθₜ₋₁ is dropped.
_optim_mistake("forgot_momentum", lambda s: s.method in ("momentum", "nesterov"), lambda s: _Flags(method="sgd"))
# RMSprop/AdaDelta with AdaGrad's running sum instead of the moving average.
_optim_mistake(
    "adagrad_instead_of_rmsprop", lambda s: s.method in ("rmsprop", "adadelta"), lambda s: _Flags(accumulate=True)
)
# gₜ instead of gₜ⊙gₜ in the accumulator (only computable while the accumulator stays ≥ 0).
_optim_mistake("gradient_not_squared", lambda s: s.method in _ADAPTIVE, lambda s: _Flags(not_squared=True))
# α·g/(G + ε): the square root forgotten.
_optim_mistake("no_sqrt", lambda s: s.method in _ADAPTIVE, lambda s: _Flags(no_sqrt=True))
# θₜ = θₜ₋₁ + α·(update direction): gradient ascent.
_optim_mistake("sign_error", lambda s: True, lambda s: _Flags(sign_error=True))


# --------------------------------------------------------------------------- gradient clipping

CLIP_MODES = ("value", "norm")


def _clip_inputs(grad: Any, mode: str, threshold: float, low: float | None) -> tuple[np.ndarray, str, float, float]:
    g = as_vector(grad, "grad")
    mode = str(mode).lower()
    if mode not in CLIP_MODES:
        raise SolverInputError(Text("mode must be value or norm", "mode 只能是 value 或 norm"))
    b = float(threshold)
    a = -b if low is None else float(low)
    if mode == "norm" and not b > 0:
        raise SolverInputError(Text("the norm threshold b must be positive", "按模截断的阈值 b 必须为正"))
    if mode == "value" and a > b:
        raise SolverInputError(
            Text(f"the interval [a, b] = [{_num(a)}, {_num(b)}] is empty", f"区间 [a, b] = [{_num(a)}, {_num(b)}] 为空")
        )
    return g, mode, a, b


def _norm_clip(g: np.ndarray, b: float, norm: float, always: bool = False) -> tuple[np.ndarray, float]:
    if norm > b or (always and norm > 0):
        scale = b / norm
        return g * scale, scale
    return g.copy(), 1.0


@solver(
    "optim.clip",
    [
        ParamSpec("grad", "vector", Text("gradient g, e.g. 3,4", "梯度 g，如 3,4")),
        ParamSpec(
            "mode",
            "choice",
            Text(
                "value (clip each component to [a, b]) or norm (rescale if ‖g‖₂ > b)",
                "value（每个分量截断到 [a, b]）或 norm（‖g‖₂ > b 时按比例缩放）",
            ),
            choices=CLIP_MODES,
        ),
        ParamSpec("threshold", "number", Text("threshold b", "阈值 b")),
        ParamSpec(
            "low",
            "number",
            Text("lower bound a for value clipping (default −b)", "按值截断的下界 a（默认 −b）"),
            default=None,
            required=False,
        ),
    ],
    Text("gradient clipping by value or by norm", "梯度截断：按值截断或按模截断"),
)
def clip(grad: Any, mode: str, threshold: float, low: float | None = None) -> Solution:
    """Answers: ``grad`` (clipped gradient), ``norm`` (‖g‖₂ before), ``clipped_norm`` (after), ``scale``
    (norm mode: the factor b/‖g‖₂, or 1 when no clipping is needed)."""
    g, mode, a, b = _clip_inputs(grad, mode, threshold, low)
    norm = float(np.sqrt(np.sum(g * g)))
    steps = [
        Step(
            Text("L2 norm of the gradient", "梯度的 L2 范数"),
            formula="‖g‖₂ = √(Σᵢ gᵢ²)",
            substituted="√(" + " + ".join(f"{fp(v)}²" for v in g) + ")",
            result=_num(norm),
        )
    ]
    answers: dict[str, Any] = {"norm": norm}
    if mode == "value":
        out = np.maximum(np.minimum(g, b), a)
        steps.append(
            Step(
                Text("Clip every component into [a, b] separately", "每个分量分别截断到 [a, b]"),
                formula="gᵢ ← max(min(gᵢ, b), a)",
                substituted="; ".join(
                    f"max(min({_num(v)}, {_num(b)}), {_num(a)}) = {_num(o)}" for v, o in zip(g, out, strict=True)
                ),
                result=fv(out),
                note=Text(f"a = {_num(a)}, b = {_num(b)}", f"a = {_num(a)}，b = {_num(b)}"),
            )
        )
    else:
        out, scale = _norm_clip(g, b, norm)
        if norm > b:
            steps.append(
                Step(
                    Text(
                        "‖g‖₂ > b: rescale the whole vector to length b (the direction is kept)",
                        "‖g‖₂ > b：把整个向量缩放到长度 b（方向不变）",
                    ),
                    formula="g ← b·g/‖g‖₂",
                    substituted=f"{_num(b)}·{fv(g)}/{_num(norm)}",
                    result=fv(out),
                    note=Text(f"scaling factor b/‖g‖₂ = {_num(scale)}", f"缩放因子 b/‖g‖₂ = {_num(scale)}"),
                )
            )
        else:
            steps.append(
                Step(
                    Text("‖g‖₂ ≤ b: the gradient is left unchanged", "‖g‖₂ ≤ b：梯度保持不变"),
                    formula="‖g‖₂ ≤ b",
                    substituted=f"{_num(norm)} ≤ {_num(b)}",
                    result=fv(out),
                )
            )
        answers["scale"] = scale
    clipped_norm = float(np.sqrt(np.sum(out * out)))
    steps.append(Step(Text("Norm after clipping", "截断后的范数"), formula="‖g'‖₂", result=_num(clipped_norm)))
    answers.update(grad=_tolist(out), clipped_norm=clipped_norm)
    return Solution(answers=answers, steps=steps)


@mistake("optim.clip", "norm_clipping_per_component")
def _clip_per_component(grad: Any, mode: str, threshold: float, low: float | None = None) -> dict[str, Any]:
    """Norm clipping applied to each component as if it were its own vector: |gᵢ| > b becomes ±b."""
    g, mode, a, b = _clip_inputs(grad, mode, threshold, low)
    if mode != "norm":
        return {}
    out = np.where(np.abs(g) > b, b * np.sign(g), g)
    return {"grad": _tolist(out), "clipped_norm": float(np.linalg.norm(out))}


@mistake("optim.clip", "norm_clipping_when_value_asked")
def _clip_norm_for_value(grad: Any, mode: str, threshold: float, low: float | None = None) -> dict[str, Any]:
    g, mode, a, b = _clip_inputs(grad, mode, threshold, low)
    if mode != "value" or b <= 0:
        return {}
    out, _ = _norm_clip(g, b, float(np.linalg.norm(g)))
    return {"grad": _tolist(out), "clipped_norm": float(np.linalg.norm(out))}


@mistake("optim.clip", "norm_not_rooted")
def _clip_squared_norm(grad: Any, mode: str, threshold: float, low: float | None = None) -> dict[str, Any]:
    """‖g‖² used as the norm (the square root forgotten), both in the test and in the scaling."""
    g, mode, a, b = _clip_inputs(grad, mode, threshold, low)
    squared = float(np.sum(g * g))
    answers: dict[str, Any] = {"norm": squared}
    if mode == "norm":
        out, scale = _norm_clip(g, b, squared)
        answers.update(grad=_tolist(out), scale=scale, clipped_norm=float(np.linalg.norm(out)))
    return answers


@mistake("optim.clip", "always_rescale")
def _clip_always(grad: Any, mode: str, threshold: float, low: float | None = None) -> dict[str, Any]:
    """Rescaled to length b even though ‖g‖₂ ≤ b (which stretches a small gradient)."""
    g, mode, a, b = _clip_inputs(grad, mode, threshold, low)
    if mode != "norm":
        return {}
    out, scale = _norm_clip(g, b, float(np.linalg.norm(g)), always=True)
    return {"grad": _tolist(out), "scale": scale, "clipped_norm": float(np.linalg.norm(out))}


@mistake("optim.clip", "l1_norm")
def _clip_l1(grad: Any, mode: str, threshold: float, low: float | None = None) -> dict[str, Any]:
    """The L1 norm Σ|gᵢ| used instead of the L2 norm."""
    g, mode, a, b = _clip_inputs(grad, mode, threshold, low)
    l1 = float(np.sum(np.abs(g)))
    answers: dict[str, Any] = {"norm": l1}
    if mode == "norm":
        out, scale = _norm_clip(g, b, l1)
        answers.update(grad=_tolist(out), scale=scale, clipped_norm=float(np.linalg.norm(out)))
    return answers
