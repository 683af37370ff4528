"""The diversity page: who is registered, who takes part and who answers, against stated references.

Regional groups are measured against their share of UN member states and gender against parity
(`analysis.indicators.diversity`); categories, which have no stated reference, against the
register itself, so the question is whether participants and respondents look like the people
registered. Each population (registered, participants, respondents) has its ratio with its
interval, its reference and the under-represented flag; the indices of diversity close the page.
The figures and tables are the report's (`presentation.sections.diversity`).

A focal point's own country has one regional group, so its page leaves regional ratios out and puts
its gender and category ratios beside its regional group's and all countries'.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from analysis.indicators import diversity
from dashboards.view import Page, PageContent, View, builder_for
from presentation.builder import Builder, as_count
from presentation.model import Row, Section, Table
from presentation.sections.diversity import (
    AGAINST_REGISTER,
    MEASURED,
    coverage_table,
    indices_table,
    ratio_figure,
    ratios,
    under_represented_note,
)


def results(builder: Builder) -> tuple[diversity.Diversity, diversity.Diversity]:
    """The indicator over every wave up to the selected one (for the headline) and over the selected
    wave's respondents (for the tables), as the plenary report computes them."""
    return builder.results("diversity"), builder.results("diversity", current=True)  # shared with the group page


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
            rows.append(Row(cells, small=bool(r.small), flagged=bool(r.under_represented), base=as_count(r.n)))
    return Table(
        _("Representation ratios: %(place)s, its regional group and all countries", place=place),
        [_("Population"), _("Dimension"), _("Group"), place, *compared.keys()],
        rows,
        text_columns=3,
    )


def build(view: View) -> PageContent:
    builder = view.builder
    trend, now = results(builder)
    focal = view.scope.country is not None
    dimensions = [d for d in (*MEASURED, *AGAINST_REGISTER) if not (focal and d == "regional_group")]
    headline = builder.section("diversity", trend)
    headline.notes.append(under_represented_note())
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
