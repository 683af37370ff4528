"""Test data built by functions, shared by every test module."""
from __future__ import annotations

from functools import lru_cache

from sqlmodel import Session

from core.accounts import passwords
from core.accounts.models import Role, User
from core.timeutil import utcnow

DEFAULT_PASSWORD = "correct horse battery"


@lru_cache(maxsize=None)
def _hash(password: str) -> str:
    return passwords.hash_password(password)  # argon2 is slow on purpose; hash each password once


def make_user(
    session: Session,
    *,
    email: str = "person@example.org",
    password: str = DEFAULT_PASSWORD,
    role: str = Role.STAKEHOLDER,
    country: str | None = None,
    name: str = "Test Person",
    verified: bool = True,
    locale: str | None = None,
) -> User:
    user = User(
        email=email,
        name=name,
        password_hash=_hash(password),
        role=role,
        focal_country=country,
        locale=locale,
        email_verified_at=utcnow() if verified else None,
    )
    session.add(user)
    session.commit()
    return user


# --- registry -----------------------------------------------------------------------------

def make_organisation(session: Session, *, name: str = "Biodiversity Research Institute", org_type: str = "research",
                      country: str | None = "KE", status: str = "approved", acronym: str = ""):
    from stakeholders.models import Organisation
    from stakeholders.text import search_key

    organisation = Organisation(name=name, search_name=search_key(name), org_type=org_type, country=country,
                                status=status, acronym=acronym, approved_at=utcnow() if status == "approved" else None)
    session.add(organisation)
    session.commit()
    return organisation


def make_stakeholder(session: Session, *, name: str = "Wanjiku Otieno", email: str | None = None,
                     country: str = "KE", category: str = "science", gender: str = "female",
                     stakeholder_type: str = "contributor", sector: str = "academia", organisation=None,
                     public_listing: bool = True, share_with_focal_point: bool = False, mailing_list: bool = False,
                     knowledge_systems=("scientific",), disciplines=("natural_sciences",),
                     communication=("email",), phone: str = "", is_active: bool = True, with_account: bool = True):
    """A stakeholder with an account (unless with_account=False) and a full profile."""
    from stakeholders import services
    from stakeholders.models import Stakeholder

    user = None
    if with_account:
        address = email or f"{name.lower().replace(' ', '.')}@example.org"
        user = make_user(session, email=address, name=name)
    stakeholder = Stakeholder(user_id=user.id if user else None, category=category, is_active=is_active)
    data = services.ProfileData(
        name=name, country=country, category=category, stakeholder_type=stakeholder_type, gender=gender,
        sector=sector, organisation_id=organisation.id if organisation else None, phone=phone,
        multi={"knowledge_system": list(knowledge_systems), "discipline": list(disciplines),
               "communication": list(communication)},
    )
    services.apply_profile(session, stakeholder, user, data)
    services.record_consents(session, stakeholder, {
        "data_processing": True, "public_listing": public_listing,
        "share_with_focal_point": share_with_focal_point, "mailing_list": mailing_list,
    }, only_changes=False)
    session.commit()
    return stakeholder
