"""Survey mail as background jobs: a wave's invitations, and the reminders that are due.

The wave page (and `flask surveys send-invitations`) queues an invitations job; `flask surveys
send-reminders` (from cron) records a reminders job and runs it. The work is `surveys.invitations`'s:
one mail connection for the batch, and each recipient recorded as sent in the commit that sends to
them, so a job that fails or is killed halfway and is tried again writes to nobody twice. Progress is
recipients done of the total. A recipient the mail server refused fails the job at its end (the others
were sent): trying it again sends to those left. Also the absolute addresses the messages carry.
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
from surveys import invitations
from surveys.models import Wave
from surveys.unsubscribe_tokens import make_unsubscribe_token
from surveys.waves import WaveError

INVITATIONS_KIND = "surveys.invitations"
REMINDERS_KIND = "surveys.reminders"


# --- the addresses messages carry ---------------------------------------------------------------


def invitation_url(token: str) -> str:
    return absolute_url("survey_respond.invitation", token=token)


def open_link_url(token: str) -> str:
    return absolute_url("survey_respond.open_link", token=token)


def mail_links() -> invitations.MailLinks:
    return invitations.MailLinks(
        invitation=invitation_url,
        unsubscribe=lambda stakeholder_id: absolute_url(
            "survey_unsubscribe.unsubscribe", token=make_unsubscribe_token(stakeholder_id)
        ),
    )


# --- queueing -----------------------------------------------------------------------------------


def enqueue_invitations(
    session: Session, *, wave: Wave, owner_id: int | None, locale: str, queue: jobs.JobQueue, ip: str | None = None
):
    """Queue the wave's invitations (WaveError if the wave cannot be sent to now); return the job."""
    invitations.check_can_invite(wave)
    return jobs.enqueue(
        session,
        kind=INVITATIONS_KIND,
        owner_id=owner_id,
        params={"wave_id": wave.id},
        locale=locale,
        queue=queue,
        ip=ip,
    )


def enqueue_reminders(
    session: Session, *, owner_id: int | None, locale: str, queue: jobs.JobQueue, now: datetime | None = None
):
    params = {"now": now.isoformat()} if now else {}
    return jobs.enqueue(session, kind=REMINDERS_KIND, owner_id=owner_id, params=params, locale=locale, queue=queue)


# --- the work -----------------------------------------------------------------------------------


def _now(context: JobContext) -> datetime | None:
    text = context.params.get("now")
    return datetime.fromisoformat(text) if text else None


def _result(context: JobContext, report: invitations.MailingReport, summary: str) -> dict:
    """Report the summary; fail the job (so it can be tried again) if the mail server refused anyone."""
    context.progress(report.done, report.done, summary)
    if report.failed:
        raise kinds.JobFailed(
            _(
                "The mail server refused %(count)s addresses; send again later to retry them.",
                count=len(report.failed),
            )
        )
    return {"sent": len(report.sent), "skipped": report.skipped, "failed": len(report.failed)}


def run_invitations(context: JobContext) -> dict:
    session = context.session
    wave = session.get(Wave, context.params["wave_id"])
    if wave is None:
        raise LookupError(f"No wave {context.params['wave_id']}")
    try:
        report = invitations.send_invitations(
            session,
            wave=wave,
            links=mail_links(),
            default_locale=current_app.config["DEFAULT_LANGUAGE"],
            actor_id=context.owner_id,
            now=_now(context),
            progress=context.every(),
        )
    except WaveError as error:
        raise kinds.JobFailed(str(error)) from error
    except mail.MailUnavailable as error:
        raise kinds.JobFailed(str(mail.UNAVAILABLE_MESSAGE)) from error
    summary = _(
        "Invitations sent: %(sent)s. Already invited before: %(skipped)s.",
        sent=len(report.sent),
        skipped=report.skipped,
    )
    return _result(context, report, summary)


def run_reminders(context: JobContext) -> dict:
    try:
        report = invitations.send_due_reminders(
            context.session,
            links=mail_links(),
            default_locale=current_app.config["DEFAULT_LANGUAGE"],
            now=_now(context),
            progress=context.every(),
        )
    except mail.MailUnavailable as error:
        raise kinds.JobFailed(str(mail.UNAVAILABLE_MESSAGE)) from error
    return _result(context, report, _("Reminders sent: %(sent)s.", sent=len(report.sent)))


kinds.register(INVITATIONS_KIND, title=_l("Survey invitations"), run=run_invitations)
kinds.register(REMINDERS_KIND, title=_l("Reminders"), run=run_reminders)
