"""The country hierarchy of a release: country -> M49 subregion -> UN regional group.

A subregion that spans several regional groups (Northern Europe, Southern Europe, Western Asia)
is split by group ("Western Asia (WEOG)"), so that every value of the released `country`
column lies within one regional group and `regional_group` can always be derived from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from babel import Locale

from core.reference.countries import country_name
from core.reference.regions import REGIONAL_GROUPS

# The M49 codes of the subregion names the reference file uses: Babel names them in every language.
SUBREGION_CODES = {
    "Sub-Saharan Africa": "202",
    "Northern Africa": "015",
    "Latin America and the Caribbean": "419",
    "Northern America": "021",
    "Central Asia": "143",
    "Eastern Asia": "030",
    "South-eastern Asia": "035",
    "Southern Asia": "034",
    "Western Asia": "145",
    "Eastern Europe": "151",
    "Northern Europe": "154",
    "Southern Europe": "039",
    "Western Europe": "155",
    "Australia and New Zealand": "053",
    "Melanesia": "054",
    "Micronesia": "057",
    "Polynesia": "061",
}
OTHER = "other"


@dataclass(frozen=True)
class CountryRow:
    iso2: str
    subregion: str | None
    regional_group: str | None


@dataclass
class Geography:
    to_subregion: dict[str, str]  # iso2 -> subregion value
    to_group: dict[str, str]  # subregion value -> regional group code
    group_of: dict[str, str]  # any released country value (iso2, subregion, group) -> group code
    subregions: dict[str, tuple[str, str | None]]  # subregion value -> (M49 subregion name, group when split)

    def group(self, value: str) -> str | None:
        """The regional group of a released country value ("other" stays "other"; a territory has none)."""
        return OTHER if value == OTHER else self.group_of.get(value)

    def hierarchy(self) -> list[dict[str, str]]:
        return [self.to_subregion, self.to_group]

    def label(self, value: str, lang: str) -> str:
        """A released country value in `lang`: a country, a subregion or a regional group."""
        if value in REGIONAL_GROUPS:
            return str(REGIONAL_GROUPS[value])
        if value in self.subregions:
            name, group = self.subregions[value]
            code = SUBREGION_CODES.get(name)
            local = Locale.parse(lang).territories.get(code, name) if code else name
            return f"{local} ({REGIONAL_GROUPS[group]})" if group in REGIONAL_GROUPS else local
        return country_name(value, lang)


def geography(countries: Iterable[CountryRow]) -> Geography:
    countries = list(countries)
    groups_of: dict[str, set[str]] = {}
    for country in countries:
        if country.subregion and country.regional_group:
            groups_of.setdefault(country.subregion, set()).add(country.regional_group)
    to_subregion, to_group, group_of, subregions = {}, {}, {}, {}
    for country in countries:
        if not country.regional_group:  # a territory outside the regional groups
            to_subregion[country.iso2] = OTHER
            continue
        subregion = country.subregion or country.regional_group
        split = len(groups_of.get(subregion, ())) > 1
        value = f"{subregion} ({country.regional_group})" if split else subregion
        to_subregion[country.iso2] = value
        to_group[value] = country.regional_group
        group_of[country.iso2] = group_of[value] = country.regional_group
        if country.subregion:
            subregions[value] = (country.subregion, country.regional_group if split else None)
    to_group[OTHER] = OTHER
    group_of.update({group: group for group in REGIONAL_GROUPS})
    return Geography(to_subregion=to_subregion, to_group=to_group, group_of=group_of, subregions=subregions)
