"""The database is unreachable, locked or full: a 503 that says to try again, never a bare 500.

`init_app` registers one error handler for the errors an outage raises (SQLAlchemy wraps
psycopg's and sqlite3's): a connection refused or dropped by a PostgreSQL restart, a disk that is
full, SQLite's "database is locked" after its busy timeout, a pool with no free connection. The
request's session is closed (a later `get_session()` starts afresh), and the reply is the error
page in the reader's language with `Retry-After`, or JSON for the JSON endpoints (Dash callbacks,
`/jobs/<id>.json`). A form posted to one of the `keep_forms` blueprints (the survey pages) comes
back with what was typed in hidden fields and a button that sends it again, so nothing typed is
lost while nothing can be stored.

Other SQLite "operational" errors (a missing table, a syntax error) are bugs, not outages: they
stay 500s.
"""

from __future__ import annotations

import sqlite3

from flask import Flask, current_app, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import exc

RETRY_AFTER_SECONDS = 30

OUTAGE_ERRORS = (exc.OperationalError, exc.InterfaceError, exc.DisconnectionError, exc.TimeoutError)

# SQLite reports every failure as sqlite3.OperationalError; these messages are the outages.
SQLITE_OUTAGES = (
    "database is locked",
    "database table is locked",
    "disk i/o error",
    "database or disk is full",
    "unable to open database file",
    "attempt to write a readonly database",
)


def is_outage(error: BaseException) -> bool:
    """Whether a database error means "unavailable for now" rather than a bug."""
    if not isinstance(error, OUTAGE_ERRORS):
        return False
    original = getattr(error, "orig", None)
    if isinstance(original, sqlite3.Error):
        message = str(original).lower()
        return any(marker in message for marker in SQLITE_OUTAGES)
    return True


def init_app(app: Flask, *, keep_forms: tuple[str, ...] = ()) -> None:
    """Answer outages with 503s; forms posted to the `keep_forms` blueprints come back to resend."""
    app.extensions["outage_keep_forms"] = frozenset(keep_forms)
    for error_class in OUTAGE_ERRORS:
        app.register_error_handler(error_class, _handle)


def _handle(error: Exception):
    if not is_outage(error):
        raise error  # a bug: Flask logs it and answers 500 as for any other
    current_app.logger.error("database unavailable (503): %s", error, exc_info=error)
    _settle_user()
    _release_session()
    if _wants_json():
        body = jsonify(
            error="database_unavailable",
            message=_("The database cannot be reached at the moment. Please try again in a minute."),
        )
        return _unavailable(body)
    return _unavailable(_page())


def _settle_user() -> None:
    """The page and the locale need the signed-in user: if loading it fails too, show it as to a visitor."""
    try:
        current_user.is_authenticated  # noqa: B018 - loads the user now, if the request has not yet
    except exc.SQLAlchemyError:
        current_app.login_manager._update_request_context_with_user()


def _release_session() -> None:
    session = g.pop("db_session", None)
    if session is None:
        return
    try:
        session.close()  # rolls back; the connection goes back to the pool (pre-ping checks it later)
    except exc.SQLAlchemyError as error:
        current_app.logger.warning("closing the session after an outage failed: %s", error)


def _wants_json() -> bool:
    path = request.path
    return path.endswith(".json") or "/_dash-" in path or request.is_json


def _page() -> str:
    resend = None
    if request.method == "POST" and request.blueprint in current_app.extensions["outage_keep_forms"]:
        resend = list(request.form.items(multi=True))
    return render_template("error.html", status=503, resend=resend)


def _unavailable(body):
    response = current_app.make_response((body, 503))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response
