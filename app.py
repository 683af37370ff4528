"""The composition root: `create_app` builds the platform; `app` serves `flask --app app`."""

from __future__ import annotations

import importlib
from pathlib import Path

from flask import Flask, render_template
from flask_babel import format_date, format_datetime, format_decimal
from werkzeug.middleware.proxy_fix import ProxyFix

from core import db, i18n, ratelimit, security
from core.accounts import access
from core.config import load_config
from core.extensions import babel, cache, csrf, login_manager
from stakeholders import focal_points

ROOT = Path(__file__).resolve().parent

# Every module that defines tables, so Alembic and the tests see the whole schema.
MODEL_MODULES = (
    "core.reference.models",
    "core.accounts.models",
    "core.audit",
    "core.mail",
    "core.imports.models",
    "stakeholders.models",
    "surveys.models",
    "engagement.models",
    "exports.models",
)

# Modules that register hooks on a lower layer (surveys unlink responses when the registry erases
# or merges a stakeholder); loaded with the models, so scripts and tests get them too.
HOOK_MODULES = ("surveys.erasure",)

# Modules that add demo data to `flask seed-demo` (core.demo.register_seeder).
DEMO_MODULES = ("stakeholders.demo", "surveys.demo", "engagement.demo")

BLUEPRINTS = (
    "core.pages.views",
    "core.accounts.views",
    "core.staff.views",
    "stakeholders.views.profile",
    "stakeholders.views.public",
    "stakeholders.views.admin",
    "stakeholders.views.importing",
    "stakeholders.views.focal",
    "stakeholders.views.participation",
    "surveys.views.admin",
    "surveys.views.unsubscribe",
    "surveys.views.respond",
    "engagement.views.records",
    "engagement.views.importing",
    "engagement.views.public",
    "exports.views",
)


def load_models() -> None:
    for name in MODEL_MODULES + HOOK_MODULES:
        importlib.import_module(name)


def load_demo_seeders() -> None:
    for name in DEMO_MODULES:
        importlib.import_module(name)


def create_app(config: dict | None = None) -> Flask:
    """Build the app. `config` overrides values read from the environment (tests use it)."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder="core/templates",
        static_folder="core/static",
    )
    app.config.update(load_config(Path(app.instance_path)))
    app.config.update(config or {})
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "translations")
    if app.config["TRUSTED_PROXIES"]:
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    load_models()
    load_demo_seeders()
    db.init_app(app)
    ratelimit.init_app(app)
    cache.init_app(app)
    access.init_app(app)
    access.set_focal_point_check(app, focal_points.may_see_roster)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    _init_login(app)
    security.init_app(app)

    for name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(name).bp)
    from stakeholders.views import labels

    labels.init_app(app)

    import dashboards

    dashboards.init_app(app)

    app.jinja_env.globals.update(i18n.template_globals())
    app.jinja_env.filters.update(datetime=format_datetime, date=format_date, number=format_decimal)
    _register_error_pages(app)

    from core.cli import register_commands
    from reports.cli import report
    from stakeholders.cli import send_digests
    from surveys.cli import surveys_group
    from surveys.cli_mailing import send_invitations, send_reminders

    surveys_group.add_command(send_reminders)
    surveys_group.add_command(send_invitations)
    from exports.cli import export_anonymised

    register_commands(app, extra=(send_digests, surveys_group, report, export_anonymised))
    return app


def _init_login(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from core.accounts.services import load_user_for_session

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(lambda session_id: load_user_for_session(db.get_session(), session_id))


def _register_error_pages(app: Flask) -> None:
    for status in (400, 403, 404, 405, 429, 500):
        app.register_error_handler(
            status, lambda error, status=status: (render_template("error.html", status=status, error=error), status)
        )
    from flask_wtf.csrf import CSRFError

    app.register_error_handler(
        CSRFError, lambda error: (render_template("error.html", status=400, error=error, csrf=True), 400)
    )


_default_app: Flask | None = None


def __getattr__(name: str):
    """`app`, built from the environment on first use (`flask --app app`, `gunicorn app:app`).

    Built lazily so that importing this module, as Alembic and the tests do, has no side effects.
    """
    global _default_app
    if name == "app":
        if _default_app is None:
            _default_app = create_app()
        return _default_app
    raise AttributeError(name)
