"""Coordinates and calculations in an anonymised release: a geopoint, geotrace or geoshape could point at a
respondent's home, so it is never exported, in the main table or a repeat's; a calculation can hold what it was
computed from (a name joined to a surname), so it is treated as free text: left out unless a release asks for
free text, then scrubbed."""

from __future__ import annotations

import pytest

from exports.params import ReleaseParams
from exports.service import export_release
from surveys.models import Answer
from surveys.xlsform.reading import parse_xlsform
from tests.factories import make_instrument_version, make_response, make_wave
from tests.reading import unzip
from tests.surveys import xlsform_builder as xb

pytestmark = pytest.mark.usefixtures("backend")

SURVEY = [
    xb.q("begin group", "home", "Home"),
    xb.q("select_one agree", "satisfied", "I am satisfied"),
    xb.q("geopoint", "where", "Where do you live?"),
    xb.q("text", "given", "Given name"),
    {"type": "calculate", "name": "greeting", "calculation": "concat('Dear ', ${given})"},
    xb.q("begin repeat", "field", "Field"),
    xb.q("integer", "hectares", "Hectares"),
    xb.q("geoshape", "outline", "Outline of the field"),
    {"type": "end repeat"},
    xb.end(),
]
CHOICES = [*xb.choices("agree", "no", "yes")]
HOME = "-1.2921 36.8219 1700 5"
OUTLINE = "-1.2921 36.8219;-1.2925 36.8221;-1.2921 36.8219"


def _wave(session):
    definition = parse_xlsform(xb.workbook(SURVEY, CHOICES, xb.settings("fields")), "fields.xlsx")
    version = make_instrument_version(session, definition=definition, code="fields")
    wave = make_wave(session, version=version, name="Fields 2025", year=2025, opens_in_days=-60, closes_in_days=-1)
    for _ in range(6):
        response = make_response(
            session, wave, {"satisfied": "yes", "where": HOME, "given": "Wanjiru", "greeting": "Dear Wanjiru"}
        )
        session.add(Answer(response_id=response.id, question="hectares", instance=1, value_number=2))
        session.add(Answer(response_id=response.id, question="outline", instance=1, value_text=OUTLINE))
    session.commit()
    return wave


def _files(app, session, wave, **options) -> dict[str, bytes]:
    with app.app_context():
        return unzip(
            export_release(session, ReleaseParams(wave_ids=(wave.id,), format="csv", **options), actor_id=None)
        )


@pytest.mark.parametrize("free_text", [False, True])
def test_coordinates_are_never_released_in_the_main_table_nor_a_repeats(app, session, free_text):
    wave = _wave(session)

    files = _files(app, session, wave, free_text=free_text)

    data = files["data.csv"].decode("utf-8-sig")
    fields = files["repeat_field.csv"].decode("utf-8-sig")
    assert "36.82" not in data and "36.82" not in fields
    assert "where" not in data.splitlines()[0] and "outline" not in fields.splitlines()[0]
    assert "hectares" in fields.splitlines()[0] and "satisfied" in data.splitlines()[0]
    codebook = files["codebook.html"].decode("utf-8")
    assert codebook.count("Coordinates: never exported") == 2


def test_a_calculation_is_free_text_left_out_unless_asked_for(app, session):
    wave = _wave(session)

    without = _files(app, session, wave)["data.csv"].decode("utf-8-sig")

    assert "Wanjiru" not in without and "greeting" not in without.splitlines()[0]
