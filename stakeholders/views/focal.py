"""Focal point rosters, regional overview, digests; secretariat assignment of focal points.

A focal point's pages take their country from the signed-in account (`focal_country`) and
nowhere else: no URL carries a country, and country, region or organisation arguments in the
query string are dropped before the registry is queried.
"""

from __future__ import annotations

import functools

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import audit, tabular
from core.accounts.access import focal_point_only, roles_required
from core.accounts.models import Role
from core.collation import sort_key
from core.db import get_session
from core.i18n import current_language, language_name
from core.links import absolute_url
from core.pagination import Page, requested_page
from core.problem_messages import message, show_on_form
from core.problems import ValidationFailed, validate
from core.reference.countries import country_choices, country_name
from core.reference.regions import regional_group_label
from core.timeutil import utcnow
from stakeholders import focal_points, focal_roster
from stakeholders import vocabularies as vocab
from stakeholders.forms_focal import AssignForm, DigestForm, EndAssignmentForm
from stakeholders.models import FocalPointAssignment
from stakeholders.schemas import AssignmentCreate
from stakeholders.views.filters import filter_context

bp = Blueprint("focal", __name__, template_folder="../templates")
secretariat = roles_required(Role.SECRETARIAT)


def _today():
    return utcnow().date()


# --- the focal point's pages ---------------------------------------------------------------


def _breakdown_tables(breakdowns: dict[str, dict[str, int]]) -> list[tuple[str, str, list[tuple[str, int]]]]:
    titles = {"category": _("By category"), "gender": _("By gender"), "knowledge_system": _("By knowledge system")}
    tables = []
    for name, vocabulary in focal_roster.ROSTER_BREAKDOWNS.items():
        counts = breakdowns.get(name, {})
        rows = [(vocabulary.label(code), counts[code]) for code in vocabulary.codes if counts.get(code)]
        rows += [(vocabulary.label(code), n) for code, n in counts.items() if code not in vocabulary.codes and n]
        tables.append((name, titles[name], rows))
    return tables


@bp.route("/focal-point/roster")
@focal_point_only
def roster():
    session = get_session()
    country = current_user.focal_country
    filters = focal_roster.roster_filters(request.args)
    data = focal_roster.roster(session, country=country, filters=filters)
    active = focal_points.active_assignments(session, current_user.id, _today())
    digest_form = DigestForm(digest_opt_in=any(a.digest_opt_in for a in active)) if active else None
    return render_template(
        "focal/roster.html",
        country=country,
        roster=data,
        filters=filters,
        page=Page(data.entries, data.listed, filters.page, filters.per_page),
        tables=_breakdown_tables(data.breakdowns),
        digest_form=digest_form,
        # Memoised for this request (one language): 25 rows repeat the same few labels.
        language_label=functools.cache(lambda code: language_name(code, current_language()) if code else ""),
        country_text=country_name(country, current_language()),
        category_label=functools.cache(vocab.CATEGORY.label),
        communication_label=functools.cache(vocab.COMMUNICATION.label),
        **filter_context("category", "stakeholder_type", "knowledge_system", "gender", places=False),
    )


@bp.route("/focal-point/roster.<any(csv, xlsx):fmt>")
@focal_point_only
def roster_download(fmt: str):
    session = get_session()
    country = current_user.focal_country
    locale = current_language()
    filters = focal_roster.roster_filters(request.args)
    data = focal_roster.roster(session, country=country, filters=filters)
    header = (
        _("Name"),
        _("Organisation"),
        _("Job title"),
        _("Email address"),
        _("Phone"),
        _("Preferred means of communication"),
        _("Preferred language"),
        _("Category"),
        _("Type"),
        _("Gender"),
    )
    table = [
        (
            e.name,
            e.organisation_name,
            e.job_title,
            e.email,
            e.phone,
            "; ".join(vocab.COMMUNICATION.label(c) for c in e.communication),
            language_name(e.preferred_language, locale) if e.preferred_language else "",
            vocab.CATEGORY.label(e.category),
            vocab.STAKEHOLDER_TYPE.label(e.stakeholder_type),
            vocab.GENDER.label(e.gender),
        )
        for e in focal_roster.roster_download(session, country=country, filters=filters)
    ]
    counts = [
        (),
        (_("Counts"), country_name(country, locale)),
        (_("Registered stakeholders in the country"), data.country_total),
        (_("Listed in this file"), len(table)),
        (_("Not consented to share their details (counted, not named)"), data.withheld),
    ]
    for _name, title, rows in _breakdown_tables(data.breakdowns):
        counts += [(title, label, n) for label, n in rows]
    audit.record(
        session,
        "focal_point.roster_download",
        actor_id=current_user.id,
        target=country,
        format=fmt,
        rows=len(table),
        filters=filters.as_args(),
    )
    session.commit()
    content, mimetype = tabular.export(fmt, header, [*table, *counts], "roster")
    return Response(
        content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="roster-{country}.{fmt}"'}
    )


@bp.route("/focal-point/digest", methods=["POST"])
@focal_point_only
def digest():
    form = DigestForm()
    if form.validate_on_submit():
        changed = focal_points.set_digest_opt_in(
            session=get_session(), user=current_user, opt_in=form.digest_opt_in.data, today=_today()
        )
        if changed:
            flash(
                _("You will receive the weekly digest.")
                if form.digest_opt_in.data
                else _("You will no longer receive the weekly digest."),
                "success",
            )
        else:
            flash(_("The weekly digest needs an assignment recorded by the secretariat."), "error")
    return redirect(url_for("focal.roster"))


@bp.route("/focal-point/region")
@focal_point_only
def region():
    session = get_session()
    locale = current_language()
    overview = focal_roster.region_overview(session, country=current_user.focal_country)
    rows = sorted(
        ((country_name(iso2, locale), iso2, n) for iso2, n in overview.counts.items()),
        key=lambda row: sort_key(locale)(row[0]),
    )
    categories = [
        (vocab.CATEGORY.label(code), overview.by_category[code])
        for code in vocab.CATEGORY.codes
        if overview.by_category.get(code)
    ]
    return render_template(
        "focal/region.html",
        overview=overview,
        rows=rows,
        categories=categories,
        group_label=regional_group_label(overview.regional_group),
        own_country=country_name(current_user.focal_country, locale),
    )


# --- the secretariat's pages ---------------------------------------------------------------


@bp.route("/staff/focal-points")
@secretariat
def assignments():
    session = get_session()
    country = request.args.get("country", "").strip().upper()[:2]
    status = request.args.get("status", "")
    status = status if status in focal_points.ASSIGNMENT_STATUS else ""
    number = requested_page()
    rows, total = focal_points.list_assignments(session, today=_today(), country=country, status=status, page=number)
    return render_template(
        "focal/assignments.html",
        page=Page(rows, total, number, 50),
        country=country,
        status=status,
        country_options=country_choices(session, current_language()),
        statuses=[(code, str(label)) for code, label in focal_points.ASSIGNMENT_STATUS.items()],
        kind_label=focal_points.FOCAL_POINT_KIND.label,
        status_label=lambda code: str(focal_points.ASSIGNMENT_STATUS[code]),
        today=_today(),
        country_label=lambda iso2: country_name(iso2, current_language()),
    )


@bp.route("/staff/focal-points/new", methods=["GET", "POST"])
@secretariat
def new_assignment():
    session = get_session()
    form = AssignForm()
    form.fill_choices(session, current_language())
    if request.method == "GET":
        form.start_date.data = _today()
        form.country.data = request.args.get("country", "").upper()[:2]
        form.locale.data = current_app.config["DEFAULT_LANGUAGE"]
    if form.validate_on_submit():
        invitation = focal_points.Invitation(
            sign_in_link=absolute_url("accounts.login"),
            reset_link=absolute_url("accounts.forgot_password"),
            default_locale=current_app.config["DEFAULT_LANGUAGE"],
        )
        try:
            assignment = focal_points.assign(
                session=session,
                data=validate(AssignmentCreate, form.values()),
                actor_id=current_user.id,
                ip=request.remote_addr,
                today=_today(),
                invitation=invitation,
            )
        except ValidationFailed as failed:
            session.rollback()
            show_on_form(form, failed.problems)
        else:
            flash(
                _(
                    "%(email)s is now recorded as a focal point of %(country)s.",
                    email=form.email.data,
                    country=country_name(assignment.country, current_language()),
                ),
                "success",
            )
            return redirect(url_for("focal.assignments", country=assignment.country))
    return render_template("focal/assign.html", form=form)


@bp.route("/staff/focal-points/<int:assignment_id>/end", methods=["POST"])
@secretariat
def end_assignment(assignment_id: int):
    session = get_session()
    assignment = session.get(FocalPointAssignment, assignment_id) or abort(404)
    form = EndAssignmentForm()
    if not form.validate_on_submit():
        flash(_("Give the end date."), "error")
    else:
        try:
            focal_points.end_assignment(
                session=session,
                assignment=assignment,
                end_date=form.end_date.data,
                actor_id=current_user.id,
                ip=request.remote_addr,
                today=_today(),
            )
        except ValidationFailed as failed:
            session.rollback()
            for problem in failed.problems:
                flash(str(message(problem)), "error")
        else:
            flash(_("The end date of the assignment is saved."), "success")
    return redirect(url_for("focal.assignments", country=assignment.country))
