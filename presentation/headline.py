"""What a headline card rests on: the number of people (or records, or concerns) behind its figure in
a given year, read from the indicator group's own tables.

A card states this base; below `MIN_BASE` it flags the base as small and claims no direction:
with a few dozen respondents a share moves by ten points from one year to the next by chance alone
(`analysis.estimates.SMALL_CELL`, 10, greys a table's row; a headline's trend needs more).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from flask_babel import gettext as _

from presentation.labels import Labeller
from presentation.model import Card
from presentation.weights import current_registry

MIN_BASE = 30


def base(result, measure: str, year: int | None) -> int | None:
    """The base of `measure` in `year`, or None when it has none (a register's completeness)."""
    if year is None:
        return None
    frame, column = _source(result, measure)
    if frame is None or not len(frame):
        return None
    if isinstance(frame, pd.Series):
        value = frame.get(year)
    else:
        value = frame[column].get(year) if column in frame else None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else int(round(number))


def _source(result, measure: str):
    """(table indexed by year, its column of bases) for each headline measure."""
    if measure == "clarity_top_two":
        return result.clarity_by_year, "n"
    if measure == "any_barrier_share":
        return result.any_barrier, "n"
    if measure in ("people_taking_part", "impact_records_published"):
        return result.headline_series, None  # a count is its own base
    if measure == "concerns_addressed_share":
        return result.concern_shares, "raised"
    if measure == "survey_response_rate":
        return result.surveys, "invited"
    if measure == "regional_evenness":
        return result.headline_bases, None
    return None, None


@dataclass(frozen=True)
class RegionalShare:
    """What a country's diversity card compares: its registered stakeholders and inhabitants against
    its regional group's (evenness across the five regional groups means nothing for one country)."""

    country_n: int
    region_n: int
    country_people: float | None
    region_people: float | None


def regional_share(
    country: str,
    member_states: pd.DataFrame,
    country_registry: pd.DataFrame,
    region_registry: pd.DataFrame,
    inhabitants: Mapping[str, float],
) -> RegionalShare | None:
    """The regional share of `country`, from the registry frames of the country and of its regional
    group (as each scope reads them) and the inhabitants of each country (by ISO alpha-2 code); None
    when the country has no regional group. The one implementation the dashboard and the report use."""
    found = member_states.loc[member_states["country"] == country, "regional_group"]
    if not len(found) or not found.iloc[0]:
        return None
    members = member_states.loc[member_states["regional_group"] == found.iloc[0], "country"].astype(str)
    return RegionalShare(
        country_n=_registered(country_registry),
        region_n=_registered(region_registry),
        country_people=inhabitants.get(country),
        region_people=sum(inhabitants.get(code, 0) for code in members),
    )


def _registered(registry: pd.DataFrame) -> int:
    """Registered stakeholders with a country, as the register reads today."""
    frame = current_registry(registry)
    return int(frame["country"].notna().sum()) if "country" in frame else 0


def regional_share_card(lab: Labeller, title: str, share: RegionalShare) -> Card:
    """The diversity card of one country: its share of its region's registered stakeholders against
    its share of the region's population. 1 is a country registered in proportion to its population;
    the registry is read as it is today, so the card has no trend."""
    country_n, region_n = share.country_n, share.region_n
    country_people, region_people = share.country_people, share.region_people
    registered = country_n / region_n if region_n else math.nan
    people = country_people / region_people if country_people and region_people else math.nan
    ratio = registered / people if people == people and people > 0 else math.nan
    small = country_n < MIN_BASE
    if small:
        base_text = _("n = %(n)s: a small base (under %(minimum)s)", n=lab.number(country_n), minimum=MIN_BASE)
    else:
        base_text = _("n = %(n)s", n=lab.number(country_n))
    return Card(
        "diversity",
        title,
        _("Share of the region's registered stakeholders against share of the region's population"),
        "–" if math.isnan(ratio) else lab.number(ratio, 2),
        "",
        _(
            "%(registered)s of the region's registered stakeholders; %(people)s of its population",
            registered=lab.percent(registered),
            people=lab.percent(people),
        ),
        "new" if not math.isnan(ratio) else "no_data",
        _("As registered today") if not math.isnan(ratio) else _("No data"),
        "●" if not math.isnan(ratio) else "–",
        base=base_text,
        small=small,
        n=country_n,
        code="regional_share",
        number=None if math.isnan(ratio) else ratio,
        unit="ratio",
    )
