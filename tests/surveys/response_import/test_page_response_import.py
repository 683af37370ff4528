"""The secretariat's page that brings a file of past responses into a wave: upload, map, check, import, undo."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
from sqlmodel import func, select

from core.audit import AuditEvent
from surveys.models import Response, ResponseImport
from surveys.response_import import storing
from tests import factories

CSV = (
    "Email,Country,Your roles,Years of involvement,Did you engage with IPBES?,"
    "It is clear how to engage,Processes are transparent,Comments\n"
    "a@x.org,Kenya,Author,5,Yes,Agree,Disagree,fine\n"
    ",France,Reviewer,7,Yes,Sort of,Agree,\n"  # row 3: "Sort of" is no choice of the agreement scale
    ",Côte d'Ivoire,User,3,Yes,Strongly agree,Neutral,ok\n"
)


class _Fields(HTMLParser):
    """The values a browser would post from a page's forms: hidden inputs and selected options."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value", "")
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and ("selected" in attrs or self._select not in self.fields):
            self.fields[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def fields(page: str) -> dict[str, str]:
    parser = _Fields()
    parser.feed(page)
    return parser.fields


def column_of(page: str, header: str) -> str:
    """The name of the target select of the column with this header."""
    return re.search(rf'<label for="(c\d+)">{re.escape(header)}</label>', page).group(1)


def value_of(page: str, text: str) -> str:
    """The name of the select of one distinct value."""
    return re.search(rf'<label for="(v\d+_\d+)">{re.escape(text)}</label>', page).group(1)


@pytest.fixture
def wave(session):
    return factories.make_wave(
        session, name="Annual survey 2019", year=2019, status="closed", opens_in_days=-400, closes_in_days=-370
    )


def _upload(client, wave, content: bytes = CSV.encode(), name: str = "limesurvey-2019.csv"):
    return client.post(
        f"/staff/surveys/waves/{wave.id}/import",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def _count(session, *where) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(Response).where(*where)).one()


@pytest.mark.parametrize("role", ["stakeholder", "focal_point"])
def test_only_the_secretariat_gets_in(client, session, auth, wave, role):
    factories.make_user(
        session, email="someone@example.org", role=role, country="KE" if role == "focal_point" else None
    )
    base = f"/staff/surveys/waves/{wave.id}/import"
    assert client.get(base).status_code == 302  # anonymous: to the sign-in page
    auth.login("someone@example.org")
    assert client.get(base).status_code == 403
    assert _upload(client, wave).status_code == 403
    assert client.get(f"{base}/jobs/1").status_code == 403
    assert client.get(f"{base}/files/1").status_code == 403  # a read job's progress and the mapping form
    assert client.post(f"{base}/files/1", data={"refresh": "1"}).status_code == 403
    assert client.post(f"{base}/jobs/1/confirm").status_code == 403
    assert client.post(f"{base}/imports/1/undo").status_code == 403
    assert _count(session) == 0


@pytest.mark.parametrize(
    ("content", "name", "says"),
    [
        (b"", "empty.csv", "The file is empty."),
        (b"\xd0\xcf\x11\xe0old excel", "old.xls", "Old Excel files (.xls) cannot be read"),
    ],
)
def test_a_bad_file_is_a_clear_error_on_the_upload_page(client, secretariat, wave, content, name, says):
    response = _upload(client, wave, content, name)
    assert response.status_code == 200
    assert says in response.get_data(as_text=True)


def test_a_bad_row_is_named_the_mapping_fixed_and_the_file_imported_then_undone(client, session, secretariat, wave):
    response = _upload(client, wave)
    assert response.status_code == 302
    mapping_url = response.headers["Location"]
    page = client.get(mapping_url).get_data(as_text=True)
    assert "CSV, encoding utf-8, delimiter “,”" in page
    posted = fields(page)
    assert posted[column_of(page, "Years of involvement")] == "question:years"
    assert posted[value_of(page, "Sort of")] == ""  # no decision: refused at the check

    checked = client.post(mapping_url, data={**posted, "check": "1"})
    assert checked.status_code == 302
    preview = client.get(checked.headers["Location"]).get_data(as_text=True)
    assert re.search(r"<td>3</td><td>It is clear how to engage</td>", preview)
    assert "Sort of" in preview
    assert re.search(r'id="rows-refused">1<', preview)

    # Importing with the row refused stores nothing.
    confirm_url = checked.headers["Location"] + "/confirm"
    failed = client.get(client.post(confirm_url, data={}).headers["Location"]).get_data(as_text=True)
    assert "1 rows are refused, so nothing was imported" in failed
    assert _count(session) == 0

    # Change the mapping: "Sort of" is the scale's middle.
    again = client.get(re.search(r'href="([^"]+)">Change the mapping', preview).group(1).replace("&amp;", "&"))
    page = again.get_data(as_text=True)
    posted = fields(page)
    assert posted[value_of(page, "Sort of")] == ""
    posted[value_of(page, "Sort of")] = "choice:3"
    checked = client.post(mapping_url, data={**posted, "check": "1"})
    preview = client.get(checked.headers["Location"]).get_data(as_text=True)
    assert re.search(r'id="rows-refused">0<', preview)
    done = client.get(client.post(checked.headers["Location"] + "/confirm", data={}).headers["Location"])
    page = done.get_data(as_text=True)
    assert "3 responses imported into Annual survey 2019" in page
    assert _count(session, Response.import_id.is_not(None)) == 3
    record = session.exec(select(ResponseImport)).one()
    assert (record.file_name, record.created_by_id, record.rows_stored) == ("limesurvey-2019.csv", secretariat.id, 3)
    assert session.exec(select(Response.country).order_by(Response.id)).all() == ["KE", "FR", "CI"]

    # The upload page lists it; Undo removes it.
    listing = client.get(f"/staff/surveys/waves/{wave.id}/import").get_data(as_text=True)
    assert "limesurvey-2019.csv" in listing and record.sha256[:12] in listing
    undone = client.post(f"/staff/surveys/waves/{wave.id}/import/imports/{record.id}/undo", data={})
    assert undone.status_code == 302
    assert _count(session) == 0
    assert "Undone on" in client.get(f"/staff/surveys/waves/{wave.id}/import").get_data(as_text=True)
    assert session.exec(select(AuditEvent).where(AuditEvent.action == storing.UNDO_ACTION)).one()


def test_leaving_the_refused_row_out_imports_the_others(client, session, secretariat, wave):
    mapping_url = _upload(client, wave).headers["Location"]
    posted = fields(client.get(mapping_url).get_data(as_text=True))
    job_url = client.post(mapping_url, data={**posted, "check": "1"}).headers["Location"]
    done = client.get(client.post(job_url + "/confirm", data={"leave_out": "y"}).headers["Location"])
    assert "2 responses imported" in done.get_data(as_text=True)
    record = session.exec(select(ResponseImport)).one()
    assert (record.rows_stored, record.rows_left_out, record.left_out[0]["row"]) == (2, 1, 3)


def test_a_refused_target_keeps_what_was_chosen(client, secretariat, wave):
    mapping_url = _upload(client, wave).headers["Location"]
    page = client.get(mapping_url).get_data(as_text=True)
    posted = fields(page)
    posted[column_of(page, "Comments")] = "question:no_such_question"
    posted[column_of(page, "Email")] = "ignore"
    response = client.post(mapping_url, data={**posted, "check": "1"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Choose one of the listed targets." in page
    assert fields(page)[column_of(page, "Email")] == "ignore"  # as chosen, not the proposal


def test_a_new_target_gets_its_values_proposed(client, secretariat, wave):
    mapping_url = _upload(client, wave).headers["Location"]
    page = client.get(mapping_url).get_data(as_text=True)
    posted = fields(page)
    posted[column_of(page, "Processes are transparent")] = "ignore"
    page = client.post(mapping_url, data={**posted, "refresh": "1"}).get_data(as_text=True)
    assert fields(page)[column_of(page, "Processes are transparent")] == "ignore"
    posted = fields(page)
    posted[column_of(page, "Processes are transparent")] = "question:transparent"
    page = client.post(mapping_url, data={**posted, "refresh": "1"}).get_data(as_text=True)
    assert fields(page)[value_of(page, "Neutral")] == "choice:3"


def test_posts_need_the_csrf_token(app_with, session, wave):
    app = app_with(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    factories.make_secretariat(session)
    form = client.get("/account/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    client.post("/account/login", data={"email": factories.SECRETARIAT, "password": factories.DEFAULT_PASSWORD,
                                        "csrf_token": token})  # fmt: skip
    response = _upload(client, wave)
    assert response.status_code == 400
    assert client.post(f"/staff/surveys/waves/{wave.id}/import/imports/1/undo").status_code == 400
