"""Evidence of outputs and impact: published impact records by year, type, scale and region, and the
IPBES products respondents used."""

from __future__ import annotations

from flask_babel import gettext as _

from presentation.builder import Builder, as_count, share_rows
from presentation.model import Figure, Row, Section, Table


def section(builder: Builder) -> Section:
    lab = builder.lab
    trend, now = builder.results("impact"), builder.results("impact", current=True)
    section = builder.section("impact", trend)
    counts = trend.counts[trend.counts["dimension"] == "type"].dropna(subset=["year"])
    if len(counts):
        pivot = counts.pivot_table(index="year", columns="group", values="records", aggfunc="sum", fill_value=0)
        pivot = pivot.sort_index()
        series = {lab.code("type", c): [int(v) for v in pivot[c]] for c in pivot.columns}
        title = _("Impact records published, by year and type")
        table = Table(
            title,
            [_("Year")] + list(series),
            [
                Row(
                    [str(int(y))] + [lab.number(v) for v in pivot.loc[y]],
                    counts={i + 1: int(v) for i, v in enumerate(pivot.loc[y])},
                )
                for y in pivot.index
            ],
        )
        section.figures.append(
            Figure(title, builder.charts.counts(title, [str(int(y)) for y in pivot.index], series), table)
        )
    totals = trend.totals[trend.totals["dimension"].isin(["scale", "regional_group"])]
    if len(totals):
        section.tables.append(_totals(builder, trend, totals))
    uses = now.uses[now.uses["question"] == "products_used"]
    if len(uses):
        labels = builder.choice_labels("products_used")
        rows = share_rows(uses, lambda r: labels.get(r["choice"], r["choice"]))
        title = _("IPBES products respondents used (%(wave)s)", wave=builder.data.waves[-1].name)
        section.figures.append(
            Figure(title, builder.charts.shares(title, rows), builder.share_table(title, rows, _("Product")))
        )
        section.figures[-1].table.note = builder.base_note("products_used")
    return section


def _totals(builder: Builder, trend, totals) -> Table:
    lab = builder.lab
    return Table(
        _("Published impact records by scale and region"),
        [_("Dimension"), _("Group"), _("Records")],
        [
            Row(
                [
                    lab.dimension(r["dimension"]),
                    lab.code(r["dimension"], r["group"]),
                    lab.number(r["records"]),
                ],
                counts={2: as_count(r["records"]) or 0},
            )
            for _i, r in totals.iterrows()
        ],
        _(
            "%(published)s published, %(pending)s awaiting moderation.",
            published=lab.number(trend.published),
            pending=lab.number(trend.pending),
        ),
        text_columns=2,
        note_counts=(int(trend.published), int(trend.pending)),
    )
