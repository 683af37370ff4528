"""The subset of XLSForm expressions that `relevant` and `constraint` columns may use.

A small recursive-descent parser and evaluator of our own: survey files come from outside, so
nothing here ever reaches `eval`, `compile` or `ast`. The grammar (loosest binding first):

    or  ->  and  ->  = !=  ->  < <= > >=  ->  + -  ->  * div mod  ->  unary -  ->  value
    value: number | 'text' | "text" | ${name} | . | ( expr ) | function(args)
    functions: see _FUNCTIONS (docs/expressions.md lists them): selected, count-selected,
               selected-at, if, coalesce, concat, substr, string-length, regex, sum, int, round,
               today, now, date, format-date, jr:choice-name...

Values follow ODK (XPath 1.0) where a respondent would notice: an unanswered question is the
empty string, so `${age} > 18` is false until age is given; a select_multiple answer is a list
(or a space-separated string) of choice names; two numbers (or numeric strings) compare as
numbers, two dates (or 'YYYY-MM-DD' strings) as dates, anything else as strings. Division or
`mod` by zero gives NaN, which makes every comparison false except `!=`. Parsing rejects bad
input with `ExpressionError` only; evaluation never raises.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from surveys import expression_values as v
from surveys.expression_values import arithmetic, choices, compare, normal, to_bool, to_number, to_string

__all__ = ["MAX_DEPTH", "MAX_LENGTH", "Expression", "ExpressionError", "evaluate_bool", "parse"]

MAX_LENGTH = 10_000  # characters; the longest in the corpus of real forms has 1,607
MAX_DEPTH = 32  # nested parentheses, function calls and unary minus signs


COLUMN_PREFIX = "@"  # where a choice_filter's values hold the columns of the choice being filtered
POSITION = "#position"  # where the values hold the number of the repeat instance `position(..)` reads


class ExpressionError(ValueError):
    """An expression that cannot be parsed; `position` is the 0-based offset of the problem."""

    def __init__(self, message: str, position: int):
        super().__init__(message, position)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        return f"At character {self.position + 1}: {self.message}"


# --- syntax tree ----------------------------------------------------------------------------


class _Node:
    __slots__ = ()

    def evaluate(self, values: Mapping[str, object], current: object) -> object:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class _Literal(_Node):
    value: object

    def evaluate(self, values, current):
        return self.value


@dataclass(frozen=True, slots=True)
class _Reference(_Node):
    name: str

    def evaluate(self, values, current):
        return normal(values.get(self.name))


@dataclass(frozen=True, slots=True)
class _Column(_Node):
    """A bare name in a choice_filter: a column of the choice being filtered (`county`, `name`)."""

    name: str

    def evaluate(self, values, current):
        return normal(values.get(COLUMN_PREFIX + self.name))


@dataclass(frozen=True, slots=True)
class _Current(_Node):
    def evaluate(self, values, current):
        return normal(current)


@dataclass(frozen=True, slots=True)
class _Position(_Node):
    """`position(..)`: the number of the repeat instance being answered, from 1 (1 outside a repeat)."""

    def evaluate(self, values, current):
        return to_number(values.get(POSITION, 1))


@dataclass(frozen=True, slots=True)
class _Negate(_Node):
    operand: _Node

    def evaluate(self, values, current):
        return -to_number(self.operand.evaluate(values, current))


@dataclass(frozen=True, slots=True)
class _Chain(_Node):
    """`a op b op c ...` of one precedence level, kept flat so long chains never recurse."""

    first: _Node
    rest: tuple[tuple[str, _Node], ...]

    def evaluate(self, values, current):
        result = self.first.evaluate(values, current)
        for op, node in self.rest:
            if op == "or":
                if to_bool(result):
                    return True
                result = to_bool(node.evaluate(values, current))
            elif op == "and":
                if not to_bool(result):
                    return False
                result = to_bool(node.evaluate(values, current))
            elif op in ("+", "-", "*", "div", "mod"):
                result = arithmetic(op, result, node.evaluate(values, current))
            else:
                result = compare(op, result, node.evaluate(values, current))
        return result


def _selected(answer, choice):
    return to_string(choice).strip() in choices(answer)


def _float(function):
    return lambda *values: float(function(*values))


_MANY = 64  # arguments a variadic function takes at most

# name -> (fewest arguments, most arguments, implementation)
_FUNCTIONS = {
    "selected": (2, 2, _selected),
    "count-selected": (1, 1, lambda answer: float(len(choices(answer)))),
    "selected-at": (2, 2, v.selected_at),
    "jr:choice-name": (2, 2, lambda answer, _question: to_string(answer)),  # the name: labels are the page's
    "not": (1, 1, lambda value: not to_bool(value)),
    "true": (0, 0, lambda: True),
    "false": (0, 0, lambda: False),
    "boolean": (1, 1, to_bool),
    "if": (3, 3, v.if_),
    "coalesce": (2, 2, v.coalesce),
    "once": (1, 1, lambda value: value),
    "string": (1, 1, to_string),
    "number": (1, 1, to_number),
    "int": (1, 1, v.to_int),
    "round": (1, 2, v.round_),
    "floor": (1, 1, _float(lambda value: v.to_int(value) - (to_number(value) < v.to_int(value)))),
    "ceiling": (1, 1, _float(lambda value: v.to_int(value) + (to_number(value) > v.to_int(value)))),
    "abs": (1, 1, lambda value: abs(to_number(value))),
    "pow": (2, 2, v.power),
    "sum": (1, _MANY, lambda *values: math.fsum(v.number_of(*values))),
    "count": (1, 1, v.count),
    "indexed-repeat": (3, 3, v.indexed_repeat),
    "max": (1, _MANY, lambda *values: max(v.number_of(*values), default=v.NAN)),
    "min": (1, _MANY, lambda *values: min(v.number_of(*values), default=v.NAN)),
    "concat": (0, _MANY, v.concat),
    "string-length": (1, 1, lambda value: float(len(to_string(value)))),
    "substr": (2, 3, v.substr),
    "contains": (2, 2, lambda text, part: to_string(part) in to_string(text)),
    "starts-with": (2, 2, lambda text, part: to_string(text).startswith(to_string(part))),
    "ends-with": (2, 2, lambda text, part: to_string(text).endswith(to_string(part))),
    "normalize-space": (1, 1, lambda text: " ".join(to_string(text).split())),
    "regex": (2, 2, v.regex),
    "today": (0, 0, dt.date.today),
    "now": (0, 0, dt.datetime.now),
    "date": (1, 1, v.to_date),
    "format-date": (2, 2, v.format_date),
    "format-date-time": (2, 2, v.format_date),
    "decimal-date-time": (1, 1, v.decimal_date_time),
    "uuid": (0, 1, v.uuid),
    **{name: (1, 1, v.math_function(name)) for name in v.MATH_FUNCTIONS},
    "atan2": (2, 2, lambda y, x: math.atan2(to_number(y), to_number(x))),
    "pi": (0, 0, lambda: math.pi),
}


@dataclass(frozen=True, slots=True)
class _Call(_Node):
    name: str
    args: tuple[_Node, ...]

    def evaluate(self, values, current):
        function = _FUNCTIONS[self.name][2]
        return function(*(arg.evaluate(values, current) for arg in self.args))


# --- tokens -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # number, string, ref, dot, name, op, end
    text: str  # the value: a string without its quotes, a name without ${}
    position: int
    source: str = ""  # as written, for messages


_QUOTES = {"'": "'", '"': '"'}
# The curly quotes a word processor puts in place of straight ones: read as straight quotes, as pyxform
# does ("clean_text_values"), so `${x} = ’yes’` is `${x} = 'yes'`. One character each: positions hold.
_SMART_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_SYMBOLS = ("!=", "<=", ">=", "=", "<", ">", "+", "-", "*", "(", ")", ",")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.:\-]*")
_QUESTION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_NUMBER_TOKEN = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
_POSITION = re.compile(r"position\(\s*\.\.\s*\)")  # the one path read: the current repeat instance's number
# Things people write from other languages, and what to write instead.
_MISTAKES = {
    "==": "use '=' to compare, not '=='",
    "&&": "use 'and', not '&&'",
    "||": "use 'or', not '||'",
    "&": "use 'and', not '&'",
    "|": "use 'or', not '|'",
    "!": "use not(...) or '!=', not '!'",
    "/": "divide with 'div'; paths with '/' are not supported, refer to questions as ${name}",
    "..": "'..' is not supported; refer to questions as ${name}",
}


def _describe(token: _Token) -> str:
    if token.kind == "end":
        return "the end of the expression"
    if token.kind == "string":
        return token.source
    return f"'{token.source or token.text}'"


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, size = 0, len(text)
    while i < size:
        char = text[i]
        if char.isspace():
            i += 1
            continue
        if char in _QUOTES:
            end = text.find(_QUOTES[char], i + 1)
            if end < 0:
                raise ExpressionError(f"this text starting with {char} is never closed", i)
            tokens.append(_Token("string", text[i + 1 : end], i, text[i : end + 1]))
            i = end + 1
            continue
        if char == "$":
            if not text.startswith("${", i):
                raise ExpressionError("expected '{' after '$'; write references as ${name}", i)
            name = _QUESTION_NAME.match(text, i + 2)
            if name is None:
                raise ExpressionError("expected a question name after '${'", i + 2)
            if not text.startswith("}", name.end()):
                raise ExpressionError(f"expected '}}' to close '${{{name.group()}'", name.end())
            tokens.append(_Token("ref", name.group(), i, text[i : name.end() + 1]))
            i = name.end() + 1
            continue
        position = _POSITION.match(text, i)
        if position:
            tokens.append(_Token("position", position.group(), i))
            i = position.end()
            continue
        number = _NUMBER_TOKEN.match(text, i)
        if number:
            tokens.append(_Token("number", number.group(), i))
            i = number.end()
            continue
        for mistake, advice in _MISTAKES.items():
            if text.startswith(mistake, i) and not text.startswith("!=", i):
                raise ExpressionError(advice, i)
        if char == ".":
            tokens.append(_Token("dot", ".", i))
            i += 1
            continue
        name = _NAME.match(text, i)
        if name:
            tokens.append(_Token("name", name.group(), i))
            i = name.end()
            continue
        symbol = next((s for s in _SYMBOLS if text.startswith(s, i)), None)
        if symbol is None:
            raise ExpressionError(f"unexpected character {char!r}", i)
        tokens.append(_Token("op", symbol, i))
        i += len(symbol)
    tokens.append(_Token("end", "", size))
    return tokens


# --- parser -------------------------------------------------------------------------------

# Binary operators by precedence level, loosest first.
_LEVELS = (("or",), ("and",), ("=", "!="), ("<", "<=", ">", ">="), ("+", "-"), ("*", "div", "mod"))
_OPERATOR_NAMES = {"or", "and", "div", "mod"}


class _Parser:
    def __init__(self, text: str, choice_columns: bool = False):
        self.tokens = _tokenize(text)
        self.index = 0
        self.depth = 0
        self.references: set[str] = set()
        self.columns: set[str] = set()
        self.choice_columns = choice_columns  # a choice_filter: bare names are the choice's columns
        self.uses_current = False

    @property
    def token(self) -> _Token:
        return self.tokens[self.index]

    def _is_operator(self, token: _Token, operators: tuple[str, ...]) -> bool:
        return token.kind in ("op", "name") and token.text in operators

    def _expect(self, text: str, why: str) -> None:
        if not self._is_operator(self.token, (text,)):
            found = _describe(self.token)
            raise ExpressionError(f"expected '{text}' {why}, found {found}", self.token.position)
        self.index += 1

    def _nest(self, position: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(f"the expression is nested more than {MAX_DEPTH} levels deep", position)

    def parse(self) -> _Node:
        node = self._level(0)
        if self.token.kind != "end":
            hint = ""
            if self.token.kind == "name" and self.token.text.lower() in _OPERATOR_NAMES:
                hint = f" (operators are lower case: '{self.token.text.lower()}')"
            raise ExpressionError(
                f"expected an operator or the end of the expression, found {_describe(self.token)}{hint}",
                self.token.position,
            )
        return node

    def _level(self, level: int) -> _Node:
        if level == len(_LEVELS):
            return self._unary()
        operators = _LEVELS[level]
        first = self._level(level + 1)
        rest = []
        while self._is_operator(self.token, operators):
            op = self.token.text
            self.index += 1
            rest.append((op, self._level(level + 1)))
        return _Chain(first, tuple(rest)) if rest else first

    def _unary(self) -> _Node:
        token = self.token
        if self._is_operator(token, ("-",)):
            self.index += 1
            self._nest(token.position)
            node = _Negate(self._unary())
            self.depth -= 1
            return node
        return self._value()

    def _value(self) -> _Node:
        token = self.token
        self.index += 1
        if token.kind == "number":
            return _Literal(float(token.text))
        if token.kind == "string":
            return _Literal(token.text)
        if token.kind == "ref":
            self.references.add(token.text)
            return _Reference(token.text)
        if token.kind == "dot":
            self.uses_current = True
            return _Current()
        if token.kind == "position":
            return _Position()
        if self._is_operator(token, ("(",)):
            self._nest(token.position)
            node = self._level(0)
            self._expect(")", f"to close the '(' at character {token.position + 1}")
            self.depth -= 1
            return node
        if token.kind == "name" and token.text not in _OPERATOR_NAMES:
            return self._call(token)
        raise ExpressionError(
            f"expected a value (a number, 'text', ${{name}}, '.', '(' or a function), found {_describe(token)}",
            token.position,
        )

    def _call(self, token: _Token) -> _Node:
        name = token.text
        if name not in _FUNCTIONS:
            if self.choice_columns and not self._is_operator(self.token, ("(",)):
                self.columns.add(name)
                return _Column(name)
            if not self._is_operator(self.token, ("(",)):
                raise ExpressionError(f"unknown name '{name}'; refer to a question as ${{{name}}}", token.position)
            supported = ", ".join(f"{f}()" for f in sorted(_FUNCTIONS))
            raise ExpressionError(f"unknown function '{name}()'; supported: {supported}", token.position)
        self._expect("(", f"after '{name}'")
        self._nest(token.position)
        args: list[_Node] = []
        if not self._is_operator(self.token, (")",)):
            args.append(self._level(0))
            while self._is_operator(self.token, (",",)):
                self.index += 1
                args.append(self._level(0))
        self._expect(")", f"to close '{name}('")
        self.depth -= 1
        fewest, most, _ = _FUNCTIONS[name]
        if not fewest <= len(args) <= most:
            wanted = str(fewest) if fewest == most else f"{fewest} to {most}" if most < _MANY else f"{fewest} or more"
            plural = "" if wanted == "1" else "s"
            raise ExpressionError(f"{name}() takes {wanted} argument{plural}, found {len(args)}", token.position)
        if name == "regex" and isinstance(args[1], _Literal) and v.safe_pattern(to_string(args[1].value)) is None:
            raise ExpressionError("this regular expression is not valid or could take too long", token.position)
        return _Call(name, tuple(args))


# --- public interface ---------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Expression:
    """A parsed expression; immutable, so one parse serves every evaluation."""

    text: str
    references: frozenset[str]  # the ${names} it reads
    uses_current: bool  # whether it reads '.', the answer being checked
    _root: _Node
    columns: frozenset[str] = frozenset()  # a choice_filter's bare names: columns of the choices sheet

    def evaluate(self, values: Mapping[str, object], current: object = None) -> object:
        """The value of the expression; names missing from `values` count as unanswered.

        Returns a bool, a float, a str, or a referenced answer as given (None becomes '').
        """
        return self._root.evaluate(values, current)

    def evaluate_bool(self, values: Mapping[str, object], current: object = None) -> bool:
        return to_bool(self.evaluate(values, current))

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"


@lru_cache(maxsize=2048)
def _parse(text: str, choice_columns: bool = False) -> Expression:
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is longer than {MAX_LENGTH} characters", MAX_LENGTH)
    parser = _Parser(text.translate(_SMART_QUOTES), choice_columns)
    root = parser.parse()
    return Expression(text, frozenset(parser.references), parser.uses_current, root, frozenset(parser.columns))


def parse(text: str, *, choice_columns: bool = False) -> Expression:
    """Parse `text`; raises ExpressionError (and nothing else) when it is not a valid expression.
    With `choice_columns` (a choice_filter), a bare name is a column of the choice being filtered, read
    from the values under COLUMN_PREFIX + name."""
    if not isinstance(text, str):
        raise ExpressionError(f"an expression must be text, not {type(text).__name__}", 0)
    return _parse(text, choice_columns)


def evaluate_bool(text: str, values: Mapping[str, object], current: object = None) -> bool:
    """Whether `text` holds for these answers: a relevant or constraint check."""
    return parse(text).evaluate_bool(values, current)
