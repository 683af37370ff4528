"""The tidy frame: submitted responses of one or several waves as one pandas DataFrame.

This is the only road from the survey tables to `analysis/`: one row per submitted response,
one column (or one group of columns) per question, read in bulk with SQL and pivoted with
pandas (no ORM object per answer), so 100,000 responses x 40 questions stay within seconds.

Columns, in this order:

- `response_id`, `wave_id`, `wave` (name), `year`, `instrument` (code), `version` (number of the
  instrument version the response was given under), `submitted_at` (UTC), `language`,
  `channel` ("invitation", "open_link", or "import" for a response imported from a file of past
  responses), `network` (the open link's network; missing otherwise), then the respondent's
  profile frozen at submission: `regional_group`, `country`, `category`, `gender`,
  `stakeholder_type`. Never read from the live registry, so later profile edits, merges and
  erasure leave past results as they were.
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

import numpy as np
import pandas as pd
from sqlalchemy import String, select, type_coerce
from sqlmodel import Session

from analysis.catalog import CATALOG_COLUMNS
from surveys import shown
from surveys.frame_answers import read_answers
from surveys.frame_catalog import META_COLUMNS, MULTIPLE_SEPARATOR, PROFILE_COLUMNS, CatalogQuestion, build_catalog
from surveys.models import Instrument, InstrumentVersion, OpenLink, Response, Wave

RESPONSE_CHUNK = 100_000  # responses read into arrays at a time
_CATEGORICAL = ("wave", "instrument", "language", "channel", "network", *PROFILE_COLUMNS)


NULLABLE_TEXT = ("list_name", "profile", "other_of", "indicator", "metadata")


def question_catalog(session: Session, wave_ids: Sequence[int]) -> pd.DataFrame:
    """One row per (non-note) question of the versions these waves used, in form order.

    Columns: name, type (as stored: a geopoint is text), form_type (the XLSForm type), list_name, labels
    ({language: text}), choices ({name: {language: text}}), pii, quasi, indicator, profile, other_of, base (of a select_multiple's shares: "answered" or
    "shown"), conditional (behind a `relevant` condition), shown_recorded (every response of its waves
    recorded whether it was shown it, `surveys.shown`), metadata (start, end or today for a variable the
    platform records, else None), versions (version ids holding it), waves
    (wave ids that asked it) and columns (the `responses_frame` columns holding its answers).
    """
    catalog = build_catalog(session.connection(), sorted(set(wave_ids)))
    frame = pd.DataFrame(
        [
            {
                "name": q.name,
                "type": q.type,
                "form_type": q.form_type,
                "list_name": q.list_name,
                "labels": q.labels,
                "choices": {c.name: dict(c.labels) for c in q.choices},
                "pii": q.pii,
                "quasi": q.quasi,
                "indicator": q.indicator,
                "profile": q.profile,
                "other_of": q.other_of,
                "base": q.base,
                "conditional": q.conditional,
                "shown_recorded": q.shown_recorded,
                "metadata": q.metadata,
                "versions": q.versions,
                "waves": q.waves,
                "columns": q.columns,
            }
            for q in catalog
        ],
        columns=list(CATALOG_COLUMNS),
    )
    # pandas 3 stores a text column with gaps as strings and NaN, and NaN is true: a question with no
    # profile field would read as one. Keep the gaps as None.
    for column in NULLABLE_TEXT:
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


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
            response.c.import_id,
            *(response.c[name] for name in PROFILE_COLUMNS),
        )
        .where(response.c.wave_id.in_(wave_ids), response.c.status == "submitted")
        .order_by(response.c.id)
    )
    # A chunk of rows at a time: a million rows as Python tuples of strings take most of a gigabyte, and
    # the small objects they leave behind keep the process that large afterwards.
    parts = [_response_part(rows, waves, versions, networks) for rows in result.partitions(RESPONSE_CHUNK)]
    if len(parts) <= 1:
        return parts[0] if parts else _response_part([], waves, versions, networks)
    frame = pd.concat(parts, ignore_index=True)  # categories that differ between parts come back as text
    for name in _CATEGORICAL:
        frame[name] = frame[name].astype("category")
    return frame


def _response_part(rows, waves: dict, versions: dict, networks: dict) -> pd.DataFrame:
    """The metadata columns of some responses."""
    columns = list(zip(*rows)) if rows else [()] * (7 + len(PROFILE_COLUMNS))
    ids, wave_of, version_of, submitted, language, link_of, import_of = (
        pd.Series(c, dtype=object) for c in columns[:7]
    )
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
            "channel": np.select([link_of.notna(), import_of.notna()], ["open_link", "import"], "invitation"),
            "network": link_of.map(networks),
            **{name: pd.Series(values, dtype=object) for name, values in zip(PROFILE_COLUMNS, columns[7:])},
        }
    )
    for name in _CATEGORICAL:
        frame[name] = frame[name].astype("category")
    return frame


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
    catalog = [q for q in build_catalog(connection, wave_ids) if not q.profile and (include_pii or not q.pii)]
    n = len(meta)
    found = read_answers(connection, wave_ids, catalog, n) if catalog and n else {}
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
    columns.update(shown.frame_columns(connection, wave_ids, catalog, ids))  # who was shown conditional questions
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
