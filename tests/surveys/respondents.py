"""A stakeholder invited to a survey, as the test client: where their first page is, and the draft they leave."""

from __future__ import annotations

from sqlmodel import select

from surveys.models import Response
from tests.factories import make_instrument_version, make_invitation, make_stakeholder, make_wave


def first_page(client, session, definition, *, code: str = "test-survey", language: str = "fr", **person) -> str:
    """The address a new stakeholder (`person`: the factory's fields) is sent to when they open their invitation
    to a wave of `definition` in `language`."""
    wave = make_wave(session, version=make_instrument_version(session, definition=definition, code=code))
    stakeholder = make_stakeholder(session, **person)
    invitation = make_invitation(session, wave=wave, stakeholder=stakeholder, language=language)
    return client.get(f"/survey/i/{invitation.token}").headers["Location"]


def only_draft(session) -> dict:
    """The draft of the only response, as stored now."""
    session.expire_all()
    return session.exec(select(Response)).one().draft
