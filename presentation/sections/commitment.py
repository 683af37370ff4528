"""Stakeholder commitment: the evidence register and how clear respondents find it to engage."""

from __future__ import annotations

import pandas as pd
from flask_babel import gettext as _

from presentation.builder import Builder, share_rows
from presentation.model import Figure, Row, Section, Table


def section(builder: Builder) -> Section:
    lab = builder.lab
    trend, now = builder.results("commitment"), builder.results("commitment", current=True)
    section = builder.section("commitment", trend)
    section.tables.append(_register(builder, now))
    clarity = now.clarity.reset_index()
    if len(clarity):
        rows = share_rows(clarity, lambda r: lab.code("regional_group", r["group"]), "top_two")
        title = _(
            "Agree that it is clear how to engage, by regional group (%(wave)s)", wave=builder.data.waves[-1].name
        )
        section.figures.append(
            Figure(
                title,
                builder.charts.shares(title, rows),
                builder.share_table(title, rows, lab.dimension("regional_group")),
            )
        )
    if len(trend.clarity_by_year):
        section.tables.append(
            builder.by_year_share(
                _("Agree that it is clear how to engage, by year"),
                trend.clarity_by_year,
                "top_two",
                builder.top_two_note("clarity"),
            )
        )
    return section


def _register(builder: Builder, now) -> Table:
    lab = builder.lab
    kinds = [
        Row(
            [
                lab.code("kind", kind),
                lab.number(row["documents"]),
                lab.date(row["latest_date"].date()) if pd.notna(row["latest_date"]) else "–",
                lab.number(row["all_languages"]),
            ],
            flagged=bool(row["required"] and row["documents"] == 0),
        )
        for kind, row in now.kinds.iterrows()
    ]
    return Table(
        _("Evidence register"),
        [_("Kind of document"), _("Documents"), _("Latest"), _("In all six languages")],
        kinds,
        _("Register completeness: %(share)s.", share=lab.percent(now.completeness)),
    )
