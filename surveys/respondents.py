"""Starting and resuming a response: from a personal invitation or a network's open link.

The link is the credential. An invitation token finds the one response of that stakeholder
in that wave (a database constraint makes it one); an open-link respondent receives a private
resume token of their own, of which only the sha256 is stored.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core.config import LANGUAGES
from core.ratelimit import Throttle
from core.timeutil import utcnow
from surveys import answering, waves
from surveys.definition import Definition
from surveys.models import InstrumentVersion, Invitation, OpenLink, Response, Wave

# New responses one address may start through one open link: enough for a shared office
# connection, too few to flood a wave with made-up answers.
OPEN_LINK_LIMIT = "30/hour"


class LinkInvalid(LookupError):
    """No such link, or it no longer leads anywhere (deactivated, stakeholder erased)."""


class WaveNotOpen(Exception):
    def __init__(self, wave: Wave, state: str):
        super().__init__(state)
        self.wave = wave
        self.state = state  # draft | scheduled | closed


class TooManyStarts(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


@dataclass
class Respondent:
    """A response and how it was reached."""

    response: Response
    wave: Wave
    kind: str  # "i" (invitation) or "r" (resume token of an open link)
    token: str
    content_hash: str | None = None  # of the response's version, when it was read with it

    @property
    def registry(self) -> bool:
        return self.kind == "i"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _language(language: str | None, fallback: str) -> str:
    return language if language in LANGUAGES else fallback


def require_open(wave: Wave) -> None:
    state = waves.state(wave)
    if state != "open":
        raise WaveNotOpen(wave, state)


# --- invitations ------------------------------------------------------------------------------


def find_invitation(session: Session, token: str) -> tuple[Invitation, Wave]:
    found = session.exec(
        select(Invitation, Wave).join(Wave, Wave.id == Invitation.wave_id).where(Invitation.token == token)
    ).first()
    if found is None or found[0].stakeholder_id is None:
        raise LinkInvalid(token)
    return found


def start_from_invitation(session: Session, *, token: str) -> Respondent:
    """The invited stakeholder's response, created on first visit while the wave is open.

    A submitted response is returned whatever the wave's state, so its confirmation stays
    reachable after the wave closes.
    """
    invitation, wave = find_invitation(session, token)
    response = _invited_response(session, invitation)
    if response is None:
        require_open(wave)
        response = Response(
            wave_id=wave.id,
            version_id=wave.version_id,
            stakeholder_id=invitation.stakeholder_id,
            submission_key=new_token(),
            draft=answering.default_answers(definition_for(session, wave.version_id)),
            language=_language(invitation.language, "en"),
        )
        session.add(response)
        try:
            session.commit()
        except IntegrityError:  # a second tab (or a double click) created it first
            session.rollback()
            response = _invited_response(session, invitation)
            if response is None:
                raise
    return Respondent(response, wave, "i", token)


def _invited_response(session: Session, invitation: Invitation) -> Response | None:
    return session.exec(
        select(Response).where(
            Response.wave_id == invitation.wave_id, Response.stakeholder_id == invitation.stakeholder_id
        )
    ).first()


# --- open links -------------------------------------------------------------------------------


def find_open_link(session: Session, token: str) -> tuple[OpenLink, Wave]:
    found = session.exec(
        select(OpenLink, Wave).join(Wave, Wave.id == OpenLink.wave_id).where(OpenLink.token == token)
    ).first()
    if found is None or not found[0].is_active:
        raise LinkInvalid(token)
    return found


def start_from_open_link(
    session: Session, *, throttle: Throttle, token: str, client: str, language: str | None = None
) -> tuple[Respondent, str]:
    """A new anonymous response referred by the link's network, and its private resume token.

    The resume token is returned once and never stored in clear.
    """
    link, wave = find_open_link(session, token)
    require_open(wave)
    key = ("survey-open-link", str(link.id), client)
    if not throttle.hit(OPEN_LINK_LIMIT, *key):
        raise TooManyStarts(throttle.retry_after(OPEN_LINK_LIMIT, *key))
    resume = new_token()
    response = Response(
        wave_id=wave.id,
        version_id=wave.version_id,
        open_link_id=link.id,
        submission_key=new_token(),
        draft=answering.default_answers(definition_for(session, wave.version_id)),
        resume_token_hash=hash_token(resume),
        language=_language(language, "en"),
    )
    session.add(response)
    session.commit()
    return Respondent(response, wave, "r", resume), resume


def resume(session: Session, *, kind: str, token: str) -> Respondent:
    """The response behind a respondent's link (`kind` "i": invitation, "r": resume token).

    One query on every request of a respondent: the response, its wave and its version's content
    hash (so `definition_of` reads nothing more), found through the invitation or the resume token.
    """
    if kind == "i":
        statement, value = _RESUME_INVITED, token
    else:
        statement, value = _RESUME_OPEN, hash_token(token)
    found = session.exec(statement, params={"token": value}).first()
    if found is None:  # no such link, the stakeholder erased, or (invitation) no response started
        raise LinkInvalid(token)
    return Respondent(found[0], found[1], kind, token, content_hash=found[2])


def _resume_statement(*conditions):
    return (
        select(Response, Wave, InstrumentVersion.content_hash)
        .join(Wave, Wave.id == Response.wave_id)
        .join(InstrumentVersion, InstrumentVersion.id == Response.version_id)
        .where(*conditions)
    )


# Built once: composing them costs more than running them. An invitation whose stakeholder was
# erased (stakeholder_id NULL) joins no response, as `find_invitation` refuses it.
_RESUME_INVITED = _resume_statement(
    Invitation.token == bindparam("token"),
    Invitation.wave_id == Response.wave_id,
    Invitation.stakeholder_id == Response.stakeholder_id,
)
_RESUME_OPEN = _resume_statement(Response.resume_token_hash == bindparam("token"))


_DEFINITIONS: dict[str, Definition] = {}


def definition_for(session: Session, version_id: int, content_hash: str | None = None) -> Definition:
    """The definition a response is answered under, parsed once per process per content hash.

    Only the hash is read on each request (none when the caller knows it): versions are
    immutable, the JSON is not small.
    """
    if content_hash is None:
        content_hash = session.exec(
            select(InstrumentVersion.content_hash).where(InstrumentVersion.id == version_id)
        ).one()
    definition = _DEFINITIONS.get(content_hash)
    if definition is None:
        data = session.exec(select(InstrumentVersion.definition).where(InstrumentVersion.id == version_id)).one()
        definition = _DEFINITIONS[content_hash] = Definition.from_dict(data)
    return definition


def definition_of(session: Session, respondent: Respondent) -> Definition:
    """The definition the respondent's response is answered under."""
    return definition_for(session, respondent.response.version_id, respondent.content_hash)


# --- drafts -----------------------------------------------------------------------------------


def can_change(respondent: Respondent) -> bool:
    """Whether answers may still be changed: a draft, or a submission the wave lets be edited."""
    if waves.state(respondent.wave) != "open":
        return False
    return respondent.response.status == "draft" or respondent.wave.allow_editing


def save_draft(
    session: Session, response: Response, raw: dict, *, page_number: int | None = None, language: str | None = None
) -> None:
    """Keep a page's raw answers server-side (and the furthest page reached, for drop-off)."""
    draft = dict(response.draft or {})
    for name, value in raw.items():
        if value is None:
            draft.pop(name, None)
        else:
            draft[name] = value
    response.draft = draft  # a new dict, so the JSON column is seen as changed
    if page_number is not None and page_number > response.last_page:
        response.last_page = page_number
    if language in LANGUAGES:
        response.language = language
    response.updated_at = utcnow()
    session.add(response)
    session.commit()


def set_language(session: Session, response: Response, language: str) -> None:
    if language in LANGUAGES and language != response.language:
        response.language = language
        session.add(response)
        session.commit()


def start_editing(session: Session, respondent: Respondent) -> None:
    """Open a submitted response for changes: a fresh key for the next submission.

    The submitted answers stay in place (and count) until the new submission replaces them;
    a clear digest marks the new key as not used yet.
    """
    response = respondent.response
    if response.status != "submitted" or not can_change(respondent):
        raise WaveNotOpen(respondent.wave, waves.state(respondent.wave))
    if response.content_digest is None:
        return  # already editing
    response.submission_key = new_token()
    response.content_digest = None
    response.updated_at = utcnow()
    session.add(response)
    session.commit()


def is_editing(response: Response) -> bool:
    return response.status == "submitted" and response.content_digest is None
