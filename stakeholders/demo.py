"""Registry demo data: organisations, about 2,000 stakeholders, focal points, two years of activities.

Shaped on what IPBES reports: Western Europe and others over-represented, Eastern Europe
under-represented, few private-sector and indigenous and local knowledge stakeholders,
about 60/40 male/female, and the global assessment's call for fellows (221 nominations, 16 selected).
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
from stakeholders import services
from stakeholders.models import (
    Activity,
    FocalPointAssignment,
    ObserverAdmission,
    Organisation,
    Participation,
    Stakeholder,
)

GIVEN_NAMES = {
    "en": ["Grace", "Daniel", "Amina", "Oliver", "Aisha", "Samuel", "Hannah", "Kwame", "Leila", "Thomas"],
    "es": ["Lucía", "Mateo", "Valentina", "Santiago", "Camila", "Diego", "Isabel", "Andrés"],
    "fr": ["Élodie", "Mamadou", "Chloé", "Théo", "Fatou", "Lucas", "Aïcha", "Hugo"],
    "ar": ["فاطمة", "أحمد", "ليلى", "يوسف", "مريم", "عمر"],
    "ru": ["Анна", "Дмитрий", "Ольга", "Сергей", "Наталья", "Иван"],
    "zh": ["李娜", "王伟", "张敏", "刘洋", "陈静", "杨磊"],
}
FAMILY_NAMES = {
    "en": ["Okafor", "Smith", "Mensah", "Patel", "Nguyen", "Brown", "Otieno", "Singh", "Walker", "Tan"],
    "es": ["García", "Rodríguez", "Martínez", "López", "Fernández", "Quispe", "Mamani", "Torres"],
    "fr": ["Diallo", "Martin", "Bernard", "Traoré", "Dubois", "Ndiaye", "Moreau", "Laurent"],
    "ar": ["حسن", "العلي", "منصور", "الخطيب", "سليمان", "النجار"],
    "ru": ["Иванова", "Петров", "Смирнова", "Кузнецов", "Попова", "Соколов"],
    "zh": ["", "", "", "", "", ""],
}


STAKEHOLDERS = 2000
ORGANISATIONS = 400
# Shares of the 2020 survey's respondents by UN regional group.
REGION_WEIGHTS = {"WEOG": 42.0, "GRULAC": 20.5, "AFR": 16.9, "APAC": 14.7, "EEG": 5.9}
# Countries that weigh more within their group (large scientific communities); others weigh 1.
COUNTRY_BOOST = {
    "US": 8,
    "GB": 6,
    "DE": 6,
    "FR": 6,
    "CA": 4,
    "AU": 4,
    "NL": 3,
    "ES": 3,
    "IT": 3,
    "SE": 2,
    "BR": 6,
    "MX": 4,
    "CO": 4,
    "AR": 3,
    "CL": 3,
    "PE": 2,
    "ZA": 5,
    "KE": 4,
    "NG": 3,
    "ET": 2,
    "CM": 2,
    "IN": 6,
    "CN": 5,
    "JP": 4,
    "ID": 2,
    "PH": 2,
    "MY": 2,
    "PL": 3,
    "RU": 3,
    "CZ": 2,
    "HU": 2,
    "EG": 2,
}
REGION_LANGUAGES = {"WEOG": "en", "GRULAC": "es", "AFR": "fr", "APAC": "en", "EEG": "ru"}
CATEGORY_WEIGHTS = {
    "science": 40,
    "policymaker": 12,
    "ngo": 12,
    "practitioner": 10,
    "public": 6,
    "igo": 4,
    "un_mea": 3,
    "business": 3,
    "ilk": 3,
    "cbo": 4,
    "media": 3,
}
SECTOR_BY_CATEGORY = {
    "science": "academia",
    "policymaker": "government",
    "ngo": "ngo",
    "business": "industry",
    "media": "media",
    "igo": "government",
    "un_mea": "government",
}
ORG_TYPE_WEIGHTS = {
    "research": 35,
    "government": 21,
    "ngo": 14,
    "private": 6,
    "iplc": 3,
    "igo": 4,
    "un": 2,
    "mea": 1,
    "network": 5,
    "other": 9,
}
ORG_NAMES = {
    "research": [
        "Institute of Ecology",
        "Centre for Biodiversity Research",
        "University of Environmental Sciences",
        "Research Institute for Ecosystem Services",
        "Botanical Garden and Herbarium",
        "Natural History Museum",
    ],
    "government": [
        "Ministry of Environment",
        "National Biodiversity Agency",
        "Forest Service",
        "Environmental Protection Authority",
    ],
    "ngo": ["Wildlife Conservation Society", "Friends of the Forest", "Biodiversity Alliance", "Nature Trust"],
    "private": ["Green Finance Partners", "Sustainable Agribusiness Group", "Eco Consulting"],
    "iplc": ["Indigenous Peoples' Council", "Federation of Local Communities", "Pastoralist Association"],
    "igo": ["Regional Centre for Environment", "Intergovernmental Forum on Water"],
    "un": ["UN Programme Office"],
    "mea": ["Convention Secretariat"],
    "network": ["Network of Young Ecologists", "Citizen Science Network", "Biodiversity Knowledge Network"],
    "other": ["Foundation for Nature", "Environmental Education Centre"],
}
PLENARIES = [
    (f"IPBES-{n}", year)
    for n, year in [
        (1, 2013),
        (2, 2013),
        (3, 2015),
        (4, 2016),
        (5, 2017),
        (6, 2018),
        (7, 2019),
        (8, 2021),
        (9, 2022),
        (10, 2023),
        (11, 2024),
        (12, 2025),
    ]
]
FOCAL_COUNTRIES = 40


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
    people = []
    for index in range(1, count + 1):
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
        knowledge = ["scientific"] if category in {"science", "policymaker", "igo", "un_mea"} else []
        if category == "ilk" or (category == "cbo" and rng.random() < 0.5):
            knowledge.append("ilk")
        if category in {"practitioner", "ngo", "cbo"}:
            knowledge.append("practitioner")
        if rng.random() < 0.08:
            knowledge.append("citizen_science")
        candidates = by_country.get(country, [])
        organisation = rng.choice(candidates) if candidates and rng.random() < 0.8 else None
        stakeholder = Stakeholder(
            user_id=user.id,
            category=category,
            preferred_language=language,
            created_at=utcnow() - timedelta(days=rng.randint(0, 900)),
        )
        profile = services.ProfileData(
            name=name,
            country=country,
            category=category,
            stakeholder_type=rng.choices(["contributor", "end_user", "both"], [55, 20, 25])[0],
            gender=gender,
            gender_self_described="non-binary" if gender == "another" else "",
            sector=SECTOR_BY_CATEGORY.get(category, rng.choice(["agriculture", "education", "other", "health"])),
            job_title=rng.choice(
                [
                    "Researcher",
                    "Professor",
                    "Policy officer",
                    "Programme manager",
                    "Consultant",
                    "Community leader",
                    "Director",
                    "PhD candidate",
                    "Journalist",
                ]
            ),
            organisation_id=organisation.id if organisation else None,
            preferred_language=language,
            phone=f"+{rng.randint(1, 998)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            multi={
                "knowledge_system": knowledge or ["practitioner"],
                "discipline": rng.sample(
                    [
                        "natural_sciences",
                        "social_sciences",
                        "humanities",
                        "economics",
                        "engineering",
                        "interdisciplinary",
                    ],
                    rng.randint(1, 2),
                ),
                "scale": rng.sample(
                    ["local", "subnational", "national", "subregional", "regional", "global"], rng.randint(1, 3)
                ),
                "ipbes_function": rng.sample(
                    ["assessment", "knowledge_generation", "policy_support", "capacity_building"], rng.randint(1, 3)
                ),
                "communication": rng.sample(
                    ["email", "mailing_list", "website", "social_media", "webinar", "in_person", "print", "phone"],
                    rng.randint(1, 3),
                ),
            },
        )
        services.apply_profile(session, stakeholder, user, profile)
        services.record_consents(
            session,
            stakeholder,
            {
                "data_processing": True,
                "public_listing": rng.random() < 0.7,
                "share_with_focal_point": rng.random() < 0.55,
                "mailing_list": rng.random() < 0.4,
            },
            only_changes=False,
        )
        people.append(stakeholder)
    return people


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
                    ministry=rng.choice(
                        [
                            "Ministry of Environment",
                            "Ministry of Science and Higher Education",
                            "National Biodiversity Agency",
                            "Ministry of Foreign Affairs",
                        ]
                    ),
                    start_date=start + timedelta(days=rng.randint(0, 600)),
                )
            )
    return len(countries)


def _activities(session, rng, people, organisations, scale: float) -> int:
    approved = [o for o in organisations if o.status == "approved"]
    plan = [
        (
            "Call for fellows: nexus assessment",
            "call_fellows",
            date(2025, 2, 10),
            "Nexus assessment",
            [("nominated", 221, None), ("selected", 16, None)],
        ),
        (
            "Call for experts: business and biodiversity assessment scoping",
            "call_experts",
            date(2025, 4, 1),
            "Business and biodiversity assessment",
            [("nominated", 310, None), ("selected", 45, None)],
        ),
        (
            "External review of the second order draft: spatial planning assessment",
            "external_review",
            date(2025, 9, 15),
            "Spatial planning assessment",
            [("reviewer", 85, (3, 120))],
        ),
        (
            "Stakeholder day before IPBES-12",
            "stakeholder_day",
            date(2025, 12, 7),
            "Plenary",
            [("participant", 160, None), ("speaker", 8, None)],
        ),
        (
            "Webinar: using IPBES assessments in national policy",
            "webinar",
            date(2025, 6, 12),
            "Policy support",
            [("participant", 120, None), ("speaker", 4, None)],
        ),
        (
            "Dialogue with national focal points and stakeholders in Africa",
            "dialogue",
            date(2025, 10, 20),
            "Capacity building",
            [("participant", 35, None)],
        ),
        (
            "Call for input: indigenous and local knowledge in assessments",
            "call_input",
            date(2026, 1, 15),
            "Indigenous and local knowledge",
            [("input_submitted", 48, None)],
        ),
        (
            "Call for fellows: monitoring assessment",
            "call_fellows",
            date(2026, 3, 1),
            "Monitoring assessment",
            [("nominated", 198, None), ("selected", 14, None)],
        ),
        (
            "Workshop on engaging the private sector",
            "workshop",
            date(2026, 5, 18),
            "Business and biodiversity",
            [("participant", 40, None), ("speaker", 6, None)],
        ),
        (
            "Webinar: the nexus assessment in six languages",
            "webinar",
            date(2026, 7, 2),
            "Nexus assessment",
            [("participant", 140, None)],
        ),
        (
            "External review of the first order draft: monitoring assessment",
            "external_review",
            date(2026, 9, 1),
            "Monitoring assessment",
            [("reviewer", 70, (2, 90))],
        ),
    ]
    for title, activity_type, when, deliverable, roles in plan:
        activity = Activity(
            title=title,
            activity_type=activity_type,
            start_date=when,
            deliverable=deliverable,
            end_date=when + timedelta(days=rng.choice([0, 1, 30, 45])),
        )
        session.add(activity)
        session.flush()
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
    return len(plan)


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
