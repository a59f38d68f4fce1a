"""A whitelist parser for arithmetic expressions typed by students or written in YAML.

Text is tokenized and parsed into a small tree of our own node types; only numbers, names from
a fixed table, arithmetic, comparisons, boolean connectives and calls of known functions are
accepted. There are no attributes, subscripts, strings, lambdas or keyword arguments, so there
is nothing to escape from. The tree can be evaluated numerically (``evaluate``) or turned into a
sympy expression (``to_sympy``), which builds sympy objects directly and never calls
``sympify``/``parse_expr`` on text.

Caps keep hostile input cheap: at most ``MAX_LENGTH`` characters, ``MAX_DEPTH`` nesting, and
powers whose result would have more than ``MAX_POWER_DIGITS`` digits are refused.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from solvers.core import Text

MAX_LENGTH = 500
MAX_DEPTH = 40
MAX_POWER_DIGITS = 400
MAX_EXPONENT = 1000
# The largest magnitude a value may reach: what a float can hold. Python's integers would go on
# growing (10^200·10^200 is exact), but every grader and solver works in floats, so a larger
# number is refused here, with a message, rather than overflowing later.
MAX_MAGNITUDE = 1.7976931348623157e308


class ExprError(ValueError):
    """The text is not an allowed expression. ``text`` says why, in both languages."""

    def __init__(self, en: str, zh: str):
        super().__init__(en)
        self.text = Text(en, zh)


# --------------------------------------------------------------------------- nodes


@dataclass(frozen=True)
class Num:
    value: int | float


@dataclass(frozen=True)
class Name:
    name: str


@dataclass(frozen=True)
class Unary:
    op: str  # "-", "+", "not"
    operand: Node


@dataclass(frozen=True)
class Binary:
    op: str  # + - * / // % ^ and or
    left: Node
    right: Node


@dataclass(frozen=True)
class Compare:
    ops: tuple[str, ...]
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple[Node, ...]


Node = Num | Name | Unary | Binary | Compare | Call

#: function name -> (min args, max args)
FUNCTIONS: dict[str, tuple[int, int]] = {
    "sqrt": (1, 1),
    "exp": (1, 1),
    "log": (1, 2),
    "ln": (1, 1),
    "log2": (1, 1),
    "log10": (1, 1),
    "sin": (1, 1),
    "cos": (1, 1),
    "tan": (1, 1),
    "tanh": (1, 1),
    "sigmoid": (1, 1),
    "abs": (1, 1),
    "min": (1, 16),
    "max": (1, 16),
    "floor": (1, 1),
    "ceil": (1, 1),
}

CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}

_UNICODE_OPERATORS = {
    "×": "*",
    "·": "*",
    "⋅": "*",
    "∗": "*",
    "÷": "/",
    "−": "-",
    "–": "-",
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
    "π": "pi",
    "√": " sqrt ",
    "σ": " sigmoid",
    "⁄": "/",
    # the braces of TeX-style exponents as students copy them from a question: 10^{6/16}
    "{": "(",
    "}": ")",
}

#: mapped before NFKC, which would otherwise turn "3²" into "32"
SUPERSCRIPTS = {"²": "^2", "³": "^3", "⁻¹": "^(-1)", "¹": "^1"}


#: vulgar fractions, mapped before NFKC (which would turn "3½" into "31⁄2")
VULGAR_FRACTIONS = {
    "½": "1/2", "⅓": "1/3", "⅔": "2/3", "¼": "1/4", "¾": "3/4", "⅕": "1/5", "⅖": "2/5", "⅗": "3/5",
    "⅘": "4/5", "⅙": "1/6", "⅚": "5/6", "⅛": "1/8", "⅜": "3/8", "⅝": "5/8", "⅞": "7/8",
}  # fmt: skip


def replace_superscripts(text: str) -> str:
    """Superscripts and vulgar fractions as plain operators; ``3½`` reads as 3 + 1/2."""
    for symbol, ascii_text in SUPERSCRIPTS.items():
        text = text.replace(symbol, ascii_text)
    for symbol, fraction in VULGAR_FRACTIONS.items():
        text = re.sub(rf"(\d)\s*{symbol}", rf"(\1+{fraction})", text)
        text = text.replace(symbol, f"({fraction})")
    return text


_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z_0-9]*)"
    r"|(?P<op>\*\*|//|==|!=|<=|>=|&&|\|\||[-+*/%^(),<>!]))"
)


def normalize(text: str) -> str:
    """NFKC-normalize (full-width digits and brackets from a Chinese IME) and map math symbols."""
    text = unicodedata.normalize("NFKC", replace_superscripts(text))
    for symbol, ascii_text in _UNICODE_OPERATORS.items():
        text = text.replace(symbol, ascii_text)
    return text


def tokenize(text: str) -> list[tuple[str, str]]:
    if len(text) > MAX_LENGTH:
        raise ExprError(
            f"expression too long ({len(text)} characters, at most {MAX_LENGTH})",
            f"表达式太长（{len(text)} 个字符，最多 {MAX_LENGTH} 个）",
        )
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            bad = text[pos:].strip()[:1] or text[pos]
            shown = bad if bad.isprintable() and not 0xDC80 <= ord(bad) <= 0xDCFF else "�"
            raise ExprError(f"unexpected character '{shown}'", f"无法识别的字符 '{shown}'")
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "op":
            if value == "!" and tokens and (tokens[-1][0] == "num" or tokens[-1][1] == ")"):
                raise ExprError("'!' (factorial) is not supported: write the number", "不支持阶乘 '!'：请直接写出数值")
            value = {"**": "^", "&&": "and", "||": "or", "!": "not"}.get(value, value)
        elif kind == "name" and value in ("and", "or", "not"):
            kind = "op"
        tokens.append((kind, value))
        pos = match.end()
    return tokens


class _Parser:
    """Precedence climbing over the token list.

    Grammar, loosest first: or, and, not, comparison chain, + -, * / // % (and implicit
    multiplication such as ``2x`` or ``3(x+1)``), unary minus, ^ (right-associative), atoms.
    """

    def __init__(self, tokens: list[tuple[str, str]], names: frozenset[str] | None):
        self.tokens = tokens
        self.pos = 0
        self.names = names
        self.depth = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise ExprError("the expression ends too early", "表达式不完整")
        self.pos += 1
        return tok

    def accept(self, value: str) -> bool:
        tok = self.peek()
        if tok is not None and tok[0] == "op" and tok[1] == value:
            self.pos += 1
            return True
        return False

    def expect(self, value: str) -> None:
        if not self.accept(value):
            tok = self.peek()
            found = tok[1] if tok else "end"
            raise ExprError(f"expected {value!r} but found {found!r}", f"此处应为 {value!r}，却是 {found!r}")

    def nested(self, parse: Callable[[], Node]) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError("expression nested too deeply", "表达式嵌套过深")
        try:
            return parse()
        finally:
            self.depth -= 1

    def parse(self) -> Node:
        if not self.tokens:
            raise ExprError("empty expression", "表达式为空")
        node = self.parse_or()
        if self.peek() is not None:
            raise ExprError(f"unexpected {self.peek()[1]!r}", f"多余的 {self.peek()[1]!r}")  # type: ignore[index]
        return node

    def parse_or(self) -> Node:
        node = self.parse_and()
        while self.accept("or"):
            node = Binary("or", node, self.parse_and())
        return node

    def parse_and(self) -> Node:
        node = self.parse_not()
        while self.accept("and"):
            node = Binary("and", node, self.parse_not())
        return node

    def parse_not(self) -> Node:
        if self.accept("not"):
            return Unary("not", self.nested(self.parse_not))
        return self.parse_compare()

    def parse_compare(self) -> Node:
        first = self.parse_sum()
        ops: list[str] = []
        operands: list[Node] = [first]
        while (tok := self.peek()) is not None and tok[0] == "op" and tok[1] in ("==", "!=", "<", "<=", ">", ">="):
            self.pos += 1
            ops.append(tok[1])
            operands.append(self.parse_sum())
        return Compare(tuple(ops), tuple(operands)) if ops else first

    def parse_sum(self) -> Node:
        node = self.parse_product()
        while (tok := self.peek()) is not None and tok[0] == "op" and tok[1] in ("+", "-"):
            self.pos += 1
            node = Binary(tok[1], node, self.parse_product())
        return node

    def parse_product(self) -> Node:
        node = self.parse_unary()
        while True:
            tok = self.peek()
            if tok is None:
                return node
            if tok[0] == "op" and tok[1] in ("*", "/", "//", "%"):
                self.pos += 1
                node = Binary(tok[1], node, self.parse_unary())
            elif tok[0] == "name" or tok == ("op", "("):
                # implicit multiplication: 2x, 2(x+1), (a)(b), x y
                node = Binary("*", node, self.parse_power())
            elif tok[0] == "num":
                raise ExprError(f"missing operator before {tok[1]!r}", f"{tok[1]!r} 前缺少运算符")
            else:
                return node

    def parse_unary(self) -> Node:
        if self.accept("-"):
            return Unary("-", self.nested(self.parse_unary))
        if self.accept("+"):
            return self.nested(self.parse_unary)
        return self.parse_power()

    def parse_power(self) -> Node:
        base = self.parse_atom()
        if self.accept("^"):
            exponent = self.nested(self.parse_unary)  # right-associative, allows 2^-1
            return Binary("^", base, exponent)
        return base

    def parse_atom(self) -> Node:
        kind, value = self.take()
        if kind == "num":
            if re.fullmatch(r"\d+", value):
                if len(value) > MAX_POWER_DIGITS:
                    raise ExprError("number too large", "数字过大")
                return Num(int(value))
            return Num(float(value))
        if kind == "name":
            if value in FUNCTIONS and self.peek() == ("op", "("):
                self.pos += 1
                args: list[Node] = []
                if not self.accept(")"):
                    args.append(self.nested(self.parse_or))
                    while self.accept(","):
                        args.append(self.nested(self.parse_or))
                    self.expect(")")
                low, high = FUNCTIONS[value]
                if not low <= len(args) <= high:
                    raise ExprError(
                        f"{value}() takes {low}–{high} arguments, got {len(args)}",
                        f"{value}() 需要 {low}–{high} 个参数，给了 {len(args)} 个",
                    )
                return Call(value, tuple(args))
            if value in FUNCTIONS and value == "sqrt" and self.peek() is not None:
                # the √ sign: "√2" reads as sqrt 2
                return Call("sqrt", (self.nested(self.parse_power),))
            if value in CONSTANTS and (self.names is None or value not in self.names):
                return Name(value)
            if self.names is not None and value not in self.names:
                allowed = ", ".join(sorted(self.names | set(CONSTANTS))) or "none"
                raise ExprError(
                    f"unknown name {value!r} (allowed names: {allowed})",
                    f"未知的名称 {value!r}（可用的名称：{allowed}）",
                )
            return Name(value)
        if value == "(":
            node = self.nested(self.parse_or)
            self.expect(")")
            return node
        raise ExprError(f"unexpected {value!r}", f"此处不应出现 {value!r}")


def parse(text: str, names: set[str] | frozenset[str] | None = None) -> Node:
    """Parse ``text`` into a tree. ``names`` is the set of allowed variable names (None = any
    identifier, used only for YAML written by the bank's authors)."""
    allowed = frozenset(names) if names is not None else None
    return _Parser(tokenize(normalize(text)), allowed).parse()


def free_names(node: Node) -> set[str]:
    """Variable names the expression uses (constants excluded)."""
    if isinstance(node, Name):
        return set() if node.name in CONSTANTS else {node.name}
    if isinstance(node, Num):
        return set()
    if isinstance(node, Unary):
        return free_names(node.operand)
    if isinstance(node, Binary):
        return free_names(node.left) | free_names(node.right)
    if isinstance(node, Compare):
        return set().union(*(free_names(o) for o in node.operands))
    return set().union(*(free_names(a) for a in node.args)) if node.args else set()


# --------------------------------------------------------------------------- numeric evaluation


def _power(base: Any, exponent: Any) -> Any:
    if isinstance(exponent, (int, float)) and abs(exponent) > MAX_EXPONENT:
        raise ExprError("exponent too large", "指数过大")
    if isinstance(base, int) and isinstance(exponent, int) and exponent >= 0:
        if abs(base) > 1 and exponent * math.log10(abs(base)) > MAX_POWER_DIGITS:
            raise ExprError("power too large", "幂运算结果过大")
        return base**exponent
    try:
        result = float(base) ** float(exponent)
    except (OverflowError, ZeroDivisionError) as exc:
        raise ExprError("power out of range", "幂运算超出范围") from exc
    if isinstance(result, complex):
        raise ExprError("power of a negative number", "负数的非整数次幂")
    return result


def _divide(a: Any, b: Any) -> Any:
    if b == 0:
        raise ExprError("division by zero", "除以零")
    if isinstance(a, int) and isinstance(b, int) and a % b == 0:
        return a // b
    try:
        return a / b
    except OverflowError as exc:  # a huge integer (3**700) over another: no float can hold it
        raise ExprError("number out of range", "数值超出范围") from exc


_NUMERIC_FUNCS: dict[str, Callable[..., Any]] = {
    "sqrt": math.sqrt,
    "exp": math.exp,
    "log": lambda x, b=None: math.log(x) if b is None else math.log(x, b),
    "ln": math.log,
    "log2": math.log2,
    "log10": math.log10,
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "tanh": math.tanh,
    "sigmoid": lambda x: 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x)),
    "abs": abs,
    "min": min,
    "max": max,
    "floor": math.floor,
    "ceil": math.ceil,
}

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: (
        a == b or (isinstance(a, float) or isinstance(b, float)) and math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    ),
    "!=": lambda a, b: not _COMPARE["=="](a, b),
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def evaluate(node: Node, env: dict[str, Any]) -> Any:
    """Evaluate numerically with Python numbers; ints stay exact where the operations allow.

    Every intermediate value must fit in a float (``MAX_MAGNITUDE``): a larger one raises
    ``ExprError`` ("too large") instead of an ``OverflowError`` somewhere downstream."""
    return _bounded(_evaluate(node, env))


def _bounded(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if isinstance(value, float) and math.isnan(value):
        raise ExprError("the result is not a number (NaN)", "结果不是一个数（NaN）")
    if abs(value) > MAX_MAGNITUDE:
        raise ExprError("the number is too large", "数值太大")
    return value


def _evaluate(node: Node, env: dict[str, Any]) -> Any:
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Name):
        if node.name in env:
            return env[node.name]
        if node.name in CONSTANTS:
            return CONSTANTS[node.name]
        raise ExprError(f"no value for {node.name!r}", f"{node.name!r} 没有取值")
    if isinstance(node, Unary):
        value = evaluate(node.operand, env)
        return (not value) if node.op == "not" else -value
    if isinstance(node, Binary):
        if node.op == "and":
            return bool(evaluate(node.left, env)) and bool(evaluate(node.right, env))
        if node.op == "or":
            return bool(evaluate(node.left, env)) or bool(evaluate(node.right, env))
        a, b = evaluate(node.left, env), evaluate(node.right, env)
        if node.op == "+":
            return a + b
        if node.op == "-":
            return a - b
        if node.op == "*":
            return a * b
        if node.op == "/":
            return _divide(a, b)
        if node.op in ("//", "%"):
            if b == 0:
                raise ExprError("division by zero", "除以零")
            return a // b if node.op == "//" else a % b
        return _power(a, b)
    if isinstance(node, Compare):
        values = [evaluate(o, env) for o in node.operands]
        return all(_COMPARE[op](values[i], values[i + 1]) for i, op in enumerate(node.ops))
    args = [evaluate(a, env) for a in node.args]
    try:
        return _NUMERIC_FUNCS[node.func](*args)
    except (ValueError, OverflowError) as exc:
        raise ExprError(f"{node.func} is not defined there", f"{node.func} 在该点无定义") from exc


def evaluate_text(text: str, env: dict[str, Any]) -> Any:
    """Parse and evaluate in one go; the allowed names are exactly those in ``env``."""
    return evaluate(parse(text, set(env)), env)


# --------------------------------------------------------------------------- sympy


def to_sympy(node: Node, symbols: dict[str, Any] | None = None) -> Any:
    """Build a sympy expression from the tree (sympy is imported here, not at start-up)."""
    import sympy

    symbols = symbols if symbols is not None else {}

    def build(n: Node) -> Any:
        if isinstance(n, Num):
            return sympy.Integer(n.value) if isinstance(n.value, int) else sympy.Float(n.value)
        if isinstance(n, Name):
            if n.name in symbols:
                return symbols[n.name]
            if n.name == "pi":
                return sympy.pi
            if n.name == "e":
                return sympy.E
            symbols[n.name] = sympy.Symbol(n.name, real=True)
            return symbols[n.name]
        if isinstance(n, Unary):
            if n.op == "not":
                raise ExprError("'not' is not allowed here", "此处不能使用 not")
            return -build(n.operand)
        if isinstance(n, Binary):
            a, b = build(n.left), build(n.right)
            if n.op == "+":
                return a + b
            if n.op == "-":
                return a - b
            if n.op == "*":
                return a * b
            if n.op == "/":
                return a / b
            if n.op == "^":
                if b.is_number and abs(float(b)) > MAX_EXPONENT:
                    raise ExprError("exponent too large", "指数过大")
                return a**b
            raise ExprError(f"{n.op!r} is not allowed in a formula", f"公式中不能使用 {n.op!r}")
        if isinstance(n, Compare):
            raise ExprError("comparisons are not allowed in a formula", "公式中不能使用比较")
        args = [build(a) for a in n.args]
        table: dict[str, Callable[..., Any]] = {
            "sqrt": sympy.sqrt,
            "exp": sympy.exp,
            "log": lambda x, b=None: sympy.log(x) if b is None else sympy.log(x, b),
            "ln": sympy.log,
            "log2": lambda x: sympy.log(x, 2),
            "log10": lambda x: sympy.log(x, 10),
            "sin": sympy.sin,
            "cos": sympy.cos,
            "tan": sympy.tan,
            "tanh": sympy.tanh,
            "sigmoid": lambda x: 1 / (1 + sympy.exp(-x)),
            "abs": sympy.Abs,
            "min": sympy.Min,
            "max": sympy.Max,
            "floor": sympy.floor,
            "ceil": sympy.ceiling,
        }
        return table[n.func](*args)

    return build(node)
