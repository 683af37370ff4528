"""Proposing the column mapping of each export shape, and a saved mapping winning."""

from __future__ import annotations

import pytest

from surveys.response_import.mapping import is_tool_column, propose_mapping
from surveys.response_import.plan import Mapping, Target, ValueTarget
from surveys.response_import.reading import read_export
from tests.surveys.response_import.export_fixtures import FIXTURES, annual_survey, proposed


@pytest.mark.parametrize("name", FIXTURES)
def test_every_column_but_the_tools_own_is_mapped_and_every_question_reached(name):
    source, _rows, mapping = proposed(name)
    ignored = {key for key, target in mapping.columns.items() if target.kind == "ignore"}
    tools = {key for key, header in zip(source.columns, source.headers) if is_tool_column(header)}
    later_of_identical = {later for _first, later in source.identical_columns}
    assert ignored == (tools - {k for k in tools if mapping.columns[k].kind != "ignore"}) | later_of_identical
    reached = {t.question for t in mapping.columns.values() if t.question}
    asked = {q.name for q in annual_survey().questions() if q.type != "note" and not q.other_of}
    assert reached == asked


@pytest.mark.parametrize(
    ("name", "column", "target"),
    [
        ("limesurvey_codes.csv", "roles[author]", Target("choice", question="roles", choice="author")),
        (
            "limesurvey_codes.csv",
            "roles[nominatedexpert]",
            Target("choice", question="roles", choice="nominated_expert"),
        ),
        ("limesurvey_codes.csv", "eventsattended", Target("question", question="events_attended")),
        ("limesurvey_codes.csv", "startlanguage", Target("language")),
        ("limesurvey_codes.csv", "roles[other]", Target("other_text", question="roles")),
        (
            "limesurvey_labels.csv",
            "What motivates you to engage with IPBES? [Other]",
            Target("choice", question="motivations", choice="other"),  # its typed texts are kept as "other"
        ),
        ("limesurvey_labels.csv", "Start language", Target("language")),
        ("limesurvey_labels.csv", "Langue", Target("ignore")),  # the same content as "Start language"
        (
            "limesurvey_labels.csv",
            "Dans quel pays exercez-vous principalement votre activité ?",
            Target("question", question="country"),
        ),
        ("surveymonkey.csv", "Email Address", Target("email")),
        ("surveymonkey.csv", "Respondent ID", Target("ignore")),
        (
            "surveymonkey.csv",
            "How far do you agree with each of these statements? | IPBES is open to stakeholders.",
            Target("question", question="open_to_stakeholders"),
        ),
        (
            "surveymonkey.csv",
            "What motivates you to engage with IPBES? | Other (please specify)",
            Target("choice", question="motivations", choice="other"),
        ),
        ("kobo_names.csv", "survey/roles", Target("question", question="roles")),
        ("kobo_names.csv", "survey/roles/author", Target("choice", question="roles", choice="author")),
        ("kobo_names.csv", "survey/roles_other", Target("other_text", question="roles")),
        ("kobo_names.csv", "_uuid", Target("ignore")),
        ("kobo_labels.csv", "Enquête/Veuillez préciser (2)", Target("other_text", question="motivations")),
        ("redcap.csv", "roles___2", Target("choice", question="roles", choice="author")),
        ("redcap.csv", "language", Target("language")),
        ("redcap.csv", "annual_survey_complete", Target("ignore")),
        ("redcap.csv", "country_text", Target("ignore")),
    ],
)
def test_columns_are_matched_by_header(name, column, target):
    _source, _rows, mapping = proposed(name)
    assert mapping.columns[column] == target


def test_profile_fields_the_instrument_does_not_ask_map_to_the_profile():
    content = b"Regional group,Organisation type,Courriel,Pays\nWEOG,End user,a@example.org,France\n"
    source, rows = read_export(content, "x.csv")
    mapping = propose_mapping(source, rows, annual_survey())
    assert mapping.columns == {
        "Regional group": Target("profile", field="regional_group"),
        "Organisation type": Target("question", question="stakeholder_type"),  # the instrument asks it
        "Courriel": Target("email"),
        "Pays": Target("question", question="country"),
    }
    assert mapping.values["Regional group"] == {"WEOG": ValueTarget("choice", "WEOG")}


def test_unnamed_columns_are_matched_by_their_values():
    content = "A,B,C\nKorea, South,Anglais,Strongly agree\nFrance,Espagnol,Disagree\n"
    source, rows = read_export(content.replace("Korea, South", '"Korea, South"').encode(), "x.csv")
    mapping = propose_mapping(source, rows, annual_survey())
    assert mapping.columns["A"] == Target("question", question="country")
    assert mapping.columns["B"] == Target("language")
    assert mapping.columns["C"].kind == "question"
    assert annual_survey().question(mapping.columns["C"].question).list_name == "agree5"


def test_a_saved_mapping_wins_for_the_columns_and_values_it_names():
    source, rows, _mapping = proposed("limesurvey_codes.csv")
    saved = Mapping(
        columns={"seed": Target("question", question="comment"), "elsewhere": Target("ignore")},
        values={"country": {"Taiwan": ValueTarget("missing")}},
    )
    mapping = propose_mapping(source, rows, annual_survey(), saved=saved)
    assert mapping.columns["seed"] == Target("question", question="comment")
    assert "elsewhere" not in mapping.columns
    assert mapping.values["country"]["Taiwan"] == ValueTarget("missing")
    assert mapping.values["country"]["Korea, South"] == ValueTarget("choice", "KR")


def test_a_mapping_survives_its_json_round_trip():
    _source, _rows, mapping = proposed("kobo_names.csv")
    assert Mapping.from_dict(mapping.to_dict()) == mapping


def test_numbered_question_texts_and_headers_in_other_languages_are_matched():
    content = "Q3. What is your gender?;¿Cuál es su género?;12 Quel est votre genre ?\nFemale;Mujer;Femme\n".encode()
    source, rows = read_export(content, "x.csv")
    mapping = propose_mapping(source, rows, annual_survey())
    assert {target.question for target in mapping.columns.values()} == {"gender"}


def test_a_0_1_column_of_the_other_choice_is_the_choice_and_only_free_text_is_the_other_text():
    content = "roles/author,roles/other,roles_other,motivations/other\n1,1,curator,Other\n0,0,,\n1,1,Éditeur,\n"
    source, rows = read_export(content.encode(), "x.csv")
    mapping = propose_mapping(source, rows, annual_survey())
    assert mapping.columns["roles/other"] == Target("choice", question="roles", choice="other")
    assert mapping.values["roles/other"] == {"1": ValueTarget("choice", "other"), "0": ValueTarget("missing")}
    assert mapping.columns["roles_other"] == Target("other_text", question="roles")
    assert mapping.columns["motivations/other"] == Target("choice", question="motivations", choice="other")


def test_the_time_of_the_response_is_proposed_as_its_own_target():
    content = "submitdate,Start date,Pays\n2019-05-02 10:30:00,yesterday,France\n05/03/2019 04:15:00 PM,,Kenya\n"
    source, rows = read_export(content.encode(), "x.csv")
    mapping = propose_mapping(source, rows, annual_survey())
    assert mapping.columns["submitdate"] == Target("submitted_at")
    assert mapping.columns["Start date"] == Target("ignore")
    assert mapping.values["submitdate"] == {}


def test_a_mapping_saved_with_the_time_as_a_profile_field_is_still_read():
    saved = {"columns": {"submitdate": {"kind": "profile", "question": None, "choice": None, "field": "submitted_at"}}}
    assert Mapping.from_dict(saved).columns == {"submitdate": Target("submitted_at")}
    assert Mapping.from_dict(Mapping.from_dict(saved).to_dict()) == Mapping.from_dict(saved)
