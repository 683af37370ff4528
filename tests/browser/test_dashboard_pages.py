"""Every page of the Dash dashboard on a 360×740 phone, in English and in Arabic: no axe-core (WCAG 2.1 A/AA)
violation, nothing wider than the screen, the site's header, and charts whose labels are neither cut off nor
repeated. And a filter change keeps the page in view while the new one loads.

One server with the demo data (at a twentieth of its size) serves the whole module; each test opens a fresh phone
signed in as the secretariat (every page) or Kenya's focal point (a country's view), whose account is saved in the
test's language. Every wait is on a condition: the page's title, its filters and every chart drawn.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from core.accounts.models import Role
from tests.browser.actions import sign_in
from tests.browser.checks import TIMEOUT_MS, assert_accessible, assert_no_horizontal_overflow, phone_context
from tests.browser.conftest import LiveServer
from tests.conftest import make_app
from tests.factories import make_focal_point, make_user

LANGUAGES = ("en", "ar")
GROUPS = ("commitment", "capacity", "participation", "diversity", "impact", "communication")
PAGES = ["", *(f"group/{group}" for group in GROUPS), "explorer", "map", "diversity"]
# Readers with their language saved on the account (a saved language wins over the browser's).
READERS = {("secretariat", language): f"secretariat.{language}@example.org" for language in LANGUAGES} | {
    ("focal_point", language): f"focal.ke.{language}@example.go.ke" for language in LANGUAGES
}

# The page is drawn: the filters have written the wave into the address (which draws the page again), the title,
# the filters and every chart's svg are there, nothing is left loading, and nothing is dimmed by the loading mark.
_DRAWN = """
() => {
  const graphs = [...document.querySelectorAll("#page .dash-graph")];
  return new URLSearchParams(window.location.search).has("wave")
    && document.querySelector("#page .page-title") !== null
    && document.querySelector("#controls .control") !== null
    && graphs.every((g) => g.querySelector(".main-svg") !== null)
    && document.querySelector("[data-dash-is-loading='true']") === null
    && [...document.querySelectorAll(".page-loading, .page-loading > *")]
      .every((el) => getComputedStyle(el).opacity === "1");
}
"""

# What of _DRAWN is still missing, for the message of a page that was not drawn in time.
_STATE = """
() => ({
  address: window.location.search,
  title: document.querySelector("#page .page-title") !== null,
  controls: document.querySelector("#controls .control") !== null,
  graphs: [...document.querySelectorAll("#page .dash-graph")].map((g) => g.querySelector(".main-svg") !== null),
  loading: [...document.querySelectorAll("[data-dash-is-loading='true']")].map((el) => el.id || el.className),
  dimmed: [...document.querySelectorAll(".page-loading, .page-loading > *")]
    .map((el) => getComputedStyle(el).opacity).filter((o) => o !== "1"),
})
"""

# Chart texts that stick out of their chart (cut off), and axes whose tick labels repeat ("0" on every tick).
_CHART_FAULTS = """
() => {
  const found = [];
  for (const graph of document.querySelectorAll("#page .dash-graph")) {
    const box = graph.querySelector(".svg-container").getBoundingClientRect();
    for (const text of graph.querySelectorAll(".xtick text, .ytick text, .legendtext, .annotation-text")) {
      const r = text.getBoundingClientRect();
      if (r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1)) {
        found.push(`${graph.id}: "${text.textContent}" from ${Math.round(r.left)} to ${Math.round(r.right)} px`);
      }
    }
    for (const axis of graph.querySelectorAll(".xaxislayer-above, .yaxislayer-above")) {
      const ticks = [...axis.querySelectorAll("text")].map((t) => t.textContent);
      if (new Set(ticks).size < ticks.length) found.push(`${graph.id}: ticks repeat: ${ticks.join(" | ")}`);
    }
  }
  return found;
}
"""


@pytest.fixture(scope="module")
def dashboard(databases, browser, tmp_path_factory):
    """The app on 127.0.0.1 with the demo data; each reader signed in once (their saved sign-in)."""
    app = make_app(databases.fresh(tmp_path_factory.mktemp("dashboard")), WTF_CSRF_ENABLED=True)
    result = app.test_cli_runner().invoke(args=["seed-demo", "--scale", "0.05"])
    assert result.exit_code == 0, result.output
    with Session(app.extensions["db_engine"]) as session:
        for (reader, language), email in READERS.items():
            if reader == "secretariat":
                make_user(session, email=email, role=Role.SECRETARIAT, locale=language)
            else:
                make_focal_point(session, email=email, locale=language, kind="alternate")
    server = LiveServer(app)
    signed_in = {}
    for key, email in READERS.items():
        context = browser.new_context()
        sign_in(context.new_page(), server.url, email)
        signed_in[key] = context.storage_state()
        context.close()
    yield server, signed_in
    server.stop()
    app.extensions["db_engine"].dispose()


def open_page(browser, dashboard, path: str, language: str, reader: str = "secretariat"):
    server, signed_in = dashboard
    context = phone_context(browser, language, storage_state=signed_in[reader, language])
    page = context.new_page()
    page.goto(f"{server.url}/dashboard/{path}")
    try:
        page.wait_for_function(_DRAWN, timeout=TIMEOUT_MS)
    except Exception as error:
        state = page.evaluate(_STATE)
        context.close()
        raise AssertionError(f"{path} ({language}) was not drawn in time: {state}") from error
    return context, page


def assert_site_header(page) -> None:
    """The site's header as on the server pages: home, the language switcher, signing out; then the dashboard's
    own menu, with no two entries of one name."""
    header = page.locator("header.site-header")
    expect(header.locator("a.brand")).to_have_attribute("href", "/")
    expect(header.locator("form.language-switcher button")).to_have_count(6)
    expect(header.locator("form[action$='/account/logout'] button")).to_have_count(1)
    names = page.locator("#nav a").all_inner_texts()
    assert len(names) == len(PAGES) and len(set(names)) == len(names), names


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_dashboard_page_fits_a_phone_and_has_no_accessibility_violation(browser, dashboard, path, language):
    context, page = open_page(browser, dashboard, path, language)
    try:
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        assert_no_horizontal_overflow(page)
        assert_accessible(page)
        assert page.evaluate(_CHART_FAULTS) == []
        assert_site_header(page)
    finally:
        context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_focal_points_dashboard_fits_a_phone_and_has_no_accessibility_violation(browser, dashboard, language):
    context, page = open_page(browser, dashboard, "", language, reader="focal_point")
    try:
        assert_no_horizontal_overflow(page)
        assert_accessible(page)
        assert_site_header(page)
    finally:
        context.close()


def test_a_filter_change_keeps_the_page_in_view_while_the_new_one_loads(browser, dashboard):
    context, page = open_page(browser, dashboard, "group/participation", "en")
    try:
        held = []  # the new page's callback, held until the page has been seen while it loads

        def hold_the_page(route):
            if '"page.children"' in (route.request.post_data or ""):
                held.append(route)
            else:
                route.continue_()

        page.route("**/_dash-update-component*", hold_the_page)
        title = page.locator("#page .page-title")
        with page.expect_request(lambda request: '"page.children"' in (request.post_data or "")):
            region = page.locator(".control", has=page.locator("label", has_text="UN regional group"))
            region.locator("button.dash-dropdown").click()
            page.get_by_role("option", name="African States").first.click()
        expect(page.locator(".page-loading .dash-default-spinner").first).to_be_visible()  # after its delay
        expect(title).to_be_visible()  # and the page is not blanked behind it
        expect(title).to_have_text("Level of participation")
        for route in held:
            route.continue_()
        page.unroute("**/_dash-update-component*")
        page.wait_for_url(lambda url: "regional_group=AFR" in url)
        page.wait_for_function(_DRAWN, timeout=TIMEOUT_MS)
    finally:
        context.close()


def test_a_charts_image_downloads_when_its_button_is_clicked_and_never_by_itself(browser, dashboard):
    """The PNG and SVG buttons beside a chart download it, named after its caption; a page drawn anew (Dash calls
    the buttons' callback then too, with nothing clicked) downloads nothing and draws no hidden copy of the chart."""
    context, page = open_page(browser, dashboard, "group/participation", "en")
    try:
        downloads = []
        page.on("download", lambda download: downloads.append(download.suggested_filename))
        caption = page.locator("#page .dashboard-figure figcaption").first.inner_text().strip()
        with page.expect_download() as png:
            page.locator("#page .dashboard-figure").first.get_by_role("button", name="Download PNG").click()
        assert png.value.suggested_filename.endswith(".png")
        assert png.value.suggested_filename.startswith(caption.split()[0])

        # What Dash hands the callback when a page is drawn anew: the first chart's buttons, never clicked.
        unclicked = page.evaluate(
            """() => {
              const id = {index: "graph-0:png", type: "image"};
              window.dash_clientside.callback_context = {
                triggered_id: id,
                triggered: [{prop_id: JSON.stringify(id) + ".n_clicks", value: 0}],
              };
              const real = window.Plotly.downloadImage;
              let asked = 0;
              window.Plotly.downloadImage = () => { asked += 1; return Promise.resolve(); };
              try {
                window.dash_clientside.ipbes.downloadImage([0, 0]);
              } finally {
                window.Plotly.downloadImage = real;
              }
              return asked;
            }"""
        )
        assert unclicked == 0
        assert downloads == [png.value.suggested_filename]
    finally:
        context.close()
