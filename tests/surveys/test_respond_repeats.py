"""A repeat on a survey page (issue 15): one instance per `repeat_count`, or "Add another"/"Remove" as
plain submit buttons, each instance's answers kept in the draft and checked on their own."""

from __future__ import annotations

import re

from sqlmodel import select

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
    xb.q("integer", "age", "Age?", constraint=". < 130"),
    {"type": "end repeat"},
    xb.end(),
    xb.q("begin group", "trips", "Trips"),
    xb.q("begin repeat", "trip", "Trip"),
    xb.q("text", "place", "Where?"),
    {"type": "end repeat"},
    xb.end(),
]


def _first_page(client, session) -> str:
    definition = parse_xlsform(xb.workbook(SURVEY, [], {"form_id": "household"}), "household.xlsx")
    return first_page(client, session, definition, code="household", country="KE", category="science", gender="female")


def test_repeat_count_gives_one_instance_each_checked_on_its_own(client, session):
    url = _first_page(client, session)
    # The size is given on the same page: "Next" shows this page again, with the instances to answer.
    first = client.post(url, data={"q.size": "2", "action": "next"})
    assert first.status_code == 303 and first.headers["Location"] == url
    page = client.get(url).get_data(as_text=True)
    assert 'name="q.member.1.name"' in page and 'name="q.member.2.age"' in page
    assert 'name="q.member.3.name"' not in page and "add:member" not in page  # the count decides

    posted = {"q.size": "2", "q.member.1.name": "Ana", "q.member.1.age": "40", "q.member.2.age": "200"}
    answer = client.post(url, data={**posted, "action": "next"})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert 'id="q-member.2.name-error"' in text and 'id="q-member.2.age-error"' in text
    assert 'id="q-member.1.name-error"' not in text and 'value="Ana"' in text
    assert only_draft(session)["member"] == [{"name": "Ana", "age": "40"}, {"age": "200"}]


def test_add_another_and_remove_work_without_javascript_and_keep_what_was_typed(client, session):
    url = _first_page(client, session)
    client.post(url, data={"q.size": "0", "action": "next"})
    trips = url.replace("/page/1", "/page/2")
    assert 'name="q.trip.1.place"' not in client.get(trips).get_data(as_text=True)
    assert client.post(trips, data={"action": "add:trip"}).status_code == 303
    client.post(trips, data={"q.trip.1.place": "Bonn", "action": "add:trip"})
    client.post(trips, data={"q.trip.1.place": "Bonn", "q.trip.2.place": "Paris", "action": "add:trip"})
    page = client.get(trips).get_data(as_text=True)
    assert 'value="Paris"' in page and 'name="q.trip.3.place"' in page
    assert "[fr] Trip 1" in page and "En ajouter un autre" in page and "Retirer" in page  # in the survey language
    client.post(trips, data={"q.trip.1.place": "Bonn", "q.trip.2.place": "Paris", "action": "remove:trip:1"})
    assert only_draft(session)["trip"] == [{"place": "Paris"}, {}]


def _submission_form(page: str) -> dict:
    form = page.split('<form method="post" class="stack">', 1)[1].split("</form>", 1)[0]
    data: dict = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form):
        data.setdefault(name, []).append(value)
    return data


def test_the_instances_are_reviewed_submitted_and_stored_with_their_numbers(client, session):
    url = _first_page(client, session)
    client.post(url, data={"q.size": "2", "action": "refresh"})
    client.post(url, data={"q.size": "2", "q.member.1.name": "Ana", "q.member.1.age": "40", "action": "next"})
    review_url = url.replace("/page/1", "/review")
    page = client.get(review_url).get_data(as_text=True)
    assert 'id="errors"' in page and "[fr] Member 2, [fr] Name?" in page  # the second member has no name
    # The problem and the repeat link to the page where they are answered, to the field and the repeat.
    assert f'href="{url}#q-member.2.name-field"' in page and f'href="{url}#repeat-member"' in page
    assert f'href="{url.replace("/page/1", "/page/2")}#repeat-trip"' in page
    assert 'id="q-member.2.name-field"' in client.get(url).get_data(as_text=True)
    client.post(url, data={"q.size": "2", "q.member.1.name": "Ana", "q.member.1.age": "40", "q.member.2.name": "Bo"})
    trips = url.replace("/page/1", "/page/2")
    client.post(trips, data={"action": "add:trip"})
    client.post(trips, data={"q.trip.1.place": "Bonn", "action": "review"})
    page = client.get(review_url).get_data(as_text=True)
    assert 'id="errors"' not in page and "[fr] Member 2" in page and "Bonn" in page
    done = client.post(review_url, data=_submission_form(page))
    assert done.status_code == 303 and done.headers["Location"].endswith("/done")
    session.expire_all()
    stored = {(a.question, a.instance): a.value_text or a.value_number for a in session.exec(select(Answer))}
    assert {key: value for key, value in stored.items() if key[1] or key[0] == "size"} == {
        ("size", 0): 2.0,
        ("name", 1): "Ana",
        ("age", 1): 40.0,
        ("name", 2): "Bo",
        ("place", 1): "Bonn",
    }
    frames = repeat_frames(session, [session.exec(select(Response)).one().wave_id])
    members, trips = frames["member"], frames["trip"]
    assert list(members.columns) == ["response_id", "instance", "name", "age"]  # one table per repeat
    assert members["instance"].tolist() == [1, 2]
    assert members["name"].tolist() == ["Ana", "Bo"] and str(members["age"].dtype) == "Int64"
    assert members["age"].isna().tolist() == [False, True] and int(members["age"][0]) == 40
    assert trips[["instance", "place"]].values.tolist() == [[1, "Bonn"]]
