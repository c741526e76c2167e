"""Moodle's formula language: PHP's precedence and functions, errors that say where, limits."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmpath.errors import FormulaError
from pmpath.formats.formula import MAX_DEPTH, MAX_LENGTH, evaluate, wildcards


@pytest.mark.parametrize(
    ("formula", "value"),
    [
        ("1 + 2 * 3", 7.0),
        ("(1 + 2) * 3", 9.0),
        ("10 - 4 - 3", 3.0),  # left to right
        ("2 ** 3 ** 2", 512.0),  # right to left
        ("-2 ** 2", -4.0),  # PHP: the power binds tighter than the sign
        ("2 ** -1", 0.5),
        ("--3", 3.0),
        ("+4", 4.0),
        ("7 / 2", 3.5),
        ("7.5 % 2", 1.0),  # PHP's % takes the integer parts
        ("-7 % 3", -1.0),  # and keeps the dividend's sign
        ("1.5e3 + .5", 1500.5),
        ("8 / 2 * 4", 16.0),
    ],
)
def test_operators_follow_php_precedence(formula: str, value: float) -> None:
    assert evaluate(formula) == value


@pytest.mark.parametrize(
    ("formula", "value"),
    [
        ("pi()", math.pi),
        ("abs(-3)", 3.0),
        ("sqrt(16)", 4.0),
        ("pow(2, 10)", 1024.0),
        ("exp(0)", 1.0),
        ("log(8, 2)", 3.0),
        ("log(exp(2))", 2.0),
        ("log10(1000)", 3.0),
        ("round(2.5)", 3.0),  # halves away from zero, as PHP
        ("round(-2.5)", -3.0),
        ("round(1.955, 2)", 1.96),
        ("floor(-1.5)", -2.0),
        ("ceil(1.2)", 2.0),
        ("fmod(7, 3)", 1.0),
        ("min(4, 2, 8)", 2.0),
        ("max(4, 2, 8)", 8.0),
        ("atan2(1, 1)", math.pi / 4),
        ("deg2rad(180)", math.pi),
        ("rad2deg(pi())", 180.0),
        ("is_finite(1)", 1.0),
        ("SQRT(9)", 3.0),  # PHP's function names ignore case
        ("cos(0) + sin(0) + tan(0) + asin(0) + acos(1) + atan(0)", 1.0),
    ],
)
def test_moodles_functions(formula: str, value: float) -> None:
    assert evaluate(formula) == pytest.approx(value)


def test_wildcards_take_their_values() -> None:
    assert evaluate("sqrt({a}**2 + {b}**2)", {"a": 3.0, "b": 4.0}) == 5.0
    assert evaluate("{ a } * 2", {"a": 1.5}) == 3.0


def test_wildcards_are_listed_once_in_order() -> None:
    assert wildcards("{b} + {a} * {b} + {=1}") == ["b", "a"]


@pytest.mark.parametrize(
    ("formula", "message", "column"),
    [
        ("1 +", "the formula ends too early", 4),
        ("2 ^ 3", "'^' is not a power in Moodle", 3),
        ("foo(1)", "unknown function or name 'foo'", 1),
        ("pi + 1", "expected '(', found '+'", 4),
        ("(1 + 2", "the formula ends too early", 7),
        ("1 / (2 - 2)", "division by zero", 3),
        ("5 % 0.5", "modulo by zero", 3),
        ("sqrt(-1)", "sqrt() is not defined for these values", 1),
        ("1 + pow(10, 400)", "pow() gives a result too large", 5),
        ("10 ** 400", "** gives a result too large", 4),
        ("{x} + 1", "unknown wildcard {x}", 1),
        ("min(1)", "min() takes 2 or more argument(s), not 1", 1),
        ("pow(1)", "pow() takes 2 argument(s), not 1", 1),
        ("round(1, 2, 3)", "round() takes 1 or 2 argument(s), not 3", 1),
        ("1 2", "unexpected '2'", 3),
        ("1 $ 2", "unexpected character '$'", 3),
        ("decbin(5)", "decbin() works on digit strings", 1),
        ("max(1; 2)", "unexpected character ';'", 6),
        ("fmod(1, 0)", "fmod by zero", 1),
    ],
)
def test_errors_say_what_and_where(formula: str, message: str, column: int) -> None:
    with pytest.raises(FormulaError) as caught:
        evaluate(formula, {"a": 1.0})
    assert caught.value.message.startswith(message)
    assert caught.value.column == column
    assert str(caught.value).endswith(f"at column {column}")


def test_an_empty_formula_is_an_error() -> None:
    with pytest.raises(FormulaError, match="the formula is empty"):
        evaluate("   ")


def test_a_formula_longer_than_the_limit_is_refused() -> None:
    with pytest.raises(FormulaError, match=f"longer than {MAX_LENGTH}"):
        evaluate("1+" * (MAX_LENGTH // 2) + "1")


@pytest.mark.parametrize("opening", ["(", "-", "abs(", "1**"])
def test_nesting_deeper_than_the_limit_is_refused(opening: str) -> None:
    closing = ")" if opening.endswith("(") else ""
    within = opening * MAX_DEPTH + "1" + closing * MAX_DEPTH
    assert math.isfinite(evaluate(within))
    too_deep = opening * (MAX_DEPTH + 1) + "1" + closing * (MAX_DEPTH + 1)
    with pytest.raises(FormulaError, match=f"nested more than {MAX_DEPTH} deep"):
        evaluate(too_deep)


def _value_or_error(formula: str, values: dict[str, float]) -> float | FormulaError:
    try:
        return evaluate(formula, values)
    except FormulaError as exc:
        return exc


FORMULA_PIECES = st.sampled_from(
    [
        "1", "0", "2.5", "1e308", "9e9", ".5", "{a}", "{b}", "{nope}", "+", "-", "*", "/", "%",
        "**", "^", "(", ")", ",", " ", "pi()", "sqrt(", "pow(", "log(", "min(", "round(",
        "fmod(", "exp(", "atan2(", "x", "$", "{", "}", "\n",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=1000)
@given(st.lists(FORMULA_PIECES, max_size=40).map("".join))
def test_any_formula_gives_a_finite_value_or_a_formula_error(formula: str) -> None:
    result = _value_or_error(formula, {"a": 3.0, "b": -0.5})
    if isinstance(result, FormulaError):
        assert result.message
    else:
        assert math.isfinite(result)


@settings(max_examples=200, deadline=1000)
@given(st.text(max_size=200))
def test_any_text_gives_a_finite_value_or_a_formula_error(formula: str) -> None:
    result = _value_or_error(formula, {"a": 3.0})
    if isinstance(result, FormulaError):
        assert result.message
    else:
        assert math.isfinite(result)


# Moodle's own validation cases (question/type/calculated/tests/formula_validation_test.php and
# variablesubstituter_test.php): what Moodle accepts evaluates here, what it refuses is an error.


@pytest.mark.parametrize(
    "formula",
    [
        "1 + 1", "{x} + {y}", "{x}*{y}", "abs(-1)", "tan(pi())", "log(10)", "log(64, 2)",
        "atan2(1.0, 1.0)", "max(1.0, 1.0)", "max(1.0, 1.0, 2.0)", "max(1.0, 1.0, 2, 3)",
    ],
)  # fmt: skip
def test_what_moodle_accepts_evaluates(formula: str) -> None:
    assert math.isfinite(evaluate(formula, {"x": 2.0, "y": 3.0}))


@pytest.mark.parametrize(
    "formula",
    [
        "eval(1)", "system(1)", "base64_decode(1)", "unserialize(1)",
        "cos(tan(1) + abs(cos(eval)) * pi())", "eval (CONSTANTREADASSTRING)", "eval \t ()",
        '"eval"()', "?><?php()", "?><?php+1", "abs(-1, 1)", "abs()", "pi(1)", "log()",
        "log(64, 2, 3)", "atan2(1.0)", "atan2(1.0, 1.0, 2.0)", "max(1.0)",
        "{a} + {b}?", "{a}{b}",  # not 12
    ],
)  # fmt: skip
def test_what_moodle_refuses_is_a_formula_error(formula: str) -> None:
    with pytest.raises(FormulaError):
        evaluate(formula, {"a": 1.0, "b": 2.0})
