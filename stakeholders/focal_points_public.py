"""The public list of national focal points: who serves each country today (name, ministry).

Never contact details: the list reads the account's name only, not its email address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, or_
from sqlmodel import Session, select

from core.accounts.models import User
from core.collation import sort_key
from core.reference.countries import country_name
from core.reference.models import Country
from stakeholders.models import FocalPointAssignment


@dataclass(frozen=True)
class PublicFocalPoint:
    name: str
    kind: str  # "primary" or "alternate"
    ministry: str


@dataclass(frozen=True)
class CountryFocalPoints:
    iso2: str
    country: str  # in the reader's language
    regional_group: str | None
    focal_points: list[PublicFocalPoint]


def active_focal_points(session: Session, *, today: date, locale: str) -> list[CountryFocalPoints]:
    """Assignments in force on `today`, grouped by country, countries sorted by their name in `locale`.

    Within a country: primary before alternate, then by name. Deactivated accounts are left out.
    """
    rows = session.exec(
        select(
            FocalPointAssignment.country,
            Country.name_en,
            Country.regional_group,
            User.name,
            FocalPointAssignment.kind,
            FocalPointAssignment.ministry,
        )
        .join(User, User.id == FocalPointAssignment.user_id)
        .join(Country, Country.iso2 == FocalPointAssignment.country)
        .where(
            FocalPointAssignment.start_date <= today,
            or_(FocalPointAssignment.end_date.is_(None), FocalPointAssignment.end_date >= today),
            User.is_active.is_(True),
        )
        .order_by(
            FocalPointAssignment.country,
            case((FocalPointAssignment.kind == "primary", 0), else_=1),
            User.name,
            FocalPointAssignment.id,
        )
    ).all()
    countries: dict[str, CountryFocalPoints] = {}
    for iso2, name_en, group, name, kind, ministry in rows:
        entry = countries.get(iso2)
        if entry is None:
            entry = countries[iso2] = CountryFocalPoints(iso2, country_name(iso2, locale, name_en), group, [])
        entry.focal_points.append(PublicFocalPoint(name=name, kind=kind, ministry=ministry))
    key = sort_key(locale)
    return sorted(countries.values(), key=lambda entry: key(entry.country))
