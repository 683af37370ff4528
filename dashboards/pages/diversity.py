"""The diversity page: who is registered, who takes part and who answers, against stated references.

Regional groups are measured against their share of UN member states and gender against parity
(`analysis.indicators.diversity`); categories, which have no stated reference, against the
register itself, so the question is whether participants and respondents look like the people
registered. Each population (registered, participants, respondents) has its ratio with its
interval, its reference and the under-represented flag; the indices of diversity close the page.

A focal point's own country has one regional group, so its page leaves regional ratios out and puts
its gender and category ratios beside its regional group's and all countries'.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from analysis.indicators import diversity
from dashboards.view import Page, PageContent, View, builder_for
from presentation.builder import Builder
from presentation.model import Figure, Row, Section, Table

MEASURED = ("regional_group", "gender")  # dimensions with a stated reference
AGAINST_REGISTER = ("category",)
INDEX_DIMENSIONS = ("regional_group", "gender", "category", "country")


def results(builder: Builder) -> tuple[diversity.Diversity, diversity.Diversity]:
    """The indicator over every wave up to the selected one (for the headline) and over the selected
    wave's respondents (for the tables), as the plenary report computes them."""
    return builder.results("diversity"), builder.results("diversity", current=True)  # shared with the group page


def against_register(result: diversity.Diversity, dimension: str) -> pd.DataFrame:
    """Participants' and respondents' shares of each group against the group's share of the register,
    from the counts the indicator made (columns as `Diversity.representation`)."""
    counts = result.distribution[result.distribution["dimension"] == dimension]
    register = counts[counts["population"] == "registered"]
    if register.empty or not register["n"].sum():
        return result.representation.iloc[0:0]
    reference = pd.Series(register["n"].to_numpy(dtype="float64"), index=register["group"].astype(str))
    reference = reference[reference > 0] / reference[reference > 0].sum()
    parts = []
    for population in ("participants", "respondents"):
        rows = counts[counts["population"] == population]
        values = pd.Series(
            np.repeat(rows["group"].astype(str).to_numpy(), rows["n"].to_numpy(dtype="int64")), dtype=object
        )
        table = diversity.representation(values, reference).reset_index()
        table.insert(0, "dimension", dimension)
        table.insert(0, "population", population)
        parts.append(table)
    return pd.concat(parts, ignore_index=True)[list(result.representation.columns)]


# --- content ------------------------------------------------------------------------------------


def _reference_label(dimension: str) -> str:
    if dimension == "regional_group":
        return _("member-state share")
    if dimension == "gender":
        return _("parity")
    return _("share in the register")


def ratio_figure(builder: Builder, frame: pd.DataFrame, dimension: str) -> Figure:
    """The ratios of one dimension, one series per population, with the table behind them."""
    lab = builder.lab
    reference = _reference_label(dimension)
    title = _(
        "Representation ratio by %(dimension)s (1 = %(reference)s)",
        dimension=lab.dimension_in_sentence(dimension),
        reference=reference,
    )
    # A population with nobody in the reference's groups has no ratio: in the table as "–", not in the chart.
    drawn = frame.dropna(subset=["ratio", "ratio_low", "ratio_high"])
    points = [
        {
            "label": lab.code(dimension, r.group),
            "series": lab.population(r.population),
            "ratio": r.ratio,
            "ratio_low": r.ratio_low,
            "ratio_high": r.ratio_high,
            "n": r.n,
        }
        for r in drawn.itertuples()
    ]
    table = Table(
        title,
        [
            _("Population"),
            lab.dimension(dimension),
            _("n"),
            _("Share"),
            _("Reference"),
            _("Ratio (%(level)s interval)", level=lab.level),
            _("Under-represented"),
        ],
        [
            Row(
                [
                    lab.population(r.population),
                    lab.code(dimension, r.group),
                    lab.number(r.n),
                    lab.percent(r.share),
                    lab.percent(r.reference),
                    lab.ratio_with_interval(r.ratio, r.ratio_low, r.ratio_high),
                    _("Yes") if r.under_represented else "",
                ],
                small=bool(r.small),
                flagged=bool(r.under_represented),
                base=_people(r.n),
            )
            for r in frame.itertuples()
        ],
        text_columns=2,
    )
    return Figure(title, builder.charts.ratios(title, points, reference), table)


def indices_table(builder: Builder, result: diversity.Diversity) -> Table:
    lab = builder.lab
    indices = result.indices[result.indices["dimension"].isin(INDEX_DIMENSIONS)]
    return Table(
        _("Diversity indices"),
        [_("Population"), _("Dimension"), _("Categories"), _("Shannon index"), _("Evenness"), _("Gini-Simpson index")],
        [
            Row(
                [
                    lab.population(r.population),
                    lab.dimension(r.dimension),
                    lab.number(r.categories),
                    lab.number(r.shannon, 2),
                    lab.number(r.evenness, 2),
                    lab.number(r.simpson, 2),
                ]
            )
            for r in indices.itertuples()
        ],
        _("Evenness is 1 when a population spreads equally over every category a dimension has."),
        text_columns=2,
    )


def coverage_table(builder: Builder, result: diversity.Diversity) -> Table:
    lab = builder.lab
    return Table(
        _("Member states with at least one person, by UN regional group"),
        [_("Population"), lab.dimension("regional_group"), _("Countries"), _("Member states"), _("Coverage")],
        [
            Row(
                [
                    lab.population(r.population),
                    lab.code("regional_group", r.regional_group),
                    lab.number(r.countries),
                    lab.number(r.member_states),
                    lab.percent(r.coverage),
                ]
            )
            for r in result.countries.itertuples()
        ],
        text_columns=2,
    )


def ratios(result: diversity.Diversity, dimension: str) -> pd.DataFrame:
    if dimension in AGAINST_REGISTER:
        return against_register(result, dimension)
    return result.representation[result.representation["dimension"] == dimension]


def comparison_table(view: View, builder: Builder, now: diversity.Diversity, dimensions) -> Table | None:
    """A focal point's ratios beside their regional group's and all countries' (aggregates only)."""
    compared = {
        label: results(builder_for(selection, view.lang))[1]
        for label, selection in view.comparisons.items()
        if selection is not None
    }
    if not compared:
        return None
    lab = builder.lab
    place = lab.code("country", view.scope.country)
    rows = []
    for dimension in dimensions:
        mine = ratios(now, dimension)
        others = {
            label: ratios(result, dimension).set_index(["population", "group"]) for label, result in compared.items()
        }
        for r in mine.itertuples():
            cells = [
                lab.population(r.population),
                lab.dimension(dimension),
                lab.code(dimension, r.group),
                lab.ratio_with_interval(r.ratio, r.ratio_low, r.ratio_high),
            ]
            for table in others.values():
                key = (r.population, r.group)
                other = table.loc[key] if key in table.index else None
                cells.append(
                    lab.ratio_with_interval(other["ratio"], other["ratio_low"], other["ratio_high"])
                    if other is not None
                    else "–"
                )
            rows.append(Row(cells, small=bool(r.small), flagged=bool(r.under_represented), base=_people(r.n)))
    return Table(
        _("Representation ratios: %(place)s, its regional group and all countries", place=place),
        [_("Population"), _("Dimension"), _("Group"), place, *compared.keys()],
        rows,
        text_columns=3,
    )


def _people(n) -> int | None:
    """The n a ratio rests on, for the disclosure rule (`presentation.disclosure`)."""
    return None if pd.isna(n) else int(n)


def build(view: View) -> PageContent:
    builder = view.builder
    trend, now = results(builder)
    focal = view.scope.country is not None
    dimensions = [d for d in (*MEASURED, *AGAINST_REGISTER) if not (focal and d == "regional_group")]
    headline = builder.section("diversity", trend)
    headline.notes.append(
        _("A group is flagged under-represented when its ratio is below 0.8 and the whole interval lies below 1.")
    )
    headline.notes.append(
        _(
            "Categories are compared with the register: a ratio of 1 means participants or "
            "respondents have the same share of the category as the people registered."
        )
    )
    sections = [headline]
    figures = [ratio_figure(builder, frame, d) for d in dimensions if len(frame := ratios(now, d))]
    if figures:
        sections.append(Section("representation", _("Representation against the references"), figures=figures))
    tables = [indices_table(builder, now)] if len(now.indices) else []
    if not focal and len(now.countries):
        tables.append(coverage_table(builder, now))
    if focal:
        compared = comparison_table(view, builder, now, dimensions)
        tables += [compared] if compared is not None else []
    if tables:
        sections.append(Section("indices", _("Diversity indices and coverage"), tables=tables))
    return PageContent(str(PAGE.title), sections)


# Not "Diversity": that is the indicator group's page, and the menu had two entries of that name.
PAGE = Page("diversity", _l("Representation by group"), build)
