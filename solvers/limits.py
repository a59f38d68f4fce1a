"""Input caps and output checks applied to every registered solver.

A solver is called through its registry entry (``SolverSpec.func``), which runs ``checked``:
inputs are validated against the declared ``ParamSpec`` kinds and the caps below before the
solver sees them, and the answers are checked afterwards. So a student (or a bank file) can
neither hang examprep with a 10,000×10,000 matrix nor see 'inf' presented as an answer: a
quantity that truly overflows is refused with a message naming it.

The caps are generous for exam questions (which use a handful of numbers) and are listed by
``examprep solve list``.
"""

from __future__ import annotations

import math
from typing import Any

from solvers.core import ParamSpec, Solution
from solvers.core import input_error as _refuse

MAX_NUMBER = 1e12  # magnitude of any real input
MAX_INT = 10**9  # any whole-number input (sizes, counts)
MAX_VECTOR = 64  # entries of a vector input
MAX_MATRIX_ROWS = 64  # rows of a matrix input (an MDP's transition table has one row per transition)
MAX_MATRIX_COLS = 32  # columns of a matrix input
MAX_SHAPE_DIMS = 4
MAX_TEXT = 2000  # characters of a text or formula input

#: whole-number inputs that drive loops or the size of what is printed
LOOP_CAPS: dict[str, int] = {
    "steps": 1000,
    "seq_len": 4096,
    "pos": 10**6,
    "t": 10**6,
    "T": 10**6,
    "warmup": 10**6,
    "step_size": 10**6,
    "patience": 10**4,
    "layers": 1000,
    "sweeps": 10**4,
    "episodes": 10**4,
}
#: the same for one solver's parameter, where the work grows faster than the number
SOLVER_CAPS: dict[tuple[str, str], int] = {
    ("rl.gridworld", "size"): 8,
    ("transformer.pe_matrix", "seq_len"): 32,
    ("transformer.pe_matrix", "d_model"): 32,
    ("transformer.positional_encoding", "d_model"): 4096,
    ("dropout.subnetworks", "neurons"): 10**4,
    ("dropout.count", "n"): 10**6,
    ("regularization.label_smoothing", "K"): 1000,
}


def _number(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if hasattr(value, "item"):  # a numpy scalar
            value = value.item()
        else:
            raise _refuse(f"{name} must be a number, got {value!r:.40}", f"{name} 必须是数，实际为 {value!r:.40}")
    if isinstance(value, float) and not math.isfinite(value):
        raise _refuse(f"{name} must be a finite number, got {value}", f"{name} 必须是有限的数，实际为 {value}")
    if abs(value) > MAX_NUMBER:
        raise _refuse(
            f"{name} is too large (at most 10^12 in size), got {value:.3g}",
            f"{name} 太大（绝对值最多 10^12），实际为 {value:.3g}",
        )


def _int(name: str, value: Any, cap: int) -> None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _refuse(f"{name} must be a whole number, got {value!r:.40}", f"{name} 必须是整数，实际为 {value!r:.40}")
    if abs(value) > cap:
        raise _refuse(
            f"{name} is too large (at most {cap}), got {value:.3g}", f"{name} 太大（最多 {cap}），实际为 {value:.3g}"
        )


def _vector(name: str, value: Any) -> None:
    if not isinstance(value, (list, tuple)):
        _number(name, value)  # one number is a vector of length 1
        return
    if not value:
        raise _refuse(f"{name} is empty", f"{name} 是空的")
    if len(value) > MAX_VECTOR:
        raise _refuse(
            f"{name} has {len(value)} entries; at most {MAX_VECTOR}",
            f"{name} 有 {len(value)} 个数，最多 {MAX_VECTOR} 个",
        )
    for item in value:
        _number(name, item)


def _matrix(name: str, value: Any) -> None:
    if not isinstance(value, (list, tuple)) or not all(isinstance(row, (list, tuple)) for row in value):
        _vector(name, value)  # a single row or a single number
        return
    if not value or not value[0]:
        raise _refuse(f"{name} is empty", f"{name} 是空的")
    if len(value) > MAX_MATRIX_ROWS or any(len(row) > MAX_MATRIX_COLS for row in value):
        raise _refuse(
            f"{name} is {len(value)}×{max(len(r) for r in value)}; at most {MAX_MATRIX_ROWS}×{MAX_MATRIX_COLS}",
            f"{name} 为 {len(value)}×{max(len(r) for r in value)}，最大 {MAX_MATRIX_ROWS}×{MAX_MATRIX_COLS}",
        )
    if len({len(row) for row in value}) != 1:
        raise _refuse(f"the rows of {name} have different lengths", f"{name} 的各行长度不一致")
    for row in value:
        for item in row:
            _number(name, item)


def check_inputs(solver_id: str, params: tuple[ParamSpec, ...], inputs: dict[str, Any]) -> None:
    """Refuse inputs outside the declared kinds and caps, with a bilingual message."""
    for spec in params:
        if spec.name not in inputs or inputs[spec.name] is None:
            continue
        value = inputs[spec.name]
        if hasattr(value, "tolist"):  # a numpy array or scalar
            value = value.tolist()
        if isinstance(value, str):  # text the solver parses itself (a matrix written '1,2;3,4', ...)
            if len(value) > MAX_TEXT:
                raise _refuse(
                    f"{spec.name} is too long ({len(value)} characters; at most {MAX_TEXT})",
                    f"{spec.name} 太长（{len(value)} 个字符，最多 {MAX_TEXT} 个）",
                )
            continue
        cap = SOLVER_CAPS.get((solver_id, spec.name), LOOP_CAPS.get(spec.name, MAX_INT))
        if spec.kind == "number":
            _number(spec.name, value)
        elif spec.kind == "int":
            _int(spec.name, value, cap)
        elif spec.kind in ("shape", "size2"):
            dims = value if isinstance(value, (list, tuple)) else (value,)
            if not dims or len(dims) > MAX_SHAPE_DIMS:
                raise _refuse(
                    f"{spec.name} needs 1 to {MAX_SHAPE_DIMS} sizes", f"{spec.name} 需要 1 到 {MAX_SHAPE_DIMS} 个尺寸"
                )
            for dim in dims:
                _int(spec.name, dim, cap)
        elif spec.kind == "vector":
            _vector(spec.name, value)
        elif spec.kind == "matrix":
            _matrix(spec.name, value)


def _non_finite(value: Any) -> bool:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return False
    if isinstance(value, (int, float)):
        return isinstance(value, float) and not math.isfinite(value)
    if isinstance(value, dict):
        return any(_non_finite(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_non_finite(v) for v in value)
    if hasattr(value, "tolist"):
        return _non_finite(value.tolist())
    return False


def check_solution(solution: Solution) -> Solution:
    """Refuse a solution with an answer that overflowed, naming the quantity."""
    for key, value in solution.answers.items():
        if _non_finite(value):
            raise _refuse(
                f"'{key}' is too large (or undefined) to compute for these inputs",
                f"对这些输入，'{key}' 太大（或无定义），无法计算",
            )
    return solution


def describe_caps(lang: str) -> str:
    """One line for ``examprep solve list``."""
    if lang == "zh":
        return (
            f"输入上限：数的绝对值 ≤ 10^12，整数 ≤ 10^9，向量 ≤ {MAX_VECTOR} 个数，矩阵 ≤ "
            f"{MAX_MATRIX_ROWS}×{MAX_MATRIX_COLS}，文本 ≤ {MAX_TEXT} 个字符，步数 steps ≤ {LOOP_CAPS['steps']}，"
            f"网格 size ≤ {SOLVER_CAPS[('rl.gridworld', 'size')]}。"
        )
    return (
        f"Input caps: numbers up to 10^12 in size, whole numbers up to 10^9, vectors up to {MAX_VECTOR} entries, "
        f"matrices up to {MAX_MATRIX_ROWS}×{MAX_MATRIX_COLS}, texts up to {MAX_TEXT} characters, steps ≤ "
        f"{LOOP_CAPS['steps']}, grid size ≤ {SOLVER_CAPS[('rl.gridworld', 'size')]}."
    )
