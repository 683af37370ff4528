"""Secretariat imports of engagement records from CSV or XLSX, under the registry's import rules.

The shared import machinery is reused as it is: core/imports provides the column documentation
(`Kind`, `Column`), the report (`Report`, `Plan`), the cell readers (`Cells`), the file and header
checks (`check_file`) and, through `Importer`, the one-transaction write with its audit event and
the uploads waiting in the database between preview and confirmation; the registry's look-ups
(stakeholders/import_lookups.py) find the stakeholders a row names.
What is specific here is how a row becomes a record: each row is read into the data class of its
record type and checked with the very rules the forms use (`services.RecordType.problems`).

Rules, as for the registry: every problem names its row and column; nothing is written unless
every row is valid, and then all rows are written in one transaction with one audit event;
re-importing updates the record with the same natural key instead of adding it again, and on
an update an empty cell leaves the recorded value as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from core.accounts.services import normalise_email
from core.imports.cells import Cells, Column, Kind
from core.imports.importer import Importer
from core.imports.report import Plan, Report, check_file
from core.imports.tables import Row, Table
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


# --- reading a row into a record's data ---------------------------------------------------


class RecordCells(Cells):
    """The shared cell readers, with dates."""

    def date(self, name: str) -> date | None:
        value = self.text(name)
        if not value:
            return None
        try:
            return date.fromisoformat(value[:10]) if len(value) in (10, 19) else date.fromisoformat(value)
        except ValueError:
            self.problem(name, _l("%(value)s is not a date written YYYY-MM-DD.", value=value))
            return None


def _given(**values) -> dict:
    """Only the values a row gives: on an update, an empty cell keeps the recorded value."""
    return {name: value for name, value in values.items() if value not in (None, "")}


def _evidence(cells: RecordCells, lookups: Lookups) -> dict:
    return _given(
        kind=cells.code("kind"),
        title=cells.text("title"),
        issued_on=cells.date("date"),
        link=cells.text("link"),
        languages=cells.codes("languages"),
        notes=cells.text("notes"),
    )


def _barrier_action(cells: RecordCells, lookups: Lookups) -> dict:
    return _given(
        barrier=cells.code("barrier"),
        action=cells.text("action"),
        owner=cells.text("owner"),
        due_on=cells.date("due_date"),
        status=cells.code("status"),
    )


def _impact(cells: RecordCells, lookups: Lookups) -> dict:
    email = cells.email("submitter_email")
    return _given(
        title=cells.text("title"),
        impact_type=cells.code("type"),
        scale=cells.code("scale"),
        region=cells.code("region"),
        country=cells.country("country", lookups),
        year=cells.integer("year", minimum=1990, maximum=2100),
        deliverable=cells.code("deliverable"),
        description=cells.text("description"),
        evidence_link=cells.text("evidence_link"),
        submitter_name=cells.text("submitter_name"),
        submitter_email=email,
        status=cells.code("status"),
    )


def _concern(cells: RecordCells, lookups: Lookups) -> dict:
    raised_by_id = None
    email = normalise_email(cells.text("raised_by_email"))
    if email:
        stakeholder = lookups.stakeholder_for(email)
        if stakeholder is None or stakeholder.erased_at is not None:
            cells.problem(
                "raised_by_email", _l("No stakeholder is registered with the email address %(value)s.", value=email)
            )
        else:
            raised_by_id = stakeholder.id
    return _given(
        summary=cells.text("summary"),
        raised_on=cells.date("raised_on"),
        channel=cells.code("channel"),
        raised_by_id=raised_by_id,
        status=cells.code("status"),
        answer=cells.text("answer"),
        answered_on=cells.date("answered_on"),
    )


def _call(cells: RecordCells, lookups: Lookups) -> dict:
    return _given(
        title=cells.text("title"),
        opened_on=cells.date("opened_on"),
        closed_on=cells.date("closed_on"),
        deliverable=cells.code("deliverable"),
        responses=cells.integer("responses", minimum=0),
        audience=cells.codes("audience"),
    )


@dataclass(frozen=True)
class _Reader:
    record_type: services.RecordType
    read: Callable[[RecordCells, Lookups], dict]
    columns: dict[str, str]  # data field -> column, where they differ
    new_defaults: dict  # values of a new record when the file gives none


_READERS = {
    "evidence": _Reader(services.EVIDENCE, _evidence, {"issued_on": "date"}, {}),
    "barrier_actions": _Reader(services.BARRIER_ACTIONS, _barrier_action, {"due_on": "due_date"}, {}),
    "impacts": _Reader(services.IMPACTS, _impact, {"impact_type": "type"}, {"status": "published"}),
    "concerns": _Reader(services.CONCERNS, _concern, {"raised_by": "raised_by_email"}, {}),
    "calls": _Reader(services.CALLS, _call, {}, {}),
}


# --- validating and importing -------------------------------------------------------------


def validate(*, session: Session, kind: str, content: bytes) -> Report:
    """Check every row of a file; raises `TableError` when the file is no readable table."""
    reader = _READERS[kind]
    record_type = reader.record_type

    def plans(table: Table, cells_of) -> Iterable[Plan | None]:
        lookups = Lookups(session)
        if kind == "concerns":
            lookups.load_accounts(normalise_email(row.get("raised_by_email")) for row in table.rows)
        existing = {}
        for record in session.exec(select(record_type.model).order_by(record_type.model.id)):
            existing.setdefault(record_type.key(record_type.to_data(record)), record)
        seen: dict[tuple, int] = {}
        for row in table.rows:
            yield _plan(session, cells_of(row), lookups, reader, existing, seen)

    return check_file(spec=KINDS[kind], content=content, plans=plans, cells=RecordCells)


def _plan(
    session: Session, cells: RecordCells, lookups: Lookups, reader: _Reader, existing: dict, seen: dict
) -> Plan | None:
    record_type = reader.record_type
    row: Row = cells.row
    before = len(cells.problems)
    values = reader.read(cells, lookups)
    if len(cells.problems) > before or not all(name in values for name in record_type.key_fields):
        return None
    key = record_type.key(SimpleNamespace(**values))
    key_column = reader.columns.get(record_type.key_field, record_type.key_field)
    if key in seen:
        cells.problem(key_column, _l("The same record is already in row %(row)s.", row=seen[key]))
        return None
    seen[key] = row.number
    record = existing.get(key)
    try:
        data = (
            replace(record_type.to_data(record), **values)
            if record is not None
            else record_type.data(**{**reader.new_defaults, **values})
        )
    except TypeError:  # a required value is missing; the empty cell is already reported
        return None
    for field_name, message in record_type.problems(session, data):  # the forms' own rules
        cells.problem(reader.columns.get(field_name, field_name), message)
    if len(cells.problems) > before:
        return None
    record_id = record.id if record is not None else None

    def apply(write_session: Session) -> None:
        target = write_session.get(record_type.model, record_id) if record_id else record_type.model()
        if record_id is None and record_type is services.IMPACTS:
            target.source = "import"
        record_type.apply(write_session, target, data)
        write_session.add(target)

    return Plan(row.number, "update" if record_id else "create", apply)


RECORDS = Importer(
    kinds=KINDS,
    validate=validate,
    audit_action="engagement.import",
    changed=_l(
        "The records changed while the file was being imported, so nothing was imported. "
        "Upload the file again to check it against the records as they are now."
    ),
)
run_import, import_pending, template_header = RECORDS.run_import, RECORDS.import_pending, RECORDS.template_header
