"""The mapping page never reads the uploaded file: a read job does, and the page follows its progress."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from core.jobs.models import Job
from surveys.models import InstrumentVersion
from surveys.response_import import reading
from tests import factories
from tests.conftest import AuthActions
from tests.support.jobs import running_worker, wait_for
from tests.surveys.response_import.test_page_response_import import CSV, column_of, fields


@pytest.fixture
def worker_app(app_with, tmp_path):
    """An app whose jobs wait in a real queue (a SQLite file) for a worker."""
    return app_with(JOBS_IMMEDIATE=False, JOBS_QUEUE_FILE=str(tmp_path / "jobs.db"))


def _wave(session):
    return factories.make_wave(
        session, name="Annual survey 2019", year=2019, status="closed", opens_in_days=-400, closes_in_days=-370
    )


def _upload(client, wave, content: bytes, name: str = "limesurvey-2019.csv"):
    return client.post(
        f"/staff/surveys/waves/{wave.id}/import",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_the_mapping_page_shows_the_read_jobs_progress_then_the_mapping(worker_app, session, monkeypatch):
    factories.make_secretariat(session)
    wave = _wave(session)
    client = worker_app.test_client()
    AuthActions(client).login(factories.SECRETARIAT)
    mapping_url = _upload(client, wave, CSV.encode()).headers["Location"]

    waiting = client.get(mapping_url).get_data(as_text=True)
    assert "Read a file of past responses" in waiting and "Waiting for a worker" in waiting
    assert '<noscript><meta http-equiv="refresh"' in waiting and "js/jobs.js" in waiting
    with running_worker(worker_app):
        wait_for(lambda: "Goes to" in client.get(mapping_url).get_data(as_text=True), what="the mapping form")

    # Once read, neither the page nor its "show the values" step reads the file again.
    def no_reading(*_args, **_kwargs):
        raise AssertionError("a page read the file")

    monkeypatch.setattr(reading, "read_export", no_reading)
    page = client.get(mapping_url).get_data(as_text=True)
    assert "CSV, encoding utf-8, delimiter “,”" in page
    posted = fields(page)
    assert posted[column_of(page, "Years of involvement")] == "question:years"
    posted[column_of(page, "Processes are transparent")] = "question:transparent"
    refreshed = client.post(mapping_url, data={**posted, "refresh": "1"})
    assert refreshed.status_code == 200 and "Neutral" in refreshed.get_data(as_text=True)


def test_a_file_the_job_cannot_read_is_said_on_the_upload_page(client, secretariat, session):
    wave = _wave(session)
    mapping_url = _upload(client, wave, b"a,b\n\x00\x01,\x00\n" * 3, "broken.csv").headers["Location"]
    response = client.get(mapping_url)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/waves/{wave.id}/import")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The file cannot be read" in page


def test_another_waves_read_job_is_not_found(client, secretariat, session):
    wave = _wave(session)
    other = factories.make_wave(
        session, version=session.get(InstrumentVersion, wave.version_id), name="Other wave", year=2018, status="closed"
    )
    mapping_url = _upload(client, wave, CSV.encode()).headers["Location"]
    assert client.get(mapping_url.replace(f"/waves/{wave.id}/", f"/waves/{other.id}/")).status_code == 404


def test_once_the_file_is_imported_its_summary_is_forgotten(client, secretariat, session):
    wave = _wave(session)
    mapping_url = _upload(client, wave, CSV.encode()).headers["Location"]
    posted = fields(client.get(mapping_url).get_data(as_text=True))
    job_url = client.post(mapping_url, data={**posted, "check": "1"}).headers["Location"]
    client.post(job_url + "/confirm", data={"leave_out": "y"})
    read = session.get(Job, int(mapping_url.rsplit("/", 1)[1]))
    session.refresh(read)
    assert read.result == {"used": True}  # the file's values (its emails) are not kept with the job
    again = client.get(mapping_url)
    assert again.status_code == 302
    assert "no longer waiting" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_the_upload_takes_a_file_larger_than_the_apps_request_limit(app_with, session):
    """An export of 100,000 rows is larger than MAX_REQUEST_MB: this page alone, for the secretariat, takes it."""
    app = app_with(MAX_CONTENT_LENGTH=2_000)
    factories.make_secretariat(session)
    wave = _wave(session)
    client = app.test_client()
    AuthActions(client).login(factories.SECRETARIAT)
    big = CSV + "".join(f",Kenya,Author,{n % 40},Yes,Agree,Agree,comment {n}\n" for n in range(200))
    assert len(big.encode()) > 2_000
    response = _upload(client, wave, big.encode())
    assert response.status_code == 302
    assert "203 rows" in client.get(response.headers["Location"]).get_data(as_text=True)
    elsewhere = client.post(f"/staff/surveys/waves/{wave.id}/import/imports/1/undo", data={"x": "y" * 3_000})
    assert elsewhere.status_code == 413  # every other page keeps the app's limit


def test_a_forgotten_files_summary_goes_when_its_upload_expires(client, secretariat, session):
    """The read job keeps the file's values (emails among them) for the mapping page; a file nobody imported keeps
    them no longer than its upload (a day), and its mapping page then says to upload it again."""
    wave = _wave(session)
    forgotten_url = _upload(client, wave, CSV.encode()).headers["Location"]
    forgotten = session.get(Job, int(forgotten_url.rstrip("/").rsplit("/", 1)[1]))
    assert "source" in forgotten.result
    forgotten.created_at -= timedelta(days=1, minutes=1)
    session.commit()

    fresh_url = _upload(client, wave, CSV.encode()).headers["Location"]
    session.expire_all()
    assert session.get(Job, forgotten.id).result == {"used": True}
    assert "source" in session.get(Job, int(fresh_url.rstrip("/").rsplit("/", 1)[1])).result
    again = client.get(forgotten_url)
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/waves/{wave.id}/import")
