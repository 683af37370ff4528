"""Demo engagement records for `flask seed-demo`: evidence, planned steps, impact, concerns, calls.

Runs after the registry's seeder, so that some concerns are linked to demo stakeholders. Dates
are fixed (not relative to today), so that the same seed always gives the same records.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, select

from core.demo import DEMO_DOMAIN
from core.reference.models import Country
from core.text import search_key
from engagement.models import BarrierAction, CallForInput, Concern, EvidenceItem, ImpactRecord
from stakeholders.models import Stakeholder

SIX = ["ar", "zh", "en", "fr", "ru", "es"]

EVIDENCE = (
    ("strategy", "Stakeholder engagement strategy (decision IPBES-3/4, annex I)", date(2015, 1, 17), SIX),
    (
        "implementation_plan",
        "Initial implementation plan of the stakeholder engagement strategy",
        date(2015, 1, 17),
        SIX,
    ),
    (
        "implementation_plan",
        "Updated implementation plan for the work programme up to 2030",
        date(2023, 9, 4),
        ["en", "fr", "es"],
    ),
    ("procedures", "Procedures for the preparation of the Platform's deliverables", date(2014, 1, 14), SIX),
    ("procedures", "Guidance on submitting comments to external reviews", date(2022, 5, 2), ["en"]),
    ("consultation", "Stakeholder days before the tenth session of the Plenary", date(2023, 8, 27), ["en"]),
    ("consultation", "Online consultation on the next work programme", date(2018, 6, 1), ["en", "fr", "es"]),
)

BARRIER_ACTIONS = (
    (
        "language",
        "Interpretation into the six UN languages at stakeholder days",
        "Secretariat, stakeholder unit",
        date(2026, 5, 31),
        "in_progress",
    ),
    (
        "language",
        "Translate calls for nominations and review guidance into French and Spanish",
        "Secretariat, communications",
        date(2026, 3, 31),
        "planned",
    ),
    (
        "funding",
        "Travel support for experts from developing countries at author meetings",
        "Trust fund",
        date(2025, 12, 31),
        "done",
    ),
    (
        "awareness",
        "Monthly digest of open calls to national focal points",
        "Secretariat, stakeholder unit",
        date(2025, 10, 1),
        "done",
    ),
    (
        "awareness",
        "Regional webinars introducing each new assessment",
        "Technical support units",
        date(2026, 9, 30),
        "planned",
    ),
    (
        "unclear_process",
        "A step-by-step guide to taking part in external reviews",
        "Secretariat",
        date(2026, 2, 28),
        "in_progress",
    ),
    ("deadlines", "Announce external review periods six weeks ahead", "Secretariat", None, "planned"),
    (
        "internet",
        "Review drafts available as light PDF files and by email",
        "Secretariat, IT",
        date(2025, 6, 30),
        "done",
    ),
    (
        "recognition",
        "Certificates of contribution for reviewers and fellows",
        "Capacity-building task force",
        date(2026, 4, 30),
        "planned",
    ),
    (
        "fatigue",
        "Coordinate survey and call calendars across technical support units",
        "Secretariat",
        date(2026, 1, 31),
        "dropped",
    ),
)

IMPACT_TEMPLATES = (
    ("policy", "national", "pollination", "National pollinator strategy draws on the pollination assessment"),
    ("law", "national", "invasive_species", "Regulation on invasive alien species cites the IPBES assessment"),
    ("action", "local", "sustainable_use", "Community fisheries plan adopts sustainable-use practices"),
    ("commitment", "regional", "nexus", "Regional ministers commit to nexus-based planning"),
    ("network", "subnational", "values", "Provincial network on the values of nature"),
    ("investment", "national", "transformative_change", "Public fund for transformative change pilots"),
    ("policy", "subnational", "land_degradation", "State restoration policy uses the land degradation assessment"),
    ("action", "global", "global", "Global business coalition uses the global assessment in its targets"),
    ("commitment", "national", "business", "National bank commits to disclose its impacts on nature"),
    ("policy", "regional", "regional_africa", "Regional biodiversity strategy draws on the Africa assessment"),
)

CONCERN_SUMMARIES = (
    "Review comments submitted in Spanish were not acknowledged",
    "The call for experts closed before the national nomination process could finish",
    "Indigenous knowledge holders were not consulted on the scoping",
    "No travel support was offered to the stakeholder day",
    "The draft chapter was available in English only",
    "Confirmation email for the nomination was never received",
    "Observer organisations could not speak at the plenary session",
    "The online review platform was hard to use on a slow connection",
    "The selection criteria for fellows were not published",
    "Survey questions did not fit the work of practitioners",
    "The summary for policymakers misrepresents a regional case study",
    "Too many overlapping requests from technical support units",
)

CALLS = (
    (
        "Call for input on the scoping of the spatial planning assessment",
        "spatial_planning",
        date(2024, 2, 5),
        date(2024, 3, 15),
        212,
        ["all"],
    ),
    (
        "External review of the first order draft of the nexus assessment",
        "nexus",
        date(2023, 3, 1),
        date(2023, 4, 26),
        318,
        ["experts", "governments"],
    ),
    (
        "Call for input on the business and biodiversity assessment",
        "business",
        date(2022, 11, 7),
        date(2022, 12, 16),
        164,
        ["organisations"],
    ),
    (
        "Call for indigenous and local knowledge on the monitoring assessment",
        "monitoring",
        date(2025, 4, 1),
        date(2025, 5, 30),
        97,
        ["ilk"],
    ),
    (
        "External review of the transformative change assessment",
        "transformative_change",
        date(2023, 6, 12),
        date(2023, 8, 7),
        276,
        ["experts", "governments"],
    ),
    (
        "Call for input on the second global assessment scoping",
        "global_2",
        date(2025, 9, 15),
        date(2025, 11, 14),
        None,
        ["all"],
    ),
    (
        "Call for comments on the stakeholder engagement strategy review",
        "other",
        date(2024, 10, 1),
        date(2024, 11, 29),
        58,
        ["organisations", "observers"],
    ),
    (
        "Call for case studies on invasive alien species",
        "invasive_species",
        date(2021, 5, 10),
        date(2021, 6, 30),
        131,
        [],
    ),
)

CHANNELS = ("email", "email", "email", "plenary", "meeting", "survey", "website", "social_media", "letter")
SCALE_REGIONS = ("AFR", "APAC", "EEG", "GRULAC", "WEOG")


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=UTC)


def seed_engagement(session: Session, rng: random.Random, password_hash: str, scale: float) -> list[str]:
    _fixed_records(session)
    impacts = _impacts(session, rng, max(10, round(40 * min(scale, 1))))
    concerns = _concerns(session, rng, max(12, round(60 * min(scale, 1))))
    session.flush()
    return [
        f"Engagement records: {len(EVIDENCE)} evidence items, {len(BARRIER_ACTIONS)} planned steps, "
        f"{impacts} impact records, {concerns} concerns, {len(CALLS)} calls for input"
    ]


def _fixed_records(session: Session) -> None:
    """The evidence, planned steps and calls for input, as listed above (no randomness)."""
    for kind, title, issued_on, languages in EVIDENCE:
        session.add(
            EvidenceItem(
                kind=kind,
                title=title,
                title_key=search_key(title),
                issued_on=issued_on,
                link="https://www.ipbes.net/stakeholder-engagement",
                languages=languages,
            )
        )
    for barrier, action, owner, due_on, status in BARRIER_ACTIONS:
        session.add(
            BarrierAction(
                barrier=barrier, action=action, action_key=search_key(action), owner=owner, due_on=due_on, status=status
            )
        )
    for title, deliverable, opened_on, closed_on, responses, audience in CALLS:
        session.add(
            CallForInput(
                title=title,
                title_key=search_key(title),
                deliverable=deliverable,
                opened_on=opened_on,
                closed_on=closed_on,
                responses=responses,
                audience=audience,
            )
        )


def _impacts(session: Session, rng: random.Random, impacts: int) -> int:
    countries: dict[str, list[str]] = {}
    for iso2, group in session.exec(select(Country.iso2, Country.regional_group).order_by(Country.iso2)):
        if group:
            countries.setdefault(group, []).append(iso2)
    for number in range(impacts):
        impact_type, impact_scale, deliverable, title = IMPACT_TEMPLATES[number % len(IMPACT_TEMPLATES)]
        region = rng.choice(SCALE_REGIONS)
        country = rng.choice(countries[region]) if impact_scale in ("local", "subnational", "national") else None
        status = "published" if number % 8 not in (3, 6) else ("pending" if number % 8 == 3 else "rejected")
        submitted = date(2021, 1, 1) + timedelta(days=rng.randrange(5 * 365))
        session.add(
            ImpactRecord(
                title=f"{title} ({number + 1})",
                title_key=search_key(f"{title} ({number + 1})"),
                impact_type=impact_type,
                scale=impact_scale,
                region=None if impact_scale == "global" else region,
                country=country,
                year=submitted.year,
                deliverable=deliverable,
                description="A demo record: how the work of IPBES was taken up, as its submitter reported it.",
                evidence_link="https://www.ipbes.net/impact-tracking-view" if number % 3 else "",
                submitter_name=f"Demo submitter {number + 1}",
                submitter_email=f"impact.{number + 1:03d}@{DEMO_DOMAIN}",
                status=status,
                source="public" if number % 4 else "secretariat",
                submitted_at=_utc(submitted),
                moderated_at=_utc(submitted + timedelta(days=rng.randrange(2, 30))) if status != "pending" else None,
            )
        )
    return impacts


def _concerns(session: Session, rng: random.Random, concerns: int) -> int:
    stakeholder_ids = list(session.exec(select(Stakeholder.id).order_by(Stakeholder.id).limit(200)))
    for number in range(concerns):
        raised_on = date(2022, 1, 10) + timedelta(days=rng.randrange(4 * 365))
        roll = rng.random()
        status = "answered" if roll < 0.7 else ("closed" if roll < 0.85 else "open")
        answered_on = (
            raised_on + timedelta(days=rng.choice((2, 5, 9, 14, 21, 30, 45, 75)))
            if status == "answered" or (status == "closed" and roll < 0.8)
            else None
        )
        summary = f"{CONCERN_SUMMARIES[number % len(CONCERN_SUMMARIES)]} ({number + 1})"
        session.add(
            Concern(
                summary=summary,
                summary_key=search_key(summary),
                raised_on=raised_on,
                channel=rng.choice(CHANNELS),
                raised_by_id=rng.choice(stakeholder_ids) if stakeholder_ids and rng.random() < 0.6 else None,
                status=status,
                answered_on=answered_on,
                answer="The secretariat answered and explained the next steps." if answered_on else "",
            )
        )
    return concerns
