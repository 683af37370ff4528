"""The weekly digests as a background job: `flask send-digests` (from cron) records the job and runs it
(or hands it to the workers with `--queue`), so each run shows on the jobs page with its progress (people
considered of the total) and can be tried again there.

Each digest is recorded as sent in the commit that sends it (stakeholders.digests), over one mail
connection for the run, so a run that fails halfway and is tried again sends nobody a digest twice.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from core import mail
from core.jobs import kinds
from core.jobs import service as jobs
from core.jobs.context import JobContext
from core.links import absolute_url
from stakeholders import digests

DIGESTS_KIND = "stakeholders.digests"


def links() -> digests.DigestLinks:
    return digests.DigestLinks(
        roster=absolute_url("focal.roster"),
        pending_organisations=absolute_url("registry_admin.organisations", status="pending"),
    )


def enqueue_digests(session: Session, *, locale: str, queue: jobs.JobQueue, now: datetime | None = None):
    params = {"now": now.isoformat()} if now else {}
    return jobs.enqueue(session, kind=DIGESTS_KIND, owner_id=None, params=params, locale=locale, queue=queue)


def run_digests(context: JobContext) -> dict:
    now = context.params.get("now")
    try:
        report = digests.send_due_digests(
            session=context.session,
            links=links(),
            default_locale=current_app.config["DEFAULT_LANGUAGE"],
            now=datetime.fromisoformat(now) if now else None,
            progress=context.every(),
        )
    except mail.MailUnavailable as error:
        raise kinds.JobFailed(str(mail.UNAVAILABLE_MESSAGE)) from error
    sent = len(report.focal_points) + len(report.secretariat)
    context.progress(report.total, report.total, _("Digests sent: %(sent)s.", sent=sent))
    if report.failed:
        raise kinds.JobFailed(
            _(
                "The mail server refused %(count)s addresses; send again later to retry them.",
                count=len(report.failed),
            )
        )
    return {"focal_points": len(report.focal_points), "secretariat": len(report.secretariat)}


kinds.register(DIGESTS_KIND, title=_l("Weekly digest"), run=run_digests)
