"""Who may see the dashboard, and how much of it.

The secretariat (and admins) see everything. A focal point, within an active assignment, sees
their own country, plus aggregates of their regional group and of all countries for comparison;
every other country's figures stay out of their reach. Everyone else is refused. The scope comes
from the signed-in account, never from the request.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g

from core.accounts.access import is_secretariat
from core.timeutil import utcnow
from stakeholders import focal_points


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
