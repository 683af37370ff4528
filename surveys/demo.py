"""Survey demo data: the shipped instruments, a needs-analysis wave and two annual waves.

About 1,000 submitted responses per wave (times `scale`): two thirds from registry stakeholders
through their invitations, the rest through the open links of four networks, whose respondents
answer the profile questions. Languages follow the 2020 survey (English 723, Spanish 165, French
118, Arabic 8, Russian 7, Chinese 3 of 1,024), leaning on the respondent's region. Answers
follow the instrument's skip logic and constraints; Likert items lean by regional group and
category (in 2020, 82% of respondents from Africa found IPBES open, 65% from Western Europe),
and a little more positive in 2026 than in 2025. The 2025 annual wave ran on version 1 of the
annual survey, which lacked one question, so the two years compare through matching by name.
Some respondents stopped part way: their drafts feed the drop-off figures.
Everything comes from the seeded `rng`; rows go in with bulk inserts.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert
from sqlmodel import Session, select

from core.reference.models import Country
from core.timeutil import utcnow
from surveys import answering, instruments
from surveys.definition import Definition, Grid, definition_hash
from surveys.demo_respondents import (
    CATEGORY_LEAN,
    REGION_LEAN,
    Person,
    answers,
    open_person,
    pick_language,
    registry_people,
)
from surveys.models import (
    Answer,
    Instrument,
    InstrumentVersion,
    Invitation,
    OpenLink,
    ReminderSchedule,
    Response,
    SurveyOptOut,
    Wave,
)
from surveys.xlsform.reading import parse_xlsform
from surveys.xlsform.writing import definition_to_xlsform

RESPONSES_PER_WAVE = 1000
REGISTRY_SHARE = 0.65  # of each wave's responses; the rest come through open links
DRAFT_SHARE = 0.08  # respondents who stopped part way, per submitted response
NETWORKS = (
    "Open-ended stakeholder network",
    "Young ecologists network",
    "Indigenous and local knowledge network",
    "Science-policy forum for Africa",
)
DROPPED_IN_V1 = "timely_information"  # the annual survey's version 1 did not ask it


def _token(rng: random.Random) -> str:
    return f"{rng.getrandbits(256):064x}"


# --- instruments ------------------------------------------------------------------------------


def _without(definition: Definition, name: str) -> Definition:
    """The definition less one question (how version 1 of the annual survey looked)."""
    pages = []
    for page in definition.pages:
        items = []
        for item in page.items:
            if isinstance(item, Grid):
                rows = tuple(q for q in item.questions if q.name != name)
                if rows:
                    items.append(replace(item, questions=rows))
            elif item.name != name:
                items.append(item)
        pages.append(replace(page, items=tuple(items)))
    return replace(definition, pages=tuple(pages), version=f"{definition.version}-demo-v1")


def _install(session: Session) -> tuple[InstrumentVersion, InstrumentVersion, InstrumentVersion]:
    """(needs analysis, annual survey v1, annual survey as shipped)."""
    name, filename = instruments.SHIPPED["annual-survey"]
    shipped = parse_xlsform((instruments.SHIPPED_DIR / filename).read_bytes(), filename)
    if DROPPED_IN_V1 in {q.name for q in shipped.questions()}:
        older = _without(shipped, DROPPED_IN_V1)
    else:  # the shipped form changed: drop its last question that no expression refers to
        older = _without(shipped, [q.name for q in shipped.questions() if q.type != "note"][-1])
    annual = Instrument(code="annual-survey", name=name, created_at=datetime(2025, 8, 1, tzinfo=UTC))
    session.add(annual)
    session.flush()
    first = InstrumentVersion(
        instrument_id=annual.id,
        number=1,
        content_hash=definition_hash(older),
        definition=older.to_dict(),
        xlsform=definition_to_xlsform(older),
        filename="annual_survey_v1.xlsx",
        created_at=datetime(2025, 9, 1, tzinfo=UTC),
    )
    session.add(first)
    session.flush()
    installed = {version.instrument_id: version for version in instruments.install_shipped(session)}
    needs = next(v for i, v in installed.items() if i != annual.id)
    return needs, first, installed[annual.id]


# --- answers ----------------------------------------------------------------------------------


# --- waves ------------------------------------------------------------------------------------


@dataclass
class WavePlan:
    name: str
    year: int
    version: InstrumentVersion
    opens_at: datetime
    closes_at: datetime
    shift: float  # the year's mood, added to everyone's leaning


def _seed_wave(
    session: Session,
    rng: random.Random,
    plan: WavePlan,
    people: list[tuple[Person, str]],
    by_region,
    opted_out: set[int],
    previous: Wave | None,
    scale: float,
    serial: list[int],
) -> tuple:
    """One wave with its open links, invitations, reminders, responses and unfinished drafts."""
    now = utcnow()
    definition = instruments.definition_of(plan.version)
    wave, links = _open_wave(session, rng, plan, previous)
    closed = plan.closes_at <= now
    span = (min(now, plan.closes_at) - plan.opens_at).total_seconds()

    invited = [(p, lang) for p, lang in people if p.stakeholder_id not in opted_out]
    target = max(10, round(RESPONSES_PER_WAVE * scale))
    from_registry = rng.sample(invited, min(len(invited), round(target * REGISTRY_SHARE)))
    answered_ids = {p.stakeholder_id for p, _ in from_registry}
    respondents = [(p, lang, None) for p, lang in from_registry]
    link_weights = [40, 25, 15, 20]
    for _ in range(target - len(from_registry)):
        respondents.append((open_person(rng, by_region), None, rng.choices(links, link_weights)[0]))
    _invite(session, rng, wave, plan, invited, answered_ids, closed)

    rows = _ResponseRows(rng, wave, plan, definition, span, serial)
    for person, preferred, link in respondents:
        rows.submitted(person, preferred, link)
    drafts = max(2, round(len(respondents) * DRAFT_SHARE))
    pending = [pl for pl in invited if pl[0].stakeholder_id not in answered_ids]
    rng.shuffle(pending)
    for n in range(drafts):
        rows.draft(n % 3 != 2 and bool(pending), pending, by_region, links)
    rows.insert(session)
    return wave, len(rows.answer_sets), drafts


def _open_wave(
    session: Session, rng: random.Random, plan: WavePlan, previous: Wave | None
) -> tuple[Wave, list[OpenLink]]:
    wave = Wave(
        instrument_id=plan.version.instrument_id,
        version_id=plan.version.id,
        name=plan.name,
        year=plan.year,
        opens_at=plan.opens_at,
        closes_at=plan.closes_at,
        status="published",
        audience={},
        previous_wave_id=previous.id if previous else None,
        created_at=plan.opens_at - timedelta(days=20),
    )
    session.add(wave)
    session.flush()
    links = [
        OpenLink(wave_id=wave.id, network=network, token=_token(rng), created_at=wave.created_at)
        for network in NETWORKS
    ]
    session.add_all(links)
    session.flush()
    return wave, links


def _invite(
    session: Session,
    rng: random.Random,
    wave: Wave,
    plan: WavePlan,
    invited: list[tuple[Person, str]],
    answered_ids: set[int],
    closed: bool,
) -> None:
    """Invitations (reminded when unanswered) and the wave's reminder schedule."""
    invitation_rows = []
    for person, language in invited:
        answered = person.stakeholder_id in answered_ids
        invitation_rows.append(
            {
                "wave_id": wave.id,
                "stakeholder_id": person.stakeholder_id,
                "token": _token(rng),
                "language": language or "en",
                "sent_at": plan.opens_at + timedelta(hours=2),
                "reminders_sent": 0 if answered else (2 if closed else 1),
                "last_reminded_at": None if answered else plan.opens_at + timedelta(days=10),
                "created_at": plan.opens_at,
            }
        )
    if invitation_rows:
        session.execute(insert(Invitation), invitation_rows)
    session.add(
        ReminderSchedule(
            wave_id=wave.id,
            send_at=plan.opens_at + timedelta(days=10),
            sent_at=plan.opens_at + timedelta(days=10),
            recipients=len(invited) - len(answered_ids),
        )
    )
    if not closed:
        session.add(ReminderSchedule(wave_id=wave.id, send_at=plan.closes_at - timedelta(days=5)))


class _ResponseRows:
    """The rows of one wave's responses, submitted and unfinished, inserted in bulk at the end."""

    def __init__(self, rng, wave: Wave, plan: WavePlan, definition: Definition, span: float, serial: list[int]):
        self.rng, self.wave, self.plan, self.definition, self.span, self.serial = (
            rng,
            wave,
            plan,
            definition,
            span,
            serial,
        )
        self.response_rows: list[dict] = []
        self.answer_sets: list[dict] = []

    def submitted(self, person: Person, preferred: str | None, link: OpenLink | None) -> None:
        rng, plan, definition = self.rng, self.plan, self.definition
        self.serial[0] += 1
        person.lean = REGION_LEAN[person.region] + CATEGORY_LEAN.get(person.category, 0) + rng.gauss(0, 0.6)
        language = pick_language(rng, person, preferred)
        submitted = plan.opens_at + timedelta(seconds=rng.random() * self.span)
        registry = link is None
        raw, _seen = answers(rng, definition, person, language, plan.shift, submitted, self.serial[0], registry)
        kept = answering.kept_answers(definition, raw, registry=registry)
        digest = answering.content_digest(kept)
        self.response_rows.append(
            _response_row(
                rng, self.wave, plan.version, person, link, language, submitted, len(definition.pages), digest
            )
        )
        self.answer_sets.append(kept)

    def draft(self, registry: bool, pending: list[tuple[Person, str]], by_region, links: list[OpenLink]) -> None:
        """A response left part way: from an invited stakeholder who has not answered, or an open link."""
        rng, plan, definition = self.rng, self.plan, self.definition
        if registry:
            person, preferred = pending.pop()
            link = None
        else:
            person, preferred, link = open_person(rng, by_region), None, rng.choice(links)
        person.lean = REGION_LEAN[person.region] + rng.gauss(0, 0.6)
        language = pick_language(rng, person, preferred)
        started = plan.opens_at + timedelta(seconds=rng.random() * self.span)
        raw, seen = answers(rng, definition, person, language, plan.shift, started, self.serial[0], registry)
        stop = rng.choice(seen[:-1] or seen)  # the page they left on (an index into the definition's pages)
        saved = {q.name for index in seen if index < stop for q in answering.page_questions(definition.pages[index])}
        row = _response_row(rng, self.wave, plan.version, person, link, language, None, stop, None)
        row.update(
            status="draft",
            draft={k: v for k, v in raw.items() if k in saved},
            started_at=started,
            updated_at=started + timedelta(minutes=rng.randint(2, 30)),
            resume_token_hash=None if registry else hashlib.sha256(_token(rng).encode()).hexdigest(),
            **{name: None for name in ("regional_group", "country", "category", "gender", "stakeholder_type")},
        )
        self.response_rows.append(row)

    def insert(self, session: Session) -> None:
        ids = (
            session.execute(insert(Response).returning(Response.id, sort_by_parameter_order=True), self.response_rows)
            .scalars()
            .all()
        )
        questions = {q.name: q for q in self.definition.questions()}
        answer_rows = [
            {"response_id": rid, "question": name, **answering.answer_columns(questions[name], value)}
            for rid, kept in zip(ids, self.answer_sets)
            for name, value in kept.items()
        ]
        if answer_rows:
            session.execute(insert(Answer), answer_rows)


def _response_row(
    rng,
    wave: Wave,
    version: InstrumentVersion,
    person: Person,
    link: OpenLink | None,
    language: str,
    submitted: datetime | None,
    last_page: int,
    digest: str | None,
) -> dict:
    started = (submitted or utcnow()) - timedelta(minutes=rng.randint(6, 25))
    return {
        "wave_id": wave.id,
        "version_id": version.id,
        "stakeholder_id": person.stakeholder_id,
        "open_link_id": link.id if link else None,
        "submission_key": _token(rng),
        "resume_token_hash": None,
        "status": "submitted",
        "language": language,
        "draft": {},
        "last_page": last_page,
        "content_digest": digest,
        "started_at": started,
        "updated_at": submitted or started,
        "submitted_at": submitted,
        "regional_group": person.region,
        "country": person.country,
        "category": person.category,
        "gender": person.gender,
        "stakeholder_type": person.stakeholder_type,
    }


def seed_surveys(session: Session, rng: random.Random, password_hash: str, scale: float) -> list[str]:
    rng = random.Random(rng.random())  # its own stream: adding survey data leaves the registry's unchanged
    needs, annual_v1, annual_v2 = _install(session)
    regions = dict(
        session.exec(select(Country.iso2, Country.regional_group).where(Country.regional_group.is_not(None))).all()
    )
    by_region: dict[str, list[str]] = {}
    for iso2, region in sorted(regions.items()):
        by_region.setdefault(region, []).append(iso2)
    people = registry_people(session, regions)
    opted_out = {p.stakeholder_id for p, _ in rng.sample(people, len(people) // 100)}
    if opted_out:
        session.execute(
            insert(SurveyOptOut),
            [{"stakeholder_id": sid, "created_at": datetime(2025, 3, 1, tzinfo=UTC)} for sid in sorted(opted_out)],
        )
    now = utcnow()
    plans = [
        WavePlan(
            "Needs analysis 2024",
            2024,
            needs,
            datetime(2024, 5, 4, tzinfo=UTC),
            datetime(2024, 6, 4, 23, 59, tzinfo=UTC),
            0.0,
        ),
        WavePlan(
            "Annual survey 2025",
            2025,
            annual_v1,
            datetime(2025, 10, 1, tzinfo=UTC),
            datetime(2025, 11, 15, 23, 59, tzinfo=UTC),
            0.0,
        ),
        WavePlan("Annual survey 2026", 2026, annual_v2, now - timedelta(days=21), now + timedelta(days=30), 0.25),
    ]
    lines, previous, serial = [], None, [0]
    for plan in plans:
        wave, submitted, drafts = _seed_wave(
            session,
            rng,
            plan,
            people,
            by_region,
            opted_out,
            previous if plan.version.instrument_id == annual_v1.instrument_id else None,
            scale,
            serial,
        )
        if plan.version.instrument_id == annual_v1.instrument_id:
            previous = wave
        lines.append(f"  {wave.name}: {submitted} responses, {drafts} unfinished")
    session.flush()
    return ["Surveys: needs analysis and annual survey (versions 1 and 2) installed; waves:", *lines]
