"""Signed links that let an invited stakeholder opt out of survey invitations (no sign-in needed).

Made when invitations are mailed (surveys/mailing.py, surveys/invitations.py) and read by the
opt-out page (surveys/views/unsubscribe.py).
"""

from __future__ import annotations

from core.accounts import tokens

PURPOSE = "survey-optout"
MAX_AGE = 2 * 366 * 24 * 3600  # invitations are kept and reopened for months; opting out is harmless
STATE = "survey-optout"  # nothing to expire: opting out twice changes nothing


def make_unsubscribe_token(stakeholder_id: int) -> str:
    return tokens.make_token(PURPOSE, stakeholder_id, STATE)


def read_unsubscribe_token(token: str) -> int | None:
    found = tokens.read_token(PURPOSE, token, MAX_AGE)
    return found[0] if found else None
