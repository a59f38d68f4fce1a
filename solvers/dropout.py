"""Dropout (nndl ch. 7): masks, train/test scaling, expected activations, the 2^n sub-networks.

Conventions:

- ``p`` is always the probability of KEEPING a neuron (the textbook's keep rate). Training:
  mask(x) = m⊙x with m_i ~ Bernoulli(p); test: mask(x) = p·x, so the test output equals the
  expected training output.
- ``convention=pytorch`` is inverted dropout: at training m⊙x/p, at test x unchanged. PyTorch's
  ``nn.Dropout(p)`` takes the DROP probability, i.e. nn.Dropout(1 − p_keep); a step says so.
- n droppable neurons give 2^n possible sub-networks (the course slides wrote 2n; the textbook
  says 2^n).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

# Formatting and input helpers are shared with the linear-model solvers.
from solvers.arrays import as_matrix as _matrix
from solvers.arrays import as_vector as _vector
from solvers.core import Grid, ParamSpec, Solution, SolverInputError, Step, Text
from solvers.registry import mistake, solver
from solvers.textfmt import _cells, _m, _n, _pn, _sub, _v

CONVENTIONS = ("textbook", "pytorch")

P_KEEP = ParamSpec(
    "p",
    "number",
    Text(
        "KEEP probability p (textbook). Note: PyTorch's nn.Dropout(p) is the DROP probability = 1 − this",
        "保留概率 p（教材定义）。注意：PyTorch 的 nn.Dropout(p) 中的 p 是丢弃概率 = 1 − 此值",
    ),
)
CONVENTION = ParamSpec(
    "convention",
    "choice",
    Text(
        "textbook (scale by p at test) or pytorch (inverted dropout: scale by 1/p at training)",
        "textbook（测试时乘以 p）或 pytorch（反向 dropout：训练时除以 p）",
    ),
    default="textbook",
    required=False,
    choices=CONVENTIONS,
)


def _keep(p: Any) -> float:
    v = float(p)
    if not 0 < v <= 1:
        raise SolverInputError(Text("the keep probability p must satisfy 0 < p ≤ 1", "保留概率 p 必须满足 0 < p ≤ 1"))
    return v


def _conv(convention: Any) -> str:
    c = str(convention or "textbook").lower()
    if c not in CONVENTIONS:
        raise SolverInputError(Text("convention must be textbook or pytorch", "convention 只能是 textbook 或 pytorch"))
    return c


def _mask(mask: Any, n: int) -> np.ndarray:
    m = _vector(mask, "mask")
    if m.size != n:
        raise SolverInputError(
            Text(f"the mask needs {n} entries (one per neuron)", f"掩码需要 {n} 个分量（每个神经元一个）")
        )
    if not np.all((m == 0) | (m == 1)):
        raise SolverInputError(
            Text("mask entries must be 0 (dropped) or 1 (kept)", "掩码分量只能是 0（丢弃）或 1（保留）")
        )
    return m


def _convention_step(p: float, convention: str) -> Step:
    if convention == "textbook":
        return Step(
            Text(
                "Convention (textbook): p is the keep probability (1 − p is the drop rate); training uses m⊙x, "
                "testing multiplies by p",
                "约定（教材）：p 为保留概率（1 − p 为丢弃率）；训练时用 m⊙x，测试时乘以 p",
            ),
            formula="x_train = m⊙x,  x_test = p·x,  m_i ~ Bernoulli(p)",
            substituted=f"p = {_n(p)},  1 − p = {_n(1 - p)}",
            result=f"p = {_n(p)}",
        )
    return Step(
        Text(
            "Convention (PyTorch, inverted dropout): kept values are divided by the keep probability p_keep during "
            "training and nothing is done at test time. PyTorch's own p is the DROP probability: "
            "nn.Dropout(p = 1 − p_keep)",
            "约定（PyTorch，反向 dropout）：训练时保留下来的值除以保留概率 p_keep，测试时不做任何处理。"
            "PyTorch 自己的 p 是丢弃概率：nn.Dropout(p = 1 − p_keep)",
        ),
        formula="x_train = m⊙x / p_keep;  x_test = x;  p_drop = 1 − p_keep",
        substituted=f"p_keep = {_n(p)} → nn.Dropout(p={_n(1 - p)})",
        result=f"1/p_keep = {_n(1 / p)}",
    )


# --------------------------------------------------------------------------- expected activations


@solver(
    "dropout.expected",
    [
        ParamSpec("x", "vector", Text("activations x entering the dropout layer", "进入 dropout 层的激活值 x")),
        P_KEEP,
        CONVENTION,
    ],
    Text(
        "dropout: expected training activation, test-time output and the scaling factors",
        "Dropout：训练时的期望激活、测试时的输出与缩放系数",
    ),
)
def expected(x: Any, p: float, convention: str = "textbook") -> Solution:
    xv = _vector(x, "x")
    p = _keep(p)
    convention = _conv(convention)
    n = xv.size
    steps = [_convention_step(p, convention)]
    if convention == "textbook":
        train_scale, test_scale = 1.0, p
        train_exp = p * xv
        steps.append(
            Step(
                Text(
                    "Expected training output: each x_i survives with probability p, so E[m_i·x_i] = p·x_i",
                    "训练时的期望输出：每个 x_i 以概率 p 保留，所以 E[m_i·x_i] = p·x_i",
                ),
                formula="E[m⊙x] = p·x",
                substituted="; ".join(f"{_n(p)}·{_pn(v)}" for v in xv),
                result=_v(train_exp, 6),
            )
        )
        test_out = p * xv
        steps.append(
            Step(
                Text(
                    "Test: every neuron is active, so multiply by p to match the training expectation",
                    "测试时：所有神经元都激活，因此乘以 p 以与训练时的期望一致",
                ),
                formula="x_test = p·x",
                substituted="; ".join(f"{_n(p)}·{_pn(v)}" for v in xv),
                result=_v(test_out, 6),
            )
        )
    else:
        train_scale, test_scale = 1.0 / p, 1.0
        train_exp = xv.copy()
        steps.append(
            Step(
                Text(
                    "Expected training output: the kept values are divided by p_keep, so the expectation is x itself",
                    "训练时的期望输出：保留下来的值除以 p_keep，所以期望就是 x 本身",
                ),
                formula="E[m⊙x/p_keep] = p_keep·x/p_keep = x",
                substituted="; ".join(f"{_n(p)}·{_pn(v)}/{_n(p)}" for v in xv),
                result=_v(train_exp, 6),
            )
        )
        test_out = xv.copy()
        steps.append(
            Step(
                Text(
                    "Test: nothing to do (model.eval() turns dropout into the identity)",
                    "测试时：不做任何处理（model.eval() 时 dropout 为恒等映射）",
                ),
                formula="x_test = x",
                result=_v(test_out, 6),
            )
        )
    kept = n * p
    steps.append(
        Step(
            Text("Expected number of active neurons during training", "训练时期望的激活神经元个数"),
            formula="n·p",
            substituted=f"{n}·{_n(p)}",
            result=_n(kept, 6),
        )
    )
    return Solution(
        answers={
            "train_expected": train_exp.tolist(),
            "test_output": test_out.tolist(),
            "train_scale": train_scale,
            "test_scale": test_scale,
            "p_drop": 1 - p,
            "kept_expected": kept,
        },
        steps=steps,
    )


@mistake("dropout.expected", "scaling_at_wrong_phase")
def _exp_wrong_phase(x: Any, p: float, convention: str = "textbook") -> dict[str, Any]:
    """Applies the other convention's scaling: textbook answered like inverted dropout and vice versa."""
    xv, p = _vector(x, "x"), _keep(p)
    if _conv(convention) == "textbook":
        return {"train_expected": xv.tolist(), "test_output": xv.tolist(), "train_scale": 1 / p, "test_scale": 1.0}
    return {"train_expected": (p * xv).tolist(), "test_output": (p * xv).tolist(), "train_scale": 1.0, "test_scale": p}


@mistake("dropout.expected", "keep_vs_drop_confused")
def _exp_keep_drop(x: Any, p: float, convention: str = "textbook") -> dict[str, Any]:
    """Uses 1 − p (the drop probability) where the keep probability belongs."""
    xv, p = _vector(x, "x"), _keep(p)
    q = 1 - p
    if q == 0:
        return {}
    out: dict[str, Any] = {"p_drop": p, "kept_expected": xv.size * q}
    if _conv(convention) == "textbook":
        out.update({"train_expected": (q * xv).tolist(), "test_output": (q * xv).tolist(), "test_scale": q})
    else:
        out.update({"train_scale": 1 / q, "train_expected": (p * xv / q).tolist()})
    return out


@mistake("dropout.expected", "divided_instead_of_multiplied")
def _exp_divided(x: Any, p: float, convention: str = "textbook") -> dict[str, Any]:
    """Textbook test time: divides by p instead of multiplying."""
    if _conv(convention) != "textbook":
        return {}
    xv, p = _vector(x, "x"), _keep(p)
    return {"test_output": (xv / p).tolist(), "test_scale": 1 / p}


# --------------------------------------------------------------------------- applying a given mask


def _mask_outputs(xv: np.ndarray, m: np.ndarray, p: float, convention: str) -> tuple[np.ndarray, np.ndarray]:
    """(training output, test output); ``+ 0.0`` turns the −0.0 of a dropped negative into 0."""
    if convention == "textbook":
        return m * xv + 0.0, p * xv
    return m * xv / p + 0.0, xv.copy()


@solver(
    "dropout.apply_mask",
    [
        ParamSpec("x", "vector", Text("activations x", "激活值 x")),
        ParamSpec(
            "mask", "vector", Text("sampled mask m (1 = kept, 0 = dropped)", "采样得到的掩码 m（1 保留，0 丢弃）")
        ),
        P_KEEP,
        CONVENTION,
    ],
    Text("dropout with a given mask: training output and test output", "给定掩码的 dropout：训练输出与测试输出"),
)
def apply_mask(x: Any, mask: Any, p: float, convention: str = "textbook") -> Solution:
    xv = _vector(x, "x")
    m = _mask(mask, xv.size)
    p = _keep(p)
    convention = _conv(convention)
    n = xv.size
    steps = [_convention_step(p, convention)]
    train, test = _mask_outputs(xv, m, p, convention)
    if convention == "textbook":
        steps.append(
            Step(
                Text(
                    "Training: multiply element-wise by the mask (dropped neurons output 0)",
                    "训练：与掩码逐元素相乘（被丢弃的神经元输出 0）",
                ),
                formula="m⊙x",
                substituted="; ".join(f"{int(a)}·{_pn(b)}" for a, b in zip(m, xv, strict=True)),
                result=_v(train, 6),
                grids=(
                    Grid.of(
                        [_cells([xv])[0], [str(int(v)) for v in m], _cells([train])[0]],
                        row_labels=["x", "m", "m⊙x"],
                        col_labels=[f"{i + 1}" for i in range(n)],
                        title=Text("Training pass", "训练时"),
                    ),
                ),
            )
        )
        steps.append(
            Step(
                Text("Test: no mask; scale every activation by p", "测试：不用掩码；每个激活乘以 p"),
                formula="p·x",
                substituted="; ".join(f"{_n(p)}·{_pn(v)}" for v in xv),
                result=_v(test, 6),
            )
        )
    else:
        steps.append(
            Step(
                Text(
                    "Training: apply the mask and divide the survivors by p_keep",
                    "训练：乘以掩码，再把保留下来的值除以 p_keep",
                ),
                formula="m⊙x / p_keep",
                substituted="; ".join(f"{int(a)}·{_pn(b)}/{_n(p)}" for a, b in zip(m, xv, strict=True)),
                result=_v(train, 6),
                grids=(
                    Grid.of(
                        [_cells([xv])[0], [str(int(v)) for v in m], _cells([train])[0]],
                        row_labels=["x", "m", "m⊙x/p_keep"],
                        col_labels=[f"{i + 1}" for i in range(n)],
                        title=Text("Training pass", "训练时"),
                    ),
                ),
            )
        )
        steps.append(
            Step(
                Text("Test: the input passes through unchanged", "测试：输入原样通过"),
                formula="x",
                result=_v(test, 6),
            )
        )
    kept = int(m.sum())
    steps.append(
        Step(
            Text(
                "Neurons kept by this mask (on average it would be n·p)",
                "这个掩码保留的神经元个数（平均应为 n·p）",
            ),
            formula="Σ_i m_i   (E = n·p)",
            substituted=f"{' + '.join(str(int(v)) for v in m)}   (E = {n}·{_n(p)} = {_n(n * p)})",
            result=str(kept),
        )
    )
    return Solution(answers={"train_output": train.tolist(), "test_output": test.tolist(), "kept": kept}, steps=steps)


@mistake("dropout.apply_mask", "scaling_at_wrong_phase")
def _mask_wrong_phase(x: Any, mask: Any, p: float, convention: str = "textbook") -> dict[str, Any]:
    xv = _vector(x, "x")
    m, p = _mask(mask, xv.size), _keep(p)
    other = "pytorch" if _conv(convention) == "textbook" else "textbook"
    train, test = _mask_outputs(xv, m, p, other)
    return {"train_output": train.tolist(), "test_output": test.tolist()}


@mistake("dropout.apply_mask", "keep_vs_drop_confused")
def _mask_keep_drop(x: Any, mask: Any, p: float, convention: str = "textbook") -> dict[str, Any]:
    """Scales by the drop probability 1 − p instead of the keep probability p."""
    xv = _vector(x, "x")
    m, p = _mask(mask, xv.size), _keep(p)
    q = 1 - p
    if q == 0:
        return {}
    if _conv(convention) == "textbook":
        return {"test_output": (q * xv).tolist()}
    return {"train_output": (m * xv / q).tolist()}


@mistake("dropout.apply_mask", "mask_inverted")
def _mask_inverted(x: Any, mask: Any, p: float, convention: str = "textbook") -> dict[str, Any]:
    """Treats 1 as 'dropped' and 0 as 'kept'."""
    xv = _vector(x, "x")
    m, p = _mask(mask, xv.size), _keep(p)
    train, _ = _mask_outputs(xv, 1 - m, p, _conv(convention))
    return {"train_output": train.tolist(), "kept": int(xv.size - m.sum())}


# --------------------------------------------------------------------------- 2^n sub-networks


@solver(
    "dropout.subnetworks",
    [
        ParamSpec(
            "neurons",
            "vector",
            Text(
                "droppable neurons in each layer, e.g. 4,3 (or one total)",
                "每层可被丢弃的神经元个数，如 4,3（或只给总数）",
            ),
        )
    ],
    Text("number of sub-networks dropout samples from (2^n)", "Dropout 所采样的子网络个数（2^n）"),
)
def subnetworks(neurons: Any) -> Solution:
    counts = _vector(neurons, "neurons")
    if not np.all((counts == np.round(counts)) & (counts >= 0)):
        raise SolverInputError(Text("neuron counts must be non-negative integers", "神经元个数必须是非负整数"))
    layers = [int(c) for c in counts]
    n = sum(layers)
    if n > 1000:
        raise SolverInputError(Text("at most 1000 droppable neurons", "可丢弃的神经元最多 1000 个"))
    steps = []
    if len(layers) > 1:
        steps.append(
            Step(
                Text("Total number of droppable neurons", "可丢弃神经元的总数"),
                formula="n = Σ_l n_l",
                substituted=" + ".join(str(c) for c in layers),
                result=str(n),
            )
        )
    count = 2**n
    steps.append(
        Step(
            Text(
                "Each neuron is independently kept or dropped (2 choices), so there are 2^n different "
                "sub-networks; dropout trains them all with shared weights and the test-time scaling "
                "approximates averaging them",
                "每个神经元独立地保留或丢弃（2 种选择），所以共有 2^n 个不同的子网络；dropout 以共享参数训练它们，"
                "测试时的缩放近似于对它们取平均",
            ),
            formula="2^n",
            substituted=f"2^{n}",
            result=str(count),
            note=Text(
                "The textbook says 2^n; the course slides' '2n' is a typo (the notes point this out).",
                "教材写的是 2^n；课程 PPT 上的“2n”是笔误（笔记中已指出）。",
            ),
        )
    )
    return Solution(answers={"n": n, "count": count}, steps=steps)


def _layers(neurons: Any) -> list[int]:
    return [int(c) for c in _vector(neurons, "neurons")]


@mistake("dropout.subnetworks", "two_n_instead_of_2_pow_n")
def _sub_2n(neurons: Any) -> dict[str, Any]:
    return {"count": 2 * sum(_layers(neurons))}


@mistake("dropout.subnetworks", "layers_added")
def _sub_added(neurons: Any) -> dict[str, Any]:
    """Adds 2^{n_l} over the layers instead of multiplying (the choices in different layers combine)."""
    layers = _layers(neurons)
    if len(layers) < 2:
        return {}
    return {"count": sum(2**c for c in layers)}


@mistake("dropout.subnetworks", "empty_network_excluded")
def _sub_no_empty(neurons: Any) -> dict[str, Any]:
    return {"count": 2 ** sum(_layers(neurons)) - 1}


# --------------------------------------------------------------------------- counts and probabilities


@solver(
    "dropout.count",
    [
        ParamSpec("n", "int", Text("number of neurons in the layer", "该层神经元个数")),
        P_KEEP,
        ParamSpec(
            "k",
            "int",
            Text("also give P(exactly k kept) (optional)", "同时计算恰好保留 k 个的概率（可选）"),
            default=None,
            required=False,
        ),
    ],
    Text("dropout: expected kept/dropped neurons and mask probabilities", "Dropout：期望保留/丢弃的神经元数与掩码概率"),
)
def count(n: int, p: float, k: Any = None) -> Solution:
    n = int(n)
    if n <= 0:
        raise SolverInputError(Text("n must be a positive integer", "n 必须是正整数"))
    p = _keep(p)
    q = 1 - p
    steps = [
        Step(
            Text(
                "Each neuron is kept independently with probability p (keep rate)",
                "每个神经元独立地以概率 p（保留率）被保留",
            ),
            formula="m_i ~ Bernoulli(p)",
            substituted=f"p = {_n(p)}, 1 − p = {_n(q)}",
        ),
        Step(
            Text("Expected number of kept neurons", "期望保留的神经元个数"),
            formula="E[Σ m_i] = n·p",
            substituted=f"{n}·{_n(p)}",
            result=_n(n * p, 6),
        ),
        Step(
            Text("Expected number of dropped neurons", "期望丢弃的神经元个数"),
            formula="n·(1 − p)",
            substituted=f"{n}·{_n(q)}",
            result=_n(n * q, 6),
        ),
        Step(
            Text("Probability that every neuron is kept", "所有神经元都被保留的概率"),
            formula="p^n",
            substituted=f"{_n(p)}^{n}",
            result=_n(p**n, 6),
        ),
        Step(
            Text(
                "Probability that every neuron is dropped (the layer outputs all zeros)",
                "所有神经元都被丢弃的概率（该层输出全为 0）",
            ),
            formula="(1 − p)^n",
            substituted=f"{_n(q)}^{n}",
            result=_n(q**n, 6),
        ),
    ]
    answers: dict[str, Any] = {
        "kept_expected": n * p,
        "dropped_expected": n * q,
        "prob_all_kept": p**n,
        "prob_all_dropped": q**n,
    }
    if k is not None:
        k = int(k)
        if not 0 <= k <= n:
            raise SolverInputError(Text("k must satisfy 0 ≤ k ≤ n", "k 必须满足 0 ≤ k ≤ n"))
        c = math.comb(n, k)
        prob = _binomial_pmf(n, k, p)
        steps.append(
            Step(
                Text(
                    "Probability of exactly k kept neurons (binomial: choose which k survive)",
                    "恰好保留 k 个神经元的概率（二项分布：选出保留的 k 个）",
                ),
                formula="C(n, k)·p^k·(1 − p)^(n−k)",
                substituted=f"C({n}, {k})·{_n(p)}^{k}·{_n(q)}^{n - k} = {_n(c) if c < 10**15 else _big(c)}·{_n(p**k)}·{_n(q ** (n - k))}",
                result=_n(prob, 6),
            )
        )
        answers["prob_k"] = prob
    return Solution(answers=answers, steps=steps)


def _binomial_pmf(n: int, k: int, p: float) -> float:
    """C(n, k)·p^k·(1 − p)^(n−k) in log space: C(1100, 550) alone is far beyond a float, while
    the probability itself (0.024…) is not."""
    if p in (0.0, 1.0):
        return float(k == (n if p == 1.0 else 0))
    log_c = math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
    return math.exp(log_c + k * math.log(p) + (n - k) * math.log1p(-p))


def _big(value: int) -> str:
    """An integer too long to print whole, as a×10^b."""
    digits = str(value)
    return f"{digits[0]}.{digits[1:5]}×10^{len(digits) - 1}"


@mistake("dropout.count", "keep_vs_drop_confused")
def _count_swapped(n: int, p: float, k: Any = None) -> dict[str, Any]:
    n, p = int(n), _keep(p)
    q = 1 - p
    out: dict[str, Any] = {
        "kept_expected": n * q,
        "dropped_expected": n * p,
        "prob_all_kept": q**n,
        "prob_all_dropped": p**n,
    }
    if k is not None:
        out["prob_k"] = math.comb(n, int(k)) * q ** int(k) * p ** (n - int(k))
    return out


@mistake("dropout.count", "binomial_coefficient_forgotten")
def _count_no_comb(n: int, p: float, k: Any = None) -> dict[str, Any]:
    if k is None:
        return {}
    n, p, k = int(n), _keep(p), int(k)
    return {"prob_k": p**k * (1 - p) ** (n - k)}


# --------------------------------------------------------------------------- a layer with dropout on its input


def _layer_inputs(W: Any, x: Any, mask: Any, b: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    Wm = _matrix(W, "W")
    xv = _vector(x, "x")
    if Wm.shape[1] != xv.size:
        raise SolverInputError(
            Text(
                f"W has {Wm.shape[1]} columns but x has {xv.size} entries (z = Wx + b, W is out×in)",
                f"W 有 {Wm.shape[1]} 列，而 x 有 {xv.size} 个分量（z = Wx + b，W 为 输出×输入）",
            )
        )
    m = _mask(mask, xv.size)
    bv = np.zeros(Wm.shape[0]) if b is None else _vector(b, "b")
    if bv.size != Wm.shape[0]:
        raise SolverInputError(Text("b needs one entry per row of W", "b 需要 W 的每一行一个分量"))
    return Wm, xv, m, bv


@solver(
    "dropout.layer",
    [
        ParamSpec(
            "W",
            "matrix",
            Text("weights W, one row per output neuron (z = Wx + b)", "权重 W，每行对应一个输出神经元（z = Wx + b）"),
        ),
        ParamSpec("x", "vector", Text("input x of the layer (dropout acts on it)", "该层输入 x（dropout 作用于它）")),
        ParamSpec("mask", "vector", Text("mask on x (1 = kept, 0 = dropped)", "作用于 x 的掩码（1 保留，0 丢弃）")),
        P_KEEP,
        ParamSpec("b", "vector", Text("bias b (optional)", "偏置 b（可选）"), default=None, required=False),
        CONVENTION,
    ],
    Text(
        "a layer whose input goes through dropout: net input at training and at test",
        "输入经过 dropout 的一层：训练时与测试时的净输入",
    ),
)
def layer(W: Any, x: Any, mask: Any, p: float, b: Any = None, convention: str = "textbook") -> Solution:
    Wm, xv, m, bv = _layer_inputs(W, x, mask, b)
    p = _keep(p)
    convention = _conv(convention)
    steps = [_convention_step(p, convention)]
    a_train, a_test = _mask_outputs(xv, m, p, convention)
    steps.append(
        Step(
            Text("Training: drop the masked inputs", "训练：丢弃被掩码的输入"),
            formula="a = m⊙x" if convention == "textbook" else "a = m⊙x / p_keep",
            substituted="; ".join(
                (f"{int(a)}·{_pn(v)}" if convention == "textbook" else f"{int(a)}·{_pn(v)}/{_n(p)}")
                for a, v in zip(m, xv, strict=True)
            ),
            result=_v(a_train, 6),
        )
    )
    z_train = Wm @ a_train + bv
    steps.append(
        Step(
            Text("Training net input of the layer", "训练时该层的净输入"),
            formula="z = W·a + b",
            substituted="; ".join(
                f"z{_sub(i + 1)} = "
                + " + ".join(f"{_pn(w)}·{_pn(a)}" for w, a in zip(Wm[i], a_train, strict=True))
                + f" + {_pn(bv[i])}"
                for i in range(Wm.shape[0])
            ),
            result=_v(z_train, 6),
            grids=(
                Grid.of(
                    _cells(Wm),
                    row_labels=[f"z{_sub(i + 1)}" for i in range(Wm.shape[0])],
                    col_labels=[f"x{_sub(j + 1)}" for j in range(xv.size)],
                    title=Text("W", "W"),
                ),
            ),
        )
    )
    steps.append(
        Step(
            Text(
                "Test: no mask; the input is scaled by p"
                if convention == "textbook"
                else "Test: no mask and no scaling",
                "测试：不用掩码；输入乘以 p" if convention == "textbook" else "测试：不用掩码也不缩放",
            ),
            formula="a_test = p·x" if convention == "textbook" else "a_test = x",
            substituted="; ".join(f"{_n(p)}·{_pn(v)}" for v in xv) if convention == "textbook" else "",
            result=_v(a_test, 6),
        )
    )
    z_test = Wm @ a_test + bv
    steps.append(
        Step(
            Text(
                "Test net input (the bias is not scaled: dropout acts on x only)",
                "测试时的净输入（偏置不缩放：dropout 只作用于 x）",
            ),
            formula="z_test = W·a_test + b",
            substituted=f"{_m(Wm, 4)}·{_v(a_test)} + {_v(bv)}",
            result=_v(z_test, 6),
        )
    )
    return Solution(
        answers={"masked": a_train.tolist(), "z_train": z_train.tolist(), "z_test": z_test.tolist()}, steps=steps
    )


@mistake("dropout.layer", "scaling_at_wrong_phase")
def _layer_wrong_phase(
    W: Any, x: Any, mask: Any, p: float, b: Any = None, convention: str = "textbook"
) -> dict[str, Any]:
    Wm, xv, m, bv = _layer_inputs(W, x, mask, b)
    other = "pytorch" if _conv(convention) == "textbook" else "textbook"
    a_train, a_test = _mask_outputs(xv, m, _keep(p), other)
    return {"masked": a_train.tolist(), "z_train": (Wm @ a_train + bv).tolist(), "z_test": (Wm @ a_test + bv).tolist()}


@mistake("dropout.layer", "keep_vs_drop_confused")
def _layer_keep_drop(
    W: Any, x: Any, mask: Any, p: float, b: Any = None, convention: str = "textbook"
) -> dict[str, Any]:
    Wm, xv, m, bv = _layer_inputs(W, x, mask, b)
    q = 1 - _keep(p)
    if q == 0:
        return {}
    if _conv(convention) == "textbook":
        return {"z_test": (Wm @ (q * xv) + bv).tolist()}
    a = m * xv / q
    return {"masked": a.tolist(), "z_train": (Wm @ a + bv).tolist()}


@mistake("dropout.layer", "bias_scaled")
def _layer_bias_scaled(
    W: Any, x: Any, mask: Any, p: float, b: Any = None, convention: str = "textbook"
) -> dict[str, Any]:
    """Textbook test time: scales the whole net input p(Wx + b), bias included."""
    Wm, xv, _, bv = _layer_inputs(W, x, mask, b)
    if _conv(convention) != "textbook" or not np.any(bv):
        return {}
    return {"z_test": (_keep(p) * (Wm @ xv + bv)).tolist()}


@mistake("dropout.layer", "mask_inverted")
def _layer_mask_inverted(
    W: Any, x: Any, mask: Any, p: float, b: Any = None, convention: str = "textbook"
) -> dict[str, Any]:
    Wm, xv, m, bv = _layer_inputs(W, x, mask, b)
    a_train, _ = _mask_outputs(xv, 1 - m, _keep(p), _conv(convention))
    return {"masked": a_train.tolist(), "z_train": (Wm @ a_train + bv).tolist()}
