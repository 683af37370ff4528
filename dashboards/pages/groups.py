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
from presentation.builder import GROUP_TITLES
from presentation.headline import regional_share_card
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
    country = view.scope.country
    states = view.selection.member_states
    found = states.loc[states["country"] == country, "regional_group"]
    if not len(found) or not found.iloc[0]:
        return None
    region = found.iloc[0]
    selection = view.comparisons.get(view.lab.code("regional_group", region))
    if selection is None:
        return None
    people = world_map.population().by_iso3
    iso3 = world_map.iso3_codes()
    members = states.loc[states["regional_group"] == region, "country"].astype(str)
    region_people = sum(people.get(iso3.get(code, ""), 0) for code in members)
    return regional_share_card(
        view.lab,
        str(GROUP_TITLES["diversity"]),
        country_n=int(world_map.people(view.selection, "registered").notna().sum()),
        region_n=int(world_map.people(selection, "registered").notna().sum()),
        country_people=people.get(iso3.get(country, "")),
        region_people=region_people,
    )
