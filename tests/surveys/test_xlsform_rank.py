"""rank (issue 15): ordering choices on the web without JavaScript or dragging, stored as ODK keeps it."""

from __future__ import annotations

import pytest
from sqlmodel import select
from werkzeug.datastructures import MultiDict

from surveys import answering, submission
from surveys.answer_values import ranked
from surveys.definition import definition_hash
from surveys.frame import responses_frame
from surveys.models import Answer
from surveys.xlsform.reading import parse_xlsform
from surveys.xlsform.writing import definition_to_xlsform
from tests.surveys.test_xlsform_web_features import form, invitation_to, start


def rank_form():
    return form(
        [{"type": "rank fruits", "name": "order", "label": "Order them", "constraint": "selected-at(., 0) != 'pear'"}],
        [
            {"list_name": "fruits", "name": "apple", "label": "Apple"},
            {"list_name": "fruits", "name": "pear", "label": "Pear"},
            {"list_name": "fruits", "name": "plum", "label": "Plum"},
        ],
    )


def posted(*items):
    definition = rank_form()
    return answering.raw_from_form(definition, definition.questions(), MultiDict([("q.order", i) for i in items]))


@pytest.mark.parametrize(
    ("raw", "order"),
    [
        (["1 plum", "2 apple", "3 pear"], ["plum", "apple", "pear"]),
        ("plum apple pear", ["plum", "apple", "pear"]),  # as stored, or a default
        (["1 plum", "1 apple", "3 pear"], None),  # a place twice
        (["1 plum", "3 apple"], None),  # a place left out
        (["1 plum", "2 plum"], None),
        (["first plum"], None),
    ],
)
def test_a_rank_is_its_choices_in_order_of_place(raw, order):
    assert ranked(raw) == order


def test_every_choice_needs_its_own_place_and_the_answer_is_checked_as_any_other():
    definition = rank_form()
    assert definition.question("order").type == "rank" and definition.question("order").list_name == "fruits"
    assert posted("2 apple", "", "1 plum", "3 pear") == {"order": ["1 plum", "2 apple", "3 pear"]}

    def problem(raw):
        found = answering.validate_all(definition, {"order": raw}, registry=True).get("order")
        return found.kind if found else None

    assert problem(["1 plum", "2 apple", "3 pear"]) is None
    assert problem(["1 plum", "2 apple"]) == "rank"  # every choice is ordered, as ODK's widget does
    assert problem(["1 plum", "1 apple", "3 pear"]) == "rank"
    assert problem(["1 plum", "2 apple", "3 kiwi"]) == "choice"
    assert problem(["1 pear", "2 apple", "3 plum"]) == "constraint"  # selected-at(., 0) reads the first


def test_a_rank_is_stored_as_its_choices_in_order_and_writes_back_the_same(session):
    definition = rank_form()
    invited = start(session, definition)

    submission.submit(
        session,
        invited,
        definition,
        key=invited.response.submission_key,
        raw={"order": ["1 plum", "2 apple", "3 pear"]},
    )

    session.expire_all()
    assert [(a.question, a.value_text) for a in session.exec(select(Answer))] == [("order", "plum apple pear")]
    assert responses_frame(session, [invited.wave.id])["order"].iloc[0] == "plum apple pear"
    again = parse_xlsform(definition_to_xlsform(definition), "rank.xlsx")
    assert definition_hash(again) == definition_hash(definition)


def test_a_rank_has_a_list_of_places_beside_each_choice_and_keeps_what_was_given(client, session):
    invitation = invitation_to(session, rank_form())
    address = client.get(f"/survey/i/{invitation.token}").headers["Location"]

    page = client.get(address).get_data(as_text=True)
    assert page.count('name="q.order"') == 3 and '<option value="3 plum">3</option>' in page

    wrong = client.post(address, data=MultiDict([("q.order", "1 plum"), ("q.order", "1 apple"), ("action", "next")]))
    shown = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and "Give each choice a different place" in shown
    assert '<option value="1 plum" selected>' in shown and '<option value="1 apple" selected>' in shown

    right = client.post(address, data=MultiDict([("q.order", "2 plum"), ("q.order", "1 apple"), ("q.order", "3 pear")]))
    review = client.get(right.headers["Location"]).get_data(as_text=True)
    assert "1. Apple; 2. Plum; 3. Pear" in review
