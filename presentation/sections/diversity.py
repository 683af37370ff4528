"""Diversity: representation ratios of registered stakeholders, participants and respondents against
a stated reference, and diversity indices.

The rows are built here once, for the plenary report's section and the dashboard's representation
page (`dashboards.pages.diversity`) alike: `ratio_figure`, `indices_table`, `coverage_table`, and
`ratios` (categories, which have no stated reference, against the register itself).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from flask_babel import gettext as _

from analysis.indicators import diversity
from presentation.builder import Builder, as_count
from presentation.model import Figure, Row, Section, Table

MEASURED = ("regional_group", "gender")  # dimensions with a stated reference
AGAINST_REGISTER = ("category",)
INDEX_DIMENSIONS = ("regional_group", "gender", "category", "country")


def section(builder: Builder) -> Section:
    trend, now = builder.results("diversity"), builder.results("diversity", current=True)
    section = builder.section("diversity", trend)
    for dimension in MEASURED:
        frame = ratios(now, dimension)
        if len(frame):
            section.figures.append(ratio_figure(builder, frame, dimension))
    if len(now.indices):
        section.tables.append(indices_table(builder, now))
    section.notes.append(under_represented_note())
    return section


def under_represented_note() -> str:
    return _("A group is flagged under-represented when its ratio is below 0.8 and the whole interval lies below 1.")


# --- the ratios -----------------------------------------------------------------------------------


def ratios(result: diversity.Diversity, dimension: str) -> pd.DataFrame:
    """The representation rows of one dimension (columns as `Diversity.representation`)."""
    if dimension in AGAINST_REGISTER:
        return against_register(result, dimension)
    return result.representation[result.representation["dimension"] == dimension]


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


def reference_label(dimension: str) -> str:
    if dimension == "regional_group":
        return _("member-state share")
    if dimension == "gender":
        return _("parity")
    return _("share in the register")


def ratio_figure(builder: Builder, frame: pd.DataFrame, dimension: str) -> Figure:
    """The ratios of one dimension, one series per population, with the table behind them."""
    lab = builder.lab
    reference = reference_label(dimension)
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
    return Figure(title, builder.charts.ratios(title, points, reference), ratio_table(builder, frame, dimension, title))


def ratio_table(builder: Builder, frame: pd.DataFrame, dimension: str, title: str) -> Table:
    lab = builder.lab
    return Table(
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
                base=as_count(r.n),  # the n a ratio rests on, for the disclosure rule
            )
            for r in frame.itertuples()
        ],
        text_columns=2,
    )


# --- indices and coverage ---------------------------------------------------------------------------


def indices_table(builder: Builder, result: diversity.Diversity) -> Table:
    """The diversity indices of each population and dimension. Each row says the smallest group count
    it is computed from (`Row.least`): with the total, an index over a group of one or two people
    could give that group away, so the disclosure rule hides it."""
    lab = builder.lab
    indices = result.indices[result.indices["dimension"].isin(INDEX_DIMENSIONS)]
    least = _least_counts(result.distribution)
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
                ],
                least=least.get((r.population, r.dimension)),
            )
            for r in indices.itertuples()
        ],
        _("Evenness is 1 when a population spreads equally over every category a dimension has."),
        text_columns=2,
    )


def _least_counts(distribution: pd.DataFrame) -> dict[tuple[str, str], int]:
    """(population, dimension) -> the smallest count of people in any of its groups (groups of nobody aside)."""
    counted = distribution[distribution["n"].to_numpy(dtype="int64") > 0]
    if not len(counted):
        return {}
    smallest = counted.groupby(["population", "dimension"], sort=False)["n"].min()
    return {key: int(n) for key, n in smallest.items()}


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
