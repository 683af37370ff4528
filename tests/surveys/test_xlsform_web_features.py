"""XLSForm features applied on the web (issue 15, item 1): calculates computed on the server and stored
like answers; metadata recorded; defaults, read-only questions, choice filters and the other types."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from sqlmodel import select
from werkzeug.datastructures import MultiDict

from exports.params import ReleaseParams
from exports.service import export_release
from surveys import answering, respondents, submission
from surveys.definition import Metadata, Page
from surveys.frame import question_catalog, responses_frame
from surveys.models import Answer
from surveys.xlsform.problems import XLSFormError
from surveys.xlsform_languages import read_form
from tests.exports.builders import closed_wave, crowd, export_definition
from tests.factories import (
    ANSWERS,
    make_definition,
    make_instrument_version,
    make_invitation,
    make_stakeholder,
    make_wave,
)
from tests.reading import read_csv, unzip
from tests.surveys import xlsform_builder as xb


def form(survey: list[dict], choice_rows: list[dict] | None = None):
    return read_form(xb.workbook(survey, choice_rows or [], {"form_id": "features"}))


def calculate_form():
    return form(
        [
            {"type": "integer", "name": "adults", "label": "Adults?"},
            {"type": "calculate", "name": "double", "calculation": "${adults} * 2"},
            {"type": "begin group", "name": "more", "label": "More"},
            {"type": "integer", "name": "children", "label": "Children?"},
            {"type": "calculate", "name": "total", "calculation": "${double} div 2 + ${children}"},
            {
                "type": "calculate",
                "name": "later",
                "calculation": "concat('n=', ${total})",
                "relevant": "${adults} > 1",
            },
            {"type": "end group"},
        ]
    )


def start(session, definition):
    wave = make_wave(session, version=make_instrument_version(session, definition=definition))
    invitation = make_invitation(session, wave=wave, stakeholder=make_stakeholder(session))
    return respondents.start_from_invitation(session, token=invitation.token)


def test_a_calculate_is_computed_from_the_answers_never_shown_and_never_taken_from_the_post():
    definition = calculate_form()
    values = answering.typed_values(definition, {"adults": "2", "children": "3", "total": "999"})

    assert (values["double"], values["total"], values["later"]) == ("4", "5", "n=5")
    assert answering.typed_values(definition, {"adults": "1"})["later"] is None  # its relevant does not hold
    pages = answering.visible_pages(definition, values, registry=True)
    shown = [item.name for page in pages for item in answering.page_items(page, values, registry=True)]
    assert shown == ["adults", "children"]
    assert "total" not in answering.raw_from_form(definition, definition.questions(), {"q.total": "999"})


def test_a_calculate_is_kept_with_the_answers_and_its_page_of_its_own_counts():
    definition = calculate_form()
    assert isinstance(definition.pages[0], Page)

    kept = answering.kept_answers(definition, {"adults": "2", "children": "1"}, registry=True)

    assert kept == {"adults": 2, "double": "4", "children": 1, "total": "3", "later": "n=3"}
    assert answering.validate_all(definition, {"adults": "2"}, registry=True) == {}


def test_a_calculate_is_stored_as_an_answer_row_on_submission_and_is_a_variable_of_the_frame(session):
    definition = calculate_form()
    invited = start(session, definition)

    submission.submit(
        session, invited, definition, key=invited.response.submission_key, raw={"adults": "3", "children": "0"}
    )

    session.expire_all()
    stored = {a.question: a.value_text or a.value_number for a in session.exec(select(Answer))}
    assert stored == {"adults": 3.0, "double": "6", "children": 0.0, "total": "3", "later": "n=3"}
    frame = responses_frame(session, [invited.wave.id])
    assert frame[["adults", "double", "total", "later"]].iloc[0].tolist() == [3, "6", "3", "n=3"]


def test_the_bundled_definition_is_unchanged_by_the_new_fields():
    assert "calculation" not in str(make_definition().to_dict())
    assert set(ANSWERS) <= {q.name for q in make_definition().questions()}


# --- metadata (item 1: recorded by the platform, never asked) ---------------------------------


def metadata_form():
    return form(
        [
            {"type": "start", "name": "began"},
            {"type": "deviceid", "name": "device"},
            {"type": "username", "name": "user"},
            {"type": "integer", "name": "adults", "label": "Adults?"},
            {"type": "today", "name": "day"},
            {"type": "end", "name": "finished"},
        ]
    )


def test_start_end_and_today_are_recorded_on_submission_and_nothing_that_identifies(session):
    definition = metadata_form()
    invited = start(session, definition)
    key = invited.response.submission_key

    first = submission.submit(session, invited, definition, key=key, raw={"adults": "2"})
    again = submission.submit(session, invited, definition, key=key, raw={"adults": "2"})  # a retry, later

    assert (first.duplicate, again.duplicate) == (False, True)
    session.expire_all()
    stored = {a.question: a for a in session.exec(select(Answer))}
    assert set(stored) == {"adults", "began", "day", "finished"}  # no device id, no user name
    response = invited.response
    session.refresh(response)
    assert stored["began"].value_text == response.started_at.replace(microsecond=0, tzinfo=None).isoformat()
    assert stored["finished"].value_text == response.submitted_at.replace(microsecond=0, tzinfo=None).isoformat()
    assert stored["day"].value_date == response.submitted_at.date()
    frame = responses_frame(session, [invited.wave.id])
    assert frame["finished"].iloc[0] == stored["finished"].value_text
    catalog = question_catalog(session, [invited.wave.id]).set_index("name")
    assert catalog.loc[["began", "adults", "day", "finished"], "metadata"].tolist() == ["start", None, "today", "end"]


def test_the_anonymised_release_keeps_recorded_times_to_the_day(app, session):
    definition = replace(export_definition(), metadata=(Metadata("began", "start", 1), Metadata("day", "today", 1)))
    wave = closed_wave(session, version=make_instrument_version(session, definition=definition, code="meta"))
    for response in crowd(session, wave, 6):
        session.add(Answer(response_id=response.id, question="began", value_text="2025-03-04T10:11:12"))
        session.add(Answer(response_id=response.id, question="day", value_date=date(2025, 3, 4)))
    session.commit()

    with app.app_context():
        release = export_release(session, ReleaseParams(wave_ids=(wave.id,), format="csv"), actor_id=None)

    files = unzip(release)
    rows = read_csv(files["data.csv"])
    assert {(row["began"], row["day"]) for row in rows} == {("2025-03-04", "2025-03-04")}
    book = {v["name"]: v for v in json.loads(files["codebook.json"])["variables"]}
    assert "cut to the day" in " ".join(book["began"]["treatment"])


# --- default and read_only --------------------------------------------------------------------


def defaults_form():
    return form(
        [
            {"type": "integer", "name": "adults", "label": "Adults?", "default": "2"},
            {"type": "select_multiple roles", "name": "roles", "label": "Roles?", "default": "author user"},
            {"type": "text", "name": "site", "label": "Site", "default": "Bonn", "read_only": "yes", "required": "yes"},
        ],
        [{"list_name": "roles", "name": n, "label": n.title()} for n in ("author", "user", "other")],
    )


def test_defaults_prefill_a_new_response_and_read_only_keeps_its_value_whatever_is_posted(session):
    definition = defaults_form()

    invited = start(session, definition)

    assert invited.response.draft == {"adults": "2", "roles": ["author", "user"], "site": "Bonn"}
    posted = answering.raw_from_form(definition, definition.questions(), {"q.adults": "", "q.site": "Paris"})
    assert posted == {"adults": None, "roles": None}  # a cleared default stays cleared; read-only is not read
    submission.submit(
        session, invited, definition, key=invited.response.submission_key, raw={"roles": ["other"], "site": "Paris"}
    )
    session.expire_all()
    stored = {a.question: a.value_text or a.value_number for a in session.exec(select(Answer))}
    assert stored == {"roles": "other", "site": "Bonn"}


def invitation_to(session, definition):
    wave = make_wave(session, version=make_instrument_version(session, definition=definition))
    return make_invitation(session, wave=wave, stakeholder=make_stakeholder(session))


def test_a_read_only_question_is_shown_without_a_field_and_a_default_in_its_field(client, session):
    invitation = invitation_to(session, defaults_form())

    page = client.get(client.get(f"/survey/i/{invitation.token}").headers["Location"]).get_data(as_text=True)

    assert 'name="q.adults" value="2"' in page
    assert 'id="q-roles-1" checked>' in page and 'id="q-roles-3">' in page
    assert 'name="q.site"' not in page
    assert '<p class="read-only-value" id="q-site" aria-labelledby="q-site-label q-site">Bonn</p>' in page


# --- choice_filter ----------------------------------------------------------------------------


def cascading_form():
    return form(
        [
            {"type": "select_one states", "name": "state", "label": "State?"},
            {"type": "select_one counties", "name": "county", "label": "County?", "choice_filter": "cf=${state}"},
            {"type": "select_one counties", "name": "other", "label": "Another?", "choice_filter": "name != ${county}"},
        ],
        [
            {"list_name": "states", "name": "texas", "label": "Texas"},
            {"list_name": "states", "name": "washington", "label": "Washington"},
            {"list_name": "counties", "name": "king", "label": "King", "cf": "washington"},
            {"list_name": "counties", "name": "pierce", "label": "Pierce", "cf": "washington"},
            {"list_name": "counties", "name": "brewster", "label": "Brewster", "cf": "texas"},
        ],
    )


def test_a_choice_filter_narrows_the_choices_by_the_columns_of_the_choices_sheet():
    definition = cascading_form()
    county, other = definition.question("county"), definition.question("other")

    def names(question, raw):
        return [c.name for c in answering.choices_for(definition, question, answering.typed_values(definition, raw))]

    assert names(county, {"state": "washington"}) == ["king", "pierce"]
    assert names(county, {}) == []
    assert names(other, {"county": "king"}) == ["pierce", "brewster"]
    problems = answering.validate_all(definition, {"state": "texas", "county": "king"}, registry=True)
    assert problems["county"].kind == "choice"
    assert definition.choices["states"][0].columns == {} and definition.choices["counties"][0].columns == {
        "cf": "washington"
    }


def test_cascading_selects_work_without_javascript_by_updating_the_page(client, session):
    invitation = invitation_to(session, cascading_form())
    url = client.get(f"/survey/i/{invitation.token}").headers["Location"]

    first = client.get(url).get_data(as_text=True)
    updated = client.post(url, data={"q.state": "texas", "action": "refresh"})
    page = client.get(updated.headers["Location"]).get_data(as_text=True)

    assert 'value="refresh"' in first and "Brewster" not in first.split("Another?")[0]
    assert updated.status_code == 303 and updated.headers["Location"].endswith(url)
    assert "Brewster" in page and "King" not in page.split("Another?")[0]


# --- time, datetime, acknowledge, range, geopoint ---------------------------------------------


def types_form():
    return form(
        [
            {"type": "time", "name": "at", "label": "At?"},
            {"type": "dateTime", "name": "when", "label": "When?"},
            {"type": "trigger", "name": "ok", "label": "Read this", "required": "yes"},
            {"type": "range", "name": "score", "label": "Score?", "parameters": "start=0 end=10 step=2"},
            {"type": "gps", "name": "where", "label": "Where?"},
        ]
    )


def test_the_other_types_are_read_typed_checked_and_stored():
    definition = types_form()
    assert [q.type for q in definition.questions()] == ["time", "datetime", "acknowledge", "range", "geopoint"]
    posted = answering.raw_from_form(
        definition,
        definition.questions(),
        MultiDict(
            [("q.at", "14:30"), ("q.when", "2026-03-31T14:30"), ("q.ok", "OK"), ("q.score", "4")]
            + [("q.where", "48.85"), ("q.where", "2,35")]
        ),
    )
    assert posted["where"] == "48.85 2.35"

    kept = answering.kept_answers(definition, posted, registry=True)

    assert kept == {"at": "14:30", "when": "2026-03-31T14:30", "ok": "OK", "score": 4.0, "where": "48.85 2.35"}
    assert answering.answer_columns(definition.question("score"), 4.0) == {"value_number": 4.0}
    wrong = {"at": "25:00", "when": "tomorrow", "score": "5", "where": "91 0"}
    problems = answering.validate_all(definition, wrong, registry=True)
    assert {name: p.kind for name, p in problems.items()} == {
        "at": "time",
        "when": "datetime",
        "ok": "required",
        "score": "range",
        "where": "geopoint",
    }


def test_the_other_types_have_their_fields_on_the_page(client, session):
    invitation = invitation_to(session, types_form())

    page = client.get(client.get(f"/survey/i/{invitation.token}").headers["Location"]).get_data(as_text=True)

    assert 'name="q.at" value=""\n      type="time"' in page or 'type="time"' in page
    assert 'type="datetime-local"' in page and 'value="OK"' in page
    assert 'min="0.0" max="10.0" step="2.0"' in page
    assert page.count('name="q.where"') == 2 and ">Latitude<" in page and ">Longitude<" in page


# --- nested groups ----------------------------------------------------------------------------


def test_a_group_inside_a_page_adds_its_questions_to_the_page_each_relevant_when_the_group_is():
    definition = form(
        [
            {"type": "begin group", "name": "page", "label": "Page"},
            {"type": "integer", "name": "adults", "label": "Adults?"},
            {"type": "begin group", "name": "more", "label": "More", "relevant": "${adults} > 0"},
            {"type": "text", "name": "who", "label": "Who?"},
            {"type": "begin group", "name": "deeper", "label": "Deeper"},
            {"type": "text", "name": "why", "label": "Why?", "relevant": "${who} != ''"},
            {"type": "end group"},
            {"type": "end group"},
            {"type": "end group"},
        ]
    )

    assert [page.name for page in definition.pages] == ["page"]
    assert [(q.name, q.relevant) for q in definition.questions()] == [
        ("adults", None),
        ("who", "${adults} > 0"),
        ("why", "(${adults} > 0) and (${who} != '')"),
    ]


def test_a_group_inside_a_grid_is_still_refused():
    survey = [
        {"type": "select_one yn", "name": "first", "label": "First"},
        {"type": "begin group", "name": "page", "label": "Page"},
        {"type": "begin group", "name": "grid", "label": "Grid", "appearance": "table-list"},
        {"type": "begin group", "name": "inner", "label": "Inner"},
        {"type": "select_one yn", "name": "a", "label": "A"},
        {"type": "end group"},
        {"type": "end group"},
        {"type": "end group"},
    ]
    choice_rows = [{"list_name": "yn", "name": n, "label": n} for n in ("yes", "no")]

    with pytest.raises(XLSFormError) as error:
        form(survey, choice_rows)

    assert any("must be a grid" in problem.text for problem in error.value.problems)


# --- rules relaxed to pyxform's ---------------------------------------------------------------


def test_required_may_be_an_expression_and_a_select_one_choice_name_may_hold_a_space():
    definition = form(
        [
            {"type": "integer", "name": "adults", "label": "Adults?"},
            {"type": "select_one kinds", "name": "kind", "label": "Kind?", "required": "${adults} > 0"},
        ],
        [{"list_name": "kinds", "name": n, "label": n} for n in ("big one", "small")],
    )

    assert definition.question("kind").required_when == "${adults} > 0"
    assert "kind" in answering.validate_all(definition, {"adults": "2"}, registry=True)
    assert answering.validate_all(definition, {"adults": "0"}, registry=True) == {}
    assert answering.validate_all(definition, {"adults": "2", "kind": "big one"}, registry=True) == {}


def test_a_choice_name_with_a_space_is_refused_for_a_select_multiple_as_pyxform_does():
    with pytest.raises(XLSFormError) as error:
        form(
            [{"type": "select_multiple kinds", "name": "kind", "label": "Kind?"}],
            [{"list_name": "kinds", "name": n, "label": n} for n in ("big one", "small")],
        )

    assert "Choice names with spaces cannot be added to multiple choice selects" in str(error.value)
