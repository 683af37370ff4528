"""Invitations and reminders by email, each in the stakeholder's language, with an unsubscribe link.

A stakeholder is written to only when their preferences allow it: an account with an email
address, "email" among their preferred means of communication, and no survey opt-out. Each
message is recorded as sent in the same transaction that hands it to the mail backend, one
recipient at a time, so a failure leaves only that person to retry and sending again never
writes twice to the same person (nor makes a second Invitation row). The one window left: a
process killed after the mail server took a message and before its commit sends that one message
again on the next run.

A batch goes through one mail connection (`core.mail.Mailer`). If the mail server cannot be reached
at all, `mail.MailUnavailable` stops the batch (what was sent stays recorded). `progress(done, total)`
is called after each recipient's commit; the background jobs (surveys.mailing) report it.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists
from sqlmodel import Session, func, select

from core import audit, mail
from core.accounts.models import User
from core.config import LANGUAGES
from core.localized import localized_name
from core.timeutil import utcnow
from stakeholders.models import Stakeholder, StakeholderAttribute
from surveys.definition import label
from surveys.models import InstrumentVersion, Invitation, ReminderSchedule, Response, SurveyOptOut, Wave
from surveys.waves import WaveError, audience_filter, state

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailLinks:
    """Absolute addresses for messages (built from BASE_URL by the caller, which knows the routes)."""

    invitation: Callable[[str], str]  # invitation token -> the personal survey link
    unsubscribe: Callable[[int], str]  # stakeholder id -> the unsubscribe page


@dataclass
class MailingReport:
    sent: list[str] = field(default_factory=list)  # addresses written to
    skipped: int = 0  # already invited (or already reminded for this schedule)
    failed: list[str] = field(default_factory=list)  # addresses the mail server refused

    @property
    def done(self) -> int:
        return len(self.sent) + self.skipped + len(self.failed)


Progress = Callable[[int, int], None]  # (done, total), called between recipients


def _no_progress(done: int, total: int) -> None:
    pass


# --- who may be written to -----------------------------------------------------------------


def _wants_email():
    return exists().where(
        StakeholderAttribute.stakeholder_id == Stakeholder.id,
        StakeholderAttribute.field == "communication",
        StakeholderAttribute.code == "email",
    )


def _opted_out():
    return exists().where(SurveyOptOut.stakeholder_id == Stakeholder.id)


def reachable_conditions() -> list:
    """Conditions on Stakeholder joined to User: may be sent survey email."""
    return [
        Stakeholder.is_active.is_(True),
        Stakeholder.erased_at.is_(None),
        User.is_active.is_(True),
        User.email != "",
        _wants_email(),
        ~_opted_out(),
    ]


def reachable_audience(session: Session, wave: Wave) -> list[tuple[Stakeholder, User]]:
    """The wave's audience who may be sent survey email, in registration order."""
    return list(
        session.exec(
            select(Stakeholder, User)
            .join(User, User.id == Stakeholder.user_id)
            .where(*audience_filter(wave), *reachable_conditions())
            .order_by(Stakeholder.id)
        ).all()
    )


def language_for(stakeholder: Stakeholder | None, user: User | None, default: str) -> str:
    for code in (stakeholder and stakeholder.preferred_language, user and user.locale):
        if code in LANGUAGES:
            return code
    return default


# --- messages ------------------------------------------------------------------------------


def _message(
    template: str,
    subject,
    *,
    wave: Wave,
    version: InstrumentVersion,
    invitation: Invitation,
    stakeholder: Stakeholder,
    user: User,
    locale: str,
    links: MailLinks,
) -> mail.Mail:
    return mail.render_mail(
        template,
        to=user.email,
        locale=locale,
        subject=subject,
        name=user.name or user.email,
        title=_title(version, locale, wave),
        wave=wave,
        link=links.invitation(invitation.token),
        unsubscribe=links.unsubscribe(stakeholder.id),
    )


def _deliver(session: Session, batch: mail.Mailer, message: mail.Mail, report: MailingReport) -> bool:
    """Send and commit the caller's pending changes together; on a refusal, undo them. A mail server that
    cannot be reached stops the batch (`mail.MailUnavailable`), with this recipient's changes undone."""
    try:
        batch.send(message)
        session.commit()
    except mail.MailUnavailable:
        session.rollback()
        raise
    except (smtplib.SMTPException, OSError):
        session.rollback()
        log.exception("Survey mail to %s could not be sent", message.to)
        report.failed.append(message.to)
        return False
    report.sent.append(message.to)
    return True


# --- invitations ---------------------------------------------------------------------------


def check_can_invite(wave: Wave, now: datetime | None = None) -> None:
    """Raise WaveError unless invitations may be sent for this wave now."""
    if state(wave, now or utcnow()) not in ("scheduled", "open"):
        raise WaveError(str(_l("Invitations can be sent only for a published wave that has not closed.")))


def send_invitations(
    session: Session,
    *,
    wave: Wave,
    links: MailLinks,
    default_locale: str = "en",
    actor_id: int | None = None,
    now: datetime | None = None,
    progress: Progress = _no_progress,
) -> MailingReport:
    """Invite everyone in the audience who may be written to and has not been invited yet."""
    now = now or utcnow()
    check_can_invite(wave, now)
    version = session.get(InstrumentVersion, wave.version_id)
    existing = {i.stakeholder_id: i for i in session.exec(select(Invitation).where(Invitation.wave_id == wave.id))}
    audience = reachable_audience(session, wave)
    report = MailingReport()
    progress(0, len(audience))
    with mail.mailer(session) as batch:
        for stakeholder, user in audience:
            invitation = existing.get(stakeholder.id)
            if invitation is not None and invitation.sent_at is not None:
                report.skipped += 1
            else:
                _invite(
                    session, batch, report, invitation, stakeholder, user, wave, version, links, default_locale, now
                )
            progress(report.done, len(audience))
    audit.record(
        session,
        "survey.invitations_send",
        actor_id=actor_id,
        target=f"wave:{wave.id}",
        sent=len(report.sent),
        failed=len(report.failed),
    )
    session.commit()
    return report


def _invite(session, batch, report, invitation, stakeholder, user, wave, version, links, default_locale, now) -> None:
    locale = language_for(stakeholder, user, default_locale)
    if invitation is None:
        invitation = Invitation(wave_id=wave.id, stakeholder_id=stakeholder.id, token=secrets.token_urlsafe(24))
    invitation.language, invitation.sent_at = locale, now
    session.add(invitation)
    message = _message(
        "survey_invitation",
        _l("Your invitation: %(title)s", title=_title(version, locale, wave)),
        wave=wave,
        version=version,
        invitation=invitation,
        stakeholder=stakeholder,
        user=user,
        locale=locale,
        links=links,
    )
    _deliver(session, batch, message, report)


def _title(version: InstrumentVersion, locale: str, wave: Wave) -> str:
    return label(version.definition.get("titles") or {}, locale) or localized_name(wave, locale)


@dataclass(frozen=True)
class InvitationSummary:
    invited: int
    reachable_not_invited: int
    opted_out: int


def invitation_summary(session: Session, wave: Wave) -> InvitationSummary:
    invited = session.exec(
        select(func.count())
        .select_from(Invitation)
        .where(Invitation.wave_id == wave.id, Invitation.sent_at.is_not(None))
    ).one()
    waiting = session.exec(
        select(func.count())
        .select_from(Stakeholder)
        .join(User, User.id == Stakeholder.user_id)
        .where(
            *audience_filter(wave),
            *reachable_conditions(),
            ~exists().where(
                Invitation.wave_id == wave.id,
                Invitation.stakeholder_id == Stakeholder.id,
                Invitation.sent_at.is_not(None),
            ),
        )
    ).one()
    opted_out = session.exec(
        select(func.count()).select_from(Stakeholder).where(*audience_filter(wave), _opted_out())
    ).one()
    return InvitationSummary(invited=invited, reachable_not_invited=waiting, opted_out=opted_out)


# --- opting out ----------------------------------------------------------------------------


def opt_out(session: Session, *, stakeholder_id: int) -> bool:
    """Stop survey invitations and reminders to a stakeholder. False if there is no such person."""
    stakeholder = session.get(Stakeholder, stakeholder_id)
    if stakeholder is None or stakeholder.erased_at is not None:
        return False
    if session.get(SurveyOptOut, stakeholder_id) is None:
        session.add(SurveyOptOut(stakeholder_id=stakeholder_id))
        audit.record(session, "survey.opt_out", target=f"stakeholder:{stakeholder_id}")
        session.commit()
    return True


def is_opted_out(session: Session, stakeholder_id: int) -> bool:
    return session.get(SurveyOptOut, stakeholder_id) is not None


# --- reminders -----------------------------------------------------------------------------


def schedule_reminder(
    session: Session, *, wave: Wave, send_at: datetime, actor_id: int | None = None
) -> ReminderSchedule:
    if send_at >= wave.closes_at:
        raise WaveError(str(_l("A reminder must be sent before the wave closes.")))
    if wave.status == "closed":
        raise WaveError(str(_l("The wave is closed.")))
    reminder = ReminderSchedule(wave_id=wave.id, send_at=send_at)
    session.add(reminder)
    audit.record(
        session, "survey.reminder_schedule", actor_id=actor_id, target=f"wave:{wave.id}", send_at=send_at.isoformat()
    )
    session.commit()
    return reminder


def reminders(session: Session, wave: Wave) -> list[ReminderSchedule]:
    return list(
        session.exec(
            select(ReminderSchedule).where(ReminderSchedule.wave_id == wave.id).order_by(ReminderSchedule.send_at)
        ).all()
    )


def cancel_reminder(session: Session, *, reminder: ReminderSchedule, actor_id: int | None = None) -> None:
    if reminder.sent_at is not None:
        raise WaveError(str(_l("This reminder has already been sent.")))
    session.delete(reminder)
    audit.record(session, "survey.reminder_cancel", actor_id=actor_id, target=f"wave:{reminder.wave_id}")
    session.commit()


def non_respondents(session: Session, wave: Wave, *, reminded_before: datetime):
    """Invitations sent, not answered (no submitted response), still reachable, not reminded since."""
    submitted = exists().where(
        Response.wave_id == wave.id,
        Response.stakeholder_id == Invitation.stakeholder_id,
        Response.status == "submitted",
    )
    return session.exec(
        select(Invitation, Stakeholder, User)
        .join(Stakeholder, Stakeholder.id == Invitation.stakeholder_id)
        .join(User, User.id == Stakeholder.user_id)
        .where(
            Invitation.wave_id == wave.id,
            Invitation.sent_at.is_not(None),
            ~submitted,
            *reachable_conditions(),
            Invitation.sent_at < reminded_before,  # invited after the reminder was due: too soon
            (Invitation.last_reminded_at.is_(None)) | (Invitation.last_reminded_at < reminded_before),
        )
        .order_by(Invitation.id)
    ).all()


def due_reminders(session: Session, now: datetime) -> list[tuple[ReminderSchedule, Wave, list]]:
    """The reminders due now, each with its wave and the people to remind (none for a closed wave). Two
    reminders of a wave due at once remind each person once, for the first."""
    due = session.exec(
        select(ReminderSchedule)
        .where(ReminderSchedule.sent_at.is_(None), ReminderSchedule.send_at <= now)
        .order_by(ReminderSchedule.send_at)
    ).all()
    work, seen = [], set()
    for reminder in due:
        wave = session.get(Wave, reminder.wave_id)
        current = state(wave, now)
        if current == "scheduled":
            continue  # not open yet: wait
        rows = non_respondents(session, wave, reminded_before=reminder.send_at) if current == "open" else []
        rows = [row for row in rows if row[0].id not in seen]
        seen.update(row[0].id for row in rows)
        work.append((reminder, wave, rows))
    return work


def send_due_reminders(
    session: Session,
    *,
    links: MailLinks,
    default_locale: str = "en",
    now: datetime | None = None,
    progress: Progress = _no_progress,
) -> MailingReport:
    """Send every scheduled reminder that is due, for waves that are open.

    A person reminded at or after a schedule's time is not reminded again for it, so a run
    interrupted halfway, or run twice, writes to nobody twice.
    """
    now = now or utcnow()
    report = MailingReport()
    work = due_reminders(session, now)
    total = sum(len(rows) for _reminder, _wave, rows in work)
    progress(0, total)
    with mail.mailer(session) as batch:
        for reminder, wave, rows in work:
            sent_before = len(report.sent)
            _remind(session, batch, report, wave, rows, links, default_locale, now, progress, total)
            reminder.sent_at = now
            reminder.recipients = len(report.sent) - sent_before
            session.add(reminder)
            session.commit()
    return report


def _remind(
    session, batch, report, wave: Wave, rows: Iterable, links, default_locale, now, progress: Progress, total: int
) -> None:
    version = session.get(InstrumentVersion, wave.version_id)
    for invitation, stakeholder, user in rows:
        locale = language_for(stakeholder, user, default_locale)
        invitation.reminders_sent += 1
        invitation.last_reminded_at = now
        session.add(invitation)
        message = _message(
            "survey_reminder",
            _l("Reminder: %(title)s", title=_title(version, locale, wave)),
            wave=wave,
            version=version,
            invitation=invitation,
            stakeholder=stakeholder,
            user=user,
            locale=locale,
            links=links,
        )
        _deliver(session, batch, message, report)
        progress(report.done, total)
