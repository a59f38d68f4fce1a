"""Option values converted without pydantic: typer's own conversion, done in a line of Python.

typer (0.29 here) converts every option and argument value (strings included) through a pydantic
``TypeAdapter`` it builds on first use. Importing pydantic and building the adapters costs about
60 ms of CPU on every command that takes a value: half a bare typer hello-world, and the largest
single item between ``examprep drill cnn`` and its first question. examprep's options are plain
``str``, ``list[str]``, ``int`` and ``float`` (some with bounds) and ``Path``; for these this
module installs a conversion on typer's own hook (a parameter's ``_runtime_param``) that accepts
what pydantic accepts, in pydantic's words (so :mod:`examprep.cli.localize` still translates
them), and also digits typed with a Chinese input method (``-n ５`` is 5; pydantic refuses them).

Every step is defensive: a typer without these internals, or a parameter of any other type, is
left to typer's own conversion, which gives the same values, only more slowly.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_origin

try:  # a typer that converts through RuntimeParam objects (0.29 does)
    from typer._click.exceptions import BadParameter
    from typer._coercion import RuntimeParam
    from typer._param_types import coerce_cli_path
except ImportError:  # pragma: no cover - another typer: its own conversion runs
    RuntimeParam = None  # type: ignore[assignment,misc]

#: what pydantic (lax mode) reads as an int: digits with single underscores, maybe ".0" or ".000"
_INT_TEXT = re.compile(r"[+-]?[0-9]+(?:_[0-9]+)*(?:\.0+)?")
_MAX_INT_DIGITS = 4300  # Python's own limit on converting text to int
NOT_INT = "Input should be a valid integer, unable to parse string as an integer"
INT_TOO_LONG = "Unable to parse input string as an integer, exceeded maximum size"
NOT_NUMBER = "Input should be a valid number, unable to parse string as a number"


def _text(value: Any) -> str:
    """A command-line value as text: full-width digits, signs and dots from an IME made ASCII."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return unicodedata.normalize("NFKC", str(value)).strip()


def _bounded(number: Any, low: float | None, high: float | None) -> Any:
    """``number`` inside [low, high], in pydantic's order and words (``le`` is checked first)."""
    if high is not None and not number <= high:
        raise ValueError(f"Input should be less than or equal to {high}")
    if low is not None and not number >= low:
        raise ValueError(f"Input should be greater than or equal to {low}")
    return number


def to_int(value: Any, low: float | None = None, high: float | None = None) -> int:
    """An int option: ``" 3 "``, ``"+3"``, ``"3.0"``, ``"1_000"``, ``"３"``; not ``"3.5"`` or ``"1e2"``."""
    if isinstance(value, (bool, int)):
        return _bounded(int(value), low, high)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(NOT_INT)
        return _bounded(int(value), low, high)
    text = _text(value)
    if not _INT_TEXT.fullmatch(text):
        raise ValueError(NOT_INT)
    digits = text.split(".")[0]
    if len(digits.lstrip("+-").replace("_", "")) > _MAX_INT_DIGITS:
        raise ValueError(INT_TOO_LONG)
    return _bounded(int(digits), low, high)


def to_float(value: Any, low: float | None = None, high: float | None = None) -> float:
    """A float option: what Python's ``float`` reads, without ``_`` (``inf``, ``nan`` fail any bound)."""
    if isinstance(value, (bool, int, float)):
        return _bounded(float(value), low, high)
    text = _text(value)
    try:
        if "_" in text:  # Python and pydantic disagree about where one may stand: refused
            raise ValueError(NOT_NUMBER)
        number = float(text)
    except ValueError:
        raise ValueError(NOT_NUMBER) from None
    if math.isnan(number) and high is None and low is None:
        return number
    return _bounded(number, low, high)


#: what pydantic (lax mode) reads as a boolean, lower-cased
_TRUE = {"1", "true", "t", "yes", "y", "on"}
_FALSE = {"0", "false", "f", "no", "n", "off", ""}
NOT_BOOL = "Input should be a valid boolean, unable to interpret input"


def to_bool(value: Any) -> bool:
    """A flag's value: a bool as it is; text as pydantic reads it (an empty text is False)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    text = _text(value).lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise ValueError(NOT_BOOL)


def to_str(value: Any) -> str:
    """A text option, as given (no normalisation: a file name or a topic is the student's text)."""
    if value is None:
        raise ValueError("None is not a valid string")
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


if RuntimeParam is not None:

    @dataclass(frozen=True)
    class PlainParam(RuntimeParam):  # type: ignore[misc,valid-type]
        """typer's conversion contract for one parameter, done by ``convert``."""

        convert: Any = None
        as_list: bool = False

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                if self.as_list:
                    items = value if isinstance(value, (list, tuple)) else [value]
                    return [self.convert(item) for item in items]
                return self.convert(value)
            except ValueError as exc:
                raise BadParameter(str(exc), ctx=ctx, param=param) from None

    @dataclass(frozen=True)
    class PathParam(RuntimeParam):  # type: ignore[misc,valid-type]
        """A ``Path`` option: made a Path first, so typer's checks run without pydantic."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            if isinstance(value, (str, bytes)) and not isinstance(value, Path):
                value = Path(value.decode() if isinstance(value, bytes) else value)
            return coerce_cli_path(value, self.parameter_info, path_type=Path, param=param, ctx=ctx)


def plain_param(descriptor: Any) -> Any:
    """The pydantic-free conversion for a parameter's type, or None to leave it to typer."""
    info = descriptor.parameter_info
    annotation = descriptor.annotation
    if getattr(descriptor, "file_annotation", None) is not None or info.parser is not None or info.clamp:
        return None
    as_list = get_origin(annotation) is list
    if as_list:
        (annotation,) = getattr(annotation, "__args__", (None,))
    bounds = (info.min, info.max)
    if annotation is str and bounds == (None, None):
        convert: Any = to_str
    elif annotation is int:
        convert = lambda value: to_int(value, *bounds)  # noqa: E731 - bound to this parameter
    elif annotation is float:
        convert = lambda value: to_float(value, *bounds)  # noqa: E731
    elif annotation is bool and bounds == (None, None):
        convert = to_bool
    elif annotation is Path and not as_list and info.path_type is None:
        return PathParam(parameter_info=info, annotation=descriptor.annotation)
    else:
        return None
    return PlainParam(parameter_info=info, annotation=descriptor.annotation, convert=convert, as_list=as_list)


def install() -> None:
    """Let typer ask :func:`plain_param` first whenever it needs a parameter's conversion.

    typer builds a parameter's conversion lazily, in ``_TyperParameter.get_runtime_param``, for
    every parameter of the command being run (the ``--help`` flag included); this puts ours in
    front and keeps typer's for the rest. Installing twice changes nothing.
    """
    if RuntimeParam is None:
        return
    try:
        from typer.core import _TyperParameter
    except ImportError:  # pragma: no cover
        return
    typer_own = getattr(_TyperParameter, "get_runtime_param", None)
    if typer_own is None or getattr(typer_own, "plain_first", False):
        return

    def get_runtime_param(self: Any) -> Any:
        if getattr(self, "_runtime_param", None) is None:
            try:
                self._runtime_param = plain_param(self.type_descriptor)
            except Exception:  # noqa: BLE001 - an unexpected typer shape: typer converts it itself
                self._runtime_param = None
        return typer_own(self)

    get_runtime_param.plain_first = True  # type: ignore[attr-defined]
    _TyperParameter.get_runtime_param = get_runtime_param
