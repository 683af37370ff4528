"""The tidy frame: submitted responses of one or several waves as one pandas DataFrame.

This is the only road from the survey tables to `analysis/`: one row per submitted response,
one column (or one group of columns) per question, read in bulk with SQL and pivoted with
pandas (no ORM object per answer), so 100,000 responses x 40 questions stay within seconds.

Columns, in this order:

- `response_id`, `wave_id`, `wave` (name), `year`, `instrument` (code), `version` (number of the
  instrument version the response was given under), `submitted_at` (UTC), `language`,
  `channel` ("invitation" or "open_link"), `network` (the open link's network; missing for
  invitations), then the respondent's profile frozen at submission: `regional_group`,
  `country`, `category`, `gender`, `stakeholder_type`. Never read from the live registry, so
  later profile edits, merges and erasure leave past results as they were.
- One column per question, named as the question and matched across instrument versions (and
  instruments) by name. `select_one` -> category of choice names; `integer` -> nullable
  Int64; `decimal` -> float; `date` -> datetime64; `text` -> string.
- `select_multiple` question `q` -> one column `q__<choice>` per choice (the union of every
  version's choices, in list order): 1.0 selected, 0.0 answered without that choice, NaN not
  answered (not in the respondent's version, skipped by skip logic, or left empty). The mean of
  a column is the share of those who answered who chose it; `question_catalog` tells which waves
  asked a question, so "not asked" can be told from "skipped".

`note` questions have no column. Profile questions (asked only of open-link respondents) feed
the frozen profile columns instead of columns of their own. A question named like one of the
metadata columns gets the suffix `_answer`. When a question's type changed between versions
the newest version's type wins; older values that do not fit it become missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import Integer, String, Text, case, cast, func, literal, literal_column, select, true, type_coerce
from sqlmodel import Session

from surveys.definition import Choice, Definition, Question
from surveys.models import Answer, Instrument, InstrumentVersion, OpenLink, Response, Wave

META_COLUMNS = (
    "response_id",
    "wave_id",
    "wave",
    "year",
    "instrument",
    "version",
    "submitted_at",
    "language",
    "channel",
    "network",
    "regional_group",
    "country",
    "category",
    "gender",
    "stakeholder_type",
)
PROFILE_COLUMNS = ("regional_group", "country", "category", "gender", "stakeholder_type")
MULTIPLE_SEPARATOR = "__"  # `<question>__<choice>`
_CATEGORICAL = ("wave", "instrument", "language", "channel", "network", *PROFILE_COLUMNS)


@dataclass
class CatalogQuestion:
    """A question as the frame sees it, merged across the versions present."""

    name: str
    type: str
    list_name: str | None
    labels: dict
    choices: tuple[Choice, ...] = ()
    pii: bool = False
    quasi: bool = False
    indicator: str | None = None
    profile: str | None = None
    other_of: str | None = None
    versions: tuple[int, ...] = ()  # instrument version ids that contain it
    waves: tuple[int, ...] = ()  # waves where it was asked (a version holding it was used)
    columns: tuple[str, ...] = ()  # the frame columns holding its answers
    _asked: set = field(default_factory=set, repr=False)

    def choice_names(self) -> list[str]:
        return [choice.name for choice in self.choices]


_definitions: dict[str, Definition] = {}


def _definition(content_hash: str, data: dict) -> Definition:
    if content_hash not in _definitions:
        _definitions[content_hash] = Definition.from_dict(data)
    return _definitions[content_hash]


def _versions_present(connection, wave_ids: list[int]) -> list[tuple[int, int, Definition, set[int]]]:
    """(version id, number, definition, wave ids) of every version used by these waves, newest first."""
    response, wave, version = Response.__table__, Wave.__table__, InstrumentVersion.__table__
    pairs = set(connection.execute(select(wave.c.id, wave.c.version_id).where(wave.c.id.in_(wave_ids))).all())
    pairs |= set(
        connection.execute(
            select(response.c.wave_id, response.c.version_id)
            .distinct()
            .where(response.c.wave_id.in_(wave_ids), response.c.status == "submitted")
        ).all()
    )
    waves_of: dict[int, set[int]] = {}
    for wave_id, version_id in pairs:
        waves_of.setdefault(version_id, set()).add(wave_id)
    if not waves_of:
        return []
    rows = connection.execute(
        select(version.c.id, version.c.number, version.c.content_hash, version.c.definition)
        .where(version.c.id.in_(list(waves_of)))
        .order_by(version.c.created_at.desc(), version.c.id.desc())
    ).all()
    return [(row.id, row.number, _definition(row.content_hash, row.definition), waves_of[row.id]) for row in rows]


def _merge_choices(current: tuple[Choice, ...], extra: tuple[Choice, ...]) -> tuple[Choice, ...]:
    known = {choice.name for choice in current}
    return current + tuple(choice for choice in extra if choice.name not in known)


def _catalog(connection, wave_ids: list[int]) -> list[CatalogQuestion]:
    """Questions of every version present, newest definition first; a question only older versions
    have is placed after the question that precedes it there."""
    order: list[str] = []
    entries: dict[str, CatalogQuestion] = {}
    for version_id, _number, definition, waves in _versions_present(connection, wave_ids):
        previous = None
        for question in definition.questions():
            if question.type == "note":
                continue
            entry = entries.get(question.name)
            choices = tuple(definition.choices.get(question.list_name, ())) if question.list_name else ()
            if entry is None:
                entry = entries[question.name] = _entry(question, choices)
                order.insert(0 if previous is None else order.index(previous) + 1, question.name)
            elif entry.type == question.type and entry.list_name:
                entry.choices = _merge_choices(entry.choices, choices)
            entry.versions += (version_id,)
            entry._asked |= waves
            previous = question.name
    catalog = [entries[name] for name in order]
    for entry in catalog:
        entry.waves = tuple(sorted(entry._asked))
        entry.columns = _columns_of(entry)
    return catalog


def _entry(question: Question, choices: tuple[Choice, ...]) -> CatalogQuestion:
    return CatalogQuestion(
        name=question.name,
        type=question.type,
        list_name=question.list_name,
        labels=dict(question.labels),
        choices=choices,
        pii=question.pii,
        quasi=question.quasi,
        indicator=question.indicator,
        profile=question.profile,
        other_of=question.other_of,
    )


def _columns_of(entry: CatalogQuestion) -> tuple[str, ...]:
    if entry.profile:
        return (entry.profile,)
    if entry.type == "select_multiple":
        return tuple(f"{entry.name}{MULTIPLE_SEPARATOR}{choice}" for choice in entry.choice_names())
    return (f"{entry.name}_answer" if entry.name in META_COLUMNS else entry.name,)


def question_catalog(session: Session, wave_ids: Sequence[int]) -> pd.DataFrame:
    """One row per (non-note) question of the versions these waves used, in form order.

    Columns: name, type, list_name, labels ({language: text}), choices ({name: {language: text}}),
    pii, quasi, indicator, profile, other_of, versions (version ids holding it), waves (wave ids
    that asked it) and columns (the `responses_frame` columns holding its answers).
    """
    catalog = _catalog(session.connection(), sorted(set(wave_ids)))
    return pd.DataFrame(
        [
            {
                "name": q.name,
                "type": q.type,
                "list_name": q.list_name,
                "labels": q.labels,
                "choices": {c.name: dict(c.labels) for c in q.choices},
                "pii": q.pii,
                "quasi": q.quasi,
                "indicator": q.indicator,
                "profile": q.profile,
                "other_of": q.other_of,
                "versions": q.versions,
                "waves": q.waves,
                "columns": q.columns,
            }
            for q in catalog
        ],
        columns=[
            "name",
            "type",
            "list_name",
            "labels",
            "choices",
            "pii",
            "quasi",
            "indicator",
            "profile",
            "other_of",
            "versions",
            "waves",
            "columns",
        ],
    )


def _read_responses(connection, wave_ids: list[int]) -> pd.DataFrame:
    """The metadata columns. Per-wave and per-link values are looked up once, not joined per row."""
    response, wave, link = Response.__table__, Wave.__table__, OpenLink.__table__
    instrument, version = Instrument.__table__, InstrumentVersion.__table__
    waves = {
        row.id: row
        for row in connection.execute(select(wave.c.id, wave.c.name, wave.c.year).where(wave.c.id.in_(wave_ids)))
    }
    versions = {
        row.id: row
        for row in connection.execute(
            select(version.c.id, version.c.number, instrument.c.code)
            .join(instrument, instrument.c.id == version.c.instrument_id)
            .where(version.c.id.in_(select(response.c.version_id).where(response.c.wave_id.in_(wave_ids))))
        )
    }
    networks = dict(connection.execute(select(link.c.id, link.c.network).where(link.c.wave_id.in_(wave_ids))).all())
    # The timestamp as the driver gives it (text on SQLite): pandas parses a column at once.
    result = connection.execute(
        select(
            response.c.id,
            response.c.wave_id,
            response.c.version_id,
            type_coerce(response.c.submitted_at, String),
            response.c.language,
            response.c.open_link_id,
            *(response.c[name] for name in PROFILE_COLUMNS),
        )
        .where(response.c.wave_id.in_(wave_ids), response.c.status == "submitted")
        .order_by(response.c.id)
    )
    rows = result.all()
    columns = list(zip(*rows)) if rows else [()] * (6 + len(PROFILE_COLUMNS))
    ids, wave_of, version_of, submitted, language, link_of = (pd.Series(c, dtype=object) for c in columns[:6])
    frame = pd.DataFrame(
        {
            "response_id": ids.astype(np.int64),
            "wave_id": wave_of.astype(np.int64),
            "wave": wave_of.map({w: row.name for w, row in waves.items()}),
            "year": wave_of.map({w: row.year for w, row in waves.items()}).astype(np.int64),
            "instrument": version_of.map({v: row.code for v, row in versions.items()}),
            "version": version_of.map({v: row.number for v, row in versions.items()}).astype(np.int64),
            "submitted_at": pd.to_datetime(submitted, utc=True, format="ISO8601"),
            "language": language,
            "channel": np.where(link_of.isna(), "invitation", "open_link"),
            "network": link_of.map(networks),
            **{name: pd.Series(values, dtype=object) for name, values in zip(PROFILE_COLUMNS, columns[6:])},
        }
    )
    for name in _CATEGORICAL:
        frame[name] = frame[name].astype("category")
    return frame


_BITS = 52  # choices a select_multiple can have and still travel as one bit mask in a float


def _answers_wanted(connection, wave_ids: list[int], responses: int):
    """Which answer rows to read: those of the waves' submitted responses, or, when these are most
    of all submitted responses, every row (a straight scan beats an index probe per response, and
    rows of other responses are dropped when the frame places answers)."""
    answer, response = Answer.__table__, Response.__table__
    everything = connection.execute(
        select(func.count()).select_from(response).where(response.c.status == "submitted")
    ).scalar_one()
    if responses >= 0.6 * everything:
        return true()
    return answer.c.response_id.in_(
        select(response.c.id).where(response.c.wave_id.in_(wave_ids), response.c.status == "submitted")
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
        e.name for e in catalog if e.type == "text" or (e.type == "select_multiple" and len(e.choices) > _BITS)
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


def _read_answers(connection, wave_ids: list[int], catalog: list[CatalogQuestion], responses: int):
    """Per question name: (response ids, values), values as `_numeric_answers` or `_text_answers` give them."""
    names = [entry.name for entry in catalog]
    index_of = {name: index for index, name in enumerate(names)}
    wide = [e for e in catalog if e.type == "select_multiple" and len(e.choices) > _BITS]
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


def _select_one(n, positions, codes, entry: CatalogQuestion):
    categories = entry.choice_names()
    full = np.full(n, -1, dtype=np.int32)
    full[positions] = codes.astype(np.int32)
    return pd.Categorical.from_codes(full, categories=categories)


def _select_multiple(n, positions, values, entry: CatalogQuestion) -> dict[str, np.ndarray]:
    """0/1 per choice for those who answered, NaN for the others. `values` are bit masks, or the
    space-separated choice names of a list too long for a mask."""
    matrix = np.full((n, len(entry.choices)), np.nan)
    matrix[positions, :] = 0.0
    if values.dtype != object:
        masks = values.astype(np.int64)
        for bit in range(len(entry.choices)):
            matrix[positions, bit] = (masks >> bit) & 1
    else:
        split = [value.split() for value in values]
        lengths = np.fromiter((len(items) for items in split), dtype=np.int64, count=len(split))
        choice_codes = pd.Index(entry.choice_names()).get_indexer([item for items in split for item in items])
        rows = np.repeat(positions, lengths)
        known = choice_codes >= 0  # a choice no version lists (bad data) is ignored
        matrix[rows[known], choice_codes[known]] = 1.0
    return {column: matrix[:, i] for i, column in enumerate(entry.columns)}


def _integer(n, positions, numbers):
    values = np.zeros(n, dtype=np.int64)
    mask = np.ones(n, dtype=bool)
    ok = ~np.isnan(numbers)
    values[positions[ok]] = np.rint(numbers[ok]).astype(np.int64)
    mask[positions[ok]] = False
    return pd.arrays.IntegerArray(values, mask)


def _decimal(n, positions, numbers):
    values = np.full(n, np.nan)
    values[positions] = numbers
    return values


def _date(n, positions, days):
    values = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    values[positions] = days.astype(np.int64).astype("datetime64[D]")
    return values


def _text(n, positions, texts):
    values = np.full(n, None, dtype=object)
    values[positions] = texts
    return pd.array(values, dtype="string")


def responses_frame(session: Session, wave_ids: Sequence[int], *, include_pii: bool = True) -> pd.DataFrame:
    """Submitted responses of `wave_ids` as a tidy DataFrame (see the module docstring).

    `include_pii=False` leaves out the questions marked `pii` (names, email addresses...), as
    aggregate analysis and anonymised exports should.
    """
    wave_ids = sorted({int(w) for w in wave_ids})
    connection = session.connection()
    meta = _read_responses(connection, wave_ids)
    catalog = [q for q in _catalog(connection, wave_ids) if not q.profile and (include_pii or not q.pii)]
    n = len(meta)
    found = _read_answers(connection, wave_ids, catalog, n) if catalog and n else {}
    ids = pd.Index(meta["response_id"].to_numpy())
    columns: dict[str, object] = {}
    for entry in catalog:
        rids, values = found.get(
            entry.name, (np.empty(0, np.int64), np.empty(0, object if entry.type == "text" else np.float64))
        )
        at = ids.get_indexer(rids)
        if len(at) and at.min() < 0:  # answers of responses outside the frame (after a full scan)
            inside = at >= 0
            at, values = at[inside], values[inside]
        if values.dtype != object:  # NaN: a value the question's type could not read
            known = ~np.isnan(values)
            at, values = at[known], values[known]
        if entry.type == "select_multiple":
            columns.update(_select_multiple(n, at, values, entry))
        elif entry.type == "select_one":
            columns[entry.columns[0]] = _select_one(n, at, values, entry)
        elif entry.type == "integer":
            columns[entry.columns[0]] = _integer(n, at, values.astype(np.float64))
        elif entry.type == "decimal":
            columns[entry.columns[0]] = _decimal(n, at, values.astype(np.float64))
        elif entry.type == "date":
            columns[entry.columns[0]] = _date(n, at, values)
        else:
            columns[entry.columns[0]] = _text(n, at, values)
    if not columns:
        return meta
    return pd.concat([meta, pd.DataFrame(columns, index=meta.index)], axis=1)


__all__ = [
    "META_COLUMNS",
    "PROFILE_COLUMNS",
    "MULTIPLE_SEPARATOR",
    "CatalogQuestion",
    "responses_frame",
    "question_catalog",
]
