"""Each shape of export (LimeSurvey, SurveyMonkey, KoboToolbox, REDCap) imports through the command
into a past wave of the annual survey, with the mapping proposed: the rows the fixtures expect are
stored with the answers they expect, the refused ones are named and left out only when asked."""

from __future__ import annotations

import pytest
from sqlmodel import select

from surveys.models import Answer, Response
from tests.surveys.response_import.export_fixtures import EXPORTS, FIXTURES, expected
from tests.surveys.response_import.storing_helpers import annual_past_wave


@pytest.fixture
def past_wave(session):
    return annual_past_wave(session)


def _stored_answers(session, response_id: int) -> dict:
    found = {}
    for answer in session.exec(select(Answer).where(Answer.response_id == response_id)):
        value = answer.value_text if answer.value_number is None else answer.value_number
        found[answer.question] = answer.value_date.isoformat() if answer.value_date else value
    return found


@pytest.mark.parametrize("name", FIXTURES)
def test_each_shape_imports_through_the_command(runner, session, past_wave, name):
    rows, refused = expected(name)
    path = str(EXPORTS / name)
    result = runner.invoke(args=["surveys", "import-responses", str(past_wave.id), path])
    if refused:
        assert result.exit_code != 0
        assert "nothing was stored" in result.output
        for row in refused:
            assert f"Row {row}, column" in result.output
        result = runner.invoke(args=["surveys", "import-responses", str(past_wave.id), path, "--leave-out-refused"])
    assert result.exit_code == 0, result.output
    assert f"Stored {len(rows)} responses" in result.output
    session.expire_all()
    stored = session.exec(select(Response).where(Response.wave_id == past_wave.id).order_by(Response.id)).all()
    assert len(stored) == len(rows)
    first_row, first = min(rows.items())
    response = stored[0]
    assert response.language == first["language"]
    assert response.country == first["answers"]["country"]
    answers = _stored_answers(session, response.id)
    for question, value in first["answers"].items():
        if question in ("country", "category", "gender", "stakeholder_type"):
            continue  # profile questions feed the frozen profile
        want = " ".join(value) if isinstance(value, list) else value
        assert answers.get(question) == (float(want) if isinstance(want, int) else want), (first_row, question)
