"""Merging duplicates without losing anything linked to them."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session, select

from core import audit
from core.accounts.models import User
from stakeholders.models import (
    ConsentRecord,
    ObserverAdmission,
    Organisation,
    OrganisationName,
    Participation,
    Stakeholder,
    StakeholderAttribute,
)
from stakeholders.services import RegistryError


def _move_participation(session: Session, column: str, duplicate_id: int, keeper_id: int) -> int:
    """Re-point participation rows; where the keeper already has the same (activity, role), keep the
    larger comment count and drop the duplicate row."""
    moved = 0
    keeper_rows = {
        (p.activity_id, p.role): p
        for p in session.exec(select(Participation).where(getattr(Participation, column) == keeper_id))
    }
    for row in session.exec(select(Participation).where(getattr(Participation, column) == duplicate_id)).all():
        existing = keeper_rows.get((row.activity_id, row.role))
        if existing is not None:
            existing.comments = (
                max(existing.comments or 0, row.comments or 0)
                if (existing.comments is not None or row.comments is not None)
                else None
            )
            session.delete(row)
        else:
            setattr(row, column, keeper_id)
        moved += 1
    session.flush()
    return moved


def merge_organisations(
    *, session: Session, keeper: Organisation, duplicate: Organisation, actor_id: int | None
) -> None:
    if keeper.id == duplicate.id:
        raise RegistryError("an organisation cannot be merged into itself")
    if duplicate.status == "merged":
        raise RegistryError("this organisation was already merged")
    members = session.exec(select(Stakeholder).where(Stakeholder.organisation_id == duplicate.id)).all()
    for member in members:
        member.organisation_id = keeper.id
    moved = _move_participation(session, "organisation_id", duplicate.id, keeper.id)
    known_sessions = {
        a.plenary_session
        for a in session.exec(select(ObserverAdmission).where(ObserverAdmission.organisation_id == keeper.id))
    }
    for admission in session.exec(
        select(ObserverAdmission).where(ObserverAdmission.organisation_id == duplicate.id)
    ).all():
        if admission.plenary_session in known_sessions:
            session.delete(admission)
        else:
            admission.organisation_id = keeper.id
    for name in session.exec(select(OrganisationName).where(OrganisationName.organisation_id == duplicate.id)).all():
        if session.get(OrganisationName, (keeper.id, name.language)) is None:
            session.add(OrganisationName(organisation_id=keeper.id, language=name.language, name=name.name))
        session.delete(name)
    for attribute in ("acronym", "website", "country"):
        if not getattr(keeper, attribute) and getattr(duplicate, attribute):
            setattr(keeper, attribute, getattr(duplicate, attribute))
    if keeper.status == "pending" and duplicate.status == "approved":
        keeper.status, keeper.approved_at = "approved", duplicate.approved_at
    duplicate.status, duplicate.merged_into_id = "merged", keeper.id
    audit.record(
        session,
        "organisation.merged",
        actor_id=actor_id,
        target=keeper.name,
        keeper_id=keeper.id,
        duplicate_id=duplicate.id,
        duplicate_name=duplicate.name,
        members_moved=len(members),
        participation_moved=moved,
    )
    session.commit()


# fn(session, keeper_id, duplicate_id), called before the duplicate is deleted by packages built on
# the registry (surveys move responses and invitations); a list, so the registry imports none of them.
MERGE_HOOKS: list[Callable[[Session, int, int], None]] = []


def merge_stakeholders(*, session: Session, keeper: Stakeholder, duplicate: Stakeholder, actor_id: int | None) -> None:
    """Fold `duplicate` into `keeper`. The keeper's account stays; the duplicate's account, if any,
    is removed (one person, one sign-in)."""
    if keeper.id == duplicate.id:
        raise RegistryError("a stakeholder cannot be merged into itself")
    if duplicate.erased_at is not None or keeper.erased_at is not None:
        raise RegistryError("erased records cannot be merged")
    moved = _move_participation(session, "stakeholder_id", duplicate.id, keeper.id)
    for hook in MERGE_HOOKS:
        hook(session, keeper.id, duplicate.id)
    keeper_codes = {
        (a.field, a.code)
        for a in session.exec(select(StakeholderAttribute).where(StakeholderAttribute.stakeholder_id == keeper.id))
    }
    for attribute in session.exec(
        select(StakeholderAttribute).where(StakeholderAttribute.stakeholder_id == duplicate.id)
    ).all():
        if (attribute.field, attribute.code) not in keeper_codes:
            session.add(StakeholderAttribute(stakeholder_id=keeper.id, field=attribute.field, code=attribute.code))
        session.delete(attribute)
    for record in session.exec(select(ConsentRecord).where(ConsentRecord.stakeholder_id == duplicate.id)).all():
        record.stakeholder_id = keeper.id
    for name in ("organisation_id", "job_title", "nationality", "phone", "country"):
        if not getattr(keeper, name) and getattr(duplicate, name):
            setattr(keeper, name, getattr(duplicate, name))
    duplicate_user = session.get(User, duplicate.user_id) if duplicate.user_id else None
    duplicate_email = duplicate_user.email if duplicate_user else None
    session.flush()
    session.delete(duplicate)
    if duplicate_user is not None:
        session.delete(duplicate_user)
    audit.record(
        session,
        "stakeholder.merged",
        actor_id=actor_id,
        target=f"stakeholder:{keeper.id}",
        duplicate_id=duplicate.id,
        duplicate_email=duplicate_email,
        participation_moved=moved,
    )
    session.commit()
