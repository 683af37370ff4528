"""What erasing or merging a stakeholder does to their survey records.

The registry (a lower layer) knows nothing of surveys; it calls the hooks this module
registers on it (`stakeholders.self_service.ERASURE_HOOKS`, `stakeholders.merging.MERGE_HOOKS`).
`app.register_hooks` registers them, for every app (`create_app`) and script (`app.load_models`).

Erasure keeps submitted answers, which belong to the survey's results, and cuts every link to
the person: the response's `stakeholder_id`, answers to questions marked `pii`, drafts and the
survey opt-out. The profile frozen at submission (regional group, country, category, gender,
type) stays, so past results do not change. Response rates pair invitations with responses
through the stakeholder, so an answered invitation goes with the link (invited and answered
both drop by one); an unanswered one stays as an anonymous "invited, no answer" with a new
token, so an old link in a mailbox stops working and no reminder can reach anyone.
"""

from __future__ import annotations

import secrets

from sqlmodel import Session, delete, select

from stakeholders import merging, self_service
from surveys.definition import Definition
from surveys.models import Answer, InstrumentVersion, Invitation, Response, SurveyOptOut


def _pii_questions(session: Session, version_ids: set[int]) -> dict[int, list[str]]:
    found = {}
    for version in session.exec(select(InstrumentVersion).where(InstrumentVersion.id.in_(version_ids))):
        definition = Definition.from_dict(version.definition)
        in_repeats = [q for repeat in definition.repeats() for q in repeat.questions()]
        found[version.id] = [q.name for q in definition.questions() + in_repeats if q.pii]
    return found


def _forget_responses(session: Session, responses: list[Response]) -> None:
    """Drop personal content from submitted responses and unlink them."""
    pii = _pii_questions(session, {r.version_id for r in responses})
    for response in responses:
        if pii.get(response.version_id):
            session.exec(
                delete(Answer).where(Answer.response_id == response.id, Answer.question.in_(pii[response.version_id]))
            )
        response.stakeholder_id = None
        response.draft = {}  # the answers live in Answer rows; raw text may name the person
        session.add(response)


def _delete_drafts(session: Session, drafts: list[Response]) -> None:
    ids = [draft.id for draft in drafts]
    if ids:
        session.exec(delete(Answer).where(Answer.response_id.in_(ids)))
        session.exec(delete(Response).where(Response.id.in_(ids)))


def detach_stakeholder(session: Session, stakeholder_id: int) -> None:
    """Cut every survey link to a stakeholder being erased. No commit: the caller's action commits."""
    responses = session.exec(select(Response).where(Response.stakeholder_id == stakeholder_id)).all()
    answered = {r.wave_id for r in responses if r.status == "submitted"}
    _delete_drafts(session, [r for r in responses if r.status != "submitted"])
    _forget_responses(session, [r for r in responses if r.status == "submitted"])
    for invitation in session.exec(select(Invitation).where(Invitation.stakeholder_id == stakeholder_id)).all():
        if invitation.wave_id in answered:
            # Response rates pair invitations with responses through the stakeholder: once the
            # response is unlinked, a kept invitation would count as "invited, never answered".
            session.delete(invitation)
        else:
            invitation.stakeholder_id = None
            invitation.token = secrets.token_urlsafe(32)  # nobody holds this one: the emailed link dies
            session.add(invitation)
    session.exec(delete(SurveyOptOut).where(SurveyOptOut.stakeholder_id == stakeholder_id))
    session.flush()


def merge_stakeholder(session: Session, keeper_id: int, duplicate_id: int) -> None:
    """Move a duplicate's survey records to the keeper before the duplicate is deleted. No commit.

    One response per stakeholder per wave still holds. Where both answered the same wave, both
    submitted responses are kept (each is a real submission and counts in the results) and the
    duplicate's is unlinked as on erasure; a draft gives way to a submitted response, and of two
    drafts the keeper's stays. Where both were invited, the keeper's invitation stays.
    """
    keeper = {r.wave_id: r for r in session.exec(select(Response).where(Response.stakeholder_id == keeper_id))}
    drop, unlink, move = [], [], []
    for response in session.exec(select(Response).where(Response.stakeholder_id == duplicate_id)).all():
        kept = keeper.get(response.wave_id)
        if kept is None:
            move.append(response)
        elif response.status != "submitted":
            drop.append(response)
        elif kept.status != "submitted":
            drop.append(kept)
            move.append(response)
        else:
            unlink.append(response)
    _delete_drafts(session, drop)
    for response in unlink:
        response.stakeholder_id = None
        session.add(response)
    session.flush()  # free (wave, stakeholder) before the moves take it
    for response in move:
        response.stakeholder_id = keeper_id
        session.add(response)
    invited = set(session.exec(select(Invitation.wave_id).where(Invitation.stakeholder_id == keeper_id)).all())
    for invitation in session.exec(select(Invitation).where(Invitation.stakeholder_id == duplicate_id)).all():
        if invitation.wave_id in invited:
            session.delete(invitation)
        else:
            invitation.stakeholder_id = keeper_id
            session.add(invitation)
    if session.get(SurveyOptOut, duplicate_id) is not None:  # the person asked for no more survey mail
        if session.get(SurveyOptOut, keeper_id) is None:
            session.add(SurveyOptOut(stakeholder_id=keeper_id))
        session.exec(delete(SurveyOptOut).where(SurveyOptOut.stakeholder_id == duplicate_id))
    session.flush()


def register_hooks() -> None:
    """Have the registry call this module when it erases or merges a stakeholder (app.py does, once per app)."""
    if detach_stakeholder not in self_service.ERASURE_HOOKS:
        self_service.ERASURE_HOOKS.append(detach_stakeholder)
    if merge_stakeholder not in merging.MERGE_HOOKS:
        merging.MERGE_HOOKS.append(merge_stakeholder)
