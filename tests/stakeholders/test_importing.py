"""Secretariat imports: CSV and XLSX, preview, all-or-nothing, re-import updates, access."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from html import unescape

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import Session, func, select

from core.accounts import passwords
from core.accounts.models import User
from core.audit import AuditEvent
from core.imports import pending as pending_uploads
from core.imports import tables
from core.imports.importer import ImportFailed
from core.imports.models import PendingImport
from core.imports.tables import TableError, read_table
from core.text import search_key
from stakeholders import importing
from stakeholders.models import (
    ConsentRecord,
    ObserverAdmission,
    Organisation,
    OrganisationName,
    Participation,
    Stakeholder,
    StakeholderAttribute,
)
from tests.conftest import outbox_links
from tests.factories import make_activity, make_organisation, make_stakeholder, make_user
from tests.reading import row_count
from tests.uploads import csv_bytes, token_of, upload, xlsx_bytes

IMPORT_URL = "/staff/registry/import"
CONFIRM_URL = "/staff/registry/import/confirm"


# --- helpers ------------------------------------------------------------------------------


def encode(rows, fmt):
    return (xlsx_bytes(rows), "list.xlsx") if fmt == "xlsx" else (csv_bytes(rows), "list.csv")


def import_rows(client, kind, rows, fmt="csv"):
    """Upload, check the preview is valid, confirm; the summary page."""
    content, name = encode(rows, fmt)
    preview = upload(client, IMPORT_URL, kind, content, name)
    assert preview.status_code == 200
    token = token_of(preview)
    assert token, problems(preview)
    done = client.post(CONFIRM_URL, data={"token": token, "confirm": "1"}, follow_redirects=True)
    assert done.status_code == 200
    assert "Import complete" in done.get_data(as_text=True)
    return done


def problems(response) -> list[tuple[str, str, str]]:
    """(row, column, message) of every line of the report's problem table."""
    page = response.get_data(as_text=True)
    table = re.search(r'<table class="import-problems"[^>]*>.*?</table>', page, re.S)
    if not table:
        return []
    found = re.findall(
        r'<tr><th scope="row">(\d+)</th><td>(?:<code>([^<]*)</code>|—)</td><td>([^<]*)</td></tr>', table.group(0)
    )
    return [(row, unescape(column), unescape(message)) for row, column, message in found]


def import_events(session) -> int:
    """Audit events of imports (the check's job is audited too: queued and finished)."""
    session.expire_all()
    return session.exec(select(func.count()).where(AuditEvent.action == "registry.import")).one()


def summary(response) -> dict[str, str]:
    page = response.get_data(as_text=True)
    return dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", page))


STAKEHOLDER_HEADER = [
    "email",
    "name",
    "country",
    "category",
    "type",
    "gender",
    "sector",
    "job_title",
    "organisation",
    "organisation_country",
    "disciplines",
    "knowledge_systems",
    "communication",
    "preferred_language",
]


def stakeholder_rows():
    return [
        STAKEHOLDER_HEADER,
        [
            "layla@example.org",
            "ليلى حداد",
            "LB",
            "science",
            "contributor",
            "female",
            "academia",
            "Ecologist",
            "",
            "",
            "natural_sciences;Economics",
            "Scientific knowledge",
            "email; webinar",
            "ar",
        ],
        [
            "wang.fang@example.org",
            "王芳",
            "CHN",
            "Policymakers",
            "end_user",
            "",
            "government",
            "",
            "",
            "",
            "",
            "",
            "",
            "zh",
        ],
        [
            "jose@example.org",
            "José Pérez",
            "MX",
            "ngo",
            "both",
            "male",
            "Civil society and NGOs",
            "",
            "Red de Biodiversidad",
            "MX",
            "",
            "ilk;citizen_science",
            "",
            "Spanish",
        ],
    ]


# --- reading files ------------------------------------------------------------------------


def test_reader_reads_csv_with_row_numbers_and_loose_column_names():
    table = read_table(csv_bytes([[" Email ", "NAME"], ["a@example.org", "A"], ["", ""], ["b@example.org", "B"]]))
    assert table.keys == ["email", "name"]
    assert [(r.number, r.get("email"), r.get("name")) for r in table.rows] == [
        (2, "a@example.org", "A"),
        (4, "b@example.org", "B"),
    ]


def test_reader_sniffs_semicolons_and_drops_the_byte_order_mark():
    table = read_table(
        csv_bytes([["email", "organisation"], ["a@example.org", "Smith, Jones & Co"]], delimiter=";", bom=True)
    )
    assert table.keys == ["email", "organisation"]
    assert table.rows[0].get("organisation") == "Smith, Jones & Co"


def test_reader_reads_the_first_xlsx_sheet_with_spreadsheet_row_numbers():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["activity_id", "Comments"])
    sheet.append([1, 12.0])
    sheet.append([None, None])
    sheet.append([2, None])
    workbook.create_sheet("ignored").append(["nothing", "here"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue())
    assert [(r.number, r.get("activity_id"), r.get("comments")) for r in table.rows] == [(2, "1", "12"), (4, "2", "")]


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\x01\x02\xff\xfe garbage \x00" * 50,  # binary
        "name\nRenée".encode("latin-1"),  # not UTF-8
        b"PK\x03\x04 this is no workbook",  # a damaged zip
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel",  # .xls
        b"",
        b"email,name\n",  # column names only
    ],
)
def test_reader_refuses_what_it_cannot_read(content):
    with pytest.raises(TableError):
        read_table(content)


def test_reader_refuses_too_many_rows_and_too_large_files(monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 3)
    read_table(csv_bytes([["email"], ["a"], ["b"], ["c"]]))
    with pytest.raises(TableError):
        read_table(csv_bytes([["email"], ["a"], ["b"], ["c"], ["d"]]))
    with pytest.raises(TableError):
        read_table(b"email\n" + b"a" * tables.MAX_BYTES)


# --- organisations ------------------------------------------------------------------------

ORGANISATION_HEADER = [
    "name",
    "country",
    "type",
    "acronym",
    "website",
    "observer_session",
    "observer_year",
    "name_ar",
    "name_zh",
    "name_fr",
]


def organisation_rows():
    return [
        ORGANISATION_HEADER,
        [
            "Red de Biodiversidad",
            "MEX",
            "NGO or civil society organisation",
            "RdB",
            "https://rdb.example.org",
            "IPBES-11",
            "2024",
            "شبكة التنوع البيولوجي",
            "生物多样性网络",
            "Réseau de biodiversité",
        ],
        ["Global Ocean Institute", "", "research", "", "", "", "", "", "", ""],
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_organisations_import_and_reimport_updates(client, secretariat, session, fmt):
    done = import_rows(client, "organisations", organisation_rows(), fmt)
    assert summary(done)["New records"] == "2"
    session.expire_all()
    network = session.exec(select(Organisation).where(Organisation.name == "Red de Biodiversidad")).one()
    assert (network.country, network.org_type, network.status, network.acronym) == ("MX", "ngo", "approved", "RdB")
    names = {
        n.language: n.name
        for n in session.exec(select(OrganisationName).where(OrganisationName.organisation_id == network.id))
    }
    assert names == {"ar": "شبكة التنوع البيولوجي", "zh": "生物多样性网络", "fr": "Réseau de biodiversité"}
    admission = session.exec(select(ObserverAdmission).where(ObserverAdmission.organisation_id == network.id)).one()
    assert (admission.plenary_session, admission.year) == ("IPBES-11", 2024)
    institute = session.exec(select(Organisation).where(Organisation.name == "Global Ocean Institute")).one()
    assert institute.country is None and institute.status == "approved"

    # Same organisation, other case and no accents: an update, not a duplicate.
    rows = [
        ORGANISATION_HEADER,
        ["RED DE BIODIVERSIDÁD", "mx", "ngo", "", "https://new.example.org", "IPBES-12", "2025", "", "", ""],
    ]
    done = import_rows(client, "organisations", rows, fmt)
    assert (summary(done)["New records"], summary(done)["Updated records"]) == ("0", "1")
    assert row_count(session, Organisation) == 2
    network = session.get(Organisation, network.id)
    assert network.website == "https://new.example.org"
    assert network.acronym == "RdB"  # an empty cell leaves the value as it is
    assert row_count(session, ObserverAdmission) == 2


# --- stakeholders -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_stakeholders_import_creates_accounts_without_password(client, secretariat, session, fmt):
    network = make_organisation(session, name="Red de Biodiversidad", country="MX", org_type="ngo")
    done = import_rows(client, "stakeholders", stakeholder_rows(), fmt)
    assert summary(done)["New records"] == "3"
    session.expire_all()
    layla = session.exec(select(User).where(User.email == "layla@example.org")).one()
    assert layla.name == "ليلى حداد"
    assert layla.email_verified_at is None and layla.role == "stakeholder"
    assert not passwords.verify_password(layla.password_hash, "")
    assert not passwords.verify_password(layla.password_hash, "!")
    profile = session.exec(select(Stakeholder).where(Stakeholder.user_id == layla.id)).one()
    assert (profile.country, profile.category, profile.gender, profile.preferred_language) == (
        "LB",
        "science",
        "female",
        "ar",
    )
    chosen = {
        (a.field, a.code)
        for a in session.exec(select(StakeholderAttribute).where(StakeholderAttribute.stakeholder_id == profile.id))
    }
    assert chosen == {
        ("discipline", "natural_sciences"),
        ("discipline", "economics"),
        ("knowledge_system", "scientific"),
        ("communication", "email"),
        ("communication", "webinar"),
    }
    consents = session.exec(select(ConsentRecord).where(ConsentRecord.stakeholder_id == profile.id)).all()
    assert [(c.kind, c.granted) for c in consents] == [("data_processing", True)]
    assert not (profile.public_listing or profile.share_with_focal_point or profile.mailing_list)

    wang = session.exec(select(User).where(User.email == "wang.fang@example.org")).one()
    assert wang.name == "王芳"
    assert session.exec(select(Stakeholder.country).where(Stakeholder.user_id == wang.id)).one() == "CN"
    jose = session.exec(
        select(Stakeholder).join(User, User.id == Stakeholder.user_id).where(User.email == "jose@example.org")
    ).one()
    assert (jose.organisation_id, jose.sector, jose.stakeholder_type, jose.preferred_language) == (
        network.id,
        "ngo",
        "both",
        "es",
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_stakeholders_reimport_matches_email_in_any_case(client, secretariat, session, fmt):
    existing = make_stakeholder(
        session, name="Wanjiku Otieno", email="wanjiku@example.org", country="KE", public_listing=True
    )
    rows = [
        ["Email", "Name", "Country", "Category", "Job_title"],
        ["WANJIKU@Example.org", "Wanjiku Otieno-Kamau", "KEN", "practitioner", "Forest officer"],
    ]
    done = import_rows(client, "stakeholders", rows, fmt)
    assert (summary(done)["New records"], summary(done)["Updated records"]) == ("0", "1")
    assert row_count(session, Stakeholder) == 1 and row_count(session, User) == 2  # the staff account and Wanjiku
    record = session.get(Stakeholder, existing.id)
    assert (record.category, record.job_title, record.gender) == ("practitioner", "Forest officer", "female")
    assert record.public_listing  # consents are the person's own: an import never changes them
    assert session.get(User, record.user_id).name == "Wanjiku Otieno-Kamau"

    done = import_rows(client, "stakeholders", rows, fmt)  # the same file again: still one record
    assert summary(done)["Updated records"] == "1"
    assert row_count(session, Stakeholder) == 1


def test_stakeholders_reimport_replaces_only_the_choices_the_file_gives(client, secretariat, session):
    """Updates are written a batch at a time: each person's fields, name and the multi-valued fields
    in the file change; the choices the file does not give stay."""
    first = make_stakeholder(session, name="Wanjiku Otieno", email="wanjiku@example.org", country="KE")
    second = make_stakeholder(
        session, name="Rahel Tesfaye", email="rahel@example.org", country="ET", knowledge_systems=("ilk",)
    )
    rows = [
        ["email", "name", "country", "category", "gender", "disciplines"],
        ["wanjiku@example.org", "Wanjiku Otieno-Kamau", "KE", "practitioner", "another", "economics;social_sciences"],
        ["rahel@example.org", "Rahel Tesfaye", "ET", "policymaker", "male", ""],
    ]
    done = import_rows(client, "stakeholders", rows)
    assert (summary(done)["New records"], summary(done)["Updated records"]) == ("0", "2")
    session.expire_all()
    one, two = session.get(Stakeholder, first.id), session.get(Stakeholder, second.id)
    assert (one.category, one.gender, one.gender_self_described) == ("practitioner", "another", "")
    assert (two.category, two.gender, two.country) == ("policymaker", "male", "ET")
    assert one.search_name == search_key("Wanjiku Otieno-Kamau")
    assert session.get(User, one.user_id).name == "Wanjiku Otieno-Kamau"
    chosen = {
        (a.stakeholder_id, a.field, a.code)
        for a in session.exec(
            select(StakeholderAttribute).where(StakeholderAttribute.stakeholder_id.in_([first.id, second.id]))
        )
    }
    assert {(f, c) for i, f, c in chosen if i == first.id} == {
        ("discipline", "economics"),
        ("discipline", "social_sciences"),
        ("knowledge_system", "scientific"),
        ("communication", "email"),
    }
    assert {(f, c) for i, f, c in chosen if i == second.id} >= {
        ("discipline", "natural_sciences"),
        ("knowledge_system", "ilk"),
    }


def test_semicolon_csv_with_byte_order_mark(client, secretariat, session):
    content = csv_bytes(stakeholder_rows()[:3], delimiter=";", bom=True)
    preview = upload(client, IMPORT_URL, "stakeholders", content)
    assert problems(preview) == []
    client.post(CONFIRM_URL, data={"token": token_of(preview), "confirm": "1"})
    session.expire_all()
    assert session.exec(select(User.name).where(User.email == "layla@example.org")).one() == "ليلى حداد"
    assert row_count(session, Stakeholder) == 2


def test_an_imported_person_claims_the_account_with_forgot_password(secretariat, client, session, auth):
    import_rows(client, "stakeholders", stakeholder_rows()[:2])
    auth.logout()
    client.post("/account/forgot", data={"email": "layla@example.org"})
    link = next(link for link in outbox_links(session, "layla@example.org") if "/reset/" in link)
    client.post(
        link.replace("http://localhost", ""),
        data={"password": "olive trees by the sea", "confirm": "olive trees by the sea"},
    )
    session.expire_all()
    user = session.exec(select(User).where(User.email == "layla@example.org")).one()
    assert user.email_verified_at is not None
    assert passwords.verify_password(user.password_hash, "olive trees by the sea")


# --- participation ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_participation_import_and_reimport_updates_comments(client, secretariat, session, fmt):
    review = make_activity(session)
    person = make_stakeholder(session, email="reviewer@example.org")
    organisation = make_organisation(session, name="Institut de la biodiversité", country="FR")
    rows = [
        ["activity_id", "email", "organisation", "organisation_country", "role", "comments"],
        [str(review.id), "Reviewer@example.org", "", "", "reviewer", "12"],
        [str(review.id), "", "institut de la biodiversite", "FRA", "Input submitted", ""],
        [str(review.id), "reviewer@example.org", "", "", "participant", ""],
    ]
    done = import_rows(client, "participation", rows, fmt)
    assert summary(done)["New records"] == "3"
    session.expire_all()
    records = session.exec(select(Participation).order_by(Participation.id)).all()
    assert [(r.stakeholder_id, r.organisation_id, r.role, r.comments) for r in records] == [
        (person.id, None, "reviewer", 12),
        (None, organisation.id, "input_submitted", None),
        (person.id, None, "participant", None),
    ]

    rows[1][5] = "15"
    done = import_rows(client, "participation", rows, fmt)
    assert (summary(done)["New records"], summary(done)["Updated records"]) == ("0", "3")
    assert row_count(session, Participation) == 3
    assert session.exec(select(Participation.comments).where(Participation.role == "reviewer")).one() == 15


# --- one bad row: nothing at all is imported ----------------------------------------------


# case -> (kind, cells changed in row 3 of an otherwise valid file, the column the report must name)
BAD_CASES = {
    "unknown country": ("stakeholders", {"country": "XX"}, "country"),
    "bad category": ("stakeholders", {"category": "astronauts"}, "category"),
    "missing email": ("stakeholders", {"email": ""}, "email"),
    "unknown organisation": ("stakeholders", {"organisation": "Nowhere Institute"}, "organisation"),
    "bad multi value": ("stakeholders", {"disciplines": "economics;alchemy"}, "disciplines"),
    "organisation country": ("organisations", {"country": "Atlantis"}, "country"),
    "organisation type": ("organisations", {"type": ""}, "type"),
    "website": ("organisations", {"website": "www.example.org"}, "website"),
    "observer year": ("organisations", {"observer_session": "IPBES-2", "observer_year": "1914"}, "observer_year"),
    "missing activity": ("participation", {"activity_id": "999"}, "activity_id"),
    "two parties": ("participation", {"organisation": "Red de Biodiversidad", "organisation_country": "MX"}, "email"),
    "no party": ("participation", {"email": ""}, "email"),
    "comments for a participant": ("participation", {"comments": "3"}, "comments"),
    "negative comments": ("participation", {"role": "reviewer", "comments": "-1"}, "comments"),
}


@pytest.mark.parametrize("case", list(BAD_CASES))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_one_bad_row_is_named_and_nothing_is_imported(client, secretariat, session, case, fmt):
    kind, changes, column = BAD_CASES[case]
    make_organisation(session, name="Red de Biodiversidad", country="MX", org_type="ngo")
    if kind == "stakeholders":
        rows = stakeholder_rows()
    elif kind == "organisations":
        rows = organisation_rows() + [["Third Organisation", "KE", "network", "", "", "", "", "", "", ""]]
    else:
        activity = make_activity(session)
        make_stakeholder(session, email="one@example.org", name="One Person")
        make_stakeholder(session, email="two@example.org", name="Two Person")
        rows = [
            ["activity_id", "email", "organisation", "organisation_country", "role", "comments"],
            [str(activity.id), "one@example.org", "", "", "participant", ""],
            [str(activity.id), "two@example.org", "", "", "participant", ""],
            [str(activity.id), "", "Red de Biodiversidad", "MX", "participant", ""],
        ]
    for name, value in changes.items():
        rows[2][rows[0].index(name)] = value
    before = {
        model: row_count(session, model) for model in (User, Stakeholder, Organisation, Participation, ConsentRecord)
    }
    before["imports audited"] = import_events(session)
    content, name = encode(rows, fmt)
    response = upload(client, IMPORT_URL, kind, content, name)
    assert response.status_code == 200
    reported = problems(response)
    assert reported and {(row, col) for row, col, _message in reported} == {("3", column)}, reported
    assert token_of(response) is None
    assert "Confirm the import" not in response.get_data(as_text=True)
    assert {model: row_count(session, model) for model in before if model != "imports audited"} | {
        "imports audited": import_events(session)
    } == before
    assert row_count(session, PendingImport) == 0  # an invalid file is not kept


def test_every_bad_row_is_reported_with_its_reason(client, secretariat, session):
    make_organisation(session, name="Red de Biodiversidad", country="MX", org_type="ngo")
    rows = stakeholder_rows()
    rows[1][2] = "ZZ"
    rows[3][0] = "not an address"
    rows.append(["layla@example.org", "Layla again", "LB", "science", "", "", "", "", "", "", "", "", "", ""])
    response = upload(client, IMPORT_URL, "stakeholders", csv_bytes(rows))
    assert problems(response) == [
        ("2", "country", "ZZ is not a recorded country."),
        ("4", "email", "not an address is not a valid email address."),
        ("5", "email", "The same email address is already in row 2."),
    ]
    assert "3 problems in the file." in response.get_data(as_text=True)


def test_header_problems_are_reported_on_row_one(client, secretariat, session):
    rows = [["email", "Nmae", "country", "category"], ["a@example.org", "A", "KE", "science"]]
    assert problems(upload(client, IMPORT_URL, "stakeholders", csv_bytes(rows))) == [
        ("1", "Nmae", "This column is not one of the documented columns."),
        ("1", "name", "This required column is missing."),
    ]


def test_unreadable_files_get_a_clear_message_not_an_error_page(client, secretariat, session):
    for content in (b"\x00\x01garbage\xff" * 100, b"PK\x03\x04broken", b"", b"a" * (10 * 1024 * 1024 + 1)):
        response = upload(client, IMPORT_URL, "stakeholders", content, "list.xlsx")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert 'id="file-error"' in page
    assert "larger than 10 MB" in page
    assert row_count(session, Stakeholder) == 0


def test_a_new_profile_is_written_as_the_registry_writes_one(client, secretariat, session):
    """The import inserts new profiles in bulk: the same row as `services.apply_profile` and
    `record_consents` write, and an account that had no profile takes the profile's name."""
    from stakeholders import schemas, services

    make_organisation(session, name="Red de Biodiversidad", country="MX", org_type="ngo")
    existing = make_user(session, email="wang.fang@example.org", name="Old name", password="x" * 12)
    import_rows(client, "stakeholders", stakeholder_rows(), "csv")
    session.expire_all()
    assert session.get(User, existing.id).name == "王芳"
    assert row_count(session, User) == 4  # the staff account, two new accounts and the existing one
    layla = session.exec(select(User).where(User.email == "layla@example.org")).one()
    imported = session.exec(select(Stakeholder).where(Stakeholder.user_id == layla.id)).one()
    profile = schemas.StakeholderCreate.model_validate(
        {**{name: getattr(imported, name) for name in services.STAKEHOLDER_FIELDS}, "name": layla.name}
        | {"country": imported.country, "email": layla.email}
    )
    expected = Stakeholder(category=profile.category)  # no account: flushed beside the imported one
    services.apply_profile(session, expected, None, profile)
    columns = [
        c.name for c in Stakeholder.__table__.columns if c.name not in ("id", "user_id", "created_at", "updated_at")
    ]
    assert {c: getattr(imported, c) for c in columns} == {c: getattr(expected, c) for c in columns}
    assert (layla.password_hash, layla.role, layla.locale, layla.is_active) == ("!", "stakeholder", "ar", True)
    assert layla.session_epoch and layla.created_at is not None
    session.rollback()


def test_a_database_failure_rolls_every_row_back(client, secretariat, session, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    from stakeholders import importing

    real, calls = importing._ids, []

    def failing_on_the_profiles(*args, **kwargs):  # the accounts are inserted, then the profiles fail
        calls.append(1)
        if len(calls) == 2:
            raise IntegrityError("INSERT", {}, Exception("duplicate"))
        return real(*args, **kwargs)

    preview = upload(client, IMPORT_URL, "stakeholders", csv_bytes(stakeholder_rows()[:3]))
    monkeypatch.setattr(importing, "_ids", failing_on_the_profiles)
    response = client.post(CONFIRM_URL, data={"token": token_of(preview), "confirm": "1"}, follow_redirects=True)
    assert "nothing was imported" in response.get_data(as_text=True)
    assert len(calls) == 2
    assert row_count(session, Stakeholder) == 0
    assert row_count(session, User) == 1  # the staff account only: the accounts inserted are rolled back
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "registry.import")).first() is None


# --- the confirmation step ----------------------------------------------------------------


def test_confirm_is_audited_and_the_upload_deleted(client, secretariat, session, app):
    content = csv_bytes(stakeholder_rows()[:2])
    preview = upload(client, IMPORT_URL, "stakeholders", content, "observers 2026.csv")
    token = token_of(preview)
    # The upload waits in the database, where any app process can read it, not on one machine's disk.
    pending = session.exec(select(PendingImport)).one()
    assert (pending.token, pending.kind, pending.filename, pending.content) == (
        token,
        "stakeholders",
        "observers 2026.csv",
        content,
    )
    assert pending.uploaded_by_id == secretariat.id
    assert row_count(session, Stakeholder) == 0  # the preview writes nothing
    client.post(CONFIRM_URL, data={"token": token, "confirm": "1"}, follow_redirects=True)
    assert row_count(session, PendingImport) == 0
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "registry.import")).one()
    assert event.details == {
        "kind": "stakeholders",
        "file_name": "observers 2026.csv",
        "rows": 1,
        "created": 1,
        "updated": 0,
    }
    assert event.actor_id == secretariat.id
    again = client.post(CONFIRM_URL, data={"token": token, "confirm": "1"}, follow_redirects=True)
    assert "no longer waiting for confirmation" in again.get_data(as_text=True)
    assert row_count(session, Stakeholder) == 1


def test_confirm_refuses_another_persons_upload(client, secretariat, session, auth):
    preview = upload(client, IMPORT_URL, "stakeholders", csv_bytes(stakeholder_rows()[:3]))
    token = token_of(preview)
    assert token
    make_user(session, email="colleague@example.org", role="secretariat")
    auth.logout()
    auth.login("colleague@example.org")
    for action in ("confirm", "cancel"):
        response = client.post(CONFIRM_URL, data={"token": token, action: "1"}, follow_redirects=True)
        assert "no longer waiting for confirmation" in response.get_data(as_text=True)
    assert row_count(session, Stakeholder) == 0
    assert row_count(session, PendingImport) == 1  # neither used nor cancelled by the colleague
    auth.logout()
    auth.login(secretariat.email)  # still there for its owner
    assert client.post(CONFIRM_URL, data={"token": token, "confirm": "1"}, follow_redirects=True).status_code == 200
    assert row_count(session, Stakeholder) == 2


def backdate_pending(session, age):
    for pending in session.exec(select(PendingImport)):
        pending.created_at -= age
        session.add(pending)
    session.commit()


def test_cancel_and_expiry(client, secretariat, session):
    token = token_of(upload(client, IMPORT_URL, "stakeholders", csv_bytes(stakeholder_rows()[:3])))
    response = client.post(CONFIRM_URL, data={"token": token, "cancel": "1"}, follow_redirects=True)
    assert "nothing was imported" in response.get_data(as_text=True)
    assert row_count(session, PendingImport) == 0

    token = token_of(upload(client, IMPORT_URL, "stakeholders", csv_bytes(stakeholder_rows()[:3])))
    backdate_pending(session, pending_uploads.PENDING_MAX_AGE + timedelta(minutes=1))
    response = client.post(CONFIRM_URL, data={"token": token, "confirm": "1"}, follow_redirects=True)
    assert "no longer waiting for confirmation" in response.get_data(as_text=True)
    assert row_count(session, Stakeholder) == 0
    # Forgotten uploads are deleted when anyone next uploads a file.
    fresh = token_of(upload(client, IMPORT_URL, "stakeholders", csv_bytes(stakeholder_rows()[:2])))
    session.expire_all()
    assert session.exec(select(PendingImport.token)).all() == [fresh]
    for forged in ("../../secret_key", "x" * 40, ""):
        response = client.post(CONFIRM_URL, data={"token": forged, "confirm": "1"})
        assert response.status_code in (302, 400)


def test_an_upload_is_imported_at_most_once(client, secretariat, session, app):
    """Two confirmations of one upload, say on two app machines: the second imports nothing."""
    token = token_of(upload(client, IMPORT_URL, "stakeholders", csv_bytes(stakeholder_rows()[:3])))
    with app.app_context():
        from core.db import get_session

        first, second = get_session(), Session(app.extensions["db_engine"])
        pending = pending_uploads.pending_upload(session=first, token=token, owner_id=pending_owner(session))
        also = pending_uploads.pending_upload(session=second, token=token, owner_id=pending_owner(session))
        assert importing.import_pending(session=first, pending=pending, actor_id=None).valid
        with pytest.raises(ImportFailed):
            importing.import_pending(session=second, pending=also, actor_id=None)
        second.close()
    assert row_count(session, Stakeholder) == 2 and row_count(session, PendingImport) == 0


def pending_owner(session) -> int:
    return session.exec(select(PendingImport.uploaded_by_id)).one()


def test_upload_page_documents_the_columns_and_templates_download(client, secretariat):
    page = client.get(IMPORT_URL).get_data(as_text=True)
    for name in ("organisation_country", "observer_session", "knowledge_systems", "activity_id", "comments"):
        assert f"<code>{name}</code>" in page
    assert "Several values separated by" in page
    response = client.get("/staff/registry/import/templates/stakeholders.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    header = next(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert header == importing.template_header("stakeholders")
    workbook = load_workbook(io.BytesIO(client.get("/staff/registry/import/templates/participation.xlsx").data))
    assert [c.value for c in workbook.active[1]] == importing.template_header("participation")
    assert client.get("/staff/registry/import/templates/users.csv").status_code == 404


@pytest.mark.parametrize("role", ["stakeholder", "focal_point"])
def test_only_the_secretariat_may_import(app, client, session, auth, role):
    make_user(session, email="someone@example.org", role=role, country="KE" if role == "focal_point" else None)
    auth.login("someone@example.org")
    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, IMPORT_URL, "stakeholders", csv_bytes(stakeholder_rows())).status_code == 403
    assert client.post(CONFIRM_URL, data={"token": "x" * 43, "confirm": "1"}).status_code == 403
    assert client.get("/staff/registry/import/templates/stakeholders.csv").status_code == 403
    assert row_count(session, Stakeholder) == 0


def test_an_administrator_counts_as_secretariat(app, client, session, auth):
    make_user(session, email="admin@example.org", role="admin")
    auth.login("admin@example.org")
    assert client.get(IMPORT_URL).status_code == 200
    import_rows(client, "stakeholders", stakeholder_rows()[:2])
    assert row_count(session, Stakeholder) == 1


def test_confirm_checks_the_file_again_against_the_registry(client, secretariat, session):
    network = make_organisation(session, name="Red de Biodiversidad", country="MX", org_type="ngo")
    preview = upload(client, IMPORT_URL, "stakeholders", csv_bytes(stakeholder_rows()))
    assert token_of(preview)
    network.status = "merged"  # between the preview and the confirmation
    session.add(network)
    session.commit()
    response = client.post(CONFIRM_URL, data={"token": token_of(preview), "confirm": "1"}, follow_redirects=True)
    assert "The registry changed since the file was checked" in response.get_data(as_text=True)
    assert [(row, column) for row, column, _m in problems(response)] == [("4", "organisation")]
    assert row_count(session, Stakeholder) == 0 and row_count(session, User) == 1


def test_cell_values_are_shown_as_text(client, secretariat, session):
    rows = [
        ["email", "name", "country", "category"],
        ["a@example.org", "<script>alert(1)</script>", "<b>KE</b>", "science"],
    ]
    page = upload(client, IMPORT_URL, "stakeholders", csv_bytes(rows)).get_data(as_text=True)
    assert "<script>alert" not in page and "<b>KE" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;KE&lt;/b&gt; is not a recorded country." in page
    page = upload(
        client, IMPORT_URL, "stakeholders", csv_bytes([["<i>email", "<i>email "], ["a", "b"]]), "<b>x</b>.csv"
    ).get_data(as_text=True)
    assert "The column &lt;i&gt;email appears twice" in page and "<i>email" not in page
    rows[1][2] = "KE"
    content = csv_bytes(rows)
    token = token_of(upload(client, IMPORT_URL, "stakeholders", content, "<b>list.csv"))
    page = client.post(CONFIRM_URL, data={"token": token, "confirm": "1"}, follow_redirects=True).get_data(as_text=True)
    assert "&lt;b&gt;list.csv is imported." in page and "<b>list" not in page


@pytest.mark.parametrize(
    "form, cells, column",
    [
        ({"website": "http://"}, {"website": "http://"}, "website"),  # no host: the form and the row refuse it
        ({"acronym": "A" * 41}, {"acronym": "A" * 41}, "acronym"),
        ({"org_type": "club"}, {"type": "club"}, "type"),
    ],
)
def test_an_organisation_a_form_refuses_is_refused_in_a_file(client, secretariat, session, form, cells, column):
    values = {"name": "Red Andina", "org_type": "ngo", "country": "PE", **form}
    page = client.post("/staff/registry/organisations/new", data=values).get_data(as_text=True)
    assert f'id="{next(iter(form))}-error"' in page
    row = {"name": "Red Andina", "country": "PE", "type": "ngo", **cells}
    response = upload(client, IMPORT_URL, "organisations", csv_bytes([list(row), list(row.values())]))
    assert [(r, c) for r, c, _message in problems(response)] == [("2", column)]
    assert row_count(session, Organisation) == 0


def test_not_allowed_values_are_listed_in_the_report(client, secretariat, session):
    rows = [["email", "name", "country", "category"], ["a@example.org", "A Person", "KE", "scientists"]]
    assert problems(upload(client, IMPORT_URL, "stakeholders", csv_bytes(rows))) == [
        (
            "2",
            "category",
            "scientists is not one of the allowed values: policymaker, un_mea, science, ilk, business, "
            "practitioner, cbo, igo, ngo, media, public.",
        )
    ]


def test_a_reimported_row_is_checked_once(session, monkeypatch):
    """Each row of a re-import is validated once, as the whole profile it makes (the file's values over
    the recorded ones), and still planned as an update that keeps what the file leaves empty."""
    for n in range(3):
        make_stakeholder(session, name=f"Person {n}", email=f"person{n}@example.org", country="KE", gender="female")
    validated = []
    original = importing.validate_model

    def counted(model, values):
        validated.append(model.__name__)
        return original(model, values)

    monkeypatch.setattr(importing, "validate_model", counted)
    rows = [["email", "name", "country", "category", "gender"]]
    rows += [[f"person{n}@example.org", f"Person {n} Renamed", "KE", "practitioner", ""] for n in range(3)]
    rows.append(["new@example.org", "Someone New", "KE", "science", "male"])
    report = importing.validate(session=session, kind="stakeholders", content=csv_bytes(rows))
    assert report.valid, report.problems
    assert validated == ["StakeholderCreate"] * 4  # one check per row, updates as new profiles are
    assert [p.action for p in report.plans] == ["update", "update", "update", "create"]
    kept = [p.values[2] for p in report.plans[:3]]
    assert {(p.name, p.category, p.gender) for p in kept} == {
        (f"Person {n} Renamed", "practitioner", "female") for n in range(3)
    }
