"""The composition root: `create_app` builds the platform; `app` serves `flask --app app`.

Everything the platform is made of is imported here by name: the model modules (so Alembic and
the tests see the whole schema), the blueprints, the CLI commands and the hooks a lower layer
calls into a higher one. Only the demo seeders wait until `flask seed-demo` runs (seed_demo.py).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, render_template
from flask_babel import format_date, format_datetime, format_decimal
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy import MetaData
from sqlmodel import SQLModel
from werkzeug.middleware.proxy_fix import ProxyFix

from api import views as api_views
from core import audit, cli, compression, db, i18n, input_limits, links, mail, outage, ratelimit, security, world_map
from core.accounts import access
from core.accounts import models as account_models
from core.accounts import views as account_views
from core.accounts.models import Role
from core.accounts.services import load_user_for_session
from core.config import load_config
from core.extensions import babel, cache, csrf, login_manager
from core.imports import models as import_models
from core.jobs import models as job_models
from core.jobs import views as job_views
from core.localized import localized_html
from core.pages import views as page_views
from core.reference import models as reference_models
from core.staff import tasks as staff_tasks
from core.staff import views as staff_views
from dashboards import geometry as dashboard_geometry
from dashboards import mount as dashboard_mount
from engagement import models as engagement_models
from engagement.views import importing as engagement_import_views
from engagement.views import public as engagement_public_views
from engagement.views import records as engagement_record_views
from exports import models as export_models
from exports import views as export_views
from exports.cli import export_anonymised
from reports.cli import report
from reports.render import plenary_report
from stakeholders import focal_points
from stakeholders import models as stakeholder_models
from stakeholders.cli import send_digests
from stakeholders.views import admin as registry_admin_views
from stakeholders.views import focal as focal_views
from stakeholders.views import importing as registry_import_views
from stakeholders.views import labels as registry_labels
from stakeholders.views import participation as participation_views
from stakeholders.views import profile as profile_views
from stakeholders.views import public as registry_public_views
from surveys import concordance_models, erasure, mine
from surveys import models as survey_models
from surveys.cli import surveys_group
from surveys.cli_mailing import send_invitations, send_reminders
from surveys.cli_response_import import import_responses
from surveys.views import admin as survey_admin_views
from surveys.views import history as survey_history_views
from surveys.views import mine as my_survey_views
from surveys.views import respond as survey_respond_views
from surveys.views import response_import as survey_response_import_views
from surveys.views import translation as survey_translation_views
from surveys.views import unsubscribe as survey_unsubscribe_views

ROOT = Path(__file__).resolve().parent

# Every module that defines tables, so Alembic and the tests see the whole schema.
MODEL_MODULES = (
    reference_models,
    account_models,
    audit,
    mail,
    job_models,
    import_models,
    stakeholder_models,
    survey_models,
    concordance_models,
    engagement_models,
    export_models,
)

BLUEPRINT_MODULES = (
    page_views,
    account_views,
    staff_views,
    job_views,
    profile_views,
    registry_public_views,
    registry_admin_views,
    registry_import_views,
    focal_views,
    participation_views,
    survey_admin_views,
    survey_history_views,
    survey_response_import_views,
    survey_translation_views,
    survey_unsubscribe_views,
    survey_respond_views,
    my_survey_views,
    engagement_record_views,
    engagement_import_views,
    engagement_public_views,
    export_views,
    api_views,
)


# What each domain counts for the staff landing page ("what needs doing"), in the order shown.
STAFF_TASKS = (
    registry_admin_views.staff_tasks,
    registry_import_views.staff_tasks,
    survey_admin_views.staff_tasks,
    engagement_record_views.staff_tasks,
    engagement_import_views.staff_tasks,
)


def load_models() -> MetaData:
    """The whole schema (every model module is imported above), with the hooks between layers.

    Scripts that work on the database without an app (Alembic, the benchmarks) call this.
    """
    register_hooks()
    return SQLModel.metadata


def register_hooks() -> None:
    """Hooks a lower layer calls into a higher one: surveys unlink a stakeholder's responses when
    the registry erases or merges them, and add their invitations and responses to the data a
    stakeholder downloads and to their participation history."""
    erasure.register_hooks()
    mine.register_hooks()


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

    register_hooks()
    input_limits.init_app(app)
    links.init_app(app)
    compression.init_app(app)
    db.init_app(app)
    ratelimit.init_app(app)
    cache.init_app(app)
    access.init_app(app)
    access.set_focal_point_check(app, focal_points.may_see_roster)
    access.set_home_page(app, Role.STAKEHOLDER, "my_surveys.home")
    access.set_home_page(app, Role.SECRETARIAT, "staff.home")
    access.set_home_page(app, Role.ADMIN, "staff.home")
    for domain_tasks in STAFF_TASKS:
        staff_tasks.register(app, domain_tasks)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    _init_login(app)
    security.init_app(app)

    for module in BLUEPRINT_MODULES:
        app.register_blueprint(module.bp)
    registry_labels.init_app(app)
    dashboard_mount.init_app(app, report=plenary_report)
    world_map.init_app(app, dashboard_geometry.FOLDER / "world_110m.json")

    app.jinja_env.globals.update(i18n.template_globals())
    app.jinja_env.filters.update(
        datetime=format_datetime, date=format_date, number=format_decimal, localized=localized_html
    )
    _register_error_pages(app)
    # A database outage is a 503; a survey page posted during one comes back with its answers.
    outage.init_app(app, keep_forms=(survey_respond_views.bp.name,))
    _register_commands(app)
    return app


def _init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(lambda session_id: load_user_for_session(db.get_session(), session_id))


def _register_error_pages(app: Flask) -> None:
    for status in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(
            status, lambda error, status=status: (render_template("error.html", status=status, error=error), status)
        )
    app.register_error_handler(
        CSRFError, lambda error: (render_template("error.html", status=400, error=error, csrf=True), 400)
    )


def _register_commands(app: Flask) -> None:
    surveys_group.add_command(send_reminders)
    surveys_group.add_command(send_invitations)
    surveys_group.add_command(import_responses)
    for command in (
        *cli.PLATFORM_COMMANDS,
        cli.seed_demo_command(_demo_seeders),
        send_digests,
        surveys_group,
        report,
        export_anonymised,
    ):
        app.cli.add_command(command)


def _demo_seeders():
    """The domain packages' demo data, in the order `flask seed-demo` adds it."""
    import seed_demo  # noqa: PLC0415 - only when `flask seed-demo` runs: a serving app never loads demo code

    return seed_demo.SEEDERS


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
