"""Real exports (tests/surveys/data/exports/real/, SOURCES.md): REDCap projects' raw CSV exports as the
REDCapR package keeps them for its tests, imported into past waves whose instruments describe those
projects, through the command and the page."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from surveys.definition import Choice, Definition, Page, Question
from surveys.models import Answer, Response, Wave
from surveys.response_import import reading
from surveys.response_import.mapping import propose_mapping
from surveys.response_import.plan import Target
from tests.factories import make_instrument_version
from tests.surveys.response_import.export_fixtures import EXPORTS
from tests.surveys.response_import.test_page_response_import import fields

REAL = EXPORTS / "real"


def _choices(*pairs: tuple[str, str]) -> tuple[Choice, ...]:
    return tuple(Choice(name, {"en": text}) for name, text in pairs)


def survey_project() -> Definition:
    """REDCapR's "survey" project, its prescreening form (dictionary.csv of the same folder)."""
    items = (
        Question(name="participant_id", type="text", labels={"en": "Participant ID"}),
        Question(name="dob", type="date", labels={"en": "Date of birth"}),
        Question(name="email", type="text", labels={"en": "E-mail address"}),
        Question(name="has_diabetes", type="select_one", labels={"en": "I have Type 2 Diabetes"}, list_name="yes_no"),
        Question(name="consent", type="select_multiple", labels={"en": "I consent"}, list_name="consent"),
    )
    return Definition(
        form_id="redcap_survey", version="1", titles={"en": "Prescreening survey"},
        pages=(Page(name="p", labels={"en": "Prescreening"}, items=items),),
        choices={"yes_no": _choices(("yes", "Yes"), ("no", "No")), "consent": _choices(("given", "I consent"))},
    )  # fmt: skip


def checkboxes_project() -> Definition:
    """REDCapR's "checkboxes-1" project: two checkbox fields, coded 1..4 and a..e."""
    items = (
        Question(name="check_one", type="select_multiple", labels={"en": "check one"}, list_name="one"),
        Question(name="check_two", type="select_multiple", labels={"en": "check two"}, list_name="two"),
        Question(name="desired_result", type="text", labels={"en": "What should happen"}),
    )
    return Definition(
        form_id="redcap_checkboxes", version="1", titles={"en": "Checkboxes"},
        pages=(Page(name="p", labels={"en": "Form 2"}, items=items),),
        choices={
            "one": _choices(("one", "one"), ("two", "two"), ("three", "three"), ("four", "four")),
            "two": _choices(*((code, code.upper()) for code in "abcde")),
        },
    )  # fmt: skip


def _wave(session, definition: Definition, code: str) -> Wave:
    version = make_instrument_version(session, definition=definition, code=code)
    wave = Wave(instrument_id=version.instrument_id, version_id=version.id, name=f"{code} 2018", year=2018,
                opens_at=datetime(2018, 3, 1, tzinfo=UTC), closes_at=datetime(2018, 4, 30, tzinfo=UTC),
                status="closed")  # fmt: skip
    session.add(wave)
    session.commit()
    return wave


def _answers(session, question: str) -> list:
    session.expire_all()
    query = select(Answer).join(Response, Answer.response_id == Response.id).where(Answer.question == question)
    return list(session.exec(query.order_by(Response.id)).all())


def test_the_redcap_survey_export_is_read_and_its_tools_columns_left_out():
    source, rows = reading.read_export((REAL / "redcapr_survey.csv").read_bytes(), "redcapr_survey.csv")
    assert (source.shape, source.encoding, source.delimiter, source.rows) == ("redcap", "utf-8", ",", 2)
    proposed = propose_mapping(source, rows, survey_project())
    assert proposed.columns["consent___1"] == Target("choice", question="consent", choice="given")
    assert proposed.columns["dob"] == Target("question", question="dob")
    for tool in ("redcap_survey_identifier", "prescreening_survey_timestamp", "prescreening_survey_complete",
                 "participant_morale_questionnaire_timestamp"):  # fmt: skip
        assert proposed.columns[tool] == Target("ignore")  # "[not completed]" there is no time to read


def test_the_redcap_survey_export_imports_through_the_command(runner, session):
    wave = _wave(session, survey_project(), "redcap-survey")
    path = REAL / "redcapr_survey.csv"
    result = runner.invoke(args=["surveys", "import-responses", str(wave.id), str(path)])
    assert result.exit_code == 0, result.output
    assert "Shape: redcap; 2 rows" in result.output and "Stored 2 responses" in result.output
    assert [a.value_date for a in _answers(session, "dob")] == [date(2018, 3, 6), date(2018, 3, 5)]
    assert [a.value_text for a in _answers(session, "has_diabetes")] == ["yes", "no"]
    assert [a.value_text for a in _answers(session, "consent")] == ["given"]  # the second did not tick it


@pytest.mark.parametrize("name", ["redcapr_checkboxes-1.csv"])
def test_the_redcap_checkbox_export_imports_through_the_page(client, session, secretariat, name):
    wave = _wave(session, checkboxes_project(), "redcap-checkboxes")
    base = f"/staff/surveys/waves/{wave.id}/import"
    upload = client.post(base, data={"file": (io.BytesIO((REAL / name).read_bytes()), name)},
                         content_type="multipart/form-data")  # fmt: skip
    mapping_url = upload.headers["Location"]
    page = client.get(mapping_url).get_data(as_text=True)
    assert "shape: redcap" in page
    job_url = client.post(mapping_url, data={**fields(page), "check": "1"}).headers["Location"]
    preview = client.get(job_url).get_data(as_text=True)
    # Record 4 was never filled: REDCap still writes 0 in each of its checkboxes. It is no response.
    assert re.search(r'id="rows-refused">1<', preview)
    assert re.search(r"<td>5</td><td></td><td>no answer</td>", preview)
    done = client.post(job_url + "/confirm", data={"leave_out": "y"}).headers["Location"]
    assert "3 responses imported" in client.get(done).get_data(as_text=True)
    assert [a.value_text for a in _answers(session, "check_one")] == ["one", "one two three four"]
    assert [a.value_text for a in _answers(session, "check_two")] == ["a c", "b d"]


def simple_project() -> Definition:
    """REDCapR's "simple" project: a date of birth and a race checkbox coded 1..6."""
    races = ("American Indian/Alaska Native", "Asian", "Native Hawaiian or Other Pacific Islander",
             "Black or African American", "White", "Unknown / Not Reported")  # fmt: skip
    items = (
        Question(name="dob", type="date", labels={"en": "Date of birth"}),
        Question(name="race", type="select_multiple", labels={"en": "Race"}, list_name="race"),
        Question(name="comments", type="text", labels={"en": "Comments"}),
    )
    return Definition(
        form_id="redcap_simple", version="1", titles={"en": "Simple"},
        pages=(Page(name="p", labels={"en": "Demographics"}, items=items),),
        choices={"race": _choices(*((f"race_{i}", text) for i, text in enumerate(races, start=1)))},
    )  # fmt: skip


def test_the_redcap_simple_export_keeps_multi_line_cells_and_numbered_checkboxes(runner, session, tmp_path):
    source, rows = reading.read_export((REAL / "redcapr_simple.csv").read_bytes(), "redcapr_simple.csv")
    assert (source.shape, source.rows) == ("redcap", 5)
    assert rows[0]["address"] == "14 Rose Cottage St.\nKenning UK, 323232"  # a line break inside a quoted cell
    wave = _wave(session, simple_project(), "redcap-simple")
    path, saved = REAL / "redcapr_simple.csv", tmp_path / "mapping.json"
    # "sex" is taken for the gender, but holds TRUE/FALSE (as R wrote it back): each cell is named.
    result = runner.invoke(args=["surveys", "import-responses", str(wave.id), str(path), "--save-mapping", str(saved)])
    assert result.exit_code == 1
    assert "Row 2, column 'sex': FALSE is not one of the allowed values." in result.output
    chosen = json.loads(saved.read_text(encoding="utf-8"))
    chosen["columns"]["sex"] = {"kind": "ignore", "question": None, "choice": None, "field": None}
    saved.write_text(json.dumps(chosen), encoding="utf-8")
    result = runner.invoke(args=["surveys", "import-responses", str(wave.id), str(path), "--mapping", str(saved)])
    assert result.exit_code == 0, result.output
    assert "'race___5' -> choice race_5 of race" in result.output and "Stored 5 responses" in result.output
    assert _answers(session, "race")[0].value_text == "race_5"
    assert _answers(session, "dob")[0].value_date == date(2003, 8, 30)
