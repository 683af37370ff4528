"""A repeat nested in another (issue 15): answered within each instance of its parent ("Add another" and
"Remove" per parent instance, without JavaScript), checked per nested instance, stored with the parent's
instance number, and a table of its own in the tidy frame keyed by the response, the parent's instance and
its own."""

from __future__ import annotations

import re

from sqlmodel import select

from surveys import repeat_answers as ra
from surveys.frame_repeats import repeat_frames
from surveys.models import Answer, Response
from surveys.xlsform.reading import parse_xlsform
from tests.surveys import xlsform_builder as xb
from tests.surveys.respondents import first_page, only_draft

SURVEY = [
    xb.q("begin group", "home", "Home"),
    xb.q("integer", "size", "How many live here?"),
    xb.q("begin repeat", "member", "Member", repeat_count="${size}"),
    xb.q("text", "name", "Name?", required="yes"),
    xb.q("begin repeat", "phone", "Phone"),
    xb.q("text", "number", "Number?", required="yes", constraint="string-length(.) > 3"),
    {"type": "end repeat"},
    {"type": "end repeat"},
    xb.end(),
]


def _first_page(client, session) -> str:
    definition = parse_xlsform(xb.workbook(SURVEY, [], {"form_id": "phones"}), "phones.xlsx")
    return first_page(client, session, definition, code="phones", country="KE", category="science", gender="female")


MEMBERS = {"q.size": "2", "q.member.1.name": "Ana", "q.member.2.name": "Bo"}


def test_a_nested_repeat_is_added_to_and_removed_from_one_parent_instance_without_javascript(client, session):
    url = _first_page(client, session)
    client.post(url, data={"q.size": "2", "action": "next"})
    page = client.get(url).get_data(as_text=True)
    assert 'value="add:member.1.phone"' in page and 'value="add:member.2.phone"' in page
    assert 'name="q.member.1.phone.1.number"' not in page

    assert client.post(url, data={**MEMBERS, "action": "add:member.2.phone"}).status_code == 303
    client.post(url, data={**MEMBERS, "q.member.2.phone.1.number": "5550", "action": "add:member.2.phone"})
    page = client.get(url).get_data(as_text=True)
    assert 'name="q.member.2.phone.2.number"' in page and 'value="5550"' in page
    assert 'name="q.member.1.phone.1.number"' not in page  # the first member has no phone
    assert "[fr] Phone 2" in page and 'value="remove:member.2.phone:1"' in page

    posted = {**MEMBERS, "q.member.2.phone.1.number": "5550", "q.member.2.phone.2.number": "7770"}
    client.post(url, data={**posted, "action": "remove:member.2.phone:1"})
    assert only_draft(session)["member"] == [
        {"name": "Ana", "phone": []},
        {"name": "Bo", "phone": [{"number": "7770"}]},
    ]


def _submission_form(page: str) -> dict:
    form = page.split('<form method="post" class="stack">', 1)[1].split("</form>", 1)[0]
    data: dict = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form):
        data.setdefault(name, []).append(value)
    return data


def test_nested_instances_are_checked_reviewed_stored_with_their_parent_and_tabled(client, session):
    url = _first_page(client, session)
    client.post(url, data={"q.size": "2", "action": "next"})
    client.post(url, data={**MEMBERS, "action": "add:member.1.phone"})
    client.post(url, data={**MEMBERS, "q.member.1.phone.1.number": "12", "action": "add:member.2.phone"})
    refused = client.post(url, data={**MEMBERS, "q.member.1.phone.1.number": "12", "action": "next"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422  # the first member's phone is too short, the second's is missing
    assert 'id="q-member.1.phone.1.number-error"' in text and 'id="q-member.2.phone.1.number-error"' in text

    posted = {**MEMBERS, "q.member.1.phone.1.number": "1234", "q.member.2.phone.1.number": "5678"}
    client.post(url, data={**posted, "action": "add:member.1.phone"})
    client.post(url, data={**posted, "q.member.1.phone.2.number": "4321", "action": "review"})
    review_url = url.replace("/page/1", "/review")
    page = client.get(review_url).get_data(as_text=True)
    assert 'id="errors"' not in page and "[fr] Member 1, [fr] Phone 2</h3>" in page and "4321" in page
    assert client.post(review_url, data=_submission_form(page)).status_code == 303

    session.expire_all()
    stored = {(a.question, a.parent_instances, a.instance): a.value_text for a in session.exec(select(Answer))}
    assert {key: value for key, value in stored.items() if key[0] == "number"} == {
        ("number", "1", 1): "1234",
        ("number", "1", 2): "4321",
        ("number", "2", 1): "5678",
    }
    assert stored[("name", "", 2)] == "Bo"
    frames = repeat_frames(session, [session.exec(select(Response)).one().wave_id])
    phones = frames["phone"]
    assert list(phones.columns) == ["response_id", "member_instance", "instance", "number"]
    assert phones[["member_instance", "instance", "number"]].values.tolist() == [
        [1, 1, "1234"],
        [1, 2, "4321"],
        [2, 1, "5678"],
    ]
    assert frames["member"]["name"].tolist() == ["Ana", "Bo"]  # the parent's table holds no phone


def test_a_members_questions_see_that_members_phones_and_a_phone_sees_its_member():
    survey = [
        *SURVEY[:5],
        xb.q("text", "number", "Number?", relevant="${name} != 'nobody'"),
        *SURVEY[6:7],
        xb.q("text", "best", "Which is best?", relevant="count(${phone}) > 1"),
        *SURVEY[7:],
    ]
    definition = parse_xlsform(xb.workbook(survey, [], {"form_id": "phones"}), "phones.xlsx")
    member = ra.top_repeats(definition)[0]
    draft = {
        "size": "2",
        "member": [
            {"name": "Ana", "best": "home", "phone": [{"number": "1"}, {"number": "2"}]},
            {"name": "nobody", "best": "work", "phone": [{"number": "3"}]},
        ],
    }
    values = ra.form_values(definition, draft)
    kept = ra.kept_instances(member, ra.instances_of(member, draft, values), values)
    assert kept[0]["best"] == "home" and kept[0]["phone"] == [{"number": "1"}, {"number": "2"}]
    assert "best" not in kept[1]  # one phone: the question does not apply
    assert kept[1]["phone"] == [{}]  # the number does not apply to "nobody"


def test_buttons_and_fields_for_instances_that_do_not_exist_change_nothing(client, session):
    url = _first_page(client, session)
    client.post(url, data={"q.size": "1", "action": "next"})
    for action in ("add:member.7.phone", "remove:member.1.phone:3", "remove:member.1.phone:x", "add:member"):
        answer = client.post(url, data={"q.size": "1", "q.member.1.name": "Ana", "action": action})
        assert answer.status_code == 303  # the same page again, nothing lost
    forged = {"q.size": "1", "q.member.1.name": "Ana", "q.member.1.phone.4.number": "9999", "action": "refresh"}
    client.post(url, data=forged)
    assert only_draft(session)["member"] == [{"name": "Ana", "phone": []}]
