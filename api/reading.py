"""What the API reads about surveys and indicators, through the services the pages use.

Waves and question catalogues come from `surveys.catalogue` and `surveys.frame`; results for a
question are the survey explorer's (`dashboards.pages.explorer`: its selection, weights, intervals
and n); indicators and their tables are the dashboard's pages (`dashboards.pages`), built for the
token owner's scope (`dashboards.scope`), so a focal point's figures are their country's and go
through the one disclosure rule (`presentation.disclosure`) exactly as on the pages.
"""

from __future__ import annotations

import math
from datetime import UTC

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlmodel import Session

from analysis.indicators import GROUPS
from dashboards.callbacks import view_in
from dashboards.components import tables_of
from dashboards.filters import BREAKDOWNS, Filters
from dashboards.pages import explorer, page_for
from dashboards.scope import Scope, scope_of
from dashboards.selection import select
from dashboards.view import builder_for
from exports import opendata_tables
from presentation import disclosure
from presentation.disclosure import SUPPRESSED_MARK
from presentation.model import Table
from stakeholders.participation import participation_summary
from surveys.catalogue import WaveInfo, published_waves
from surveys.frame import question_catalog
from surveys.instruments import published_versions

INTERVAL = "95%"


def iso(moment) -> str | None:
    """A time as ISO 8601 (JSON's `date-time`), in UTC where the database kept no zone."""
    if moment is None:
        return None
    return (moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)).isoformat()


class Refused(Exception):
    """The token's owner may not read this (a 403), or it does not exist (`missing`: a 404)."""

    def __init__(self, missing: bool = False):
        super().__init__("missing" if missing else "forbidden")
        self.missing = missing


# --- waves and their questions --------------------------------------------------------------------


def _wave(info: WaveInfo, codes: dict[int, str]) -> dict:
    return {
        "id": info.id,
        "name": info.name,
        "names": dict(info.names or {}),
        "year": info.year,
        "instrument": info.instrument,
        "instrument_code": codes.get(info.id),
        "opens_at": iso(info.opens_at),
        "closes_at": iso(info.closes_at),
    }


def wave_instruments(session: Session) -> dict[int, str]:
    """wave id -> the code of its instrument, for the published waves."""
    return {wave_id: found.code for found, _version, wave_ids in published_versions(session) for wave_id in wave_ids}


def waves(session: Session) -> list[dict]:
    """Every wave that is not a draft, newest first."""
    codes = wave_instruments(session)
    return [_wave(info, codes) for info in reversed(published_waves(session))]


def _wave_info(session: Session, wave_id: int) -> WaveInfo:
    for info in published_waves(session):
        if info.id == wave_id:
            return info
    raise Refused(missing=True)


def _flag(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and bool(value)


def _text(value) -> str | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def questions(session: Session, wave_id: int) -> list[dict]:
    """The wave's question catalogue, labels and choices in the six languages."""
    _wave_info(session, wave_id)
    catalog = question_catalog(session, [wave_id])
    return [
        {
            "name": row["name"],
            "type": row["type"],
            "labels": dict(row["labels"] or {}),
            "choices": [{"name": name, "labels": dict(labels)} for name, labels in (row["choices"] or {}).items()],
            "personal_data": _flag(row.get("pii")),
            "profile": _flag(row.get("profile")),
            "indicator": _text(row.get("indicator")),
        }
        for row in catalog.to_dict("records")
    ]


# --- what a token's owner may see of the results -------------------------------------------------


def scope_for(session: Session, user) -> Scope:
    """The dashboard's scope of the token's owner: everything for the secretariat, their country for a
    focal point within an active assignment; anyone else is refused."""
    scope = scope_of(session, user)
    if scope is None:
        raise Refused()
    return scope


def _filters(query, scope: Scope, **more) -> Filters:
    return Filters(
        regional_group=query.regional_group,
        country=query.country.upper() if query.country else None,
        category=query.category,
        gender=query.gender,
        knowledge_system=query.knowledge_system,
        **more,
    ).within(scope)


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else round(number, 6)


def results(session: Session, user, wave_id: int, question: str, query) -> dict:
    """The explorer's estimates of one question in one wave: each group's share of each choice (or
    the mean of a number) with its 95 % interval and n, weighted or not, within the filters."""
    scope = scope_for(session, user)
    _wave_info(session, wave_id)
    if query.by == "country" and scope.is_country:
        raise Refused()  # a focal point's view is one country: a breakdown by country would show others
    breakdown = query.by if query.by in BREAKDOWNS else None
    selection = select(session, _filters(query, scope, wave=wave_id, question=question, breakdown=breakdown))
    if selection is None or selection.wave.id != wave_id:
        raise Refused(missing=True)
    wave = explorer.WaveInput(
        selection.wave, selection.data.survey, selection.data.catalog, selection.weighting.get(wave_id)
    )
    found = explorer.questions([wave.catalog])
    if question not in found:
        raise Refused(missing=True)
    result = explorer.results(wave, question, breakdown, query.weighted)
    cells = explorer.estimates(wave, result, question, breakdown) if result is not None else []
    notes = []
    if scope.is_country:
        threshold = disclosure.threshold()
        cells = explorer.confidential(cells, threshold)
        if any(cell.hidden for cell in cells):
            notes.append(disclosure.suppression_note(threshold))
    return {
        "wave_id": wave_id,
        "question": question,
        "type": found[question]["type"],
        "by": breakdown,
        "weighted": bool(query.weighted and explorer.is_weighted(wave, True)),
        "country": scope.country,
        "interval": INTERVAL,
        "items": [
            {
                "group": cell.group,
                "item": cell.item,
                "estimate": None if cell.hidden else _number(cell.estimate),
                "low": None if cell.hidden else _number(cell.low),
                "high": None if cell.hidden else _number(cell.high),
                "n": None if cell.hidden else int(cell.n),
                "small": cell.small,
                "suppressed": cell.hidden,
            }
            for cell in cells
        ],
        "notes": notes,
    }


RESULT_COLUMNS = ("group", "item", "estimate", "low", "high", "n", "small", "suppressed")


def result_rows(found: dict) -> tuple[list[str], list[list]]:
    return list(RESULT_COLUMNS), [[item[column] for column in RESULT_COLUMNS] for item in found["items"]]


# --- indicators ------------------------------------------------------------------------------------


def _page(session: Session, user, query, path: str, lang: str, *, numbers: bool = False):
    """The dashboard page at `path` as the owner sees it; with `numbers`, its tables' formatted numbers
    remember their values (`exports.opendata_tables`), so they pass the page's disclosure rule together."""
    scope = scope_for(session, user)
    if query.wave is not None:
        _wave_info(session, query.wave)
    search = _filters(query, Scope(), wave=query.wave).query()
    with force_locale(lang):
        view = view_in(session, scope, search, lang)
        if view is None:
            raise Refused(missing=True)
        if numbers:
            view.builder = builder_for(view.selection, lang)
            opendata_tables.numbered(view.builder)
        content = page_for(f"/dashboard/{path}").build(view)
    return scope, view, content


def indicators(session: Session, user, query, lang: str) -> dict:
    """The overview's headline cards (one per indicator group), as the dashboard shows them to the owner."""
    scope, view, content = _page(session, user, query, "", lang)
    rule = disclosure.Disclosure(disclosure.threshold()) if scope.is_country else None
    items = []
    for section in content.sections:
        card = section.card
        if card is None:
            continue
        hidden = card.value == SUPPRESSED_MARK and rule is not None
        items.append(
            {
                "group": card.group,
                "code": card.code,
                "title": card.title,
                "measure": card.measure,
                "value": card.value,
                "number": None if hidden else card.number,
                "unit": card.unit,
                "change": None if hidden else card.change_number,
                "year": card.year,
                "status": card.status,
                "n": None if hidden or (rule is not None and rule.small(card.n)) else card.n,
                "suppressed": hidden,
            }
        )
    return {"wave_id": view.selection.wave.id, "country": scope.country, "items": items}


def _table(index: int, table: Table, reason: str | None) -> dict:
    columns, rows = table.data or (table.columns, [row.cells for row in table.rows])
    return {
        "index": index,
        "title": table.title,
        "columns": [str(column) for column in columns],
        "rows": [[str(cell) if isinstance(cell, str) else cell for cell in row] for row in rows],
        "note": table.note,
        "data": _numbers(table, reason),
    }


_HIDDEN = object()  # what `numeric_table` writes for a cell the disclosure rule hid


def _numbers(table: Table, reason: str | None) -> dict:
    """The table's numbers after the disclosure rule (the open-data tables'): numbers as numbers,
    shares from 0 to 1 with their bounds, the row's base n last; a hidden cell is null, named in the
    row's `hidden` with the reason."""
    fields, rows = opendata_tables.numeric_table(table, hidden=_HIDDEN)
    numeric = [field["type"] != "string" for field in fields]
    out = []
    for row in rows:
        if reason is not None:  # the rule ran: a figure column's words it hid (a flag, a label) too
            row = [_HIDDEN if i >= table.text_columns and c == SUPPRESSED_MARK else c for i, c in enumerate(row)]
        hidden = [field["name"] for field, cell in zip(fields, row, strict=True) if cell is _HIDDEN]
        values = [
            None if cell is _HIDDEN or (is_number and cell == "") else cell
            for cell, is_number in zip(row, numeric, strict=True)
        ]
        out.append({"values": values, "hidden": hidden, "reason": reason if hidden else None})
    return {"fields": fields, "rows": out}


def group_tables(session: Session, user, group: str, query, lang: str) -> dict:
    """The tables of an indicator group's dashboard page (each figure's table and the section's own),
    suppressed for a focal point as the page is."""
    if group not in GROUPS:
        raise Refused(missing=True)
    scope, view, content = _page(session, user, query, f"group/{group}", lang, numbers=True)
    notes = [note for section in content.sections for note in section.notes]
    with force_locale(lang):
        reason = None
        if scope.is_country:  # only a focal point's tables go through the disclosure rule
            reason = _("Not shown: it rests on fewer than %(threshold)s people.", threshold=disclosure.threshold())
        items = [_table(index, table, reason) for index, table in enumerate(tables_of(content))]
    return {
        "group": group,
        "wave_id": view.selection.wave.id,
        "country": scope.country,
        "items": items,
        "notes": notes,
    }


# --- participation ---------------------------------------------------------------------------------


def participation(session: Session, user, *, year: int | None, activity_type: str) -> list[dict]:
    """The decision's summary table of participation, for the secretariat: all countries, records
    per year, activity type and role (no page shows it to a focal point, so neither does the API)."""
    if scope_for(session, user).is_country:
        raise Refused()
    return [
        {
            "year": row.year,
            "activity_type": row.activity_type,
            "role": row.role,
            "records": row.count,
            "comments": row.comments,
        }
        for row in participation_summary(session, year=year, activity_type=activity_type)
    ]
