"""Outgoing mail: an in-app outbox in development, SMTP in production.

Messages are rendered in the recipient's language. The outbox keeps whole messages
(links included) so it exists only where MAIL_BACKEND=outbox; production does not store them.

`send` delivers one message. A batch (invitations, reminders, digests) opens one `Mailer` and sends
every message through it: one SMTP connection for the whole batch, opened at the first message and
opened again only if the server drops it.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.mime.text import MIMEText
from email.utils import make_msgid
from types import TracebackType

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlmodel import Field, Session, SQLModel, func, select

from core.timeutil import utcnow


class OutboxMessage(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    to_address: str = Field(max_length=254, index=True)
    subject: str = Field(max_length=255)
    body: str
    locale: str = Field(max_length=5)


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    locale: str


def render_mail(template: str, *, to: str, locale: str, subject, **context) -> Mail:
    """Render `emails/<template>.txt` and its (lazy) subject in `locale`."""
    with force_locale(locale):
        body = render_template(f"emails/{template}.txt", **context)
        return Mail(to=to, subject=str(subject), body=body, locale=locale)


# The SMTP client class; tests replace it with a fake that counts connections.
SMTP = smtplib.SMTP


def _message(config, mail: Mail) -> MIMEText:
    """The message as it goes on the wire: UTF-8 text, the subject encoded for any language. Built with
    the compat32 classes, which take headers as given (the default policy parses every address header,
    a third of the time of a batch)."""
    message = MIMEText(mail.body, "plain", "utf-8")
    message["From"] = config["MAIL_FROM"]
    message["To"] = mail.to
    message["Subject"] = Header(mail.subject, "utf-8")
    message["Message-ID"] = make_msgid(domain="ipbes-engagement")
    message["Content-Language"] = mail.locale
    return message


UNAVAILABLE_MESSAGE = _l("The mail server could not be reached; what was sent is recorded. Try again later.")


class MailUnavailable(ConnectionError):
    """The mail server cannot be reached (or refuses our login): a batch stops and waits; no recipient failed.
    An OSError, as a failed connection was before."""


class Mailer:
    """Sends a batch of messages: to the outbox (added to the caller's transaction), or by SMTP over one
    connection, opened at the first message and closed when the batch ends. A refused recipient raises
    `smtplib.SMTPException` and the connection stays usable for the next one."""

    def __init__(self, session: Session, config):
        self._session = session
        self._config = config
        self._smtp: smtplib.SMTP | None = None
        self.connections = 0  # how many times a connection was opened (one, unless the server dropped it)

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None):
        self.close()

    def send(self, mail: Mail) -> None:
        if self._config["MAIL_BACKEND"] == "outbox":
            self._session.add(
                OutboxMessage(to_address=mail.to, subject=mail.subject, body=mail.body, locale=mail.locale)
            )
            return
        message = _message(self._config, mail)
        try:
            self._connection().send_message(message)
        except smtplib.SMTPServerDisconnected:  # the server hung up between messages: once more, anew
            self._drop()
            self._connection().send_message(message)

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            config = self._config
            self.connections += 1
            try:
                smtp = SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30)
            except (smtplib.SMTPException, OSError) as error:
                raise MailUnavailable(str(error)) from error
            try:
                if config["MAIL_USE_TLS"]:
                    smtp.starttls()
                if config["MAIL_USERNAME"]:
                    smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            except (smtplib.SMTPException, OSError) as error:
                smtp.close()
                raise MailUnavailable(str(error)) from error
            self._smtp = smtp
        return self._smtp

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def mailer(session: Session) -> Mailer:
    """A batch of messages with the app's mail settings: `with mailer(session) as batch: batch.send(...)`."""
    return Mailer(session, current_app.config)


def send(session: Session, mail: Mail) -> None:
    """Deliver one message now (SMTP) or add it to the caller's transaction (outbox)."""
    with mailer(session) as batch:
        batch.send(mail)


def list_outbox(session: Session, *, to: str | None = None, page: int = 1, per_page: int = 50):
    query = select(OutboxMessage)
    count = select(func.count()).select_from(OutboxMessage)
    if to:
        query = query.where(OutboxMessage.to_address == to.strip().lower())
        count = count.where(OutboxMessage.to_address == to.strip().lower())
    total = session.exec(count).one()
    rows = session.exec(query.order_by(OutboxMessage.id.desc()).offset((page - 1) * per_page).limit(per_page)).all()
    return list(rows), total
