"""Checking an optimizer question's inputs: method and convention, the gradient source (a loss
formula or a given gradient sequence), the hyper-parameters with their defaults, and the first
worked steps that state them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from solvers.arrays import as_flat_vector as as_vector
from solvers.core import SolverInputError, Step, Text
from solvers.optim.base import Hyper
from solvers.optim.loss import CompiledLoss, compile_loss
from solvers.optim.methods import CONVENTION_NAMES, CONVENTIONS, METHOD_NAMES, METHODS, rule_for
from solvers.textfmt import fv, sub
from solvers.textfmt import sig6 as _num

MAX_STEPS = 100


@dataclass
class Setup:
    method: str
    convention: str
    start: np.ndarray
    steps: int
    hyper: Hyper
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


def _method_and_convention(method: str, convention: str) -> tuple[str, str]:
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
    return method, convention


def _from_grads(
    method: str, grads: Any, theta0: np.ndarray, steps: int | None
) -> tuple[list[np.ndarray], int, tuple[str, ...]]:
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
    labels = ("θ",) if theta0.size == 1 else tuple(f"θ{sub(i + 1)}" for i in range(theta0.size))
    return given, steps, labels


def _from_loss(loss: Any, vars: Any, theta0: np.ndarray) -> CompiledLoss:
    compiled = compile_loss(loss, vars)
    if len(compiled.names) != theta0.size:
        raise SolverInputError(
            Text(
                f"start has {theta0.size} number(s) but the loss has {len(compiled.names)} variable(s) ({', '.join(compiled.names)})",
                f"start 有 {theta0.size} 个数，但损失函数有 {len(compiled.names)} 个变量（{', '.join(compiled.names)}）",
            )
        )
    return compiled


def _hyper(method: str, convention: str, lr: Any, rho: Any, beta: Any, beta1: Any, beta2: Any, eps: Any) -> Hyper:
    """The hyper-parameters with the documented defaults filled in, checked."""
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
    h = Hyper(lr, float(rho), float(beta), float(beta1), float(beta2), float(eps))
    for name, value in (("rho", h.rho), ("beta", h.beta), ("beta1", h.beta1), ("beta2", h.beta2)):
        _check_unit(name, value)
    if h.eps < 0:
        raise SolverInputError(Text("eps cannot be negative", "eps 不能为负"))
    return h


def setup(
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
) -> Setup:
    method, convention = _method_and_convention(method, convention)
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
        given, steps, labels = _from_grads(method, grads, theta0, steps)
    else:
        compiled = _from_loss(loss, vars, theta0)
        labels = compiled.names
        steps = 1 if steps is None else steps
    steps = int(steps)
    if not 1 <= steps <= MAX_STEPS:
        raise SolverInputError(Text(f"steps must be between 1 and {MAX_STEPS}", f"steps 必须在 1 到 {MAX_STEPS} 之间"))
    h = _hyper(method, convention, lr, rho, beta, beta1, beta2, eps)
    intro = _intro_steps(method, convention, h, compiled, given)
    return Setup(method, convention, theta0, steps, h, compiled, given, labels, intro)


def _gradient_step(compiled: CompiledLoss | None, given: list[np.ndarray] | None) -> Step | None:
    if compiled is not None:
        names = compiled.names
        partials = ", ".join(f"∂f/∂{n}" for n in names)
        return Step(
            Text(
                "Gradient of the loss (differentiate with respect to each variable)",
                "损失函数的梯度（对每个变量求偏导）",
            ),
            formula=f"f({', '.join(names)}) = {compiled.display};  ∇f = ({partials})"
            if len(names) > 1
            else f"f({names[0]}) = {compiled.display};  f'({names[0]}) = ∂f/∂{names[0]}",
            substituted=f"({', '.join(compiled.grad_display)})" if len(names) > 1 else compiled.grad_display[0],
        )
    if given is not None:
        return Step(
            Text(
                "The gradients g₁, g₂, … are given (no loss formula needed)",
                "题目直接给出梯度 g₁, g₂, …（无需损失函数）",
            ),
            result="; ".join(f"g{sub(i + 1)} = {fv(g)}" for i, g in enumerate(given)),
        )
    return None


def _intro_steps(
    method: str, convention: str, h: Hyper, compiled: CompiledLoss | None, given: list[np.ndarray] | None
) -> list[Step]:
    rule = rule_for(method, convention)
    name, conv = METHOD_NAMES[method], CONVENTION_NAMES[convention]
    steps = [
        Step(
            Text(
                f"Method: {name.en}, {conv.en} convention",
                f"方法：{name.zh}，{conv.zh}{'' if convention == 'textbook' else ' '}约定",
            ),
            formula=rule.hyper_text(h, convention),
            note=rule.note(convention),
        )
    ]
    gradient = _gradient_step(compiled, given)
    return steps + ([gradient] if gradient else [])
