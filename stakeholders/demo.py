"""Registry demo data: organisations, about 2,000 stakeholders, focal points, two years of activities.

The figures and names it is drawn from are in stakeholders/demo_figures.py.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from babel import Locale
from sqlmodel import Session, select

from core.accounts.models import Role, User
from core.demo import DEMO_DOMAIN
from core.reference.models import Country
from core.text import search_key
from core.timeutil import utcnow
from stakeholders import schemas, services
from stakeholders.demo_figures import (
    ACTIVITY_PLAN,
    CATEGORY_WEIGHTS,
    CHANNELS,
    COUNTRY_BOOST,
    DISCIPLINES,
    FAMILY_NAMES,
    FOCAL_COUNTRIES,
    FUNCTIONS,
    GIVEN_NAMES,
    JOB_TITLES,
    MINISTRIES,
    ORG_NAMES,
    ORG_TYPE_WEIGHTS,
    ORGANISATIONS,
    PLENARIES,
    REGION_LANGUAGES,
    REGION_WEIGHTS,
    SCALES,
    SECTOR_BY_CATEGORY,
    STAKEHOLDERS,
)
from stakeholders.models import (
    Activity,
    FocalPointAssignment,
    ObserverAdmission,
    Organisation,
    Participation,
    Stakeholder,
)


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), list(weights.values()))[0]


def _countries_by_region(session: Session) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for country in session.exec(select(Country).where(Country.regional_group.is_not(None)).order_by(Country.iso2)):
        grouped.setdefault(country.regional_group, []).append(country.iso2)
    return grouped


def _pick_country(rng, grouped, region=None):
    region = region or _weighted(rng, REGION_WEIGHTS)
    countries = grouped[region]
    return rng.choices(countries, [COUNTRY_BOOST.get(c, 1) for c in countries])[0], region


def _organisations(session, rng, grouped, count: int) -> list[Organisation]:
    english = Locale("en").territories
    organisations = []
    seen = set()
    while len(organisations) < count:
        org_type = _weighted(rng, ORG_TYPE_WEIGHTS)
        country, _region = _pick_country(rng, grouped)
        name = f"{rng.choice(ORG_NAMES[org_type])} of {english.get(country, country)}"
        if org_type in {"igo", "un", "mea", "network"}:
            name = f"{rng.choice(ORG_NAMES[org_type])} {len(organisations) + 1}"
        if (name, country) in seen:
            continue
        seen.add((name, country))
        status = rng.choices(["approved", "pending", "rejected"], [92, 6, 2])[0]
        organisation = Organisation(
            name=name,
            search_name=search_key(name),
            org_type=org_type,
            country=country,
            status=status,
            acronym="".join(word[0] for word in name.split() if word[0].isupper())[:8],
            website=f"https://org{len(organisations) + 1}.example.org",
            approved_at=utcnow() if status == "approved" else None,
        )
        organisations.append(organisation)
    session.add_all(organisations)
    session.flush()
    for organisation in organisations:
        if organisation.status == "approved" and rng.random() < 0.3:  # admitted observers
            first = rng.randrange(len(PLENARIES))
            for plenary, year in PLENARIES[first : first + rng.randint(1, 4)]:
                session.add(ObserverAdmission(organisation_id=organisation.id, plenary_session=plenary, year=year))
    return organisations


def _person_name(rng, language):
    given = rng.choice(GIVEN_NAMES[language])
    family = rng.choice(FAMILY_NAMES[language])
    return f"{given} {family}".strip()


def _stakeholders(session, rng, grouped, organisations, password_hash, count: int) -> list[Stakeholder]:
    by_country: dict[str, list[Organisation]] = {}
    for organisation in organisations:
        if organisation.status != "rejected":
            by_country.setdefault(organisation.country, []).append(organisation)
    return [_stakeholder(session, rng, grouped, by_country, password_hash, index) for index in range(1, count + 1)]


def _stakeholder(session, rng, grouped, by_country, password_hash, index: int) -> Stakeholder:
    """One demo stakeholder: account, profile and consents (every draw in a fixed order, so a seed gives one result)."""
    country, region = _pick_country(rng, grouped)
    language = REGION_LANGUAGES[region] if rng.random() < 0.5 else rng.choice(list(GIVEN_NAMES))
    name = _person_name(rng, language)
    category = _weighted(rng, CATEGORY_WEIGHTS)
    gender = rng.choices(["male", "female", "another", "undisclosed"], [59, 38.5, 0.5, 2])[0]
    user = User(
        email=f"stakeholder.{index:04d}@{DEMO_DOMAIN}",
        name=name,
        password_hash=password_hash,
        role=Role.STAKEHOLDER,
        locale=language,
        email_verified_at=utcnow(),
    )
    session.add(user)
    session.flush()
    knowledge = _knowledge_systems(rng, category)
    candidates = by_country.get(country, [])
    organisation = rng.choice(candidates) if candidates and rng.random() < 0.8 else None
    stakeholder = Stakeholder(
        user_id=user.id,
        category=category,
        preferred_language=language,
        created_at=utcnow() - timedelta(days=rng.randint(0, 900)),
    )
    profile = schemas.ProfileCreate(
        name=name,
        country=country,
        category=category,
        stakeholder_type=rng.choices(["contributor", "end_user", "both"], [55, 20, 25])[0],
        gender=gender,
        gender_self_described="non-binary" if gender == "another" else "",
        # The fallback is drawn whatever the category, as it always was: the draws stay in step.
        sector=SECTOR_BY_CATEGORY.get(category, rng.choice(["agriculture", "education", "other", "health"])),
        job_title=rng.choice(JOB_TITLES),
        organisation_id=organisation.id if organisation else None,
        preferred_language=language,
        phone=f"+{rng.randint(1, 998)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
        knowledge_system=knowledge or ["practitioner"],
        discipline=rng.sample(DISCIPLINES, rng.randint(1, 2)),
        scale=rng.sample(SCALES, rng.randint(1, 3)),
        ipbes_function=rng.sample(FUNCTIONS, rng.randint(1, 3)),
        communication=rng.sample(CHANNELS, rng.randint(1, 3)),
    )
    services.apply_profile(session, stakeholder, user, profile)
    consents = {
        "data_processing": True,
        "public_listing": rng.random() < 0.7,
        "share_with_focal_point": rng.random() < 0.55,
        "mailing_list": rng.random() < 0.4,
    }
    services.record_consents(session, stakeholder, consents, only_changes=False)
    return stakeholder


def _knowledge_systems(rng, category: str) -> list[str]:
    knowledge = ["scientific"] if category in {"science", "policymaker", "igo", "un_mea"} else []
    if category == "ilk" or (category == "cbo" and rng.random() < 0.5):
        knowledge.append("ilk")
    if category in {"practitioner", "ngo", "cbo"}:
        knowledge.append("practitioner")
    if rng.random() < 0.08:
        knowledge.append("citizen_science")
    return knowledge


def _focal_points(session, rng, grouped, password_hash, count: int) -> int:
    existing = session.exec(select(User).where(User.role == Role.FOCAL_POINT)).all()
    countries = {user.focal_country for user in existing}
    start = date(2024, 1, 1)
    for user in existing:
        session.add(
            FocalPointAssignment(
                user_id=user.id,
                country=user.focal_country,
                kind="primary",
                ministry="Ministry of Environment",
                start_date=start,
                digest_opt_in=True,
            )
        )
    while len(countries) < count:
        country, _region = _pick_country(rng, grouped)
        if country in countries:
            continue
        countries.add(country)
        for kind in ["primary"] + (["alternate"] if rng.random() < 0.3 else []):
            user = User(
                email=f"focal.{country.lower()}{'' if kind == 'primary' else '.alt'}@{DEMO_DOMAIN}",
                name=_person_name(rng, rng.choice(list(GIVEN_NAMES))),
                password_hash=password_hash,
                role=Role.FOCAL_POINT,
                focal_country=country,
                email_verified_at=utcnow(),
            )
            session.add(user)
            session.flush()
            session.add(
                FocalPointAssignment(
                    user_id=user.id,
                    country=country,
                    kind=kind,
                    ministry=rng.choice(MINISTRIES),
                    start_date=start + timedelta(days=rng.randint(0, 600)),
                )
            )
    return len(countries)


def _activities(session, rng, people, organisations, scale: float) -> int:
    approved = [o for o in organisations if o.status == "approved"]
    for title, activity_type, when, deliverable, roles in ACTIVITY_PLAN:
        activity = Activity(
            title=title,
            activity_type=activity_type,
            start_date=when,
            deliverable=deliverable,
            end_date=when + timedelta(days=rng.choice([0, 1, 30, 45])),
        )
        session.add(activity)
        session.flush()
        _stakeholder_participation(session, rng, activity, roles, people, scale)
        if activity_type in {"external_review", "call_input"}:
            for organisation in rng.sample(approved, min(10, len(approved))):
                role = "reviewer" if activity_type == "external_review" else "input_submitted"
                session.add(
                    Participation(
                        activity_id=activity.id,
                        organisation_id=organisation.id,
                        role=role,
                        comments=rng.randint(5, 60) if role == "reviewer" else None,
                    )
                )
    return len(ACTIVITY_PLAN)


def _stakeholder_participation(session, rng, activity: Activity, roles, people, scale: float) -> None:
    """Each role's participants; those selected come from those nominated."""
    nominated: list[Stakeholder] = []
    for role, count, comments in roles:
        pool = nominated if role == "selected" and nominated else people
        wanted = count if scale >= 1 else max(1, round(count * scale))  # at full scale, IPBES's own numbers
        chosen = rng.sample(pool, min(wanted, len(pool)))
        if role == "nominated":
            nominated = chosen
        for person in chosen:
            session.add(
                Participation(
                    activity_id=activity.id,
                    stakeholder_id=person.id,
                    role=role,
                    comments=rng.randint(*comments) if comments else None,
                )
            )


def seed_registry(session: Session, rng: random.Random, password_hash: str, scale: float) -> list[str]:
    grouped = _countries_by_region(session)
    organisations = _organisations(session, rng, grouped, max(20, round(ORGANISATIONS * scale)))
    people = _stakeholders(session, rng, grouped, organisations, password_hash, max(50, round(STAKEHOLDERS * scale)))
    focal = _focal_points(session, rng, grouped, password_hash, max(6, round(FOCAL_COUNTRIES * min(scale, 1))))
    activities = _activities(session, rng, people, organisations, scale)
    return [
        f"Registry: {len(organisations)} organisations, {len(people)} stakeholders, focal points in {focal} "
        f"countries, {activities} activities with participation."
    ]
