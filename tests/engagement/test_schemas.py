"""The engagement records' input models (engagement/schemas.py): the rules forms and import rows share."""

from __future__ import annotations

from datetime import date

import pytest

from core.problems import Problem, ValidationFailed, validate
from core.timeutil import utcnow
from engagement import schemas

CONCERN = {"summary": "Late", "raised_on": "2025-03-01", "channel": "email"}
IMPACT = {"title": "Strategy", "impact_type": "policy", "scale": "national", "country": "ke", "description": "Used"}


def problems(model, values) -> list[Problem]:
    with pytest.raises(ValidationFailed) as failed:
        validate(model, values)
    return failed.value.problems


def test_an_answered_concern_needs_its_answer_and_its_date_not_before_the_concern():
    assert problems(schemas.ConcernCreate, {**CONCERN, "status": "answered"}) == [
        Problem("answer", "answer_needed"),
        Problem("answered_on", "answer_date_needed"),
    ]
    assert problems(
        schemas.ConcernCreate, {**CONCERN, "status": "answered", "answer": "Yes", "answered_on": "2025-02-01"}
    ) == [Problem("answered_on", "date_before", {"date": "2025-03-01"})]
    assert problems(schemas.ConcernCreate, {**CONCERN, "answered_on": "2025-03-02"}) == [
        Problem("status", "no_longer_open")
    ]


def test_a_call_closes_on_or_after_it_opens_and_counts_whole_responses():
    call = validate(schemas.CallCreate, {"title": "Call", "opened_on": "2024-02-05", "responses": "143"})
    assert (call.opened_on, call.responses, call.audience) == (date(2024, 2, 5), 143, [])
    assert problems(schemas.CallCreate, {"title": "Call", "opened_on": "2024-02-05", "closed_on": "2024-01-01"}) == [
        Problem("closed_on", "date_before", {"date": "2024-02-05"})
    ]


def test_an_impact_record_needs_a_place_below_global_scale_and_a_plausible_year():
    assert validate(schemas.ImpactCreate, IMPACT).country == "KE"
    assert problems(schemas.ImpactCreate, {**IMPACT, "country": ""}) == [Problem("region", "region_or_country")]
    assert validate(schemas.ImpactCreate, {**IMPACT, "country": "", "scale": "global"}).country is None
    next_year_but_one = utcnow().year + 2
    assert problems(schemas.ImpactCreate, {**IMPACT, "year": next_year_but_one}) == [
        Problem("year", "out_of_range", {"value": next_year_but_one})
    ]
    assert problems(schemas.ImpactSubmission, IMPACT) == [Problem("submitter_email", "required")]


def test_an_update_takes_only_the_fields_given():
    given = validate(schemas.EvidenceUpdate, {"title": "Strategy", "languages": ["fr"]})
    assert given.model_dump(exclude_unset=True) == {"title": "Strategy", "languages": ["fr"]}
    assert problems(schemas.EvidenceUpdate, {"kind": ""}) == [Problem("kind", "required")]
