"""A page per indicator group: the report's section for that group (headline card, summary
tables, charts with their tables, caveats), over the filtered frames.

A focal point's page is about one country. Its diversity card is the country's share of its
region's registered stakeholders against its share of the region's population (evenness across
the five regional groups means nothing for one country), and its concern figures, which are not
narrowed to a country, are labelled as all countries'."""

from __future__ import annotations

from dashboards.pages import map as world_map
from dashboards.scope import concerns_caveat, for_all_countries
from dashboards.view import PageContent, View
from presentation import headline
from presentation.builder import GROUP_TITLES
from presentation.headline import RegionalShare, regional_share_card
from presentation.model import Card
from presentation.sections import group_section


def builder(group: str):
    def build(view: View) -> PageContent:
        section = group_section(view.builder, group)
        if view.scope.is_country and section.card is not None:
            section.card = country_card(view, section.card)
            if group == "communication":
                concerns_caveat(section)
        return PageContent(section.title, [section])

    return build


def country_card(view: View, card: Card) -> Card:
    """A group's headline card as a focal point's country scope shows it."""
    if card.group == "diversity":
        return regional_share(view) or card
    return for_all_countries(card)


def regional_share(view: View) -> Card | None:
    """The country's diversity card (`presentation.headline.regional_share_card`), None without a
    regional group to compare with."""
    share = regional_share_of(view)
    return regional_share_card(view.lab, str(GROUP_TITLES["diversity"]), share) if share is not None else None


def regional_share_of(view: View) -> RegionalShare | None:
    """What the country's diversity card compares (`presentation.headline.regional_share`): the
    view's registry against its regional group's, with the map's population figures."""
    country, states = view.scope.country, view.selection.member_states
    found = states.loc[states["country"] == country, "regional_group"]
    if country is None or not len(found) or not found.iloc[0]:
        return None
    selection = view.comparisons.get(view.lab.code("regional_group", found.iloc[0]))
    if selection is None:
        return None
    return headline.regional_share(
        country, states, view.selection.data.registry, selection.data.registry, inhabitants_by_country()
    )


def inhabitants_by_country() -> dict[str, int]:
    """Each member state's latest population (the map's reference file), by ISO alpha-2 code."""
    people = world_map.population().by_iso3
    return {iso2: people[iso3] for iso2, iso3 in world_map.iso3_codes().items() if iso3 in people}
