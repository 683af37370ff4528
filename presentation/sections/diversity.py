"""Diversity: representation ratios of registered stakeholders, participants and respondents against
a stated reference, and diversity indices."""

from __future__ import annotations

import pandas as pd
from flask_babel import gettext as _

from presentation.builder import Builder, as_count
from presentation.model import Figure, Row, Section, Table


def section(builder: Builder) -> Section:
    trend, now = builder.results("diversity"), builder.results("diversity", current=True)
    section = builder.section("diversity", trend)
    table = now.representation
    for dimension in ("regional_group", "gender"):
        rows_frame = table[table["dimension"] == dimension]
        if len(rows_frame):
            section.figures.append(_ratios(builder, dimension, rows_frame))
    indices = now.indices[now.indices["dimension"].isin(["regional_group", "gender", "category", "country"])]
    if len(indices):
        section.tables.append(_indices(builder, indices))
    section.notes.append(
        _("A group is flagged under-represented when its ratio is below 0.8 and the whole interval lies below 1.")
    )
    return section


def _ratios(builder: Builder, dimension: str, rows_frame: pd.DataFrame) -> Figure:
    lab = builder.lab
    rows = [
        {
            "label": lab.code(dimension, r["group"]),
            "series": lab.population(r["population"]),
            "ratio": r["ratio"],
            "ratio_low": r["ratio_low"],
            "ratio_high": r["ratio_high"],
            "n": r["n"],
        }
        for _i, r in rows_frame.iterrows()
    ]
    reference = _("member-state share") if dimension == "regional_group" else _("parity")
    title = _(
        "Representation ratio by %(dimension)s (1 = %(reference)s)",
        dimension=lab.dimension_in_sentence(dimension),
        reference=reference,
    )
    data_table = Table(
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
                    lab.population(r["population"]),
                    lab.code(dimension, r["group"]),
                    lab.number(r["n"]),
                    lab.percent(r["share"]),
                    lab.percent(r["reference"]),
                    lab.ratio_with_interval(r["ratio"], r["ratio_low"], r["ratio_high"]),
                    _("Yes") if r["under_represented"] else "",
                ],
                small=bool(r["small"]),
                flagged=bool(r["under_represented"]),
                base=as_count(r["n"]),
            )
            for _i, r in rows_frame.iterrows()
        ],
        text_columns=2,
    )
    return Figure(title, builder.charts.ratios(title, rows, reference), data_table)


def _indices(builder: Builder, indices: pd.DataFrame) -> Table:
    lab = builder.lab
    return Table(
        _("Diversity indices"),
        [_("Population"), _("Dimension"), _("Shannon index"), _("Evenness"), _("Gini-Simpson index")],
        [
            Row(
                [
                    lab.population(r["population"]),
                    lab.dimension(r["dimension"]),
                    lab.number(r["shannon"], 2),
                    lab.number(r["evenness"], 2),
                    lab.number(r["simpson"], 2),
                ]
            )
            for _i, r in indices.iterrows()
        ],
        text_columns=2,
    )
