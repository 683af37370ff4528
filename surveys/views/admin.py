"""The secretariat's survey pages: instruments and versions, waves, open links, invitations, monitoring."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_percent, to_user_timezone, to_utc
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlmodel import func, select

from core.accounts.access import roles_required
from core.accounts.models import Role
from core.db import get_session
from core.i18n import current_language
from core.jobs.queue import current_queue
from core.reference.countries import country_name
from core.reference.regions import regional_group_label
from core.staff.tasks import Task
from stakeholders import vocabularies as vocab
from surveys import forms_admin, instruments, invitations, mailing, monitoring, waves
from surveys.definition import label
from surveys.mailing import open_link_url
from surveys.models import Instrument, InstrumentVersion, OpenLink, ReminderSchedule, Wave
from surveys.xlsform.problems import XLSFormError

bp = Blueprint("survey_admin", __name__, template_folder="../templates", url_prefix="/staff/surveys")
secretariat = roles_required(Role.SECRETARIAT)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATE_LABELS = {
    "draft": _l("Draft"),
    "scheduled": _l("Published, not yet open"),
    "open": _l("Open"),
    "closed": _l("Closed"),
}


@bp.context_processor
def _helpers() -> dict:
    return {
        "state_label": lambda code: str(STATE_LABELS.get(code, code)),
        "region_label": lambda code: regional_group_label(code) if code else _("Unknown"),
        "percent": lambda value: format_percent(value, "#,##0.0%") if value is not None else "—",
        "category_name": lambda code: vocab.CATEGORY.label(code) if code else _("Unknown"),
        "country_name_or_unknown": lambda code: country_name(code, current_language()) if code else _("Unknown"),
        "text_in": lambda labels, language: label(labels or {}, language),
    }


def _utc(local: datetime) -> datetime:
    """A time entered in the reader's time zone, as aware UTC."""
    return to_utc(local).replace(tzinfo=UTC)


def _local(moment: datetime) -> datetime:
    """An aware UTC time as the naive local time a datetime-local field shows."""
    return to_user_timezone(moment).replace(tzinfo=None, second=0, microsecond=0)


def _zone_help(*fields) -> None:
    for field in fields:
        field.description = _("In your time zone (%(zone)s).", zone=current_user.timezone or "UTC")


def _wave_or_404(wave_id: int) -> Wave:
    return get_session().get(Wave, wave_id) or abort(404)


# --- instruments ---------------------------------------------------------------------------


@bp.route("/instruments")
@secretariat
def instruments_list():
    session = get_session()
    rows = session.exec(
        select(Instrument, func.count(InstrumentVersion.id), func.max(InstrumentVersion.number))
        .outerjoin(InstrumentVersion, InstrumentVersion.instrument_id == Instrument.id)
        .group_by(Instrument.id)
        .order_by(Instrument.name)
    ).all()
    return render_template("survey_admin/instruments.html", rows=rows)


@bp.route("/instruments/<int:instrument_id>")
@secretariat
def instrument(instrument_id: int):
    session = get_session()
    record = session.get(Instrument, instrument_id) or abort(404)
    versions = session.exec(
        select(InstrumentVersion)
        .where(InstrumentVersion.instrument_id == record.id)
        .order_by(InstrumentVersion.number.desc())
    ).all()
    used = dict(
        session.exec(
            select(Wave.version_id, func.count(Wave.id))
            .where(Wave.instrument_id == record.id)
            .group_by(Wave.version_id)
        ).all()
    )
    return render_template("survey_admin/instrument.html", instrument=record, versions=versions, used=used)


@bp.route("/instruments/upload", methods=["GET", "POST"])
@secretariat
def upload():
    session = get_session()
    form = forms_admin.UploadForm()
    problems = []
    if request.method == "GET" and request.args.get("code"):
        existing = session.exec(select(Instrument).where(Instrument.code == request.args["code"])).first()
        if existing is not None:
            form.code.data, form.name.data = existing.code, existing.name
    if form.validate_on_submit():
        upload_file = form.file.data
        try:
            version, created = instruments.store_version(
                session,
                code=form.code.data,
                name=form.name.data,
                data=upload_file.read(),
                filename=upload_file.filename or "form.xlsx",
                user_id=current_user.id,
            )
        except XLSFormError as error:
            problems = error.problems
        else:
            if created:
                flash(_("Version %(number)s is stored.", number=version.number), "success")
            else:
                flash(
                    _(
                        "This workbook is the same as version %(number)s: nothing new was stored.",
                        number=version.number,
                    ),
                    "info",
                )
            return redirect(url_for("survey_admin.instrument", instrument_id=version.instrument_id))
    status = 422 if problems else 200
    return render_template("survey_admin/upload.html", form=form, problems=problems), status


@bp.route("/versions/<int:version_id>/xlsform")
@secretariat
def download_version(version_id: int):
    session = get_session()
    version = session.get(InstrumentVersion, version_id) or abort(404)
    instrument_record = session.get(Instrument, version.instrument_id)
    filename = f"{instrument_record.code}-v{version.number}.xlsx"
    return Response(
        instruments.xlsform_of(version, original=True),
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --- waves ---------------------------------------------------------------------------------


def staff_tasks(session) -> list[Task]:
    """For the staff landing page: open waves closing within two weeks."""
    count = len(waves.closing_soon(session))
    return [Task(_("Survey waves closing within two weeks"), count, url_for("survey_admin.waves_list"))]


@bp.route("/")
@secretariat
def waves_list():
    return render_template("survey_admin/waves.html", rows=waves.list_waves(get_session()), state=waves.state)


def _wave_form(session, wave: Wave | None):
    form = forms_admin.WaveForm()
    form.fill_choices(session, current_language(), waves.version_choices(session))
    _zone_help(form.opens_at, form.closes_at)
    if request.method == "GET" and wave is not None:
        form.version_id.data, form.name.data, form.year.data = wave.version_id, wave.name, wave.year
        form.opens_at.data, form.closes_at.data = _local(wave.opens_at), _local(wave.closes_at)
        audience = waves.clean_audience(wave.audience)
        form.categories.data, form.regions.data = audience["categories"], audience["regions"]
        form.countries.data = audience["countries"]
        form.allow_editing.data = wave.allow_editing
    return form


def _wave_data(form) -> waves.WaveData:
    return waves.WaveData(
        version_id=form.version_id.data,
        name=form.name.data,
        year=form.year.data,
        opens_at=_utc(form.opens_at.data),
        closes_at=_utc(form.closes_at.data),
        audience=form.audience(),
        allow_editing=form.allow_editing.data,
    )


@bp.route("/waves/new", methods=["GET", "POST"])
@secretariat
def new_wave():
    session = get_session()
    form = _wave_form(session, None)
    if not form.version_id.choices:
        flash(_("Upload an instrument first."), "info")
        return redirect(url_for("survey_admin.upload"))
    if request.method == "GET":
        form.year.data = datetime.now(UTC).year
    if form.validate_on_submit():
        try:
            wave = waves.create_wave(session, data=_wave_data(form), actor_id=current_user.id)
        except waves.WaveError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("The wave is created as a draft."), "success")
            return redirect(url_for("survey_admin.wave", wave_id=wave.id))
    return render_template("survey_admin/wave_form.html", form=form, wave=None)


@bp.route("/waves/<int:wave_id>/edit", methods=["GET", "POST"])
@secretariat
def edit_wave(wave_id: int):
    session = get_session()
    record = _wave_or_404(wave_id)
    form = _wave_form(session, record)
    if form.validate_on_submit():
        try:
            waves.update_wave(session, wave=record, data=_wave_data(form), actor_id=current_user.id)
        except waves.WaveError as error:
            session.rollback()
            form.form_errors.append(str(error))
        else:
            flash(_("The wave is saved."), "success")
            return redirect(url_for("survey_admin.wave", wave_id=record.id))
    return render_template("survey_admin/wave_form.html", form=form, wave=record)


@bp.route("/waves/<int:wave_id>")
@secretariat
def wave(wave_id: int):
    session = get_session()
    record = _wave_or_404(wave_id)
    version = session.get(InstrumentVersion, record.version_id)
    link_form = forms_admin.OpenLinkForm()
    reminder_form = forms_admin.ReminderForm()
    _zone_help(reminder_form.send_at)
    return render_template(
        "survey_admin/wave.html",
        wave=record,
        version=version,
        instrument=session.get(Instrument, record.instrument_id),
        state=waves.state(record),
        audience=waves.clean_audience(record.audience),
        audience_size=waves.audience_size(session, record),
        links=waves.open_links(session, record),
        link_url=open_link_url,
        summary=invitations.invitation_summary(session, record),
        reminders=invitations.reminders(session, record),
        link_form=link_form,
        reminder_form=reminder_form,
        previous=session.get(Wave, record.previous_wave_id) if record.previous_wave_id else None,
    )


def _act(action, wave_id: int, success: str):
    record = _wave_or_404(wave_id)
    try:
        action(get_session(), wave=record, actor_id=current_user.id)
    except waves.WaveError as error:
        flash(str(error), "error")
    else:
        flash(success, "success")
    return redirect(url_for("survey_admin.wave", wave_id=record.id))


@bp.route("/waves/<int:wave_id>/publish", methods=["POST"])
@secretariat
def publish_wave(wave_id: int):
    return _act(waves.publish_wave, wave_id, _("The wave is published."))


@bp.route("/waves/<int:wave_id>/close", methods=["POST"])
@secretariat
def close_wave(wave_id: int):
    return _act(waves.close_wave, wave_id, _("The wave is closed."))


@bp.route("/waves/<int:wave_id>/next", methods=["POST"])
@secretariat
def next_wave(wave_id: int):
    session = get_session()
    previous = _wave_or_404(wave_id)
    try:
        created = waves.create_next_wave(session, previous, actor_id=current_user.id)
    except waves.WaveError as error:
        session.rollback()
        flash(str(error), "error")
        return redirect(url_for("survey_admin.wave", wave_id=previous.id))
    flash(
        _(
            "%(name)s is created as a draft from %(previous)s. Check its dates and audience, then publish it.",
            name=created.name,
            previous=previous.name,
        ),
        "success",
    )
    return redirect(url_for("survey_admin.wave", wave_id=created.id))


# --- open links ----------------------------------------------------------------------------


@bp.route("/waves/<int:wave_id>/links", methods=["POST"])
@secretariat
def add_open_link(wave_id: int):
    session = get_session()
    record = _wave_or_404(wave_id)
    form = forms_admin.OpenLinkForm()
    if not form.validate_on_submit():
        flash(_("Name the network or partner that will share the link."), "error")
    else:
        try:
            link = waves.create_open_link(session, wave=record, network=form.network.data, actor_id=current_user.id)
        except waves.WaveError as error:
            session.rollback()
            flash(str(error), "error")
        else:
            flash(_("A link for %(network)s is ready to share.", network=link.network), "success")
    return redirect(url_for("survey_admin.wave", wave_id=record.id) + "#open-links")


@bp.route("/links/<int:link_id>/active", methods=["POST"])
@secretariat
def open_link_active(link_id: int):
    session = get_session()
    link = session.get(OpenLink, link_id) or abort(404)
    active = request.form.get("active") == "1"
    waves.set_open_link_active(session, link=link, active=active, actor_id=current_user.id)
    flash(
        _("The link for %(network)s works again.", network=link.network)
        if active
        else _("The link for %(network)s no longer works.", network=link.network),
        "success",
    )
    return redirect(url_for("survey_admin.wave", wave_id=link.wave_id) + "#open-links")


# --- invitations and reminders ----------------------------------------------------------------


@bp.route("/waves/<int:wave_id>/invitations", methods=["POST"])
@secretariat
def send_invitations(wave_id: int):
    """Queue the invitations as a background job and show its progress (surveys.mailing)."""
    session = get_session()
    record = _wave_or_404(wave_id)
    try:
        job = mailing.enqueue_invitations(
            session,
            wave=record,
            owner_id=current_user.id,
            locale=current_language(),
            queue=current_queue(),
            ip=request.remote_addr,
        )
    except waves.WaveError as error:
        flash(str(error), "error")
        return redirect(url_for("survey_admin.wave", wave_id=record.id) + "#invitations")
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.route("/waves/<int:wave_id>/reminders", methods=["POST"])
@secretariat
def schedule_reminder(wave_id: int):
    session = get_session()
    record = _wave_or_404(wave_id)
    form = forms_admin.ReminderForm()
    if not form.validate_on_submit():
        flash(_("Give the date and time to send the reminder."), "error")
    else:
        try:
            invitations.schedule_reminder(
                session, wave=record, send_at=_utc(form.send_at.data), actor_id=current_user.id
            )
        except waves.WaveError as error:
            session.rollback()
            flash(str(error), "error")
        else:
            flash(_("The reminder is scheduled."), "success")
    return redirect(url_for("survey_admin.wave", wave_id=record.id) + "#invitations")


@bp.route("/reminders/<int:reminder_id>/cancel", methods=["POST"])
@secretariat
def cancel_reminder(reminder_id: int):
    session = get_session()
    reminder = session.get(ReminderSchedule, reminder_id) or abort(404)
    wave_id = reminder.wave_id
    try:
        invitations.cancel_reminder(session, reminder=reminder, actor_id=current_user.id)
    except waves.WaveError as error:
        flash(str(error), "error")
    else:
        flash(_("The reminder is cancelled."), "success")
    return redirect(url_for("survey_admin.wave", wave_id=wave_id) + "#invitations")


# --- monitoring ----------------------------------------------------------------------------


@bp.route("/waves/<int:wave_id>/monitoring")
@secretariat
def monitoring_page(wave_id: int):
    session = get_session()
    record = _wave_or_404(wave_id)
    return render_template(
        "survey_admin/monitoring.html",
        wave=record,
        state=waves.state(record),
        rates=monitoring.response_rates(session, record),
        networks=monitoring.open_link_responses(session, record),
        dropoff=monitoring.drop_off(session, record),
        language=current_language(),
    )
