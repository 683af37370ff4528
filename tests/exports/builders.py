"""Survey data for the export tests: an instrument with every question type, closed waves, responses."""

from __future__ import annotations

import secrets

from core.timeutil import utcnow
from surveys import answering
from surveys.definition import Choice, Definition, Page, Question
from surveys.models import Answer, Response
from tests.factories import make_instrument_version, make_wave, six

REGION_OF = {
    "KE": "AFR",
    "NG": "AFR",
    "TV": "APAC",
    "IN": "APAC",
    "FR": "WEOG",
    "DE": "WEOG",
    "BR": "GRULAC",
    "PL": "EEG",
    "RU": "EEG",
    "TR": "WEOG",
}


def _choices(*names: str) -> tuple[Choice, ...]:
    return tuple(Choice(name=name, labels=six(name.replace("_", " ").title())) for name in names)


def export_definition(*, choice_label: str = "Agree") -> Definition:
    """One question of each type the frame knows: a quasi age band, a Likert item, a multiple choice,
    numbers, a date, free text, an e-mail address marked pii, and a profile page (as the shipped
    instruments have) whose answers feed the profile columns."""
    questions = (
        Question(name="age_band", type="select_one", labels=six("Your age"), list_name="ages"),
        Question(name="satisfied", type="select_one", labels=six("I am satisfied"), list_name="agree"),
        Question(
            name="staff", type="select_one", labels=six("Staff of your organisation"), list_name="sizes", quasi=True
        ),
        Question(name="roles", type="select_multiple", labels=six("Your roles"), list_name="roles"),
        Question(name="years", type="integer", labels=six("Years of involvement")),
        Question(name="share", type="decimal", labels=six("Share of time")),
        Question(name="since", type="date", labels=six("Since when")),
        Question(name="comments", type="text", labels=six("Comments")),
        Question(name="email", type="text", labels=six("Your e-mail address"), pii=True),
    )
    agree = (Choice(name="1", labels=six("Disagree")), Choice(name="2", labels=six(choice_label)))
    profile = (
        Question(
            name="country", type="select_one", labels=six("Country"), list_name="country", profile="country", quasi=True
        ),
        Question(
            name="category",
            type="select_one",
            labels=six("Category"),
            list_name="category",
            profile="category",
            quasi=True,
        ),
    )
    return Definition(
        form_id="export_test",
        version="1",
        titles=six("Export test"),
        pages=(
            Page(name="all", labels=six("All"), items=questions),
            Page(name="profile", labels=six("About you"), items=profile, profile=True),
        ),
        choices={
            "ages": _choices("under_30", "30_49", "50_plus"),
            "agree": agree,
            "roles": _choices("author", "reviewer", "user"),
            "sizes": _choices("small", "large"),
            "country": _choices(*REGION_OF),
            "category": _choices("science", "business", "ilk"),
        },
    )


def closed_wave(session, *, version=None, name: str = "Annual survey 2025", year: int = 2025):
    version = version or make_instrument_version(session, definition=export_definition(), code="export-test")
    return make_wave(session, version=version, name=name, year=year, opens_in_days=-60, closes_in_days=-1)


def submit(
    session,
    wave,
    answers: dict,
    *,
    stakeholder=None,
    link=None,
    language: str = "en",
    country: str = "KE",
    category: str = "science",
    gender: str = "female",
    stakeholder_type: str = "contributor",
    commit: bool = True,
) -> Response:
    """A submitted response stored as submission stores it: typed answers, profile frozen."""
    from surveys.models import InstrumentVersion

    version = session.get(InstrumentVersion, wave.version_id)
    definition = Definition.from_dict(version.definition)
    response = Response(
        wave_id=wave.id,
        version_id=version.id,
        stakeholder_id=stakeholder.id if stakeholder else None,
        open_link_id=link.id if link else None,
        submission_key=secrets.token_hex(16),
        status="submitted",
        language=language,
        submitted_at=utcnow(),
        regional_group=REGION_OF.get(country),
        country=country,
        category=category,
        gender=gender,
        stakeholder_type=stakeholder_type,
    )
    session.add(response)
    session.flush()
    for name, value in answers.items():
        session.add(
            Answer(response_id=response.id, question=name, **answering.answer_columns(definition.question(name), value))
        )
    if commit:
        session.commit()
    return response


def crowd(session, wave, n: int, **profile) -> list[Response]:
    """`n` alike respondents answering everything (one commit)."""
    from datetime import date

    responses = [
        submit(
            session,
            wave,
            {
                "age_band": "30_49",
                "satisfied": "2",
                "roles": ["author"],
                "years": 5,
                "share": 12.5,
                "since": date(2020, 5, 17),
                "comments": "Useful work.",
                "email": f"person{i}@example.org",
            },
            commit=False,
            **profile,
        )
        for i in range(n)
    ]
    session.commit()
    return responses
