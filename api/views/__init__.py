"""The API's views, on one blueprint: importing this package registers every route."""

from __future__ import annotations

from flask import Flask
from werkzeug.exceptions import HTTPException

from api import http
from api.blueprint import bp
from api.views import docs, people, surveys
from core.extensions import csrf

__all__ = ["bp", "docs", "people", "surveys"]


def _set_up(app: Flask) -> None:
    # The API authenticates with a token in a header, never a cookie: no CSRF token to check.
    csrf.exempt(bp)
    # flask-openapi3 asks the app how to answer parameters that do not fit their models.
    app.validation_error_callback = http.validation_error


bp.record_once(lambda state: _set_up(state.app))
bp.before_request(http.refuse_control_characters)
bp.before_request(http.authenticate)
bp.after_request(http.conditional)
bp.register_error_handler(http.ApiError, http.handle_api_error)
bp.register_error_handler(HTTPException, http.handle_http_error)
