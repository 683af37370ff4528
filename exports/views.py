"""The export pages: anonymised releases for the secretariat, aggregate tables for focal points.

Asking for a release queues a background job (exports.jobs) and shows the job's page, whose result is
the zip. A release is served only through these views and the job's, to the secretariat; never from
`static/`. A focal point's tables take the country from the signed-in account (`focal_country`)
and nowhere else: no URL or parameter names a country.
"""

from __future__ import annotations

import io

from flask import Blueprint, Response, abort, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select
from werkzeug.datastructures import MultiDict

from core import audit, tabular
from core.accounts import services as accounts
from core.accounts.access import focal_point_only, public, roles_required
from core.accounts.models import Role
from core.db import get_session
from core.i18n import current_language, language_name
from core.jobs import service as jobs
from core.jobs.queue import current_queue
from core.reference.countries import country_name
from exports import aggregates, opendata, service
from exports.forms import FORMAT_NAMES, ExportForm, TablesForm
from exports.jobs import RELEASE_KIND
from exports.params import ReleaseParams
from presentation.labels import Labeller
from surveys.models import Wave

bp = Blueprint("exports", __name__, template_folder="templates")
secretariat = roles_required(Role.SECRETARIAT)

ZIP_MIMETYPE = "application/zip"


# --- anonymised releases (secretariat) -----------------------------------------------------


@bp.route("/exports/anonymised", methods=["GET", "POST"])
@secretariat
def anonymised():
    session = get_session()
    locale = current_language()
    form = ExportForm()
    form.fill_choices(service.exportable_waves(session), locale)
    if request.method == "GET":
        form.lang.data = locale
    if form.validate_on_submit():
        params = ReleaseParams(
            wave_ids=tuple(form.waves.data),
            format=form.format.data,
            lang=form.lang.data,
            k=form.k.data,
            free_text=form.free_text.data,
            link_waves=form.link_waves.data,
        )
        try:
            service.check_params(session, params)
        except service.ExportError as error:
            session.rollback()
            form.form_errors.append(str(error))
        else:
            job = jobs.enqueue(
                session,
                kind=RELEASE_KIND,
                owner_id=current_user.id,
                params=params.as_dict(),
                locale=locale,
                queue=current_queue(),
                ip=request.remote_addr,
            )
            return redirect(url_for("jobs.show", job_id=job.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("exports/anonymised.html", form=form, releases=_release_rows(session, locale)), status


@bp.route("/exports/anonymised/<int:release_id>.zip")
@secretariat
def anonymised_download(release_id: int):
    session = get_session()
    release = service.get_release(session, release_id) or abort(404)
    audit.record(
        session,
        "exports.release_download",
        actor_id=current_user.id,
        target=f"release:{release.id}",
        ip=request.remote_addr,
        waves=list(release.wave_ids),
        rows=release.rows,
    )
    session.commit()
    return _zip(release)


def _zip(release) -> Response:
    response = send_file(
        io.BytesIO(release.content),
        mimetype=ZIP_MIMETYPE,
        as_attachment=True,
        download_name=release.filename,
        max_age=0,
    )
    # Microdata, even anonymised, should not linger in a shared proxy or browser cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def _release_rows(session, locale: str) -> list[dict]:
    releases = service.list_releases(session)
    wave_ids = {wave_id for release in releases for wave_id in release.wave_ids}
    names = dict(session.exec(select(Wave.id, Wave.name).where(Wave.id.in_(wave_ids))).all()) if wave_ids else {}
    actors = accounts.actor_emails(session, {r.created_by for r in releases if r.created_by})
    rows = []
    for release in releases:
        params = release.params or {}
        rows.append(
            {
                "release": release,
                "waves": [names.get(wave_id, str(wave_id)) for wave_id in release.wave_ids],
                "format": FORMAT_NAMES.get(params.get("format"), params.get("format", "")),
                "language": language_name(params["lang"], locale) if params.get("lang") else "",
                "k": params.get("k"),
                "free_text": params.get("free_text", False),
                "link_waves": params.get("link_waves", False),
                "kilobytes": release.size / 1024,
                "by": actors.get(release.created_by, "") if release.created_by else _("command line"),
            }
        )
    return rows


# --- aggregate tables (focal points) -------------------------------------------------------


def _tables_form(session) -> tuple[TablesForm, list[Wave]]:
    """The wave and breakdown asked for in the query string; the newest wave by category by default."""
    waves = aggregates.table_waves(session)
    asked = MultiDict({"wave": str(waves[0].id) if waves else "", "breakdown": aggregates.BREAKDOWNS[0]})
    for name in ("wave", "breakdown"):
        if request.args.get(name):
            asked[name] = request.args[name]
    labeller = Labeller(current_language())
    form = TablesForm(formdata=asked)
    form.wave.choices = [(wave.id, wave.name) for wave in waves]
    form.breakdown.choices = [(name, labeller.dimension(name)) for name in aggregates.BREAKDOWNS]
    return form, waves


@bp.route("/focal-point/tables")
@focal_point_only
def focal_tables():
    session = get_session()
    locale = current_language()
    country = current_user.focal_country
    form, waves = _tables_form(session)
    valid = bool(waves) and form.validate()
    tables = (
        aggregates.country_tables(session, form.wave.data, country, form.breakdown.data, locale, aggregates.threshold())
        if valid
        else []
    )
    return render_template(
        "exports/focal_tables.html",
        form=form,
        waves=waves,
        valid=valid,
        tables=tables,
        note=aggregates.suppression_note(aggregates.threshold()),
        mark=aggregates.SUPPRESSED_MARK,
        country_text=country_name(country, locale),
        download_args={"wave": form.wave.data, "breakdown": form.breakdown.data},
    ), 200 if valid or not waves else 400


@bp.route("/focal-point/tables.<any(csv, xlsx):fmt>")
@focal_point_only
def focal_tables_download(fmt: str):
    session = get_session()
    locale = current_language()
    country = current_user.focal_country
    form, waves = _tables_form(session)
    if not waves or not form.validate():
        abort(404)
    threshold = aggregates.threshold()
    tables = aggregates.country_tables(session, form.wave.data, country, form.breakdown.data, locale, threshold)
    header, rows = aggregates.download_rows(tables, locale, threshold)
    audit.record(
        session,
        "focal_point.tables_download",
        actor_id=current_user.id,
        target=country,
        ip=request.remote_addr,
        wave=form.wave.data,
        breakdown=form.breakdown.data,
        format=fmt,
        tables=len(tables),
    )
    session.commit()
    content, mimetype = tabular.export(fmt, header, rows, "tables")
    filename = f"tables-{country}-wave{form.wave.data}-{form.breakdown.data}.{fmt}"
    return Response(content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# --- open data (everyone) ----------------------------------------------------------------


@bp.route("/open-data/register.zip")
@public
def open_register():
    lang = current_language()
    content = opendata.cached_register(get_session(), lang)
    return _open_data_zip(content, f"ipbes-public-register-{lang}.zip")


@bp.route("/open-data/indicators.zip")
@public
def open_indicators():
    lang = current_language()
    content = opendata.cached_indicators(get_session(), lang)
    return _open_data_zip(content, f"ipbes-engagement-indicators-{lang}.zip")


def _open_data_zip(content: bytes, name: str):
    return send_file(io.BytesIO(content), mimetype=ZIP_MIMETYPE, as_attachment=True, download_name=name)
