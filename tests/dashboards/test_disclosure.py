"""One disclosure rule for everything a focal point can reach (issue 14, item 5).

Signed in as Kenya's focal point on the demo data (Kenya has a handful of respondents a wave), every
dashboard page (the overview, each indicator group with each category filter, the explorer, the
map, the diversity page), the plenary report downloaded from the dashboard, the table downloads and
the survey tables with their downloads: no visible count of people is under the threshold. The
secretariat's views keep every count.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from core.db import get_session
from exports import aggregates
from presentation.disclosure import SUPPRESSED_MARK
from presentation.labels import VOCABULARIES
from tests.dashboards.conftest import FOCAL_KE, SECRETARIAT, components, sign_in, tables, text_of

THRESHOLD = 5
GROUPS = ("commitment", "capacity", "participation", "diversity", "impact", "communication")
# Column headings (English) whose cells count people, or rest on a count of people.
COUNT_HEADING = re.compile(
    r"^(n|Responses|Invited|Invitations answered|Raised|Answered|Concerns|Nominated|Selected|People|Participants"
    r"|Nominations|Selected experts|Fellows|Reviewers|Review comments|Inputs submitted|Records|.*: respondents)$"
)


def _number(text: str) -> int | None:
    cleaned = text.replace(",", "").strip()
    return int(cleaned) if cleaned.isdigit() else None


def small_counts(rows: list[list[str]]) -> list[tuple[str, str]]:
    """(heading, cell) of every visible count of people under the threshold in a table (header first)."""
    if not rows:
        return []
    header, found = rows[0], []
    for row in rows[1:]:
        for heading, cell in zip(header, row):
            if not COUNT_HEADING.match(heading) or cell == SUPPRESSED_MARK:
                continue
            number = _number(cell)
            if number is not None and 0 < number < THRESHOLD:
                found.append((heading, cell))
    return found


def report_tables(page: str) -> list[list[list[str]]]:
    """The report's tables as rows of cell texts (header first), read from its HTML."""
    found = []
    for table in re.findall(r"<table>(.*?)</table>", page, flags=re.S):
        rows = []
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S):
            cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
            rows.append([re.sub(r"<[^>]+>", "", cell).strip() for cell in cells])
        found.append(rows)
    return found


@pytest.fixture
def as_kenya(app, seeded, client, dash):
    app.config["AGGREGATE_THRESHOLD"] = THRESHOLD
    sign_in(client, FOCAL_KE)
    dash.open()
    return dash


def searches() -> list[str]:
    return [""] + [f"?category={code}" for code in VOCABULARIES["category"].codes]


def test_no_dashboard_page_shows_a_focal_point_a_small_count(as_kenya):
    pages = ["/dashboard/", "/dashboard/explorer", "/dashboard/map", "/dashboard/diversity"]
    pages += [f"/dashboard/group/{group}" for group in GROUPS]
    found, hidden = {}, 0
    for search in searches():
        for path in pages:
            tree = as_kenya.page(path, search)
            for table in tables(tree):
                hidden += sum(cell == SUPPRESSED_MARK for row in table[1:] for cell in row)
                if small := small_counts(table):
                    found[(path, search, table[0][0])] = small
    assert found == {}
    assert hidden > 0  # the demo's Kenya has small groups: the rule did hide something


def test_the_report_a_focal_point_downloads_is_suppressed(as_kenya):
    for search in ("", "?category=business"):
        _name, body = as_kenya.download_report(search)
        page = body.decode("utf-8")
        assert "Business and industry 1<" not in page.replace('</td><td class="num">', " ")
        found = {table[0][0]: small_counts(table) for table in report_tables(page) if small_counts(table)}
        assert found == {}, search
        assert "Concern figures are for all countries" in page
        # The country's diversity card is its regional share, as on the dashboard.
        assert "Share of the region&#39;s registered stakeholders" in page or (
            "Share of the region's registered stakeholders" in page
        )
        assert "Evenness across the five regional groups" not in page


def test_the_table_downloads_are_the_suppressed_tables(as_kenya):
    for path in [f"/dashboard/group/{group}" for group in GROUPS]:
        shown = tables(as_kenya.page(path, "?category=business"))
        for index in range(len(shown)):
            _name, body = as_kenya.download_table(path, "?category=business", index, "csv", tables=len(shown))
            rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
            assert small_counts(rows) == [], (path, index)


def test_the_focal_points_survey_tables_and_downloads_are_suppressed(app, as_kenya, client):
    with app.test_request_context():
        waves = [wave.id for wave in aggregates.table_waves(get_session())]
    assert waves
    for wave in waves:
        for breakdown in aggregates.BREAKDOWNS:
            page = client.get(f"/focal-point/tables?wave={wave}&breakdown={breakdown}").get_data(as_text=True)
            for table in report_tables(page.replace("<table ", "<table>").replace('<tr class="', '<tr x="')):
                for row in table[1:]:
                    for cell in row[1:]:
                        number = _number(cell)
                        assert number is None or number == 0 or number >= THRESHOLD, (wave, breakdown, row)
            body = client.get(f"/focal-point/tables.csv?wave={wave}&breakdown={breakdown}").get_data(as_text=True)
            for row in csv.reader(io.StringIO(body.lstrip("\ufeff"))):
                for cell in row[3:]:
                    number = _number(cell)
                    assert number is None or number == 0 or number >= THRESHOLD, (wave, breakdown, row)


def test_the_secretariat_sees_every_count(app, seeded, client, dash):
    sign_in(client, SECRETARIAT)
    dash.open()
    _name, body = dash.download_report("?country=KE")
    assert any(small_counts(table) for table in report_tables(body.decode("utf-8")))


def test_kenyas_cards_show_their_base_and_claim_no_trend_on_a_small_one(as_kenya):
    tree = as_kenya.page("/dashboard/", "")
    found = {}
    for card in components(tree, "Article", "card"):
        found[text_of(card["props"]["children"][0])] = text_of(card)
    assert found
    for title, text in found.items():
        if "small base" in text or "fewer than" in text:
            assert "Improving" not in text and "Worsening" not in text, title
    # The diversity card of one country is its regional share, and concerns say they are all countries'.
    assert "Share of the region's registered stakeholders" in found["Diversity"]
    assert "Evenness" not in found["Diversity"]
    assert "(all countries)" in found["Two-way communication"]
    for title, text in found.items():
        if "No data" in text and "Not shown" not in text:
            continue  # no figure, so no base
        assert "n = " in text or "n: fewer than 5" in text, (title, text)


def test_a_small_base_claims_no_trend_even_for_the_secretariat(app, seeded, client, dash):
    sign_in(client, SECRETARIAT)
    dash.open()
    cards = [text_of(card) for card in components(dash.page("/dashboard/", "?country=KE"), "Article", "card")]
    small = [text for text in cards if "a small base" in text]
    assert small
    for text in small:
        assert "Improving" not in text and "Worsening" not in text and "since" not in text, text
