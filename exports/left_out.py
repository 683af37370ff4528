"""Which questions a release leaves out by their kind, and why: one rule for the main table and the repeat
tables. Coordinates (geopoint, geotrace, geoshape) could point at a respondent's home or fields, and
scrubbing text does not remove numbers, so they are never exported. A calculation can hold what it was
computed from (a name joined to a surname), so it is free text: left out unless asked for, then scrubbed."""

from __future__ import annotations

from flask_babel import gettext as _

COORDINATES = frozenset({"geopoint", "geotrace", "geoshape"})
FREE_TEXT = frozenset({"text", "calculate"})


def left_out_because(form_type: str, *, pii: bool, free_text: bool) -> str | None:
    """Why a question of this XLSForm type stays out of a release (translated), or None when it goes in."""
    if pii:
        return _("Personal data: never exported")
    if form_type in COORDINATES:
        return _("Coordinates: never exported (they could locate a respondent)")
    if form_type in FREE_TEXT and not free_text:
        return _("Free text: left out (a release asked with free text includes it, scrubbed)")
    return None
