"""The overview: one card per indicator group with its headline figure, the change since the year
before and its status. A focal point sees their country's cards beside their regional group's
and all countries' figures."""

from __future__ import annotations

from flask_babel import gettext as _

from analysis.indicators import GROUPS
from dashboards.pages.groups import country_card
from dashboards.scope import disclosure_for
from dashboards.view import PageContent, View, builder_for
from presentation.builder import Builder
from presentation.model import Row, Section, Table


def cards(builder: Builder) -> list:
    """Each group's headline card: all it needs is the group's result over the history."""
    return [builder.card(group, builder.results(group)) for group in GROUPS]


def build(view: View) -> PageContent:
    mine = cards(view.builder)
    rule = disclosure_for(view.scope)
    if rule is not None:  # the comparison table below shows the same values: hide them first
        mine = [rule.card(country_card(view, card)) for card in mine]
    sections = [Section(card.group, card.title, card) for card in mine]
    if view.comparisons:
        compared = {label: cards(builder_for(selection, view.lang)) for label, selection in view.comparisons.items()}
        if rule is not None:
            compared = {label: [rule.card(card) for card in found] for label, found in compared.items()}
        lab = view.lab
        place = lab.code("country", view.scope.country)
        rows = []
        for index, card in enumerate(mine):
            rows.append(
                Row(
                    [card.measure, f"{card.value} ({card.year})" if card.year else card.value]
                    # A country's own measure (its regional share) has no regional or world counterpart.
                    + [others[index].value if others[index].code == card.code else "–" for others in compared.values()]
                )
            )
        sections.append(
            Section(
                "comparison",
                _("Compared with the region and the world"),
                tables=[
                    Table(
                        _("Headline figures: %(place)s, its regional group and all countries", place=place),
                        [_("Measure"), place, *compared.keys()],
                        rows,
                    )
                ],
            )
        )
    return PageContent(_("Engagement indicators of decision IPBES-3/4"), sections)
