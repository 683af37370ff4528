"""A fake SMTP server for tests of mailings: it counts connections, keeps what it was given, and can be
told to refuse an address, to be unreachable, or to crash at the n-th message as a dying worker would."""

from __future__ import annotations

import smtplib

from sqlmodel import Session, select

from core import mail
from core.jobs.models import Job


class PostOffice:
    """A fake SMTP server: counts connections, keeps what was delivered, and can be told to break."""

    def __init__(self, engine):
        self.engine = engine
        self.connections = 0
        self.delivered: list[str] = []
        self.crash_at: int | None = None  # the n-th message (1-based) raises as a crashing worker would
        self.refuse: set[str] = set()
        self.down = False
        self.seen_progress: list[tuple[int, int | None]] = []

    def smtp(self, host, port, timeout=None):
        if self.down:
            raise ConnectionRefusedError("no mail server")
        self.connections += 1
        return _Connection(self)

    def deliver(self, message) -> None:
        with Session(self.engine) as session:  # what the job page shows while the mailing runs
            job = session.exec(select(Job).order_by(Job.id.desc())).first()
            self.seen_progress.append((job.done, job.total))
        if self.crash_at is not None and len(self.delivered) + 1 == self.crash_at:
            self.crash_at = None
            raise RuntimeError("the worker crashed")
        if message["To"] in self.refuse:
            raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"no such user")})
        self.delivered.append(message["To"])


class _Connection:
    def __init__(self, office: PostOffice):
        self.office = office

    def send_message(self, message):
        self.office.deliver(message)

    def quit(self):
        pass

    def close(self):
        pass


def smtp_app(app_with):
    """An app that sends mail by SMTP (to a `PostOffice` that `post_office` installs)."""
    return app_with(MAIL_BACKEND="smtp", MAIL_SERVER="mail.invalid", MAIL_PORT=25, MAIL_USE_TLS=False)


def post_office(app, monkeypatch) -> PostOffice:
    post = PostOffice(app.extensions["db_engine"])
    monkeypatch.setattr(mail, "SMTP", post.smtp)
    return post
