"""Wave names typed in other languages reach the dashboard's charts and tables (issue 17, item 10):
a French reader sees the French wave name in the explorer's legend and captions."""

from __future__ import annotations

from sqlmodel import select

from core.accounts.models import User
from surveys.models import Wave
from tests.dashboards.conftest import LATEST_WAVE, SECRETARIAT, as_text, sign_in


def test_a_french_reader_sees_the_french_wave_names_in_the_charts(seeded, session, client, dash):
    for wave in session.exec(select(Wave)).all():
        wave.name_translations = {"fr": wave.name.replace("Annual survey", "Enquête annuelle")}
        session.add(wave)
    user = session.exec(select(User).where(User.email == SECRETARIAT)).one()
    user.locale = "en"
    session.add(user)
    session.commit()
    sign_in(client, SECRETARIAT)
    dash.open("/dashboard/explorer")
    english = as_text(dash.page("/dashboard/explorer"))
    assert LATEST_WAVE in english and "Enquête annuelle" not in english

    user.locale = "fr"
    session.add(user)
    session.commit()
    french = as_text(dash.page("/dashboard/explorer"))
    assert "Enquête annuelle 2026" in french
    assert LATEST_WAVE not in french
