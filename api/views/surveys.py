"""Waves, question catalogues, results, indicators and participation summaries."""

from __future__ import annotations

from flask import g, jsonify

from api import instruments as instrument_reading
from api import reading
from api.blueprint import RESULTS, SURVEYS, TOKEN, bp
from api.http import CSV, JSON, ApiError, csv_response, needs, paginated, representation
from api.schemas import (
    DataTable,
    GroupPath,
    Indicators,
    IndicatorsQuery,
    InstrumentDetail,
    InstrumentPage,
    InstrumentPath,
    InstrumentQuery,
    PageQuery,
    QuestionList,
    QuestionPath,
    Results,
    ResultsQuery,
    Summary,
    SummaryQuery,
    TableList,
    TablePath,
    TableQuery,
    WavePage,
    WavePath,
)
from core.accounts.scopes import READ_PUBLIC, READ_RESULTS
from core.db import get_session
from core.i18n import current_language


def _lang(query) -> str:
    return getattr(query, "lang", None) or current_language()


def _refused(error: reading.Refused) -> ApiError:
    return ApiError(404, "not_found") if error.missing else ApiError(403, "forbidden")


@bp.get("/waves", tags=[SURVEYS], summary="Survey waves", responses={200: WavePage}, security=TOKEN)
@needs(READ_PUBLIC)
def waves(query: PageQuery):
    """Every wave that is not a draft, newest first, with its instrument and its name in each language."""
    representation(JSON)
    found = reading.waves(get_session())
    start = (query.page - 1) * query.per_page
    items = found[start : start + query.per_page]
    return paginated(items, page=query.page, per_page=query.per_page, total=len(found))


@bp.get("/instruments", tags=[SURVEYS], summary="Instruments", responses={200: InstrumentPage}, security=TOKEN)
@needs(READ_PUBLIC)
def instruments(query: PageQuery):
    """Every instrument a published wave uses, with its names and the versions those waves use (their
    titles in each language and their waves); a wave names its instrument's code."""
    representation(JSON)
    found = instrument_reading.instruments(get_session())
    start = (query.page - 1) * query.per_page
    items = found[start : start + query.per_page]
    return paginated(items, page=query.page, per_page=query.per_page, total=len(found))


@bp.get(
    "/instruments/<code>",
    tags=[SURVEYS],
    summary="An instrument's questions and choices",
    responses={200: InstrumentDetail},
    security=TOKEN,
)
@needs(READ_PUBLIC)
def instrument(path: InstrumentPath, query: InstrumentQuery):
    """One instrument as a published wave uses it (`version`, or the latest such): every question in form
    order with its page, type, labels, hints and choices in the six languages; each repeat group with its
    label, its count and the questions answered once per instance."""
    representation(JSON)
    try:
        found = instrument_reading.instrument(get_session(), path.code, query.version)
    except reading.Refused as error:
        raise _refused(error) from None
    return jsonify(found)


@bp.get(
    "/waves/<int:wave_id>/questions",
    tags=[SURVEYS],
    summary="A wave's question catalogue",
    responses={200: QuestionList},
    security=TOKEN,
)
@needs(READ_PUBLIC)
def questions(path: WavePath):
    """Each question of the wave in form order: type, labels and choices in the six languages, and
    whether it is personal data or a profile question."""
    representation(JSON)
    try:
        items = reading.questions(get_session(), path.wave_id)
    except reading.Refused as error:
        raise _refused(error) from None
    return jsonify({"wave_id": path.wave_id, "items": items})


@bp.get(
    "/waves/<int:wave_id>/questions/<name>/results",
    tags=[RESULTS],
    summary="Results for a question, by group",
    responses={200: Results},
    security=TOKEN,
)
@needs(READ_RESULTS)
def results(path: QuestionPath, query: ResultsQuery):
    """The survey explorer's figures: each group's share of each choice (or mean of a number) with its
    95 % interval and n, weighted to the registry or not, within the dashboard's filters. A focal point's
    figures are their country's, and a cell resting on too few respondents stays suppressed."""
    kind = representation(JSON, CSV)
    try:
        found = reading.results(get_session(), g.api_user, path.wave_id, path.name, query)
    except reading.Refused as error:
        raise _refused(error) from None
    if kind == CSV:
        return csv_response(*reading.result_rows(found), f"results-{path.wave_id}-{path.name}")
    return jsonify(found)


@bp.get("/indicators", tags=[RESULTS], summary="Headline indicators", responses={200: Indicators}, security=TOKEN)
@needs(READ_RESULTS)
def indicators(query: IndicatorsQuery):
    """The dashboard overview's headline card of each indicator group for a wave (the latest by default)."""
    representation(JSON)
    try:
        found = reading.indicators(get_session(), g.api_user, query, _lang(query))
    except reading.Refused as error:
        raise _refused(error) from None
    return jsonify(found)


@bp.get(
    "/indicators/<group>/tables",
    tags=[RESULTS],
    summary="An indicator group's tables",
    responses={200: TableList},
    security=TOKEN,
)
@needs(READ_RESULTS)
def indicator_tables(path: GroupPath, query: IndicatorsQuery):
    """Every table of the group's dashboard page, as the page shows it to the token's owner."""
    representation(JSON)
    try:
        found = reading.group_tables(get_session(), g.api_user, path.group, query, _lang(query))
    except reading.Refused as error:
        raise _refused(error) from None
    return jsonify(found)


@bp.get(
    "/indicators/<group>/tables/<int:index>",
    tags=[RESULTS],
    summary="One indicator table (JSON or CSV)",
    responses={200: DataTable},
    security=TOKEN,
)
@needs(READ_RESULTS)
def indicator_table(path: TablePath, query: TableQuery):
    kind = representation(JSON, CSV)
    try:
        found = reading.group_tables(get_session(), g.api_user, path.group, query, _lang(query))
    except reading.Refused as error:
        raise _refused(error) from None
    if path.index >= len(found["items"]):
        raise ApiError(404, "not_found")
    table = found["items"][path.index]
    if kind == CSV:
        return csv_response(table["columns"], table["rows"], f"{path.group}-{path.index}")
    return jsonify(table)


@bp.get(
    "/participation/summary",
    tags=[RESULTS],
    summary="Summary table of participation",
    responses={200: Summary},
    security=TOKEN,
)
@needs(READ_RESULTS)
def participation_summary(query: SummaryQuery):
    """Participation records and review comments per year, activity type and role (the secretariat's)."""
    kind = representation(JSON, CSV)
    try:
        items = reading.participation(get_session(), g.api_user, year=query.year, activity_type=query.activity_type)
    except reading.Refused as error:
        raise _refused(error) from None
    if kind == CSV:
        columns = ["year", "activity_type", "role", "records", "comments"]
        return csv_response(columns, [[item[c] for c in columns] for item in items], "participation-summary")
    return jsonify({"items": items})
