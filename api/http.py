"""The API's HTTP conventions, shared by every endpoint: JSON errors with stable codes, token
authentication and rate limits, content negotiation (JSON, or CSV for tables), pagination links
and ETags.

An error always reads `{"error": {"code": "...", "message": "..."}}`: the code is stable (a client
branches on it), the message is in the request's language (Accept-Language).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import urlencode

from flask import Response, current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from core.accounts import api_tokens
from core.accounts.access import PUBLIC_ATTRIBUTE
from core.db import get_session, stream_with_session
from core.ratelimit import get_throttle
from core.tabular import CSV_MIMETYPE, neutralise, to_csv
from core.text import CONTROL_CHARACTERS

SCOPE_ATTRIBUTE = "api_scope"  # on a view: the token scope it needs (none: open data, no token)
JSON = "application/json"
CSV = "text/csv"

DEFAULT_TOKEN_LIMIT = "600/hour;60/minute"
DEFAULT_ANONYMOUS_LIMIT = "300/hour;30/minute"

MESSAGES = {
    "invalid_request": _l("The request's parameters are not valid."),
    "missing_token": _l("This endpoint needs a personal access token: send it as 'Authorization: Bearer <token>'."),
    "invalid_token": _l("The token is not valid."),
    "expired_token": _l("The token has expired."),
    "revoked_token": _l("The token has been revoked."),
    "insufficient_scope": _l("The token's scopes do not include what this endpoint reads."),
    "forbidden": _l("Your account may not read this."),
    "not_found": _l("There is nothing at this address."),
    "method_not_allowed": _l("This address does not answer this method."),
    "not_acceptable": _l("This endpoint answers only in JSON or, for tables, CSV."),
    "rate_limited": _l("Too many requests. Try again in %(seconds)s seconds."),
    "release_refused": _l("The release cannot be made as asked."),
    "server_error": _l("Something went wrong on our side."),
}
STATUS_CODES = {400: "invalid_request", 401: "invalid_token", 403: "forbidden", 404: "not_found"}
STATUS_CODES |= {405: "method_not_allowed", 406: "not_acceptable", 429: "rate_limited", 500: "server_error"}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str | None = None, headers: dict | None = None, **extra):
        super().__init__(code)
        self.status, self.code, self.message, self.headers, self.extra = status, code, message, headers or {}, extra


def error_response(status: int, code: str, message: str | None = None, headers: dict | None = None, **extra):
    body = {"code": code, "message": message or str(MESSAGES.get(code, code))} | extra
    response = jsonify({"error": body})
    response.status_code = status
    response.headers.update(headers or {})
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def handle_api_error(error: ApiError):
    return error_response(error.status, error.code, error.message, error.headers, **error.extra)


def handle_http_error(error: HTTPException):
    if error.response is not None:  # a response made already (flask-openapi3's validation errors)
        return error.response
    status = error.code or 500
    return error_response(status, STATUS_CODES.get(status, "server_error" if status >= 500 else "invalid_request"))


def validation_error(error) -> Response:
    """flask-openapi3 calls this with pydantic's ValidationError for parameters that do not fit."""
    fields = [{"field": ".".join(map(str, item["loc"])), "type": item["type"]} for item in error.errors()]
    return error_response(400, "invalid_request", fields=fields)


# --- views: what they need ---------------------------------------------------------------------


def needs(scope: str | None):
    """Marks a view with the token scope it needs (None: open data). Every API view is public to the
    site's sign-in policy (it has its own: the token), so it is marked public too."""

    def mark(view: Callable) -> Callable:
        setattr(view, SCOPE_ATTRIBUTE, scope)
        setattr(view, PUBLIC_ATTRIBUTE, True)
        return view

    return mark


def _limit(name: str, default: str) -> str:
    return current_app.config.get(name) or default


def _hit(limits: str, *key: str) -> None:
    throttle = get_throttle()
    for limit in limits.split(";"):
        if not throttle.hit(limit, *key):
            seconds = max(1, throttle.retry_after(limit, *key))
            raise ApiError(
                429,
                "rate_limited",
                _("Too many requests. Try again in %(seconds)s seconds.", seconds=seconds),
                {"Retry-After": str(seconds)},
            )


def refuse_control_characters() -> None:
    """Before every API request: a parameter with a control character (NUL, say) is refused with 400.
    Such characters have no meaning in a parameter, and PostgreSQL refuses NUL in text."""
    values = [*request.args.keys(), *request.args.values(), *(str(v) for v in (request.view_args or {}).values())]
    if any(CONTROL_CHARACTERS.search(value) for value in values):
        raise ApiError(400, "invalid_request")


def authenticate() -> None:
    """Before every API request: the token the view needs (checked, audit-logged, rate-limited), or a
    rate limit per client address for open data. Sets `g.api_user` (None for open data)."""
    view = current_app.view_functions.get(request.endpoint or "")
    g.api_user = g.api_token = None
    if view is None or getattr(view, SCOPE_ATTRIBUTE, None) is None:
        _hit(_limit("API_ANONYMOUS_RATE_LIMIT", DEFAULT_ANONYMOUS_LIMIT), "api-ip", request.remote_addr or "-")
        return
    scheme, _sep, presented = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        raise ApiError(401, "missing_token")
    result = api_tokens.record_use(
        session=get_session(),
        presented=presented.strip(),
        scope=getattr(view, SCOPE_ATTRIBUTE),
        method=request.method,
        path=request.full_path.rstrip("?"),
        ip=request.remote_addr,
    )
    if result.code:
        raise ApiError(403 if result.code == "insufficient_scope" else 401, result.code)
    _hit(_limit("API_RATE_LIMIT", DEFAULT_TOKEN_LIMIT), "api-token", str(result.token.id))
    g.api_user, g.api_token = result.user, result.token


def forbid_unless(allowed: bool) -> None:
    if not allowed:
        raise ApiError(403, "forbidden")


def not_found() -> ApiError:
    return ApiError(404, "not_found")


# --- representations ---------------------------------------------------------------------------


def representation(*offered: str) -> str:
    """JSON or CSV, from `?format=` or the Accept header; 406 when the client accepts none offered."""
    asked = request.args.get("format")
    if asked:
        chosen = {"json": JSON, "csv": CSV}.get(asked)
        if chosen not in offered:
            raise ApiError(406, "not_acceptable")
        return chosen
    if not request.accept_mimetypes:
        return offered[0]
    best = request.accept_mimetypes.best_match(offered)
    if best is None:
        raise ApiError(406, "not_acceptable")
    return best


def csv_response(header: Sequence, rows: Iterable[Sequence], filename: str) -> Response:
    """A table as CSV (UTF-8 with a byte order mark, for spreadsheets; formulas neutralised)."""
    response = Response(to_csv([str(cell) for cell in header], rows), mimetype=CSV_MIMETYPE)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}.csv"'
    return response


def csv_stream(header: Sequence, rows: Iterable[Sequence], filename: str, batch: int = 500) -> Response:
    """A long table as CSV, written `batch` rows at a time as `rows` yields them (constant memory): the
    same bytes `csv_response` would send. No ETag (the body is not known before it is sent)."""

    def chunks():
        yield to_csv([str(cell) for cell in header], [])
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for number, row in enumerate(rows, start=1):
            writer.writerow(["" if value is None else neutralise(value) for value in row])
            if number % batch == 0:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode("utf-8")

    response = Response(stream_with_session(chunks()), mimetype=CSV_MIMETYPE)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


def page_links(page: int, per_page: int, total: int) -> dict[str, str]:
    """self, first, last, and prev/next where they exist: the request's URL with another `page`."""
    last = max(1, -(-total // per_page))
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "page"]

    def url(number: int) -> str:
        return f"{request.base_url}?{urlencode([*args, ('page', number)])}"

    links = {"self": url(page), "first": url(1), "last": url(last)}
    if page > 1:
        links["prev"] = url(min(page - 1, last))
    if page < last:
        links["next"] = url(page + 1)
    return links


def paginated(items: list, *, page: int, per_page: int, total: int) -> Response:
    """A page of items as JSON, with its links in the body and in a Link header (RFC 8288)."""
    links = page_links(page, per_page, total)
    response = jsonify({"items": items, "page": page, "per_page": per_page, "total": total, "links": links})
    response.headers["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items() if rel != "self")
    return response


# Flask-Compress marks the ETag of a compressed body ("abc" -> "abc:gzip"): a client sends that back.
COMPRESSED = ("gzip", "br", "deflate", "zstd")


def conditional(response: Response) -> Response:
    """After every API response: an ETag on a successful read, and 304 when the client has it already."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if response.is_streamed or response.direct_passthrough:
        return response
    response.add_etag()
    response.headers.setdefault("Cache-Control", "private, no-cache")
    response.vary.add("Authorization")
    response.vary.add("Accept")
    etag, _weak = response.get_etag()
    sent = request.if_none_match
    if any(sent.contains_weak(tag) for tag in (etag, *(f"{etag}:{name}" for name in COMPRESSED))):
        unchanged = Response(status=304)
        for name in ("ETag", "Cache-Control", "Vary"):
            unchanged.headers[name] = response.headers[name]
        return unchanged
    return response
