"""Weekly digests, sent by `flask --app app send-digests` (run it from cron, e.g. daily).

- Each focal point who opted in (on their roster page) gets, at most once a week, the
  stakeholders registered in their country since their last digest (or over the last 7 days):
  names and organisations only of those who consented to share their details with their focal
  point, the others as a count.
- Each secretariat member and administrator gets, at most once a week, the organisations
  awaiting approval, when there are any.

Nothing is sent when there is nothing new, and a message is recorded as sent (the digest's time
stamp moves) in the same transaction that puts it in the outbox, one recipient at a time, so
running the command twice in a row sends nothing the second time. Messages are in the
recipient's language. `now` can be given (tests); it defaults to the current time.

All the messages of a run go through one mail connection (`core.mail.Mailer`); `progress(done, total)`
is called after each person considered (the background job, stakeholders.digest_jobs, reports it).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from core import mail
from core.accounts.models import STAFF_ROLES, Role, User
from core.reference.countries import country_name
from core.timeutil import utcnow
from stakeholders import focal_points, focal_roster
from stakeholders import vocabularies as vocab
from stakeholders.models import FocalPointAssignment, Organisation, OrganisationName, SecretariatDigest

PERIOD = timedelta(days=7)
LIST_LIMIT = 100  # names listed in one message; the rest are counted, with a link to the page

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DigestLinks:
    """Absolute addresses for the messages (the command builds them from BASE_URL)."""

    roster: str
    pending_organisations: str


@dataclass
class DigestReport:
    focal_points: list[str] = field(default_factory=list)  # addresses a focal point digest went to
    secretariat: list[str] = field(default_factory=list)  # addresses a secretariat digest went to
    failed: list[str] = field(default_factory=list)  # addresses that could not be sent to
    batch: mail.Mailer | None = None  # the run's mail connection
    progress: Callable[[int, int], None] | None = None
    considered: int = 0
    total: int = 0

    def step(self) -> None:
        self.considered += 1
        if self.progress is not None:
            self.progress(self.considered, self.total)


def send_due_digests(
    *,
    session: Session,
    links: DigestLinks,
    default_locale: str,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DigestReport:
    now = now or utcnow()
    focal = due_focal_point_assignments(session, now)
    staff = _staff(session) if pending_organisations(session) else []
    with mail.mailer(session) as batch:
        report = DigestReport(batch=batch, progress=progress, total=len(focal) + len(staff))
        if progress is not None:
            progress(0, report.total)
        send_focal_point_digests(
            session=session, links=links, default_locale=default_locale, now=now, report=report, due=focal
        )
        send_secretariat_digests(session=session, links=links, default_locale=default_locale, now=now, report=report)
    return report


def _staff(session: Session) -> list[User]:
    return list(
        session.exec(
            select(User)
            .where(User.role.in_([r.value for r in STAFF_ROLES]), User.is_active.is_(True))
            .order_by(User.id)
        ).all()
    )


def _due(last_sent: datetime | None, now: datetime) -> bool:
    return last_sent is None or last_sent <= now - PERIOD


def _deliver(session: Session, address: str, message: mail.Mail, mark_sent, report_list: list, report) -> None:
    """Send one message and record it as sent, together; a failure leaves that recipient due."""
    try:
        if report.batch is not None:
            report.batch.send(message)
        else:
            mail.send(session, message)
        mark_sent()
        session.commit()
    except mail.MailUnavailable:
        session.rollback()
        raise
    except (smtplib.SMTPException, OSError):
        session.rollback()
        log.exception("Digest to %s could not be sent", address)
        report.failed.append(address)
    else:
        report_list.append(address)


# --- focal points --------------------------------------------------------------------------


def due_focal_point_assignments(session: Session, now: datetime) -> list[tuple[FocalPointAssignment, User]]:
    """Opted-in active assignments of active focal points still bound to that country, not sent to
    for a week."""
    today = now.date()
    rows = session.exec(
        select(FocalPointAssignment, User)
        .join(User, User.id == FocalPointAssignment.user_id)
        .where(
            FocalPointAssignment.digest_opt_in.is_(True),
            focal_points._active(today),
            User.is_active.is_(True),
            User.role == Role.FOCAL_POINT,
            User.focal_country == FocalPointAssignment.country,
        )
        .order_by(FocalPointAssignment.id)
    ).all()
    return [(a, u) for a, u in rows if _due(a.digest_last_sent_at, now)]


def _organisation_names(session: Session, rows, locale: str) -> dict[int, str]:
    ids = {r.organisation_id for r in rows if r.organisation_id}
    if not ids:
        return {}
    names = {r.organisation_id: r.organisation_name or "" for r in rows if r.organisation_id}
    names.update(
        session.exec(
            select(OrganisationName.organisation_id, OrganisationName.name).where(
                OrganisationName.organisation_id.in_(ids), OrganisationName.language == locale
            )
        ).all()
    )
    return names


def focal_point_digest(
    session: Session,
    assignment: FocalPointAssignment,
    user: User,
    *,
    links: DigestLinks,
    default_locale: str,
    now: datetime,
) -> mail.Mail | None:
    """The message for one focal point, or None when nobody new registered in their country."""
    since = assignment.digest_last_sent_at or now - PERIOD
    shared, withheld = focal_roster.registered_between(session, country=assignment.country, since=since, until=now)
    if not shared and not withheld:
        return None
    locale = user.locale or default_locale
    organisations = _organisation_names(session, shared, locale)
    country = country_name(assignment.country, locale)
    listed = [
        {"name": r.name or "", "organisation": organisations.get(r.organisation_id, ""), "category": r.category}
        for r in shared[:LIST_LIMIT]
    ]
    return mail.render_mail(
        "digest_focal_point",
        to=user.email,
        locale=locale,
        subject=_l("New stakeholders in %(country)s", country=country),
        user=user,
        country=country,
        since=since,
        until=now,
        listed=listed,
        unlisted_shared=max(0, len(shared) - LIST_LIMIT),
        withheld=withheld,
        total=len(shared) + withheld,
        category_label=vocab.CATEGORY.label,
        roster_link=links.roster,
    )


def send_focal_point_digests(
    *,
    session: Session,
    links: DigestLinks,
    default_locale: str,
    now: datetime,
    report: DigestReport,
    due: list | None = None,
) -> None:
    for assignment, user in due if due is not None else due_focal_point_assignments(session, now):
        message = focal_point_digest(session, assignment, user, links=links, default_locale=default_locale, now=now)
        if message is None:
            report.step()
            continue

        def mark_sent(assignment=assignment):
            assignment.digest_last_sent_at = now
            session.add(assignment)

        _deliver(session, user.email, message, mark_sent, report.focal_points, report)
        report.step()


# --- secretariat ---------------------------------------------------------------------------


def pending_organisations(session: Session) -> list[Organisation]:
    return list(
        session.exec(
            select(Organisation)
            .where(Organisation.status == "pending")
            .order_by(Organisation.created_at, Organisation.id)
        )
    )


def send_secretariat_digests(
    *, session: Session, links: DigestLinks, default_locale: str, now: datetime, report: DigestReport
) -> None:
    pending = pending_organisations(session)
    if not pending:
        return
    for user in _staff(session):
        record = session.get(SecretariatDigest, user.id)
        if not _due(record.last_sent_at if record else None, now):
            report.step()
            continue
        locale = user.locale or default_locale
        listed = [
            {
                "name": o.name,
                "acronym": o.acronym,
                "country": country_name(o.country, locale) if o.country else "",
                "created_at": o.created_at,
            }
            for o in pending[:LIST_LIMIT]
        ]
        message = mail.render_mail(
            "digest_secretariat",
            to=user.email,
            locale=locale,
            subject=_l("Organisations awaiting approval"),
            user=user,
            listed=listed,
            total=len(pending),
            unlisted=max(0, len(pending) - LIST_LIMIT),
            link=links.pending_organisations,
        )

        def mark_sent(user_id=user.id):
            digest = session.get(SecretariatDigest, user_id)
            if digest is None:
                session.add(SecretariatDigest(user_id=user_id, last_sent_at=now))
            else:
                digest.last_sent_at = now
                session.add(digest)

        _deliver(session, user.email, message, mark_sent, report.secretariat, report)
        report.step()
