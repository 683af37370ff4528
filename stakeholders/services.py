"""Registry actions: profiles, consents, organisations. No HTTP here; each action commits once."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, case, delete, func, select

from core import audit
from core.accounts.models import User, new_session_epoch
from core.problems import Problem, refuse, renamed
from core.reference.models import Country
from core.text import LIKE_ESCAPE, contains_pattern, search_key
from core.timeutil import utcnow
from stakeholders import schemas
from stakeholders import vocabularies as vocab
from stakeholders.models import (
    ConsentRecord,
    ObserverAdmission,
    Organisation,
    OrganisationName,
    Stakeholder,
    StakeholderAttribute,
)


class RegistryError(ValueError):
    """An action the code should never ask for (input problems raise core.problems.ValidationFailed)."""


# --- profiles ----------------------------------------------------------------------------

PROPOSAL_FIELDS = {"country": "proposal.country"}  # a proposed organisation's problems, in the profile


def profile_problems(
    session: Session, data: schemas.ProfileBase, *, person_id: int | None = None, current_id: int | None = None
) -> list[Problem]:
    """What a profile valid by its model may still not hold: countries not recorded, an organisation
    not recorded or, when a person chooses for themself (`person_id`), one they may not join."""
    problems = []
    for name in ("country", "nationality"):
        code = getattr(data, name)
        if code and session.get(Country, code) is None:
            problems.append(Problem(name, "unknown_country", {"value": code}))
    if data.organisation_id is not None:
        organisation = session.get(Organisation, data.organisation_id)
        if organisation is None or (
            person_id is not None and not may_join(organisation, person_id=person_id, current_id=current_id)
        ):
            problems.append(Problem("organisation", "unknown_organisation"))
    if isinstance(data, schemas.ProfileCreate) and data.proposal is not None:
        problems += renamed(organisation_problems(session, data.proposal), PROPOSAL_FIELDS)
    return problems


def may_join(organisation: Organisation, *, person_id: int, current_id: int | None) -> bool:
    """Whether a person may attach their own profile to an organisation: an approved one, their own
    proposal awaiting approval, or the one their profile already holds (kept, whatever its status)."""
    return (
        organisation.status == "approved"
        or organisation.id == current_id
        or (organisation.status == "pending" and organisation.proposed_by_id == person_id)
    )


def apply_profile(session: Session, stakeholder: Stakeholder, user: User | None, data: schemas.ProfileBase) -> None:
    """Write a validated profile onto a stakeholder (and its account's name); no commit."""
    stakeholder.search_name = search_key(data.name)
    stakeholder.country = data.country
    stakeholder.nationality = data.nationality
    for name in (
        "category",
        "stakeholder_type",
        "gender",
        "sector",
        "job_title",
        "preferred_language",
        "phone",
        "organisation_id",
    ):
        setattr(stakeholder, name, getattr(data, name))
    stakeholder.gender_self_described = data.gender_self_described if data.gender == "another" else ""
    stakeholder.updated_at = utcnow()
    if user is not None:
        user.name = data.name
    session.add(stakeholder)
    session.flush()
    for name, codes in data.multi().items():
        session.exec(
            delete(StakeholderAttribute).where(
                StakeholderAttribute.stakeholder_id == stakeholder.id, StakeholderAttribute.field == name
            )
        )
        for code in codes:
            session.add(StakeholderAttribute(stakeholder_id=stakeholder.id, field=name, code=code))


def attributes(session: Session, stakeholder_id: int) -> dict[str, list[str]]:
    chosen: dict[str, list[str]] = {name: [] for name in vocab.MULTI_FIELDS}
    rows = session.exec(select(StakeholderAttribute).where(StakeholderAttribute.stakeholder_id == stakeholder_id))
    for row in rows:
        chosen.setdefault(row.field, []).append(row.code)
    for name, codes in chosen.items():
        order = vocab.MULTI_FIELDS[name].codes if name in vocab.MULTI_FIELDS else ()
        codes.sort(key=lambda c: order.index(c) if c in order else len(order))
    return chosen


def profile_of(session: Session, stakeholder: Stakeholder, user: User | None) -> schemas.ProfilePublic:
    """The recorded profile, as it is (not validated again: it is output)."""
    return schemas.ProfilePublic.model_construct(
        id=stakeholder.id,
        name=user.name if user else "",
        country=stakeholder.country or "",
        **{name: getattr(stakeholder, name) for name in STAKEHOLDER_FIELDS},
        **attributes(session, stakeholder.id),
    )


# The profile's fields kept on the stakeholder's row as they are.
STAKEHOLDER_FIELDS = (
    "category",
    "stakeholder_type",
    "gender",
    "gender_self_described",
    "sector",
    "job_title",
    "nationality",
    "organisation_id",
    "preferred_language",
    "phone",
)


def stakeholder_for_user(session: Session, user_id: int) -> Stakeholder | None:
    return session.exec(select(Stakeholder).where(Stakeholder.user_id == user_id)).first()


# --- consents ----------------------------------------------------------------------------

OPTIONAL_CONSENTS = ("public_listing", "share_with_focal_point", "mailing_list")


def record_consents(
    session: Session, stakeholder: Stakeholder, granted: dict[str, bool], *, only_changes: bool = True
) -> None:
    """Record consents with the current text version; no commit.

    At registration every consent is recorded (`only_changes=False`), ticked or not; later,
    only the ones that changed.
    """
    session.add(stakeholder)
    session.flush()
    for kind, value in granted.items():
        if kind not in vocab.CONSENT.codes:
            raise RegistryError(f"unknown consent {kind}")
        if kind in OPTIONAL_CONSENTS:
            if only_changes and getattr(stakeholder, kind) == value:
                continue
            setattr(stakeholder, kind, value)
        session.add(
            ConsentRecord(
                stakeholder_id=stakeholder.id, kind=kind, granted=value, text_version=vocab.CONSENT_TEXT_VERSION
            )
        )


def consent_history(session: Session, stakeholder_id: int) -> list[ConsentRecord]:
    return list(
        session.exec(
            select(ConsentRecord)
            .where(ConsentRecord.stakeholder_id == stakeholder_id)
            .order_by(ConsentRecord.recorded_at, ConsentRecord.id)
        )
    )


# --- organisations -----------------------------------------------------------------------


def organisation_problems(session: Session, data: schemas.OrganisationBase) -> list[Problem]:
    """What an organisation valid by its model may still not hold: a country not recorded."""
    if data.country and session.get(Country, data.country) is None:
        return [Problem("country", "unknown_country", {"value": data.country})]
    return []


def find_organisation(session: Session, name: str, country: str | None) -> Organisation | None:
    """The live organisation with this name (any case or accents) in this country."""
    statement = select(Organisation).where(
        Organisation.search_name == search_key(name),
        Organisation.status.in_(("pending", "approved")),
    )
    statement = statement.where(Organisation.country == country.upper() if country else Organisation.country.is_(None))
    return session.exec(statement).first()


def apply_organisation(session: Session, organisation: Organisation, data: schemas.OrganisationBase) -> Organisation:
    """Write validated data onto an organisation, with its names and admissions; no commit."""
    organisation.name = data.name
    organisation.search_name = search_key(data.name)
    organisation.org_type = data.org_type
    organisation.country = data.country
    organisation.acronym = data.acronym
    organisation.website = data.website
    session.add(organisation)
    session.flush()
    for language, name in getattr(data, "other_names", {}).items():
        existing = session.get(OrganisationName, (organisation.id, language))
        if name:
            if existing:
                existing.name = name
            else:
                session.add(OrganisationName(organisation_id=organisation.id, language=language, name=name))
        elif existing:
            session.delete(existing)
    for admission in getattr(data, "admissions", []):
        known = session.exec(
            select(ObserverAdmission).where(
                ObserverAdmission.organisation_id == organisation.id,
                ObserverAdmission.plenary_session == admission.plenary_session,
            )
        ).first()
        if known:
            known.year = admission.year
        else:
            session.add(
                ObserverAdmission(
                    organisation_id=organisation.id, plenary_session=admission.plenary_session, year=admission.year
                )
            )
    return organisation


def propose_organisation(session: Session, data: schemas.OrganisationBase, proposed_by: int | None) -> Organisation:
    """A new organisation waiting for secretariat approval, or the live one of that name; no commit."""
    existing = find_organisation(session, data.name, data.country)
    if existing is not None:
        return existing
    organisation = Organisation(
        name="", search_name="", org_type=data.org_type, status="pending", proposed_by_id=proposed_by
    )
    return apply_organisation(session, organisation, data)


def approved_organisations(session: Session) -> list[Organisation]:
    return list(
        session.exec(select(Organisation).where(Organisation.status == "approved").order_by(Organisation.search_name))
    )


def localised_name(session: Session, organisation: Organisation, language: str) -> str:
    other = session.get(OrganisationName, (organisation.id, language))
    return other.name if other else organisation.name


def set_organisation_status(*, session: Session, organisation: Organisation, status: str, actor_id: int | None) -> None:
    if status not in {"approved", "rejected"}:
        raise RegistryError("status must be approved or rejected")
    organisation.status = status
    organisation.approved_at = utcnow() if status == "approved" else None
    audit.record(
        session, f"organisation.{status}", actor_id=actor_id, target=organisation.name, organisation_id=organisation.id
    )
    session.commit()


def organisation_admissions(session: Session, organisation_id: int) -> list[ObserverAdmission]:
    return list(
        session.exec(
            select(ObserverAdmission)
            .where(ObserverAdmission.organisation_id == organisation_id)
            .order_by(ObserverAdmission.year)
        )
    )


def labelled(vocabulary: vocab.Vocabulary, codes: Iterable[str]) -> list[str]:
    return [vocabulary.label(code) for code in codes]


# --- secretariat -------------------------------------------------------------------------


def set_stakeholder_active(*, session: Session, stakeholder: Stakeholder, active: bool, actor_id: int | None) -> None:
    """Deactivate (hidden everywhere, account blocked) or reactivate a stakeholder."""
    stakeholder.is_active = active
    if stakeholder.user_id:
        user = session.get(User, stakeholder.user_id)
        if user is not None:
            user.is_active = active
            if not active:
                user.session_epoch = new_session_epoch()
    audit.record(
        session,
        "stakeholder.activated" if active else "stakeholder.deactivated",
        actor_id=actor_id,
        target=f"stakeholder:{stakeholder.id}",
    )
    session.commit()


def update_stakeholder(
    *, session: Session, stakeholder: Stakeholder, profile: schemas.ProfileCreate, actor_id: int | None
) -> None:
    """The secretariat's edit of a profile; raises ValidationFailed, saving nothing, on bad input."""
    refuse(profile_problems(session, profile))
    user = session.get(User, stakeholder.user_id) if stakeholder.user_id else None
    if profile.proposal is not None:
        profile = profile.model_copy(
            update={"organisation_id": propose_organisation(session, profile.proposal, proposed_by=None).id}
        )
    profile = profile.model_copy(update={"preferred_language": stakeholder.preferred_language})
    apply_profile(session, stakeholder, user, profile)
    audit.record(session, "stakeholder.edited", actor_id=actor_id, target=f"stakeholder:{stakeholder.id}")
    session.commit()


def save_organisation(
    *, session: Session, organisation: Organisation | None, data: schemas.OrganisationCreate, actor_id: int | None
) -> Organisation:
    """Create (approved: the secretariat vouches for it) or update an organisation; raises
    ValidationFailed, saving nothing, on bad input."""
    problems = organisation_problems(session, data)
    moved = organisation is None or (search_key(data.name), data.country) != (
        organisation.search_name,
        organisation.country,
    )
    if moved and find_organisation(session, data.name, data.country) not in (None, organisation):
        problems.append(Problem("name", "organisation_exists"))
    refuse(problems)
    if organisation is None:
        organisation = Organisation(
            name="", search_name="", org_type=data.org_type, status="approved", approved_at=utcnow()
        )
    apply_organisation(session, organisation, data)
    audit.record(
        session, "organisation.saved", actor_id=actor_id, target=organisation.name, organisation_id=organisation.id
    )
    session.commit()
    return organisation


def list_organisations(
    session: Session,
    *,
    q: str = "",
    status: str = "",
    org_type: str = "",
    country: str = "",
    page: int = 1,
    per_page: int = 25,
):
    """(rows of (Organisation, member count), total), pending first then by name."""
    members = (
        select(Stakeholder.organisation_id, func.count().label("n"))
        .where(Stakeholder.erased_at.is_(None))
        .group_by(Stakeholder.organisation_id)
        .subquery()
    )
    conditions = []
    if q:
        like = contains_pattern(search_key(q))
        conditions.append(
            Organisation.search_name.like(like, escape=LIKE_ESCAPE)
            | Organisation.acronym.ilike(contains_pattern(q.strip()), escape=LIKE_ESCAPE)
        )
    if status:
        conditions.append(Organisation.status == status)
    else:
        conditions.append(Organisation.status != "merged")
    if org_type:
        conditions.append(Organisation.org_type == org_type)
    if country:
        conditions.append(Organisation.country == country.upper())
    total = session.exec(select(func.count()).select_from(Organisation).where(*conditions)).one()
    rows = session.exec(
        select(Organisation, func.coalesce(members.c.n, 0))
        .outerjoin(members, members.c.organisation_id == Organisation.id)
        .where(*conditions)
        .order_by(case((Organisation.status == "pending", 0), else_=1), Organisation.search_name)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(rows), total


def organisation_other_names(session: Session, organisation_id: int) -> dict[str, str]:
    return {
        n.language: n.name
        for n in session.exec(select(OrganisationName).where(OrganisationName.organisation_id == organisation_id))
    }


def account_emails(session: Session, user_ids: set[int]) -> dict[int, str]:
    ids, emails = sorted(user_ids), {}
    for start in range(0, len(ids), 900):  # stay under SQLite's bound-parameter limit
        emails.update(session.exec(select(User.id, User.email).where(User.id.in_(ids[start : start + 900]))).all())
    return emails


def public_flags(session: Session, stakeholder_ids: list[int]) -> dict[int, bool]:
    flags = {}
    for start in range(0, len(stakeholder_ids), 900):  # stay under SQLite's bound-parameter limit
        chunk = stakeholder_ids[start : start + 900]
        flags.update(
            session.exec(select(Stakeholder.id, Stakeholder.public_listing).where(Stakeholder.id.in_(chunk))).all()
        )
    return flags


def regional_groups(session: Session) -> dict[str, str]:
    return {iso2: group or "" for iso2, group in session.exec(select(Country.iso2, Country.regional_group))}
