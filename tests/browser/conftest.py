"""A real headless Chromium (Debian's /usr/bin/chromium) against the app on 127.0.0.1.

Every wait is on a condition (`expect(...)`, `wait_for_url`), never a fixed pause, and one limit
applies to all of them: `BROWSER_TIMEOUT_MS` (30 s by default). It is generous because a busy CI
machine can take seconds to draw the dashboard; a wait that is met returns at once, so the limit
only matters when something is really wrong.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from tests.browser.checks import TIMEOUT_MS, phone_context
from tests.conftest import make_app, unavailable

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# This machine has no internet: keep Chromium from trying to reach it.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        unavailable(f"{CHROMIUM} is not installed: apt-get install chromium")
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        app.config["BASE_URL"] = self.url
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=10)
        self._wait_for_requests_in_flight()

    def _wait_for_requests_in_flight(self):
        """A request the browser left running still holds a database connection: dropping the test's database
        under it ended that connection, and its failed rollback was logged into whichever test ran next."""
        pool = self.app.extensions["db_engine"].pool
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while getattr(pool, "checkedout", lambda: 0)() and time.monotonic() < deadline:
            time.sleep(0.05)


@pytest.fixture
def live_server(database_url):
    app = make_app(database_url, WTF_CSRF_ENABLED=True)  # the browser sends real tokens
    server = LiveServer(app)
    yield server
    server.stop()
    app.extensions["db_engine"].dispose()


@pytest.fixture
def new_page(browser):
    contexts = []

    def open_page(locale: str = "en-GB"):
        context = browser.new_context(locale=locale)
        context.set_default_timeout(TIMEOUT_MS)  # actions and navigations
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def phone(browser):
    """`phone("ar")`: a new page on a 360×740 touch screen reading Arabic (or "en"); see tests/browser/checks.py."""
    contexts = []

    def open_page(language: str = "en"):
        context = phone_context(browser, language)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
