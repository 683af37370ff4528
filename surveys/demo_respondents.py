"""Who answers the demo surveys and what they answer.

Registry stakeholders answer through their invitations and open-link respondents are drawn by
region and category; languages follow the 2020 survey, leaning on the respondent's region.
Answers follow the instrument's skip logic and constraints; Likert items lean by regional group
and category. Everything comes from the `rng` the caller passes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from core.demo import DEMO_DOMAIN
from stakeholders.models import Stakeholder
from surveys import answering
from surveys.definition import Definition, Grid, Question
from surveys.expressions import evaluate_bool

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


def weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), list(weights.values()))[0]


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


def answers(
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


def registry_people(session: Session, regions: dict[str, str]) -> list[tuple[Person, str]]:
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


def open_person(rng, by_region: dict[str, list[str]]) -> Person:
    region = weighted(rng, REGION_WEIGHTS)
    return Person(
        region=region,
        country=rng.choice(by_region[region]),
        category=weighted(rng, CATEGORY_WEIGHTS),
        gender=rng.choices(["male", "female", "another", "undisclosed"], [60, 37, 1, 2])[0],
        stakeholder_type=rng.choices(["contributor", "end_user", "both"], [45, 30, 25])[0],
    )


def pick_language(rng, person: Person, preferred: str | None = None) -> str:
    # Most answer in English whatever their registry language; Spanish and French speakers less so.
    if preferred and preferred != "en" and rng.random() < (0.3 if preferred in ("es", "fr") else 0.06):
        return preferred
    return weighted(rng, LANGUAGE_BY_REGION[person.region])
