"""The solver registry: dotted ids (``cnn.conv2d``) to solver specs, loaded lazily.

Importing a topic's module registers its solvers. Modules are imported only when one of their
solvers is asked for, so ``examprep solve conv2d`` never pays for numpy or sympy.
"""

from __future__ import annotations

import functools
import importlib
import inspect
from collections.abc import Callable
from typing import Any

from solvers import limits
from solvers.core import ParamSpec, Solution, SolverInputError, SolverSpec, Text

#: topic prefix of a solver id -> module that registers it
TOPIC_MODULES: dict[str, str] = {
    "cnn": "solvers.cnn",
    "optim": "solvers.optim",
    "gd": "solvers.gd",
    "schedules": "solvers.schedules",
    "rl": "solvers.rl",
    "attention": "solvers.attention",
    "transformer": "solvers.transformer",
    "rnn": "solvers.rnn",
    "normalization": "solvers.normalization",
    "activations": "solvers.activations",
    "linear": "solvers.linear",
    "losses": "solvers.losses",
    "regularization": "solvers.regularization",
    "dropout": "solvers.dropout",
    "ffn": "solvers.ffn",
}

#: calculator names used by ``examprep solve NAME`` -> solver id
CLI_NAMES: dict[str, str] = {
    "conv2d": "cnn.conv2d",
    "pool2d": "cnn.pool2d",
    "conv-stack": "cnn.conv_stack",
    "receptive-field": "cnn.receptive_field",
    "lenet5": "cnn.lenet5",
    "bottleneck": "cnn.bottleneck",
    "optimizer": "optim.optimizer",
    "clip": "optim.clip",
    "lr-schedule": "schedules.lr_schedule",
    "gridworld": "rl.gridworld",
    "td-update": "rl.td_update",
    "return": "rl.discounted_return",
    "value-iteration": "rl.value_iteration",
    "policy-iteration": "rl.policy_iteration",
    "policy-evaluation": "rl.policy_evaluation",
    "egreedy": "rl.epsilon_greedy",
    "monte-carlo": "rl.monte_carlo",
    "bellman-v": "rl.bellman_v",
    "bellman-q": "rl.bellman_q",
    "attention": "attention.attention",
    "self-attention": "attention.self_attention",
    "attention-score": "attention.score",
    "attention-mask": "attention.masked_softmax",
    "multihead": "attention.multihead",
    "multihead-values": "attention.multihead_values",
    "pe": "transformer.positional_encoding",
    "pe-matrix": "transformer.pe_matrix",
    "transformer-params": "transformer.layer_params",
    "transformer-shapes": "transformer.shapes",
    "srn-step": "rnn.srn_step",
    "lstm-step": "rnn.lstm_step",
    "gru-step": "rnn.gru_step",
    "rnn-gradient": "rnn.gradient",
    "rnn-params": "rnn.params",
    "batchnorm": "normalization.batchnorm",
    "bn-layer": "normalization.bn_layer",
    "minmax": "normalization.minmax",
    "standardize": "normalization.standardize",
    "whiten": "normalization.whiten",
    "activation": "activations.activation",
    "derivative": "activations.derivative",
    "grad-chain": "activations.chain",
    "mlp-params": "ffn.params",
    "mlp-forward": "ffn.forward",
    "layernorm": "normalization.layernorm",
    "logistic": "linear.logistic",
    "log-odds": "linear.odds",
    "logistic-loss": "linear.logistic_loss",
    "logistic-step": "linear.logistic_step",
    "softmax": "linear.softmax",
    "softmax-step": "linear.softmax_step",
    "zero-one-loss": "losses.zero_one",
    "squared-loss": "losses.squared",
    "abs-loss": "losses.absolute",
    "cross-entropy": "losses.cross_entropy",
    "bce": "losses.bce",
    "hinge": "losses.hinge",
    "margin-losses": "losses.margin",
    "penalty": "regularization.penalty",
    "reg-step": "regularization.sgd_step",
    "weight-decay": "regularization.weight_decay",
    "label-smoothing": "regularization.label_smoothing",
    "soft-threshold": "regularization.soft_threshold",
    "dropout": "dropout.expected",
    "dropout-mask": "dropout.apply_mask",
    "subnetworks": "dropout.subnetworks",
    "dropout-count": "dropout.count",
    "dropout-layer": "dropout.layer",
    "td0": "rl.td0",
    "td0-episode": "rl.td0_episode",
}

_REGISTRY: dict[str, SolverSpec] = {}


class UnknownSolverError(KeyError):
    pass


def solver(
    solver_id: str,
    params: list[ParamSpec],
    summary: Text,
) -> Callable[[Callable[..., Solution]], Callable[..., Solution]]:
    """Register ``func`` as the solver ``solver_id`` with its declared parameters."""

    def decorate(func: Callable[..., Solution]) -> Callable[..., Solution]:
        _REGISTRY[solver_id] = SolverSpec(solver_id, _checked(solver_id, func, tuple(params)), tuple(params), summary)
        return func

    return decorate


def _checked(solver_id: str, func: Callable[..., Solution], params: tuple[ParamSpec, ...]) -> Callable[..., Solution]:
    """The solver as callers reach it: inputs checked against their kinds and caps first, the
    answers checked for overflow after (see ``solvers.limits``). Arithmetic that still fails
    inside the solver is reported as the inputs being out of range, never as a traceback."""

    signature = inspect.signature(func)

    @functools.wraps(func)
    def call(*args: Any, **kwargs: Any) -> Solution:
        try:
            inputs = signature.bind(*args, **kwargs).arguments
        except TypeError as exc:
            raise SolverInputError(Text(str(exc), f"参数不正确：{exc}")) from None
        limits.check_inputs(solver_id, params, inputs)
        try:
            solution = func(*args, **kwargs)
        except (OverflowError, ZeroDivisionError, FloatingPointError) as exc:
            raise SolverInputError(
                Text(
                    f"the inputs lead to a value out of range ({exc})",
                    f"这些输入导致数值超出范围（{exc}）",
                )
            ) from None
        return limits.check_solution(solution)

    return call


def mistake(solver_id: str, name: str) -> Callable[[Callable[..., dict[str, Any]]], Callable[..., dict[str, Any]]]:
    """Register a mistake generator: it is called with the solver's inputs as keywords and
    returns the wrong answers it predicts (only the answer keys the misconception changes).
    Name the inputs it uses and take the rest as ``**_``."""

    def decorate(func: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        _REGISTRY[solver_id].mistakes[name] = func
        return func

    return decorate


def carry(solver_id: str, answer_key: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register an error-carried-forward rule for one answer.

    The function takes the solver inputs and ``given``, a dict of the student's own earlier
    answers (by answer key), and returns what this answer would be if those were right.
    """

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        _REGISTRY[solver_id].carries[answer_key] = func
        return func

    return decorate


def get(solver_id: str) -> SolverSpec:
    """Look up a solver by dotted id or calculator name, importing its module on first use."""
    solver_id = CLI_NAMES.get(solver_id, solver_id)
    if solver_id not in _REGISTRY:
        topic = solver_id.split(".", 1)[0]
        module = TOPIC_MODULES.get(topic)
        if module is None:
            raise UnknownSolverError(solver_id)
        importlib.import_module(module)
    try:
        return _REGISTRY[solver_id]
    except KeyError:
        raise UnknownSolverError(solver_id) from None


def load_all() -> dict[str, SolverSpec]:
    """Import every topic module that exists and return the whole registry."""
    for module in TOPIC_MODULES.values():
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
    return dict(_REGISTRY)


def cli_names() -> dict[str, str]:
    return dict(CLI_NAMES)
