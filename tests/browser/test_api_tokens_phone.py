"""The API token page on a 360×740 phone, in English and in Arabic: a focal point (who has every scope but the
secretariat's) makes a token, sees it once, and revokes it; at each step no axe-core (WCAG 2.1 A/AA) violation
and nothing wider than the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.actions import sign_in
from tests.browser.checks import assert_accessible, assert_no_horizontal_overflow, phone_context
from tests.factories import FOCAL_KE, make_focal_point

PURPOSE = "A script on my laptop that reads the roster every Monday morning"
NAMES = {"en": ("Create the token", "Revoke", "Name"), "ar": ("أنشئ الرمز", "إلغاء", "الاسم")}


def _checked(page) -> None:
    assert_no_horizontal_overflow(page)
    assert_accessible(page)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_token_page_on_a_phone(live_server, browser, new_page, session, language):
    make_focal_point(session)
    signing_in = new_page()
    sign_in(signing_in, live_server.url, FOCAL_KE)
    state = signing_in.context.storage_state()
    context = phone_context(browser, language, storage_state=state)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/account/tokens")
        expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
        _checked(page)  # no token yet: the form alone

        create, revoke, name = NAMES[language]
        page.get_by_label(name, exact=True).fill(PURPOSE)
        page.get_by_role("button", name=create).click()
        token = page.locator("#new-token")
        expect(token).to_contain_text("ipbes_")
        _checked(page)  # the token shown once, and the table of tokens

        # Each row's button names its token for a screen reader ("Revoke" alone would not say which).
        page.get_by_role("button", name=f"{revoke} {PURPOSE}").click()
        expect(page.locator("#new-token")).to_have_count(0)
        _checked(page)  # the revoked token's row and the notice
    finally:
        context.close()
