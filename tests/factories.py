"""Test data built by functions, shared by every test module."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from functools import cache

from sqlmodel import Session

from core.accounts import passwords
from core.accounts.models import Role, User
from core.reference.countries import member_state_rows
from core.timeutil import utcnow

DEFAULT_PASSWORD = "correct horse battery"
SECRETARIAT = "secretariat@example.org"
FOCAL_KE = "focal.ke@example.go.ke"


@cache
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


def make_secretariat(session: Session, *, email: str = SECRETARIAT, name: str = "Secretariat Officer") -> User:
    """A member of the secretariat: the staff who run the registry, the surveys and the exports."""
    return make_user(session, email=email, name=name, role=Role.SECRETARIAT)


# --- registry -----------------------------------------------------------------------------


def make_organisation(
    session: Session,
    *,
    name: str = "Biodiversity Research Institute",
    org_type: str = "research",
    country: str | None = "KE",
    status: str = "approved",
    acronym: str = "",
):
    from core.text import search_key
    from stakeholders.models import Organisation

    organisation = Organisation(
        name=name,
        search_name=search_key(name),
        org_type=org_type,
        country=country,
        status=status,
        acronym=acronym,
        approved_at=utcnow() if status == "approved" else None,
    )
    session.add(organisation)
    session.commit()
    return organisation


def make_stakeholder(
    session: Session,
    *,
    name: str = "Wanjiku Otieno",
    email: str | None = None,
    country: str = "KE",
    category: str = "science",
    gender: str = "female",
    stakeholder_type: str = "contributor",
    sector: str = "academia",
    organisation=None,
    public_listing: bool = True,
    share_with_focal_point: bool = False,
    mailing_list: bool = False,
    knowledge_systems=("scientific",),
    disciplines=("natural_sciences",),
    communication=("email",),
    phone: str = "",
    is_active: bool = True,
    with_account: bool = True,
):
    """A stakeholder with an account (unless with_account=False) and a full profile."""
    from stakeholders import schemas, services
    from stakeholders.models import Stakeholder

    user = None
    if with_account:
        address = email or f"{name.lower().replace(' ', '.')}@example.org"
        user = make_user(session, email=address, name=name)
    stakeholder = Stakeholder(user_id=user.id if user else None, category=category, is_active=is_active)
    data = schemas.ProfileCreate(
        name=name,
        country=country,
        category=category,
        stakeholder_type=stakeholder_type,
        gender=gender,
        sector=sector,
        organisation_id=organisation.id if organisation else None,
        phone=phone,
        knowledge_system=list(knowledge_systems),
        discipline=list(disciplines),
        communication=list(communication),
    )
    services.apply_profile(session, stakeholder, user, data)
    services.record_consents(
        session,
        stakeholder,
        {
            "data_processing": True,
            "public_listing": public_listing,
            "share_with_focal_point": share_with_focal_point,
            "mailing_list": mailing_list,
        },
        only_changes=False,
    )
    session.commit()
    return stakeholder


def make_focal_point(
    session: Session,
    *,
    country: str = "KE",
    email: str = FOCAL_KE,
    name: str = "Focal Person",
    locale: str | None = None,
    assignment: bool = True,
    kind: str = "primary",
    ministry: str = "",
    start: date | None = None,
    end: date | None = None,
    opt_in: bool = False,
    last_sent=None,
    active: bool = True,
) -> User:
    """A focal point's account and, unless assignment=False, their assignment: in force from
    `start` (thirty days ago by default) until `end` (open by default)."""
    from stakeholders.models import FocalPointAssignment

    user = make_user(session, email=email, role=Role.FOCAL_POINT, country=country, name=name, locale=locale)
    user.is_active = active
    session.add(user)
    if assignment:
        session.add(
            FocalPointAssignment(
                user_id=user.id,
                country=country,
                kind=kind,
                ministry=ministry,
                start_date=start or date.today() - timedelta(days=30),
                end_date=end,
                digest_opt_in=opt_in,
                digest_last_sent_at=last_sent,
            )
        )
    session.commit()
    return user


def make_activity(
    session: Session,
    *,
    title: str = "External review of the nexus assessment",
    activity_type: str = "external_review",
    start: date = date(2025, 3, 1),
    end: date | None = None,
    deliverable: str = "Nexus assessment",
):
    """An engagement activity (by default a review that started on 1 March 2025)."""
    from stakeholders.models import Activity

    activity = Activity(
        title=title, activity_type=activity_type, start_date=start, end_date=end, deliverable=deliverable
    )
    session.add(activity)
    session.commit()
    return activity


def make_participation(
    session: Session, activity, *, stakeholder=None, organisation=None, role: str = "participant", comments=None
):
    """A stakeholder's or an organisation's part in an activity."""
    from stakeholders.models import Participation

    record = Participation(
        activity_id=activity.id,
        stakeholder_id=stakeholder.id if stakeholder else None,
        organisation_id=organisation.id if organisation else None,
        role=role,
        comments=comments,
    )
    session.add(record)
    session.commit()
    return record


# --- surveys ------------------------------------------------------------------------------

LANGS = ("ar", "en", "es", "fr", "ru", "zh")


def six(text: str) -> dict[str, str]:
    """Labels in the six languages: the English text tagged with each code (tests only)."""
    return {code: text if code == "en" else f"[{code}] {text}" for code in LANGS}


def make_definition(*, pages=None, choices=None, form_id: str = "test_survey", version: str = "1"):
    """A small two-page instrument: a Likert grid, skip logic, a constraint, an "other"."""
    from surveys.definition import Choice, Definition, Grid, Page, Question

    agree = tuple(
        Choice(name=str(i), labels=six(text))
        for i, text in enumerate(("Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"), start=1)
    )
    roles = tuple(Choice(name=n, labels=six(n.title())) for n in ("author", "reviewer", "user", "other"))
    yes_no = (Choice(name="yes", labels=six("Yes")), Choice(name="no", labels=six("No")))
    default_pages = (
        Page(
            name="about",
            labels=six("About you"),
            items=(
                Question(
                    name="roles",
                    type="select_multiple",
                    labels=six("Your roles"),
                    list_name="roles",
                    required=True,
                    indicator="participation",
                    row=2,
                ),
                Question(
                    name="roles_other",
                    type="text",
                    labels=six("Other role, please specify"),
                    relevant="selected(${roles}, 'other')",
                    other_of="roles",
                    row=3,
                ),
                Question(
                    name="years",
                    type="integer",
                    labels=six("Years of involvement"),
                    constraint=". >= 0 and . <= 60",
                    constraint_messages=six("Between 0 and 60"),
                    row=4,
                ),
                Question(
                    name="engaged",
                    type="select_one",
                    labels=six("Did you engage with IPBES?"),
                    list_name="yes_no",
                    required=True,
                    row=5,
                ),
            ),
        ),
        Page(
            name="views",
            labels=six("Your views"),
            relevant="${engaged} = 'yes'",
            items=(
                Grid(
                    name="clarity",
                    labels=six("How far do you agree?"),
                    list_name="agree",
                    questions=(
                        Question(
                            name="clear_how",
                            type="select_one",
                            labels=six("It is clear how to engage"),
                            list_name="agree",
                            indicator="commitment",
                            appearance="list-nolabel",
                            row=8,
                        ),
                        Question(
                            name="transparent",
                            type="select_one",
                            labels=six("Processes are transparent"),
                            list_name="agree",
                            indicator="communication",
                            appearance="list-nolabel",
                            row=9,
                        ),
                    ),
                ),
                Question(name="comments", type="text", labels=six("Comments"), pii=False, row=11),
            ),
        ),
    )
    return Definition(
        form_id=form_id,
        version=version,
        titles=six("Test survey"),
        pages=tuple(pages or default_pages),
        choices=dict(choices or {"agree": agree, "roles": roles, "yes_no": yes_no}),
    )


# Every question of make_definition's survey answered, as the respondent's form sends it.
ANSWERS = {
    "roles": ["author", "other"],
    "roles_other": "curator",
    "years": "12",
    "engaged": "yes",
    "clear_how": "4",
    "transparent": "2",
    "comments": "Très utile",
}


def profile_question(field: str, list_name: str, *, name: str | None = None, **options):
    """A question whose answer gives a profile field (country, gender...) of an open-link respondent."""
    from surveys.definition import Question

    return Question(
        name=name or field, type="select_one", labels=six(field.title()), list_name=list_name, profile=field, **options
    )


def with_profile_page(definition, *questions, choices: dict):
    """`definition` opening with a page of profile questions, asked only of respondents outside the
    registry; `choices` adds the lists those questions use."""
    from dataclasses import replace

    from surveys.definition import Page

    profile = Page(name="profile", labels=six("About you"), profile=True, items=questions)
    return replace(definition, pages=(profile, *definition.pages), choices={**definition.choices, **choices})


def make_instrument_version(session: Session, *, definition=None, code: str = "test-survey", instrument=None):
    """Store a definition as the next version of an instrument (created if needed)."""
    import hashlib
    import json

    from sqlmodel import func, select

    from surveys.models import Instrument, InstrumentVersion

    definition = definition or make_definition()
    if instrument is None:
        instrument = session.exec(select(Instrument).where(Instrument.code == code)).first()
    if instrument is None:
        instrument = Instrument(code=code, name=code.replace("-", " ").title())
        session.add(instrument)
        session.flush()
    data = definition.to_dict()
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    number = (
        session.exec(
            select(func.max(InstrumentVersion.number)).where(InstrumentVersion.instrument_id == instrument.id)
        ).one()
        or 0
    ) + 1
    version = InstrumentVersion(
        instrument_id=instrument.id,
        number=number,
        content_hash=digest,
        definition=data,
        xlsform=b"",
        filename="factory.xlsx",
    )
    session.add(version)
    session.commit()
    return version


def make_wave(
    session: Session,
    *,
    version=None,
    name: str = "Annual survey 2026",
    year: int = 2026,
    status: str = "published",
    opens_in_days: float = -1,
    closes_in_days: float = 30,
    audience: dict | None = None,
):
    """A wave, open now by default."""
    from surveys.models import Wave

    version = version or make_instrument_version(session)
    now = utcnow()
    wave = Wave(
        instrument_id=version.instrument_id,
        version_id=version.id,
        name=name,
        year=year,
        opens_at=now + timedelta(days=opens_in_days),
        closes_at=now + timedelta(days=closes_in_days),
        status=status,
        audience=audience or {},
    )
    session.add(wave)
    session.commit()
    return wave


def make_invitation(session: Session, *, wave, stakeholder, token: str | None = None, language: str = "en"):
    """A stakeholder's personal link to a wave."""
    from surveys.models import Invitation

    invitation = Invitation(
        wave_id=wave.id,
        stakeholder_id=stakeholder.id,
        language=language,
        token=token or secrets.token_urlsafe(24),
        sent_at=utcnow(),
    )
    session.add(invitation)
    session.commit()
    return invitation


def make_open_link(
    session: Session,
    *,
    wave,
    network: str = "Biodiversity Youth Network",
    token: str | None = None,
    is_active: bool = True,
):
    """A network's open link to a wave."""
    from surveys.models import OpenLink

    link = OpenLink(wave_id=wave.id, network=network, token=token or secrets.token_urlsafe(24), is_active=is_active)
    session.add(link)
    session.commit()
    return link


RESPONDENT = {"country": "KE", "category": "science", "gender": "female", "stakeholder_type": "contributor"}
_REGISTRY = object()  # the stakeholder's registry value, or the default respondent's (RESPONDENT)


@cache
def _regional_groups() -> dict[str, str]:
    return {row["iso2"]: row["regional_group"] for row in member_state_rows()}


def make_response(
    session: Session,
    wave,
    answers: dict | None = None,
    *,
    stakeholder=None,
    link=None,
    status: str = "submitted",
    language: str = "en",
    last_page: int = 0,
    country=_REGISTRY,
    category=_REGISTRY,
    gender=_REGISTRY,
    stakeholder_type=_REGISTRY,
    commit: bool = True,
    shown: list[str] | None = None,
):
    """A response to `wave` stored as the answering pages and submission store it.

    Submitted: typed answers in long form and the profile frozen, each part as given (None for
    unknown), else the stakeholder's registry value, else the default respondent's (RESPONDENT);
    the regional group follows the country. A draft keeps its raw answers and no profile.
    """
    from surveys import answering
    from surveys.definition import Definition
    from surveys.models import Answer, InstrumentVersion, Response

    submitted = status == "submitted"
    response = Response(
        wave_id=wave.id,
        version_id=wave.version_id,
        stakeholder_id=stakeholder.id if stakeholder else None,
        open_link_id=link.id if link else None,
        submission_key=secrets.token_hex(16),
        status=status,
        language=language,
        last_page=last_page,
        submitted_at=utcnow() if submitted else None,
        draft={} if submitted else {k: (v if isinstance(v, list) else str(v)) for k, v in (answers or {}).items()},
        shown=shown,  # the conditional questions it was shown (None: not recorded, as before it was)
    )
    if submitted:
        given = {"country": country, "category": category, "gender": gender, "stakeholder_type": stakeholder_type}
        for field, value in given.items():
            if value is _REGISTRY:
                value = getattr(stakeholder, field) if stakeholder else RESPONDENT[field]
            setattr(response, field, value)
        response.regional_group = _regional_groups().get(response.country)
    session.add(response)
    session.flush()
    if submitted and answers:
        definition = Definition.from_dict(session.get(InstrumentVersion, wave.version_id).definition)
        for name, value in answers.items():
            columns = answering.answer_columns(definition.question(name), value)
            session.add(Answer(response_id=response.id, question=name, **columns))
    if commit:
        session.commit()
    return response


# --- engagement records -------------------------------------------------------------------


def make_impact(
    session: Session,
    *,
    title: str = "National pollinator strategy",
    impact_type: str = "policy",
    scale: str = "national",
    country: str | None = "KE",
    region: str | None = None,
    status: str = "published",
    submitter_email: str = "reporter@example.org",
    year: int | None = 2024,
):
    """An impact record, as a member of the public submits it (published unless told otherwise)."""
    from engagement import schemas, services
    from engagement.models import ImpactRecord

    record = ImpactRecord(source="public")
    services.apply_record(
        services.IMPACTS,
        record,
        schemas.ImpactCreate(
            title=title,
            impact_type=impact_type,
            scale=scale,
            country=country,
            region=region,
            year=year,
            description="How the assessment was used.",
            submitter_name="Rae Porter",
            submitter_email=submitter_email,
            status=status,
        ),
    )
    session.add(record)
    session.commit()
    return record


def make_concern(
    session: Session,
    *,
    summary: str = "Comments in Spanish were not acknowledged",
    raised_on=None,
    channel: str = "email",
    status: str = "open",
    answered_on=None,
    raised_by=None,
):
    """A concern raised with the secretariat (answered when `answered_on` is given)."""
    from engagement import schemas, services
    from engagement.models import Concern

    record = Concern()
    services.apply_record(
        services.CONCERNS,
        record,
        schemas.ConcernCreate(
            summary=summary,
            raised_on=raised_on or date(2025, 3, 1),
            channel=channel,
            status=status,
            raised_by_id=raised_by.id if raised_by else None,
            answer="We answered." if answered_on else "",
            answered_on=answered_on,
        ),
    )
    session.add(record)
    session.commit()
    return record
