"""Imports of engagement records: the registry's rules (report by row and column, all or nothing,
re-import updates on the natural key, preview then confirm)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from sqlmodel import select

from core.audit import AuditEvent
from core.imports.models import PendingImport
from core.imports.pending import keep_pending
from engagement import importing
from engagement.models import BarrierAction, CallForInput, Concern, EvidenceItem, ImpactRecord
from tests.factories import make_stakeholder
from tests.reading import row_count
from tests.uploads import csv_bytes, token_of, upload, xlsx_bytes

IMPORT_URL = "/staff/records/import"


def test_barrier_actions_are_previewed_then_imported_together(client, session, secretariat):
    content = csv_bytes(
        [
            ["barrier", "action", "owner", "due_date", "status"],
            ["language", "Interpretation at stakeholder days", "Stakeholder unit", "2026-05-31", "in_progress"],
            ["Lack of time", "Longer review periods", "", "", ""],  # an English label is accepted
        ]
    )
    response = upload(client, IMPORT_URL, "barrier_actions", content)
    page = response.get_data(as_text=True)
    assert "Every row is valid. Importing will create 2 records and update 0." in page
    assert row_count(session, BarrierAction) == 0  # nothing before the confirmation
    response = client.post(
        "/staff/records/import/confirm", data={"token": token_of(response), "confirm": "1"}, follow_redirects=True
    )
    assert "is imported." in response.get_data(as_text=True)
    actions = session.exec(select(BarrierAction).order_by(BarrierAction.id)).all()
    assert [(a.barrier, a.status, a.due_on) for a in actions] == [
        ("language", "in_progress", date(2026, 5, 31)),
        ("time", "planned", None),
    ]
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "engagement.import")).one()
    assert (event.details["created"], event.details["kind"]) == (2, "barrier_actions")
    assert row_count(session, PendingImport) == 0


def test_a_bad_row_names_its_row_and_column_and_nothing_is_written(client, session, secretariat):
    content = csv_bytes(
        [
            ["title", "opened_on", "closed_on", "responses", "audience"],
            ["Call on nexus", "2023-03-01", "2023-04-26", "318", "experts"],
            ["Call on values", "01/03/2023", "", "many", "experts;martians"],
            ["Call on spatial planning", "2024-02-05", "2024-01-01", "", ""],
        ]
    )
    response = upload(client, IMPORT_URL, "calls", content)
    page = response.get_data(as_text=True)
    problems = re.findall(r'<tr><th scope="row">(\d+)</th><td><code>([^<]+)</code></td><td>([^<]+)</td></tr>', page)
    assert ("3", "opened_on", "01/03/2023 is not a date written YYYY-MM-DD.") in problems
    assert ("3", "responses", "many is not a whole number.") in problems
    assert (
        "3",
        "audience",
        "martians is not one of the allowed values: all, governments, experts, ilk, organisations, observers.",
    ) in problems
    assert ("4", "closed_on", "This date cannot be before 2024-02-05.") in problems
    assert token_of(response) is None
    report = importing.run_import(session=session, kind="calls", content=content, file_name="x.csv", actor_id=None)
    assert not report.valid
    assert row_count(session, CallForInput) == 0


def test_unknown_and_missing_columns_are_reported_on_the_header(client, session, secretariat):
    page = upload(
        client, IMPORT_URL, "evidence", csv_bytes([["kind", "title", "colour"], ["strategy", "A", "blue"]])
    ).get_data(as_text=True)
    assert "This column is not one of the documented columns." in page
    assert "This required column is missing." in page and "<code>date</code>" in page


def test_reimporting_updates_on_the_natural_key(session):
    header = ["kind", "title", "date", "languages"]
    first = csv_bytes([header, ["strategy", "Engagement strategy", "2015-01-17", "en"]])
    report = importing.run_import(session=session, kind="evidence", content=first, file_name="a.csv", actor_id=None)
    assert (report.created, report.updated) == (1, 0)
    # Same kind and title in another case and without accents: an update, with an empty cell kept as it was.
    again = csv_bytes(
        [
            ["kind", "title", "date", "languages", "notes"],
            ["Stakeholder engagement strategy", "ENGAGEMENT STRATEGY", "2015-01-17", "ar;zh;en;fr;ru;es", ""],
        ]
    )
    report = importing.run_import(session=session, kind="evidence", content=again, file_name="b.csv", actor_id=None)
    assert (report.created, report.updated) == (0, 1)
    items = session.exec(select(EvidenceItem)).all()
    assert len(items) == 1 and items[0].languages == ["ar", "zh", "en", "fr", "ru", "es"]
    assert items[0].title == "ENGAGEMENT STRATEGY"


def test_the_same_record_twice_in_a_file_is_a_problem(session):
    content = csv_bytes(
        [
            ["summary", "raised_on", "channel"],
            ["Draft in English only", "2025-03-01", "email"],
            ["draft in english only", "2025-03-01", "letter"],
        ]
    )
    report = importing.validate(session=session, kind="concerns", content=content)
    assert [(p.row, p.column, p.text) for p in report.problems] == [
        (3, "summary", "The same record is already in row 2.")
    ]


def test_concerns_link_stakeholders_by_email_and_follow_the_forms_rules(session):
    person = make_stakeholder(session, name="Ana Lima", email="ana@example.org")
    content = xlsx_bytes(
        [
            ["summary", "raised_on", "channel", "raised_by_email", "status", "answer", "answered_on"],
            [
                "Draft in English only",
                date(2025, 3, 1),
                "email",
                "ANA@example.org",
                "answered",
                "Coming",
                date(2025, 3, 9),
            ],
            ["No travel support", "2025-04-01", "plenary", "nobody@example.org", "open", "", ""],
            ["Late review", "2025-04-01", "plenary", "", "answered", "", ""],
        ]
    )
    report = importing.validate(session=session, kind="concerns", content=content)
    assert [(p.row, p.column) for p in report.problems] == [(3, "raised_by_email"), (4, "answer"), (4, "answered_on")]
    fixed = xlsx_bytes(
        [
            ["summary", "raised_on", "channel", "raised_by_email", "status", "answer", "answered_on"],
            [
                "Draft in English only",
                date(2025, 3, 1),
                "email",
                "ANA@example.org",
                "answered",
                "Coming",
                date(2025, 3, 9),
            ],
        ]
    )
    assert importing.run_import(
        session=session, kind="concerns", content=fixed, file_name="c.xlsx", actor_id=None
    ).valid
    concern = session.exec(select(Concern)).one()
    assert (concern.raised_by_id, concern.answered_on) == (person.id, date(2025, 3, 9))


def test_imported_impact_records_are_published_unless_told_otherwise(session):
    content = csv_bytes(
        [
            ["title", "type", "scale", "region", "country", "description", "status"],
            ["Pollinator strategy", "policy", "national", "", "KEN", "Uses the assessment", ""],
            ["Business coalition targets", "action", "global", "", "", "Uses the global assessment", "pending"],
            ["Wrong region", "law", "national", "WEOG", "KE", "x", ""],
        ]
    )
    report = importing.validate(session=session, kind="impacts", content=content)
    assert [(p.row, p.column, p.text) for p in report.problems] == [
        (4, "region", "The country is not in this regional group.")
    ]
    good = csv_bytes([row for index, row in enumerate(csv.reader(io.StringIO(content.decode()))) if index < 3])
    importing.run_import(session=session, kind="impacts", content=good, file_name="i.csv", actor_id=None)
    records = {r.title: r for r in session.exec(select(ImpactRecord))}
    assert records["Pollinator strategy"].status == "published" and records["Pollinator strategy"].country == "KE"
    assert records["Pollinator strategy"].source == "import"
    assert records["Business coalition targets"].status == "pending"


def test_a_registry_upload_cannot_be_confirmed_as_records(client, session, secretariat):
    user_id = session.exec(select(PendingImport.uploaded_by_id)).first()  # none yet
    assert user_id is None
    token = keep_pending(
        session=session, content=b"name,type\nX,ngo\n", owner_id=secretariat.id, kind="organisations", file_name="o.csv"
    )
    response = client.post("/staff/records/import/confirm", data={"token": token, "confirm": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/records/import")


def test_cancel_discards_the_upload(client, session, secretariat):
    response = upload(client, IMPORT_URL, "calls", csv_bytes([["title", "opened_on"], ["A call", "2024-01-01"]]))
    client.post("/staff/records/import/confirm", data={"token": token_of(response), "cancel": "1"})
    assert row_count(session, PendingImport) == 0 and row_count(session, CallForInput) == 0


def test_templates_carry_the_documented_columns(client, secretariat):
    response = client.get("/staff/records/import/templates/concerns.csv")
    assert response.get_data(as_text=True).lstrip("\ufeff").strip() == ",".join(importing.template_header("concerns"))
    assert client.get("/staff/records/import/templates/organisations.csv").status_code == 404


@pytest.mark.parametrize(
    "kind, form, row, field, column, expected",
    [
        (
            "evidence",
            {"kind": "strategy", "title": "Strategy", "issued_on": "2015-01-17", "link": "ftp://example.org/x"},
            {"kind": "strategy", "title": "Strategy", "date": "2015-01-17", "link": "ftp://example.org/x"},
            "link",
            "link",
            "A web address starts with http:// or https://.",
        ),
        (
            "concerns",
            {"summary": "Late", "raised_on": "2025-03-01", "channel": "email", "status": "answered"},
            {"summary": "Late", "raised_on": "2025-03-01", "channel": "email", "status": "answered"},
            "answer",
            "answer",
            "An answered concern needs the answer given.",
        ),
        (
            "impacts",
            {
                "title": "Strategy",
                "impact_type": "policy",
                "scale": "national",
                "description": "Used",
                "status": "pending",
            },
            {"title": "Strategy", "type": "policy", "scale": "national", "description": "Used"},
            "region",
            "region",
            "Give a regional group or a country (or both).",
        ),
    ],
)
def test_a_value_a_form_refuses_is_refused_in_a_file_with_the_same_message(
    client, session, secretariat, kind, form, row, field, column, expected
):
    page = client.post(f"/staff/records/{kind}/new", data=form).get_data(as_text=True)
    found = re.search(rf'id="{field}-error"[^>]*>(.*?)</', page, re.S)
    assert found and expected in found.group(1), page[:200]
    report = importing.validate(session=session, kind=kind, content=csv_bytes([list(row), list(row.values())]))
    assert (column, expected) in [(p.column, p.text) for p in report.problems]
