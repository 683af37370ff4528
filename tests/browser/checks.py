"""Checks any browser test can make of the page it is on: accessibility (axe-core) and fit on a phone.

`assert_accessible(page)` runs axe-core (shipped inside axe-playwright-python: nothing is fetched) with the
WCAG 2.1 A and AA rules and fails with one readable line per violation and element. `assert_no_horizontal_overflow(page)`
fails when the page scrolls sideways, naming the elements that stick out. `phone_context(browser, language)` is a 360×740
touch screen with a phone's user agent, reading English ("en") or Arabic ("ar"); the `phone` fixture of
tests/browser/conftest.py opens pages in it.

Both checks read the page as it is when called: on a page that renders in the browser (the Dash dashboard), wait for
what it draws first (`expect(locator).to_be_visible()`), and pass `context="#some-part"` to check only one part.
"""

from __future__ import annotations

import os

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import TimeoutError as PlaywrightTimeout

# The one limit on every browser wait (see tests/browser/conftest.py); here so phone contexts use it too.
TIMEOUT_MS = int(os.environ.get("BROWSER_TIMEOUT_MS", "30000"))

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "screen": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/130.0.0.0 Mobile Safari/537.36"
    ),
}
LOCALES = {"en": "en-GB", "ar": "ar"}  # what the browser asks for (Accept-Language)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_axe = Axe()


def phone_context(browser, language: str = "en", **options):
    """A browser context for a 360×740 phone reading `language` (a key of LOCALES, or a locale)."""
    context = browser.new_context(locale=LOCALES.get(language, language), **{**PHONE, **options})
    context.set_default_timeout(TIMEOUT_MS)  # actions and navigations
    return context


# --- accessibility --------------------------------------------------------------------------------


def axe_violations(page, *, context: str | dict | None = None) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now (optionally within `context`)."""
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    return _axe.run(page, context=context, options=options).response["violations"]


def describe_violations(violations: list[dict], limit: int = 5) -> str:
    """One line per rule broken, then one per element (at most `limit` per rule)."""
    lines = []
    for violation in violations:
        nodes = violation["nodes"]
        lines.append(f"{violation['id']} ({violation['impact']}, {len(nodes)}×): {violation['help']}")
        for node in nodes[:limit]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {target}: {summary}"[:400])
        if len(nodes) > limit:
            lines.append(f"    … and {len(nodes) - limit} more")
    return "\n".join(lines)


def assert_accessible(page, *, context: str | dict | None = None) -> None:
    violations = axe_violations(page, context=context)
    assert not violations, f"axe-core (WCAG 2.1 A/AA) on {page.url}:\n{describe_violations(violations)}"


# --- fit ------------------------------------------------------------------------------------------

# The elements that stick out of the viewport and hold nothing that sticks out themselves, leaving out what sits
# inside a box of its own that scrolls or clips (a wide table in a scrolling region does not widen the page).
_STICKING_OUT = """
(width) => {
  const out = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 0 && (r.right > width + 0.5 || r.left < -0.5);
  };
  const contained = (el) => {
    if (["absolute", "fixed"].includes(getComputedStyle(el).position)) return false;  // may escape its box
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + [...el.classList].map((c) => "." + c).join("");
  const found = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (!out(el) || contained(el) || [...el.children].some(out)) continue;
    const r = el.getBoundingClientRect();
    const text = (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 60);
    const beyond = Math.max(r.right - width, -r.left);
    found.push([beyond, `${name(el)} from ${Math.round(r.left)} to ${Math.round(r.right)} px: "${text}"`]);
  }
  // The farthest first: one element widening the page pushes others out after it.
  found.sort((a, b) => b[0] - a[0]);
  return [`window ${window.innerWidth} px, visual viewport ${Math.round(window.visualViewport.width)} px`,
          ...found.slice(0, 12).map(([, line]) => line)];
}
"""


def page_width(page) -> int:
    """How wide the page is: the width one can scroll across, at least the viewport's."""
    return page.evaluate("document.documentElement.scrollWidth")


def assert_no_horizontal_overflow(page) -> None:
    """The page does not scroll sideways: it is no wider than the viewport once it has settled.

    A chart may be drawn once at plotly's default size before it fits its box (a map in a
    right-to-left page on a busy machine did), so the width is awaited as a condition; a page
    still too wide after the timeout fails with what sticks out."""
    width = page.viewport_size["width"]
    try:
        page.wait_for_function("(width) => document.documentElement.scrollWidth <= width", arg=width)
    except PlaywrightTimeout:
        pass
    measured = page_width(page)
    if measured > width:
        culprits = "\n".join(f"    {line}" for line in page.evaluate(_STICKING_OUT, width))
        raise AssertionError(f"{page.url} is {measured} px wide on a {width} px screen; sticking out:\n{culprits}")
