"""The map's geometry (`data/world_110m.json`, countries as TopoJSON, 191 KB), served by the app under a
fingerprinted address so that the browser fetches it once and keeps it.

plotly.js asks for `<topojsonURL><scope>_<resolution>.json`; the address carries the first 12 hex digits of
the files' SHA-256, so a changed file gets a new address and the old one can be cached for a year.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Response, abort, send_from_directory

FOLDER = Path(__file__).parent / "data"
NAMES = ("world_110m",)  # what plotly.js may ask for
ONE_YEAR = 31_536_000


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for name in NAMES:
        digest.update(name.encode() + b"\0" + (FOLDER / f"{name}.json").read_bytes())
    return digest.hexdigest()[:12]


VERSION = _fingerprint()
URL = f"/dashboard/geometry/{VERSION}/"  # plotly's `topojsonURL`


def _geometry(version: str, name: str) -> Response:
    if version != VERSION or name not in NAMES:
        abort(404)
    response = send_from_directory(FOLDER, f"{name}.json", mimetype="application/json")
    # Private: it is served behind the dashboard's sign-in, like every address under /dashboard/.
    response.headers["Cache-Control"] = f"private, max-age={ONE_YEAR}, immutable"
    return response


def init_app(app: Flask) -> None:
    app.add_url_rule(URL.replace(VERSION, "<version>") + "<name>.json", "dashboard_geometry", _geometry)
