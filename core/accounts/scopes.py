"""What a personal access token may read: its scopes, and the scopes each role may grant.

A token's scopes are never wider than its owner's role: the pages' access rules, read for the API.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.accounts.models import Role

READ_PUBLIC = "read:public"  # waves, instruments and question catalogues
READ_RESULTS = "read:results"  # aggregated results, indicators, participation summaries (the dashboard's)
READ_ROSTER = "read:roster"  # a focal point's country: roster and tables
READ_RELEASES = "read:releases"  # the secretariat's anonymised releases: list, request, download

SCOPES = (READ_PUBLIC, READ_RESULTS, READ_ROSTER, READ_RELEASES)

SCOPE_LABELS = {
    READ_PUBLIC: _l("Survey waves and question catalogues"),
    READ_RESULTS: _l("Aggregated results, indicators and participation summaries"),
    READ_ROSTER: _l("Your country's roster and tables"),
    READ_RELEASES: _l("Anonymised releases (list, request, download)"),
}

ROLE_SCOPES: dict[str, tuple[str, ...]] = {
    Role.STAKEHOLDER: (READ_PUBLIC,),
    Role.FOCAL_POINT: (READ_PUBLIC, READ_RESULTS, READ_ROSTER),
    Role.SECRETARIAT: (READ_PUBLIC, READ_RESULTS, READ_RELEASES),
    Role.ADMIN: (READ_PUBLIC, READ_RESULTS, READ_RELEASES),
}

MAX_DAYS = 366  # a token lives at most a year
DEFAULT_DAYS = 90


def allowed_scopes(role: str) -> tuple[str, ...]:
    return ROLE_SCOPES.get(str(role), ())
