"""Countries: loading the checked reference file, and names in the reader's language.

Member states and the two observer states are named as the UN names them (its terminology database,
in the six languages, from the project's copy of the shared reference file), without the trailing
article ("Congo (the)" -> "Congo", "Allemagne (l')" -> "Allemagne"); other territories keep the
neutral name of Babel's locale data (CLDR), or the English name recorded with them."""

from __future__ import annotations

import csv
import re
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale
from sqlmodel import Session, select

from core.collation import sort_key
from core.reference.models import Country
from core.reference.regions import GROUP_CODE_BY_FILE_NAME

MEMBER_STATES_CSV = Path(__file__).parent / "data" / "un_member_states.csv"
OBSERVER_STATES_CSV = Path(__file__).parent / "data" / "un_observer_states.csv"
UN_LANGUAGES = ("en", "fr", "es", "ru", "zh", "ar")
# The article the UN terminology database puts after a name, in English, French and Spanish.
TRAILING_ARTICLE = re.compile(r"\s*\((?:the|le|la|les|l'|el|los|las)\)$")


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


def without_article(name: str) -> str:
    return TRAILING_ARTICLE.sub("", name)


@cache
def _un_names() -> dict[str, dict[str, str]]:
    """language -> iso2 -> the UN's name; read once (the files ship with the code)."""
    names: dict[str, dict[str, str]] = {language: {} for language in UN_LANGUAGES}
    for path in (MEMBER_STATES_CSV, OBSERVER_STATES_CSV):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                for language in UN_LANGUAGES:
                    if row[f"name_{language}"]:
                        names[language][row["iso2"]] = without_article(row[f"name_{language}"])
    return names


@lru_cache(maxsize=16)
def _territory_names(locale: str) -> dict[str, str]:
    # Locale data is immutable, so caching per process is safe.
    return dict(Locale.parse(locale).territories)


def country_name(iso2: str, locale: str, fallback: str | None = None) -> str:
    """The UN's name of a member or observer state in the reader's language, else CLDR's neutral one."""
    language = str(locale).replace("-", "_").split("_")[0]
    un_name = _un_names().get(language, {}).get(iso2)
    return un_name or _territory_names(locale).get(iso2) or fallback or iso2


def country_choices(session: Session, locale: str) -> list[tuple[str, str]]:
    """(iso2, name) for every recorded country, sorted by the name in the reader's collation."""
    countries = session.exec(select(Country)).all()
    named = [(c.iso2, country_name(c.iso2, locale, c.name_en)) for c in countries]
    key = sort_key(locale)
    return sorted(named, key=lambda pair: key(pair[1]))


def add_territory(*, session: Session, iso2: str, iso3: str, name_en: str, m49: int | None = None) -> Country:
    """Record a non-member territory (no regional group), e.g. Kosovo or a dependency."""
    iso2, iso3 = iso2.upper(), iso3.upper()
    if session.get(Country, iso2) is not None:
        raise ValueError(f"A country with code {iso2} is already recorded.")
    country = Country(iso2=iso2, iso3=iso3, m49=m49, name_en=name_en, is_un_member=False)
    session.add(country)
    session.commit()
    return country
