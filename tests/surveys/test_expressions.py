"""The relevant/constraint expression language: each construct, each error, and properties."""

from __future__ import annotations

import datetime as dt
import math
import pickle

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from surveys.expressions import MAX_DEPTH, MAX_LENGTH, ExpressionError, evaluate_bool, parse

FAST = settings(max_examples=150, deadline=None)


# --- constructs -------------------------------------------------------------------------------

ANSWERS = {
    "age": 34,
    "share": 12.5,
    "role": "researcher",
    "functions": ["assessment", "policy"],
    "started": dt.date(2020, 5, 1),
    "comment": "abc",
    "skipped": None,
    "code": "007",
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # references, literals and equality
        ("${age} = 34", True),
        ("${age} = '34'", True),
        ("${code} = 7", True),  # numeric strings compare as numbers
        ("${role} = 'researcher'", True),
        ('${role} = "researcher"', True),
        ("${role} != 'researcher'", False),
        ("${share} = 12.5", True),
        ("${share} > .5", True),
        # unanswered is the empty string
        ("${skipped} = ''", True),
        ("${skipped} != ''", False),
        ("${not_in_values} = ''", True),
        ("${skipped} > 18", False),
        ("${skipped} < 18", False),
        ("${skipped} = 0", False),
        ("${skipped} != 0", True),
        # ordering
        ("${age} >= 34 and ${age} <= 34 and ${age} > 33 and ${age} < 35", True),
        ("${age} > 100", False),
        ("${comment} < 'abd'", True),  # two words order alphabetically
        ("${comment} < 5", False),  # a word and a number do not order
        ("${skipped} < 'abc'", False),  # nor does an unanswered question
        ("${comment} > ${skipped}", False),
        # and / or / not, precedence
        ("${age} > 100 or ${role} = 'researcher'", True),
        ("${age} > 10 or ${age} > 100 and ${age} > 200", True),  # and binds tighter
        ("0 = 1 < 3", False),  # 0 = (1 < 3): false = true
        ("(${age} > 100 or ${age} > 10) and ${age} > 20", True),
        ("not(${age} > 100)", True),
        ("not(${skipped})", True),
        ("not(${comment})", False),
        ("true() and not(false())", True),
        # select_multiple
        ("selected(${functions}, 'policy')", True),
        ("selected(${functions}, 'capacity')", False),
        ("selected(${functions}, 'pol')", False),
        ("selected(${role}, 'researcher')", True),  # a select_one answer
        ("selected(${skipped}, 'policy')", False),
        ("count-selected(${functions}) = 2", True),
        ("count-selected(${skipped}) = 0", True),
        # arithmetic
        ("${age} + 6 = 40", True),
        ("${age} - 4 * 2 = 26", True),
        ("(${age} - 4) * 2 = 60", True),
        ("${age} div 4 = 8.5", True),
        ("${age} mod 5 = 4", True),
        ("-5 mod 2 = -1", True),  # mod keeps the dividend's sign, as in XPath
        ("-${age} = 0 - 34", True),
        ("- - 3 = 3", True),
        ("1 - 2 - 3 = -4", True),  # left to right
        ("12 div 3 div 2 = 2", True),
        # division by zero is NaN: false comparisons, except !=
        ("${age} div 0 > 1", False),
        ("${age} div 0 < 1", False),
        ("${age} div 0 = ${age} div 0", False),
        ("${age} div 0 != 1", True),
        ("${age} mod 0 >= 0", False),
        # dates
        ("${started} < '2021-01-01'", True),
        ("${started} = '2020-05-01'", True),
        ("${started} > '2020-05-01'", False),
        ("'2020-05-01' <= ${started}", True),
        ("${started} < today()", True),
        ("today() - ${started} > 365", True),  # dates count days in arithmetic, as in ODK
        # string-length
        ("string-length(${comment}) = 3", True),
        ("string-length(${skipped}) = 0", True),
        # booleans compared with values
        ("(${age} > 1) = true()", True),
        ("selected(${functions}, 'policy') = 1", True),
    ],
)
def test_constructs(text, expected):
    assert evaluate_bool(text, ANSWERS) is expected


@pytest.mark.parametrize(
    ("text", "current", "expected"),
    [
        (". >= 0 and . <= 120", 34, True),
        (". >= 0 and . <= 120", 121, False),
        (". >= 0 and . <= 120", -1, False),
        (". <= ${age}", 34, True),
        (". < today()", dt.date(2000, 1, 1), True),
        (". < today()", dt.date.today() + dt.timedelta(days=1), False),
        (". >= '2000-01-01'", dt.datetime(2000, 1, 1, 12, 0), True),
        (". <= '2000-01-01'", dt.datetime(2000, 1, 1, 12, 0), True),  # a datetime counts as its date
        ("string-length(.) <= 5", "hello", True),
        ("string-length(.) <= 5", "hello!", False),
        ("count-selected(.) <= 2", ["a", "b", "c"], False),
        ("not(selected(., 'none') and count-selected(.) > 1)", ["none", "a"], False),
        ("not(selected(., 'none') and count-selected(.) > 1)", ["none"], True),
        (". = ''", None, True),
    ],
)
def test_current_value(text, current, expected):
    assert evaluate_bool(text, ANSWERS, current) is expected


def test_evaluate_returns_values():
    assert parse("${age} + 1").evaluate(ANSWERS) == 35
    assert parse("${role}").evaluate(ANSWERS) == "researcher"
    assert parse("${skipped}").evaluate(ANSWERS) == ""
    assert parse(".").evaluate({}, ["a"]) == ["a"]
    assert parse("today()").evaluate({}) == dt.date.today()
    assert math.isnan(parse("1 div 0").evaluate({}))
    assert parse('"it\'s"').evaluate({}) == "it's"


@pytest.mark.parametrize("huge", [math.inf, -math.inf, math.nan, 10**400, -(10**400), "9" * 400])
def test_extreme_answers_evaluate_without_errors(huge):
    values = {"n": huge}
    texts = ("${n} mod 3 = 0", "${n} div ${n} = 1", "${n} * 0 = 0", "-${n} < 0", "string-length(${n}) > 0")
    for text in texts:
        assert isinstance(evaluate_bool(text, values), bool)
    assert evaluate_bool("${n} mod 3 = 0", values) is False


def test_references_and_current_are_reported():
    expression = parse("selected(${a}, 'x') or ${b-2} > . or ${a} = ${c.d}")
    assert expression.references == frozenset({"a", "b-2", "c.d"})
    assert expression.uses_current
    assert not parse("${a} = 1").uses_current
    assert parse("true()").references == frozenset()
    assert parse("'${not_a_reference}' = 'x'").references == frozenset()


def test_parsing_is_cached_and_expressions_are_reusable():
    assert parse("${age} > 3") is parse("${age} > 3")
    expression = parse("${age} > 3")
    assert expression.evaluate_bool({"age": 4}) and not expression.evaluate_bool({"age": 2})


def test_long_flat_chains_do_not_recurse():
    text = "1" + " + 1" * ((MAX_LENGTH - 1) // 4)
    assert len(text) <= MAX_LENGTH
    assert parse(text).evaluate({}) == (MAX_LENGTH - 1) // 4 + 1
    nested = "(" * MAX_DEPTH + "1" + ")" * MAX_DEPTH
    assert parse(nested).evaluate({}) == 1
    siblings = " + ".join(["(((1)))"] * MAX_DEPTH * 2)  # depth is nesting, not a running count
    assert parse(siblings).evaluate({}) == MAX_DEPTH * 2
    assert parse(" + ".join(["not(true())"] * MAX_DEPTH * 2)).evaluate({}) == 0
    assert parse(" + ".join(["- 1"] * MAX_DEPTH * 2)).evaluate({}) == -MAX_DEPTH * 2


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ("", 0, "expected a value"),
        ("${age} >", 8, "found the end of the expression"),
        ("(${age} > 3", 11, "expected ')' to close the '(' at character 1"),
        ("${age", 5, "expected '}' to close '${age'"),
        ("${}", 2, "expected a question name"),
        ("${ age }", 2, "expected a question name"),
        ("$age", 0, "write references as ${name}"),
        ("${age} == 3", 7, "use '=' to compare"),
        ("${a} && ${b}", 5, "use 'and'"),
        ("${a} || ${b}", 5, "use 'or'"),
        ("!${a}", 0, "use not(...)"),
        ("${a} / 2", 5, "divide with 'div'"),
        ("../a = 1", 0, "'..' is not supported"),
        ("'unclosed", 0, "never closed"),
        ("age > 3", 0, "unknown name 'age'; refer to a question as ${age}"),
        ("pulldata('a', 'b', 'c', 'd')", 0, "unknown function 'pulldata()'"),
        ("jr:itext(${a})", 0, "unknown function 'jr:itext()'"),
        ("regex(., '(a+)+$')", 0, "could take too long"),
        ("regex(., '[a-z')", 0, "not valid"),
        ("substr('a')", 0, "substr() takes 2 to 3 arguments, found 1"),
        ("sum()", 0, "sum() takes 1 or more arguments, found 0"),
        ("not ${a}", 4, "expected '(' after 'not'"),
        ("selected(${a})", 0, "selected() takes 2 arguments, found 1"),
        ("count-selected(${a}, 'x')", 0, "count-selected() takes 1 argument, found 2"),
        ("true(1)", 0, "true() takes 0 arguments"),
        ("${a} = 1 AND ${b} = 2", 9, "operators are lower case: 'and'"),
        ("${a} ${b}", 5, "expected an operator or the end of the expression, found '${b}'"),
        ("1 2", 2, "found '2'"),
        ("${a} = 'x' 'y'", 11, "found 'y'"),
        ("and", 0, "expected a value"),
        ("selected(${a}, )", 15, "expected a value"),
        ("${a} # 1", 5, "unexpected character '#'"),
        ("(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1), MAX_DEPTH, "nested more than"),
        ("-" * (MAX_DEPTH + 1) + "1", MAX_DEPTH, "nested more than"),
        ("1" * (MAX_LENGTH + 1), MAX_LENGTH, "longer than"),
    ],
)
def test_errors_name_what_was_expected_and_where(text, position, message):
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert caught.value.position == position
    assert message in caught.value.message
    assert str(caught.value) == f"At character {position + 1}: {caught.value.message}"


def test_error_is_a_value_error_and_survives_pickling():
    with pytest.raises(ValueError):
        parse("(")
    error = pickle.loads(pickle.dumps(ExpressionError("expected x", 3)))
    assert (error.message, error.position) == ("expected x", 3)


@pytest.mark.parametrize("value", [None, 3, b"${a}", ["${a}"]])
def test_non_text_is_an_expression_error(value):
    with pytest.raises(ExpressionError):
        parse(value)


# --- properties -------------------------------------------------------------------------------
# Trees of arithmetic, comparisons and logic are rendered to text (with as few parentheses as
# precedence allows, or more) and evaluated by a plain Python reference of XPath's rules.

LEVEL = {"or": 0, "and": 1, "=": 2, "!=": 2, "<": 3, "<=": 3, ">": 3, ">=": 3,
         "+": 4, "-": 4, "*": 5, "div": 5, "mod": 5}  # fmt: skip
NAMES = ("a", "b", "c", "d")

leaves = st.one_of(
    st.tuples(st.just("num"), st.integers(0, 30)),
    st.tuples(st.just("ref"), st.sampled_from(NAMES)),
)


def extend(children):
    return st.one_of(
        st.tuples(st.sampled_from(sorted(LEVEL)), children, children),
        st.tuples(st.just("neg"), children),
        st.tuples(st.just("not"), children),
    )


trees = st.recursive(leaves, extend, max_leaves=10)
# Mostly and/or/not over comparisons, so that logic precedence is exercised often.
conditions = st.tuples(st.sampled_from(["<", ">", "=", "!="]), leaves, leaves)
logic = st.recursive(
    conditions,
    lambda children: st.one_of(
        st.tuples(st.sampled_from(["and", "or"]), children, children), st.tuples(st.just("not"), children)
    ),
    max_leaves=8,
)
answers = st.fixed_dictionaries({name: st.one_of(st.none(), st.integers(-40, 40)) for name in NAMES})


def level(tree) -> int:
    return LEVEL.get(tree[0], 7 if tree[0] != "neg" else 6)


sometimes = st.integers(0, 3).map(lambda n: n == 0)  # an unneeded pair of parentheses


def render(tree, redundant) -> str:
    kind = tree[0]
    if kind == "num":
        return str(tree[1])
    if kind == "ref":
        return "${" + tree[1] + "}"
    if kind == "not":
        return f"not({render(tree[1], redundant)})"
    if kind == "neg":
        operand = render(tree[1], redundant)
        return f"-({operand})" if level(tree[1]) < 6 or redundant.draw(sometimes) else f"- {operand}"
    left, right = render(tree[1], redundant), render(tree[2], redundant)
    if level(tree[1]) < LEVEL[kind] or redundant.draw(sometimes):
        left = f"({left})"
    if level(tree[2]) <= LEVEL[kind] or redundant.draw(sometimes):
        right = f"({right})"
    return f"{left} {kind} {right}"


def depth(tree) -> int:
    return 1 + max((depth(child) for child in tree[1:] if isinstance(child, tuple)), default=0)


def truthy(value) -> bool:
    if isinstance(value, bool):
        return value
    if value == "":
        return False
    return value != 0 and not math.isnan(value)


def number(value) -> float:
    return math.nan if value == "" else float(value)


def reference(tree, values):
    """XPath 1.0 as ODK applies it, for numbers, booleans and the empty string."""
    kind = tree[0]
    if kind == "num":
        return float(tree[1])
    if kind == "ref":
        value = values[tree[1]]
        return "" if value is None else float(value)
    if kind == "not":
        return not truthy(reference(tree[1], values))
    if kind == "neg":
        return -number(reference(tree[1], values))
    a, b = reference(tree[1], values), reference(tree[2], values)
    if kind == "or":
        return truthy(a) or truthy(b)
    if kind == "and":
        return truthy(a) and truthy(b)
    if kind in ("=", "!="):
        if isinstance(a, bool) or isinstance(b, bool):
            same = truthy(a) == truthy(b)
        elif a == "" or b == "":
            same = a == b
        else:
            same = number(a) == number(b)
        return same if kind == "=" else not same
    x, y = number(a), number(b)
    if kind in ("<", "<=", ">", ">="):
        return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[kind]
    if kind in ("+", "-", "*"):
        return {"+": x + y, "-": x - y, "*": x * y}[kind]
    if y == 0 or math.isnan(y):
        return math.nan
    return x / y if kind == "div" else math.fmod(x, y)


def same(actual, expected) -> bool:
    if isinstance(expected, bool):
        return actual is expected
    if expected == "":
        return actual == ""
    if math.isnan(expected):
        return math.isnan(actual)
    return float(actual) == expected


@FAST
@given(trees, answers, st.data())
def test_rendered_trees_evaluate_like_the_reference(tree, values, data):
    assume(depth(tree) < MAX_DEPTH // 2)
    text = render(tree, data)
    expression = parse(text)
    assert same(expression.evaluate(values), reference(tree, values)), text
    assert expression.evaluate_bool(values) == truthy(reference(tree, values))


@settings(max_examples=300, deadline=None)
@given(logic, st.fixed_dictionaries({name: st.integers(-5, 5) for name in NAMES}), st.data())
def test_logic_precedence_follows_xpath(tree, values, data):
    text = render(tree, data)
    assert evaluate_bool(text, values) == reference(tree, values), text


def names_in(tree) -> set[str]:
    if tree[0] == "ref":
        return {tree[1]}
    if tree[0] == "num":
        return set()
    return set().union(*(names_in(child) for child in tree[1:]))


@FAST
@given(trees, st.data())
def test_references_are_exactly_the_names_written(tree, data):
    assume(depth(tree) < MAX_DEPTH // 2)
    expression = parse(render(tree, data))
    assert expression.references == names_in(tree)
    assert not expression.uses_current


@FAST
@given(trees, answers, st.data())
def test_double_negation_and_de_morgan(tree, values, data):
    assume(depth(tree) < MAX_DEPTH // 2)
    text = render(tree, data)
    plain = evaluate_bool(text, values)
    assert evaluate_bool(f"not(not({text}))", values) == plain
    assert evaluate_bool(f"not({text})", values) != plain
    other = "${a} > 3"
    assert evaluate_bool(f"not(({text}) or {other})", values) == evaluate_bool(f"not({text}) and not({other})", values)


TOKENS = [
    "${a}", "${b}", ".", "'x'", '"y z"', "1", "2.5", ".5", "0", "=", "!=", "<", "<=", ">", ">=",
    "+", "-", "*", "div", "mod", "and", "or", "(", ")", ",", "not", "selected", "count-selected",
    "string-length", "true", "false", "today", "'2020-01-01'", "${", "}", "$", "'", "/", "!",
    "if", "concat", "coalesce", "substr", "regex", "round", "int", "sum", "date", "format-date", "selected-at",
    "'%Y-%m'", "'^[a-z]+$'",
]  # fmt: skip
values_of_any_type = st.dictionaries(
    st.sampled_from(["a", "b"]),
    st.one_of(
        st.none(), st.text(max_size=6), st.lists(st.sampled_from(["x", "y", "z"]), max_size=3),
        st.integers(), st.floats(), st.dates(), st.booleans(),
    ),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_arbitrary_text_raises_only_expression_errors(text):
    try:
        parse(text)
    except ExpressionError as error:
        assert 0 <= error.position <= len(text)


@settings(max_examples=250, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=25), st.sampled_from(["", " "]), values_of_any_type, st.data())
def test_token_soup_parses_or_fails_cleanly_and_never_fails_to_evaluate(tokens, glue, values, data):
    text = glue.join(tokens)
    try:
        expression = parse(text)
    except ExpressionError as error:
        assert 0 <= error.position <= len(text)
        return
    current = data.draw(values_of_any_type.map(lambda v: v.get("a")))
    expression.evaluate(values, current)
    assert isinstance(expression.evaluate_bool(values, current), bool)


@FAST
@given(
    st.lists(st.sampled_from(["a", "b", "c", "other", "none"]), unique=True),
    st.sampled_from(["a", "other", "x"]),
)
def test_selected_and_count_selected_match_the_answer(chosen, choice):
    for answer in (chosen, " ".join(chosen)):
        assert evaluate_bool(f"selected(${{q}}, '{choice}')", {"q": answer}) == (choice in chosen)
        assert parse("count-selected(${q})").evaluate({"q": answer}) == len(chosen)


def as_written(value: int, kind: str):
    return {"int": value, "float": float(value), "text": str(value)}[kind]


@FAST
@given(
    st.integers(-1000, 1000), st.integers(-1000, 1000),
    st.sampled_from(["int", "float", "text"]), st.sampled_from(["int", "float", "text"]),
    st.sampled_from(["=", "!=", "<", "<=", ">", ">="]),
)  # fmt: skip
def test_numbers_compare_as_numbers_however_they_are_stored(a, b, kind_a, kind_b, op):
    expected = {"=": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
    values = {"a": as_written(a, kind_a), "b": as_written(b, kind_b)}
    assert evaluate_bool(f"${{a}} {op} ${{b}}", values) == expected
    assert evaluate_bool(f"${{a}} {op} {b}" if b >= 0 else f"${{a}} {op} -{-b}", values) == expected


@FAST
@given(st.dates(), st.dates(), st.sampled_from(["=", "!=", "<", "<=", ">", ">="]))
def test_dates_compare_with_date_literals(answer, literal, op):
    expected = {
        "=": answer == literal, "!=": answer != literal, "<": answer < literal,
        "<=": answer <= literal, ">": answer > literal, ">=": answer >= literal,
    }[op]  # fmt: skip
    assert evaluate_bool(f"${{d}} {op} '{literal.isoformat()}'", {"d": answer}) == expected
    assert evaluate_bool(f". {op} '{literal.isoformat()}'", {}, answer) == expected


# Neither numbers nor quotes: such answers compare as text.
words = st.text(alphabet=st.characters(blacklist_characters="'0123456789", blacklist_categories=["Cs"]), max_size=20)


@FAST
@given(words, words)
def test_text_literals_match_answers_exactly(literal, answer):
    assert evaluate_bool(f"${{t}} = '{literal}'", {"t": answer}) == (literal == answer)
    assert evaluate_bool(f"${{t}} != '{literal}'", {"t": answer}) == (literal != answer)
    assert parse(f"string-length('{literal}')").evaluate({}) == len(literal)
