"""Compressed responses (flask-compress) and fingerprinted static files with long cache lifetimes.

Text responses (HTML, CSS, JavaScript, JSON, SVG) are compressed with brotli or gzip, whichever the browser
accepts (pages and JSON; static files are sent from disk uncompressed); downloads that are already compressed (zip, xlsx, parquet) and binary types are left as they are because
only the listed text types are compressed. Templates link static files through ``static_url(filename)``, which adds
``?v=`` and the first 12 hex digits of the file's SHA-256; a versioned request is answered with a year-long,
immutable cache lifetime, so a changed file gets a new address. Unversioned requests keep Flask's ``no-cache``.
"""

import hashlib
from pathlib import Path

from flask import Flask, Response, request, url_for
from flask_compress import Compress

ONE_YEAR = 31_536_000
_TEXT_TYPES = [
    "text/html",
    "text/css",
    "text/plain",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "image/svg+xml",
]

compress = Compress()


def init_app(app: Flask) -> None:
    app.config.setdefault("COMPRESS_MIMETYPES", _TEXT_TYPES)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    # Streamed responses (static files sent from disk) stay as they are: flask-compress reads the file but
    # never closes it. Static files are small and cached for a year under their fingerprinted address.
    app.config.setdefault("COMPRESS_STREAMS", False)
    compress.init_app(app)
    fingerprints: dict[str, str] = {}

    def static_url(filename: str) -> str:
        """The address of a static file with its content fingerprint, computed once per file."""
        if filename not in fingerprints:
            fingerprints[filename] = _fingerprint(Path(app.static_folder or "") / filename)
        return url_for("static", filename=filename, v=fingerprints[filename])

    app.jinja_env.globals["static_url"] = static_url
    app.after_request(_cache_versioned_static)


def _fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _cache_versioned_static(response: Response) -> Response:
    if request.endpoint == "static" and request.args.get("v") and response.status_code in (200, 304):
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.immutable = True
    return response
