"""Absolute addresses for messages, built from BASE_URL.

Mail is composed in requests and on the command line alike, and must always link to the public
site, never to whatever host a request came in on; so the path comes from the URL map, not
from `url_for(_external=True)`. In development, `init_app` warns when BASE_URL is not the address
being served.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, g, request


def absolute_url(endpoint: str, **values) -> str:
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"].rstrip("/") + path


LOOPBACK = {"localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0"}
DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return parts.scheme, "loopback" if host in LOOPBACK else host, parts.port or DEFAULT_PORTS.get(parts.scheme)


def base_url_differs(base_url: str, served: str) -> bool:
    """Whether links built from `base_url` would not reach the site served at `served` (scheme, host
    and port; the loopback names count as one)."""
    return _origin(base_url) != _origin(served)


def init_app(app: Flask) -> None:
    """In development, warn when BASE_URL is not the address being served: emailed links would point
    elsewhere. Logged once per address, and shown to staff on every page (`base_url_warning`)."""
    if app.config["APP_ENV"] != "development":
        return
    warned: set[str] = set()

    @app.before_request
    def _check_base_url() -> None:
        served = request.host_url.rstrip("/")
        if base_url_differs(app.config["BASE_URL"], served):
            g.base_url_warning = {"base": app.config["BASE_URL"], "served": served}
            if served not in warned:
                warned.add(served)
                app.logger.warning(
                    "BASE_URL is %s but the app is served at %s: links in emails point to BASE_URL. Set BASE_URL=%s.",
                    app.config["BASE_URL"],
                    served,
                    served,
                )
