"""Numeric helpers shared by the solvers: reading vector and matrix inputs, sigmoid, softmax.

Inputs arrive as Python lists from the calculator or the bank; these turn them into float arrays
or raise a bilingual ``SolverInputError`` that names the parameter.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from solvers.core import SolverInputError, Text


def as_vector(value: Any, name: str = "x") -> np.ndarray:
    """A non-empty 1-D float array; a single number is a vector of length 1."""
    try:
        arr = np.atleast_1d(np.asarray(value, dtype=float))
    except (TypeError, ValueError):
        raise SolverInputError(Text(f"{name} must be a list of numbers", f"{name} 必须是一组数")) from None
    if arr.ndim != 1 or arr.size == 0:
        raise SolverInputError(
            Text(f"{name} must be a non-empty vector, e.g. 1,2,3", f"{name} 必须是非空向量，如 1,2,3")
        )
    if not np.all(np.isfinite(arr)):
        raise SolverInputError(Text(f"{name} contains a value that is not finite", f"{name} 中有非有限数"))
    return arr


def as_matrix(value: Any, name: str = "x") -> np.ndarray:
    """A non-empty 2-D float array (a flat list is one row), rows of equal length. Text written
    as '1,2;3,4' (as bank templates build it) is read too."""
    if isinstance(value, str):
        try:
            value = [[float(v) for v in row.split(",")] for row in value.split(";") if row.strip()]
        except ValueError:
            value = None
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise SolverInputError(
            Text(
                f"{name} must be a matrix with rows of equal length, rows separated by ';' (e.g. 1,2;3,4)",
                f"{name} 必须是各行等长的矩阵，行之间用 ';' 分隔（如 1,2;3,4）",
            )
        ) from None
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    if arr.ndim != 2 or arr.size == 0:
        raise SolverInputError(
            Text(f"{name} must be a non-empty matrix, e.g. 1,2;3,4", f"{name} 必须是非空矩阵，如 1,2;3,4")
        )
    if not np.all(np.isfinite(arr)):
        raise SolverInputError(Text(f"{name} contains a value that is not finite", f"{name} 中有非有限数"))
    return arr


def sigmoid(z: Any) -> Any:
    """σ(z) = 1/(1 + exp(−z)) without overflow; a scalar in gives a float out."""
    z = np.asarray(z, dtype=float)
    out = np.exp(-np.logaddexp(0.0, -z))
    return out if out.ndim else float(out)


def softmax(z: Any, mask: np.ndarray | None = None, axis: int = -1) -> np.ndarray:
    """Softmax along ``axis``, shifted by the max (the value is unchanged).

    Entries where ``mask`` is true get weight 0, as if their score were −∞; a slice that is
    entirely masked gets all zeros rather than NaN.
    """
    s = np.array(z, dtype=float)
    if mask is not None:
        s = np.where(mask, -np.inf, s)
    top = np.max(s, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    e = np.exp(s - top)
    total = np.sum(e, axis=axis, keepdims=True)
    return np.divide(e, total, out=np.zeros_like(e), where=total > 0)


def log_softmax(z: Any, axis: int = -1) -> np.ndarray:
    """ln softmax(z) = z − logsumexp(z), finite even where softmax itself rounds to 0."""
    s = np.asarray(z, dtype=float)
    top = np.max(s, axis=axis, keepdims=True)
    return s - top - np.log(np.sum(np.exp(s - top), axis=axis, keepdims=True))


def bce_from_logits(y: Any, z: Any) -> np.ndarray:
    """Per-sample −[y ln σ(z) + (1 − y) ln(1 − σ(z))] = ln(1 + e^(−z)) or ln(1 + e^z), without
    forming σ(z), which rounds to exactly 0 or 1 once |z| passes about 37."""
    y = np.asarray(y, dtype=float)
    z = np.asarray(z, dtype=float)
    return y * np.logaddexp(0.0, -z) + (1.0 - y) * np.logaddexp(0.0, z)
