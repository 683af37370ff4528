"""Reading the answers of many responses at once, for the frame: per question, (response ids, values).

The database turns answers into numbers (or joins texts) and aggregates them into a few strings
that numpy parses in C: no Python object per answer.
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
from sqlalchemy import Integer, Text, and_, case, cast, func, literal, literal_column, select

from surveys.frame_catalog import CatalogQuestion
from surveys.models import Answer, Response

BITS = 52  # choices a select_multiple can have and still travel as one bit mask in a float


def _answers_wanted(connection, wave_ids: list[int], responses: int):
    """Which answer rows to read: those outside any repeat (instance 0: a repeat's question may share
    its name with a top-level question of another version) of the waves' submitted responses, or, when
    these are most of all submitted responses, of every response (a straight scan beats an index probe
    per response, and rows of other responses are dropped when the frame places answers)."""
    answer, response = Answer.__table__, Response.__table__
    everything = connection.execute(
        select(func.count()).select_from(response).where(response.c.status == "submitted")
    ).scalar_one()
    outside_repeats = answer.c.instance == 0
    if responses >= 0.6 * everything:
        return outside_repeats
    return and_(
        outside_repeats,
        answer.c.response_id.in_(
            select(response.c.id).where(response.c.wave_id.in_(wave_ids), response.c.status == "submitted")
        ),
    )


def _aggregate(connection, expression, separator: str = ","):
    if connection.dialect.name == "postgresql":
        return func.string_agg(cast(expression, Text), separator)
    return func.group_concat(expression, separator)


def _tree(connection, column, names: list[str], leaf, width: int = 4):
    """CASE column WHEN name THEN leaf(name) ... ELSE -1, as a binary search on sorted names:
    a handful of comparisons per row instead of one per name (the query's main cost)."""
    if len(names) <= width:
        return case({name: leaf(name) for name in names}, value=column, else_=-1)
    middle = len(names) // 2
    # Python sorts by code point; SQLite's BINARY and PostgreSQL's "C" collation compare the same way.
    compared = column.collate("C") if connection.dialect.name == "postgresql" else column
    return case(
        (compared < names[middle], _tree(connection, column, names[:middle], leaf, width)),
        else_=_tree(connection, column, names[middle:], leaf, width),
    )


def _choice_mask(connection, text_value, choices: list[str]):
    """Bit mask of the choices a space-separated answer holds."""
    find = func.strpos if connection.dialect.name == "postgresql" else func.instr
    # A choice inside another's name ("learning", "e_learning") needs the word boundaries spelled out.
    nested = any(a != b and a in b for a in choices for b in choices)
    haystack = literal(" ") + text_value + literal(" ") if nested else text_value
    terms = [
        case((find(haystack, f" {choice} " if nested else choice) > 0, 2**bit), else_=0)
        for bit, choice in enumerate(choices)
    ]
    return sum(terms[1:], terms[0]) if terms else literal(0)


def _numeric_answers(connection, wanted, catalog: list[CatalogQuestion], index_of: dict[str, int]):
    """Every coded, numeric and date answer as three aligned arrays: question index, response id, value.

    Building a Python tuple per answer costs far more than the query at millions of rows, so the
    database turns each answer into a number and aggregates the lot into three strings that numpy
    parses in C (the aggregates run over the same rows in the same order, so they line up):
    select_one -> index of the choice in the question's list (-1 unknown); select_multiple ->
    bit mask of its choices; integer, decimal -> the number; date -> days since 1970-01-01;
    NaN when the value is missing; question index -1 for questions without a column here.
    """
    empty = np.empty(0, np.int32), np.empty(0, np.int64), np.empty(0)
    if not catalog:
        return empty
    answer = Answer.__table__
    question, text_value = answer.c.question, answer.c.value_text
    postgresql = connection.dialect.name == "postgresql"
    if postgresql:
        days = answer.c.value_date - literal_column("DATE '1970-01-01'")
    else:
        days = cast(func.julianday(answer.c.value_date) - 2440587.5, Integer)
    entries = {entry.name: entry for entry in catalog}

    def value_of(name: str):
        entry = entries[name]
        if entry.type == "select_one":
            choices = entry.choice_names()
            return _tree(connection, text_value, sorted(choices), choices.index) if choices else literal(-1)
        if entry.type == "select_multiple":
            return _choice_mask(connection, text_value, entry.choice_names())
        if entry.type == "date":
            return days
        return answer.c.value_number

    names = sorted(entries)
    missing = literal_column("CAST('NaN' AS DOUBLE PRECISION)") if postgresql else literal("nan")
    row = connection.execute(
        select(
            _aggregate(connection, _tree(connection, question, names, index_of.__getitem__)),
            _aggregate(connection, answer.c.response_id),
            _aggregate(connection, func.coalesce(_tree(connection, question, names, value_of), missing)),
        ).where(wanted)
    ).one()
    if row[0] is None:
        return empty
    return (
        np.fromstring(row[0], dtype=np.int32, sep=","),
        np.fromstring(row[1], dtype=np.int64, sep=","),
        np.fromstring(row[2], dtype=np.float64, sep=","),
    )


_UNIT = "\x1f"  # ASCII unit separator: between aggregated texts (checked, since text may hold anything)


def _text_answers(connection, wanted, catalog: list[CatalogQuestion], index_of: dict[str, int]):
    """Free text (and select_multiple too long for a bit mask), aggregated like the numbers with a
    separator no typed answer should hold; if one does, the pieces do not add up and the rows are
    read one by one instead."""
    names = sorted(
        e.name for e in catalog if e.type == "text" or (e.type == "select_multiple" and len(e.choices) > BITS)
    )
    empty = np.empty(0, np.int32), np.empty(0, np.int64), np.empty(0, object)
    if not names:
        return empty
    answer = Answer.__table__
    where = (wanted, answer.c.question.in_(names), answer.c.value_text.is_not(None))
    row = connection.execute(
        select(
            _aggregate(connection, _tree(connection, answer.c.question, names, index_of.__getitem__)),
            _aggregate(connection, answer.c.response_id),
            _aggregate(connection, answer.c.value_text, _UNIT),
        ).where(*where)
    ).one()
    if row[0] is None:
        return empty
    codes = np.fromstring(row[0], dtype=np.int32, sep=",")
    texts = row[2].split(_UNIT)
    if len(texts) == len(codes):
        return codes, np.fromstring(row[1], dtype=np.int64, sep=","), np.asarray(texts, dtype=object)
    rows = connection.execute(select(answer.c.question, answer.c.response_id, answer.c.value_text).where(*where)).all()
    questions, rids, texts = zip(*rows)
    return (
        np.fromiter((index_of[q] for q in questions), dtype=np.int32, count=len(questions)),
        np.asarray(rids, dtype=np.int64),
        np.asarray(texts, dtype=object),
    )


@contextmanager
def _without_jit(connection):
    """PostgreSQL would JIT-compile the large CASE expressions for every call, which costs more than
    it saves on one pass; switched off for these queries only, then restored."""
    if connection.dialect.name != "postgresql":
        yield
        return
    before = connection.exec_driver_sql("SELECT current_setting('jit')").scalar_one()
    connection.exec_driver_sql("SET LOCAL jit = off")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"SET LOCAL jit = {'on' if before == 'on' else 'off'}")


def read_answers(connection, wave_ids: list[int], catalog: list[CatalogQuestion], responses: int):
    """Per question name: (response ids, values), values as `_numeric_answers` or `_text_answers` give them."""
    names = [entry.name for entry in catalog]
    index_of = {name: index for index, name in enumerate(names)}
    wide = [e for e in catalog if e.type == "select_multiple" and len(e.choices) > BITS]
    narrow = [e for e in catalog if e not in wide and e.type != "text"]
    found: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    wanted = _answers_wanted(connection, wave_ids, responses)
    with _without_jit(connection):
        read = (
            _numeric_answers(connection, wanted, narrow, index_of),
            _text_answers(connection, wanted, catalog, index_of),
        )
    for codes, rids, values in read:
        order = np.argsort(codes.astype(np.int16), kind="stable")  # a radix sort on 16-bit codes
        bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
        for index, name in enumerate(names):
            if bounds[index + 1] > bounds[index]:
                picked = order[bounds[index] : bounds[index + 1]]
                found[name] = (rids[picked], values[picked])
    return found
