"""Absolute addresses for messages, built from BASE_URL.

Mail is composed in requests and on the command line alike, and must always link to the public
site, never to whatever host a request came in on; so the path comes from the URL map, not
from `url_for(_external=True)`.
"""

from __future__ import annotations

from flask import current_app


def absolute_url(endpoint: str, **values) -> str:
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"].rstrip("/") + path
