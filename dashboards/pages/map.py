"""The map: registered stakeholders, respondents to the wave or people who took part in activities
in its year, per country, as counts or per million inhabitants, with the table of values beside it.

A focal point sees their own country's figure beside their regional group's and all countries'
totals; the map draws their country only, so no other country's figure reaches their page.
Geometry is plotly's world map read by ISO-3 code; population is the World Bank's table kept in
`dashboards/data/population.csv` (see the README there).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.reference.countries import member_state_rows
from dashboards.filters import MAP_MEASURES
from dashboards.layout import control_id
from dashboards.selection import Selection
from dashboards.view import Page, PageContent, View
from presentation.charts import OKABE_ITO, esc
from presentation.labels import Labeller
from presentation.model import Figure, Row, Section, Table
from presentation.weights import current_registry

POPULATION_CSV = Path(__file__).resolve().parent.parent / "data" / "population.csv"
PER = 1_000_000
# Sequential, light to dark along the Okabe-Ito blues: readable with every common colour-vision deficiency.
COLOURS = [[0.0, "#EAF4FB"], [0.5, OKABE_ITO[4]], [1.0, OKABE_ITO[0]]]


@dataclass(frozen=True)
class Population:
    by_iso3: dict[str, int]
    year: int


@lru_cache(maxsize=1)
def population() -> Population:
    """The latest population figure of each country in the reference file (read once: it never changes
    while the app runs)."""
    latest: dict[str, tuple[int, int]] = {}
    with POPULATION_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            year, value = int(row["year"]), int(row["population"])
            if row["iso3"] not in latest or year > latest[row["iso3"]][0]:
                latest[row["iso3"]] = (year, value)
    return Population(
        {code: value for code, (_year, value) in latest.items()}, max(year for year, _value in latest.values())
    )


@lru_cache(maxsize=1)
def iso3_codes() -> dict[str, str]:
    """ISO alpha-2 -> alpha-3 for the UN member states, from the checked reference file."""
    return {row["iso2"]: row["iso3"] for row in member_state_rows()}


# --- counting ---------------------------------------------------------------------------------


def people(selection: Selection, measure: str) -> pd.Series:
    """The country code of each person the measure counts, once per person.

    registered: active, not erased records; respondents: submitted responses to the wave;
    participants: distinct stakeholders who took part in an activity in the wave's year (organisations
    are not people and are left out).
    """
    data = selection.data
    if measure == "registered":
        frame = current_registry(data.registry)
        return frame["country"].astype(object) if "country" in frame else pd.Series(dtype=object)
    if measure == "respondents":
        return data.survey["country"].astype(object) if "country" in data.survey else pd.Series(dtype=object)
    frame = data.participation
    if frame.empty or "stakeholder_id" not in frame:
        return pd.Series(dtype=object)
    frame = frame[
        frame["stakeholder_id"].notna().to_numpy(dtype=bool) & (frame["year"].to_numpy() == selection.wave.year)
    ]
    return frame.drop_duplicates("stakeholder_id")["country"].astype(object)


def by_country(countries: pd.Series) -> dict[str, int]:
    """Persons per country code (those without a country are not on any map)."""
    return {str(code): int(n) for code, n in countries.dropna().value_counts().items()}


def rate(n: int, inhabitants: float | None) -> float:
    return n / inhabitants * PER if inhabitants else math.nan


def country_values(counts: dict[str, int], countries: list[str], members: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per country: n, population (NaN when unknown) and n per million inhabitants.

    `countries` are those to show, with n = 0 where nobody is counted.
    """
    codes, inhabitants, members = iso3_codes(), population().by_iso3, members or {}
    rows = []
    for country in countries:
        iso3 = codes.get(country)
        n = counts.get(country, 0)
        known = inhabitants.get(iso3, math.nan) if iso3 else math.nan
        rows.append((country, iso3, members.get(country), n, float(known), rate(n, known)))
    return pd.DataFrame.from_records(
        rows, columns=["country", "iso3", "regional_group", "n", "population", "per_million"]
    )


def total(counts: dict[str, int], countries: list[str]) -> dict:
    """Everyone counted in these countries, and the rate over those that have a population figure (a
    country without one adds neither people nor inhabitants to the rate)."""
    codes, inhabitants = iso3_codes(), population().by_iso3
    rated = [(counts.get(c, 0), inhabitants[codes[c]]) for c in countries if codes.get(c) in inhabitants]
    n_rated, people_living = sum(n for n, _p in rated), sum(p for _n, p in rated)
    return {
        "n": sum(counts.get(c, 0) for c in countries),
        "n_rated": n_rated,
        "population": people_living or None,
        "per_million": rate(n_rated, people_living),
    }


# --- the page ---------------------------------------------------------------------------------


def measure_label(measure: str, lab: Labeller) -> str:
    return lab.population(measure)


def _title(view: View) -> str:
    lab, filters = view.lab, view.filters
    what = measure_label(filters.measure, lab)
    if filters.measure == "respondents":
        what = _("%(what)s to %(wave)s", what=what, wave=view.selection.wave.name)
    elif filters.measure == "participants":
        what = _("%(what)s in %(year)s", what=what, year=view.selection.wave.year)
    if filters.per_capita:
        return _("%(what)s per million inhabitants, by country", what=what)
    return _("%(what)s by country", what=what)


@lru_cache(maxsize=8192)
def _number(lang: str, value: float | None, digits: int) -> str:
    return Labeller(lang).number(value, digits)


def rate_digits(value: float) -> int:
    """Decimals enough for a small rate to show more than zero (0.04 per million, not 0.0)."""
    if pd.isna(value) or value == 0 or value >= 1:
        return 1
    return 2 if value >= 0.1 else 3


def with_texts(values: pd.DataFrame, lab: Labeller) -> pd.DataFrame:
    """The values with their country names and numbers as the reader's locale writes them, formatted
    once for the map and the table, and remembered (Babel takes a while per number, ~200 countries by three)."""

    def number(value, digits: int = 0) -> str:
        return _number(lab.lang, None if pd.isna(value) else float(value), digits)

    return values.assign(
        name=[lab.code("country", code) for code in values["country"]],
        n_text=[number(n) for n in values["n"]],
        population_text=[number(p) for p in values["population"]],
        rate_text=[number(r, rate_digits(r)) for r in values["per_million"]],
    )


def choropleth(view: View, title: str, values: pd.DataFrame, *, focus: bool) -> go.Figure:
    """Countries coloured by their value (`values` as `with_texts` gives them); hover texts escaped:
    names come from locale data, but a label is never trusted as markup."""
    lab, per_capita = view.lab, view.filters.per_capita
    column = "per_million" if per_capita else "n"
    drawn = values[values["iso3"].notna() & values[column].notna()]
    unit = _("Per million inhabitants") if per_capita else _("Number")
    measure = measure_label(view.filters.measure, lab)
    hover = []
    for row in drawn.itertuples(index=False):
        lines = [row.name, f"{measure}: {row.rate_text if per_capita else row.n_text}", _("n = %(n)s", n=row.n_text)]
        if per_capita:
            lines.append(_("Population: %(population)s", population=row.population_text))
        hover.append("<br>".join(esc(line) for line in lines))
    geo = {
        "projection": {"type": "natural earth"},
        "showframe": False,
        "showcoastlines": False,
        "showland": True,
        "landcolor": "#E5E5E5",
        "showcountries": True,
        "countrycolor": "#FFFFFF",
        "showocean": False,
        "showlakes": False,
        "lataxis": {"range": [-58, 85]},
        "fitbounds": "locations" if focus else False,
    }
    # Layout as one dict: plotly's path-string updates cost more than the whole rest of the page.
    return go.Figure(
        go.Choropleth(
            locations=drawn["iso3"].tolist(),
            locationmode="ISO-3",
            z=drawn[column].astype(float).tolist(),
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            colorscale=COLOURS,
            zmin=0,
            marker={"line": {"color": "#FFFFFF", "width": 0.5}},
            colorbar={"title": {"text": esc(unit)}, "tickformat": ",.1f" if per_capita else ",d"},
        ),
        layout={
            "title": {"text": esc(title), "x": 0, "xanchor": "left", "font": {"size": 15}},
            "template": "none",
            "geo": geo,
            "separators": lab.separators(),
            "height": 460,
            "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
            "paper_bgcolor": "white",
            "font": {"family": "Noto Sans, DejaVu Sans, Arial, sans-serif", "size": 12, "color": "#222"},
            "hoverlabel": {"align": "auto"},
        },
    )


def _columns(view: View, first: str) -> list[str]:
    columns = [first, _("n")]
    if view.filters.per_capita:
        columns += [_("Population"), _("Per million inhabitants")]
    return columns


def _cells(view: View, label: str, n, inhabitants, per_million) -> list[str]:
    lab = view.lab
    cells = [label, lab.number(n)]
    if view.filters.per_capita:
        cells += [lab.number(inhabitants) if inhabitants else "–", lab.number(per_million, rate_digits(per_million))]
    return cells


def _country_table(view: View, title: str, values: pd.DataFrame) -> Table:
    """Countries with anyone counted, largest value first."""
    lab, per_capita = view.lab, view.filters.per_capita
    counted = values[values["n"] > 0]
    key = counted["per_million"].fillna(-1) if per_capita else counted["n"]
    shown = counted.assign(_key=key, _name=counted["name"].str.casefold()).sort_values(
        ["_key", "_name"], ascending=[False, True]
    )
    rows = [
        Row([r.name, r.n_text] + ([r.population_text, r.rate_text] if per_capita else []), counts={1: int(r.n)})
        for r in shown.itertuples(index=False)
    ]
    none = int((values["n"] == 0).sum())
    note = _("%(count)s countries have none.", count=lab.number(none)) if none else ""
    return Table(title, _columns(view, lab.dimension("country")), rows, note, rests_on={3: (1,)})


def _totals_table(view: View, title: str, totals: list[tuple[str, dict]]) -> Table:
    rows = [
        Row(
            _cells(
                view, label, t["n"] if not view.filters.per_capita else t["n_rated"], t["population"], t["per_million"]
            ),
            counts={1: int(t["n"] if not view.filters.per_capita else t["n_rated"])},
        )
        for label, t in totals
    ]
    return Table(title, _columns(view, _("Area")), rows, rests_on={3: (1,)})


def _members(selection: Selection) -> dict[str, str]:
    states = selection.member_states
    return dict(zip(states["country"].astype(str), states["regional_group"].astype(object)))


def build(view: View) -> PageContent:
    filters, lab = view.filters, view.lab
    members = _members(view.selection)
    counts = by_country(people(view.selection, filters.measure))
    title = _title(view)
    notes = []
    if filters.per_capita:
        notes.append(
            _("Population: World Bank, World Development Indicators (SP.POP.TOTL), %(year)s.", year=population().year)
        )
        notes.append(_("Rates leave out people in countries without a population figure."))
    if view.scope.country is not None:
        own = view.scope.country
        values = with_texts(country_values(counts, [own], members), lab)
        totals = [(lab.code("country", own), total(counts, [own]))]
        for label, selection in view.comparisons.items():
            if selection is None:
                continue
            group = (
                {code for code, region in members.items() if region == selection.filters.regional_group}
                if selection.filters.regional_group
                else set(members)
            )
            totals.append((label, total(by_country(people(selection, filters.measure)), sorted(group))))
        table = _totals_table(
            view,
            _(
                "%(title)s: %(place)s, its regional group and all countries",
                title=title,
                place=lab.code("country", own),
            ),
            totals,
        )
        section = Section(
            "map", title, figures=[Figure(title, choropleth(view, title, values, focus=True), table)], notes=notes
        )
        return PageContent(str(PAGE.title), [section])
    # Every member state (nobody counted is a figure too), then any territory someone lives in.
    wanted = [filters.country] if filters.country else None
    shown = sorted(code for code in members if wanted is None or code in wanted)
    shown += sorted(code for code in counts if code not in members and (wanted is None or code in wanted))
    values = with_texts(country_values(counts, shown, members), lab)
    table = _country_table(view, title, values)
    regions = sorted({region for region in members.values() if region})
    totals = [
        (lab.code("regional_group", region), total(counts, sorted(code for code, r in members.items() if r == region)))
        for region in regions
    ]
    totals.append((_("All countries"), total(counts, shown)))
    section = Section(
        "map",
        title,
        figures=[Figure(title, choropleth(view, title, values, focus=bool(filters.country)), table)],
        tables=[_totals_table(view, _("%(title)s: totals by UN regional group", title=title), totals)],
        notes=notes,
    )
    return PageContent(str(PAGE.title), [section])


def controls(view: View) -> list:
    lab, filters = view.lab, view.filters
    return [
        html.Fieldset(
            className="control",
            children=[
                html.Legend(_("Map of")),
                dcc.RadioItems(
                    id=control_id("measure"),
                    value=filters.measure,
                    inline=True,
                    options=[{"label": measure_label(m, lab), "value": m} for m in MAP_MEASURES],
                ),
            ],
        ),
        html.Fieldset(
            className="control",
            children=[
                html.Legend(_("Show")),
                dcc.RadioItems(
                    id=control_id("per_capita"),
                    value="1" if filters.per_capita else "0",
                    inline=True,
                    options=[
                        {"label": _("Numbers"), "value": "0"},
                        {"label": _("Per million inhabitants"), "value": "1"},
                    ],
                ),
            ],
        ),
    ]


PAGE = Page("map", _l("Map"), build, controls)
