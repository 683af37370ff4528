"""Secretariat management of stakeholders and organisations."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import audit, tabular
from core.accounts.access import roles_required
from core.accounts.models import Role, User
from core.db import get_session
from core.i18n import current_language
from core.pagination import Page, requested_page
from core.problem_messages import show_on_form
from core.problems import ValidationFailed, validate
from core.reference.countries import country_name
from core.reference.regions import regional_group_label
from core.staff.tasks import Task
from stakeholders import forms_admin, merging, services
from stakeholders import vocabularies as vocab
from stakeholders.forms_profile import PROFILE_FORM_FIELDS, ProfileForm, fill_form_from_profile, profile_values
from stakeholders.models import Organisation, Participation, Stakeholder
from stakeholders.registry_query import RegistryFilters, Scope, iterate, search
from stakeholders.schemas import OrganisationCreate, ProfileCreate
from stakeholders.views.filters import filter_context

bp = Blueprint("registry_admin", __name__, template_folder="../templates", url_prefix="/staff/registry")
secretariat = roles_required(Role.SECRETARIAT)


# --- stakeholders ------------------------------------------------------------------------


@bp.route("/stakeholders")
@secretariat
def stakeholders():
    filters = RegistryFilters.from_args(request.args)
    rows, total = search(get_session(), filters, Scope.SECRETARIAT)
    return render_template(
        "registry_admin/stakeholders.html",
        filters=filters,
        page=Page(rows, total, filters.page, filters.per_page),
        show_status=True,
        **filter_context("category", "stakeholder_type", "knowledge_system", "gender"),
    )


EXPORT_COLUMNS = (
    "id",
    "name",
    "email",
    "organisation",
    "country",
    "regional_group",
    "category",
    "stakeholder_type",
    "gender",
    "active",
    "public_listing",
)


@bp.route("/stakeholders/export.<any(csv, xlsx):fmt>")
@secretariat
def export_stakeholders(fmt: str):
    session = get_session()
    filters = RegistryFilters.from_args(request.args)
    rows = list(iterate(session, filters, Scope.SECRETARIAT))
    emails = services.account_emails(session, {r.user_id for r in rows if r.user_id})
    locale = current_language()
    public = services.public_flags(session, [r.stakeholder_id for r in rows])
    regions = services.regional_groups(session)
    table = [
        (
            r.stakeholder_id,
            r.name,
            emails.get(r.user_id, ""),
            r.organisation_name or "",
            country_name(r.country, locale) if r.country else "",
            regional_group_label(regions.get(r.country)),
            vocab.CATEGORY.label(r.category),
            vocab.STAKEHOLDER_TYPE.label(r.stakeholder_type),
            vocab.GENDER.label(r.gender),
            r.is_active,
            public.get(r.stakeholder_id, False),
        )
        for r in rows
    ]
    audit.record(
        session,
        "registry.export",
        actor_id=current_user.id,
        target="stakeholders",
        rows=len(table),
        format=fmt,
        filters=filters.as_args(),
    )
    session.commit()
    content, mimetype = tabular.export(fmt, EXPORT_COLUMNS, table, "stakeholders")
    return Response(
        content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="stakeholders.{fmt}"'}
    )


def _stakeholder_or_404(stakeholder_id: int) -> Stakeholder:
    stakeholder = get_session().get(Stakeholder, stakeholder_id)
    if stakeholder is None or stakeholder.erased_at is not None:
        abort(404)
    return stakeholder


@bp.route("/stakeholders/<int:stakeholder_id>", methods=["GET", "POST"])
@secretariat
def stakeholder(stakeholder_id: int):
    session = get_session()
    record = _stakeholder_or_404(stakeholder_id)
    user = session.get(User, record.user_id) if record.user_id else None
    form = ProfileForm()
    form.fill_choices(session, current_language(), include_proposed=record.organisation_id)
    if request.method == "GET":
        form.name.data = user.name if user else ""
        fill_form_from_profile(form, services.profile_of(session, record, user))
    if form.validate_on_submit():
        try:
            profile = validate(ProfileCreate, profile_values(form, form.name.data))
            services.update_stakeholder(session=session, stakeholder=record, profile=profile, actor_id=current_user.id)
        except ValidationFailed as failed:
            show_on_form(form, failed.problems, PROFILE_FORM_FIELDS)
        else:
            flash(_("The profile is saved."), "success")
            return redirect(url_for("registry_admin.stakeholder", stakeholder_id=record.id))
    participation = session.exec(services.select(Participation).where(Participation.stakeholder_id == record.id)).all()
    return render_template(
        "registry_admin/stakeholder.html",
        record=record,
        user=user,
        form=form,
        history=services.consent_history(session, record.id),
        participation=participation,
        merge_form=forms_admin.MergeForm(prefix="merge"),
    )


@bp.route("/stakeholders/<int:stakeholder_id>/status", methods=["POST"])
@secretariat
def stakeholder_status(stakeholder_id: int):
    record = _stakeholder_or_404(stakeholder_id)
    active = request.form.get("active") == "1"
    services.set_stakeholder_active(session=get_session(), stakeholder=record, active=active, actor_id=current_user.id)
    flash(_("The stakeholder is active again.") if active else _("The stakeholder is deactivated."), "success")
    return redirect(url_for("registry_admin.stakeholder", stakeholder_id=record.id))


@bp.route("/stakeholders/<int:stakeholder_id>/merge", methods=["POST"])
@secretariat
def merge_stakeholder(stakeholder_id: int):
    session = get_session()
    keeper = _stakeholder_or_404(stakeholder_id)
    form = forms_admin.MergeForm(prefix="merge")
    duplicate = session.get(Stakeholder, form.duplicate_id.data) if form.validate_on_submit() else None
    if duplicate is None or duplicate.erased_at is not None or duplicate.id == keeper.id:
        flash(_("Give the number of another stakeholder record to merge."), "error")
    else:
        merging.merge_stakeholders(session=session, keeper=keeper, duplicate=duplicate, actor_id=current_user.id)
        flash(_("Record %(number)d was merged into this one.", number=duplicate.id), "success")
    return redirect(url_for("registry_admin.stakeholder", stakeholder_id=keeper.id))


# --- organisations -----------------------------------------------------------------------


@bp.route("/organisations")
@secretariat
def organisations():
    args = {k: request.args.get(k, "").strip() for k in ("q", "status", "org_type", "country")}
    number = requested_page()
    rows, total = services.list_organisations(get_session(), page=number, **args)
    return render_template("registry_admin/organisations.html", args=args, page=Page(rows, total, number, 25))


def staff_tasks(session) -> list[Task]:
    """For the staff landing page: organisations people proposed, waiting for approval."""
    _rows, total = services.list_organisations(session, status="pending", per_page=1)
    return [
        Task(_("Organisations awaiting approval"), total, url_for("registry_admin.organisations", status="pending"))
    ]


@bp.route("/organisations/export.<any(csv, xlsx):fmt>")
@secretariat
def export_organisations(fmt: str):
    session = get_session()
    args = {k: request.args.get(k, "").strip() for k in ("q", "status", "org_type", "country")}
    rows, _total = services.list_organisations(session, page=1, per_page=1_000_000, **args)
    locale = current_language()
    table = [
        (
            o.id,
            o.name,
            o.acronym,
            vocab.ORGANISATION_TYPE.label(o.org_type),
            country_name(o.country, locale) if o.country else "",
            o.website,
            o.status,
            members,
        )
        for o, members in rows
    ]
    content, mimetype = tabular.export(
        fmt, ("id", "name", "acronym", "type", "country", "website", "status", "members"), table, "organisations"
    )
    return Response(
        content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="organisations.{fmt}"'}
    )


def _organisation_form(session, organisation: Organisation | None):
    form = forms_admin.OrganisationForm(obj=organisation if request.method == "GET" else None)
    form.fill_choices(session, current_language())
    if request.method == "GET" and organisation is not None:
        form.country.data = organisation.country or ""
        for language, name in services.organisation_other_names(session, organisation.id).items():
            getattr(form, f"name_{language}").data = name
        form.admissions.data = "\n".join(
            f"{a.plenary_session}, {a.year}" for a in services.organisation_admissions(session, organisation.id)
        )
    return form


def _save_organisation(session, organisation: Organisation | None):
    """The organisation form and, once it is saved, the redirect to the organisation's page."""
    form = _organisation_form(session, organisation)
    if form.validate_on_submit():
        try:
            organisation = services.save_organisation(
                session=session,
                organisation=organisation,
                data=validate(OrganisationCreate, form.values()),
                actor_id=current_user.id,
            )
        except ValidationFailed as failed:
            show_on_form(form, failed.problems, forms_admin.ORGANISATION_FORM_FIELDS)
        else:
            flash(_("The organisation is saved."), "success")
            return form, redirect(url_for("registry_admin.organisation", organisation_id=organisation.id))
    return form, None


@bp.route("/organisations/new", methods=["GET", "POST"])
@secretariat
def new_organisation():
    form, saved = _save_organisation(get_session(), None)
    return saved or render_template("registry_admin/organisation.html", form=form, organisation=None)


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
@secretariat
def organisation(organisation_id: int):
    session = get_session()
    record = session.get(Organisation, organisation_id) or abort(404)
    form, saved = _save_organisation(session, record)
    if saved:
        return saved
    rows, members = search(session, RegistryFilters(organisation_id=record.id, per_page=100), Scope.SECRETARIAT)
    return render_template(
        "registry_admin/organisation.html",
        form=form,
        organisation=record,
        members=rows,
        member_count=members,
        merge_form=forms_admin.MergeForm(prefix="merge"),
        merged_into=session.get(Organisation, record.merged_into_id) if record.merged_into_id else None,
    )


@bp.route("/organisations/<int:organisation_id>/status", methods=["POST"])
@secretariat
def organisation_status(organisation_id: int):
    session = get_session()
    record = session.get(Organisation, organisation_id) or abort(404)
    status = request.form.get("status", "")
    if status not in {"approved", "rejected"} or record.status == "merged":
        abort(400)
    services.set_organisation_status(session=session, organisation=record, status=status, actor_id=current_user.id)
    flash(
        _("%(name)s is approved.", name=record.name)
        if status == "approved"
        else _("%(name)s is rejected.", name=record.name),
        "success",
    )
    return redirect(
        request.form.get("back") == "list"
        and url_for("registry_admin.organisations", status="pending")
        or url_for("registry_admin.organisation", organisation_id=record.id)
    )


@bp.route("/organisations/<int:organisation_id>/merge", methods=["POST"])
@secretariat
def merge_organisation(organisation_id: int):
    session = get_session()
    keeper = session.get(Organisation, organisation_id) or abort(404)
    form = forms_admin.MergeForm(prefix="merge")
    duplicate = session.get(Organisation, form.duplicate_id.data) if form.validate_on_submit() else None
    if duplicate is None or duplicate.id == keeper.id or duplicate.status == "merged" or keeper.status == "merged":
        flash(_("Give the number of another organisation to merge."), "error")
    else:
        merging.merge_organisations(session=session, keeper=keeper, duplicate=duplicate, actor_id=current_user.id)
        flash(_("Organisation %(number)d was merged into this one.", number=duplicate.id), "success")
    return redirect(url_for("registry_admin.organisation", organisation_id=keeper.id))
