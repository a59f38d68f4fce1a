"""The calculator and bank entry point for the optimizers (solver ``optim.optimizer``): its
parameters, the solver itself, and the mistake generators, each a run of the same loop with one
misconception switched on (see ``solvers.optim.base.Flags``)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from solvers.core import ParamSpec, Solution, SolverInputError, Text
from solvers.optim.base import Flags
from solvers.optim.loop import run
from solvers.optim.methods import CONVENTIONS, METHODS
from solvers.optim.setup import Setup, setup
from solvers.registry import mistake, solver

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
    s = setup(method, start, loss, vars, grads, steps, lr, rho, beta, beta1, beta2, eps, convention)
    answers, worked = run(s)
    return Solution(answers=answers, steps=worked)


_HEADLINE = ("trajectory", "theta", "delta")


def _mistaken(kwargs: dict[str, Any], flags: Flags) -> dict[str, Any]:
    """Answers under a misconception: the trajectory keys always, other keys where they differ."""
    s = setup(**kwargs)
    right, _ = run(s)
    try:
        wrong, _ = run(s, flags)
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


def _optim_mistake(name: str, applies: Callable[[Setup], bool], flags: Callable[[Setup], Flags]) -> None:
    def generator(**kwargs: Any) -> dict[str, Any]:
        s = setup(**kwargs)
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
_optim_mistake("no_bias_correction", lambda s: s.method == "adam", lambda s: Flags(no_bias_correction=True))
# Adam's correction with t + 1: the student numbers θ₀ as step 1, so the first update uses 1 − β².
_optim_mistake("step_count_off_by_one", lambda s: s.method == "adam", lambda s: Flags(bias_exponent_shift=1))
# √G + ε where the textbook (or AdaDelta in either convention) puts ε inside the root.
_optim_mistake(
    "eps_outside_root",
    lambda s: s.method in _ADAPTIVE and (s.convention == "textbook" or s.method == "adadelta"),
    lambda s: Flags(eps_inside=False),
)
# √(G + ε) where PyTorch puts ε outside.
_optim_mistake(
    "eps_inside_root",
    lambda s: s.method in ("adagrad", "rmsprop", "adam") and s.convention == "pytorch",
    lambda s: Flags(eps_inside=True),
)
# Classical momentum (gradient at θₜ₋₁) where Nesterov (gradient at the look-ahead point) was asked.
_optim_mistake("momentum_instead_of_nesterov", lambda s: s.method == "nesterov", lambda s: Flags(method="momentum"))
# PyTorch's stored look-ahead parameter reported where the textbook's θ was asked.
_optim_mistake(
    "pytorch_nesterov_form",
    lambda s: s.method == "nesterov" and s.convention == "textbook",
    lambda s: Flags(convention="pytorch"),
)
# Plain SGD: the velocity ρ·Δθₜ₋₁ is dropped.
_optim_mistake("forgot_momentum", lambda s: s.method in ("momentum", "nesterov"), lambda s: Flags(method="sgd"))
# RMSprop/AdaDelta with AdaGrad's running sum instead of the moving average.
_optim_mistake(
    "adagrad_instead_of_rmsprop", lambda s: s.method in ("rmsprop", "adadelta"), lambda s: Flags(accumulate=True)
)
# gₜ instead of gₜ⊙gₜ in the accumulator (only computable while the accumulator stays ≥ 0).
_optim_mistake("gradient_not_squared", lambda s: s.method in _ADAPTIVE, lambda s: Flags(not_squared=True))
# α·g/(G + ε): the square root forgotten.
_optim_mistake("no_sqrt", lambda s: s.method in _ADAPTIVE, lambda s: Flags(no_sqrt=True))
# θₜ = θₜ₋₁ + α·(update direction): gradient ascent.
_optim_mistake("sign_error", lambda s: True, lambda s: Flags(sign_error=True))
