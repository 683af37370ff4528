"""Every kind of server-rendered page on a 360×740 phone, in English and in Arabic: no axe-core (WCAG 2.1 A/AA)
violation and nothing wider than the screen.

One server and one set of data serve the whole module (pages are only read); each test opens a fresh phone,
signed in as the page's reader when it needs one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlmodel import Session

from core.ratelimit import Throttle
from surveys import instruments, respondents, submission
from surveys.definition import Definition
from tests.browser.actions import sign_in
from tests.browser.checks import assert_accessible, assert_no_horizontal_overflow, phone_context
from tests.browser.conftest import LiveServer
from tests.conftest import make_app
from tests.factories import (
    make_activity,
    make_concern,
    make_focal_point,
    make_impact,
    make_invitation,
    make_open_link,
    make_organisation,
    make_secretariat,
    make_stakeholder,
    make_user,
    make_wave,
)

LANGUAGES = ("en", "ar")
LONG_EMAIL = "wanjiku.otieno-kamau.programme-officer@biodiversity-research-institute.example.org"
LONG_URL = "https://www.ipbes.net/assessments/nature-and-its-contributions/chapter-3/supplementary-material-2026"
READERS = {
    "stakeholder": LONG_EMAIL,
    "focal_point": "focal.ke@example.go.ke",
    "secretariat": "secretariat@example.org",
    "admin": "admin@example.org",
}


@dataclass
class Site:
    server: LiveServer
    ids: dict = field(default_factory=dict)  # what the addresses name; (kind, language) where it differs
    signed_in: dict = field(default_factory=dict)  # reader -> the browser's saved sign-in


def _answers(definition: Definition) -> dict:
    """Raw answers to every question, as a form posts them: the first real choice, a number, a date, long text."""
    raw = {}
    for question in definition.questions():
        if question.type == "note" or question.other_of or question.profile:
            continue
        if question.list_name:
            first = next(c for c in definition.choice_names(question.list_name) if c not in ("none", "other"))
            raw[question.name] = first if question.type == "select_one" else [first]
        elif question.type == "text":
            raw[question.name] = LONG_EMAIL if "email" in question.name else f"We used the chapter: {LONG_URL}"
        else:
            raw[question.name] = {"integer": "4", "decimal": "2.5", "date": "2025-06-01"}[question.type]
    return raw


def _survey(session: Session, ids: dict) -> None:
    instruments.install_shipped(session)
    version = instruments.latest_version(session, "annual-survey")
    wave = make_wave(session, version=version, name="Annual stakeholder survey 2026")
    definition = respondents.definition_for(session, version.id)
    link = make_open_link(session, wave=wave, network="Science-policy forum for Africa")
    ids.update(wave=wave.id, instrument=version.instrument_id, open_link=link.token, open_link_id=link.id)
    throttle = Throttle("memory://")
    for language in LANGUAGES:
        # Answered up to the review, so every page shows its answers.
        drafting = make_stakeholder(session, name=f"Drafting {language}", with_account=False)
        invitation = make_invitation(session, wave=wave, stakeholder=drafting, language=language)
        response = respondents.start_from_invitation(session, token=invitation.token).response
        respondents.save_draft(session, response, _answers(definition), page_number=len(definition.pages))
        ids["draft", language] = invitation.token

        submitting = make_stakeholder(session, name=f"Submitted {language}", with_account=False)
        invitation = make_invitation(session, wave=wave, stakeholder=submitting, language=language)
        respondent = respondents.start_from_invitation(session, token=invitation.token)
        key = respondent.response.submission_key
        submission.submit(session, respondent, definition, key=key, raw=_answers(definition))
        ids["submitted", language] = invitation.token

        # Through the open link: the profile page first, and a private link to come back.
        _respondent, resume = respondents.start_from_open_link(
            session, throttle=throttle, token=link.token, client=language, language=language
        )
        ids["resume", language] = resume


def _build(session: Session) -> dict:
    ids: dict = {}
    make_secretariat(session, email=READERS["secretariat"], name="Sam Secretariat")
    make_user(session, email=READERS["admin"], role="admin", name="Ada Admin")
    ministry = "Ministry of Environment, Climate Change and Forestry"
    make_focal_point(session, email=READERS["focal_point"], name="Achieng Odhiambo", ministry=ministry)
    make_focal_point(
        session, email="alternate.ke@example.go.ke", name="Otieno Mwangi", kind="alternate", ministry=ministry
    )
    organisation = make_organisation(
        session, name="Kenya Wildlife and Biodiversity Research Institute", acronym="KWBRI"
    )
    person = make_stakeholder(
        session,
        name="Wanjiku Otieno-Kamau",
        email=READERS["stakeholder"],
        organisation=organisation,
        share_with_focal_point=True,
        phone="+254 20 1234567",
    )
    activity = make_activity(
        session,
        title="Call for experts: nexus assessment",
        activity_type="call_experts",
        start=date.today(),
        deliverable="",
    )
    make_impact(session)
    make_concern(session)
    ids.update(stakeholder=person.id, organisation=organisation.id, activity=activity.id)
    _survey(session, ids)
    return ids


@pytest.fixture(scope="module")
def site(databases, browser, tmp_path_factory):
    """The app on 127.0.0.1 with a little of everything, and each reader signed in once."""
    app = make_app(databases.fresh(tmp_path_factory.mktemp("phone")), WTF_CSRF_ENABLED=True)
    server = LiveServer(app)
    with Session(app.extensions["db_engine"]) as session:
        built = Site(server, _build(session))
    for reader, email in READERS.items():
        context = browser.new_context()
        sign_in(context.new_page(), server.url, email)
        built.signed_in[reader] = context.storage_state()
        context.close()
    yield built
    server.stop()
    app.extensions["db_engine"].dispose()


Address = Callable[[dict, str], str]

# Page -> (who reads it, its address from the data's ids and the language).
PAGES: dict[str, tuple[str | None, Address]] = {
    # Anyone
    "home": (None, lambda ids, lang: "/"),
    "register": (None, lambda ids, lang: "/account/register"),
    "sign-in": (None, lambda ids, lang: "/account/login"),
    "forgotten-password": (None, lambda ids, lang: "/account/forgot"),
    "public-register": (None, lambda ids, lang: "/registry/"),
    "public-organisation": (None, lambda ids, lang: f"/registry/organisations/{ids['organisation']}"),
    "focal-points": (None, lambda ids, lang: "/focal-points"),
    "impact": (None, lambda ids, lang: "/impact"),
    "impact-submit": (None, lambda ids, lang: "/impact/submit"),
    "not-found": (None, lambda ids, lang: "/no/such/page"),
    "privacy": (None, lambda ids, lang: "/privacy"),
    # Respondents
    "survey-welcome": (None, lambda ids, lang: f"/survey/o/{ids['open_link']}?language={lang}"),
    "survey-first-page": (None, lambda ids, lang: f"/survey/r/{ids['resume', lang]}/page/1"),
    "survey-questions": (None, lambda ids, lang: f"/survey/i/{ids['draft', lang]}/page/1"),
    "survey-grid": (None, lambda ids, lang: f"/survey/i/{ids['draft', lang]}/page/3"),
    "survey-last-page": (None, lambda ids, lang: f"/survey/i/{ids['draft', lang]}/page/5"),
    "survey-review": (None, lambda ids, lang: f"/survey/i/{ids['draft', lang]}/review"),
    "survey-saved": (None, lambda ids, lang: f"/survey/r/{ids['resume', lang]}/saved"),
    "survey-thank-you": (None, lambda ids, lang: f"/survey/i/{ids['submitted', lang]}/done"),
    "survey-invalid-link": (None, lambda ids, lang: "/survey/i/not-a-token"),
    # A stakeholder
    "profile": ("stakeholder", lambda ids, lang: "/account/profile"),
    "consents": ("stakeholder", lambda ids, lang: "/account/consents"),
    "my-participation": ("stakeholder", lambda ids, lang: "/account/participation"),
    "my-surveys": ("stakeholder", lambda ids, lang: "/account/surveys"),
    "forbidden": ("stakeholder", lambda ids, lang: "/staff/registry/stakeholders"),
    # A national focal point
    "roster": ("focal_point", lambda ids, lang: "/focal-point/roster"),
    "region": ("focal_point", lambda ids, lang: "/focal-point/region"),
    "country-tables": ("focal_point", lambda ids, lang: "/focal-point/tables"),
    # The secretariat
    "account-settings": ("secretariat", lambda ids, lang: "/account/"),
    "staff-home": ("secretariat", lambda ids, lang: "/staff/"),
    "jobs": ("secretariat", lambda ids, lang: "/jobs/"),
    "registry": ("secretariat", lambda ids, lang: "/staff/registry/stakeholders"),
    "registry-stakeholder": ("secretariat", lambda ids, lang: f"/staff/registry/stakeholders/{ids['stakeholder']}"),
    "registry-organisations": ("secretariat", lambda ids, lang: "/staff/registry/organisations"),
    "registry-organisation": ("secretariat", lambda ids, lang: f"/staff/registry/organisations/{ids['organisation']}"),
    "registry-import": ("secretariat", lambda ids, lang: "/staff/registry/import"),
    "activities": ("secretariat", lambda ids, lang: "/staff/activities"),
    "activity": ("secretariat", lambda ids, lang: f"/staff/activities/{ids['activity']}"),
    "focal-point-assignments": ("secretariat", lambda ids, lang: "/staff/focal-points"),
    "survey-waves": ("secretariat", lambda ids, lang: "/staff/surveys/"),
    "survey-wave": ("secretariat", lambda ids, lang: f"/staff/surveys/waves/{ids['wave']}"),
    "survey-wave-monitoring": ("secretariat", lambda ids, lang: f"/staff/surveys/waves/{ids['wave']}/monitoring"),
    "survey-new-wave": ("secretariat", lambda ids, lang: "/staff/surveys/waves/new"),
    "survey-close-wave": ("secretariat", lambda ids, lang: f"/staff/surveys/waves/{ids['wave']}/close"),
    "survey-link-names": ("secretariat", lambda ids, lang: f"/staff/surveys/links/{ids['open_link_id']}/names"),
    "survey-instrument-names": (
        "secretariat",
        lambda ids, lang: f"/staff/surveys/instruments/{ids['instrument']}/names",
    ),
    "activity-edit": ("secretariat", lambda ids, lang: f"/staff/activities/{ids['activity']}/edit"),
    "survey-instruments": ("secretariat", lambda ids, lang: "/staff/surveys/instruments"),
    "survey-instrument": ("secretariat", lambda ids, lang: f"/staff/surveys/instruments/{ids['instrument']}"),
    "records": ("secretariat", lambda ids, lang: "/staff/records"),
    "records-impacts": ("secretariat", lambda ids, lang: "/staff/records/impacts"),
    "records-import": ("secretariat", lambda ids, lang: "/staff/records/import"),
    "audit-log": ("secretariat", lambda ids, lang: "/staff/audit"),
    "outbox": ("secretariat", lambda ids, lang: "/staff/outbox"),
    "anonymised-exports": ("secretariat", lambda ids, lang: "/exports/anonymised"),
    # An administrator
    "accounts": ("admin", lambda ids, lang: "/staff/users"),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGES)
def test_page_fits_a_phone_and_has_no_accessibility_violation(site, browser, name, language):
    reader, address = PAGES[name]
    context = phone_context(browser, language, storage_state=site.signed_in.get(reader))
    try:
        page = context.new_page()
        page.goto(site.server.url + address(site.ids, language))
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        assert_no_horizontal_overflow(page)
        assert_accessible(page)
    finally:
        context.close()
