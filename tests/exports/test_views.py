"""The export pages: the secretariat's anonymised release and the focal point's aggregate tables."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from core.audit import AuditEvent
from core.jobs import service as jobs
from core.jobs.models import Job
from core.jobs.queue import queue_of
from exports.jobs import RELEASE_KIND
from exports.models import AnonymisedRelease
from exports.params import ReleaseParams
from surveys.models import Wave
from tests.conftest import AuthActions
from tests.exports.builders import kenya_and_france
from tests.factories import (
    FOCAL_KE,
    make_focal_point,
    make_instrument_version,
    make_organisation,
    make_response,
    make_secretariat,
    make_stakeholder,
    make_user,
    make_wave,
)
from tests.reading import page_text

pytestmark = pytest.mark.usefixtures("backend")

EXPORT = "/exports/anonymised"


@pytest.fixture
def closed_wave(session):
    """A closed wave answered by registered stakeholders (names and organisations in the registry)
    and by open-link respondents, plus an open wave."""
    version = make_instrument_version(session)
    wave = make_wave(session, version=version, name="Annual survey 2025", year=2025, status="closed")
    organisation = make_organisation(session, name="Nairobi Wetlands Trust", country="KE")
    people = [
        make_stakeholder(
            session, name=f"Amina Wanjiru{i}", email=f"amina{i}@example.org", country="KE", organisation=organisation
        )
        for i in range(6)
    ]
    for person in people:
        make_response(
            session,
            wave,
            {"engaged": "yes", "roles": ["author"], "years": 4, "comments": "Write to me at amina@example.org"},
            stakeholder=person,
        )
    for _ in range(6):
        make_response(session, wave, {"engaged": "no", "roles": ["user"], "years": 9})
    make_wave(session, version=version, name="Annual survey 2026", year=2026)  # open now
    return wave


def export_zip(client, form):
    """Ask for a release: the page queues a job and shows it; the job's result is the zip."""
    response = client.post(EXPORT, data=form)
    assert response.status_code == 302
    job_page = response.headers["Location"]
    assert re.fullmatch(r"/jobs/\d+", job_page)
    assert "Finished" in page_text(client.get(job_page))  # jobs run at once in tests (JOBS_IMMEDIATE)
    return client.get(f"{job_page}/result", buffered=True)  # buffered: the file is read and closed


def export_form(wave, **changes):
    form = {"waves": [str(wave.id)], "format": "csv", "lang": "en", "k": "5"}
    form.update(changes)
    return {name: value for name, value in form.items() if value is not None}


# --- who may export ------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, closed_wave):
    for response in (
        client.get(EXPORT),
        client.post(EXPORT, data=export_form(closed_wave)),
        client.get(f"{EXPORT}/1.zip"),
    ):
        assert response.status_code == 302
        assert "/account/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["stakeholder", "focal_point"])
def test_stakeholders_and_focal_points_cannot_export(client, auth, session, closed_wave, role):
    make_user(session, email="someone@example.org", role=role, country="KE" if role == "focal_point" else None)
    auth.login("someone@example.org")
    assert client.get(EXPORT).status_code == 403
    assert client.post(EXPORT, data=export_form(closed_wave)).status_code == 403
    assert session.exec(select(AnonymisedRelease)).first() is None


@pytest.mark.parametrize("role", ["secretariat", "admin"])
def test_the_secretariat_and_admins_see_the_form_with_closed_waves_only(client, auth, session, closed_wave, role):
    make_user(session, email="staff@example.org", role=role)
    auth.login("staff@example.org")
    page = page_text(client.get(EXPORT))
    assert "Annual survey 2025" in page
    assert "Annual survey 2026" not in page  # open: its data would still change
    assert 'name="k"' in page and 'value="5"' in page
    for language in ("Arabic", "English", "Spanish", "French", "Russian", "Chinese"):
        assert language in page


def test_posting_without_the_csrf_token_is_refused(app_with, session):
    app = app_with(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    version = make_instrument_version(session)
    wave = make_wave(session, version=version, status="closed")
    for _ in range(6):
        make_response(session, wave, {"engaged": "yes"})
    AuthActions(client).login_with_csrf(make_secretariat(session).email)
    assert client.post(EXPORT, data=export_form(wave)).status_code == 400
    assert session.exec(select(AnonymisedRelease)).first() is None
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page_text(client.get(EXPORT))).group(1)
    response = export_zip(client, {**export_form(wave), "csrf_token": token})
    assert response.status_code == 200 and response.mimetype == "application/zip"


# --- exporting -----------------------------------------------------------------------------


def test_an_invalid_form_shows_the_error_beside_the_field_and_keeps_the_values(
    client, session, secretariat, closed_wave
):
    response = client.post(EXPORT, data=export_form(closed_wave, k="2", format="xlsx", lang="fr", free_text="y"))
    assert response.status_code == 400
    page = page_text(response)
    assert re.search(r'id="k-error">k must be at least 3\.', page)
    assert re.search(r'<option selected value="xlsx">|<option value="xlsx" selected>', page)
    assert re.search(r'<option selected value="fr">|<option value="fr" selected>', page)
    assert re.search(rf'checked[^>]*value="{closed_wave.id}"|value="{closed_wave.id}"[^>]*checked', page)
    assert re.search(r'name="free_text"[^>]*checked|checked[^>]*name="free_text"', page)
    assert re.search(r'name="k"[^>]*value="2"|value="2"[^>]*name="k"', page)
    assert session.exec(select(AnonymisedRelease)).first() is None


def test_no_wave_chosen_is_an_error(client, secretariat, closed_wave):
    response = client.post(EXPORT, data=export_form(closed_wave, waves=None))
    assert response.status_code == 400
    assert "Choose at least one wave." in page_text(response)


def test_an_open_wave_cannot_be_exported_even_by_a_hand_made_request(client, session, secretariat, closed_wave):
    open_wave = session.exec(select(Wave).where(Wave.name == "Annual survey 2026")).one()
    response = client.post(EXPORT, data=export_form(open_wave))
    assert response.status_code == 400
    assert session.exec(select(AnonymisedRelease)).first() is None


def test_a_release_the_service_refuses_shows_why(client, session, secretariat):
    version = make_instrument_version(session)
    wave = make_wave(session, version=version, name="Small wave", status="closed")
    for _ in range(3):
        make_response(session, wave, {"engaged": "yes"})
    response = client.post(EXPORT, data=export_form(wave, k="4"))
    assert response.status_code == 400
    assert re.search(r'class="form-errors" role="alert">\s*<p>[^<]*fewer than k = 4', page_text(response))
    assert session.exec(select(AnonymisedRelease)).first() is None


def test_exporting_returns_the_zip_without_personal_data_and_audits_it(client, session, secretariat, closed_wave):
    response = export_zip(client, export_form(closed_wave, free_text="y"))
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "no-store" in response.headers["Cache-Control"]
    release = session.exec(select(AnonymisedRelease)).one()
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and release.filename in disposition
    assert response.data == release.content

    archive = zipfile.ZipFile(io.BytesIO(response.data))
    data = archive.read("data.csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    assert len(rows) == 12
    for secret in ("Amina", "Wanjiru", "amina", "@example.org", "Nairobi Wetlands Trust"):
        assert secret not in data
    assert "response_id" not in rows[0] and "stakeholder_id" not in rows[0]

    event = session.exec(select(AuditEvent).where(AuditEvent.action == "exports.anonymised_release")).one()
    assert event.actor_id == secretariat.id
    assert (event.details["waves"], event.details["rows"]) == ([closed_wave.id], 12)
    assert event.details["parameters"]["free_text"] is True
    job = session.exec(select(Job)).one()
    assert event.details["via"] == f"job:{job.id}"
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.target == f"job:{job.id}")).all()
    assert actions == ["jobs.enqueue", "jobs.finish", "jobs.result_download"]


def test_the_job_page_shows_the_steps_of_the_build(client, session, secretariat, closed_wave):
    response = client.post(EXPORT, data=export_form(closed_wave))
    page = page_text(client.get(response.headers["Location"]))
    assert "Anonymised release, job" in page
    assert re.search(r'<progress id="job-progress" max="4" value="4">4 of 4</progress>', page)
    for step in ("The responses are read.", "The responses are anonymised.", "are written."):
        assert step in page
    release = session.exec(select(AnonymisedRelease)).one()
    assert f"Download {release.filename}" in page
    assert 'http-equiv="refresh"' not in page  # finished: nothing left to refresh for


def test_a_release_that_fails_in_the_worker_says_why_on_the_job_page(client, session, secretariat, closed_wave):
    open_wave = session.exec(select(Wave).where(Wave.name == "Annual survey 2026")).one()
    with client.application.test_request_context():  # as if the wave reopened between the form and the worker
        params = ReleaseParams(wave_ids=(open_wave.id,), format="csv")
        job = jobs.enqueue(
            session,
            kind=RELEASE_KIND,
            owner_id=secretariat.id,
            params=params.as_dict(),
            locale="fr",
            queue=queue_of(client.application),
        )
    session.refresh(job)
    assert (job.state, job.result) == ("failed", None)
    assert "n'est pas clôturée" in job.error  # in the language of the person who asked
    page = page_text(client.get(f"/jobs/{job.id}"))
    assert "Try again" in page and "Download" not in page
    assert session.exec(select(AnonymisedRelease)).first() is None


def test_the_same_parameters_give_the_same_release_and_it_is_listed(client, session, secretariat, closed_wave):
    first = export_zip(client, export_form(closed_wave))
    second = export_zip(client, export_form(closed_wave))
    assert first.data == second.data
    assert len(session.exec(select(Job)).all()) == 2
    assert len(session.exec(select(AnonymisedRelease)).all()) == 1
    page = page_text(client.get(EXPORT))
    release = session.exec(select(AnonymisedRelease)).one()
    assert f"{EXPORT}/{release.id}.zip" in page
    assert release.filename in page
    assert secretariat.email in page  # by whom


def test_downloading_a_release_again_is_audited_each_time(client, session, secretariat, closed_wave):
    export_zip(client, export_form(closed_wave))
    release = session.exec(select(AnonymisedRelease)).one()
    for _ in range(2):
        response = client.get(f"{EXPORT}/{release.id}.zip")
        assert response.status_code == 200
        assert response.data == release.content
        assert "no-store" in response.headers["Cache-Control"]
    downloads = session.exec(select(AuditEvent).where(AuditEvent.action == "exports.release_download")).all()
    assert len(downloads) == 2
    assert downloads[0].target == f"release:{release.id}"
    assert client.get(f"{EXPORT}/{release.id + 1}.zip").status_code == 404


def test_a_focal_point_cannot_download_a_release(client, auth, session, secretariat, closed_wave):
    export_zip(client, export_form(closed_wave))
    release = session.exec(select(AnonymisedRelease)).one()
    job = session.exec(select(Job)).one()
    auth.logout()
    make_focal_point(session)
    auth.login(FOCAL_KE)
    assert client.get(f"{EXPORT}/{release.id}.zip").status_code == 403
    for url in (f"/jobs/{job.id}", f"/jobs/{job.id}.json", f"/jobs/{job.id}/result"):
        assert client.get(url).status_code == 404


# --- the focal point's tables --------------------------------------------------------------


@pytest.fixture
def focal_point(session, auth):
    make_focal_point(session)
    auth.login(FOCAL_KE)


def cells_of(page: str, caption: str) -> list[list[str]]:
    table = re.search(rf"<caption>{re.escape(caption)}</caption>(.*?)</table>", page, re.S).group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("</thead>")[1], re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in rows
    ]


def test_the_focal_point_sees_their_countrys_counts_with_small_ones_suppressed(client, session, focal_point):
    wave = kenya_and_france(session)
    page = page_text(client.get("/focal-point/tables"))
    assert "Survey results for Kenya" in page
    cells = cells_of(page, "Did you engage with IPBES?")
    # Two policymakers said yes: hidden, with three more cells so the totals cannot give it away.
    assert cells == [["Yes", "–", "–", "8", "17"], ["No", "–", "–", "5", "17"], ["Total", "8", "13", "13", "34"]]
    assert "fewer than 5 respondents" in page
    assert f"wave={wave.id}" in page


def test_another_country_cannot_be_asked_for(client, session, focal_point):
    wave = kenya_and_france(session)
    for url in (f"/focal-point/tables?country=FR&wave={wave.id}", "/focal-point/tables?country=FR"):
        page = page_text(client.get(url))
        assert "Survey results for Kenya" in page
        assert cells_of(page, "Did you engage with IPBES?")[2][-1] == "34"  # Kenya's 34, not France's 10
    response = client.get(f"/focal-point/tables.csv?country=FR&wave={wave.id}&breakdown=category")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [row for row in rows if row and row[0] == "Did you engage with IPBES?"][-1][-1] == "34"
    assert client.get("/focal-point/tables/FR").status_code == 404


def test_the_breakdown_can_be_changed_and_a_bad_choice_is_refused(client, session, focal_point):
    wave = kenya_and_france(session)
    page = page_text(client.get(f"/focal-point/tables?wave={wave.id}&breakdown=gender"))
    assert cells_of(page, "Did you engage with IPBES?")[0][0] == "Yes"
    assert '<th scope="col">Female</th>' in page
    assert client.get(f"/focal-point/tables?wave={wave.id}&breakdown=email").status_code == 400
    assert client.get(f"/focal-point/tables?wave={wave.id + 99}").status_code == 400
    assert client.get(f"/focal-point/tables.csv?wave={wave.id}&breakdown=email").status_code == 404


def test_downloads_hold_the_suppressed_tables_and_are_audited(client, session, focal_point):
    wave = kenya_and_france(session)
    response = client.get(f"/focal-point/tables.csv?wave={wave.id}&breakdown=category")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == [
        "Question",
        "Choice",
        "Answer",
        "Policymakers",
        "Scientific community",
        "Business and industry",
        "Total",
    ]
    numbers = [int(cell) for row in rows[1:] for cell in row[3:] if cell.isdigit()]
    assert numbers and all(n == 0 or n >= 5 for n in numbers)
    assert any("–" in row for row in rows)

    response = client.get(f"/focal-point/tables.xlsx?wave={wave.id}&breakdown=category")
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][:3] == ("Question", "Choice", "Answer") or values[0][:3] == ["Question", "Choice", "Answer"]
    numbers = [v for row in values[1:] for v in row[3:] if isinstance(v, int)]
    assert numbers and all(n == 0 or n >= 5 for n in numbers)

    events = session.exec(select(AuditEvent).where(AuditEvent.action == "focal_point.tables_download")).all()
    assert [(e.target, e.details["format"]) for e in events] == [("KE", "csv"), ("KE", "xlsx")]


def test_the_threshold_is_a_setting(app_with, session):
    app = app_with(AGGREGATE_THRESHOLD=10)
    client = app.test_client()
    kenya_and_france(session)
    make_focal_point(session)
    AuthActions(client).login(FOCAL_KE)
    page = page_text(client.get("/focal-point/tables"))
    assert "fewer than 10 respondents" in page
    shown = [int(cell) for row in cells_of(page, "Did you engage with IPBES?") for cell in row[1:] if cell != "–"]
    assert shown and all(n == 0 or n >= 10 for n in shown)


@pytest.mark.parametrize("role", ["stakeholder", "secretariat", "admin"])
def test_only_focal_points_have_tables(client, auth, session, role):
    make_user(session, email="someone@example.org", role=role)
    auth.login("someone@example.org")
    assert client.get("/focal-point/tables").status_code == 403
    assert client.get("/focal-point/tables.csv").status_code == 403


def test_without_an_answered_wave_the_page_says_so(client, session, focal_point):
    make_wave(session, status="draft")
    response = client.get("/focal-point/tables")
    assert response.status_code == 200
    assert "No survey has been answered yet." in page_text(response)


def test_a_country_without_respondents_sees_no_table(client, session, auth):
    kenya_and_france(session)
    make_focal_point(session, country="BR", email="focal.br@example.gov.br")
    auth.login("focal.br@example.gov.br")
    page = page_text(client.get("/focal-point/tables"))
    assert "Nobody from your country answered this wave." in page
    assert "<caption>" not in page
