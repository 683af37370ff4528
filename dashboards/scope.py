"""Who may see the dashboard, and how much of it.

The secretariat (and admins) see everything. A focal point, within an active assignment, sees
their own country, plus aggregates of their regional group and of all countries for comparison;
every other country's figures stay out of their reach. Everyone else is refused. The scope comes
from the signed-in account, never from the request.

What a focal point sees goes through the one disclosure rule (`presentation.disclosure`): every
page's content is built, then suppressed (`disclosed`), whatever the page; tables downloaded from a
page are the page's tables, and the plenary report downloaded from the dashboard is suppressed
by the same rule (`dashboards.downloads`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import wraps

from flask import g
from flask_babel import gettext as _

from core.accounts.access import is_secretariat
from core.timeutil import utcnow
from presentation.disclosure import Disclosure, threshold
from presentation.model import Card, Section
from stakeholders import focal_points

# Concerns record the raiser's regional group and category, not their country.
ALL_COUNTRIES_MEASURES = ("concerns_addressed_share",)


@dataclass(frozen=True)
class Scope:
    country: str | None = None  # None: every country (the secretariat)

    @property
    def is_country(self) -> bool:
        return self.country is not None


EVERYTHING = Scope()


def scope_of(session, user) -> Scope | None:
    """The user's scope, or None when they may not see the dashboard at all."""
    if not getattr(user, "is_authenticated", False):
        return None
    if is_secretariat(user):
        return EVERYTHING
    if focal_points.may_see_roster(session, user, utcnow().date()):
        return Scope(country=user.focal_country)
    return None


def current_scope() -> Scope:
    """The signed-in user's scope, checked once per request by the route guard (`mount`)."""
    return g.dashboard_scope


def disclosure_for(scope: Scope) -> Disclosure | None:
    """The disclosure rule for this scope: None for the secretariat, who see every count."""
    return Disclosure(threshold()) if scope.is_country else None


def disclosed(build: Callable) -> Callable:
    """A page's build (View -> PageContent) whose content a focal point gets suppressed."""

    @wraps(build)
    def built(view):
        content = build(view)
        rule = disclosure_for(view.scope)
        if rule is not None:
            content.sections = rule.sections(content.sections)
        return content

    return built


def for_all_countries(card: Card) -> Card:
    """A country card whose figure is not narrowed to the country, labelled as all countries'."""
    if card.code not in ALL_COUNTRIES_MEASURES:
        return card
    return replace(card, measure=_("%(measure)s (all countries)", measure=card.measure))


def concerns_caveat(section: Section) -> Section:
    """The communication section of a country: its concern figures are all countries'."""
    section.caveats.insert(0, _all_countries_concerns())
    return section


def scope_caveats(scope: Scope) -> dict[str, list[str]]:
    """Section id -> caveats a country scope adds to the report (its concern figures are all countries')."""
    return {"communication": [_all_countries_concerns()]} if scope.is_country else {}


def _all_countries_concerns() -> str:
    return _("Concern figures are for all countries: a concern records its region and category, not its country.")
