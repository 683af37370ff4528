"""The plenary report of the dashboard's current view, built in a background job.

The report button queues a job and opens its page, which shows the progress and, once done, the HTML
file: to its owner and the secretariat only (core/jobs). The worker builds the same view the button's
page showed, from the URL's filters, confined to the owner's scope as it stands when the job runs: a
focal point whose assignment has ended by then gets no report. The renderer (`report(data, lang)`) is
the one `mount.init_app` is given.
"""

from __future__ import annotations

from collections.abc import Callable

from dash import Input, Output, State, no_update
from flask import Flask, current_app, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.accounts import services as accounts
from core.db import get_session
from core.jobs import kinds
from core.jobs import service as jobs
from core.jobs.context import JobContext
from core.jobs.queue import current_queue
from dashboards import downloads
from dashboards.callbacks import view_in
from dashboards.scope import scope_of

REPORT_KIND = "dashboards.plenary_report"
HTML_MIMETYPE = "text/html"
RENDERER = "dashboard_report"


def init_app(app: Flask, dash_app, *, report: Callable) -> None:
    """Keep the renderer for the workers and wire the report button to queue the job."""
    app.extensions[RENDERER] = report
    dash_app.callback(
        Output("goto", "href"),
        Input("download-report", "n_clicks"),
        State("url", "search"),
        prevent_initial_call=True,
    )(request_report)


def request_report(clicks, search):
    """The report button: queue the report of the URL's view and go to the job's page."""
    if not clicks:
        return no_update
    job = jobs.enqueue(
        get_session(),
        kind=REPORT_KIND,
        owner_id=current_user.id,
        params={"search": search or ""},
        locale=_lang(),
        queue=current_queue(),
        ip=request.remote_addr,
    )
    return url_for("jobs.show", job_id=job.id)


def _lang() -> str:
    return str(get_locale() or "en")


def run_report(context: JobContext) -> dict:
    session = context.session
    owner = accounts.get_user(session, context.owner_id)
    scope = scope_of(session, owner) if owner is not None and owner.is_active else None
    if scope is None:
        raise kinds.JobFailed(_("You may no longer see the dashboard."))
    context.progress(0, 2)
    view = view_in(session, scope, context.params.get("search"), context.locale)
    if view is None:
        raise kinds.JobFailed(_("No survey wave has been published yet."))
    context.progress(1, 2)
    filename, page = downloads.report_file(view, current_app.extensions[RENDERER])
    session.rollback()  # the report only read
    return context.save_result(filename, page.encode("utf-8"), HTML_MIMETYPE)


kinds.register(REPORT_KIND, title=_l("Stakeholder engagement: report to the Plenary"), run=run_report)
