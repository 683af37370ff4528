"""Engagement activities and participation records; a stakeholder's own history."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.access import roles_required
from core.accounts.models import Role
from core.db import get_session
from core.i18n import current_language
from core.pagination import Page, requested_page
from core.problem_messages import show_on_form
from core.problems import ValidationFailed, validate
from stakeholders import participation as service
from stakeholders import self_service, services
from stakeholders import vocabularies as vocab
from stakeholders.forms_participation import ActivityForm, ParticipationForm
from stakeholders.models import Activity, Participation
from stakeholders.schemas import ActivityCreate, ParticipationCreate

bp = Blueprint("participation", __name__, template_folder="../templates")
secretariat = roles_required(Role.SECRETARIAT)

ACTIVITIES_PER_PAGE = 25
RECORDS_PER_PAGE = 100


def _activity_or_404(activity_id: int) -> Activity:
    return get_session().get(Activity, activity_id) or abort(404)


# Where a participation record's problems go on the form.
PARTICIPATION_FORM_FIELDS = {
    "party": ("email", "organisation"),
    "stakeholder": ("email",),
    "organisation_id": "organisation",
}


# --- activities --------------------------------------------------------------------------


@bp.route("/staff/activities")
@secretariat
def activities():
    session = get_session()
    args = {
        "type": request.args.get("type", "") if request.args.get("type", "") in vocab.ACTIVITY_TYPE.codes else "",
        "year": request.args.get("year", "") if request.args.get("year", "").isdigit() else "",
        "sort": request.args.get("sort", "-date") if request.args.get("sort") in service.SORTS else "-date",
    }
    number = requested_page()
    rows, total = service.list_activities(
        session,
        activity_type=args["type"],
        year=int(args["year"]) if args["year"] else None,
        sort=args["sort"],
        page=number,
        per_page=ACTIVITIES_PER_PAGE,
    )
    return render_template(
        "participation/activities.html",
        args=args,
        years=service.activity_years(session),
        activity_types=vocab.ACTIVITY_TYPE.choices(),
        page=Page(rows, total, number, ACTIVITIES_PER_PAGE),
    )


@bp.route("/staff/activities/new", methods=["GET", "POST"])
@secretariat
def new_activity():
    return _activity_form(None)


@bp.route("/staff/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@secretariat
def edit_activity(activity_id: int):
    return _activity_form(_activity_or_404(activity_id))


def _activity_form(activity: Activity | None):
    """The form of a new (None) or an existing activity; once saved, the activity's page."""
    form = ActivityForm()
    form.fill_choices()
    if activity is not None and request.method == "GET":
        form.fill_from(service.activity_values(activity))
    if form.validate_on_submit():
        try:
            data = validate(ActivityCreate, form.values())
            saved = service.save_activity(session=get_session(), activity=activity, data=data, actor_id=current_user.id)
        except ValidationFailed as failed:
            show_on_form(form, failed.problems)
        else:
            flash(_("The activity is saved."), "success")
            return redirect(url_for("participation.activity", activity_id=saved.id))
    return render_template("participation/activity_form.html", form=form, activity=activity)


@bp.route("/staff/activities/<int:activity_id>", methods=["GET", "POST"])
@secretariat
def activity(activity_id: int):
    """The activity, its participation records, and the form that links a party to it."""
    session = get_session()
    record = _activity_or_404(activity_id)
    form = ParticipationForm()
    form.fill_choices(session, current_language())
    if form.validate_on_submit() and _link(session, record, form):
        return redirect(url_for("participation.activity", activity_id=record.id))
    role = request.args.get("role", "") if request.args.get("role", "") in vocab.PARTICIPATION_ROLE.codes else ""
    number = requested_page()
    rows, total = service.activity_participation(
        session, record.id, language=current_language(), role=role, page=number, per_page=RECORDS_PER_PAGE
    )
    return render_template(
        "participation/activity.html",
        activity=record,
        form=form,
        role=role,
        totals=service.role_totals(session, record.id),
        page=Page(rows, total, number, RECORDS_PER_PAGE),
    )


def _link(session, activity: Activity, form: ParticipationForm) -> bool:
    """Save the submitted record; False (with the problems on the form) when it cannot be saved."""
    email = (form.email.data or "").strip()
    organisation_id = form.organisation_id()
    stakeholder_id = None
    if email:
        stakeholder = service.stakeholder_by_email(session, email)
        if stakeholder is None:
            form.email.errors = [*form.email.errors, _("No stakeholder profile uses this email address.")]
            if organisation_id is not None:
                form.organisation.errors = [
                    *form.organisation.errors,
                    _("Give either a stakeholder or an organisation, not both."),
                ]
            return False
        stakeholder_id = stakeholder.id
    values = {
        "activity_id": activity.id,
        "stakeholder_id": stakeholder_id,
        "organisation_id": organisation_id,
        "role": form.role.data,
        "comments": form.comments.data,
    }
    try:
        data = validate(ParticipationCreate, values)
        _record, created = service.add_participation(session=session, data=data, actor_id=current_user.id)
    except ValidationFailed as failed:
        show_on_form(form, failed.problems, PARTICIPATION_FORM_FIELDS)
        return False
    flash(
        _("The participation is recorded.")
        if created
        else _("This party already had this role: the record is updated."),
        "success",
    )
    return True


@bp.route("/staff/activities/<int:activity_id>/participation/<int:participation_id>/remove", methods=["POST"])
@secretariat
def remove(activity_id: int, participation_id: int):
    session = get_session()
    record = session.get(Participation, participation_id)
    if record is None or record.activity_id != activity_id:
        abort(404)
    service.remove_participation(session=session, record=record, actor_id=current_user.id)
    flash(_("The participation record is removed."), "success")
    return redirect(url_for("participation.activity", activity_id=activity_id))


# --- a stakeholder's own history ---------------------------------------------------------


@bp.route("/account/participation")
def mine():
    """The signed-in person's own records; nothing here selects anyone else."""
    session = get_session()
    stakeholder = services.stakeholder_for_user(session, current_user.id)
    rows = service.history(session, stakeholder.id) if stakeholder is not None else []
    sections = self_service.history_sections(session, stakeholder.id, current_language()) if stakeholder else []
    return render_template("participation/mine.html", has_profile=stakeholder is not None, rows=rows, sections=sections)
