"""The secretariat exports an anonymised release of a closed wave; a focal point downloads their
country's aggregate tables."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.actions import sign_in
from tests.browser.checks import TIMEOUT_MS
from tests.browser.conftest import LiveServer
from tests.conftest import make_app
from tests.exports.builders import kenya_and_france
from tests.factories import FOCAL_KE, SECRETARIAT, make_focal_point, make_secretariat
from tests.support.jobs import running_worker

WORKER_TIMEOUT_MS = 2 * TIMEOUT_MS  # the one limit twice over: a worker starts, then builds the release


@pytest.fixture
def queueing_server(database_url, tmp_path):
    """The app served on 127.0.0.1 with its jobs queued in a SQLite file, for a real worker to run."""
    app = make_app(database_url, WTF_CSRF_ENABLED=True, JOBS_IMMEDIATE=False, JOBS_QUEUE_FILE=str(tmp_path / "jobs.db"))
    server = LiveServer(app)
    yield server
    server.stop()
    app.extensions["db_engine"].dispose()


def ask_for_a_release(page, base: str) -> None:
    sign_in(page, base, SECRETARIAT)
    page.goto(f"{base}/exports/anonymised")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anonymised survey data")
    page.get_by_label("Annual survey 2025").check()
    page.get_by_label("File format").select_option("csv")
    page.get_by_role("button", name="Export").click()
    page.wait_for_url(re.compile(r"/jobs/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Anonymised release, job")


def test_the_secretariat_exports_a_closed_wave_as_a_zip(queueing_server, new_page, session):
    live_server = queueing_server
    wave = kenya_and_france(session, name="Annual survey 2025", year=2025, status="closed")
    make_secretariat(session)

    page = new_page()
    with running_worker(live_server.app):
        ask_for_a_release(page, live_server.url)
        # The worker builds the release; the job page's script follows it until the zip can be downloaded.
        link = page.get_by_role("link", name=re.compile(r"^Download anonymised-wave-"))
        expect(link).to_be_visible(timeout=WORKER_TIMEOUT_MS)
    bar = page.get_by_role("progressbar", name="Progress")
    expect(bar).to_have_attribute("value", "4")
    expect(bar).to_have_attribute("max", "4")
    expect(page.locator("[data-job-progress-text]")).to_have_text("4 of 4")
    expect(page.get_by_text("The responses are anonymised.")).to_be_visible()
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".zip")
    archive = zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes()))
    assert "data.csv" in archive.namelist()
    rows = list(csv.DictReader(io.StringIO(archive.read("data.csv").decode("utf-8-sig"))))
    assert len(rows) == 44 and {row["wave_id"] for row in rows} == {str(wave.id)}

    # The release is listed with a link to download it again.
    page.goto(f"{live_server.url}/exports/anonymised")
    releases = page.get_by_role("table", name="Releases, newest first")
    expect(releases.get_by_role("rowheader", name="Annual survey 2025")).to_be_visible()
    with page.expect_download() as again:
        releases.get_by_role("link", name=f"Download {download.suggested_filename}").click()
    assert Path(again.value.path()).read_bytes() == Path(download.path()).read_bytes()


def test_without_javascript_the_job_page_refreshes_itself_until_the_zip_is_ready(queueing_server, browser, session):
    kenya_and_france(session, name="Annual survey 2025", year=2025, status="closed")
    make_secretariat(session)
    context = browser.new_context(locale="en-GB", java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        ask_for_a_release(page, queueing_server.url)
        expect(page.get_by_text("Waiting for a worker to start this job.")).to_be_visible()
        link = page.get_by_role("link", name=re.compile(r"^Download anonymised-wave-"))
        expect(link).to_have_count(0)
        with running_worker(queueing_server.app):  # the page, refreshing itself every 2 s, comes to show the zip
            expect(link).to_be_visible(timeout=WORKER_TIMEOUT_MS)
        expect(page.locator("[data-job-progress-text]")).to_have_text("4 of 4")
    finally:
        context.close()


def test_a_focal_point_downloads_their_countrys_tables(live_server, new_page, session):
    kenya_and_france(session, name="Annual survey 2025", year=2025, status="closed")
    make_focal_point(session, name="Achieng Odhiambo")

    page = new_page()
    sign_in(page, live_server.url, FOCAL_KE)
    page.goto(f"{live_server.url}/focal-point/tables")
    expect(page.get_by_role("heading", level=1)).to_have_text("Survey results for Kenya")
    table = page.get_by_role("table", name="Did you engage with IPBES?")
    expect(table.get_by_role("row", name="Total 8 13 13 34")).to_be_visible()
    expect(table.get_by_role("row").filter(has_text="Yes")).to_contain_text("–")

    page.get_by_label("Broken down by").select_option("gender")
    page.get_by_role("button", name="Show").click()
    expect(table.get_by_role("columnheader", name="Female")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["Question", "Choice", "Answer"] and "Female" in rows[0]
    numbers = [int(cell) for row in rows[1:] for cell in row[3:] if cell.isdigit()]
    assert numbers and all(n == 0 or n >= 5 for n in numbers)
