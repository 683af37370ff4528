"""A focal point's survey tables on demo-shaped data (issue 14, item 6).

The other table tests build instruments without profile questions, so every question's `profile`
was empty text and the tables appeared. The demo's instruments ask country, category and gender
as profile questions; pandas 3 read the other questions' missing profile as NaN, which is true,
and every table was skipped: "Nobody from your country answered this wave" for every country.
"""

from __future__ import annotations

from sqlmodel import select

from core.db import get_session
from exports import aggregates
from surveys.frame import question_catalog, responses_frame
from surveys.models import Wave
from tests.dashboards.conftest import sign_in


def test_a_question_without_a_profile_field_has_none(app, seeded):
    with app.app_context():
        session = get_session()
        wave = session.exec(select(Wave).order_by(Wave.id)).first()
        catalog = question_catalog(session, [wave.id])
    profiles = {row.name: row.profile for row in catalog.itertuples()}
    assert profiles["country"] == "country"
    assert [name for name, profile in profiles.items() if profile is not None and not isinstance(profile, str)] == []


def test_every_demo_focal_country_with_respondents_gets_tables(app, seeded):
    with app.test_request_context():
        session = get_session()
        checked = 0
        for wave in aggregates.table_waves(session):
            frame = responses_frame(session, [wave.id], include_pii=False)
            for country in ("KE", "FR", "IN", "BR", "PL", "EG"):
                if not (frame["country"] == country).any():
                    continue
                tables = aggregates.country_tables(session, wave.id, country, "category", "en", 5)
                assert tables, f"no table for {country} in wave {wave.id}"
                checked += 1
    assert checked >= 3


def test_the_focal_points_page_shows_the_countrys_tables(app, client, seeded):
    sign_in(client, "focal.fr@demo.ipbes.example.org")
    page = client.get("/focal-point/tables").get_data(as_text=True)
    assert "Nobody from your country answered this wave" not in page
    assert "<table" in page
