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
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert
from sqlmodel import Session, select

from core.demo import DEMO_DOMAIN
from core.reference.models import Country
from core.timeutil import utcnow
from stakeholders.models import Stakeholder
from surveys import answering, instruments
from surveys.definition import Definition, Grid, Question, definition_hash
from surveys.expressions import evaluate_bool
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
# The 2020 survey's language counts, and how each region leans within them.
LANGUAGE_BY_REGION = {
    "WEOG": {"en": 90, "fr": 5, "es": 5},
    "GRULAC": {"es": 60, "en": 38, "fr": 2},
    "AFR": {"en": 55, "fr": 40, "ar": 5},
    "APAC": {"en": 95, "zh": 2, "ar": 2, "ru": 1},
    "EEG": {"en": 86, "ru": 12, "fr": 2},
}
REGION_WEIGHTS = {"WEOG": 42.0, "GRULAC": 20.5, "AFR": 16.9, "APAC": 14.7, "EEG": 5.9}
# How favourably a group tends to answer (added to a person's own leaning).
REGION_LEAN = {"AFR": 0.6, "GRULAC": 0.3, "APAC": 0.2, "EEG": 0.0, "WEOG": -0.35}
CATEGORY_LEAN = {
    "policymaker": 0.25,
    "un_mea": 0.3,
    "igo": 0.2,
    "science": 0.0,
    "practitioner": -0.05,
    "ngo": -0.15,
    "cbo": -0.1,
    "ilk": -0.3,
    "business": -0.35,
    "media": -0.1,
    "public": -0.1,
}
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
# Ordered answer lists: +1 when the first choice is the least favourable, -1 when it is the most.
ORDERED_LISTS = {
    "willing5": 1,
    "interest5": 1,
    "prefer5": 1,
    "agree5": -1,
    "useful4": -1,
    "informed4": -1,
    "addressed": -1,
    "internet": -1,
}
COMMENTS = {
    "en": [
        "More webinars for early-career researchers would help.",
        "Calls for experts should come earlier.",
        "The summaries for policymakers are very useful in my work.",
        "Travel funding remains the main barrier.",
    ],
    "es": [
        "Necesitamos más materiales en español.",
        "Los resúmenes para los responsables de políticas son muy útiles.",
        "La financiación para viajar sigue siendo la principal barrera.",
    ],
    "fr": [
        "Plus de documents en français, s'il vous plaît.",
        "Les appels à experts devraient être annoncés plus tôt.",
        "Les résumés pour les décideurs sont très utiles.",
    ],
    "ar": ["نحتاج إلى مزيد من المواد باللغة العربية.", "التمويل هو العائق الرئيسي."],
    "ru": ["Нужно больше материалов на русском языке.", "Сроки подачи заявок слишком короткие."],
    "zh": ["希望有更多中文材料。", "专家征集的时间应更早公布。"],
}
OTHER_TEXT = {
    "en": "Local outreach",
    "es": "Divulgación local",
    "fr": "Sensibilisation locale",
    "ar": "التوعية المحلية",
    "ru": "Местная просветительская работа",
    "zh": "地方宣传",
}


@dataclass
class Person:
    """Who answers: a registry stakeholder (stakeholder_id) or an open-link respondent."""

    region: str
    country: str
    category: str
    gender: str
    stakeholder_type: str
    stakeholder_id: int | None = None
    lean: float = 0.0


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), list(weights.values()))[0]


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


def _ordered_position(rng, person: Person, size: int, direction: int, shift: float) -> int:
    """An index into an ordered list, higher = more favourable before `direction` applies."""
    score = 0.62 + 0.16 * (person.lean + shift) + rng.gauss(0, 0.22)
    position = min(size - 1, max(0, int(score * size)))
    return position if direction > 0 else size - 1 - position


def _list_weights(name: str, choices: list[str], person: Person) -> list[float]:
    """Fixed, uneven popularity per list, tilted by the person's category."""
    base = random.Random(f"demo-{name}")
    tilt = random.Random(f"demo-{name}-{person.category}")
    return [(base.random() ** 2 + 0.05) * (1.8 if tilt.random() < 0.25 else 1.0) for _ in choices]


def _value(
    rng,
    question: Question,
    definition: Definition,
    person: Person,
    language: str,
    shift: float,
    submitted: datetime,
    serial: int,
):
    kind = question.type
    if question.profile:
        return getattr(person, question.profile)
    if kind in ("select_one", "select_multiple"):
        choices = definition.choice_names(question.list_name)
        direction = ORDERED_LISTS.get(question.list_name) or (1 if all(c.isdigit() for c in choices) else 0)
        if kind == "select_one" and direction:
            return choices[_ordered_position(rng, person, len(choices), direction, shift)]
        weights = _list_weights(question.list_name, choices, person)
        if kind == "select_one":
            return rng.choices(choices, weights)[0]
        if "none" in choices and rng.random() < 0.04:
            return ["none"]
        top = max(weights)
        chosen = [
            c
            for c, w in zip(choices, weights)
            if c != "none" and rng.random() < (0.08 if c == "other" else 0.12 + 0.5 * w / top + 0.04 * person.lean)
        ]
        return chosen or [rng.choices([c for c in choices if c not in ("none", "other")] or choices)[0]]
    if kind == "integer":
        return int(rng.expovariate(1 / 6))
    if kind == "decimal":
        return round(rng.expovariate(1 / 10), 1)
    if kind == "date":
        return (submitted - timedelta(days=rng.randint(10, 1500))).date()
    if question.pii and "email" in question.name:
        return f"respondent.{serial:05d}@{DEMO_DOMAIN}"
    if question.other_of:
        return OTHER_TEXT[language]
    return rng.choice(COMMENTS[language])


def _fits(question: Question, value, values: dict) -> bool:
    return not question.constraint or evaluate_bool(question.constraint, values, value)


def _answers(
    rng,
    definition: Definition,
    person: Person,
    language: str,
    shift: float,
    submitted: datetime,
    serial: int,
    registry: bool,
) -> tuple[dict, list[int]]:
    """Raw answers the way the form would post them, and the indices of the pages seen."""
    values = {q.name: None for q in definition.questions() if q.type != "note"}
    raw: dict = {}
    seen = []
    for index, page in enumerate(definition.pages):
        if registry and page.profile:
            continue
        if not answering.is_relevant(page.relevant, values):
            continue
        seen.append(index)
        for item in page.items:
            if isinstance(item, Grid):
                if not answering.is_relevant(item.relevant, values):
                    continue
                questions = item.questions
            else:
                questions = (item,)
            for question in questions:
                if question.type == "note" or (registry and question.profile):
                    continue
                if not answering.is_relevant(question.relevant, values):
                    continue
                if (
                    not question.required
                    and not question.profile
                    and rng.random() < (0.7 if question.type == "text" and not question.other_of else 0.04)
                ):
                    continue
                for _attempt in range(6):
                    value = _value(rng, question, definition, person, language, shift, submitted, serial)
                    if isinstance(value, list) and "count-selected(.) <=" in (question.constraint or ""):
                        value = value[:3]
                    if _fits(question, value, values):
                        break
                else:
                    continue
                values[question.name] = value
                raw[question.name] = (
                    [str(v) for v in value]
                    if isinstance(value, list)
                    else value.isoformat()
                    if isinstance(value, date)
                    else str(value)
                )
    return raw, seen


# --- respondents ------------------------------------------------------------------------------


def _registry_people(session: Session, regions: dict[str, str]) -> list[tuple[Person, str]]:
    rows = session.exec(
        select(
            Stakeholder.id,
            Stakeholder.country,
            Stakeholder.category,
            Stakeholder.gender,
            Stakeholder.stakeholder_type,
            Stakeholder.preferred_language,
        )
        .where(Stakeholder.is_active.is_(True), Stakeholder.erased_at.is_(None))
        .order_by(Stakeholder.id)
    ).all()
    return [
        (
            Person(
                region=regions.get(country or "", "WEOG"),
                country=country,
                category=category,
                gender=gender,
                stakeholder_type=kind,
                stakeholder_id=sid,
            ),
            language,
        )
        for sid, country, category, gender, kind, language in rows
    ]


def _open_person(rng, by_region: dict[str, list[str]]) -> Person:
    region = _weighted(rng, REGION_WEIGHTS)
    return Person(
        region=region,
        country=rng.choice(by_region[region]),
        category=_weighted(rng, CATEGORY_WEIGHTS),
        gender=rng.choices(["male", "female", "another", "undisclosed"], [60, 37, 1, 2])[0],
        stakeholder_type=rng.choices(["contributor", "end_user", "both"], [45, 30, 25])[0],
    )


def _language(rng, person: Person, preferred: str | None = None) -> str:
    # Most answer in English whatever their registry language; Spanish and French speakers less so.
    if preferred and preferred != "en" and rng.random() < (0.3 if preferred in ("es", "fr") else 0.06):
        return preferred
    return _weighted(rng, LANGUAGE_BY_REGION[person.region])


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
    now = utcnow()
    definition = instruments.definition_of(plan.version)
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
    closed = plan.closes_at <= now
    last = min(now, plan.closes_at)
    span = (last - plan.opens_at).total_seconds()

    invited = [(p, lang) for p, lang in people if p.stakeholder_id not in opted_out]
    target = max(10, round(RESPONSES_PER_WAVE * scale))
    from_registry = rng.sample(invited, min(len(invited), round(target * REGISTRY_SHARE)))
    answered_ids = {p.stakeholder_id for p, _ in from_registry}
    respondents = [(p, lang, None) for p, lang in from_registry]
    link_weights = [40, 25, 15, 20]
    for _ in range(target - len(from_registry)):
        respondents.append((_open_person(rng, by_region), None, rng.choices(links, link_weights)[0]))

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
            recipients=len(invited) - len(from_registry),
        )
    )
    if not closed:
        session.add(ReminderSchedule(wave_id=wave.id, send_at=plan.closes_at - timedelta(days=5)))

    response_rows, answer_sets = [], []
    questions = {q.name: q for q in definition.questions()}
    for person, preferred, link in respondents:
        serial[0] += 1
        person.lean = REGION_LEAN[person.region] + CATEGORY_LEAN.get(person.category, 0) + rng.gauss(0, 0.6)
        language = _language(rng, person, preferred)
        submitted = plan.opens_at + timedelta(seconds=rng.random() * span)
        registry = link is None
        raw, _seen = _answers(rng, definition, person, language, plan.shift, submitted, serial[0], registry)
        kept = answering.kept_answers(definition, raw, registry=registry)
        response_rows.append(
            _response_row(
                rng,
                wave,
                plan.version,
                person,
                link,
                language,
                submitted,
                len(definition.pages),
                answering.content_digest(kept),
            )
        )
        answer_sets.append(kept)

    drafts = max(2, round(len(respondents) * DRAFT_SHARE))
    pending = [pl for pl in invited if pl[0].stakeholder_id not in answered_ids]
    rng.shuffle(pending)
    for n in range(drafts):
        registry = n % 3 != 2 and bool(pending)
        if registry:
            person, preferred = pending.pop()
            link = None
        else:
            person, preferred, link = _open_person(rng, by_region), None, rng.choice(links)
        person.lean = REGION_LEAN[person.region] + rng.gauss(0, 0.6)
        language = _language(rng, person, preferred)
        started = plan.opens_at + timedelta(seconds=rng.random() * span)
        raw, seen = _answers(rng, definition, person, language, plan.shift, started, serial[0], registry)
        stop = rng.choice(seen[:-1] or seen)  # the page they left on (an index into the definition's pages)
        saved = {q.name for index in seen if index < stop for q in answering.page_questions(definition.pages[index])}
        row = _response_row(rng, wave, plan.version, person, link, language, None, stop, None)
        row.update(
            status="draft",
            draft={k: v for k, v in raw.items() if k in saved},
            started_at=started,
            updated_at=started + timedelta(minutes=rng.randint(2, 30)),
            resume_token_hash=None if registry else hashlib.sha256(_token(rng).encode()).hexdigest(),
            **{name: None for name in ("regional_group", "country", "category", "gender", "stakeholder_type")},
        )
        response_rows.append(row)

    ids = (
        session.execute(insert(Response).returning(Response.id, sort_by_parameter_order=True), response_rows)
        .scalars()
        .all()
    )
    answer_rows = [
        {"response_id": rid, "question": name, **answering.answer_columns(questions[name], value)}
        for rid, kept in zip(ids, answer_sets)
        for name, value in kept.items()
    ]
    if answer_rows:
        session.execute(insert(Answer), answer_rows)
    return wave, len(answer_sets), drafts


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
    people = _registry_people(session, regions)
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
