"""Dates as exports write them: each date column's format found from all its values, day or month
first decided by the column, refused by row and column when it cannot be, and chosen by the secretariat."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import pytest
from sqlmodel import select

from surveys.models import Answer
from surveys.response_import.dates import read_column
from tests.surveys.response_import.storing_helpers import annual_past_wave
from tests.surveys.response_import.test_page_response_import import fields


@pytest.mark.parametrize(
    ("cells", "wanted", "says"),
    [
        (["07/12/2026", "25/12/2026"], datetime(2026, 12, 7), "DD/MM/YYYY, found from the values"),
        (["12/7/2026 14:05", "12/25/2026 09:00"], datetime(2026, 12, 7, 14, 5), "MM/DD/YYYY hh:mm, found"),
        (["7 Dec 2026", "December 25, 2026"], datetime(2026, 12, 7), "a month by its name"),
        (["7 déc. 2026"], datetime(2026, 12, 7), "a month by its name"),
        (["46363", "46363.5861"], datetime(2026, 12, 7), "Excel serial day numbers"),
        (["2026-12-07 14:05:00", "2026-12-25 09:00:00"], datetime(2026, 12, 7, 14, 5), "YYYY-MM-DD hh:mm:ss"),
        (["12/07/2026 02:05:00 PM", "12/08/2026 09:00:00 AM"], datetime(2026, 12, 7, 14, 5), "MM/DD/YYYY hh:mm AM/PM"),
        (["07.12.2026", "31.01.2026"], datetime(2026, 12, 7), "DD.MM.YYYY"),
        (["2026/12/7 2:05:00 pm", "2026/12/25 9:00:00 am"], datetime(2026, 12, 7, 14, 5), "YYYY-MM-DD hh:mm:ss"),
    ],
)
def test_each_format_exports_write_is_read_and_stated(cells, wanted, says):
    found = read_column(cells)
    assert found.times[cells[0]] == wanted
    assert not found.undecided
    assert says in found.description


def test_a_column_that_does_not_tell_day_from_month_leaves_those_values_undecided():
    found = read_column(["07/12/2026", "03/04/2026", "05/05/2026"])
    assert found.undecided == {"07/12/2026", "03/04/2026"}
    assert found.times["05/05/2026"] == datetime(2026, 5, 5)  # the same either way
    assert "undecided" in found.description
    chosen = read_column(["07/12/2026", "03/04/2026"], "mdy")
    assert (chosen.times["07/12/2026"], chosen.undecided) == (datetime(2026, 7, 12), set())
    assert "MM/DD/YYYY, as chosen" in chosen.description


def test_a_value_against_the_columns_order_is_no_date():
    found = read_column(["25/12/2026", "26/12/2026", "12/25/2026"])
    assert found.order == "dmy" and found.times["12/25/2026"] is None


def test_numbers_are_no_serial_dates_beside_written_dates():
    found = read_column(["07/12/2026", "25/12/2026", "45000"])
    assert found.times["45000"] is None


CSV = "country,roles,last_engagement\nFrance,author,07/12/2024\nKenya,author,03/04/2024\nIndia,author,\n"


def test_the_command_refuses_an_undecided_date_by_row_and_column_then_reads_the_order_given(runner, session,
                                                                                             tmp_path):  # fmt: skip
    wave = annual_past_wave(session)
    path = tmp_path / "past.csv"
    path.write_text(CSV, encoding="utf-8")
    result = runner.invoke(args=["surveys", "import-responses", str(wave.id), str(path), "--dry-run"])
    assert result.exit_code == 1
    assert "Row 2, column 'last_engagement': 07/12/2024 could be 2024-12-07 (day first) or 2024-07-12" in result.output
    assert "Row 3, column 'last_engagement'" in result.output
    assert "ambiguous date: 2" in result.output

    result = runner.invoke(args=["surveys", "import-responses", str(wave.id), str(path), "--date-order", "day-first"])
    assert result.exit_code == 0, result.output
    assert "Dates in 'last_engagement': DD/MM/YYYY, as chosen." in result.output
    session.expire_all()
    found = session.exec(select(Answer.value_date).where(Answer.question == "last_engagement")).all()
    assert sorted(found) == [date(2024, 4, 3), date(2024, 12, 7)]


def test_the_page_states_the_format_and_lets_the_secretariat_choose_the_order(client, session, secretariat):
    wave = annual_past_wave(session)
    upload = client.post(
        f"/staff/surveys/waves/{wave.id}/import",
        data={"file": (io.BytesIO(CSV.encode()), "past.csv")},
        content_type="multipart/form-data",
    )
    mapping_url = upload.headers["Location"]
    page = client.get(mapping_url).get_data(as_text=True)
    posted = fields(page)
    order = re.search(r'<label for="(d\d+)">Order of day and month</label>', page).group(1)
    assert posted[order] == ""
    preview = client.get(client.post(mapping_url, data={**posted, "check": "1"}).headers["Location"])
    text = preview.get_data(as_text=True)
    assert "<dt>last_engagement</dt><dd>??/??/YYYY, day and month undecided: choose the order</dd>" in text
    assert re.search(r'id="rows-refused">2<', text) and "ambiguous date" in text

    again = client.get(re.search(r'href="([^"]+)">Change the mapping', text).group(1).replace("&amp;", "&"))
    posted = fields(again.get_data(as_text=True))
    posted[order] = "dmy"
    preview = client.get(client.post(mapping_url, data={**posted, "check": "1"}).headers["Location"])
    text = preview.get_data(as_text=True)
    assert "<dt>last_engagement</dt><dd>DD/MM/YYYY, as chosen</dd>" in text
    assert re.search(r'id="rows-refused">0<', text)
