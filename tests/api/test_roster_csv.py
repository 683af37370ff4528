"""The roster as CSV is the whole roster the focal point may see, not one page, streamed and audit-logged."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import exc
from sqlalchemy.orm import Session
from sqlmodel import select

from core.accounts import api_tokens
from core.audit import AuditEvent
from core.timeutil import utcnow
from tests.api.conftest import bearer
from tests.factories import make_focal_point, make_stakeholder

pytestmark = pytest.mark.usefixtures("backend")
ROSTER = "/api/v1/focal-point/roster"


def _token(app, session, user) -> dict:
    values = {"name": "t", "scopes": ["read:roster"], "expires_on": utcnow().date() + timedelta(days=5)}
    with app.test_request_context():
        _record, token = api_tokens.create(session=session, user=user, values=values, ip=None)
    return bearer(token)


def test_the_csv_roster_is_every_consenting_stakeholder_of_the_country(app, client, session):
    headers = _token(app, session, make_focal_point(session))
    for number in range(105):  # more than the largest page of the JSON form
        make_stakeholder(
            session, name=f"Shares {number:03}", email=f"s{number}@example.org", share_with_focal_point=True
        )
    make_stakeholder(session, name="Keeps To Self", email="self@example.org")
    make_stakeholder(session, name="Elsewhere", email="br@example.org", country="BR", share_with_focal_point=True)

    page = client.get(f"{ROSTER}?per_page=100", headers=headers).json
    assert (len(page["items"]), page["total"], page["withheld"]) == (100, 105, 1)
    answer = client.get(f"{ROSTER}?format=csv&per_page=10&page=3", headers=headers)

    assert answer.status_code == 200 and answer.mimetype == "text/csv" and answer.is_streamed
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True).removeprefix("\ufeff"))))
    assert sorted(row["name"] for row in rows) == [f"Shares {number:03}" for number in range(105)]
    assert rows[0]["email"] and "gender" in rows[0]
    narrowed = client.get(f"{ROSTER}?q=Shares 10", headers=headers | {"Accept": "text/csv"})
    assert len(list(csv.DictReader(io.StringIO(narrowed.get_data(as_text=True))))) == 5  # 100 to 104
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "focal_point.roster_download")).all()
    assert [event.details["rows"] for event in events] == [105, 5]


def test_a_streamed_roster_gives_its_database_connection_back_once_sent_or_abandoned(app, client, session):
    """Flask ends the request's context before a streamed body is read: the body's reads used to open the
    closed session again and keep a pooled connection in a transaction until the garbage collector came by,
    so enough downloads would have left the pool empty."""
    headers = _token(app, session, make_focal_point(session))
    for number in range(3):
        make_stakeholder(session, name=f"Shares {number}", email=f"s{number}@example.org", share_with_focal_point=True)
    session.commit()
    session.close()  # the test's own session, so the pool counts only the requests'
    pool = app.extensions["db_engine"].pool

    sent = client.get(f"{ROSTER}?format=csv", headers=headers)
    assert len(sent.get_data(as_text=True).splitlines()) == 4  # the header and three people, read to the end
    assert pool.checkedout() == 0

    abandoned = client.get(f"{ROSTER}?format=csv", headers=headers)
    abandoned.close()  # as a server does when the client leaves before the body
    assert pool.checkedout() == 0
    assert client.get(f"{ROSTER}?format=csv", headers=headers).status_code == 200


def test_a_lost_connection_when_an_abandoned_roster_is_closed_is_logged_not_raised(app, client, session, monkeypatch):
    """PostgreSQL restarting as the server closes a body never read: the reply is over, nothing to raise."""
    headers = _token(app, session, make_focal_point(session))
    driver_error = app.extensions["db_engine"].dialect.loaded_dbapi.OperationalError
    abandoned = client.get(f"{ROSTER}?format=csv", headers=headers)
    real_close = Session.close

    def lost(db_session):
        real_close(db_session)
        raise exc.OperationalError("ROLLBACK", {}, driver_error("server closed the connection unexpectedly"))

    monkeypatch.setattr(Session, "close", lost)
    abandoned.close()
    monkeypatch.undo()
    assert app.extensions["db_engine"].pool.checkedout() == 0
