"""The Dash app inside the Flask app: one process, one login, one session.

Every route Dash adds under `/dashboard/` (the page, its layout, callbacks, dependencies, component
suites and assets) is wrapped in the same check (`_protect`), so no part of the dashboard can be
fetched by someone who may not see it. Callbacks keep CSRF protection: the page sets the token in
a cookie that Dash's renderer sends back in the `X-CSRFToken` header Flask-WTF checks. The page's
own inline scripts are allowed by their hashes only (`Dash.csp_hashes`). The page opens with the site's own
header (`core/templates/site_header.html`, as on every server page), drawn by the server before Dash's app.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path

from babel import Locale
from dash import Dash
from dash.exceptions import DependencyException
from flask import Flask, Response, abort, current_app, g, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

from core.db import get_session
from core.extensions import login_manager
from core.security import CONTENT_SECURITY_POLICY
from dashboards import callbacks, data, geometry, layout, report_job
from dashboards.scope import scope_of

BASE = "/dashboard/"
CSRF_COOKIE = "_csrf_token"
ASSETS = Path(__file__).parent / "assets"


class Dashboard(Dash):
    def _localised(self, page: str) -> str:
        locale = str(get_locale() or "en")
        direction = Locale.parse(locale).text_direction
        title = escape(_("Engagement indicators"))
        page = page.replace("<html>", f'<html lang="{locale}" dir="{direction}">', 1)
        return page.replace(f"<title>{self.title}</title>", f"<title>{title}</title>", 1)

    def interpolate_index(self, **kwargs):
        # The site's own header (home, menus, language switcher, sign-out), as every server page has it, drawn
        # by the server before the dashboard's app; the skip link comes first, as on the server pages.
        skip = f'<a class="skip-link" href="#page">{escape(_("Skip to the figures"))}</a>'
        kwargs["app_entry"] = skip + render_template("site_header.html") + kwargs["app_entry"]
        return self._localised(super().interpolate_index(**kwargs))


def _protect(view):
    @wraps(view)
    def guarded(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        scope = scope_of(get_session(), current_user)
        if scope is None:
            abort(403)
        g.dashboard_scope = scope
        try:
            return view(*args, **kwargs)
        except DependencyException:
            abort(404)  # an unknown component suite or file: not found, not a server error

    return guarded


def dashboard_endpoints(app: Flask) -> list[str]:
    return sorted({rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith(BASE)})


def _headers(dash_app: Dash):
    hashes = " ".join(dash_app.csp_hashes())  # already quoted
    policy = (
        CONTENT_SECURITY_POLICY.replace("script-src 'self'", f"script-src 'self' {hashes}")
        .replace(
            # Dash components and plotly.js set styles at run time; scripts stay locked down.
            "style-src 'self'",
            "style-src 'self' 'unsafe-inline'",
        )
        .replace(
            # plotly.js draws map layers and chart downloads through blob: images.
            "img-src 'self' data:",
            "img-src 'self' data: blob:",
        )
    )

    def after(response: Response) -> Response:
        if not request.path.startswith(BASE):
            return response
        response.headers["Content-Security-Policy"] = policy
        response.headers.setdefault("Cache-Control", "private, no-store")
        if request.method == "GET" and response.mimetype == "text/html":
            response.set_cookie(
                CSRF_COOKIE,
                generate_csrf(),
                path=BASE,
                samesite="Lax",
                httponly=False,
                secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
            )
        return response

    return after


def init_app(app: Flask, *, report: Callable) -> Dash:
    """Mount the dashboard on `app`. `report(data, lang) -> str` renders the plenary report of a
    view's frames (`reports.render.plenary_report`, passed in by the composition root: the
    dashboard knows the presentation model, not the report)."""
    dash_app = Dashboard(
        "dashboards",
        server=app,
        url_base_pathname=BASE,
        assets_folder=str(ASSETS),
        serve_locally=True,
        title="IPBES",
        update_title=None,
        suppress_callback_exceptions=True,
        compress=False,
        csrf_token_name=CSRF_COOKIE,
    )
    dash_app.layout = layout.shell
    callbacks.register(dash_app)
    report_job.init_app(app, dash_app, report=report)
    geometry.init_app(app)  # before the loop: the geometry is behind the same sign-in
    for endpoint in dashboard_endpoints(app):
        app.view_functions[endpoint] = _protect(app.view_functions[endpoint])
    data.init_app(app)
    app.after_request(_headers(dash_app))
    app.extensions["dashboard"] = dash_app
    return dash_app
