"""Public register, organisation pages and the public list of focal points.

Open to everyone. Who appears is decided by `Scope.PUBLIC` (consent to listing, active,
organisation approved); nothing here ever reads an email address or a phone number.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l

from core.accounts.access import public
from core.db import get_session
from core.i18n import current_language, language_name
from core.pagination import Page, requested_page
from core.reference.countries import country_name
from core.reference.regions import regional_group_label
from core.timeutil import utcnow
from stakeholders import focal_points_public, public_counts, public_register, services
from stakeholders import vocabularies as vocab
from stakeholders.registry_query import COUNT_CAP, RegistryFilters, rows_by_id
from stakeholders.views.filters import country_option_tags, filter_context

bp = Blueprint("registry_public", __name__, template_folder="../templates")
bp.record_once(lambda state: public_counts.init_app(state.app))

# Filters the public may not use: gender is not part of what a listed person agreed to show,
# and status is the secretariat's.
NOT_PUBLIC = {"gender": "", "status": "", "organisation_id": None}

FOCAL_POINT_KINDS = {"primary": _l("Primary focal point"), "alternate": _l("Alternate focal point")}


def _display_rows(session, rows, locale: str) -> list[dict]:
    """Registry rows as the public sees them: name, organisation, country, category. No contact details."""
    organisations = public_register.row_organisation_names(session, rows, locale)
    return [
        {
            "name": row.name or "",
            "organisation_id": row.organisation_id,
            "organisation": organisations.get(row.organisation_id, ""),
            "country": country_name(row.country, locale) if row.country else "",
            "category": vocab.CATEGORY.label(row.category),
        }
        for row in rows
    ]


def _public_rows(session, filters: RegistryFilters, locale: str, cap: int | None = None) -> Page:
    """A page of the public register; with `cap`, matches are counted only up to it."""
    lookahead = 1 if cap else 0
    rows = rows_by_id(session, public_counts.page_ids(session, filters, lookahead=lookahead))
    more = len(rows) > filters.per_page
    if cap and not more and (rows or filters.page == 1):
        # The last page, read one row past its end: the matches are the pages before and its rows.
        total = min((filters.page - 1) * filters.per_page + len(rows), cap + 1)
    else:
        total = public_counts.count(session, filters, cap=cap)
    return Page(
        _display_rows(session, rows[: filters.per_page], locale),
        total,
        filters.page,
        filters.per_page,
        cap=cap,
        more=more,
    )


@bp.route("/registry/")
@public
def register():
    session = get_session()
    filters = RegistryFilters.from_args(request.args, **NOT_PUBLIC)
    rows = _public_rows(session, filters, current_language(), cap=COUNT_CAP)
    return render_template(
        "registry_public/register.html",
        filters=filters,
        page=rows,
        country_option_tags=country_option_tags,
        **filter_context("category", "stakeholder_type", "knowledge_system"),
    )


@bp.route("/registry/organisations/<int:organisation_id>")
@public
def organisation(organisation_id: int):
    session = get_session()
    record = public_register.approved_organisation(session, organisation_id)
    if record is None:
        abort(404)
    locale = current_language()
    filters = RegistryFilters(organisation_id=record.id, page=requested_page())
    name = services.localised_name(session, record, locale)
    other_names = [("", record.name)] if record.name != name else []
    other_names += sorted(
        (language_name(language, locale), other)
        for language, other in services.organisation_other_names(session, record.id).items()
        if other != name
    )
    return render_template(
        "registry_public/organisation.html",
        organisation=record,
        name=name,
        other_names=other_names,
        org_type=vocab.ORGANISATION_TYPE.label(record.org_type),
        country=country_name(record.country, locale) if record.country else "",
        website=record.website if record.website.startswith(("http://", "https://")) else "",
        admissions=services.organisation_admissions(session, record.id),
        page=_public_rows(session, filters, locale),
    )


@bp.route("/focal-points")
@public
def focal_points():
    countries = focal_points_public.active_focal_points(get_session(), today=utcnow().date(), locale=current_language())
    return render_template(
        "registry_public/focal_points.html",
        countries=countries,
        kinds={code: str(label) for code, label in FOCAL_POINT_KINDS.items()},
        region_label=regional_group_label,
    )
