"""The secretariat's engagement records: an overview, a list per kind, create and edit forms, moderation."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.accounts.access import roles_required
from core.accounts.models import Role, User
from core.db import get_session
from core.i18n import current_language
from core.pagination import Page, requested_page
from core.problem_messages import show_on_form
from core.problems import ValidationFailed, validate
from core.staff.tasks import Task
from engagement import forms, services
from engagement.models import Concern, ImpactRecord
from engagement.views import template_helpers
from stakeholders.models import Stakeholder
from stakeholders.participation import stakeholder_by_email

bp = Blueprint("engagement_records", __name__, template_folder="../templates", url_prefix="/staff/records")
bp.context_processor(template_helpers)
secretariat = roles_required(Role.SECRETARIAT)

PER_PAGE = 25
KINDS = "any(evidence, barrier_actions, impacts, concerns, calls)"
FORMS = {
    "evidence": forms.EvidenceForm,
    "barrier_actions": forms.BarrierActionForm,
    "impacts": forms.ImpactForm,
    "concerns": forms.ConcernForm,
    "calls": forms.CallForm,
}
FILTER_LABELS = {
    "evidence_kind": _l("Kind of evidence"),
    "barrier": _l("Barrier"),
    "status": _l("Status"),
    "type": _l("Type of impact"),
    "channel": _l("Channel"),
    "deliverable": _l("Assessment or deliverable"),
}


def staff_tasks(session) -> list[Task]:
    """For the staff landing page: concerns not yet answered and impact reports not yet moderated."""
    concerns = services.list_records(session, services.RECORD_TYPES["concerns"], filters={"status": "open"}, per_page=1)
    impacts = services.list_records(session, services.IMPACTS, filters={"status": "pending"}, per_page=1)
    return [
        Task(
            _("Concerns awaiting an answer"),
            concerns[1],
            url_for("engagement_records.records", kind="concerns", status="open"),
        ),
        Task(
            _("Impact reports awaiting moderation"),
            impacts[1],
            url_for("engagement_records.records", kind="impacts", status="pending"),
        ),
    ]


@bp.route("")
@secretariat
def overview():
    session = get_session()
    counts = {
        name: services.list_records(session, record_type, filters={}, per_page=1)[1]
        for name, record_type in services.RECORD_TYPES.items()
    }
    pending = services.list_records(session, services.IMPACTS, filters={"status": "pending"}, per_page=1)[1]
    return render_template(
        "engagement/overview.html",
        record_types=services.RECORD_TYPES,
        counts=counts,
        pending=pending,
        completeness=services.evidence_completeness(session),
    )


@bp.route(f"/<{KINDS}:kind>")
@secretariat
def records(kind: str):
    session = get_session()
    record_type = services.RECORD_TYPES[kind]
    args = {name: request.args.get(name, "") for name in record_type.filters}
    args = {name: value if value in record_type.filters[name][1].codes else "" for name, value in args.items()}
    number = requested_page()
    rows, total = services.list_records(session, record_type, filters=args, page=number, per_page=PER_PAGE)
    raised_by = services.stakeholder_names(session, {r.raised_by_id for r in rows if getattr(r, "raised_by_id", None)})
    return render_template(
        f"engagement/list_{kind}.html",
        kind=kind,
        record_type=record_type,
        args=args,
        filters={name: vocabulary for name, (_column, vocabulary) in record_type.filters.items()},
        filter_labels=FILTER_LABELS,
        page=Page(rows, total, number, PER_PAGE),
        raised_by=raised_by,
        moderate_form=forms.ModerateForm() if kind == "impacts" else None,
    )


@bp.route(f"/<{KINDS}:kind>/new", methods=["GET", "POST"])
@secretariat
def new(kind: str):
    return _record_form(kind, None)


@bp.route(f"/<{KINDS}:kind>/<int:record_id>/edit", methods=["GET", "POST"])
@secretariat
def edit(kind: str, record_id: int):
    record = get_session().get(services.RECORD_TYPES[kind].model, record_id) or abort(404)
    return _record_form(kind, record)


def _record_form(kind: str, record):
    session = get_session()
    record_type = services.RECORD_TYPES[kind]
    form = FORMS[kind]()
    form.fill_choices(session, current_language())
    if record is not None and request.method == "GET":
        form.fill_from(record_type.values_of(record))
        if kind == "concerns":
            form.raised_by_email.data = _raiser_email(session, record)
    if form.validate_on_submit() and (values := _values(session, form, kind)) is not None:
        try:
            data = validate(record_type.create, values)
            saved = services.save_record(
                session=session, record_type=record_type, record=record, data=data, actor_id=current_user.id
            )
        except ValidationFailed as failed:
            show_on_form(form, failed.problems, {"raised_by_id": "raised_by_email"})
        else:
            flash(_("The record is saved (number %(id)s).", id=saved.id), "success")
            return redirect(url_for("engagement_records.records", kind=kind))
    return render_template("engagement/record_form.html", form=form, kind=kind, record_type=record_type, record=record)


def _raiser_email(session, concern: Concern) -> str:
    if concern.raised_by_id is None:
        return ""
    stakeholder = session.get(Stakeholder, concern.raised_by_id)
    user = session.get(User, stakeholder.user_id) if stakeholder and stakeholder.user_id else None
    return user.email if user else ""


def _values(session, form, kind: str) -> dict | None:
    """The form's values by model field, a concern's stakeholder found by email; None (with the
    error on the form) when no stakeholder has the address given."""
    values = form.values()
    if kind == "concerns":
        email = form.raised_by_email.data
        stakeholder = stakeholder_by_email(session, email) if email else None
        if email and stakeholder is None:
            form.raised_by_email.errors = [
                *form.raised_by_email.errors,
                _("No stakeholder profile uses this email address."),
            ]
            return None
        values["raised_by_id"] = stakeholder.id if stakeholder else None
    return values


@bp.route("/impacts/<int:record_id>/moderate", methods=["POST"])
@secretariat
def moderate(record_id: int):
    session = get_session()
    record = session.get(ImpactRecord, record_id) or abort(404)
    form = forms.ModerateForm()
    if not form.validate_on_submit() or not (form.publish.data or form.reject.data):
        abort(400)
    decision = "published" if form.publish.data else "rejected"
    services.moderate_impact(session=session, record=record, decision=decision, actor_id=current_user.id)
    flash(
        _("The impact record is published.") if decision == "published" else _("The impact record is rejected."),
        "success",
    )
    return redirect(url_for("engagement_records.records", kind="impacts", status="pending"))
