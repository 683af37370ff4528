"""Input models of the account package: what a personal access token is made from."""

from __future__ import annotations

from core.accounts.scopes import SCOPES
from core.schemas import Codes, Day, Schema, Text


class ApiTokenCreate(Schema):
    """A token as its owner asks for it on the account page; the service checks the scopes against the
    owner's role and the expiry against today (`core.accounts.api_tokens`)."""

    name: Text(100, required=True)
    scopes: Codes(SCOPES)
    expires_on: Day
