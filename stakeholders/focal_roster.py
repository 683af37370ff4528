"""What a national focal point sees: the roster of their own country and the overview of their region.

- the roster counts every active stakeholder working in the focal point's country, and names
  (with contact details) only those who consented to share them with their focal point;
- the regional overview gives counts per country, never a name.
No HTTP here: the country always comes from the signed-in account, never from the request.
"""

from __future__ import annotations

import hashlib
from dataclasses import astuple, dataclass, field, replace

from sqlmodel import Session, select

from core import generations
from core.extensions import cache
from core.reference.models import Country
from stakeholders import public_counts, registry_query, services
from stakeholders import vocabularies as vocab
from stakeholders.models import Stakeholder, StakeholderAttribute
from stakeholders.registry_query import RegistryFilters, RegistryRow, Scope

# Breakdowns shown on the roster, over the whole country.
ROSTER_BREAKDOWNS = {
    "category": vocab.CATEGORY,
    "gender": vocab.GENDER,
    "knowledge_system": vocab.KNOWLEDGE_SYSTEM,
}
# Filters a roster may never take from the request: the country is the focal point's own.
ROSTER_FIXED = {"country": "", "region": "", "organisation_id": None, "status": ""}


def roster_filters(args) -> RegistryFilters:
    """Filters from a query string; whatever it says about countries, regions or organisations is ignored."""
    return RegistryFilters.from_args(args, **ROSTER_FIXED)


@dataclass(frozen=True)
class RosterEntry:
    """A stakeholder who consented to share their details with their focal point."""

    stakeholder_id: int
    name: str
    organisation_name: str
    job_title: str
    category: str
    stakeholder_type: str
    gender: str
    email: str
    phone: str
    preferred_language: str
    communication: tuple[str, ...]


@dataclass
class Roster:
    country: str
    entries: list[RosterEntry]
    listed: int  # consenting stakeholders matching the filters
    withheld: int  # stakeholders matching the filters (except the name search) who did not consent
    country_total: int  # every active stakeholder working in the country
    breakdowns: dict[str, dict[str, int]] = field(default_factory=dict)  # whole country


def _entries(session: Session, rows: list[RegistryRow], country: str) -> list[RosterEntry]:
    """Contact details of the rows, read again with the consent and the country as conditions."""
    ids = [r.stakeholder_id for r in rows]
    if not ids:
        return []
    details = {
        s.id: s
        for s in session.exec(
            select(Stakeholder).where(
                Stakeholder.id.in_(ids), Stakeholder.country == country, Stakeholder.share_with_focal_point.is_(True)
            )
        )
    }
    emails = services.account_emails(session, {r.user_id for r in rows if r.user_id})
    means: dict[int, list[str]] = {}
    for stakeholder_id, code in session.exec(
        select(StakeholderAttribute.stakeholder_id, StakeholderAttribute.code).where(
            StakeholderAttribute.stakeholder_id.in_(ids), StakeholderAttribute.field == "communication"
        )
    ):
        means.setdefault(stakeholder_id, []).append(code)
    order = vocab.COMMUNICATION.codes
    entries = []
    for row in rows:
        record = details.get(row.stakeholder_id)
        if record is None:
            continue
        codes = sorted(means.get(row.stakeholder_id, []), key=lambda c: order.index(c) if c in order else len(order))
        entries.append(
            RosterEntry(
                stakeholder_id=row.stakeholder_id,
                name=row.name or "",
                organisation_name=row.organisation_name or "",
                job_title=record.job_title,
                category=row.category,
                stakeholder_type=row.stakeholder_type,
                gender=row.gender,
                email=emails.get(row.user_id, ""),
                phone=record.phone,
                preferred_language=record.preferred_language,
                communication=tuple(codes),
            )
        )
    return entries


def roster(session: Session, *, country: str, filters: RegistryFilters) -> Roster:
    """One page of the roster of `country` (always the focal point's own: the caller passes
    `current_user.focal_country`, never a value from the request)."""
    if not country:
        raise ValueError("a roster needs the focal point's country")
    filters = replace(filters, **ROSTER_FIXED)
    rows = registry_query.page(session, filters, Scope.COUNTRY_SHARED, country)
    listed = _count(session, filters, Scope.COUNTRY_SHARED, country)
    # The name search covers only those who consented: counting the others by name would tell
    # whether someone who did not consent is registered.
    unnamed = replace(filters, q="", page=1)
    everyone = RegistryFilters()
    country_total, breakdowns = _country_summary(session, country)
    narrowed = replace(unnamed, sort=everyone.sort, per_page=everyone.per_page) != everyone
    matching = _count(session, unnamed, Scope.COUNTRY, country) if narrowed else country_total
    shared_matching = listed if not filters.q else _count(session, unnamed, Scope.COUNTRY_SHARED, country)
    return Roster(
        country=country,
        entries=_entries(session, rows, country),
        listed=listed,
        withheld=max(0, matching - shared_matching),
        country_total=country_total,
        breakdowns=breakdowns,
    )


def _count(session: Session, filters: RegistryFilters, scope: Scope, country: str) -> int:
    """How many of the country's stakeholders match, cached as `_country_summary` is (the same
    filters come back on every page of a roster)."""
    counted = astuple(replace(filters, page=1, per_page=1, sort="name"))  # what does not change the count
    digest = hashlib.sha256(repr((scope.value, counted)).encode()).hexdigest()[:32]
    key = f"roster-count:{generations.token(public_counts.GENERATION)}:{country}:{digest}"
    found = cache.get(key)
    if found is None:
        found = registry_query.count(session, filters, scope, country)
        cache.set(key, found, timeout=public_counts.TIMEOUT)
    return found


def _country_summary(session: Session, country: str) -> tuple[int, dict[str, dict[str, int]]]:
    """Everyone active in the country: how many, and the roster's breakdowns of them.

    The same for every page and filter of the roster, so it is cached as the public register's
    counts are: under the registry's generation token (`public_counts`), which any registry write
    replaces, and for at most a minute."""
    key = f"roster-country:{generations.token(public_counts.GENERATION)}:{country}"
    found = cache.get(key)
    if found is None:
        everyone = RegistryFilters()
        found = (
            registry_query.count(session, everyone, Scope.COUNTRY, country),
            {
                name: registry_query.breakdown(session, name, everyone, Scope.COUNTRY, country)
                for name in ROSTER_BREAKDOWNS
            },
        )
        cache.set(key, found, timeout=public_counts.TIMEOUT)
    return found


def roster_download(session: Session, *, country: str, filters: RegistryFilters, batch: int = 500):
    """Every consenting stakeholder matching the filters, as RosterEntry, in batches."""
    for rows in registry_query.pages(session, replace(filters, **ROSTER_FIXED), Scope.COUNTRY_SHARED, country, batch):
        yield from _entries(session, rows, country)


def registered_between(session: Session, *, country: str, since, until) -> tuple[list[RegistryRow], int]:
    """Stakeholders of the country's roster registered in (since, until]: the rows of those who
    consented to share their details with the focal point, oldest first, and how many did not."""
    window = RegistryFilters(registered_after=since, registered_until=until, sort="oldest")
    rows = list(registry_query.iterate(session, window, Scope.COUNTRY_SHARED, country))
    all_new = registry_query.count(session, window, Scope.COUNTRY, country)
    return rows, all_new - len(rows)


# --- the regional overview -----------------------------------------------------------------


@dataclass
class RegionOverview:
    country: str
    regional_group: str | None
    counts: dict[str, int]  # iso2 -> active stakeholders, every country of the group
    by_category: dict[str, int]  # over the whole group (or the country alone)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def region_overview(session: Session, *, country: str) -> RegionOverview:
    """Counts per country of the focal point's regional group; a territory without a group sees
    only itself. No names: nothing here identifies a person."""
    record = session.get(Country, country)
    group = record.regional_group if record is not None else None
    if not group:
        everyone = RegistryFilters()
        return RegionOverview(
            country=country,
            regional_group=None,
            counts={country: registry_query.count(session, everyone, Scope.COUNTRY, country)},
            by_category=registry_query.breakdown(session, "category", everyone, Scope.COUNTRY, country),
        )
    members = session.exec(select(Country.iso2).where(Country.regional_group == group)).all()
    active_in_group = RegistryFilters(region=group, status="active")
    per_country = registry_query.breakdown(session, "country", active_in_group, Scope.SECRETARIAT)
    return RegionOverview(
        country=country,
        regional_group=group,
        counts={iso2: per_country.get(iso2, 0) for iso2 in members},
        by_category=registry_query.breakdown(session, "category", active_in_group, Scope.SECRETARIAT),
    )
