"""Erasing or merging a stakeholder: submitted answers stay, links to the person go."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import select

from core.accounts.models import User
from surveys.frame import responses_frame
from surveys.models import Answer, Invitation, Response, SurveyOptOut
from tests.factories import (
    DEFAULT_PASSWORD,
    make_definition,
    make_instrument_version,
    make_invitation,
    make_response,
    make_stakeholder,
    make_wave,
)

pytestmark = pytest.mark.usefixtures("backend")


def with_pii_comments():
    definition = make_definition()
    views = definition.pages[1]
    comments = replace(views.items[1], pii=True)  # e.g. "write your phone number if we may call you"
    return replace(definition, pages=(definition.pages[0], replace(views, items=(views.items[0], comments))))


def test_deleting_an_account_keeps_answers_and_cuts_every_link(session):
    from stakeholders import self_service

    version = make_instrument_version(session, definition=with_pii_comments())
    closed = make_wave(
        session, version=version, name="Annual survey 2025", year=2025, opens_in_days=-60, closes_in_days=-30
    )
    current = make_wave(session, version=version)
    person = make_stakeholder(session, name="Amina Diallo", country="SN")
    make_invitation(session, wave=closed, stakeholder=person, token="old-link-token")
    make_invitation(session, wave=current, stakeholder=person, token="current-link-token")
    submitted = make_response(
        session,
        closed,
        {"engaged": "yes", "clear_how": "4", "comments": "Amina, +221 77 000 00 00"},
        stakeholder=person,
    )
    draft = make_response(session, current, {"engaged": "no"}, stakeholder=person, status="draft")
    session.add(SurveyOptOut(stakeholder_id=person.id))
    session.commit()
    user = session.get(User, person.user_id)
    stakeholder_id, draft_id = person.id, draft.id

    assert self_service.delete_account(session=session, user=user, password=DEFAULT_PASSWORD, ip=None)
    session.expire_all()

    kept = session.get(Response, submitted.id)
    assert kept.status == "submitted" and kept.stakeholder_id is None
    assert (kept.country, kept.category, kept.gender) == ("SN", "science", "female")  # frozen profile stays
    answers = {a.question: a.value_text for a in session.exec(select(Answer).where(Answer.response_id == kept.id))}
    assert answers == {"engaged": "yes", "clear_how": "4"}  # the personal answer is gone
    assert session.get(Response, draft_id) is None
    # The answered invitation goes with its response's link; the other stays as "invited, no answer".
    invitations = session.exec(select(Invitation)).all()
    assert [(i.wave_id, i.stakeholder_id) for i in invitations] == [(current.id, None)]
    assert invitations[0].token != "current-link-token"
    assert session.get(SurveyOptOut, stakeholder_id) is None
    frame = responses_frame(session, [closed.id])
    assert len(frame) == 1 and frame.loc[0, "clear_how"] == "4" and frame.loc[0, "country"] == "SN"


def test_an_erased_persons_old_invitation_link_no_longer_opens(client, session):
    from stakeholders import self_service

    wave = make_wave(session)
    person = make_stakeholder(session)
    make_invitation(session, wave=wave, stakeholder=person, token="personal-link")
    assert client.get("/survey/i/personal-link").status_code in (200, 302)

    self_service.erase_stakeholder(session, person)
    session.commit()

    assert client.get("/survey/i/personal-link").status_code == 404


def test_merging_moves_survey_records_to_the_kept_stakeholder(session):
    from stakeholders import merging

    version = make_instrument_version(session)
    both = make_wave(session, version=version, name="Both answered", year=2024)
    only_duplicate = make_wave(session, version=version, name="Only the duplicate answered", year=2025)
    keeper_done = make_wave(session, version=version, name="Keeper submitted, duplicate drafted", year=2026)
    keeper = make_stakeholder(session, name="Ana Silva", email="ana@example.org", country="BR")
    duplicate = make_stakeholder(session, name="Ana Silva", email="ana.silva@example.org", country="BR")
    kept_answer = make_response(session, both, {"engaged": "yes"}, stakeholder=keeper)
    other_answer = make_response(session, both, {"engaged": "no"}, stakeholder=duplicate)
    moved_answer = make_response(session, only_duplicate, {"engaged": "yes"}, stakeholder=duplicate)
    make_response(session, keeper_done, {"engaged": "yes"}, stakeholder=keeper)
    stale_draft = make_response(session, keeper_done, {"engaged": "no"}, stakeholder=duplicate, status="draft")
    make_invitation(session, wave=both, stakeholder=keeper)
    make_invitation(session, wave=both, stakeholder=duplicate)
    make_invitation(session, wave=only_duplicate, stakeholder=duplicate, token="duplicate-2025")
    session.add(SurveyOptOut(stakeholder_id=duplicate.id))
    session.commit()
    keeper_id, stale_id = keeper.id, stale_draft.id

    merging.merge_stakeholders(session=session, keeper=keeper, duplicate=duplicate, actor_id=None)
    session.expire_all()

    # Both submissions to the same wave are real answers and both count; one stays linked.
    assert session.get(Response, kept_answer.id).stakeholder_id == keeper_id
    assert session.get(Response, other_answer.id).stakeholder_id is None
    assert session.get(Response, other_answer.id).status == "submitted"
    assert session.get(Response, moved_answer.id).stakeholder_id == keeper_id
    assert session.get(Response, stale_id) is None
    invitations = session.exec(select(Invitation).where(Invitation.stakeholder_id == keeper_id)).all()
    assert sorted(i.wave_id for i in invitations) == sorted([both.id, only_duplicate.id])
    assert any(i.token == "duplicate-2025" for i in invitations)
    assert session.get(SurveyOptOut, keeper_id) is not None  # the person's wish survives the merge
    assert len(responses_frame(session, [both.id])) == 2


def test_a_personal_answer_inside_a_repeat_is_erased_in_every_instance(session):
    from surveys import erasure
    from surveys.xlsform.reading import parse_xlsform
    from tests.surveys import xlsform_builder as xb

    survey = [
        xb.q("begin repeat", "contact", "Contact"),
        xb.q("text", "phone", "Phone?", pii="yes"),
        xb.q("text", "role", "Role?"),
        {"type": "end repeat"},
    ]
    definition = parse_xlsform(xb.workbook(survey, [], {"form_id": "contacts"}), "contacts.xlsx")
    wave = make_wave(session, version=make_instrument_version(session, definition=definition, code="contacts"))
    person = make_stakeholder(session)
    response = make_response(session, wave, {}, stakeholder=person)
    for instance, (phone, role) in enumerate([("+221 1", "chair"), ("+221 2", "member")], start=1):
        session.add(Answer(response_id=response.id, question="phone", instance=instance, value_text=phone))
        session.add(Answer(response_id=response.id, question="role", instance=instance, value_text=role))
    session.commit()

    erasure.detach_stakeholder(session, person.id)
    session.commit()
    left = session.exec(select(Answer).where(Answer.response_id == response.id)).all()
    assert sorted((a.question, a.instance) for a in left) == [("role", 1), ("role", 2)]
