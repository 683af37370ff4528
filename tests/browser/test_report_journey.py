"""The plenary report opened in a real browser from disk: every chart draws, and nothing is fetched."""

from __future__ import annotations

from playwright.sync_api import expect


def test_report_charts_render_offline(seeded, new_page, tmp_path):
    out = tmp_path / "report.html"
    result = seeded.invoke(args=["report", "--wave", "Annual survey 2026", "--lang", "ar", "--out", str(out)])
    assert result.exit_code == 0, result.output

    page = new_page("ar")
    requests, errors = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(out.as_uri())

    charts = page.locator(".plotly-graph-div")
    expect(charts.first).to_be_attached()
    assert charts.count() >= 6
    expect(page.locator(".js-plotly-plot")).to_have_count(charts.count())  # each one drawn by plotly.js
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert errors == []
    assert [url for url in requests if not url.startswith(("file:", "data:", "blob:"))] == []
