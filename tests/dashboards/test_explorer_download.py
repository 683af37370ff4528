"""The explorer's tables download with numbers as numbers: the estimate, its lower and upper bound and n in
columns of their own (not "46% (38%–54%)" in one text cell), shares from 0 to 1, and a figure hidden from a
focal point left empty."""

from __future__ import annotations

import base64
import csv
import io

import pytest

from analysis.estimates import mean
from dashboards import downloads
from dashboards.filters import Filters
from dashboards.pages import explorer
from dashboards.scope import Scope
from tests.dashboards.test_explorer import answer_wave, survey, view_of, weighing  # noqa: F401 (fixture)

pytestmark = [pytest.mark.usefixtures("backend"), pytest.mark.usefixtures("context")]


@pytest.fixture
def context(app):
    with app.test_request_context():
        yield


def csv_of(content, index: int) -> list[list[str]]:
    """The rows of the CSV file the download button hands out (`dcc.send_bytes`' payload, base64)."""
    sent = downloads.table_file(content, index, "csv")
    rows = list(csv.reader(io.StringIO(base64.b64decode(sent["content"]).decode("utf-8-sig"))))
    return rows[: rows.index([])] if [] in rows else rows  # the table's note (its base) follows a blank row


def test_shares_download_as_estimate_low_high_and_n_columns(session, survey):  # noqa: F811
    _earlier, later = survey
    content = explorer.build(view_of(session, Filters(wave=later.id, weighted=False)))
    (section,) = content.sections
    (figure,) = section.figures

    rows = csv_of(content, 0)  # the figure's table

    assert rows[0] == ["Wave", "Answer", "Share (0–1)", "Lower bound", "Upper bound", "n"]
    shown = {r.cells[1]: r.cells for r in figure.table.rows}
    for wave, answer, estimate, low, high, n in rows[1:]:
        assert wave == "Annual survey 2026" and n == "18"
        assert 0 <= float(low) <= float(estimate) <= float(high) <= 1
        assert shown[answer][2] == view_of(session, Filters(wave=later.id)).lab.share_with_interval(
            float(estimate), float(low), float(high)
        )
    assert {r[1] for r in rows[1:]} == {"Yes", "No"}


def test_the_table_of_every_answer_downloads_a_row_per_answer(session, survey):  # noqa: F811
    earlier, later = survey
    content = explorer.build(
        view_of(session, Filters(wave=later.id, waves=(earlier.id, later.id), breakdown="gender", weighted=False))
    )

    rows = csv_of(content, len(content.sections[0].figures))  # after the figures' tables

    assert rows[0] == ["Wave", "Gender", "Answer", "Share (0–1)", "Lower bound", "Upper bound", "n"]
    assert len(rows) == 1 + 2 * 2 * 2  # waves × genders × answers
    men_2025_yes = next(r for r in rows if r[:3] == ["Annual survey 2025", "Male", "Yes"])
    assert float(men_2025_yes[3]) == pytest.approx(1 / 6, abs=1e-6) and men_2025_yes[6] == "6"


def test_means_download_as_numbers(session, survey):  # noqa: F811
    earlier, _later = survey
    view = view_of(session, Filters(wave=earlier.id, question="years"))
    content = explorer.build(view)

    (header, row) = csv_of(content, 0)

    frame, weights = weighing(view, earlier.id, True)
    direct = mean(frame["years"].astype("float64"), weights)
    assert header == ["Wave", "Mean", "Lower bound", "Upper bound", "n"]
    assert row[0] == "Annual survey 2025" and row[4] == "18"
    assert [float(v) for v in row[1:4]] == pytest.approx([direct.estimate, direct.low, direct.high], abs=1e-6)


def test_figures_hidden_from_a_focal_point_stay_empty_in_the_download(app, session, survey):  # noqa: F811
    _earlier, later = survey
    app.config["AGGREGATE_THRESHOLD"] = 7
    content = explorer.build(
        view_of(session, Filters(wave=later.id, breakdown="gender", weighted=False), Scope(country="KE"))
    )

    rows = csv_of(content, 0)

    assert rows[0][:3] == ["Wave", "Gender", "Answer"]
    assert all(row[3:] == ["", "", "", ""] for row in rows[1:])
