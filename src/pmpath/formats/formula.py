"""Moodle's formula language, parsed and evaluated safely (never with ``eval``).

Moodle's calculated questions hold formulas such as ``sqrt({a}**2 + {b}**2)``: numbers,
wildcards in braces, ``+ - * / %``, ``**`` for a power, parentheses, and the PHP functions
Moodle's validator allows (``qtype_calculated_find_formula_errors``). Moodle itself hands the
formula to PHP's ``eval``; here a small recursive-descent parser builds the value directly, so a
hostile file can do no more than give a :class:`FormulaError`.

PHP's rules are kept where they differ from Python's: ``**`` binds tighter than a unary minus
(``-2**2`` is -4), ``%`` works on the integer parts (``7.5 % 2`` is 1), ``round`` rounds halves
away from zero, and ``log(x, b)`` is the logarithm in base ``b``. ``^`` is PHP's bitwise XOR,
not a power, so a formula using it is refused with a hint rather than evaluated either way.

Limits keep evaluation bounded: a formula of at most :data:`MAX_LENGTH` characters, nested at
most :data:`MAX_DEPTH` deep; every value is a float, so a power cannot build a huge integer, and
a result that overflows or is not a number is an error.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from pmpath.errors import FormulaError

#: The longest formula read (Moodle's own answer field holds 255 characters).
MAX_LENGTH = 1000
#: The deepest nesting of parentheses, function calls and unary signs.
MAX_DEPTH = 50

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<variable>\{[^{}]*\})
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<power>\*\*)
  | (?P<operator>[-+*/%(),])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    text: str
    column: int


def _php_round(value: float, places: float = 0) -> float:
    digits = int(places)
    try:
        rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
    except InvalidOperation:
        return value  # more digits asked for than the value has: it is already that round
    return float(rounded)


def _log(value: float, base: float = math.e) -> float:
    return math.log(value) / math.log(base) if base != math.e else math.log(value)


def _fmod(a: float, b: float) -> float:
    if b == 0:
        raise FormulaError("fmod by zero")
    return math.fmod(a, b)


#: Each function Moodle allows: (the Python function, least arguments, most arguments or None).
_FUNCTIONS: dict[str, tuple[Callable[..., float], int, int | None]] = {
    "pi": (lambda: math.pi, 0, 0),
    "abs": (abs, 1, 1),
    "acos": (math.acos, 1, 1),
    "acosh": (math.acosh, 1, 1),
    "asin": (math.asin, 1, 1),
    "asinh": (math.asinh, 1, 1),
    "atan": (math.atan, 1, 1),
    "atanh": (math.atanh, 1, 1),
    "ceil": (lambda x: float(math.ceil(x)), 1, 1),
    "cos": (math.cos, 1, 1),
    "cosh": (math.cosh, 1, 1),
    "deg2rad": (math.radians, 1, 1),
    "exp": (math.exp, 1, 1),
    "expm1": (math.expm1, 1, 1),
    "floor": (lambda x: float(math.floor(x)), 1, 1),
    "is_finite": (lambda x: float(math.isfinite(x)), 1, 1),
    "is_infinite": (lambda x: float(math.isinf(x)), 1, 1),
    "is_nan": (lambda x: float(math.isnan(x)), 1, 1),
    "log10": (math.log10, 1, 1),
    "log1p": (math.log1p, 1, 1),
    "rad2deg": (math.degrees, 1, 1),
    "sin": (math.sin, 1, 1),
    "sinh": (math.sinh, 1, 1),
    "sqrt": (math.sqrt, 1, 1),
    "tan": (math.tan, 1, 1),
    "tanh": (math.tanh, 1, 1),
    "log": (_log, 1, 2),
    "round": (_php_round, 1, 2),
    "atan2": (math.atan2, 2, 2),
    "fmod": (_fmod, 2, 2),
    "pow": (math.pow, 2, 2),
    "min": (min, 2, None),
    "max": (max, 2, None),
}
#: Functions Moodle allows that work on digit strings in other bases: not evaluated here.
_BASE_FUNCTIONS = {"bindec", "decbin", "decoct", "octdec"}
FUNCTIONS = frozenset(_FUNCTIONS)


def _tokens(formula: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(formula):
        kind = match.lastgroup or "other"
        column = match.start() + 1
        text = match.group()
        if kind == "space":
            continue
        if kind == "other":
            if text == "^":
                raise FormulaError(
                    "'^' is not a power in Moodle (PHP reads it as bitwise XOR): "
                    "write pow(a, b) or a ** b",
                    column,
                )
            raise FormulaError(f"unexpected character {text!r}", column)
        tokens.append(_Token(kind, text, column))
    return tokens


class _Parser:
    def __init__(self, formula: str, values: Mapping[str, float]) -> None:
        self.tokens = _tokens(formula)
        self.values = values
        self.index = 0
        self.depth = 0
        self.end = len(formula) + 1

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise FormulaError("the formula ends too early", self.end)
        self.index += 1
        return token

    def expect(self, text: str) -> None:
        token = self.take()
        if token.text != text:
            raise FormulaError(f"expected {text!r}, found {token.text!r}", token.column)

    def nested(self, column: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaError(f"the formula is nested more than {MAX_DEPTH} deep", column)

    def whole(self) -> float:
        if not self.tokens:
            raise FormulaError("the formula is empty")
        value = self.sum()
        token = self.peek()
        if token is not None:
            raise FormulaError(f"unexpected {token.text!r}", token.column)
        return value

    def sum(self) -> float:
        value = self.product()
        while (token := self.peek()) is not None and token.text in ("+", "-"):
            self.index += 1
            right = self.product()
            value = _checked(value + right if token.text == "+" else value - right, token)
        return value

    def product(self) -> float:
        value = self.unary()
        while (token := self.peek()) is not None and token.text in ("*", "/", "%"):
            self.index += 1
            right = self.unary()
            if token.text == "*":
                value = _checked(value * right, token)
            elif right == 0:
                raise FormulaError("division by zero", token.column)
            elif token.text == "/":
                value = _checked(value / right, token)
            else:
                value = _php_modulo(value, right, token)
        return value

    def unary(self) -> float:
        token = self.peek()
        if token is not None and token.text in ("+", "-"):
            self.index += 1
            self.nested(token.column)
            value = self.unary()
            self.depth -= 1
            return -value if token.text == "-" else value
        return self.power()

    def power(self) -> float:
        base = self.primary()
        token = self.peek()
        if token is None or token.kind != "power":
            return base
        self.index += 1
        self.nested(token.column)
        exponent = self.unary()  # right-associative, and 2 ** -1 is allowed, as in PHP
        self.depth -= 1
        return _apply(math.pow, [base, exponent], token, "**")

    def primary(self) -> float:
        token = self.take()
        if token.kind == "number":
            return _checked(float(token.text), token)
        if token.kind == "variable":
            name = token.text[1:-1].strip()
            if name not in self.values:
                raise FormulaError(f"unknown wildcard {token.text}", token.column)
            return self.values[name]
        if token.text == "(":
            self.nested(token.column)
            value = self.sum()
            self.expect(")")
            self.depth -= 1
            return value
        if token.kind == "name":
            return self.call(token)
        raise FormulaError(f"unexpected {token.text!r}", token.column)

    def call(self, token: _Token) -> float:
        name = token.text.lower()
        if name in _BASE_FUNCTIONS:
            raise FormulaError(
                f"{token.text}() works on digit strings: not supported", token.column
            )
        if name not in _FUNCTIONS:
            raise FormulaError(f"unknown function or name {token.text!r}", token.column)
        function, least, most = _FUNCTIONS[name]
        self.expect("(")
        self.nested(token.column)
        arguments: list[float] = []
        following = self.peek()
        if following is not None and following.text == ")":
            self.index += 1
        else:
            while True:
                arguments.append(self.sum())
                separator = self.take()
                if separator.text == ")":
                    break
                if separator.text != ",":
                    raise FormulaError(
                        f"expected ',' or ')', found {separator.text!r}", separator.column
                    )
        self.depth -= 1
        if len(arguments) < least or (most is not None and len(arguments) > most):
            wanted = (
                f"{least}"
                if least == most
                else f"{least} or more"
                if most is None
                else f"{least} or {most}"
            )
            raise FormulaError(
                f"{name}() takes {wanted} argument(s), not {len(arguments)}", token.column
            )
        return _apply(function, arguments, token, f"{name}()")


def _checked(value: float, token: _Token) -> float:
    if not math.isfinite(value):
        raise FormulaError("the result is too large (or not a number)", token.column)
    return value


def _apply(
    function: Callable[..., float], arguments: list[float], token: _Token, what: str
) -> float:
    try:
        value = float(function(*arguments))
    except FormulaError as exc:
        raise FormulaError(exc.message, token.column) from None
    except OverflowError:
        raise FormulaError(f"{what} gives a result too large", token.column) from None
    except (ValueError, ZeroDivisionError):
        raise FormulaError(f"{what} is not defined for these values", token.column) from None
    if not math.isfinite(value):
        raise FormulaError(f"{what} gives no finite number", token.column)
    return value


def _php_modulo(a: float, b: float, token: _Token) -> float:
    """PHP's ``%``: the integer parts, the sign of the dividend."""
    if abs(a) >= 2**63 or abs(b) >= 2**63:
        raise FormulaError("'%' works on integers, and this value is too large", token.column)
    left, right = int(a), int(b)
    if right == 0:
        raise FormulaError("modulo by zero (of the integer part)", token.column)
    return float(math.copysign(abs(left) % abs(right), left) if left else 0)


def evaluate(formula: str, values: Mapping[str, float] | None = None) -> float:
    """The value of ``formula`` with each ``{name}`` replaced by ``values[name]``.

    Raises :class:`FormulaError` for anything it cannot evaluate, with the column where."""
    if len(formula) > MAX_LENGTH:
        raise FormulaError(f"the formula is longer than {MAX_LENGTH} characters")
    return _Parser(formula, values or {}).whole()


def wildcards(formula: str) -> list[str]:
    """The names of the ``{wildcards}`` in ``formula``, in order, each once."""
    seen: dict[str, None] = {}
    for match in re.finditer(r"\{([^{}=]*)\}", formula):
        seen.setdefault(match.group(1).strip(), None)
    return list(seen)
