"""The indicator dashboard in a real browser: the secretariat filters and downloads, a focal point
stays within their country even when forging a callback, anonymous visitors sign in first, the
keyboard reaches the filters and the pages, and the page's scripts pass its Content Security Policy."""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import expect

from core.demo import DEMO_PASSWORD
from core.reference.countries import country_name
from tests.browser.actions import sign_in
from tests.dashboards.conftest import FOCAL_KE, SECRETARIAT


def _watch_console(page) -> list[str]:
    messages = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    return messages


def _card_value(page, title: str) -> str:
    return page.locator("article.card", has=page.get_by_role("heading", name=title)).locator(".card-value").inner_text()


def _choose(page, label: str, option: str) -> None:
    control = page.locator(".control", has=page.locator("label", has_text=label))
    control.locator(".control-dropdown").click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option).first.click()


def test_the_secretariat_filters_the_overview_and_downloads_a_table(seeded, live_server, new_page):
    page = new_page()
    console = _watch_console(page)
    sign_in(page, live_server.url, SECRETARIAT, DEMO_PASSWORD)

    page.goto(f"{live_server.url}/dashboard/")
    expect(page.locator("article.card")).to_have_count(6)
    before = _card_value(page, "Level of participation")

    _choose(page, "UN regional group", "African States")
    page.wait_for_url(lambda url: "/dashboard/?" in url and "regional_group=AFR" in url)
    expect(
        page.locator("article.card", has=page.get_by_role("heading", name="Level of participation")).locator(
            ".card-value"
        )
    ).not_to_have_text(before)

    page.get_by_role("link", name="Level of participation").click()
    page.wait_for_url(lambda url: "/dashboard/group/participation?" in url and "regional_group=AFR" in url)
    table = page.locator(
        ".table-block", has=page.locator("thead th").first.filter(has_text=re.compile(r"^UN regional group$"))
    ).first
    expect(table).to_be_attached()
    shown_with_its_chart = page.locator("details.figure-table", has=table)
    if shown_with_its_chart.count():
        shown_with_its_chart.locator("summary").click()  # the table one click away from its chart
    expect(table.locator("tbody th")).to_have_text(["African States"])
    with page.expect_download() as download_info:
        table.get_by_role("button", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    content = Path(download.path()).read_text(encoding="utf-8-sig")
    assert "African States" in content and "Western European and other States" not in content

    assert [m for m in console if "Content Security Policy" in m or "pageerror" in m] == []


def test_a_focal_point_sees_only_their_country(seeded, live_server, new_page, session):
    from stakeholders.frames import registry_frame

    counts = registry_frame(session)["country"].astype(object).value_counts()
    other = next(code for code in counts.index if code != "KE")
    other_name = country_name(other, "en")
    page = new_page()
    console = _watch_console(page)
    sign_in(page, live_server.url, FOCAL_KE, DEMO_PASSWORD)

    page.goto(f"{live_server.url}/dashboard/?country={other}")
    expect(page.locator("article.card").first).to_be_visible()
    country = page.locator(".control", has=page.locator("label", has_text="Country"))
    expect(country).to_contain_text("Kenya")
    expect(country.locator("input:disabled, [aria-disabled='true'], .is-disabled, [disabled]")).not_to_have_count(0)
    expect(page.locator("#page")).to_contain_text("Kenya")
    assert other_name not in page.locator("#page").inner_text()

    token = next(c["value"] for c in page.context.cookies() if c["name"] == "_csrf_token")

    def page_callback(search: str):
        return page.request.post(
            f"{live_server.url}/dashboard/_dash-update-component",
            headers={"X-CSRFToken": token, "Content-Type": "application/json"},
            data=json.dumps(
                {
                    "output": "page.children",
                    "outputs": {"id": "page", "property": "children"},
                    "inputs": [
                        {"id": "url", "property": "pathname", "value": "/dashboard/group/participation"},
                        {"id": "url", "property": "search", "value": search},
                    ],
                    "state": [],
                    "changedPropIds": ["url.search"],
                }
            ),
        )

    forged, own = page_callback(f"?country={other}"), page_callback("")
    assert forged.status == own.status == 200
    assert forged.json() == own.json()
    assert other_name not in json.dumps(forged.json(), ensure_ascii=False)
    assert [m for m in console if "Content Security Policy" in m or "pageerror" in m] == []


def test_an_anonymous_visitor_is_sent_to_sign_in(live_server, new_page):
    page = new_page()

    page.goto(f"{live_server.url}/dashboard/group/diversity")

    assert "/account/login" in page.url
    expect(page.get_by_label("Email address")).to_be_visible()


def test_the_keyboard_reaches_the_filters_and_the_pages(seeded, live_server, new_page):
    page = new_page()
    sign_in(page, live_server.url, SECRETARIAT, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.locator("article.card")).to_have_count(6)

    reached = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.add(
            page.evaluate(
                "() => { const e = document.activeElement; const c = e && e.closest('.dashboard-nav, .control');"
                " return c ? (c.classList.contains('dashboard-nav') ? 'nav' : 'filter') : (e ? e.tagName : ''); }"
            )
        )
        if {"nav", "filter"} <= reached:
            break
    assert {"nav", "filter"} <= reached, reached
