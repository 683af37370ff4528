"""The registry import as background jobs: a real worker, progress, cancel, and a retry after a crash."""

from __future__ import annotations

import io
import re

import pytest
from sqlmodel import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from core.imports.models import PendingImport
from core.jobs.context import JobContext
from core.jobs.kinds import JobCancelled
from core.jobs.models import Job
from stakeholders import importing
from stakeholders.models import Stakeholder
from tests.conftest import AuthActions, make_app
from tests.factories import SECRETARIAT, make_user
from tests.reading import row_count as count
from tests.stakeholders.test_importing import CONFIRM_URL, IMPORT_URL, stakeholder_rows
from tests.support.jobs import running_worker, wait_for
from tests.uploads import csv_bytes, token_of
from tests.uploads import upload as upload_to

JOB_PAGE = re.compile(r"/staff/registry/import/jobs/(\d+)$")


@pytest.fixture
def worker_app(database_url, tmp_path):
    """An app whose jobs wait in a real queue (a SQLite file) for a worker thread."""
    application = make_app(database_url, JOBS_IMMEDIATE=False, JOBS_QUEUE_FILE=str(tmp_path / "jobs.db"))
    yield application
    application.extensions["db_engine"].dispose()


@pytest.fixture
def staff(client, session, auth):
    make_user(session, email=SECRETARIAT, role="secretariat")
    auth.login(SECRETARIAT)
    return client


def job_state(session, job_id: int) -> str:
    session.expire_all()
    return session.get(Job, job_id).state


def test_a_worker_checks_then_imports_while_the_pages_show_progress(worker_app, session):
    make_user(session, email=SECRETARIAT, role="secretariat")
    client = worker_app.test_client()
    AuthActions(client).login(SECRETARIAT)
    content = io.BytesIO(csv_bytes(stakeholder_rows()[:3]))
    body, _length, boundary = stream_encode_multipart(
        {"kind": "stakeholders", "file": FileStorage(content, "list.csv")}, use_tempfile=False
    )
    queued = client.post(IMPORT_URL, data=body.getvalue(), content_type=f"multipart/form-data; boundary={boundary}")
    assert queued.status_code == 302
    check_url = queued.headers["Location"]
    check_id = int(JOB_PAGE.search(check_url).group(1))
    waiting = client.get(check_url).get_data(as_text=True)  # no worker yet: the job's own page, refreshing itself
    assert "Waiting for a worker to start this job." in waiting and 'http-equiv="refresh"' in waiting
    with running_worker(worker_app):
        wait_for(lambda: job_state(session, check_id) == "done", what="the check")
        preview = client.get(check_url)
        token = token_of(preview)
        assert token and "Every row is valid" in preview.get_data(as_text=True)
        confirmed = client.post(CONFIRM_URL, data={"token": token, "confirm": "1"})
        import_id = int(JOB_PAGE.search(confirmed.headers["Location"]).group(1))
        wait_for(lambda: job_state(session, import_id) == "done", what="the import")
    done = client.get(confirmed.headers["Location"]).get_data(as_text=True)
    assert "Import complete" in done
    assert count(session, Stakeholder) == 2 and count(session, PendingImport) == 0
    session.expire_all()
    job = session.get(Job, import_id)
    assert (job.done, job.total) == (2, 2)  # rows done of the total


def test_a_cancel_during_the_check_keeps_nothing(staff, session, monkeypatch):
    def cancel_asked(self, done, total=None, message=None):  # as when Cancel was pressed meanwhile
        raise JobCancelled()

    monkeypatch.setattr(JobContext, "progress", cancel_asked)
    response = upload(staff, "stakeholders", csv_bytes(stakeholder_rows()[:3]))
    assert "Cancelled" in response.get_data(as_text=True)  # the job's page
    assert count(session, PendingImport) == 0


def test_an_import_that_crashes_mid_write_writes_nothing_and_can_be_retried(staff, session, monkeypatch):
    preview = upload(staff, "stakeholders", csv_bytes(stakeholder_rows()[:3]))
    real, calls = importing._ids, []

    def crash_after_the_accounts(*args, **kwargs):  # the new accounts are inserted, then the profiles
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the worker stops here")  # as if it were killed: not an error the import expects
        return real(*args, **kwargs)

    monkeypatch.setattr(importing, "_ids", crash_after_the_accounts)
    staff.post(CONFIRM_URL, data={"token": token_of(preview), "confirm": "1"}, follow_redirects=True)
    job = session.exec(select(Job).where(Job.kind == "imports.import")).one()
    assert job.state == "failed"
    assert count(session, Stakeholder) == 0 and count(session, PendingImport) == 1  # the upload still waits
    monkeypatch.setattr(importing, "_ids", real)
    staff.post(f"/jobs/{job.id}/retry")
    assert job_state(session, job.id) == "done"
    assert count(session, Stakeholder) == 2 and count(session, PendingImport) == 0


def upload(client, kind, content, name="list.csv"):
    return upload_to(client, IMPORT_URL, kind, content, name)
