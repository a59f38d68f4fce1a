"""Gradient descent on a small data set, early stopping, and regularized update steps (nndl ch. 2, 3, 7).

Conventions, stated in the worked steps:

- Linear model ŷ = w·x + b with the squared loss L = ½(ŷ − y)² per sample (the textbook's ½, so
  ∂L/∂w = (ŷ − y)·x); logistic model ŷ = σ(w·x + b) with the cross-entropy loss, whose gradient
  has the same form (ŷ − y)·x.
- The risk of a batch is the **mean** of the per-sample losses, so its gradient is the mean of the
  per-sample gradients: batch GD averages over all N samples, SGD uses one sample per update,
  mini-batch GD K samples per update, visited in the given order (1-based sample numbers).
- Early stopping: an epoch improves when its validation loss is below the best so far minus
  min_delta; after ``patience`` epochs in a row without improvement training stops, and the
  weights of the best epoch are the ones kept.
- Regularized step: L2 penalty (λ/2)‖w‖² by default (gradient λw; ``half=false`` gives λ‖w‖²
  with gradient 2λw), L1 penalty λ‖w‖₁ (subgradient λ·sign(w), sign(0) = 0), or the textbook's
  weight decay θ ← (1 − β)θ − α·g with β = ``lam``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from solvers.arrays import as_flat_vector as as_vector
from solvers.arrays import sigmoid as _sigmoid
from solvers.core import Grid, ParamSpec, Solution, SolverInputError, Step, Text
from solvers.optim.loss import compile_loss
from solvers.registry import mistake, solver
from solvers.textfmt import fp, fv, sub
from solvers.textfmt import sig6 as _n
from solvers.textfmt import tolist as _tolist

GD_METHODS = ("batch", "sgd", "minibatch")
MODELS = ("linear", "logistic")
PENALTIES = ("l2", "l1", "decay")
MAX_UPDATES = 100


def _args(values: np.ndarray) -> str:
    """A point as function arguments: (1, −2) even for a single weight."""
    return "(" + ", ".join(_n(v) for v in values) + ")"


def _bad(en: str, zh: str) -> SolverInputError:
    return SolverInputError(Text(en, zh))


# --------------------------------------------------------------------------- data set descent


@dataclass
class _Data:
    x: np.ndarray  # N × d
    y: np.ndarray  # N
    w0: np.ndarray
    b0: float
    bias: bool
    model: str
    method: str
    lr: float
    batches: list[list[int]]  # 0-based sample indices of each update
    order_given: bool
    batch_size: int


@dataclass
class _GdFlags:
    half_dropped: bool = False
    sum_not_mean: bool = False
    sign_error: bool = False
    bias_frozen: bool = False
    order_ignored: bool = False
    mse_through_sigmoid: bool = False


def _matrix(x: Any, n_targets: int) -> np.ndarray:
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise _bad("x must be numbers: one row per sample", "x 必须是数：每行一个样本") from None
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    elif arr.ndim == 2 and arr.shape[0] == 1 and arr.shape[1] == n_targets and n_targets > 1:
        arr = arr.reshape(-1, 1)  # "1,2,3" typed for three one-feature samples
    if arr.ndim != 2 or arr.size == 0:
        raise _bad("x must be a matrix with one row per sample", "x 必须是矩阵，每行一个样本")
    if not np.all(np.isfinite(arr)):
        raise _bad("x contains a non-finite number", "x 含有非有限的数")
    return arr


def _batches(method: str, n: int, order: Any, batch_size: int, steps: int | None) -> tuple[list[list[int]], bool]:
    if order is None:
        seq = list(range(n))
        given = False
    else:
        raw = [float(v) for v in as_vector(order, "order")]
        if any(v != int(v) or not 1 <= v <= n for v in raw):
            raise _bad(f"order lists sample numbers from 1 to {n}", f"order 应列出 1 到 {n} 的样本编号")
        seq = [int(v) - 1 for v in raw]
        given = True
    if method == "batch":
        per_epoch = [list(range(n))]
    elif method == "sgd":
        per_epoch = [[i] for i in seq]
    else:
        if batch_size < 1:
            raise _bad("batch_size must be at least 1", "batch_size 至少为 1")
        per_epoch = [seq[i : i + batch_size] for i in range(0, len(seq), batch_size)]
    count = len(per_epoch) if steps is None else int(steps)
    if not 1 <= count <= MAX_UPDATES:
        raise _bad(f"steps must be between 1 and {MAX_UPDATES}", f"steps 必须在 1 到 {MAX_UPDATES} 之间")
    return [per_epoch[k % len(per_epoch)] for k in range(count)], given


def _data(
    x: Any,
    y: Any,
    method: str,
    model: str,
    w: Any,
    b: float,
    bias: bool,
    lr: float,
    batch_size: int,
    order: Any,
    steps: int | None,
) -> _Data:
    yv = as_vector(y, "y")
    xm = _matrix(x, yv.size)
    if xm.shape[0] != yv.size:
        raise _bad(
            f"x has {xm.shape[0]} samples but y has {yv.size}", f"x 有 {xm.shape[0]} 个样本，而 y 有 {yv.size} 个"
        )
    method = str(method).lower()
    model = str(model).lower()
    if method not in GD_METHODS:
        raise _bad(f"method must be one of {', '.join(GD_METHODS)}", f"method 只能是 {', '.join(GD_METHODS)} 之一")
    if model not in MODELS:
        raise _bad("model must be linear or logistic", "model 只能是 linear 或 logistic")
    if model == "logistic" and not np.all(np.isin(yv, (0.0, 1.0))):
        raise _bad("logistic regression needs labels y ∈ {0, 1}", "Logistic 回归的标签 y 必须是 0 或 1")
    w0 = np.zeros(xm.shape[1]) if w is None else as_vector(w, "w")
    if w0.size != xm.shape[1]:
        raise _bad(
            f"w has {w0.size} weight(s) but each sample has {xm.shape[1]} feature(s)",
            f"w 有 {w0.size} 个权重，但每个样本有 {xm.shape[1]} 个特征",
        )
    if not float(lr) > 0:
        raise _bad("the learning rate must be positive", "学习率必须为正")
    batches, given = _batches(method, xm.shape[0], order, int(batch_size), steps)
    return _Data(xm, yv, w0, float(b or 0.0), bool(bias), model, method, float(lr), batches, given, int(batch_size))


def _risk(d: _Data, w: np.ndarray, b: float) -> float:
    z = d.x @ w + b
    if d.model == "linear":
        return float(np.mean(0.5 * (z - d.y) ** 2))
    return float(np.mean(np.logaddexp(0.0, z) - d.y * z))


def _descent_intro(d: _Data, w: np.ndarray, b: float, loss0: float) -> tuple[list[Step], str, str]:
    """The first step (model, loss, method, start) and the model and risk formulas the updates reuse."""
    risk_text = "R = (1/N)·Σ ½(ŷᵢ − yᵢ)²" if d.model == "linear" else "R = −(1/N)·Σ [yᵢ·log ŷᵢ + (1 − yᵢ)·log(1 − ŷᵢ)]"
    model_text = "ŷ = w·x + b" if d.bias else "ŷ = w·x"
    if d.model == "logistic":
        model_text = "ŷ = σ(w·x + b)" if d.bias else "ŷ = σ(w·x)"
    method_en = {"batch": "batch", "sgd": "stochastic", "minibatch": "mini-batch"}[d.method]
    method_zh = {"batch": "批量", "sgd": "随机", "minibatch": "小批量"}[d.method]
    why = (
        Text(
            "the ½ of the squared loss cancels the 2 from differentiating the square",
            "平方损失中的 ½ 与对平方求导得到的 2 抵消",
        )
        if d.model == "linear"
        else Text(
            "with σ and the cross-entropy the factor σ'(z) = ŷ(1 − ŷ) cancels",
            "σ 与交叉熵搭配时，σ'(z) = ŷ(1 − ŷ) 这一项被约掉",
        )
    )
    steps: list[Step] = [
        Step(
            Text(f"Model and loss ({method_en} gradient descent)", f"模型与损失（{method_zh}梯度下降）"),
            formula=f"{model_text};  {risk_text}",
            substituted=f"α = {_n(d.lr)}, w₀ = {fv(w)}" + (f", b₀ = {_n(b)}" if d.bias else ""),
            result=f"R(w₀) = {_n(loss0)}",
            note=Text(
                f"Per sample ∂L/∂w = (ŷ − y)·x and ∂L/∂b = ŷ − y ({why.en}); a batch uses the mean over its samples.",
                f"单个样本 ∂L/∂w = (ŷ − y)·x，∂L/∂b = ŷ − y（{why.zh}）；一个批次取其中样本的平均。",
            ),
        )
    ]
    return steps, model_text, risk_text


def _batch_steps(
    d: _Data,
    t: int,
    idx: list[int],
    z: np.ndarray,
    yhat: np.ndarray,
    err: np.ndarray,
    w: np.ndarray,
    b: float,
    gw: np.ndarray,
    gb: float,
    model_text: str,
) -> list[Step]:
    """Update t's predictions on its batch (a table) and its gradient, as worked steps."""
    xb, yb, k = d.x[idx], d.y[idx], len(idx)
    steps: list[Step] = []
    rows = [
        [str(i + 1), fv(xb[j]), _n(yb[j])] + ([_n(z[j])] if d.model == "logistic" else []) + [_n(yhat[j]), _n(err[j])]
        for j, i in enumerate(idx)
    ]
    cols = ["i", "xᵢ", "yᵢ"] + (["zᵢ"] if d.model == "logistic" else []) + ["ŷᵢ", "ŷᵢ − yᵢ"]
    samples = ", ".join(str(i + 1) for i in idx)
    steps.append(
        Step(
            Text(
                f"Update {t}: predictions on sample(s) {samples} with w = {fv(w)}"
                + (f", b = {_n(b)}" if d.bias else ""),
                f"第 {t} 次更新：用 w = {fv(w)}" + (f"，b = {_n(b)}" if d.bias else "") + f" 对样本 {samples} 做预测",
            ),
            formula=model_text,
            grids=(Grid.of(rows, col_labels=cols),),
        )
    )
    mean_text = "(1/K)·Σ" if k > 1 else ""
    steps.append(
        Step(
            Text(
                f"Update {t}: gradient (mean over the K = {k} sample(s))",
                f"第 {t} 次更新：梯度（对 K = {k} 个样本取平均）",
            ),
            formula=f"∂R/∂w = {mean_text}(ŷᵢ − yᵢ)·xᵢ" + (f";  ∂R/∂b = {mean_text}(ŷᵢ − yᵢ)" if d.bias else ""),
            substituted=("(" if k > 1 else "")
            + " + ".join(f"{fp(err[j])}·{fp(xb[j])}" for j in range(k))
            + (f")/{k}" if k > 1 else "")
            + (
                (";  (" if k > 1 else ";  ") + " + ".join(fp(err[j]) for j in range(k)) + (f")/{k}" if k > 1 else "")
                if d.bias
                else ""
            ),
            result=f"∂R/∂w = {fv(gw)}" + (f", ∂R/∂b = {_n(gb)}" if d.bias else ""),
        )
    )
    return steps


def _descend(d: _Data, fl: _GdFlags | None = None) -> tuple[dict[str, Any], list[Step]]:
    fl = fl or _GdFlags()
    w, b = d.w0.copy(), d.b0
    n_feat = d.x.shape[1]
    batches = d.batches
    if fl.order_ignored and d.order_given:
        batches, _ = _batches(d.method, d.x.shape[0], None, d.batch_size, len(d.batches))
    loss0 = _risk(d, w, b)
    steps, model_text, risk_text = _descent_intro(d, w, b, loss0)
    answers: dict[str, Any] = {"loss0": loss0}
    losses: list[float] = []
    for t, idx in enumerate(batches, start=1):
        xb, yb = d.x[idx], d.y[idx]
        z = xb @ w + b
        yhat = z if d.model == "linear" else _sigmoid(z)
        err = yhat - yb
        if fl.half_dropped and d.model == "linear":
            err = 2 * err
        if fl.mse_through_sigmoid and d.model == "logistic":
            err = err * yhat * (1 - yhat)
        k = len(idx)
        denom = 1 if fl.sum_not_mean else k
        gw = (err[:, None] * xb).sum(axis=0) / denom
        gb = float(err.sum() / denom) if d.bias else 0.0
        sign = -1.0 if fl.sign_error else 1.0
        new_w = w - sign * d.lr * gw
        new_b = b - sign * d.lr * gb if (d.bias and not fl.bias_frozen) else b
        steps += _batch_steps(d, t, idx, z, yhat, err, w, b, gw, gb, model_text)
        steps.append(
            Step(
                Text(f"Update {t}: step against the gradient", f"第 {t} 次更新：沿负梯度方向更新"),
                formula="w ← w − α·∂R/∂w" + (";  b ← b − α·∂R/∂b" if d.bias else ""),
                substituted=f"{fv(w)} − {_n(d.lr)}·{fp(gw)}" + (f";  {_n(b)} − {_n(d.lr)}·{fp(gb)}" if d.bias else ""),
                result=f"w{sub(t)} = {fv(new_w)}" + (f", b{sub(t)} = {_n(new_b)}" if d.bias else ""),
            )
        )
        w, b = new_w, new_b
        if not (np.all(np.isfinite(w)) and math.isfinite(b)):
            raise _bad("the parameters diverged", "参数发散")
        risk = _risk(d, w, b)
        losses.append(risk)
        steps.append(
            Step(
                Text(f"Training risk after update {t} (all N samples)", f"第 {t} 次更新后的训练风险（全部 N 个样本）"),
                formula=risk_text,
                result=_n(risk),
            )
        )
        answers[f"w_{t}"] = _tolist(w)
        answers[f"grad_w_{t}"] = _tolist(gw)
        if d.bias:
            answers[f"b_{t}"] = float(b)
            answers[f"grad_b_{t}"] = gb
    answers.update(w=_tolist(w), losses=losses, loss=losses[-1])
    if d.bias:
        answers["b"] = float(b)
    if n_feat == 1:
        answers["w_scalar"] = float(w[0])
    return answers, steps


DESCENT_PARAMS = [
    ParamSpec(
        "x",
        "matrix",
        Text(
            "inputs, one row per sample (1,2;3,4), or 1,2,3 for one-feature samples",
            "输入，每行一个样本（1,2;3,4），单特征样本可写 1,2,3",
        ),
    ),
    ParamSpec("y", "vector", Text("targets y (logistic: 0 or 1)", "目标值 y（logistic：0 或 1）")),
    ParamSpec(
        "method",
        "choice",
        Text("batch | sgd | minibatch", "batch | sgd | minibatch"),
        default="batch",
        required=False,
        choices=GD_METHODS,
    ),
    ParamSpec(
        "model",
        "choice",
        Text(
            "linear (squared loss with ½) or logistic (cross-entropy)", "linear（带 ½ 的平方损失）或 logistic（交叉熵）"
        ),
        default="linear",
        required=False,
        choices=MODELS,
    ),
    ParamSpec("w", "vector", Text("initial weights (default 0)", "初始权重（默认 0）"), default=None, required=False),
    ParamSpec("b", "number", Text("initial bias (default 0)", "初始偏置（默认 0）"), default=0.0, required=False),
    ParamSpec(
        "bias",
        "bool",
        Text("the model has a bias b (default true)", "模型带偏置 b（默认 true）"),
        default=True,
        required=False,
    ),
    ParamSpec(
        "lr", "number", Text("learning rate α (default 0.1)", "学习率 α（默认 0.1）"), default=0.1, required=False
    ),
    ParamSpec(
        "batch_size", "int", Text("mini-batch size K (default 2)", "小批量大小 K（默认 2）"), default=2, required=False
    ),
    ParamSpec(
        "order",
        "vector",
        Text(
            "order of the samples, 1-based (sgd/minibatch; default 1,2,…,N)",
            "样本的访问顺序，从 1 编号（sgd/minibatch；默认 1,2,…,N）",
        ),
        default=None,
        required=False,
    ),
    ParamSpec(
        "steps",
        "int",
        Text("number of updates (default: one epoch)", "更新次数（默认：一个回合）"),
        default=None,
        required=False,
    ),
]


@solver(
    "gd.descent",
    DESCENT_PARAMS,
    Text(
        "batch, stochastic or mini-batch gradient descent on a small data set",
        "在小数据集上做批量、随机或小批量梯度下降",
    ),
)
def descent(
    x: Any,
    y: Any,
    method: str = "batch",
    model: str = "linear",
    w: Any = None,
    b: float = 0.0,
    bias: bool = True,
    lr: float = 0.1,
    batch_size: int = 2,
    order: Any = None,
    steps: int | None = None,
) -> Solution:
    """Answers: ``w`` (list), ``b`` (with a bias), ``w_scalar`` (one feature), ``w_t``/``b_t`` and
    ``grad_w_t``/``grad_b_t`` for each update t, ``loss0`` (training risk before), ``losses`` (after each
    update) and ``loss`` (final)."""
    d = _data(x, y, method, model, w, b, bias, lr, batch_size, order, steps)
    answers, worked = _descend(d)
    return Solution(answers=answers, steps=worked)


def _gd_mistake(name: str, applies: Callable[[_Data], bool], flags: _GdFlags) -> None:
    def generator(
        x: Any,
        y: Any,
        method: str = "batch",
        model: str = "linear",
        w: Any = None,
        b: float = 0.0,
        bias: bool = True,
        lr: float = 0.1,
        batch_size: int = 2,
        order: Any = None,
        steps: int | None = None,
    ) -> dict[str, Any]:
        d = _data(x, y, method, model, w, b, bias, lr, batch_size, order, steps)
        if not applies(d):
            return {}
        right, _ = _descend(d)
        wrong, _ = _descend(d, flags)
        return _changed(right, wrong, lambda k: k in ("w", "b", "w_scalar") or k.startswith(("w_", "b_")))

    generator.__name__ = f"_descent_{name}"
    mistake("gd.descent", name)(generator)


def _changed(right: dict[str, Any], wrong: dict[str, Any], headline: Callable[[str], bool]) -> dict[str, Any]:
    """The headline answers always, the others only where the misconception changes them."""
    out: dict[str, Any] = {}
    for key, value in wrong.items():
        same = key in right and np.allclose(
            np.asarray(value, dtype=float), np.asarray(right[key], dtype=float), rtol=1e-12, atol=0
        )
        if headline(key) or not same:
            out[key] = value
    return out


# ∂L/∂ŷ = 2(ŷ − y): the ½ of the squared loss ignored.
_gd_mistake("half_dropped", lambda d: d.model == "linear", _GdFlags(half_dropped=True))
# Σ instead of the mean over the batch.
_gd_mistake("sum_instead_of_mean", lambda d: any(len(bt) > 1 for bt in d.batches), _GdFlags(sum_not_mean=True))
# w ← w + α·gradient.
_gd_mistake("sign_error", lambda d: True, _GdFlags(sign_error=True))
# Only the weights are updated; b stays at b₀.
_gd_mistake("bias_not_updated", lambda d: d.bias, _GdFlags(bias_frozen=True))
# Samples visited as 1, 2, …, N although another order was given.
_gd_mistake("order_ignored", lambda d: d.order_given and d.method != "batch", _GdFlags(order_ignored=True))
# Logistic regression trained with the squared-loss gradient through σ: (ŷ − y)·ŷ(1 − ŷ)·x.
_gd_mistake("mse_gradient_with_sigmoid", lambda d: d.model == "logistic", _GdFlags(mse_through_sigmoid=True))


# --------------------------------------------------------------------------- early stopping


def _stopping(losses: list[float], patience: int, min_delta: float) -> tuple[int, int, list[list[str]], bool]:
    best = math.inf
    best_epoch = 0
    wait = 0
    rows: list[list[str]] = []
    for epoch, value in enumerate(losses, start=1):
        if value < best - min_delta:
            best, best_epoch, wait = value, epoch, 0
            action = "✓"
        else:
            wait += 1
            action = f"✗ {wait}/{patience}"
        rows.append([str(epoch), _n(value), _n(best), str(wait), action])
        if wait >= patience:
            rows[-1][-1] += " ⇒ e_stop"  # the formula's notation: no word in either language
            return epoch, best_epoch, rows, True
    return len(losses), best_epoch, rows, False


def _es_inputs(val_losses: Any, patience: int, min_delta: float) -> tuple[list[float], int, float]:
    values = _tolist(as_vector(val_losses, "val_losses"))
    patience = int(patience)
    if patience < 1:
        raise _bad("patience must be at least 1", "patience 至少为 1")
    min_delta = float(min_delta or 0.0)
    if min_delta < 0:
        raise _bad("min_delta cannot be negative", "min_delta 不能为负")
    return values, patience, min_delta


@solver(
    "gd.early_stopping",
    [
        ParamSpec(
            "val_losses", "vector", Text("validation loss after epochs 1, 2, …", "第 1, 2, … 个回合后的验证集损失")
        ),
        ParamSpec(
            "patience",
            "int",
            Text("epochs without improvement tolerated before stopping", "允许连续多少个回合没有改进"),
        ),
        ParamSpec(
            "min_delta",
            "number",
            Text("smallest decrease that counts as an improvement (default 0)", "算作改进的最小下降量（默认 0）"),
            default=0.0,
            required=False,
        ),
    ],
    Text(
        "early stopping: when training stops and which epoch's weights are kept",
        "提前停止：何时停止训练，保留哪个回合的参数",
    ),
)
def early_stopping(val_losses: Any, patience: int, min_delta: float = 0.0) -> Solution:
    """Answers: ``stop_epoch`` (last epoch trained; the final epoch when never triggered),
    ``best_epoch`` (its weights are restored), ``best_loss``."""
    values, patience, min_delta = _es_inputs(val_losses, patience, min_delta)
    stop, best_epoch, rows, triggered = _stopping(values, patience, min_delta)
    best_loss = values[best_epoch - 1]
    steps = [
        Step(
            Text(
                "Track the best validation loss and count epochs without improvement",
                "记录最优验证损失，并统计连续未改进的回合数",
            ),
            formula="L_val(e) < L_best − min_delta ⇒ ✓, k ← 0;  L_val(e) ≥ L_best − min_delta ⇒ ✗, k ← k + 1;  "
            "k = p ⇒ e_stop = e",
            substituted=f"p = {patience}, min_delta = {_n(min_delta)}",
            grids=(Grid.of(rows, col_labels=["e", "L_val(e)", "L_best", "k", "✓/✗"]),),
            note=Text(
                "e: epoch, L_best: best validation loss so far, k: epochs in a row without improvement.",
                "e：回合，L_best：迄今最优的验证损失，k：连续未改进的回合数。",
            ),
        ),
        Step(
            Text("When training stops", "何时停止训练")
            if triggered
            else Text(
                f"Never triggered: all {len(values)} epochs are run",
                f"没有触发提前停止：{len(values)} 个回合全部训练完",
            ),
            formula="e_stop = e_best + p" if triggered else "e_stop = E",
            substituted=f"{best_epoch} + {patience}" if triggered else str(len(values)),
            result=str(stop),
        ),
        Step(
            Text(
                "Weights kept: those of the best epoch, not the last one",
                "保留的参数：最优回合的参数，而不是最后一个回合的",
            ),
            formula="e_best",
            result=f"e = {best_epoch}, L_val = {_n(best_loss)}",
        ),
    ]
    return Solution(answers={"stop_epoch": stop, "best_epoch": best_epoch, "best_loss": best_loss}, steps=steps)


@mistake("gd.early_stopping", "stop_at_first_increase")
def _es_first_increase(val_losses: Any, patience: int, min_delta: float = 0.0) -> dict[str, Any]:
    """Patience ignored: training stopped the first time the validation loss goes up."""
    values, _, _ = _es_inputs(val_losses, patience, min_delta)
    for epoch in range(2, len(values) + 1):
        if values[epoch - 1] > values[epoch - 2]:
            return {"stop_epoch": epoch, "best_epoch": epoch - 1, "best_loss": values[epoch - 2]}
    return {}


@mistake("gd.early_stopping", "best_is_stop_epoch")
def _es_last_weights(val_losses: Any, patience: int, min_delta: float = 0.0) -> dict[str, Any]:
    """The weights of the stopping epoch kept instead of the best epoch's."""
    values, patience, min_delta = _es_inputs(val_losses, patience, min_delta)
    stop, _, _, _ = _stopping(values, patience, min_delta)
    return {"best_epoch": stop, "best_loss": values[stop - 1]}


@mistake("gd.early_stopping", "global_min")
def _es_global_min(val_losses: Any, patience: int, min_delta: float = 0.0) -> dict[str, Any]:
    """The minimum of the whole curve taken, including epochs after training would have stopped."""
    values, _, _ = _es_inputs(val_losses, patience, min_delta)
    best = int(np.argmin(values))
    return {"best_epoch": best + 1, "best_loss": values[best]}


@mistake("gd.early_stopping", "stop_one_late")
def _es_late(val_losses: Any, patience: int, min_delta: float = 0.0) -> dict[str, Any]:
    """Waited patience + 1 bad epochs (the counter compared with > instead of ≥)."""
    values, patience, min_delta = _es_inputs(val_losses, patience, min_delta)
    stop, best_epoch, _, _ = _stopping(values, patience + 1, min_delta)
    return {"stop_epoch": stop, "best_epoch": best_epoch, "best_loss": values[best_epoch - 1]}


@mistake("gd.early_stopping", "stop_one_early")
def _es_early(val_losses: Any, patience: int, min_delta: float = 0.0) -> dict[str, Any]:
    """The best epoch itself counted as the first epoch of the patience window."""
    values, patience, min_delta = _es_inputs(val_losses, patience, min_delta)
    if patience < 2:
        return {}
    stop, best_epoch, _, _ = _stopping(values, patience - 1, min_delta)
    return {"stop_epoch": stop, "best_epoch": best_epoch, "best_loss": values[best_epoch - 1]}


# --------------------------------------------------------------------------- regularized step


@dataclass
class _RegFlags:
    no_penalty: bool = False
    l1_as_l2: bool = False
    l1_no_sign: bool = False
    half_flip: bool = False
    penalty_sign: bool = False


@dataclass
class _RegInputs:
    w: np.ndarray
    g: np.ndarray
    data_loss: float | None
    lam: float
    lr: float
    penalty: str
    half: bool
    labels: tuple[str, ...]
    grad_step: Step


def _reg_inputs(
    w: Any, grad: Any, loss: Any, vars: Any, data_loss: Any, lam: float, lr: float, penalty: str, half: bool
) -> _RegInputs:
    wv = as_vector(w, "w")
    penalty = str(penalty).lower()
    if penalty not in PENALTIES:
        raise _bad("penalty must be l2, l1 or decay", "penalty 只能是 l2、l1 或 decay")
    if (grad is None) == (loss is None):
        raise _bad(
            "give either the data-loss gradient (grad=...) or the data loss (loss=...)",
            "请给出数据损失的梯度（grad=...）或数据损失函数（loss=...）之一",
        )
    if loss is not None:
        compiled = compile_loss(loss, vars)
        if len(compiled.names) != wv.size:
            raise _bad(
                f"w has {wv.size} number(s) but the loss has {len(compiled.names)} variable(s) ({', '.join(compiled.names)})",
                f"w 有 {wv.size} 个数，但损失函数有 {len(compiled.names)} 个变量（{', '.join(compiled.names)}）",
            )
        g = compiled.gradient(wv)
        value = compiled.value(wv)
        labels = compiled.names
        grad_step = Step(
            Text("Data loss and its gradient at w", "数据损失及其在 w 处的梯度"),
            formula=f"L(w) = {compiled.display};  ∇L = ({', '.join(compiled.grad_display)})",
            substituted=f"L{_args(wv)}, ∇L{_args(wv)}",
            result=f"L = {_n(value)}, ∇L = {fv(g)}",
        )
    else:
        g = as_vector(grad, "grad")
        if g.size != wv.size:
            raise _bad("grad and w must have the same length", "grad 与 w 的长度必须相同")
        value = None if data_loss is None else float(data_loss)
        labels = tuple(f"w{sub(i + 1)}" for i in range(wv.size))
        grad_step = Step(
            Text("Gradient of the data loss (given)", "数据损失的梯度（已知）"),
            result=f"∇L = {fv(g)}" + ("" if value is None else f", L = {_n(value)}"),
        )
    if float(lam) < 0 or not float(lr) > 0:
        raise _bad("need λ ≥ 0 and α > 0", "需要 λ ≥ 0 且 α > 0")
    if penalty == "decay" and not float(lam) < 1:
        raise _bad("the decay rate β must be below 1", "衰减系数 β 必须小于 1")
    return _RegInputs(wv, g, value, float(lam), float(lr), penalty, bool(half), labels, grad_step)


def _reg_step(r: _RegInputs, fl: _RegFlags | None = None) -> tuple[dict[str, Any], list[Step]]:
    fl = fl or _RegFlags()
    w, g, lam, a = r.w, r.g, r.lam, r.lr
    steps = [r.grad_step]
    answers: dict[str, Any] = {}
    if r.penalty == "decay":
        keep = 1.0 if fl.no_penalty else (1 + lam if fl.penalty_sign else 1 - lam)
        new_w = keep * w - a * g
        steps.append(
            Step(
                Text(
                    "Weight decay: shrink the weights, then step against the data gradient",
                    "权重衰减：先把权重按比例缩小，再沿数据梯度的反方向更新",
                ),
                formula="w ← (1 − β)·w − α·∇L",
                substituted=f"(1 − {_n(lam)})·{fp(w)} − {_n(a)}·{fp(g)}",
                result=fv(new_w),
            )
        )
        answers.update(w=_tolist(new_w), grad=_tolist(g))
        return answers, steps
    half = r.half != fl.half_flip
    if r.penalty == "l2" or fl.l1_as_l2:
        if half:
            pen = 0.5 * lam * float(np.sum(w * w))
            reg = lam * w
            formula, gformula = "(λ/2)·‖w‖₂²", "λ·w"
            gsub = f"{_n(lam)}·{fp(w)}"
        else:
            pen = lam * float(np.sum(w * w))
            reg = 2 * lam * w
            formula, gformula = "λ·‖w‖₂²", "2λ·w"
            gsub = f"2·{_n(lam)}·{fp(w)}"
        if fl.l1_as_l2:
            pen = lam * float(np.sum(np.abs(w)))
            reg = lam * w
        psub = f"{_n(lam)}{'/2' if half else ''}·(" + " + ".join(f"{fp(v)}²" for v in w) + ")"
    else:
        pen = lam * float(np.sum(np.abs(w)))
        reg = lam * (np.ones_like(w) if fl.l1_no_sign else np.sign(w))
        formula, gformula = "λ·‖w‖₁", "λ·sign(w)  (sign(0) = 0)"
        gsub = f"{_n(lam)}·{fp(np.sign(w))}"
        psub = f"{_n(lam)}·(" + " + ".join(f"|{_n(v)}|" for v in w) + ")"
    if fl.no_penalty:
        reg = np.zeros_like(w)
    if fl.penalty_sign:
        reg = -reg
    steps.append(Step(Text("Penalty term", "正则化项"), formula=formula, substituted=psub, result=_n(pen)))
    if r.data_loss is not None:
        total = r.data_loss + pen
        answers["loss"] = total
        steps.append(
            Step(
                Text("Regularized loss", "加正则化项后的损失"),
                formula=f"L + {formula}",
                substituted=f"{_n(r.data_loss)} + {_n(pen)}",
                result=_n(total),
            )
        )
    steps.append(
        Step(Text("Gradient of the penalty", "正则化项的梯度"), formula=gformula, substituted=gsub, result=fv(reg))
    )
    total_g = g + reg
    steps.append(
        Step(
            Text("Total gradient", "总梯度"),
            formula=f"∇L + {gformula.split('  ')[0]}",
            substituted=f"{fp(g)} + {fp(reg)}",
            result=fv(total_g),
        )
    )
    new_w = w - a * total_g
    steps.append(
        Step(
            Text("Gradient step", "梯度下降一步"),
            formula=f"w ← w − α·(∇L + {gformula.split('  ')[0]})",
            substituted=f"{fp(w)} − {_n(a)}·{fp(total_g)}",
            result=fv(new_w),
        )
    )
    answers.update(w=_tolist(new_w), grad=_tolist(total_g), reg_grad=_tolist(reg), penalty=pen)
    return answers, steps


REG_PARAMS = [
    ParamSpec("w", "vector", Text("current weights w", "当前权重 w")),
    ParamSpec(
        "lam",
        "number",
        Text("regularization strength λ (decay: the decay rate β)", "正则化系数 λ（decay：衰减系数 β）"),
    ),
    ParamSpec(
        "grad",
        "vector",
        Text("gradient of the data loss at w (or give loss)", "数据损失在 w 处的梯度（或给出 loss）"),
        default=None,
        required=False,
    ),
    ParamSpec(
        "loss",
        "expr",
        Text("data loss formula in the weights, e.g. (w1-1)^2 + w2^2", "关于权重的数据损失函数，如 (w1-1)^2 + w2^2"),
        default=None,
        required=False,
    ),
    ParamSpec(
        "vars",
        "text",
        Text("order of the loss variables (default alphabetical)", "损失函数变量的顺序（默认按字母顺序）"),
        default=None,
        required=False,
    ),
    ParamSpec(
        "data_loss",
        "number",
        Text("value of the data loss at w (with grad)", "数据损失在 w 处的值（与 grad 一起给出）"),
        default=None,
        required=False,
    ),
    ParamSpec(
        "lr", "number", Text("learning rate α (default 0.1)", "学习率 α（默认 0.1）"), default=0.1, required=False
    ),
    ParamSpec(
        "penalty",
        "choice",
        Text("l2, l1 or decay (w ← (1 − β)w − α·∇L)", "l2、l1 或 decay（w ← (1 − β)w − α·∇L）"),
        default="l2",
        required=False,
        choices=PENALTIES,
    ),
    ParamSpec(
        "half",
        "bool",
        Text("L2 written (λ/2)‖w‖² (default true) or λ‖w‖²", "L2 写作 (λ/2)‖w‖²（默认 true）或 λ‖w‖²"),
        default=True,
        required=False,
    ),
]


@solver(
    "gd.regularized_step",
    REG_PARAMS,
    Text(
        "L2/L1-regularized loss, its gradient and one gradient step (weight decay)",
        "L2/L1 正则化的损失、梯度与一步梯度下降（权重衰减）",
    ),
)
def regularized_step(
    w: Any,
    lam: float,
    grad: Any = None,
    loss: Any = None,
    vars: Any = None,
    data_loss: Any = None,
    lr: float = 0.1,
    penalty: str = "l2",
    half: bool = True,
) -> Solution:
    """Answers: ``w`` (after the step), ``grad`` (total gradient; for decay the data gradient),
    ``reg_grad`` and ``penalty`` (l1/l2), ``loss`` (regularized loss when the data loss is known)."""
    r = _reg_inputs(w, grad, loss, vars, data_loss, lam, lr, penalty, half)
    answers, worked = _reg_step(r)
    return Solution(answers=answers, steps=worked)


def _reg_mistake(name: str, applies: Callable[[_RegInputs], bool], flags: _RegFlags) -> None:
    def generator(
        w: Any,
        lam: float,
        grad: Any = None,
        loss: Any = None,
        vars: Any = None,
        data_loss: Any = None,
        lr: float = 0.1,
        penalty: str = "l2",
        half: bool = True,
    ) -> dict[str, Any]:
        r = _reg_inputs(w, grad, loss, vars, data_loss, lam, lr, penalty, half)
        if not applies(r):
            return {}
        right, _ = _reg_step(r)
        wrong, _ = _reg_step(r, flags)
        return _changed(right, wrong, lambda k: k == "w")

    generator.__name__ = f"_regularized_{name}"
    mistake("gd.regularized_step", name)(generator)


# The penalty left out of the gradient: w ← w − α·∇L.
_reg_mistake("forgot_regularization", lambda r: True, _RegFlags(no_penalty=True))
# The L1 penalty differentiated like L2: λ·w instead of λ·sign(w).
_reg_mistake("l1_as_l2", lambda r: r.penalty == "l1", _RegFlags(l1_as_l2=True))
# The L1 subgradient taken as +λ for every weight, whatever its sign.
_reg_mistake("l1_no_sign", lambda r: r.penalty == "l1", _RegFlags(l1_no_sign=True))
# (λ/2)‖w‖² and λ‖w‖² confused: gradient 2λw instead of λw, or the reverse.
_reg_mistake("l2_half_confusion", lambda r: r.penalty == "l2", _RegFlags(half_flip=True))
# The penalty gradient added with the wrong sign (the weights grow instead of shrinking).
_reg_mistake("penalty_sign_error", lambda r: True, _RegFlags(penalty_sign=True))
