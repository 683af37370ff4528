"""The corpus of real XLSForms written by others (tests/surveys/data/xlsforms/README.md) through the importer.

The workbooks under a permissive licence (BSD-2-Clause, MIT, CC-BY-4.0) are committed beside
sources.json and always tested. The copyleft ones (GPL, AGPL) are not committed: they are read from
the directory named by XLSFORM_CORPUS, else `../shared/data/xlsforms` beside the repository, and
skipped (saying so) when neither holds them.

EXPECTED says, per form, what the importer does today: "accepted", or the reasons it is refused
(the kinds below, each one of the reasons issue 15 allows or a documented one), so that a change in
either direction is seen. A refusal starts with a summary of at most ten lines and never reports a
reference to a row it refused. bench/xlsform_import.py prints the outcome of each form.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest

from surveys.definition import definition_hash
from surveys.xlsform.problems import DEVICE, XLSFormError
from surveys.xlsform.reading import parse_xlsform
from surveys.xlsform.survey_rows import EXTERNAL, FROM_FILE
from surveys.xlsform.writing import definition_to_xlsform

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = Path(__file__).parent / "data" / "xlsforms"
SOURCES = json.loads((COMMITTED / "sources.json").read_text(encoding="utf-8"))
PERMISSIVE = {"BSD-2-Clause", "MIT", "CC-BY-4.0"}

# Reasons of a refusal. The first three are those issue 15 allows: a type that needs a device or file
# storage, choices from an external file, a form pyxform refuses itself.
DEVICE_ONLY = "device-only"
EXTERNAL_CHOICES = "external choices"
PYXFORM_REFUSES = "pyxform refuses"
# Documented in docs/xlsform.md: a regex() whose pattern could backtrack for ever (ReDoS) is refused, and XPath
# paths into a secondary instance (`instance('features')/root/item[...]`), which read an external file, are not.
UNSAFE_REGEX = "unsafe regex"
INSTANCE_PATH = "instance() path"
# Forms with repeats (nested ones, a loop over a list): accepted, each repeat read, and written back the same.
WITH_REPEATS = {
    "impact-initiatives-cleaningtools-kobo_tool.xlsx",
    "impact-initiatives-hppu-humind-reach_msna_2024_kobo_tool_v11.xlsx",
    "onaio-onadata-childrens_survey_sw.xlsx",
    "onaio-onadata-household.xlsx",
    "onaio-onadata-nested_repeats.xlsx",
    "xlsform-pyxform-loop.xlsx",
}

ACCEPTED = WITH_REPEATS | {
    "impact-initiatives-cleaningtools-form.xlsx",
    "kobotoolbox-formpack-library_locking_example.xlsx",
    "lindsay-stevens-odk_tools-q1302_behave.xlsx",
    "lindsay-stevens-odk_tools-r1405_behave.xlsx",
    "onaio-onadata-battery_life.xlsx",
    "onaio-onadata-form_with_multiple_select.xlsx",
    "onaio-onadata-geolocation_form.xlsx",
    "onaio-onadata-mali_health.xlsx",
    "onaio-onadata-multi_lingual_form.xlsx",
    "onaio-onadata-new_cascading_select.xlsx",
    "onaio-onadata-unicode_in_relevant_column.xlsx",
    "unhcr-americas-xlsformutil-kobo_xlsform_examples.xlsx",
    "unhcr-koboloader-xlsform_template.xlsx",
    "xlsform-pyxform-choice_filter_test.xlsx",
    "xlsform-pyxform-or_other.xlsx",
    "xlsform-pyxform-specify_other.xlsx",
}
REFUSED = {
    "getodk-docs-recensement_etablissements_scolaires.xlsx": {DEVICE_ONLY},
    "hotosm-fmtm-building_natural_risks_survey.xlsx": {EXTERNAL_CHOICES, DEVICE_ONLY, INSTANCE_PATH},
    "hotosm-fmtm-simple_building_survey_wildfires.xlsx": {PYXFORM_REFUSES},
    "hotosm-fmtm-slum_assessment_survey.xlsx": {DEVICE_ONLY},
    "hotosm-osm_fieldwork-waste_collection.xlsx": {DEVICE_ONLY},
    "kobotoolbox-kpi-exp_line_break.xlsx": {DEVICE_ONLY},
    "lindsay-stevens-odk_tools-q1309_behave.xlsx": {PYXFORM_REFUSES},
    "onaio-onadata-enumerator_training_practice_survey.xlsx": {DEVICE_ONLY},
    "onaio-onadata-enumerator_weekly.xlsx": {PYXFORM_REFUSES},
    "onaio-onadata-external_choice_form_v2.xlsx": {EXTERNAL_CHOICES, DEVICE_ONLY},
    "onaio-onadata-good_eats_multilang.xlsx": {DEVICE_ONLY},
    "onaio-onadata-grains.xlsx": {DEVICE_ONLY},
    "onaio-onadata-mch_v1.xlsx": {PYXFORM_REFUSES},
    "onaio-onadata-subdistrict_profiling_tool.xlsx": {EXTERNAL_CHOICES},
    "onaio-onadata-transportation.xlsx": {DEVICE_ONLY},
    "onaio-onadata-tutorial_arabic_labels.xlsx": {DEVICE_ONLY},
    "onaio-onadata-tutorial_nested_geo.xlsx": {DEVICE_ONLY},
    "unhcr-americas-xlsformutil-demo.xlsx": {PYXFORM_REFUSES},
    "xlsform-pyxform-case_insensitivity.xlsx": {EXTERNAL_CHOICES, DEVICE_ONLY},
    "xlsform-pyxform-duplicate_columns.xlsx": {PYXFORM_REFUSES},
    "xlsform-pyxform-ucl_biomass_plot_form.xlsx": {EXTERNAL_CHOICES, DEVICE_ONLY, UNSAFE_REGEX},
    "xlsform-pyxform-xlsform_spec_test.xlsx": {DEVICE_ONLY},
}
EXPECTED: dict[str, str | set[str]] = {**{name: "accepted" for name in ACCEPTED}, **REFUSED}


def corpus_dir() -> Path | None:
    """Where the copyleft workbooks are, when this machine has them."""
    for candidate in (os.environ.get("XLSFORM_CORPUS"), str(ROOT.parent / "shared" / "data" / "xlsforms")):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def workbook(name: str) -> bytes:
    """The workbook's bytes: committed, else from the corpus directory, else the test skips."""
    committed = COMMITTED / name
    if committed.exists():
        return committed.read_bytes()
    folder = corpus_dir()
    if folder is None or not (folder / name).exists():
        pytest.skip(
            f"{name} is under a copyleft licence and not committed; set XLSFORM_CORPUS to a directory holding it, "
            "or place it in ../shared/data/xlsforms (see tests/surveys/data/xlsforms/README.md)"
        )
    return (folder / name).read_bytes()


def reasons(error: XLSFormError) -> set[str]:
    """The kinds of reason of a refusal; a problem of no known kind is named by its text, so that it fails."""
    found = set()
    for problem in error.problems:
        if problem.kind == DEVICE:
            found.add(EXTERNAL_CHOICES if problem.detail in FROM_FILE + EXTERNAL else DEVICE_ONLY)
        elif "regular expression is not valid or could take too long" in problem.text:
            found.add(UNSAFE_REGEX)
        elif "paths with '/' are not supported" in problem.text:
            found.add(INSTANCE_PATH)
        else:
            found.add(str(problem))
    return found


def test_every_form_of_sources_json_has_an_expectation_and_the_permissive_ones_are_committed():
    assert len(SOURCES) >= 30
    assert {source["file"] for source in SOURCES} == set(EXPECTED)
    assert not ACCEPTED & set(REFUSED)
    for source in SOURCES:
        committed = COMMITTED / source["file"]
        assert committed.exists() == (source["licence"] in PERMISSIVE), source["file"]
        if committed.exists():
            assert hashlib.sha256(committed.read_bytes()).hexdigest() == source["sha256"], source["file"]


@pytest.mark.parametrize("source", SOURCES, ids=[source["file"] for source in SOURCES])
def test_each_form_is_accepted_or_refused_for_its_documented_reasons(source):
    name = source["file"]
    data = workbook(name)
    assert hashlib.sha256(data).hexdigest() == source["sha256"], "not the workbook sources.json describes"
    warnings = []
    try:
        definition = parse_xlsform(data, name, warnings=warnings)
    except XLSFormError as error:
        lines = error.summary_lines()
        assert EXPECTED[name] != "accepted", "\n".join(lines)
        assert 1 <= len(lines) <= 10
        refused = _refused_names(error)
        assert not [p for p in error.problems if any(f"${{{n}}} does not" in p.text for n in refused)]
        if EXPECTED[name] == {PYXFORM_REFUSES}:
            assert source["pyxform"] != "ok"
        else:
            assert reasons(error) == EXPECTED[name], "\n".join(lines)
        return
    assert EXPECTED[name] == "accepted"
    assert source["pyxform"] == "ok", "pyxform refuses this form"
    assert definition.form_id and definition.questions()
    assert all(problem.warning for problem in warnings)
    try:
        again = parse_xlsform(definition_to_xlsform(definition), name)
    except XLSFormError as error:
        # A question labelled only in a language other than the six has no label until it is translated,
        # and pyxform refuses an unlabelled question: the round trip waits for the translation.
        assert all("has no label" in problem.text for problem in error.problems), str(error)
        return
    assert definition_hash(again) == definition_hash(definition), "the written workbook reads back differently"


def _refused_names(error: XLSFormError) -> set[str]:
    """Names of refused rows are kept (so references to them are not reported): none should appear."""
    return {match for p in error.problems for match in re.findall(r"'([A-Za-z_][\w.-]*)'", p.text)}


@pytest.mark.parametrize("name", sorted(WITH_REPEATS))
def test_forms_with_repeats_are_read_with_them_and_written_back_the_same(name):
    data = workbook(name)

    definition = parse_xlsform(data, name)

    assert definition.repeats()
    again = parse_xlsform(definition_to_xlsform(definition), name)
    assert [repeat.name for repeat in again.repeats()] == [repeat.name for repeat in definition.repeats()]
    assert definition_hash(again) == definition_hash(definition)


def test_reach_msnas_required_t_is_read_as_no_with_a_warning():
    name = "impact-initiatives-hppu-humind-reach_msna_2024_kobo_tool_v11.xlsx"
    warnings = []

    definition = parse_xlsform(workbook(name), name, warnings=warnings)

    flagged = [problem for problem in warnings if problem.detail == "required (T)"]
    assert [problem.row for problem in flagged] == [314, 315]
    assert "ODK reads as false" in flagged[0].text
    assert definition.repeats()
