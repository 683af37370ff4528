"""Submission as a service: atomic, idempotent, typed long-form answers, frozen profile."""

from unittest import mock

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from surveys import respondents, submission
from surveys.definition import Choice
from surveys.models import Answer, Response
from tests.factories import (
    ANSWERS,
    make_definition,
    make_invitation,
    make_open_link,
    make_stakeholder,
    make_wave,
    profile_question,
    six,
    with_profile_page,
)


@pytest.fixture
def invited(session):
    wave = make_wave(session)
    person = make_stakeholder(session, country="FR", category="ngo", gender="male", stakeholder_type="end_user")
    invitation = make_invitation(session, wave=wave, stakeholder=person)
    return respondents.start_from_invitation(session, token=invitation.token)


def _answers(session):
    session.expire_all()
    return {a.question: a for a in session.exec(select(Answer))}


def test_submission_stores_typed_answers_and_freezes_the_registry_profile(session, invited):
    definition = make_definition()
    outcome = submission.submit(session, invited, definition, key=invited.response.submission_key, raw=ANSWERS)
    assert outcome.duplicate is False
    answers = _answers(session)
    assert answers["roles"].value_text == "author other"
    assert answers["years"].value_number == 12.0 and answers["years"].value_text is None
    assert answers["comments"].value_text == "Très utile"
    response = session.exec(select(Response)).one()
    assert (
        response.status,
        response.country,
        response.regional_group,
        response.category,
        response.gender,
        response.stakeholder_type,
    ) == ("submitted", "FR", "WEOG", "ngo", "male", "end_user")
    assert response.content_digest


def test_a_retry_is_the_same_submission_and_other_content_is_refused(session, invited):
    definition = make_definition()
    key = invited.response.submission_key
    submission.submit(session, invited, definition, key=key, raw=ANSWERS)
    again = submission.submit(session, invited, definition, key=key, raw=dict(ANSWERS))
    assert again.duplicate is True
    with pytest.raises(submission.SubmissionConflict) as refused:
        submission.submit(session, invited, definition, key=key, raw={**ANSWERS, "years": "13"})
    assert refused.value.reason == "changed"
    assert _answers(session)["years"].value_number == 12.0


def test_a_failure_while_writing_answers_stores_nothing(session, invited):
    definition = make_definition()
    with mock.patch.object(submission.answering, "answer_columns", side_effect=[{"value_text": "x"}, RuntimeError]):
        with pytest.raises(RuntimeError):
            submission.submit(session, invited, definition, key=invited.response.submission_key, raw=ANSWERS)
    assert _answers(session) == {}
    assert session.exec(select(Response)).one().status == "draft"


def test_a_database_failure_midway_rolls_the_status_back(session, invited):
    definition = make_definition()
    too_long = {**ANSWERS}
    answer_rows = submission._answer_rows
    # every answer twice: the INSERT, after the UPDATE that marked the response submitted, breaks the key
    twice = mock.patch.object(submission, "_answer_rows", side_effect=lambda *args: answer_rows(*args) * 2)
    with twice:
        with pytest.raises(IntegrityError):
            submission.submit(session, invited, definition, key=invited.response.submission_key, raw=too_long)
    session.expire_all()
    response = session.exec(select(Response)).one()
    assert (response.status, response.content_digest) == ("draft", None)
    assert _answers(session) == {}


def test_incomplete_answers_are_refused_with_the_questions_concerned(session, invited):
    with pytest.raises(submission.SubmissionInvalid) as refused:
        submission.submit(session, invited, make_definition(), key=invited.response.submission_key, raw={"years": "3"})
    assert set(refused.value.problems) == {"roles", "engaged"}
    assert _answers(session) == {}


def test_editing_replaces_the_answers_atomically_and_keeps_one_response(session, invited):
    definition = make_definition()
    submission.submit(session, invited, definition, key=invited.response.submission_key, raw=ANSWERS)
    respondents.start_editing(session, invited)
    new_key = invited.response.submission_key
    assert _answers(session)["years"].value_number == 12.0  # still counted while being changed
    submission.submit(session, invited, definition, key=new_key, raw={"roles": ["user"], "engaged": "no"})
    assert set(_answers(session)) == {"roles", "engaged"}
    assert len(session.exec(select(Response)).all()) == 1


def test_a_closed_wave_refuses_new_submissions(session):
    wave = make_wave(session, opens_in_days=-10, closes_in_days=1)
    person = make_stakeholder(session)
    invitation = make_invitation(session, wave=wave, stakeholder=person)
    respondent = respondents.start_from_invitation(session, token=invitation.token)
    wave.status = "closed"
    session.add(wave)
    session.commit()
    with pytest.raises(respondents.WaveNotOpen):
        submission.submit(session, respondent, make_definition(), key=respondent.response.submission_key, raw=ANSWERS)


def test_open_link_respondents_give_their_profile_in_the_survey(session):
    definition = with_profile_page(
        make_definition(),
        profile_question("country", "countries", name="p_country"),
        profile_question("gender", "genders", name="p_gender"),
        choices={"countries": (Choice("BR", six("Brazil")),), "genders": (Choice("female", six("Female")),)},
    )
    link = make_open_link(session, wave=make_wave(session))
    from core.ratelimit import Throttle

    respondent, _resume = respondents.start_from_open_link(
        session, throttle=Throttle("memory://"), token=link.token, client="127.0.0.1"
    )
    submission.submit(
        session,
        respondent,
        definition,
        key=respondent.response.submission_key,
        raw={**ANSWERS, "p_country": "BR", "p_gender": "female"},
    )
    session.expire_all()
    response = session.exec(select(Response)).one()
    assert (
        response.country,
        response.regional_group,
        response.gender,
        response.stakeholder_id,
        response.open_link_id,
    ) == ("BR", "GRULAC", "female", None, link.id)


def test_a_submission_stores_codes_normalised(session, invited):
    # A draft kept from before the cleaning, or a client that posts around the form.
    raw = {**ANSWERS, "engaged": "yes\u00a0", "roles": ["author\u200b", "other"], "comments": " Très utile\u00a0"}
    submission.submit(session, invited, make_definition(), key=invited.response.submission_key, raw=raw)
    answers = _answers(session)
    assert answers["engaged"].value_text == "yes"
    assert answers["roles"].value_text == "author other"
    assert answers["comments"].value_text == "Très utile"


def test_submission_records_the_conditional_questions_the_respondent_was_shown(session, invited):
    definition = make_definition()
    submission.submit(session, invited, definition, key=invited.response.submission_key, raw=ANSWERS)
    response = session.exec(select(Response)).one()
    # roles_other (its own condition) and the whole second page (the page's condition); not the others.
    assert response.shown == ["roles_other", "clear_how", "transparent", "comments"]


def test_a_respondent_shown_no_conditional_question_records_an_empty_list(session, invited):
    definition = make_definition()
    raw = {"roles": ["author"], "years": "3", "engaged": "no"}
    submission.submit(session, invited, definition, key=invited.response.submission_key, raw=raw)
    session.expire_all()
    assert session.exec(select(Response)).one().shown == []
