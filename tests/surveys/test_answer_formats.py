"""Answers as a respondent types and reads them: email addresses checked, dates in the reader's language, and
"please specify" boxes that say when they apply."""

import re
from dataclasses import replace
from datetime import date

import pytest
from babel.dates import format_date

from surveys import answering
from surveys.definition import Question
from tests.factories import (
    make_definition,
    make_instrument_version,
    make_invitation,
    make_stakeholder,
    make_wave,
    six,
)
from tests.surveys.respondents import first_page

EMAIL = Question(name="contact_email", type="text", labels=six("Your email address"), row=6)
WHEN = Question(name="last_engaged", type="date", labels=six("When did you last engage?"), row=7)


def _definition():
    """The factory's survey with a date and an email question on its first page."""
    base = make_definition()
    about = base.pages[0]
    return make_definition(pages=(replace(about, items=(*about.items, WHEN, EMAIL)), *base.pages[1:]))


def _first_page(client, session, language: str) -> str:
    return first_page(client, session, _definition(), language=language, email=f"someone.{language}@example.org")


def _in(app, language: str, text: str, **values) -> str:
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale(language):
        return gettext(text, **values)


# --- email addresses --------------------------------------------------------------------------------------------


def test_a_question_named_for_an_email_address_is_an_email_question():
    assert answering.is_email(EMAIL)
    assert answering.is_email(replace(EMAIL, name="email"))
    assert answering.is_email(replace(EMAIL, name="email_address"))
    assert not answering.is_email(replace(EMAIL, name="emailed_report"))
    assert not answering.is_email(replace(EMAIL, name="comments"))
    assert not answering.is_email(replace(EMAIL, type="select_one", list_name="yes_no"))


def test_an_email_question_accepts_only_an_email_address():
    definition = _definition()
    assert answering.check_question(definition, EMAIL, "amina.diallo@example.org", {}) is None
    for typed in ("call me on +221 77 123 45 67", "amina@", "amina diallo@example.org"):
        assert answering.check_question(definition, EMAIL, typed, {}).kind == "email"
    comments = definition.question("comments")
    assert answering.check_question(definition, comments, "call me on +221 77 123 45 67", {}) is None


def test_a_wrong_email_address_is_refused_beside_its_question_in_the_survey_language(app, client, session):
    url = _first_page(client, session, "fr")
    page = client.post(
        url, data={"q.roles": "author", "q.engaged": "no", "q.contact_email": "amina at example", "action": "next"}
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 422
    message = _in(app, "fr", "Enter an email address, for example name@example.org.")
    assert f'<p class="error" id="q-contact_email-error">{message}</p>' in text
    assert 'type="email"' in text  # a phone offers its email keyboard
    fixed = client.post(
        url, data={"q.roles": "author", "q.engaged": "no", "q.contact_email": "amina@example.org", "action": "next"}
    )
    assert fixed.status_code == 303


# --- dates ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_review_shows_a_date_in_the_readers_language(client, session, language):
    url = _first_page(client, session, language)
    answers = {"q.roles": "author", "q.engaged": "no", "q.last_engaged": "2026-06-01", "action": "next"}
    review = client.post(url, data=answers).headers["Location"]
    text = client.get(review).get_data(as_text=True)
    shown = format_date(date(2026, 6, 1), "medium", locale=language)
    assert f"<dd>{shown}</dd>" in text
    assert "2026-06-01</dd>" not in text
    assert 'name="q.last_engaged" value="2026-06-01"' in text  # what is submitted stays exact


def test_a_date_question_gives_an_example_date_in_the_survey_language(app, client, session):
    text = client.get(_first_page(client, session, "fr")).get_data(as_text=True)
    example = _in(app, "fr", "For example: %(date)s", date=format_date(date(2026, 3, 31), "long", locale="fr"))
    assert f'<p class="help" id="q-last_engaged-format">{example}</p>' in text
    assert re.search(r'<input id="q-last_engaged"[^>]* type="date" aria-describedby="q-last_engaged-format"', text)


# --- "please specify" -------------------------------------------------------------------------------------------


def test_a_please_specify_box_says_it_applies_only_when_other_is_chosen(app, client, session):
    text = client.get(_first_page(client, session, "fr")).get_data(as_text=True)
    note = _in(app, "fr", "only if you chose “%(choice)s”", choice="[fr] Other")
    label = re.search(r'<label for="q-roles_other">(.*?)</label>', text, re.S).group(1)
    assert label.startswith("[fr] Other role, please specify") and note in label
    # With JavaScript, the box is hidden until "Other" is ticked (tests/browser/test_phone_survey.py).
    assert 'data-other-of="roles"' in text
    assert re.search(r'<script src="/static/js/survey\.js[^"]*" defer></script>', text)


def test_a_required_please_specify_box_is_required_only_when_other_is_chosen(app, client, session):
    base = _definition()
    about = base.pages[0]
    items = tuple(replace(q, required=True) if q.name == "roles_other" else q for q in about.items)
    definition = make_definition(pages=(replace(about, items=items), *base.pages[1:]))
    wave = make_wave(session, version=make_instrument_version(session, definition=definition))
    invitation = make_invitation(session, wave=wave, stakeholder=make_stakeholder(session), language="fr")
    text = client.get(client.get(f"/survey/i/{invitation.token}").headers["Location"]).get_data(as_text=True)
    label = re.search(r'<label for="q-roles_other">(.*?)</label>', text, re.S).group(1)
    assert _in(app, "fr", "required if you chose “%(choice)s”", choice="[fr] Other") in label
    assert _in(app, "fr", "required") + ")" not in label  # not required whatever the answer
