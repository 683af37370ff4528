"""The OpenAPI 3.1 document and the reference page (Swagger UI, its files served by the app: no CDN)."""

from __future__ import annotations

from pathlib import Path

import flask_openapi3_swagger
from flask import current_app, jsonify, render_template, request, send_from_directory, url_for
from werkzeug.exceptions import MethodNotAllowed, NotFound

from api.blueprint import bp
from api.http import ApiError, needs
from api.openapi import document
from core.i18n import current_language

SWAGGER_FILES = Path(flask_openapi3_swagger.__file__).parent / "templates" / "swagger"
OWN_FILES = Path(__file__).resolve().parent.parent / "static"


@bp.get("/openapi.json", doc_ui=False)
@needs(None)
def openapi():
    """The API's OpenAPI 3.1 document, generated from the routes and their pydantic models."""
    return jsonify(document(current_app, bp))


@bp.get("/docs", doc_ui=False)
@needs(None)
def reference():
    """The API's reference page, drawn by Swagger UI from the OpenAPI document."""
    return render_template("api/reference.html", spec_url=url_for("api.openapi"), lang=current_language())


@needs(None)
def assets(filename: str):
    """Swagger UI's files, from the flask-openapi3-swagger wheel, and the page's own script."""
    folder = OWN_FILES if filename == "reference.js" else SWAGGER_FILES
    return send_from_directory(folder, filename, max_age=3600)


@needs(None)
def unknown(rest: str = ""):
    """Anything else under /api/v1/: a JSON 404, or 405 where the address answers other methods."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    for method in ("GET", "POST"):
        if method == request.method:
            continue
        try:
            endpoint, _args = adapter.match(method=method)
        except (NotFound, MethodNotAllowed):
            continue
        if endpoint != "api.unknown":
            raise ApiError(405, "method_not_allowed")
    raise ApiError(404, "not_found")


bp.add_url_rule("/docs/assets/<path:filename>", "assets", assets)
bp.add_url_rule("/<path:rest>", "unknown", unknown, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
bp.add_url_rule("/", "unknown", unknown, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
