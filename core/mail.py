"""Outgoing mail: an in-app outbox in development, SMTP in production.

Messages are rendered in the recipient's language. The outbox keeps whole messages
(links included) so it exists only where MAIL_BACKEND=outbox; production does not store them.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, render_template
from flask_babel import force_locale
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


def send(session: Session, mail: Mail) -> None:
    """Deliver now (SMTP) or add to the caller's transaction (outbox)."""
    config = current_app.config
    if config["MAIL_BACKEND"] == "outbox":
        session.add(OutboxMessage(to_address=mail.to, subject=mail.subject, body=mail.body, locale=mail.locale))
        return
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain="ipbes-engagement")
    message.set_content(mail.body)
    message["Content-Language"] = mail.locale  # after set_content, which resets Content-* headers
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def list_outbox(session: Session, *, to: str | None = None, page: int = 1, per_page: int = 50):
    query = select(OutboxMessage)
    count = select(func.count()).select_from(OutboxMessage)
    if to:
        query = query.where(OutboxMessage.to_address == to.strip().lower())
        count = count.where(OutboxMessage.to_address == to.strip().lower())
    total = session.exec(count).one()
    rows = session.exec(query.order_by(OutboxMessage.id.desc()).offset((page - 1) * per_page).limit(per_page)).all()
    return list(rows), total
