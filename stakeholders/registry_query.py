"""One way to filter, sort and page the registry, shared by the public register, the
secretariat's list and the focal points' rosters. Each caller chooses a scope; the scope,
not the caller, decides who may appear.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime
from enum import Enum

from sqlalchemy import and_, column, or_, table
from sqlmodel import Session, func, select

from core.accounts.models import User
from core.pagination import MAX_ID, clamp_page
from core.reference.models import Country
from core.text import LIKE_ESCAPE, contains_pattern, search_key
from stakeholders.models import Organisation, Stakeholder, StakeholderAttribute


class Scope(Enum):
    PUBLIC = "public"  # consented, active, organisation approved (or none)
    COUNTRY = "country"  # everyone active working in one country (focal point rosters)
    COUNTRY_SHARED = "country_shared"  # of those, who consented to share details with the focal point
    SECRETARIAT = "secretariat"  # everyone not erased, active or not


SORTS = {
    "name": (Stakeholder.search_name, Stakeholder.id),
    "-name": (Stakeholder.search_name.desc(), Stakeholder.id.desc()),
    "country": (Stakeholder.country, Stakeholder.search_name, Stakeholder.id),
    "category": (Stakeholder.category, Stakeholder.search_name, Stakeholder.id),
    "organisation": (Organisation.search_name, Stakeholder.search_name, Stakeholder.id),
    "newest": (Stakeholder.created_at.desc(), Stakeholder.id.desc()),
    "oldest": (Stakeholder.created_at, Stakeholder.id),
}
# Past this many matches a page says "more than 10,000" instead of counting them all: counting
# every match of a broad filter costs more than the page of rows it heads.
COUNT_CAP = 10_000
# SQLite's trigram index of stakeholder names (migration 0018_regperf, kept by triggers; not a
# model). A name search looks its matches up there when they are few: a `LIKE '%...%'` on the
# table reads every listed person, about 15 ms on an idle machine at 100,000 people.
NAME_TRIGRAMS = table("fts_stakeholder_name", column("rowid"), column("search_name"))
# Past this many matches by name the search reads the listing index in order instead: matches are
# then dense enough that a page of them comes from its first rows.
FEW_NAME_MATCHES = 2000
# Set by code, never from a query string.
INTERNAL_FILTERS = frozenset({"registered_after", "registered_until"})


@dataclass(frozen=True)
class RegistryFilters:
    q: str = ""
    country: str = ""
    region: str = ""
    category: str = ""
    stakeholder_type: str = ""
    knowledge_system: str = ""
    gender: str = ""
    organisation_id: int | None = None
    status: str = ""  # secretariat only: "active" or "inactive"
    sort: str = "name"
    page: int = 1
    per_page: int = 25
    registered_after: datetime | None = None
    registered_until: datetime | None = None

    @classmethod
    def from_args(cls, args, **fixed) -> RegistryFilters:
        """Filters from a query string; unknown or malformed values are ignored, not errors."""
        values = {}
        for f in fields(cls):
            if f.name in INTERNAL_FILTERS:
                continue
            raw = args.get(f.name)
            if raw in (None, ""):
                continue
            if f.name in {"page", "per_page", "organisation_id"}:
                try:
                    number = max(1, int(raw))
                except ValueError:
                    continue
                if f.name == "organisation_id" and number > MAX_ID:
                    continue  # no such organisation, and too large for the database's integer
                values[f.name] = clamp_page(number) if f.name == "page" else number
            else:
                values[f.name] = str(raw).strip()[:200]
        if values.get("sort") not in SORTS:
            values.pop("sort", None)
        values["per_page"] = min(values.get("per_page", cls.per_page), 100)
        return replace(cls(**values), **fixed)

    def as_args(self, **changes) -> dict:
        """Query-string arguments that reproduce these filters (for links and downloads)."""
        current = replace(self, **changes)
        defaults = RegistryFilters()
        return {
            f.name: getattr(current, f.name)
            for f in fields(self)
            if getattr(current, f.name) != getattr(defaults, f.name)
        }


@dataclass(frozen=True)
class RegistryRow:
    stakeholder_id: int
    user_id: int | None
    name: str
    organisation_id: int | None
    organisation_name: str | None
    country: str | None
    category: str
    stakeholder_type: str
    gender: str
    is_active: bool


def _scoped(scope: Scope, country: str | None):
    conditions = [Stakeholder.erased_at.is_(None)]
    if scope is Scope.PUBLIC:
        conditions += [
            Stakeholder.public_listing.is_(True),
            Stakeholder.is_active.is_(True),
            or_(Stakeholder.organisation_id.is_(None), Organisation.status == "approved"),
        ]
    elif scope in (Scope.COUNTRY, Scope.COUNTRY_SHARED):
        if not country:
            raise ValueError("a country scope needs a country")
        conditions += [Stakeholder.country == country, Stakeholder.is_active.is_(True)]
        if scope is Scope.COUNTRY_SHARED:
            conditions.append(Stakeholder.share_with_focal_point.is_(True))
    return conditions


def _name_matches(session: Session, q: str):
    """People whose name, or whose organisation's name, contains `q`.

    The organisations are looked up first (a few hundred rows), so the condition on people is a
    plain `LIKE`, or a `LIKE` or a list of organisation ids: PostgreSQL answers either from its
    trigram index (and the organisation index), where an `OR` with a subquery scanned every row.
    """
    key = search_key(q)
    like = contains_pattern(key)
    organisations = session.exec(
        select(Organisation.id).where(Organisation.search_name.like(like, escape=LIKE_ESCAPE))
    ).all()
    by_name = _few_by_name(session, key)
    if by_name is None:
        by_name = Stakeholder.search_name.like(like, escape=LIKE_ESCAPE)
    return or_(by_name, Stakeholder.organisation_id.in_(organisations)) if organisations else by_name


def _few_by_name(session: Session, key: str):
    """On SQLite, `Stakeholder.id IN (...)` the people whose name contains `key`, from the trigram
    index, when they are at most FEW_NAME_MATCHES; otherwise None (PostgreSQL's trigram index
    answers the `LIKE` itself; fewer than 3 letters have no trigram)."""
    if session.get_bind().dialect.name != "sqlite" or len(key) < 3:
        return None
    # A phrase of the key's trigrams is the same set as `LIKE '%key%'` (tests/stakeholders), read from
    # the index alone: `LIKE` has FTS5 check every candidate against the stakeholder row, 2-3x slower.
    phrase = '"' + key.replace('"', '""') + '"'
    matches = select(NAME_TRIGRAMS.c.rowid).where(NAME_TRIGRAMS.c.search_name.match(phrase))
    # Counted in the database and used as a subquery: up to 2,000 ids bound as parameters cost more
    # to pass back and forth (and to compile) than the trigram lookup, which takes a millisecond.
    found = session.exec(select(func.count()).select_from(matches.limit(FEW_NAME_MATCHES + 1).subquery())).one()
    return Stakeholder.id.in_(matches) if found <= FEW_NAME_MATCHES else None


def _filtered(session: Session, filters: RegistryFilters, scope: Scope, country: str | None):
    conditions = _scoped(scope, country)
    if filters.q:
        conditions.append(_name_matches(session, filters.q))
    if filters.country and scope not in (Scope.COUNTRY, Scope.COUNTRY_SHARED):
        conditions.append(Stakeholder.country == filters.country.upper())
    if filters.region:
        conditions.append(Stakeholder.country.in_(select(Country.iso2).where(Country.regional_group == filters.region)))
    for name in ("category", "stakeholder_type", "gender"):
        if getattr(filters, name):
            conditions.append(getattr(Stakeholder, name) == getattr(filters, name))
    if filters.knowledge_system:
        conditions.append(
            Stakeholder.id.in_(
                select(StakeholderAttribute.stakeholder_id).where(
                    StakeholderAttribute.field == "knowledge_system",
                    StakeholderAttribute.code == filters.knowledge_system,
                )
            )
        )
    if filters.organisation_id:
        conditions.append(Stakeholder.organisation_id == filters.organisation_id)
    if filters.registered_after is not None:
        conditions.append(Stakeholder.created_at > filters.registered_after)
    if filters.registered_until is not None:
        conditions.append(Stakeholder.created_at <= filters.registered_until)
    if scope is Scope.SECRETARIAT and filters.status in {"active", "inactive"}:
        conditions.append(Stakeholder.is_active.is_(filters.status == "active"))
    return conditions


def _base(columns, organisation: bool = True):
    """`columns` from stakeholders, with their organisation joined when `organisation` (the
    public scope's condition, the organisation sort and the rows' names read it)."""
    statement = select(*columns).select_from(Stakeholder)
    if organisation:
        statement = statement.outerjoin(Organisation, Organisation.id == Stakeholder.organisation_id)
    return statement


def _joins_organisation(scope: Scope, sort: str = "") -> bool:
    # Without the join, a count or a page of ids of one country is read from an index alone.
    return scope is Scope.PUBLIC or sort == "organisation"


def count(
    session: Session, filters: RegistryFilters, scope: Scope, country: str | None = None, cap: int | None = None
) -> int:
    """How many stakeholders match; with `cap`, at most `cap + 1` (more than `cap` is all it tells)."""
    conditions = _filtered(session, filters, scope, country)
    joined = _joins_organisation(scope)
    if cap is None:
        return session.exec(_base([func.count()], joined).where(*conditions)).one()
    matches = _base([Stakeholder.id], joined).where(*conditions).limit(cap + 1).subquery()
    return session.exec(select(func.count()).select_from(matches)).one()


def search(
    session: Session, filters: RegistryFilters, scope: Scope, country: str | None = None
) -> tuple[list[RegistryRow], int]:
    """One page of rows and the total number of matches."""
    return page(session, filters, scope, country), count(session, filters, scope, country)


def page(
    session: Session, filters: RegistryFilters, scope: Scope, country: str | None = None, lookahead: int = 0
) -> list[RegistryRow]:
    """One page of rows (`filters.page`), without counting the matches; `lookahead` more rows
    after it tell whether a next page exists."""
    # Sort and skip on narrow rows (ids and sort keys, from an index where possible), then
    # fetch the wide columns and the account's name for the page's rows only.
    ids = _page_ids(session, filters, scope, country, lookahead).subquery()
    order = SORTS.get(filters.sort, SORTS["name"])
    statement = (
        _wide().join(ids, ids.c.id == Stakeholder.id).outerjoin(User, User.id == Stakeholder.user_id).order_by(*order)
    )
    return [RegistryRow(*row) for row in session.exec(statement).all()]


def page_ids(
    session: Session, filters: RegistryFilters, scope: Scope, country: str | None = None, lookahead: int = 0
) -> list[int]:
    """The ids of one page's rows (`page`), in order: what a cache keeps of a page."""
    return list(session.exec(_page_ids(session, filters, scope, country, lookahead)).all())


def rows_by_id(session: Session, ids: list[int]) -> list[RegistryRow]:
    """The rows of `ids`, in that order (a page found by `page_ids`)."""
    if not ids:
        return []
    statement = _wide().outerjoin(User, User.id == Stakeholder.user_id).where(Stakeholder.id.in_(ids))
    found = {row[0]: RegistryRow(*row) for row in session.exec(statement).all()}
    return [found[stakeholder_id] for stakeholder_id in ids if stakeholder_id in found]


def _page_ids(session: Session, filters: RegistryFilters, scope: Scope, country: str | None, lookahead: int):
    return (
        _base([Stakeholder.id], _joins_organisation(scope, filters.sort))
        .where(*_filtered(session, filters, scope, country))
        .order_by(*SORTS.get(filters.sort, SORTS["name"]))
        .offset((filters.page - 1) * filters.per_page)
        .limit(filters.per_page + lookahead)
    )


def _wide():
    return _base(
        [
            Stakeholder.id,
            Stakeholder.user_id,
            User.name,
            Stakeholder.organisation_id,
            Organisation.name,
            Stakeholder.country,
            Stakeholder.category,
            Stakeholder.stakeholder_type,
            Stakeholder.gender,
            Stakeholder.is_active,
        ]
    )


def iterate(session: Session, filters: RegistryFilters, scope: Scope, country: str | None = None, batch: int = 1000):
    """Every matching row, read in pages, for downloads."""
    for rows in pages(session, filters, scope, country, batch):
        yield from rows


def pages(session: Session, filters: RegistryFilters, scope: Scope, country: str | None = None, batch: int = 1000):
    """Every matching row, page after page of `batch` rows (no counting)."""
    number = 1
    while True:
        rows = page(session, replace(filters, page=number, per_page=batch), scope, country)
        if rows:
            yield rows
        if len(rows) < batch:
            return
        number += 1


def breakdown(
    session: Session, column: str, filters: RegistryFilters, scope: Scope, country: str | None = None
) -> dict[str, int]:
    """Counts per value of a Stakeholder column (or a multi-valued field) among the matches."""
    conditions = _filtered(session, filters, scope, country)
    joined = _joins_organisation(scope)
    if column in {"category", "gender", "stakeholder_type", "sector", "country"}:
        key = getattr(Stakeholder, column)
        statement = _base([key, func.count()], joined).where(*conditions).group_by(key)
    else:
        statement = (
            _base([StakeholderAttribute.code, func.count()], joined)
            .join(
                StakeholderAttribute,
                and_(StakeholderAttribute.stakeholder_id == Stakeholder.id, StakeholderAttribute.field == column),
            )
            .where(*conditions)
            .group_by(StakeholderAttribute.code)
        )
    return {code: n for code, n in session.exec(statement).all() if code is not None}
