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
import secrets
import string
import uuid as _uuid
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


# --- functions ---------------------------------------------------------------------------------
# The XPath and ODK functions real forms use, as ODK evaluates them; none raises.

_MAX_TEXT = 100_000  # concat and friends stop growing text here


def to_date(value: object) -> dt.date | str:
    """ODK date(): a date from a date, a 'YYYY-MM-DD' text or a number of days since 1970; '' if none."""
    value = normal(value)
    if isinstance(value, dt.date):
        return value
    number = _as_number(value) if not isinstance(value, str) or _NUMBER.fullmatch(value) else None
    if number is not None and math.isfinite(number) and abs(number) < 3_000_000:
        return EPOCH + dt.timedelta(days=int(math.floor(number)))
    text = to_string(value).strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return ""


_DATE_FORMATS = {"%Y": "%Y", "%y": "%y", "%m": "%m", "%n": "%-m", "%d": "%d", "%e": "%-d", "%b": "%b", "%a": "%a"}
_TIME_FORMATS = {"%H": "%H", "%h": "%-H", "%M": "%M", "%S": "%S", "%3": "000"}


def format_date(value: object, pattern: object) -> str:
    """ODK format-date(): %Y %y %m %n %d %e %b %a (and times, as 00 for a date); '' for no date."""
    date = to_date(value)
    if date == "":
        return ""
    text, out, index = to_string(pattern), [], 0
    while index < len(text):
        piece = text[index : index + 2]
        if piece in _DATE_FORMATS:
            code = _DATE_FORMATS[piece]
            out.append(str(int(date.strftime(code[0] + code[2]))) if "-" in code else date.strftime(code))
            index += 2
        elif piece in _TIME_FORMATS:
            out.append("0" if piece in ("%h",) else "00" if piece != "%3" else "000")
            index += 2
        else:
            out.append(text[index])
            index += 1
    return "".join(out)


def if_(condition: object, then: object, otherwise: object) -> object:
    return then if to_bool(condition) else otherwise


def coalesce(first: object, second: object) -> object:
    return first if to_string(first) != "" else second


def concat(*values: object) -> str:
    return "".join(to_string(value) for value in values)[:_MAX_TEXT]


def substr(value: object, start: object, end: object = None) -> str:
    """ODK substr(text, start[, end]): 0-based, end excluded."""
    text = to_string(value)
    first = to_number(start)
    last = len(text) if end is None else to_number(end)
    if math.isnan(first) or math.isnan(last):
        return ""
    first, last = max(0, min(len(text), int(first))), max(0, min(len(text), int(last)))
    return text[first:last]


def selected_at(answer: object, index: object) -> str:
    names, at = choices(answer), to_number(index)
    return names[int(at)] if not math.isnan(at) and 0 <= at < len(names) else ""


def to_int(value: object) -> float:
    number = to_number(value)
    return float(math.trunc(number)) if math.isfinite(number) else number


def round_(value: object, digits: object = 0) -> float:
    number, places = to_number(value), to_number(digits)
    if not math.isfinite(number) or math.isnan(places):
        return number
    places = max(-20, min(20, int(places)))
    scaled = Decimal(repr(number)).scaleb(places)
    return float(scaled.to_integral_value(rounding="ROUND_HALF_UP").scaleb(-places))


def power(base: object, exponent: object) -> float:
    try:
        return float(math.pow(to_number(base), to_number(exponent)))
    except (OverflowError, ValueError):
        return NAN


def number_of(*values: object) -> list[float]:
    """The numbers of a list of values (a select_multiple or space-separated list counts each item)."""
    found = []
    for value in values:
        items = value if isinstance(value, (list, tuple)) else [value]
        found.extend(to_number(item) for item in items)
    return found


def regex(value: object, pattern: object) -> bool:
    """ODK regex(): whether the pattern matches the text (anywhere, as Java's find does); False if invalid."""
    compiled = safe_pattern(to_string(pattern))
    return compiled is not None and compiled.search(to_string(value)[:_MAX_TEXT]) is not None


# A group with a quantifier inside, itself quantified: (a+)+ and its kind backtrack exponentially.
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{]")


def safe_pattern(pattern: str) -> re.Pattern | None:
    """The compiled pattern, or None when it is invalid or could backtrack exponentially."""
    if len(pattern) > 500 or _NESTED_QUANTIFIER.search(pattern):
        return None
    try:
        return _compiled(pattern)
    except (re.error, RecursionError, OverflowError):
        return None


_PATTERNS: dict[str, re.Pattern] = {}


def _compiled(pattern: str) -> re.Pattern:
    if pattern not in _PATTERNS:
        if len(_PATTERNS) > 512:
            _PATTERNS.clear()
        _PATTERNS[pattern] = re.compile(pattern)
    return _PATTERNS[pattern]


def decimal_date_time(value: object) -> float:
    date = to_date(value)
    return NAN if date == "" else float((date - EPOCH).days)


def uuid(length: object = None) -> str:
    """ODK's uuid(): a random version-4 UUID; uuid(n), n random letters and digits."""
    if length is None:
        return str(_uuid.uuid4())
    size = max(0, min(int(to_number(length)) if not math.isnan(to_number(length)) else 0, 1000))
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(size))


# XPath's one-argument math functions (ODK's): NaN where Python's would raise (sqrt(-1), log(0)).
MATH_FUNCTIONS = {
    "sqrt": math.sqrt, "exp": math.exp, "exp10": lambda x: 10.0**x, "log": math.log, "log10": math.log10,
    "sin": math.sin, "cos": math.cos, "tan": math.tan, "asin": math.asin, "acos": math.acos, "atan": math.atan,
}  # fmt: skip


def math_function(name: str):
    function = MATH_FUNCTIONS[name]

    def apply(value: object) -> float:
        try:
            return float(function(to_number(value)))
        except (ValueError, OverflowError):
            return NAN

    return apply


class Instances(tuple):
    """A question's values across the instances of a repeat, as seen from outside it (`sum(${age})`,
    `count(${member})`, `indexed-repeat(${age}, ${member}, 2)`); inside the repeat a name is the
    current instance's value instead."""

    __slots__ = ()


def count(value: object) -> float:
    """ODK count(): the number of instances; a question outside a repeat is one node."""
    return float(len(value)) if isinstance(value, Instances) else 1.0


def indexed_repeat(value: object, _repeat: object, index: object) -> object:
    """ODK indexed-repeat(): the value in the index-th (1-based) instance; '' when there is none."""
    if not isinstance(value, Instances):
        return value
    number = to_number(index)
    if math.isnan(number) or number != int(number) or not 1 <= number <= len(value):
        return ""
    return normal(value[int(number) - 1])
