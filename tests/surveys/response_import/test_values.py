"""Value matching: choices by name or label in any language, countries, languages, 0/1 columns."""

from __future__ import annotations

import pytest

from surveys.response_import.plan import Target, ValueTarget
from surveys.response_import.values import country_code, language_code, match_key, propose_values
from tests.surveys.response_import.export_fixtures import annual_survey


def test_match_key_ignores_case_accents_spaces_and_punctuation():
    assert match_key(" Côte d’Ivoire\u00a0") == match_key("COTE D IVOIRE") == "cote d ivoire"
    assert match_key("Strongly  agree\u00a0") == "strongly agree"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Korea, South", "KR"), ("Cote d Ivoire", "CI"), ("Côte d'Ivoire", "CI"), ("United States", "US"),
        ("United States of America (the)", "US"), ("USA", "US"), ("FRA", "FR"), ("fr", "FR"), ("Allemagne", "DE"),
        ("Alemania", "DE"), ("Германия", "DE"), ("德国", "DE"), ("ألمانيا", "DE"), ("Türkiye", "TR"), ("Turkey", "TR"),
        ("Holy See", "VA"), ("State of Palestine", "PS"), ("Taiwan", "TW"), ("Atlantis", None),
    ],
)  # fmt: skip
def test_countries_by_codes_un_names_in_six_languages_and_variants(value, code):
    assert country_code(value) == code


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Anglais", "en"), ("Espagnol", "es"), ("English", "en"), ("Arabic", "ar"), ("Français", "fr"),
        ("fr-FR", "fr"), ("en_GB", "en"), ("中文", "zh"), ("русский", "ru"), ("árabe", "ar"), ("Klingon", None),
    ],
)  # fmt: skip
def test_languages_by_code_or_name_in_any_of_the_six(value, code):
    assert language_code(value) == code


def test_choices_match_by_name_or_label_in_any_language():
    proposed = propose_values(
        annual_survey(),
        Target("question", question="clarity"),
        ["Strongly agree\u00a0", "d'accord", "De acuerdo", "strongly_disagree", "NEUTRAL", "Bof", "N/A"],
    )
    assert proposed == {
        "Strongly agree\u00a0": ValueTarget("choice", "strongly_agree"),
        "d'accord": ValueTarget("choice", "agree"),
        "De acuerdo": ValueTarget("choice", "agree"),
        "strongly_disagree": ValueTarget("choice", "strongly_disagree"),
        "NEUTRAL": ValueTarget("choice", "neutral"),
        "N/A": ValueTarget("missing"),
    }  # "Bof" matches nothing: the preview names it


def test_typed_answers_go_to_other_where_the_question_has_it():
    proposed = propose_values(
        annual_survey(), Target("question", question="roles"), ["author;Local NGO work", "webinar"]
    )
    assert proposed == {
        "author": ValueTarget("choice", "author"),
        "Local NGO work": ValueTarget("other"),
        "webinar": ValueTarget("choice", "webinar"),
    }


def test_select_multiple_cells_split_on_spaces_for_names():
    proposed = propose_values(
        annual_survey(), Target("question", question="channels"), ["email website", "Social media"]
    )
    assert proposed == {
        "email": ValueTarget("choice", "email"),
        "website": ValueTarget("choice", "website"),
        "Social media": ValueTarget("choice", "social_media"),
    }


def test_choice_columns_take_ticks_and_labels():
    target = Target("choice", question="roles", choice="author")
    values = ["1", "0", "Y", "Checked", "Unchecked", "Author, contributing author or review editor of an assessment"]
    proposed = propose_values(annual_survey(), target, values)
    assert {v: t.kind for v, t in proposed.items()} == {
        "1": "choice", "0": "missing", "Y": "choice", "Checked": "choice", "Unchecked": "missing",
        "Author, contributing author or review editor of an assessment": "choice",
    }  # fmt: skip
    other = propose_values(annual_survey(), Target("choice", question="roles", choice="other"), ["Ministry liaison"])
    assert other == {"Ministry liaison": ValueTarget("other")}


def test_numbered_codes_go_by_position_and_yes_no_takes_one_and_zero():
    length = propose_values(annual_survey(), Target("question", question="engagement_length"), ["1", "4"])
    assert length == {"1": ValueTarget("choice", "lt1"), "4": ValueTarget("choice", "gt5")}
    yes_no = propose_values(annual_survey(), Target("question", question="raised_concern"), ["1", "0", "Oui"])
    assert yes_no == {
        "1": ValueTarget("choice", "yes"),
        "0": ValueTarget("choice", "no"),
        "Oui": ValueTarget("choice", "yes"),
    }


def test_profile_lists_match_their_labels_in_six_languages():
    gender = propose_values(annual_survey(), Target("profile", field="gender"), ["Femme", "Hombre", "女", "other"])
    assert gender == {
        "Femme": ValueTarget("choice", "female"),
        "Hombre": ValueTarget("choice", "male"),
        "女": ValueTarget("choice", "female"),
    }
    group = propose_values(annual_survey(), Target("profile", field="regional_group"), ["GRULAC", "African Group"])
    assert group == {"GRULAC": ValueTarget("choice", "GRULAC"), "African Group": ValueTarget("choice", "AFR")}


def test_labels_holding_the_separator_stay_whole():
    author = "Author, contributing author or review editor of an assessment"
    proposed = propose_values(
        annual_survey(),
        Target("question", question="roles"),
        [f"{author}, Participant in a webinar or e-learning course"],
    )
    assert proposed == {
        author: ValueTarget("choice", "author"),
        "Participant in a webinar or e-learning course": ValueTarget("choice", "webinar"),
    }


def test_labels_joined_by_spaces_are_found_whole():
    cell = "Email Social media Meetings in person"
    proposed = propose_values(annual_survey(), Target("question", question="channels"), [cell])
    assert proposed == {
        "Email": ValueTarget("choice", "email"),
        "Social media": ValueTarget("choice", "social_media"),
        "Meetings in person": ValueTarget("choice", "in_person"),
    }


def test_mis_encoded_values_are_matched_as_repaired():
    country = propose_values(annual_survey(), Target("question", question="country"), ["CÃ´te d'Ivoire"])
    assert country == {"CÃ´te d'Ivoire": ValueTarget("choice", "CI")}
    language = propose_values(annual_survey(), Target("language"), ["FranÃ§ais"])
    assert language == {"FranÃ§ais": ValueTarget("choice", "fr")}
