"""The values of XLSForm expressions, as ODK (XPath 1.0) treats them: conversions, comparison, arithmetic.

An unanswered question is the empty string; a select_multiple answer is a list (or a
space-separated string) of choice names; two numbers (or numeric strings) compare as numbers,
two dates (or 'YYYY-MM-DD' strings) as dates, anything else as strings. Division or `mod` by
zero gives NaN, which makes every comparison false except `!=`. Nothing here raises.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import re
from decimal import Decimal

NAN = float("nan")
EPOCH = dt.date(1970, 1, 1)

# XPath number syntax: no exponent, no "inf"/"nan", ASCII digits only (float() would take
# "1e5", "nan" and Arabic-Indic digits).
_NUMBER = re.compile(r"\s*-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*")


def normal(value: object) -> object:
    """Unanswered -> '', datetimes -> dates (a datetime and a date refuse to compare)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _to_float(value: int | float) -> float:
    try:
        return float(value)
    except OverflowError:  # an int too large for a float
        return math.inf if value > 0 else -math.inf


def _as_number(value: object) -> float | None:
    """The number a value stands for, or None when it is not numeric (dates are not)."""
    if _is_number(value):
        return _to_float(value)
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        return float(value)
    return None


def to_number(value: object) -> float:
    """XPath number(): NaN for anything that is not a number."""
    value = normal(value)
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, dt.date):
        return float((value - EPOCH).days)  # as ODK does: days since 1970-01-01
    number = _as_number(to_string(value) if isinstance(value, (list, tuple)) else value)
    return NAN if number is None else number


def _number_text(number: float) -> str:
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == int(number):
        return str(int(number))
    return format(Decimal(repr(number)), "f")  # 1e-07 -> 0.0000001, as XPath writes it


def to_string(value: object) -> str:
    value = normal(value)
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if _is_number(value):
        return _number_text(_to_float(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return " ".join(to_string(item) for item in value)
    return str(value)


def to_bool(value: object) -> bool:
    value = normal(value)
    if isinstance(value, bool):
        return value
    if _is_number(value):
        number = _to_float(value)
        return number != 0 and not math.isnan(number)
    if isinstance(value, dt.date):
        return True
    if isinstance(value, str):
        return value != ""
    try:
        return len(value) > 0  # type: ignore[arg-type]
    except TypeError:
        return True


def choices(value: object) -> list[str]:
    """The choice names of a select answer: a list, or a space-separated string."""
    value = normal(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_string(item) for item in value]
    return to_string(value).split()


_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def compare(op: str, left: object, right: object) -> bool:
    left, right = normal(left), normal(right)
    if isinstance(left, bool) or isinstance(right, bool):
        if op in ("=", "!="):
            return (to_bool(left) == to_bool(right)) == (op == "=")
        return _ORDER[op](to_number(left), to_number(right))
    numbers = _as_number(left), _as_number(right)
    if numbers[0] is not None and numbers[1] is not None:
        a, b = numbers
    else:
        # Dates become YYYY-MM-DD, which orders as text exactly as the dates do.
        a, b = to_string(left), to_string(right)
        # An ordering with an empty answer, or between a number and a word, is NaN in ODK:
        # false. Two words still order alphabetically.
        if op not in ("=", "!=") and (not a or not b or _is_number(left) or _is_number(right)):
            return False
    if op == "=":
        return a == b
    if op == "!=":
        return a != b
    return _ORDER[op](a, b)


def arithmetic(op: str, left: object, right: object) -> float:
    a, b = to_number(left), to_number(right)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if b == 0:
        return NAN
    if op == "div":
        return a / b
    if math.isinf(a):  # "mod": math.fmod(inf, b) raises
        return NAN
    return math.fmod(a, b)  # XPath mod truncates: -5 mod 2 = -1
