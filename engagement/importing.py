"""Secretariat imports of engagement records from CSV or XLSX, under the registry's import rules.

The shared import machinery is reused as it is: core/imports provides the column documentation
(`Kind`, `Column`), the report (`Report`, `Plan`), the cells (`Cells`), the file and header
checks (`check_file`) and, through `Importer`, the one-transaction write with its audit event and
the uploads waiting in the database between preview and confirmation; the registry's look-ups
(stakeholders/import_lookups.py) find the stakeholders a row names.
What is specific here is how a row becomes a record: its cells are read into the record type's
models (engagement/schemas.py: `update` for the cells given, then `create` for the record they
make) and checked with the very rules the forms use, plus `services.record_problems`.

Rules, as for the registry: every problem names its row and column; nothing is written unless
every row is valid, and then all rows are written in one transaction with one audit event;
re-importing updates the record with the same natural key instead of adding it again, and on
an update an empty cell leaves the recorded value as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from core.accounts.services import normalise_email
from core.imports import jobs as import_jobs
from core.imports import rows
from core.imports.cells import Cells, Column, Kind
from core.imports.importer import Importer
from core.imports.report import Plan, Report, check_file
from core.imports.tables import Row, Table
from core.problems import ValidationFailed
from core.problems import validate as validate_model
from engagement import services
from engagement import vocabularies as vocab
from stakeholders.import_lookups import Lookups

__all__ = ["KINDS", "RECORDS", "import_pending", "run_import", "template_header", "validate"]

_DATE = _l("A date written YYYY-MM-DD, e.g. 2025-06-30 (or a date cell in XLSX).")
_ONE = _l("A code or its English label.")
_SEVERAL = _l('Several values separated by ";": codes or English labels.')
_URL = _l("Web address, starting with http:// or https://.")

EVIDENCE = Kind(
    name="evidence",
    label=services.EVIDENCE.label,
    description=_l(
        "Evidence items are matched on their kind and title (any case or accents): a match is "
        "updated, any other row adds an item."
    ),
    columns=(
        Column("kind", _ONE, required=True, vocabulary=vocab.EVIDENCE_KIND, example="strategy"),
        Column(
            "title",
            _l("Title of the document or the consultation."),
            required=True,
            max_length=300,
            example="Stakeholder engagement strategy",
        ),
        Column("date", _DATE, required=True, example="2015-01-16"),
        Column("link", _URL, max_length=500, example="https://www.ipbes.net/stakeholder-engagement"),
        Column("languages", _SEVERAL, vocabulary=vocab.LANGUAGE, multiple=True, example="en;fr;es"),
        Column("notes", _l("Notes."), max_length=5000),
    ),
)

BARRIER_ACTIONS = Kind(
    name="barrier_actions",
    label=services.BARRIER_ACTIONS.label,
    description=_l(
        "Planned steps are matched on their barrier and action (any case or accents): a match is "
        "updated, any other row adds a step."
    ),
    columns=(
        Column("barrier", _ONE, required=True, vocabulary=vocab.BARRIER, example="language"),
        Column(
            "action",
            _l("What the secretariat will do."),
            required=True,
            max_length=500,
            example="Interpretation into the six UN languages at stakeholder days",
        ),
        Column("owner", _l("Who is responsible."), max_length=200, example="Capacity-building unit"),
        Column("due_date", _DATE, example="2026-06-30"),
        Column("status", _ONE, vocabulary=vocab.ACTION_STATUS, example="planned"),
    ),
)

IMPACTS = Kind(
    name="impacts",
    label=services.IMPACTS.label,
    description=_l(
        "Impact records are matched on their title (any case or accents): a match is updated, any "
        "other row adds a record, published unless the status column says otherwise."
    ),
    columns=(
        Column(
            "title",
            _l("A short title."),
            required=True,
            max_length=300,
            example="National biodiversity strategy cites the pollination assessment",
        ),
        Column("type", _ONE, required=True, vocabulary=vocab.IMPACT_TYPE, example="policy"),
        Column("scale", _ONE, required=True, vocabulary=vocab.IMPACT_SCALE, example="national"),
        Column(
            "region",
            _l("UN regional group: AFR, APAC, EEG, GRULAC or WEOG."),
            vocabulary=vocab.REGIONAL_GROUP,
            example="AFR",
        ),
        Column("country", _l("ISO 3166 code of two or three letters, e.g. KE or KEN."), example="KE"),
        Column("year", _l("Year it happened."), example="2024"),
        Column("deliverable", _ONE, vocabulary=vocab.DELIVERABLE, example="pollination"),
        Column("description", _l("What changed, and how IPBES contributed."), required=True, max_length=5000),
        Column("evidence_link", _URL, max_length=500),
        Column("submitter_name", _l("Who reported it (never shown publicly)."), max_length=200),
        Column("submitter_email", _l("Their email address (never shown publicly)."), max_length=254),
        Column("status", _ONE, vocabulary=vocab.IMPACT_STATUS, example="published"),
    ),
)

CONCERNS = Kind(
    name="concerns",
    label=services.CONCERNS.label,
    description=_l(
        "Concerns are matched on the date raised and their summary (any case or accents): a match "
        "is updated, any other row adds a concern."
    ),
    columns=(
        Column("summary", _l("The concern, in a sentence or two."), required=True, max_length=500),
        Column("raised_on", _DATE, required=True, example="2025-03-14"),
        Column("channel", _ONE, required=True, vocabulary=vocab.CONCERN_CHANNEL, example="email"),
        Column(
            "raised_by_email", _l("Email address of the registered stakeholder who raised it, if any."), max_length=254
        ),
        Column("status", _ONE, vocabulary=vocab.CONCERN_STATUS, example="answered"),
        Column("answer", _l("The answer given."), max_length=5000),
        Column("answered_on", _DATE, example="2025-03-28"),
    ),
)

CALLS = Kind(
    name="calls",
    label=services.CALLS.label,
    description=_l(
        "Calls for input are matched on their title (any case or accents) and opening date: a match "
        "is updated, any other row adds a call."
    ),
    columns=(
        Column(
            "title",
            _l("Title of the call."),
            required=True,
            max_length=300,
            example="Call for input on the scoping of the spatial planning assessment",
        ),
        Column("opened_on", _DATE, required=True, example="2025-02-01"),
        Column("closed_on", _DATE, example="2025-03-15"),
        Column("deliverable", _ONE, vocabulary=vocab.DELIVERABLE, example="spatial_planning"),
        Column("responses", _l("Number of responses received (a whole number)."), example="143"),
        Column("audience", _SEVERAL, vocabulary=vocab.CALL_AUDIENCE, multiple=True, example="all"),
    ),
)

KINDS = {kind.name: kind for kind in (EVIDENCE, BARRIER_ACTIONS, IMPACTS, CONCERNS, CALLS)}


# --- reading a row into a record's model ----------------------------------------------------


@dataclass(frozen=True)
class _Reader:
    record_type: services.RecordType
    fields: dict[str, str]  # column -> model field, where they differ
    new_defaults: dict  # values of a new record when the file gives none

    @property
    def columns(self) -> dict[str, str]:
        """Model field -> column, where they differ (problems are reported under the column)."""
        return {name: column for column, name in self.fields.items()}


_READERS = {
    "evidence": _Reader(services.EVIDENCE, {"date": "issued_on"}, {}),
    "barrier_actions": _Reader(services.BARRIER_ACTIONS, {"due_date": "due_on"}, {}),
    "impacts": _Reader(services.IMPACTS, {"type": "impact_type"}, {"status": "published"}),
    "concerns": _Reader(services.CONCERNS, {"raised_by_email": "raised_by_id"}, {}),
    "calls": _Reader(services.CALLS, {}, {}),
}


def _row_values(cells: Cells, reader: _Reader, lookups: Lookups) -> dict:
    """The row's values by model field, with the country and the stakeholder it names looked up."""
    values = rows.row_values(cells, reader.fields)
    rows.look_up(cells, values, "country", lookups.country, "unknown_country")
    if "raised_by_id" in values:
        email = normalise_email(values.pop("raised_by_id"))
        stakeholder = lookups.stakeholder_for(email)
        if stakeholder is None or stakeholder.erased_at is not None:
            cells.problem(
                "raised_by_email", _l("No stakeholder is registered with the email address %(value)s.", value=email)
            )
        else:
            values["raised_by_id"] = stakeholder.id
    return values


def _given(cells: Cells, reader: _Reader, lookups: Lookups) -> dict | None:
    """The values the row gives, validated; None (with the problems reported) when they are not valid."""
    before = len(cells.problems)
    values = _row_values(cells, reader, lookups)
    try:
        given = validate_model(reader.record_type.update, values).model_dump(exclude_unset=True)
    except ValidationFailed as failed:
        rows.report(cells, failed.problems, reader.columns)
        return None
    return given if len(cells.problems) == before else None


# --- validating and importing -------------------------------------------------------------


def validate(*, session: Session, kind: str, content: bytes, progress=None) -> Report:
    """Check every row of a file (telling `progress(done, total)` on the way); raises `TableError` when the
    file is no readable table."""
    reader = _READERS[kind]
    record_type = reader.record_type

    def plans(table: Table, cells_of) -> Iterable[Plan | None]:
        lookups = Lookups(session)
        if kind == "concerns":
            lookups.load_accounts(normalise_email(row.get("raised_by_email")) for row in table.rows)
        existing = {}
        for record in session.exec(select(record_type.model).order_by(record_type.model.id)):
            existing.setdefault(record_type.key(record_type.values_of(record)), record)
        seen: dict[tuple, int] = {}
        for row in table.rows:
            yield _plan(session, cells_of(row), lookups, reader, existing, seen)

    return check_file(spec=KINDS[kind], content=content, plans=plans, progress=progress)


def _plan(session: Session, cells: Cells, lookups: Lookups, reader: _Reader, existing: dict, seen: dict) -> Plan | None:
    record_type = reader.record_type
    row: Row = cells.row
    given = _given(cells, reader, lookups)
    if given is None:
        return None
    record = None
    if all(given.get(name) not in (None, "") for name in record_type.key_fields):
        key = record_type.key(given)
        if key in seen:
            cells.problem(
                reader.columns.get(record_type.key_field, record_type.key_field),
                _l("The same record is already in row %(row)s.", row=seen[key]),
            )
            return None
        seen[key] = row.number
        record = existing.get(key)
    base = record_type.values_of(record) if record is not None else reader.new_defaults
    try:
        data = validate_model(record_type.create, {**base, **given})  # the forms' own rules
    except ValidationFailed as failed:
        rows.report(cells, failed.problems, reader.columns)
        return None
    problems = services.record_problems(session, record_type, data)
    if problems:
        rows.report(cells, problems, reader.columns)
        return None
    record_id = record.id if record is not None else None

    def apply(write_session: Session) -> None:
        target = write_session.get(record_type.model, record_id) if record_id else record_type.model()
        if record_id is None and record_type is services.IMPACTS:
            target.source = "import"
        services.apply_record(record_type, target, data)
        write_session.add(target)

    return Plan(row.number, "update" if record_id else "create", apply)


RECORDS = Importer(
    name="records",
    kinds=KINDS,
    validate=validate,
    audit_action="engagement.import",
    changed=_l(
        "The records changed while the file was being imported, so nothing was imported. "
        "Upload the file again to check it against the records as they are now."
    ),
)
import_jobs.register_family(RECORDS)
run_import, import_pending, template_header = RECORDS.run_import, RECORDS.import_pending, RECORDS.template_header
