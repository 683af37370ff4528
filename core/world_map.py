"""The world's country outlines (TopoJSON) for the map a survey page draws beside its coordinate fields.

The file belongs to the dashboard (dashboards/data/world_110m.json); app.py hands its path in, since core knows no
domain package. It is public geography, no one's data, so it is served to anyone (respondents follow a link and
need not sign in) under an address carrying its fingerprint, cached for a year. Templates read the address from
``world_map_url()``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Response, abort, url_for

from core.accounts.access import public

ONE_YEAR = 31_536_000


def init_app(app: Flask, geometry: Path) -> None:
    # Kept in memory (191 KB): sent whole, it is compressed like any JSON answer (a streamed file would not be).
    content = geometry.read_bytes()
    version = hashlib.sha256(content).hexdigest()[:12]

    @public
    def world_map(fingerprint: str) -> Response:
        if fingerprint != version:
            abort(404)  # an old address: the page that asked for it is older than the file
        response = Response(content, mimetype="application/json")
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.public = True
        response.cache_control.immutable = True
        return response

    app.add_url_rule("/map/<fingerprint>/world.json", "world_map", world_map)
    app.jinja_env.globals["world_map_url"] = lambda: url_for("world_map", fingerprint=version)
