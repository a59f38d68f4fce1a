"""Typer's own words (help scaffolding and usage errors) in Chinese when the student reads Chinese.

Typer prints "Usage:", "Options", "[required]", "Show this message and exit." and its usage
errors in English. When the help language is Chinese these are replaced through typer's own
module-level strings and its error hook; every patch is defensive, so a typer release that moves
a name leaves that word in English rather than breaking the command.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

PANEL_WORDS = {
    "ARGUMENTS_PANEL_TITLE": "参数",
    "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令",
    "ERRORS_PANEL_TITLE": "错误",
    "REQUIRED_LONG_STRING": "[必填]",
    "DEFAULT_STRING": "[默认：{}]",
    "ENVVAR_STRING": "[环境变量：{}]",
    "DEPRECATED_STRING": "（已弃用）",
    "ABORTED_TEXT": "已中止。",
    "RICH_HELP": "用 [blue]'{command_path} {help_option}'[/] 查看帮助。",
}

RUNTIME_WORDS = {
    "required": "必填",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "Missing command.": "缺少子命令。",
    "No such command {name!r}.": "没有子命令 {name!r}。",
    "Arguments": "参数",
    "Options": "选项",
    "Commands": "命令",
    "Aborted!": "已中止！",
}

#: usage errors: English pattern -> Chinese template (groups by name)
ERRORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"Missing argument '(?P<x>[^']+)'\.?"), "缺少参数 '{x}'。"),
    (re.compile(r"Missing option '(?P<x>[^']+)'\.?"), "缺少选项 '{x}'。"),
    (re.compile(r"No such option: (?P<x>\S+?)\.?(?: Did you mean (?P<y>.+?)\?)?$"), "没有选项 {x}。{y}"),
    (re.compile(r"Option '(?P<x>[^']+)' requires an argument\.?"), "选项 '{x}' 需要一个值。"),
    (re.compile(r"Got unexpected extra argument(?:\(s\)|s)? \((?P<x>.*)\)"), "多余的参数：{x}"),
    (re.compile(r"No such command '(?P<x>[^']+)'\.(?: Did you mean '(?P<y>[^']+)'\?)?"), "没有子命令 '{x}'。{y}"),
    (re.compile(r"Missing command\.?"), "缺少子命令。"),
    (re.compile(r"Invalid value for (?P<x>.+?): (?P<y>.*)"), "{x} 的值无效：{y}"),
]
DETAILS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"Input should be a valid integer.*"), "应为整数"),
    (re.compile(r"Input should be a valid number.*"), "应为数"),
    (re.compile(r"Input should be greater than or equal to (?P<x>\S+)"), "应不小于 {x}"),
    (re.compile(r"Input should be less than or equal to (?P<x>\S+)"), "应不大于 {x}"),
    (re.compile(r"'?(?P<x>.*?)'? is not a valid integer\.?"), "'{x}' 不是整数"),
    (re.compile(r"(?P<x>.*) is not in the range (?P<y>.*)\.?"), "{x} 不在范围 {y} 内"),
]


def translate_error(message: str) -> str:
    """A usage error in Chinese; an unknown message is kept (better English than nothing)."""
    message = message.strip()
    suggestion = re.search(r"\.? Did you mean (?P<y>.+?)\?$", message)
    if suggestion and not message.startswith("No such option"):
        rest = message[: suggestion.start()].rstrip(".")
        rest = rest if rest.endswith("。") else translate_error(rest + ".")
        return f"{rest} 你是不是想输入 {suggestion.group('y')}？"
    for pattern, template in ERRORS:
        match = pattern.fullmatch(message)
        if match:
            parts = {k: (v or "") for k, v in match.groupdict().items()}
            if "y" in parts and parts["y"] and template.startswith("{x} 的值无效"):
                parts["y"] = _detail(parts["y"])
            elif parts.get("y"):
                parts["y"] = f"你是不是想输入 {parts['y']}？"
            return template.format(**parts)
    return message


def _detail(text: str) -> str:
    for pattern, template in DETAILS:
        match = pattern.fullmatch(text.strip())
        if match:
            return template.format(**match.groupdict())
    return text


def use_chinese() -> None:
    """Switch typer's own words to Chinese for this process."""
    try:
        import typer.core as core
        import typer.rich_utils as rich_utils
    except ImportError:  # pragma: no cover - a typer without these modules
        return
    for name, word in PANEL_WORDS.items():
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, word)
    if hasattr(core, "_"):
        core._ = lambda text: RUNTIME_WORDS.get(text, text)  # type: ignore[attr-defined]
    _patch_usage_prefix()
    _patch_help_option()
    _patch_errors(rich_utils)
    _patch_folding(rich_utils)
    from examprep.render.cjkwrap import install as break_chinese_between_characters

    break_chinese_between_characters()  # help screens too: no line starting with '、' or '。'


def _click_module(name: str) -> Any:
    import importlib

    for base in ("typer._click", "click"):
        try:
            return importlib.import_module(f"{base}.{name}")
        except ImportError:
            continue
    return None


def _patch_usage_prefix() -> None:
    formatting = _click_module("formatting")
    formatter = getattr(formatting, "HelpFormatter", None)
    original = getattr(formatter, "write_usage", None)
    if original is None or getattr(original, "_examprep", False):
        return

    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("[OPTIONS]", "[选项]").replace("COMMAND", "命令").replace("[ARGS]", "[参数]")
        original(self, prog, args, "用法：" if prefix is None else prefix)

    write_usage._examprep = True  # type: ignore[attr-defined]
    formatter.write_usage = write_usage


def _patch_help_option() -> None:
    core = _click_module("core")
    command = getattr(core, "Command", None)
    original: Callable[..., Any] | None = getattr(command, "get_help_option", None)
    if original is None or getattr(original, "_examprep", False):
        return

    def get_help_option(self: Any, ctx: Any) -> Any:
        option = original(self, ctx)
        if option is not None:
            option.help = "显示本帮助并退出。"
        return option

    get_help_option._examprep = True  # type: ignore[attr-defined]
    command.get_help_option = get_help_option


def _patch_errors(rich_utils: Any) -> None:
    original = getattr(rich_utils, "rich_format_error", None)
    if original is None or getattr(original, "_examprep", False):
        return

    def rich_format_error(error: Any) -> None:
        format_message = error.format_message
        error.format_message = lambda: translate_error(format_message())
        original(error)

    rich_format_error._examprep = True  # type: ignore[attr-defined]
    rich_utils.rich_format_error = rich_format_error


def _patch_folding(rich_utils: Any) -> None:
    """Chinese help has no spaces to wrap at: fold long lines instead of cutting them with '…'."""
    original = getattr(rich_utils, "_make_rich_text", None)
    if original is None or getattr(original, "_examprep", False):
        return

    def make_rich_text(*args: Any, **kwargs: Any) -> Any:
        text = original(*args, **kwargs)
        if hasattr(text, "overflow"):
            text.overflow = "fold"
        return text

    make_rich_text._examprep = True  # type: ignore[attr-defined]
    rich_utils._make_rich_text = make_rich_text
