"""The registry's input models (stakeholders/schemas.py): what forms, import rows and API bodies
must be, with problems as codes."""

from __future__ import annotations

from datetime import date

import pytest

from core.problems import Problem, ValidationFailed, validate
from stakeholders import schemas

PROFILE = {"name": "Amina Diallo", "country": "sn", "category": "science"}


def problems(model, values) -> list[Problem]:
    with pytest.raises(ValidationFailed) as failed:
        validate(model, values)
    return failed.value.problems


def test_a_profile_takes_codes_and_keeps_multi_valued_fields_it_is_not_given():
    profile = validate(schemas.ProfileCreate, {**PROFILE, "discipline": ["economics", "economics"]})
    assert (profile.country, profile.gender, profile.preferred_language) == ("SN", "undisclosed", "en")
    assert profile.multi() == {"discipline": ["economics"]}


def test_a_profile_names_its_wrong_values_and_lists_the_allowed_ones():
    found = problems(
        schemas.ProfileCreate, {**PROFILE, "category": "scientists", "knowledge_system": ["scientific", "magic"]}
    )
    assert [p.field for p in found] == ["category", "knowledge_system"]
    assert found[0].params["value"] == "scientists" and "science" in found[0].params["allowed"]
    assert found[1].params["value"] == ["magic"]
    assert problems(schemas.ProfileCreate, {**PROFILE, "phone": "1" * 41}) == [
        Problem("phone", "too_long", {"max": 40})
    ]


def test_a_proposed_organisation_reports_its_fields_under_the_proposal():
    found = problems(
        schemas.ProfileCreate, {**PROFILE, "proposal": {"name": "", "org_type": "ngo", "website": "www.x.org"}}
    )
    assert [(p.field, p.code) for p in found] == [("proposal.name", "required"), ("proposal.website", "bad_url")]


def test_an_admission_year_outside_the_plausible_range_is_refused():
    found = problems(
        schemas.OrganisationCreate,
        {"name": "Red", "org_type": "ngo", "admissions": [{"plenary_session": "IPBES-11", "year": "1999"}]},
    )
    assert found == [Problem("admissions.year", "out_of_range", {"value": 1999})]


def test_an_activity_ends_on_or_after_its_start():
    base = {"title": "Review", "activity_type": "external_review", "start_date": "2026-05-01"}
    assert validate(schemas.ActivityCreate, {**base, "end_date": "2026-05-01"}).end_date == date(2026, 5, 1)
    assert problems(schemas.ActivityCreate, {**base, "end_date": "2026-04-30"}) == [
        Problem("end_date", "end_before_start")
    ]


@pytest.mark.parametrize(
    "values, expected",
    [
        ({"role": "participant"}, [Problem("party", "one_party")]),
        ({"stakeholder_id": 1, "organisation_id": 2, "role": "participant"}, [Problem("party", "one_party")]),
        ({"stakeholder_id": 1, "role": "fellow", "comments": "2"}, [Problem("comments", "reviewers_only")]),
        (
            {"stakeholder_id": 1, "role": "reviewer", "comments": "-1"},
            [Problem("comments", "out_of_range", {"value": -1})],
        ),
        (
            {"stakeholder_id": 1, "role": "reviewer", "comments": "many"},
            [Problem("comments", "not_integer", {"value": "many"})],
        ),
    ],
)
def test_a_participation_record_has_one_party_and_comments_only_for_reviewers(values, expected):
    assert problems(schemas.ParticipationCreate, {"activity_id": "3", **values}) == expected


def test_an_assignment_ends_after_it_starts():
    base = {"email": "fp@example.org", "country": "ke", "start_date": "2026-05-01"}
    assert validate(schemas.AssignmentCreate, base).country == "KE"
    assert problems(schemas.AssignmentCreate, {**base, "end_date": "2026-05-01"}) == [
        Problem("end_date", "end_not_after_start")
    ]
    assert problems(schemas.AssignmentCreate, {**base, "email": "nobody", "kind": "deputy"})[0] == Problem(
        "email", "bad_email", {"value": "nobody"}
    )
