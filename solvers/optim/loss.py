"""Loss formulas for the optimizers: read by the whitelist parser (``solvers.safe_expr``), guarded
against hostile input, turned into a sympy tree (never ``sympify`` on text), differentiated
symbolically and evaluated with ``lambdify``. The bank's own losses come differentiated ahead of
time from ``loss_table`` (no sympy on the way to a drill's first question)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from solvers import safe_expr
from solvers.core import SolverInputError, Text
from solvers.safe_expr import ExprError
from solvers.textfmt import sig6 as _num
from solvers.textfmt import sub, sup

#: largest constant exponent accepted in a loss formula (x^100 is fine; 9^9^9 is not)
MAX_LOSS_EXPONENT = 100
#: min/max calls allowed in a loss (sympy's Min/Max gets slow quickly)
MAX_LOSS_MINMAX = 4


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


def _pretty(expr: Any) -> str:
    """A sympy expression in the Unicode notation of the question texts: w1**2 + 3*y - 1 -> w₁² + 3·y − 1."""
    text = re.sub(r"\b(\d+)\.0(?![\d])", r"\1", str(expr))  # sympy's 3.0*x is 3·x
    text = re.sub(r"\b([A-Za-z]+)(\d+)\b(?!\()", lambda m: m.group(1) + sub(m.group(2)), text)
    text = re.sub(r"\*\*(\d+)(?![\d.])", lambda m: sup(m.group(1)), text)
    text = text.replace("**", "^").replace("*", "·").replace("-", "−")
    return re.sub(r"(?<![\d.])1·(?=[A-Za-z(])", "", text)  # sympy's 1.0*x (from 0.5x²) is x


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
    """Parse a loss formula with the whitelist parser and differentiate it: from the table of the
    bank's losses (``loss_table``) when it is there, else with sympy.

    Raises ``LossError`` (an ``ExprError`` and a ``SolverInputError``) for anything refused.
    Results are cached: mistake generators and the bank's self-test compile the same loss often.
    """
    if not isinstance(text, str):
        raise LossError(Text("the loss must be a formula", "损失函数必须是一个公式"))
    names = parse_var_list(vars)
    return _compile_cached(text, None if names is None else tuple(names))


@functools.lru_cache(maxsize=256)
def _compile_cached(text: str, names_given: tuple[str, ...] | None) -> CompiledLoss:
    node, names = prepared(text, names_given)
    from solvers.optim.loss_table import lookup

    known = lookup(node, names)  # the bank's own losses, differentiated ahead of time: no sympy
    if known is not None:
        return known
    return sympy_forms(node, names)[2]


def prepared(text: str, names_given: tuple[str, ...] | None) -> tuple[safe_expr.Node, tuple[str, ...]]:
    """The parsed, guarded loss and its variables in order (given, else sorted), or ``LossError``."""
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
    return node, tuple(names)


def sympy_forms(node: safe_expr.Node, names: tuple[str, ...]) -> tuple[Any, list[Any], CompiledLoss]:
    """The loss and its partial derivatives as sympy expressions, and the loss compiled from them."""
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
    compiled = CompiledLoss(names, _pretty(expr), tuple(_pretty(d) for d in derivatives), value_fn, grad_fn)
    return expr, derivatives, compiled
