"""Level of participation: records by year and type of activity, who took part, selection rates."""

from __future__ import annotations

from flask_babel import gettext as _

from presentation.builder import Builder, as_count, share_rows
from presentation.model import Figure, Row, Section, Table


def section(builder: Builder) -> Section:
    lab = builder.lab
    result = builder.results("participation")
    section = builder.section("participation", result)
    if len(result.by_year):
        section.tables.append(_by_year(builder, result.by_year))
    summary = result.summary
    if len(summary):
        pivot = summary.groupby(["year", "activity_type"])["records"].sum().unstack(fill_value=0).sort_index()
        series = {lab.code("activity_type", a): [int(v) for v in pivot[a]] for a in pivot.columns}
        title = _("Participation records by year and type of activity")
        table = Table(
            title,
            [_("Year")] + list(series),
            [
                Row(
                    [str(y)] + [lab.number(v) for v in pivot.loc[y]],
                    counts={i + 1: int(v) for i, v in enumerate(pivot.loc[y])},
                )
                for y in pivot.index
            ],
        )
        section.figures.append(
            Figure(title, builder.charts.counts(title, [str(y) for y in pivot.index], series), table)
        )
    per = result.per_registered.reset_index()
    if len(per):
        rows = share_rows(per, lambda r: lab.code("regional_group", r["regional_group"]), "share")
        title = _("Registered stakeholders who took part, by regional group")
        section.figures.append(
            Figure(
                title,
                builder.charts.shares(title, rows),
                builder.share_table(title, rows, lab.dimension("regional_group")),
            )
        )
    if len(result.selection_by_group):
        section.tables.append(_selection(builder, result.selection_by_group))
    return section


def _by_year(builder: Builder, by_year) -> Table:
    names = {
        "nominations": _("Nominations"),
        "selected_experts": _("Selected experts"),
        "fellows": _("Fellows"),
        "reviewers": _("Reviewers"),
        "review_comments": _("Review comments"),
        "participants": _("Participants"),
        "inputs": _("Inputs submitted"),
        "people": _("People"),
    }
    columns = [c for c in names if c in by_year.columns]
    return Table(
        _("Participation by year"),
        [_("Year")] + [names[c] for c in columns],
        [
            Row(
                [str(year)] + [builder.lab.number(row[c]) for c in columns],
                counts={i + 1: as_count(row[c]) or 0 for i, c in enumerate(columns)},
            )
            for year, row in by_year.iterrows()
        ],
    )


def _selection(builder: Builder, selection) -> Table:
    lab = builder.lab
    return Table(
        _("Selection rates from nominations"),
        [
            _("Breakdown"),
            _("Group"),
            _("Nominated"),
            _("Selected"),
            _("Share (%(level)s interval)", level=lab.level),
        ],
        [
            Row(
                [
                    lab.dimension(r["breakdown"]),
                    lab.code(r["breakdown"], r["group"]),
                    lab.number(r["nominated"]),
                    lab.number(r["selected"]),
                    lab.share_with_interval(r["share"], r["low"], r["high"]),
                ],
                small=bool(r["small"]),
                counts={2: as_count(r["nominated"]) or 0, 3: as_count(r["selected"]) or 0},
            )
            for _i, r in selection.iterrows()
        ],
        text_columns=2,
        rests_on={4: (2, 3)},
    )
