"""A wave from before the platform, its responses put in directly (as an import does: no invitation,
no stakeholder, no timestamp for some), flows everywhere a native wave does (issue 16, item 4): the
tidy frame, the dashboard's waves and explorer, the report, the anonymised export and the
focal-point tables."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from dashboards import data as dashboard_data
from dashboards.filters import Filters
from dashboards.pages import explorer
from dashboards.scope import EVERYTHING
from dashboards.selection import select as dashboard_select
from dashboards.view import View
from exports.aggregates import country_tables, table_waves
from exports.params import ReleaseParams
from exports.service import export_release, exportable_waves
from reports.build import build_report
from reports.data import load
from surveys import waves
from surveys.frame import responses_frame
from surveys.models import Response
from tests.factories import make_instrument_version, make_response
from tests.reading import read_csv, unzip

pytestmark = pytest.mark.usefixtures("backend")
COUNTRIES = ("KE", "FR", "BR", "IN", "PL")


@pytest.fixture
def past_wave(session, app):
    version = make_instrument_version(session)  # six languages; a past wave may have fewer
    with app.test_request_context():
        wave = waves.record_past_wave(
            session,
            data=waves.WaveData(
                version.id, "Survey 2019", 2019, datetime(2019, 3, 1, tzinfo=UTC), datetime(2019, 4, 1, tzinfo=UTC)
            ),
        )
    for i in range(30):
        make_response(
            session,
            wave,
            {"roles": ["author"] if i % 2 else ["user"], "engaged": "yes" if i % 3 else "no", "years": str(i)},
            country=COUNTRIES[i % 5],
            commit=False,
        )
    session.commit()
    # An exported file rarely has timestamps: a third of the responses have none.
    for response in session.exec(select(Response).where(Response.wave_id == wave.id)).all()[:10]:
        response.submitted_at = None
        session.add(response)
    session.commit()
    return wave


def test_the_tidy_frame_holds_every_response(session, past_wave):
    frame = responses_frame(session, [past_wave.id])
    assert len(frame) == 30
    assert set(frame["year"]) == {2019} and frame["channel"].astype(str).eq("invitation").all()
    assert frame["engaged"].astype(str).value_counts()["yes"] == 20
    assert frame["submitted_at"].isna().sum() == 10


def test_the_dashboard_lists_the_wave_and_the_explorer_shows_it(app, session, past_wave):
    with app.test_request_context():
        assert [w.name for w in dashboard_data.waves(session)] == ["Survey 2019"]
        selection = dashboard_select(session, Filters(wave=past_wave.id, weighted=False))
        assert len(selection.data.survey) == 30
        (section,) = explorer.build(View(selection, EVERYTHING, "en")).sections
        assert {row.cells[0] for row in section.tables[0].rows} == {"Survey 2019"}


def test_the_report_has_the_wave(app, session, past_wave):
    with app.test_request_context():
        report = build_report(load(session, [past_wave.id]), "en")
    assert [w["name"] for w in report["waves"]] == ["Survey 2019"]
    responses = report["survey"].tables[0]
    assert responses.rows[0].cells[:2] == ["Survey 2019", "30"]


def test_the_anonymised_export_and_the_focal_point_tables_have_the_wave(app, session, past_wave):
    assert [w.id for w in exportable_waves(session)] == [past_wave.id]
    assert [w.id for w in table_waves(session)] == [past_wave.id]
    with app.app_context():
        release = export_release(session, ReleaseParams(wave_ids=(past_wave.id,), format="csv", k=3), actor_id=None)
    assert release.rows == 30 and len(read_csv(unzip(release)["data.csv"])) == 30
    with app.test_request_context():
        assert country_tables(session, past_wave.id, "KE", "gender", "en", threshold=1)
