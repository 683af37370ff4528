"""A map beside coordinate fields (issue 15) on a 360-px phone in Arabic. With JavaScript, a tap on the map fills a
geopoint's latitude and longitude and adds a point to a geotrace, typing moves the point drawn, and the answers are
stored; without it, the map is absent and the typed fields do the same. Every request stays on the platform: the
country outlines come from the app, never tiles from the internet."""

from playwright.sync_api import expect
from sqlmodel import select

from surveys.models import Answer, Response
from tests.browser.checks import assert_accessible, assert_no_horizontal_overflow, phone_context
from tests.factories import make_instrument_version, make_invitation, make_stakeholder, make_wave
from tests.surveys.test_xlsform_web_features import form

PARIS, BONN = (48.85, 2.35), (50.73, 7.1)


def geo_form():
    return form(
        [
            {"type": "geopoint", "name": "where", "label": "Where?"},
            {"type": "geotrace", "name": "route", "label": "Which way?"},
            {"type": "geoshape", "name": "area", "label": "Which area?", "required": "no"},
        ]
    )


def _tap_at(page, canvas, lat: float, lon: float) -> None:
    """Taps the map where (lat, lon) is drawn: the map shows the whole world, longitude left to right."""
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()  # where it is in the viewport now
    page.touchscreen.tap(box["x"] + box["width"] * (lon + 180) / 360, box["y"] + box["height"] * (90 - lat) / 180)


def _submit(page) -> None:
    page.locator(".survey-actions button[value='next']").tap()
    submit = page.locator("form.stack button[type=submit]")  # the review page
    expect(submit).to_be_visible()
    submit.tap()
    expect(page.get_by_role("status")).to_be_visible()


def _stored(session) -> dict[str, str]:
    session.expire_all()
    assert session.exec(select(Response)).one().status == "submitted"
    return {answer.question: answer.value_text for answer in session.exec(select(Answer))}


def _close(value: str, expected: tuple[float, float]) -> bool:
    lat, lon = (float(number) for number in value.split())
    return abs(lat - expected[0]) <= 1.5 and abs(lon - expected[1]) <= 1.5  # a finger on a world 340 px wide


def test_a_tap_on_the_map_fills_the_point_and_the_line_and_they_are_stored(live_server, browser, session):
    wave = make_wave(session, version=make_instrument_version(session, definition=geo_form()))
    invitation = make_invitation(session, wave=wave, stakeholder=make_stakeholder(session), language="ar")
    context = phone_context(browser, "ar")
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/survey/i/{invitation.token}")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        point_map, line_map = page.locator("#q-where-field .geo-map"), page.locator("#q-route-field .geo-map")
        expect(point_map).to_be_visible()  # shown once the outlines have loaded and are drawn
        expect(point_map.locator("svg")).to_have_attribute("aria-hidden", "true")
        expect(point_map).to_have_attribute("data-map-points", "0")

        _tap_at(page, point_map.locator("svg"), *PARIS)
        expect(point_map).to_have_attribute("data-map-points", "1")
        latitude, longitude = page.locator("#q-where"), page.locator("#q-where-longitude")
        assert _close(f"{latitude.input_value()} {longitude.input_value()}", PARIS)

        latitude.fill("-33.9")  # typing moves the point drawn
        expect(point_map.locator("circle")).to_have_attribute("cy", "33.9")
        latitude.fill(str(PARIS[0]))

        expect(line_map).to_be_visible()
        for place in (PARIS, BONN):
            _tap_at(page, line_map.locator("svg"), *place)
        expect(line_map).to_have_attribute("data-map-points", "2")
        expect(line_map.locator("polyline")).to_have_count(1)
        typed_line = page.locator("#q-route").input_value().split("\n")
        assert len(typed_line) == 2 and _close(typed_line[0], PARIS) and _close(typed_line[1], BONN), typed_line

        area_map = page.locator("#q-area-field .geo-map")
        page.locator("#q-area").fill("10 10\n20 30\n-5 40")  # typed points draw the area, closed
        expect(area_map).to_have_attribute("data-map-points", "3")
        expect(area_map.locator("polygon")).to_have_count(1)
        page.locator("#q-area").fill("")

        assert_no_horizontal_overflow(page)
        assert_accessible(page)
        where = f"{latitude.input_value()} {longitude.input_value()}"
        _submit(page)
    finally:
        context.close()

    stored = _stored(session)
    assert stored["where"] == where
    assert stored["route"] == ";".join(typed_line)
    assert any("/map/" in url for url in requested)  # the outlines came from the app ...
    assert [url for url in requested if not url.startswith(live_server.url + "/")] == []  # ... and nothing else


def test_without_javascript_the_typed_fields_answer_and_no_map_shows(live_server, browser, session):
    wave = make_wave(session, version=make_instrument_version(session, definition=geo_form()))
    invitation = make_invitation(session, wave=wave, stakeholder=make_stakeholder(session), language="ar")
    context = phone_context(browser, "ar", java_script_enabled=False)
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/survey/i/{invitation.token}")
        expect(page.locator("#q-where")).to_be_visible()
        expect(page.locator(".geo-map")).to_have_count(3)  # in the page, hidden
        for block in page.locator(".geo-map").all():
            expect(block).to_be_hidden()
        page.locator("#q-where").fill("48.85")
        page.locator("#q-where-longitude").fill("2.35")
        page.locator("#q-route").fill("48.85 2.35\n50.73, 7.1")
        _submit(page)
    finally:
        context.close()

    assert _stored(session) == {"where": "48.85 2.35", "route": "48.85 2.35;50.73 7.1"}
    assert [url for url in requested if not url.startswith(live_server.url + "/")] == []
