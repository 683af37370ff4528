"""What the API reads about people and releases, through the services the pages use.

- The public register and the public list of focal points: open data, as the public pages show
  them (`Scope.PUBLIC`: consented, active, organisation approved; never contact details).
- A focal point's roster and tables: their own country's, taken from the account and nowhere
  else (`stakeholders.focal_roster`, `exports.aggregates`), suppressed by the one disclosure rule.
- The secretariat's anonymised releases: listed, requested as a background job and downloaded
  (`exports.service`, `exports.jobs`, `core.jobs`), each download audit-logged as on the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from flask_babel import force_locale
from sqlmodel import Session

from api.reading import Refused, iso
from core import audit
from core.accounts.access import is_secretariat
from core.jobs import service as jobs
from core.jobs.queue import current_queue
from core.reference.countries import country_name
from core.timeutil import utcnow
from exports import aggregates, service
from exports.jobs import RELEASE_KIND
from exports.params import ReleaseParams
from stakeholders import focal_points, focal_points_public, focal_roster, public_counts, public_register
from stakeholders import vocabularies as vocab
from stakeholders.registry_query import RegistryFilters, Scope
from stakeholders.registry_query import page as page_of

# Filters the public may not use (the public register page's rule).
NOT_PUBLIC = {"gender": "", "status": "", "organisation_id": None}


def _args(query, names: tuple[str, ...]) -> dict[str, str]:
    return {name: str(getattr(query, name)) for name in names if getattr(query, name) not in (None, "")}


# --- open data -------------------------------------------------------------------------------------


def register(session: Session, query, lang: str) -> tuple[list[dict], RegistryFilters, int]:
    """A page of the public register (name, organisation, country, category), as the public page lists it."""
    names = ("q", "country", "region", "category", "stakeholder_type", "knowledge_system", "page", "per_page")
    filters = RegistryFilters.from_args(_args(query, names), **NOT_PUBLIC)
    rows = page_of(session, filters, Scope.PUBLIC)
    organisations = public_register.row_organisation_names(session, rows, lang)
    with force_locale(lang):
        items = [
            {
                "name": row.name or "",
                "organisation_id": row.organisation_id,
                "organisation": organisations.get(row.organisation_id, ""),
                "country": row.country,
                "country_name": country_name(row.country, lang) if row.country else "",
                "category": row.category or "",
                "category_label": str(vocab.CATEGORY.label(row.category)) if row.category else "",
            }
            for row in rows
        ]
    return items, filters, public_counts.count(session, filters)


def public_focal_points(session: Session, lang: str) -> list[dict]:
    return [
        {
            "country": found.iso2,
            "country_name": found.country,
            "regional_group": found.regional_group,
            "focal_points": [
                {"name": person.name, "kind": person.kind, "ministry": person.ministry} for person in found.focal_points
            ],
        }
        for found in focal_points_public.active_focal_points(session, today=utcnow().date(), locale=lang)
    ]


# --- a focal point's country -----------------------------------------------------------------------


def _country(session: Session, user) -> str:
    """The focal point's own country, from the account; refused outside an active assignment."""
    if not focal_points.may_see_roster(session, user, utcnow().date()) or not user.focal_country:
        raise Refused()
    return user.focal_country


def roster(session: Session, user, query) -> tuple[dict, RegistryFilters]:
    country = _country(session, user)
    names = ("q", "category", "stakeholder_type", "knowledge_system", "gender", "page", "per_page")
    filters = focal_roster.roster_filters(_args(query, names))
    filters = replace(filters, page=query.page, per_page=query.per_page)
    data = focal_roster.roster(session, country=country, filters=filters)
    items = [
        {
            "name": entry.name,
            "organisation": entry.organisation_name,
            "job_title": entry.job_title,
            "email": entry.email,
            "phone": entry.phone,
            "category": entry.category or "",
            "stakeholder_type": entry.stakeholder_type or "",
            "gender": entry.gender or "",
            "preferred_language": entry.preferred_language or "",
            "communication": list(entry.communication),
        }
        for entry in data.entries
    ]
    found = {"country": country, "items": items, "total": data.listed, "withheld": data.withheld}
    return found | {"country_total": data.country_total}, filters


ROSTER_COLUMNS = ("name", "organisation", "job_title", "email", "phone", "category", "stakeholder_type", "gender")
ROSTER_COLUMNS += ("preferred_language", "communication")


def _roster_row(entry) -> list:
    return [
        entry.name,
        entry.organisation_name,
        entry.job_title,
        entry.email,
        entry.phone,
        entry.category or "",
        entry.stakeholder_type or "",
        entry.gender or "",
        entry.preferred_language or "",
        ";".join(entry.communication),
    ]


def whole_roster(session: Session, user, query, ip: str | None = None) -> tuple[str, Iterator[list]]:
    """Every entry of the country's roster the filters match (not one page), as CSV rows read in batches;
    the download is audit-logged as the page's is (one commit, before the first row is read)."""
    country = _country(session, user)
    names = ("q", "category", "stakeholder_type", "knowledge_system", "gender")
    filters = focal_roster.roster_filters(_args(query, names))
    listed = focal_roster.roster(session, country=country, filters=replace(filters, per_page=1)).listed
    audit.record(
        session,
        "focal_point.roster_download",
        actor_id=user.id,
        target=country,
        format="csv",
        rows=listed,
        filters=filters.as_args(),
        ip=ip,
        via="api",
    )
    session.commit()
    rows = (_roster_row(entry) for entry in focal_roster.roster_download(session, country=country, filters=filters))
    return country, rows


def focal_tables(session: Session, user, query, lang: str) -> dict:
    """The focal point's aggregate tables of one wave, suppressed as on their page."""
    country = _country(session, user)
    waves = aggregates.table_waves(session)
    wave_id = query.wave if query.wave is not None else (waves[0].id if waves else None)
    if wave_id is None or wave_id not in {wave.id for wave in waves}:
        raise Refused(missing=True)
    threshold = aggregates.threshold()
    with force_locale(lang):
        tables = aggregates.country_tables(session, wave_id, country, query.breakdown, lang, threshold)
        header, rows = aggregates.download_rows(tables, lang, threshold)
        note = str(aggregates.suppression_note(threshold))
    # The last two rows are a gap and the note, which the answer carries apart.
    found = {"country": country, "wave_id": wave_id, "breakdown": query.breakdown, "columns": header}
    return found | {"rows": rows[:-2], "note": note}


# --- anonymised releases (secretariat) --------------------------------------------------------------


def _secretariat(user) -> None:
    if not is_secretariat(user):
        raise Refused()


def _release(release, link) -> dict:
    return {
        "id": release.id,
        "filename": release.filename,
        "wave_ids": list(release.wave_ids),
        "params": dict(release.params or {}),
        "size": release.size,
        "rows": release.rows,
        "created_at": iso(release.created_at),
        "download": link(release.id),
    }


def releases(session: Session, user, link) -> list[dict]:
    _secretariat(user)
    return [_release(release, link) for release in service.list_releases(session)]


def release(session: Session, user, release_id: int, link) -> dict:
    _secretariat(user)
    found = service.get_release(session, release_id)
    if found is None:
        raise Refused(missing=True)
    return _release(found, link)


def request_release(session: Session, user, body, *, locale: str, ip: str | None):
    """Queue the release as the export page does (checked first: `service.ExportError` says why not)."""
    _secretariat(user)
    params = ReleaseParams(
        wave_ids=tuple(body.wave_ids),
        format=body.format,
        lang=body.lang,
        k=body.k,
        free_text=body.free_text,
        link_waves=body.link_waves,
    )
    try:
        service.check_params(session, params)
    except service.ExportError:
        session.rollback()
        raise
    return jobs.enqueue(
        session,
        kind=RELEASE_KIND,
        owner_id=user.id,
        params=params.as_dict(),
        locale=locale,
        queue=current_queue(),
        ip=ip,
    )


def job(session: Session, user, job_id: int) -> tuple[object, int | None]:
    """A release job the owner may see, and the release it made once done."""
    _secretariat(user)
    found = jobs.visible_job(session, job_id, user=user)
    if found is None or found.kind != RELEASE_KIND:
        raise Refused(missing=True)
    release_id = None
    if found.state == "done":
        key = ReleaseParams(**found.params).key()
        release_id = next((r.id for r in service.list_releases(session) if r.key == key), None)
    return found, release_id


def download(session: Session, user, release_id: int, ip: str | None):
    """The stored zip, audit-logged as a download from the page is; one commit."""
    _secretariat(user)
    found = service.get_release(session, release_id)
    if found is None:
        raise Refused(missing=True)
    audit.record(
        session,
        "exports.release_download",
        actor_id=user.id,
        target=f"release:{found.id}",
        ip=ip,
        waves=list(found.wave_ids),
        rows=found.rows,
        via="api",
    )
    session.commit()
    return found
