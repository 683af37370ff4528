"""What a stakeholder does about themself: register, edit, consent, download, delete."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session, delete, select

from core import audit
from core.accounts import passwords
from core.accounts import services as accounts
from core.accounts.models import User
from core.mail import OutboxMessage
from core.problems import refuse
from core.timeutil import utcnow
from core.vocabulary import english
from stakeholders import schemas, services
from stakeholders import vocabularies as vocab
from stakeholders.models import Activity, ConsentRecord, Organisation, Participation, Stakeholder


def register_stakeholder(
    *,
    session: Session,
    email: str,
    password: str,
    locale: str,
    profile: schemas.ProfileCreate,
    consents: dict[str, bool],
    ip: str | None,
) -> None:
    """An account and its profile, created together or not at all; raises ValidationFailed, creating
    nothing, when the profile refers to what is not recorded."""
    refuse(services.profile_problems(session, profile, person_id=0))  # a new person has proposed nothing yet

    def create_profile(db: Session, user: User) -> None:
        given = profile.model_copy(update={"preferred_language": locale})
        if profile.proposal is not None:
            organisation = services.propose_organisation(db, profile.proposal, proposed_by=user.id)
            given = given.model_copy(update={"organisation_id": organisation.id})
        stakeholder = Stakeholder(user_id=user.id, category=profile.category, preferred_language=locale)
        services.apply_profile(db, stakeholder, user, given)
        services.record_consents(db, stakeholder, consents, only_changes=False)

    accounts.register(
        session=session,
        email=email,
        password=password,
        name=profile.name,
        locale=locale,
        ip=ip,
        on_created=create_profile,
    )


def update_profile(*, session: Session, user: User, profile: schemas.ProfileCreate) -> Stakeholder:
    """A person's own profile; raises ValidationFailed, saving nothing, on bad input."""
    stakeholder = services.stakeholder_for_user(session, user.id) or Stakeholder(
        user_id=user.id, category=profile.category
    )
    refuse(services.profile_problems(session, profile, person_id=user.id, current_id=stakeholder.organisation_id))
    if profile.proposal is not None:
        organisation = services.propose_organisation(session, profile.proposal, proposed_by=user.id)
        profile = profile.model_copy(update={"organisation_id": organisation.id})
    profile = profile.model_copy(update={"preferred_language": user.locale or stakeholder.preferred_language})
    services.apply_profile(session, stakeholder, user, profile)
    if stakeholder.id is not None and not services.consent_history(session, stakeholder.id):
        services.record_consents(
            session,
            stakeholder,
            {"data_processing": True, **{kind: False for kind in services.OPTIONAL_CONSENTS}},
            only_changes=False,
        )
    session.commit()
    return stakeholder


def update_consents(*, session: Session, stakeholder: Stakeholder, consents: dict[str, bool]) -> None:
    services.record_consents(session, stakeholder, consents)
    session.commit()


@dataclass(frozen=True)
class PersonalDataSection:
    """A part of a stakeholder's data held by a package built on the registry (surveys: invitations
    and responses). The registry imports none of them: app.py registers each one here."""

    key: str  # the section's key in the download
    data: Callable[[Session, int], list]  # fn(session, stakeholder_id) -> JSON-ready rows
    history_template: str | None = None  # shown on the participation page with `rows=history(...)`
    history: Callable[[Session, int, str], list] | None = None  # fn(session, stakeholder_id, locale)


PERSONAL_DATA_SECTIONS: list[PersonalDataSection] = []


def register_personal_data_section(section: PersonalDataSection) -> None:
    if all(known.key != section.key for known in PERSONAL_DATA_SECTIONS):
        PERSONAL_DATA_SECTIONS.append(section)


def history_sections(session: Session, stakeholder_id: int, locale: str) -> list[tuple[str, list]]:
    """(template, rows) of every registered section shown on the participation history page."""
    return [
        (section.history_template, section.history(session, stakeholder_id, locale))
        for section in PERSONAL_DATA_SECTIONS
        if section.history_template and section.history
    ]


def personal_data(session: Session, user: User) -> dict:
    """Everything the platform holds about this person, for download (right of access)."""
    stakeholder = services.stakeholder_for_user(session, user.id)
    data = {
        "account": {
            "email": user.email,
            "name": user.name,
            "role": user.role,
            "language": user.locale,
            "time_zone": user.timezone,
            "created_at": user.created_at.isoformat(),
            "email_verified_at": user.email_verified_at.isoformat() if user.email_verified_at else None,
            "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
            "focal_point_country": user.focal_country,
        },
        "profile": None,
        "consents": [],
        "participation": [],
        **{section.key: [] for section in PERSONAL_DATA_SECTIONS},
        "audit_log": [],
    }
    if stakeholder is not None:
        data.update(_stakeholder_data(session, stakeholder))
        data.update({section.key: section.data(session, stakeholder.id) for section in PERSONAL_DATA_SECTIONS})
    events = session.exec(
        select(audit.AuditEvent).where(audit.AuditEvent.actor_id == user.id).order_by(audit.AuditEvent.occurred_at)
    ).all()
    data["audit_log"] = [{"action": e.action, "at": e.occurred_at.isoformat(), "ip": e.ip} for e in events]
    return data


def _stakeholder_data(session: Session, stakeholder: Stakeholder) -> dict:
    """The profile, consents and participation parts of `personal_data`."""
    organisation = session.get(Organisation, stakeholder.organisation_id) if stakeholder.organisation_id else None
    profile = {
        "organisation": organisation.name if organisation else None,
        "job_title": stakeholder.job_title,
        "country": stakeholder.country,
        "nationality": stakeholder.nationality,
        "gender": stakeholder.gender,
        "gender_self_described": stakeholder.gender_self_described,
        "stakeholder_type": stakeholder.stakeholder_type,
        "category": stakeholder.category,
        "sector": stakeholder.sector,
        "preferred_language": stakeholder.preferred_language,
        "phone": stakeholder.phone,
        **services.attributes(session, stakeholder.id),
        "public_listing": stakeholder.public_listing,
        "share_with_focal_point": stakeholder.share_with_focal_point,
        "mailing_list": stakeholder.mailing_list,
    }
    consents = [
        {
            "kind": r.kind,
            "granted": r.granted,
            "text_version": r.text_version,
            "text": english(vocab.CONSENT.labels[r.kind]),
            "recorded_at": r.recorded_at.isoformat(),
        }
        for r in services.consent_history(session, stakeholder.id)
    ]
    rows = session.exec(
        select(Participation, Activity)
        .join(Activity, Activity.id == Participation.activity_id)
        .where(Participation.stakeholder_id == stakeholder.id)
    ).all()
    participation = [
        {
            "activity": a.title,
            "type": a.activity_type,
            "date": a.start_date.isoformat(),
            "role": p.role,
            "comments": p.comments,
        }
        for p, a in rows
    ]
    return {"profile": profile, "consents": consents, "participation": participation}


# fn(session, stakeholder_id), called on erasure by packages built on the registry (surveys
# unlink responses and invitations); a list, so the registry imports none of them.
ERASURE_HOOKS: list[Callable[[Session, int], None]] = []


def erase_stakeholder(session: Session, stakeholder: Stakeholder) -> None:
    """Remove personal data; keep an anonymous record so aggregate counts stay right. No commit."""
    for hook in ERASURE_HOOKS:
        hook(session, stakeholder.id)
    stakeholder.user_id = None
    stakeholder.search_name = ""
    stakeholder.job_title = ""
    stakeholder.phone = ""
    stakeholder.nationality = None
    stakeholder.gender_self_described = ""
    stakeholder.organisation_id = None
    stakeholder.public_listing = stakeholder.share_with_focal_point = stakeholder.mailing_list = False
    stakeholder.is_active = False
    stakeholder.erased_at = utcnow()
    session.add(stakeholder)
    # Consent records are about a person who is gone; the anonymous record needs none.
    session.exec(delete(ConsentRecord).where(ConsentRecord.stakeholder_id == stakeholder.id))


def delete_account(*, session: Session, user: User, password: str, ip: str | None) -> bool:
    """Delete the account and erase the profile; False when the password is wrong."""
    if not passwords.verify_password(user.password_hash, password):
        return False
    stakeholder = services.stakeholder_for_user(session, user.id)
    if stakeholder is not None:
        erase_stakeholder(session, stakeholder)
    session.exec(delete(OutboxMessage).where(OutboxMessage.to_address == user.email))
    audit.record(session, "account.deleted", target=f"stakeholder:{stakeholder.id}" if stakeholder else None)
    session.flush()
    session.delete(user)
    session.commit()
    return True
