import pytest
from sqlmodel import select

from core.mail import OutboxMessage
from tests.conftest import AuthActions
from tests.factories import make_secretariat, make_user
from tests.support.servers import free_port


def test_development_mail_goes_to_the_outbox_in_the_recipients_language(client, session, auth):
    make_user(session, email="person@example.org", locale="es")
    client.post("/account/forgot", data={"email": "person@example.org"})
    message = session.exec(select(OutboxMessage)).one()
    assert message.to_address == "person@example.org" and message.locale == "es"
    assert "/account/reset/" in message.body

    auth.login(make_secretariat(session).email)
    listing = client.get("/staff/outbox?to=person@example.org").get_data(as_text=True)
    assert message.subject in listing
    assert "/account/reset/" in client.get(f"/staff/outbox/{message.id}").get_data(as_text=True)


class _Collector:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's API)
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    collector = _Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, collector
    controller.stop()


def test_production_mail_is_sent_by_smtp_and_not_stored(app_with, session, smtp_server):
    controller, collector = smtp_server
    app = app_with(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False)
    make_user(session, email="person@example.org", locale="fr")
    client = app.test_client()
    client.post("/account/forgot", data={"email": "person@example.org"})
    assert len(collector.messages) == 1
    envelope = collector.messages[0]
    assert envelope.rcpt_tos == ["person@example.org"]
    assert b"Content-Language: fr" in envelope.content
    assert session.exec(select(OutboxMessage)).all() == []
    # Without an outbox there is nothing to browse.
    AuthActions(client).login(make_secretariat(session).email)
    assert client.get("/staff/outbox").status_code == 404
