"""Answering through the pages: links, languages, errors beside questions, drafts, review, submission."""

import re

from sqlmodel import select

from surveys.models import Answer, InstrumentVersion, Response
from tests.factories import (
    make_definition,
    make_instrument_version,
    make_invitation,
    make_open_link,
    make_stakeholder,
    make_wave,
    profile_question,
    six,
    with_profile_page,
)
from tests.reading import translated


def _invited(session, **wave_options):
    wave = make_wave(session, **wave_options)
    person = make_stakeholder(session, country="KE", category="science", gender="female")
    return wave, person, make_invitation(session, wave=wave, stakeholder=person, language="fr")


def _in_french(app, text: str) -> str:
    """The invitation is in French: what the respondent reads."""
    french = translated(app, "fr", text)
    assert french != text
    return french


def _page_url(response) -> str:
    return response.headers["Location"]


def _submission_form(page: str) -> dict:
    """The hidden fields of the review page's submit form, as a browser would post them."""
    form = page.split('<form method="post" class="stack">', 1)[1].split("</form>", 1)[0]
    data: dict = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form):
        data.setdefault(name, []).append(value)
    return data


def test_an_invitation_opens_the_first_page_in_the_invitation_language(client, session):
    _wave, _person, invitation = _invited(session)
    start = client.get(f"/survey/i/{invitation.token}")
    assert start.status_code == 302
    page = client.get(_page_url(start))
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="fr" dir="ltr">' in text
    assert "[fr] Your roles" in text
    assert "Page 1 sur 1" in text  # the survey language drives the interface text too
    assert '<progress max="1" value="1"' in text  # the grid page waits for "engaged = yes"
    assert page.headers["Cache-Control"] == "no-store"


def test_a_validation_error_sits_beside_its_question_and_keeps_every_answer(client, session):
    _wave, _person, invitation = _invited(session)
    url = _page_url(client.get(f"/survey/i/{invitation.token}"))
    page = client.post(url, data={"q.years": "75", "q.engaged": "yes", "action": "next"})
    text = page.get_data(as_text=True)
    assert page.status_code == 422
    assert 'id="q-roles-error"' in text  # required, nothing chosen
    assert "[fr] Between 0 and 60" in text  # the instrument's constraint message, in French
    assert 'value="75"' in text
    assert re.search(r'value="yes"\s+id="q-engaged-1" checked', text)
    session.expire_all()
    draft = session.exec(select(Response)).one().draft
    assert draft == {"years": "75", "engaged": "yes"}  # saved server-side even though invalid


def test_switching_language_mid_page_keeps_the_answers_and_turns_arabic_right_to_left(client, session):
    _wave, _person, invitation = _invited(session)
    url = _page_url(client.get(f"/survey/i/{invitation.token}"))
    moved = client.post(url, data={"q.roles": ["author", "other"], "q.roles_other": "curator", "language": "ar"})
    assert moved.status_code == 303
    page = client.get(moved.headers["Location"]).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "[ar] Your roles" in page
    assert 'value="curator"' in page
    assert re.search(r'value="author"\s+id="q-roles-1" checked', page)


def test_the_whole_journey_submits_typed_answers_and_frozen_profile(client, session):
    wave, person, invitation = _invited(session)
    url = _page_url(client.get(f"/survey/i/{invitation.token}"))
    second = client.post(
        url,
        data={
            "q.roles": ["author", "other"],
            "q.roles_other": "curator",
            "q.years": "12",
            "q.engaged": "yes",
            "action": "next",
        },
    )
    assert second.status_code == 303 and second.headers["Location"].endswith("/page/2")
    grid = client.get(second.headers["Location"]).get_data(as_text=True)
    assert 'scope="row"' in grid and "[fr] Strongly agree" in grid
    review = client.post(second.headers["Location"], data={"q.clear_how": "4", "q.transparent": "2", "action": "next"})
    assert review.headers["Location"].endswith("/review")
    page = client.get(review.headers["Location"]).get_data(as_text=True)
    assert "[fr] Curator" not in page and "curator" in page
    done = client.post(review.headers["Location"], data=_submission_form(page))
    assert done.status_code == 303 and done.headers["Location"].endswith("/done")
    confirmation = client.get(done.headers["Location"])
    assert confirmation.status_code == 200 and 'role="status"' in confirmation.get_data(as_text=True)

    session.expire_all()
    response = session.exec(select(Response)).one()
    assert response.status == "submitted" and response.submitted_at is not None
    assert (response.country, response.category, response.gender, response.regional_group) == (
        "KE",
        "science",
        "female",
        "AFR",
    )
    answers = {a.question: a for a in session.exec(select(Answer))}
    assert answers["roles"].value_text == "author other"
    assert answers["years"].value_number == 12.0
    assert answers["clear_how"].value_text == "4"
    assert "comments" not in answers


def test_a_closed_wave_and_a_wave_not_yet_open_say_so(client, session):
    closed, _person, late = _invited(session, name="Closed wave", opens_in_days=-30, closes_in_days=-1)
    page = client.get(f"/survey/i/{late.token}")
    assert page.status_code == 403
    assert "closed" in page.get_data(as_text=True).lower() or "ferm" in page.get_data(as_text=True).lower()
    early = make_wave(
        session,
        version=session.get(InstrumentVersion, closed.version_id),
        name="Next wave",
        opens_in_days=5,
        closes_in_days=40,
    )
    other = make_stakeholder(session, name="Olga Petrova", email="olga@example.org")
    invitation = make_invitation(session, wave=early, stakeholder=other, language="en")
    page = client.get(f"/survey/i/{invitation.token}")
    assert page.status_code == 403
    assert "This survey is not open yet" in page.get_data(as_text=True)


def test_an_unknown_link_is_refused_clearly(client):
    page = client.get("/survey/i/not-a-token")
    assert page.status_code == 404
    assert "This survey link is not valid" in page.get_data(as_text=True)
    assert client.get("/survey/r/not-a-token/page/1").status_code == 404


def test_an_open_link_records_its_network_and_gives_a_private_resume_link(client, session):
    wave = make_wave(session)
    link = make_open_link(session, wave=wave, network="Youth Biodiversity Network")
    welcome = client.get(f"/survey/o/{link.token}")
    assert "Youth Biodiversity Network" in welcome.get_data(as_text=True)
    started = client.post(f"/survey/o/{link.token}", data={"action": "start", "current_language": "es"})
    assert started.status_code == 303
    resume_path = started.headers["Location"]
    token = resume_path.split("/survey/r/")[1].split("/")[0]
    session.expire_all()
    response = session.exec(select(Response)).one()
    assert response.open_link_id == link.id and response.language == "es"
    assert response.resume_token_hash and token not in response.resume_token_hash
    saved = client.post(resume_path, data={"q.years": "3", "action": "save"})
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert f"/survey/r/{token}/page/1" in page
    # A new browser with only the link finds the answers again
    again = client.application.test_client().get(f"/survey/r/{token}/page/1").get_data(as_text=True)
    assert 'value="3"' in again


def test_open_links_are_rate_limited(client, session):
    link = make_open_link(session, wave=make_wave(session))
    statuses = [client.post(f"/survey/o/{link.token}", data={"action": "start"}).status_code for _ in range(31)]
    assert statuses[:30] == [303] * 30
    assert statuses[30] == 429


def test_the_same_key_with_different_answers_is_refused(app, client, session):
    _wave, _person, invitation = _invited(session)
    url = _page_url(client.get(f"/survey/i/{invitation.token}"))
    client.post(url, data={"q.roles": "user", "q.engaged": "no", "action": "review"})
    review_url = url.rsplit("/page/", 1)[0] + "/review"
    form = _submission_form(client.get(review_url).get_data(as_text=True))
    assert client.post(review_url, data=form).status_code == 303
    assert client.post(review_url, data=form).status_code == 303  # a retry: the same confirmation
    changed = client.post(review_url, data={**form, "q.engaged": "yes"})
    assert changed.status_code == 409
    assert 'role="alert"' in changed.get_data(as_text=True)
    assert _in_french(
        app,
        "These answers were not saved: this response was already submitted with different answers. "
        "What you see below is what was submitted.",
    ) in changed.get_data(as_text=True)
    session.expire_all()
    assert session.exec(select(Answer).where(Answer.question == "engaged")).one().value_text == "no"


def test_answers_can_be_changed_until_the_wave_closes(app, client, session):
    _wave, _person, invitation = _invited(session)
    url = _page_url(client.get(f"/survey/i/{invitation.token}"))
    base = url.rsplit("/page/", 1)[0]
    client.post(url, data={"q.roles": "user", "q.engaged": "no", "action": "review"})
    client.post(base + "/review", data=_submission_form(client.get(base + "/review").get_data(as_text=True)))
    assert _in_french(app, "Change my answers") in client.get(base + "/done").get_data(as_text=True)
    assert client.post(base + "/edit").status_code == 303
    client.post(base + "/page/1", data={"q.roles": "author", "q.engaged": "no", "action": "review"})
    client.post(base + "/review", data=_submission_form(client.get(base + "/review").get_data(as_text=True)))
    session.expire_all()
    assert session.exec(select(Answer).where(Answer.question == "roles")).one().value_text == "author"
    assert len(session.exec(select(Response)).all()) == 1


def test_a_survey_page_is_light_even_with_the_country_list(client, session):
    from core.reference.countries import member_state_rows
    from surveys.definition import Choice

    countries = tuple(Choice(name=row["iso2"], labels=six(row["iso2"])) for row in member_state_rows())
    definition = with_profile_page(
        make_definition(),
        profile_question("country", "countries", required=True),
        profile_question("category", "yes_no"),
        choices={"countries": countries},
    )
    wave = make_wave(session, version=make_instrument_version(session, definition=definition))
    link = make_open_link(session, wave=wave)
    first = client.post(f"/survey/o/{link.token}", data={"action": "start"}).headers["Location"]
    page = client.get(first)
    assert "<select" in page.get_data(as_text=True) and 'value="KE"' in page.get_data(as_text=True)
    with client.get("/static/css/site.css") as css:
        assert len(page.data) + len(css.data) < 100_000
