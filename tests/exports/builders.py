"""Survey scenarios for the export tests, built with `tests.factories`: an instrument with every question
type, closed waves, crowds of alike respondents, a wave answered in Kenya and France."""

from __future__ import annotations

from datetime import date

from surveys.definition import Choice, Definition, Page, Question
from surveys.models import Response
from tests.factories import make_instrument_version, make_response, make_wave, six

COUNTRIES = ("KE", "NG", "TV", "IN", "FR", "DE", "BR", "PL", "RU", "TR")  # in five regional groups


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
            "country": _choices(*COUNTRIES),
            "category": _choices("science", "business", "ilk"),
        },
    )


def closed_wave(session, *, version=None, name: str = "Annual survey 2025", year: int = 2025):
    version = version or make_instrument_version(session, definition=export_definition(), code="export-test")
    return make_wave(session, version=version, name=name, year=year, opens_in_days=-60, closes_in_days=-1)


def crowd(session, wave, n: int, **profile) -> list[Response]:
    """`n` alike respondents answering everything (one commit)."""
    responses = [
        make_response(
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


def kenya_and_france(session, **wave_options):
    """A wave answered by 34 Kenyans and 10 French respondents.

    Kenya, "engaged" by category: policymakers 2 yes / 6 no, science 7 yes / 6 no, business 8 yes / 5 no.
    The two policymakers who said yes must be hidden, and then so must three more cells.
    """
    wave = make_wave(session, **wave_options)
    plan = [
        ("science", "yes", 7),
        ("science", "no", 6),
        ("policymaker", "yes", 2),
        ("policymaker", "no", 6),
        ("business", "yes", 8),
        ("business", "no", 5),
    ]
    for category, engaged, n in plan:
        for i in range(n):
            roles = ["author", "reviewer"] if i % 2 else ["user"]
            make_response(
                session,
                wave,
                {"engaged": engaged, "roles": roles},
                category=category,
                gender="male" if i % 3 else "female",
            )
    for _ in range(10):
        make_response(
            session,
            wave,
            {"engaged": "yes", "roles": ["author"]},
            country="FR",
            category="science",
        )
    return wave
