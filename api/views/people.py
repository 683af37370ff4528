"""Open data (the public register and focal points), a focal point's country, and releases."""

from __future__ import annotations

import io

from flask import g, jsonify, request, send_file, url_for

from api import people
from api.blueprint import FOCAL, OPEN, OPEN_DATA, RELEASES, TOKEN, bp
from api.http import CSV, JSON, ApiError, csv_response, csv_stream, needs, page_links, paginated, representation
from api.reading import Refused
from api.schemas import (
    CountTables,
    FocalPointList,
    FocalTablesQuery,
    Job,
    JobPath,
    PageQuery,
    RegisterPage,
    RegistryQuery,
    Release,
    ReleasePage,
    ReleasePath,
    ReleaseRequest,
    RosterPage,
    RosterQuery,
)
from core.accounts.scopes import READ_RELEASES, READ_ROSTER
from core.db import get_session
from core.i18n import current_language
from exports.service import ExportError


def _refused(error: Refused) -> ApiError:
    return ApiError(404, "not_found") if error.missing else ApiError(403, "forbidden")


# --- open data -------------------------------------------------------------------------------------


@bp.get("/registry", tags=[OPEN_DATA], summary="The public register", responses={200: RegisterPage}, security=OPEN)
@needs(None)
def registry(query: RegistryQuery):
    """Stakeholders who agreed to be listed (name, organisation, country, category); no token needed."""
    representation(JSON)
    items, filters, total = people.register(get_session(), query, query.lang or current_language())
    return paginated(items, page=filters.page, per_page=filters.per_page, total=total)


@bp.get("/focal-points", tags=[OPEN_DATA], summary="The public list of focal points", responses={200: FocalPointList})
@needs(None)
def focal_points():
    """The national focal points serving today, by country (name, primary or alternate, ministry)."""
    representation(JSON)
    return jsonify({"items": people.public_focal_points(get_session(), current_language())})


# --- a focal point's country -----------------------------------------------------------------------


@bp.get(
    "/focal-point/roster", tags=[FOCAL], summary="Your country's roster", responses={200: RosterPage}, security=TOKEN
)
@needs(READ_ROSTER)
def roster(query: RosterQuery):
    """The stakeholders of the focal point's own country who agreed to share their details, with how many
    did not (counted, not named): a page at a time in JSON; the whole roster the filters match in CSV
    (`page` and `per_page` do not apply to it; streamed, and audit-logged as the page's download)."""
    kind = representation(JSON, CSV)
    try:
        if kind == CSV:
            country, rows = people.whole_roster(get_session(), g.api_user, query, request.remote_addr)
            return csv_stream(people.ROSTER_COLUMNS, rows, f"roster-{country}")
        found, filters = people.roster(get_session(), g.api_user, query)
    except Refused as error:
        raise _refused(error) from None
    links = page_links(filters.page, filters.per_page, found["total"])
    response = jsonify(found | {"page": filters.page, "per_page": filters.per_page, "links": links})
    response.headers["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items() if rel != "self")
    return response


@bp.get(
    "/focal-point/tables", tags=[FOCAL], summary="Your country's tables", responses={200: CountTables}, security=TOKEN
)
@needs(READ_ROSTER)
def focal_tables(query: FocalTablesQuery):
    """Counts of the country's respondents by answer and group for each closed question of a wave,
    with small counts suppressed (JSON or CSV)."""
    kind = representation(JSON, CSV)
    try:
        found = people.focal_tables(get_session(), g.api_user, query, query.lang or current_language())
    except Refused as error:
        raise _refused(error) from None
    if kind == CSV:
        return csv_response(found["columns"], [*found["rows"], [], [found["note"]]], f"tables-{found['country']}")
    return jsonify(found)


# --- anonymised releases ---------------------------------------------------------------------------


def _download_link(release_id: int) -> str:
    return url_for("api.release_download", release_id=release_id, _external=True)


@bp.get("/releases", tags=[RELEASES], summary="Anonymised releases", responses={200: ReleasePage}, security=TOKEN)
@needs(READ_RELEASES)
def releases(query: PageQuery):
    representation(JSON)
    try:
        found = people.releases(get_session(), g.api_user, _download_link)
    except Refused as error:
        raise _refused(error) from None
    start = (query.page - 1) * query.per_page
    return paginated(found[start : start + query.per_page], page=query.page, per_page=query.per_page, total=len(found))


@bp.post("/releases", tags=[RELEASES], summary="Request a release", responses={202: Job, 200: Job}, security=TOKEN)
@needs(READ_RELEASES)
def request_release(body: ReleaseRequest):
    """Queue an anonymised release as a background job (a release already made is returned as it is);
    follow the job's link until it is done, then its release's download link."""
    representation(JSON)
    session = get_session()
    try:
        job = people.request_release(session, g.api_user, body, locale=current_language(), ip=request.remote_addr)
    except Refused as error:
        raise _refused(error) from None
    except ExportError as error:
        raise ApiError(400, "release_refused", str(error)) from None
    response = jsonify(_job(*people.job(session, g.api_user, job.id)))
    response.status_code = 202
    response.headers["Location"] = url_for("api.release_job", job_id=job.id, _external=True)
    return response


def _job(job, release_id: int | None) -> dict:
    return {
        "id": job.id,
        "state": job.state,
        "done": job.done,
        "total": job.total,
        "error": job.error,
        "release": url_for("api.release", release_id=release_id, _external=True) if release_id else None,
        "link": url_for("api.release_job", job_id=job.id, _external=True),
    }


@bp.get("/jobs/<int:job_id>", tags=[RELEASES], summary="A release job", responses={200: Job}, security=TOKEN)
@needs(READ_RELEASES)
def release_job(path: JobPath):
    representation(JSON)
    try:
        return jsonify(_job(*people.job(get_session(), g.api_user, path.job_id)))
    except Refused as error:
        raise _refused(error) from None


@bp.get("/releases/<int:release_id>", tags=[RELEASES], summary="A release", responses={200: Release}, security=TOKEN)
@needs(READ_RELEASES)
def release(path: ReleasePath):
    representation(JSON)
    try:
        return jsonify(people.release(get_session(), g.api_user, path.release_id, _download_link))
    except Refused as error:
        raise _refused(error) from None


@bp.get(
    "/releases/<int:release_id>/download",
    tags=[RELEASES],
    summary="Download a release (zip)",
    responses={200: {"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}},
    security=TOKEN,
)
@needs(READ_RELEASES)
def release_download(path: ReleasePath):
    try:
        found = people.download(get_session(), g.api_user, path.release_id, request.remote_addr)
    except Refused as error:
        raise _refused(error) from None
    response = send_file(
        io.BytesIO(found.content), mimetype="application/zip", as_attachment=True, download_name=found.filename
    )
    # Microdata, even anonymised, should not linger in a shared proxy or browser cache.
    response.headers["Cache-Control"] = "no-store"
    return response
