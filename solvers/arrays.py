"""Numeric helpers shared by the solvers: reading number, vector and matrix inputs, sigmoid, softmax.

Inputs arrive as Python lists from the calculator or the bank (or as text such as "1,2;3,4");
these turn them into floats, lists or arrays, or raise a bilingual ``SolverInputError`` that names
the parameter. ``as_vector``/``as_matrix`` give numpy arrays; the ``read_*`` family gives plain
Python lists and also reads text with Unicode minus signs and full-width digits. numpy is
imported by the functions that use it, so a solver that only reads lists never pays for it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

from solvers.core import SolverInputError, Text, fmt_num, input_error

if TYPE_CHECKING:
    import numpy as np


def read_number(x: Any, name: str) -> float:
    """A real number from a number or its text; a bool is refused."""
    if isinstance(x, bool):
        raise input_error(f"{name}: expected a number, got {x!r}", f"{name}：应为数字，给了 {x!r}")
    try:
        if isinstance(x, str):
            return float(unicodedata.normalize("NFKC", x).replace("−", "-").strip())
        return float(x)
    except (TypeError, ValueError):
        raise input_error(f"{name}: expected a number, got {x!r}", f"{name}：应为数字，给了 {x!r}") from None


def read_probability(x: Any, name: str) -> float:
    """A number in [0, 1]."""
    p = read_number(x, name)
    if not 0 <= p <= 1:
        shown = fmt_num(p, 6).replace("-", "−")
        raise input_error(
            f"{name} is a probability and must lie in [0, 1], got {shown}",
            f"{name} 是概率，必须在 [0, 1] 内，给了 {shown}",
        )
    return p


def read_list(value: Any, name: str) -> list[float]:
    """A flat list of numbers from a list/tuple (nested rows are flattened), a number, or text "1,2,3"."""
    if value is None:
        return []
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).replace("−", "-")
        return [read_number(x, name) for x in re.split(r"[,\s;]+", text.strip()) if x]
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (int, float)):
        return [read_number(value, name)]
    out: list[float] = []
    for item in value:
        if isinstance(item, (list, tuple)):
            out.extend(read_number(x, name) for x in item)
        else:
            out.append(read_number(item, name))
    return out


def read_rows(value: Any, width: int, name: str, layout: str) -> list[list[float]]:
    """Rows of ``width`` numbers from a matrix, a flat list (length a multiple of ``width``) or text
    "a,b,c;d,e,f". ``layout`` names the columns in the error message (e.g. "s,a,s',p,r")."""
    if value is None:
        return []
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).replace("−", "-")
        rows: list[list[Any]] = [
            re.split(r"[,\s]+", chunk.strip()) for chunk in re.split(r"[;\n|]", text) if chunk.strip()
        ]
    else:
        seq = list(value)
        if seq and all(not isinstance(x, (list, tuple)) for x in seq):
            if len(seq) % width:
                raise input_error(
                    f"{name}: a flat list must hold a multiple of {width} numbers ({layout} per row), got {len(seq)}",
                    f"{name}：平铺的列表长度必须是 {width} 的倍数（每行 {layout}），给了 {len(seq)} 个数",
                )
            rows = [seq[i : i + width] for i in range(0, len(seq), width)]
        else:
            rows = [list(r) for r in seq]
    for row in rows:
        if len(row) != width:
            raise input_error(
                f"{name}: every row must be {layout} ({width} numbers), got {len(row)} numbers",
                f"{name}：每行必须是 {layout}（{width} 个数），有一行给了 {len(row)} 个数",
            )
    return [[read_number(x, name) for x in row] for row in rows]


def as_vector(value: Any, name: str = "x") -> np.ndarray:
    """A non-empty 1-D float array; a single number is a vector of length 1."""
    import numpy as np

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


def as_any_vector(value: Any, name: str) -> np.ndarray:
    """A 1-D vector, or a 1×n / n×1 matrix read as one."""
    import numpy as np

    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError):
        arr = None
    if arr is not None and arr.ndim == 2 and 1 in arr.shape:
        arr = arr.reshape(-1)
    if arr is None or arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)):
        raise SolverInputError(
            Text(f"{name} must be a vector of numbers (e.g. 1,2,3)", f"{name} 必须是数字向量（如 1,2,3）")
        )
    return arr


def as_flat_vector(value: Any, name: str) -> np.ndarray:
    """Any non-empty array of finite numbers (or a single number) read flat as a float vector."""
    import numpy as np

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


def as_matrix(value: Any, name: str = "x") -> np.ndarray:
    """A non-empty 2-D float array (a flat list is one row), rows of equal length. Text written
    as '1,2;3,4' (as bank templates build it) is read too."""
    if isinstance(value, str):
        try:
            value = [[float(v) for v in row.split(",")] for row in value.split(";") if row.strip()]
        except ValueError:
            value = None
    import numpy as np

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
    import numpy as np

    z = np.asarray(z, dtype=float)
    out = np.exp(-np.logaddexp(0.0, -z))
    return out if out.ndim else float(out)


def softmax(z: Any, mask: np.ndarray | None = None, axis: int = -1) -> np.ndarray:
    """Softmax along ``axis``, shifted by the max (the value is unchanged).

    Entries where ``mask`` is true get weight 0, as if their score were −∞; a slice that is
    entirely masked gets all zeros rather than NaN.
    """
    import numpy as np

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
    import numpy as np

    s = np.asarray(z, dtype=float)
    top = np.max(s, axis=axis, keepdims=True)
    return s - top - np.log(np.sum(np.exp(s - top), axis=axis, keepdims=True))


def bce_from_logits(y: Any, z: Any) -> np.ndarray:
    """Per-sample −[y ln σ(z) + (1 − y) ln(1 − σ(z))] = ln(1 + e^(−z)) or ln(1 + e^z), without
    forming σ(z), which rounds to exactly 0 or 1 once |z| passes about 37."""
    import numpy as np

    y = np.asarray(y, dtype=float)
    z = np.asarray(z, dtype=float)
    return y * np.logaddexp(0.0, -z) + (1.0 - y) * np.logaddexp(0.0, z)
