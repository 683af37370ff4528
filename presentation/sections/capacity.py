"""Capacity to address challenges: the barriers respondents name and the steps planned for them."""

from __future__ import annotations

from flask_babel import gettext as _

from presentation.builder import Builder, as_count, share_rows
from presentation.model import Figure, Row, Section, Table


def section(builder: Builder) -> Section:
    lab = builder.lab
    trend, now = builder.results("capacity"), builder.results("capacity", current=True)
    section = builder.section("capacity", trend)
    labels = builder.choice_labels("barriers")

    def barrier(code) -> str:
        return labels.get(code) or lab.code("barrier", code)

    if len(now.barriers):
        rows = share_rows(now.barriers, lambda r: barrier(r["choice"]))
        title = _("Barriers to engaging named by respondents (%(wave)s)", wave=builder.data.waves[-1].name)
        section.figures.append(
            Figure(title, builder.charts.shares(title, rows), builder.share_table(title, rows, _("Barrier")))
        )
        section.figures[-1].table.note = builder.base_note("barriers")
    if len(now.top):
        section.tables.append(_steps(builder, now, barrier))
    if len(trend.any_barrier):
        section.tables.append(
            builder.by_year_share(_("Respondents naming at least one barrier, by year"), trend.any_barrier)
        )
    return section


def _steps(builder: Builder, now, barrier) -> Table:
    lab = builder.lab
    bases = dict(zip(now.barriers["choice"], now.barriers["n"])) if len(now.barriers) else {}
    return Table(
        _("The most-cited barriers and the steps planned"),
        [_("Barrier"), _("Share"), _("Planned steps"), _("Open"), _("Overdue"), _("Has a step")],
        [
            Row(
                [
                    barrier(r["choice"]),
                    lab.percent(r["estimate"]),
                    lab.number(r["actions"]),
                    lab.number(r["open"]),
                    lab.number(r["overdue"]),
                    _("Yes") if r["has_action"] else _("No"),
                ],
                flagged=not r["has_action"],
                base=as_count(bases.get(r["choice"])),
            )
            for _i, r in now.top.iterrows()
        ],
        _(
            "Covered: %(share)s of the most-cited barriers have a planned step.",
            share=lab.percent(now.top_covered_share),
        ),
    )
