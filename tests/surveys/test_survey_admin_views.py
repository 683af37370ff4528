"""The secretariat's survey pages: roles, waves in the user's time zone, links, invitations, uploads."""

import io
import re
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from core.mail import OutboxMessage
from surveys.models import Instrument, InstrumentVersion, Invitation, OpenLink, ReminderSchedule, Wave
from tests.factories import (
    make_instrument_version,
    make_invitation,
    make_response,
    make_stakeholder,
    make_user,
    make_wave,
)
from tests.surveys import xlsform_builder as xb


@pytest.fixture
def secretariat(secretariat, session):
    """The signed-in secretariat officer works in Paris: the wave forms take and show Paris time."""
    secretariat.timezone = "Europe/Paris"
    session.add(secretariat)
    session.commit()
    return secretariat


@pytest.mark.parametrize("role", ["stakeholder", "focal_point"])
def test_only_the_secretariat_gets_in(client, session, auth, role):
    wave = make_wave(session)
    make_user(session, email="someone@example.org", role=role, country="KE" if role == "focal_point" else None)
    assert client.get("/staff/surveys/").status_code == 302  # anonymous: to the sign-in page
    auth.login("someone@example.org")
    for path in (
        "/staff/surveys/",
        f"/staff/surveys/waves/{wave.id}",
        f"/staff/surveys/waves/{wave.id}/monitoring",
        "/staff/surveys/instruments",
        "/staff/surveys/waves/new",
    ):
        assert client.get(path).status_code == 403, path
    for path in (
        f"/staff/surveys/waves/{wave.id}/close",
        f"/staff/surveys/waves/{wave.id}/invitations",
        f"/staff/surveys/waves/{wave.id}/links",
    ):
        assert client.post(path, data={"network": "X"}).status_code == 403, path
    session.expire_all()
    assert session.get(Wave, wave.id).status == "published"
    assert session.exec(select(OpenLink)).first() is None


def test_nav_shows_surveys_to_staff(client, session, secretariat):
    page = client.get("/staff/surveys/").get_data(as_text=True)
    assert 'href="/staff/surveys/">Surveys</a>' in page


def test_create_a_wave_in_the_users_time_zone_then_edit_it(client, session, secretariat):
    version = make_instrument_version(session)
    response = client.post(
        "/staff/surveys/waves/new",
        data={
            "version_id": version.id,
            "name": "Annual survey 2026",
            "year": 2026,
            "opens_at": "2026-10-01T10:00",
            "closes_at": "2026-11-30T18:00",
            "categories": ["science", "ngo"],
            "regions": ["AFR"],
            "allow_editing": "y",
        },
    )
    assert response.status_code == 302
    wave = session.exec(select(Wave)).one()
    assert wave.opens_at == datetime(2026, 10, 1, 8, 0, tzinfo=UTC)  # Paris is UTC+2 in October
    assert wave.closes_at == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # and UTC+1 in November
    assert wave.audience == {"categories": ["ngo", "science"], "regions": ["AFR"], "countries": []}
    assert wave.status == "draft"
    page = client.get(f"/staff/surveys/waves/{wave.id}/edit").get_data(as_text=True)
    assert 'value="2026-10-01T10:00"' in page and "Europe/Paris" in page

    refused = client.post(
        f"/staff/surveys/waves/{wave.id}/edit",
        data={
            "version_id": version.id,
            "name": "Annual survey 2026",
            "year": 2026,
            "opens_at": "2026-10-01T10:00",
            "closes_at": "2026-09-30T18:00",
        },
    )
    assert refused.status_code == 200 and "The wave must close after it opens." in refused.get_data(as_text=True)


def test_publish_add_links_send_invitations_and_schedule_a_reminder(client, session, secretariat):
    make_stakeholder(session, name="Amina Diallo", email="amina@example.org", country="SN")
    make_stakeholder(session, name="Wei Zhang", email="wei@example.org", country="CN", communication=("website",))
    wave = make_wave(session, status="draft")
    base = f"/staff/surveys/waves/{wave.id}"
    page = client.get(base).get_data(as_text=True)
    assert "Publish the wave to send invitations." in page

    assert client.post(f"{base}/publish").status_code == 302
    client.post(f"{base}/links", data={"network": "Future Earth"})
    link = session.exec(select(OpenLink)).one()
    page = client.get(base).get_data(as_text=True)
    assert f"http://localhost/survey/o/{link.token}" in page and "Switch off" in page
    client.post(f"/staff/surveys/links/{link.id}/active", data={"active": "0"})
    session.expire_all()
    assert session.get(OpenLink, link.id).is_active is False

    response = client.post(f"{base}/invitations", follow_redirects=True)
    assert "Invitations sent: 1." in response.get_data(as_text=True)
    assert [m.to_address for m in session.exec(select(OutboxMessage)).all()] == ["amina@example.org"]
    assert session.exec(select(Invitation)).one().sent_at is not None

    client.post(f"{base}/reminders", data={"send_at": "2026-01-05T09:30"})  # Paris: UTC+1 in January
    reminder = session.exec(select(ReminderSchedule)).one()
    assert reminder.send_at == datetime(2026, 1, 5, 8, 30, tzinfo=UTC)
    response = client.post(f"{base}/reminders", data={"send_at": "2099-01-01T00:00"}, follow_redirects=True)
    assert "A reminder must be sent before the wave closes." in response.get_data(as_text=True)

    client.post(f"{base}/close")
    session.expire_all()
    assert session.get(Wave, wave.id).status == "closed"


def test_next_years_wave_from_the_wave_page(client, session, secretariat):
    wave = make_wave(session, name="Annual survey 2026", year=2026, audience={"countries": ["KE"]})
    response = client.post(f"/staff/surveys/waves/{wave.id}/next")
    following = session.exec(select(Wave).where(Wave.year == 2027)).one()
    assert response.headers["Location"].endswith(f"/staff/surveys/waves/{following.id}")
    assert following.name == "Annual survey 2027" and following.audience["countries"] == ["KE"]
    page = client.get(f"/staff/surveys/waves/{following.id}").get_data(as_text=True)
    assert "Annual survey 2026" in page and "Kenya" in page  # follows; the audience
    listing = client.get("/staff/surveys/").get_data(as_text=True)
    assert listing.index("Annual survey 2027") < listing.index("Annual survey 2026")  # newest first
    assert "Draft" in listing and "Open" in listing


def test_upload_rejection_lists_sheet_row_and_column_and_keeps_the_form(client, session, secretariat):
    survey, choice_rows, setting = xb.valid_form()
    survey[3]["indicator"] = "engagement"  # row 5: "roles" with an unknown indicator group
    data = xb.workbook(survey, choice_rows, setting)
    response = client.post(
        "/staff/surveys/instruments/upload",
        data={"code": "annual-survey", "name": "Annual survey", "file": (io.BytesIO(data), "annual.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    problems = re.search(r'<div class="form-errors" role="alert" id="problems">(.*?)</div>', page, re.S).group(1)
    row = re.search(r"<tr><td>survey</td><td>5</td><td>([^<]*)</td>", problems)
    assert row and row.group(1) == "indicator"
    assert 'value="annual-survey"' in page and 'value="Annual survey"' in page
    assert session.exec(select(InstrumentVersion)).first() is None


def test_upload_then_download_a_version(client, session, secretariat):
    data = xb.workbook(*xb.valid_form())
    response = client.post(
        "/staff/surveys/instruments/upload",
        data={"code": "annual-survey", "name": "Annual survey", "file": (io.BytesIO(data), "annual.xlsx")},
        content_type="multipart/form-data",
    )
    instrument = session.exec(select(Instrument)).one()
    assert response.headers["Location"].endswith(f"/staff/surveys/instruments/{instrument.id}")
    again = client.post(
        "/staff/surveys/instruments/upload",
        data={"code": "annual-survey", "name": "Annual survey", "file": (io.BytesIO(data), "annual.xlsx")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "nothing new was stored" in again.get_data(as_text=True)
    version = session.exec(select(InstrumentVersion)).one()
    page = client.get(f"/staff/surveys/instruments/{instrument.id}").get_data(as_text=True)
    assert "annual-survey-v1.xlsx" in page
    download = client.get(f"/staff/surveys/versions/{version.id}/xlsform")
    assert download.headers["Content-Disposition"] == 'attachment; filename="annual-survey-v1.xlsx"'
    book = load_workbook(io.BytesIO(download.data))
    assert {"survey", "choices", "settings"} <= set(book.sheetnames)


def test_monitoring_page_shows_rates_and_drop_off(client, session, secretariat):
    wave = make_wave(session)
    people = [make_stakeholder(session, name=f"Person {i}", country="KE") for i in range(4)]
    for person in people:
        make_invitation(session, wave=wave, stakeholder=person)
    make_response(session, wave, stakeholder=people[0])
    make_response(session, wave, stakeholder=people[1], status="draft", last_page=1)
    session.commit()
    page = client.get(f"/staff/surveys/waves/{wave.id}/monitoring").get_data(as_text=True)
    assert re.search(r'id="overall-invited">4<', page) and re.search(r'id="overall-submitted">1<', page)
    assert re.search(r'id="overall-rate">25(\.0)?%<', page)
    assert "African States" in page and "Kenya" in page and "Scientific community" in page
    drop = re.search(r'<table id="drop-off"[^>]*>(.*?)</table>', page, re.S).group(1)
    assert re.search(r"2\. Your views</th>\s*<td>2</td><td>1</td>", drop)
