"""The secretariat exports an anonymised release of a closed wave; a focal point downloads their
country's aggregate tables."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.actions import sign_in
from tests.exports.builders import kenya_and_france
from tests.factories import FOCAL_KE, SECRETARIAT, make_focal_point, make_secretariat


def test_the_secretariat_exports_a_closed_wave_as_a_zip(live_server, new_page, session):
    wave = kenya_and_france(session, name="Annual survey 2025", year=2025, status="closed")
    make_secretariat(session)

    page = new_page()
    sign_in(page, live_server.url, SECRETARIAT)
    page.goto(f"{live_server.url}/exports/anonymised")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anonymised survey data")
    page.get_by_label("Annual survey 2025").check()
    page.get_by_label("File format").select_option("csv")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".zip")
    archive = zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes()))
    assert "data.csv" in archive.namelist()
    rows = list(csv.DictReader(io.StringIO(archive.read("data.csv").decode("utf-8-sig"))))
    assert len(rows) == 44 and {row["wave_id"] for row in rows} == {str(wave.id)}

    # The release is listed with a link to download it again.
    page.reload()
    releases = page.get_by_role("table", name="Releases, newest first")
    expect(releases.get_by_role("rowheader", name="Annual survey 2025")).to_be_visible()
    with page.expect_download() as again:
        releases.get_by_role("link", name=f"Download {download.suggested_filename}").click()
    assert Path(again.value.path()).read_bytes() == Path(download.path()).read_bytes()


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
