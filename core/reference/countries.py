"""Countries: loading the checked reference file, and names in the reader's language."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from babel import Locale
from sqlmodel import Session, select

from core.reference.models import Country
from core.reference.regions import GROUP_CODE_BY_FILE_NAME

MEMBER_STATES_CSV = Path(__file__).parent / "data" / "un_member_states.csv"


def member_state_rows(path: Path = MEMBER_STATES_CSV) -> list[dict]:
    """The 193 member states as dicts ready for the `country` table."""
    with path.open(encoding="utf-8") as handle:
        return [
            {
                "iso2": row["iso2"],
                "iso3": row["iso3"],
                "m49": int(row["m49"]),
                "name_en": row["name_en"],
                "regional_group": GROUP_CODE_BY_FILE_NAME[row["un_regional_group"]],
                "m49_region": row["m49_region"] or None,
                "m49_subregion": row["m49_subregion"] or None,
                "m49_intermediate_region": row["m49_intermediate_region"] or None,
                "is_un_member": True,
                "ldc": row["ldc"] == "x",
                "lldc": row["lldc"] == "x",
                "sids": row["sids"] == "x",
            }
            for row in csv.DictReader(handle)
        ]


@lru_cache(maxsize=16)
def _territory_names(locale: str) -> dict[str, str]:
    # Locale data is immutable, so caching per process is safe.
    return dict(Locale.parse(locale).territories)


def country_name(iso2: str, locale: str, fallback: str | None = None) -> str:
    return _territory_names(locale).get(iso2) or fallback or iso2


def country_choices(session: Session, locale: str) -> list[tuple[str, str]]:
    """(iso2, name) for every recorded country, sorted by the name readers see."""
    countries = session.exec(select(Country)).all()
    named = [(c.iso2, country_name(c.iso2, locale, c.name_en)) for c in countries]
    return sorted(named, key=lambda pair: pair[1].casefold())


def add_territory(*, session: Session, iso2: str, iso3: str, name_en: str, m49: int | None = None) -> Country:
    """Record a non-member territory (no regional group), e.g. Kosovo or a dependency."""
    iso2, iso3 = iso2.upper(), iso3.upper()
    if session.get(Country, iso2) is not None:
        raise ValueError(f"A country with code {iso2} is already recorded.")
    country = Country(iso2=iso2, iso3=iso3, m49=m49, name_en=name_en, is_un_member=False)
    session.add(country)
    session.commit()
    return country
