"""Engagement records: saving, listing and moderation. No HTTP here; each action commits once.

Every record kind is described by a `RecordType`: its table, its model family
(engagement/schemas.py: what a form, an import row or an API body provides, codes not labels,
with the rules it must meet), how it is written onto a table row (`apply_record`) and its
natural key. Forms go through `save_record`, which checks the rules that need the database
(`record_problems`), audits and commits; imports (engagement/importing.py) validate every row
with the same models and `record_problems` and write them with `apply_record`, committing once.
Problems are raised as codes (`core.problems.ValidationFailed`); the edges translate them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from core import audit
from core.accounts.models import User
from core.problems import Problem, ValidationFailed, refuse
from core.reference.models import Country
from core.schemas import Schema, in_order
from core.text import search_key
from core.timeutil import utcnow
from engagement import schemas
from engagement import vocabularies as vocab
from engagement.models import BarrierAction, CallForInput, Concern, EvidenceItem, ImpactRecord
from stakeholders.models import Stakeholder

# --- the record types ---------------------------------------------------------------------


@dataclass(frozen=True)
class RecordType:
    name: str  # in URLs, imports and audit actions
    label: object  # lazy string
    model: type  # the table
    create: type[Schema]  # what a new or edited record must be
    update: type[Schema]  # the same, every field optional (an import row gives only some)
    public: type[Schema]  # a record for output
    key_fields: tuple[str, ...]  # the natural key, as model fields (text fields compared by search_key)
    key_columns: tuple[str, ...]  # the same, as table columns
    key_field: str  # where a clash on the natural key is reported
    filters: dict[str, tuple[str, object]]  # query argument -> (column, vocabulary)
    order: tuple[str, ...]  # column names; "-" for descending
    search_keys: dict[str, str] = field(default_factory=dict)  # key column -> the text field it is made from
    ordered: dict[str, object] = field(default_factory=dict)  # list field -> vocabulary giving its order
    nullable: tuple[str, ...] = ()  # fields stored as NULL rather than ""

    def key(self, values: Mapping[str, Any]) -> tuple:
        return tuple(search_key(v) if isinstance(v, str) else v for v in (values[name] for name in self.key_fields))

    def values_of(self, record) -> dict[str, Any]:
        """A record's values, as its `create` model's fields."""
        return {name: getattr(record, name) for name in self.create.model_fields}


EVIDENCE = RecordType(
    "evidence",
    _l("Evidence of commitment"),
    EvidenceItem,
    schemas.EvidenceCreate,
    schemas.EvidenceUpdate,
    schemas.EvidencePublic,
    ("kind", "title"),
    ("kind", "title_key"),
    "title",
    {"evidence_kind": ("kind", vocab.EVIDENCE_KIND)},
    ("-issued_on", "-id"),
    search_keys={"title_key": "title"},
    ordered={"languages": vocab.LANGUAGE},
)
BARRIER_ACTIONS = RecordType(
    "barrier_actions",
    _l("Planned steps on barriers"),
    BarrierAction,
    schemas.BarrierActionCreate,
    schemas.BarrierActionUpdate,
    schemas.BarrierActionPublic,
    ("barrier", "action"),
    ("barrier", "action_key"),
    "action",
    {"barrier": ("barrier", vocab.BARRIER), "status": ("status", vocab.ACTION_STATUS)},
    ("due_on", "id"),
    search_keys={"action_key": "action"},
)
IMPACTS = RecordType(
    "impacts",
    _l("Impact records"),
    ImpactRecord,
    schemas.ImpactCreate,
    schemas.ImpactUpdate,
    schemas.ImpactPublic,
    ("title",),
    ("title_key",),
    "title",
    {"status": ("status", vocab.IMPACT_STATUS), "type": ("impact_type", vocab.IMPACT_TYPE)},
    ("-submitted_at", "-id"),
    search_keys={"title_key": "title"},
    nullable=("region", "country"),
)
CONCERNS = RecordType(
    "concerns",
    _l("Concerns raised"),
    Concern,
    schemas.ConcernCreate,
    schemas.ConcernUpdate,
    schemas.ConcernPublic,
    ("raised_on", "summary"),
    ("raised_on", "summary_key"),
    "summary",
    {"status": ("status", vocab.CONCERN_STATUS), "channel": ("channel", vocab.CONCERN_CHANNEL)},
    ("-raised_on", "-id"),
    search_keys={"summary_key": "summary"},
)
CALLS = RecordType(
    "calls",
    _l("Calls for input"),
    CallForInput,
    schemas.CallCreate,
    schemas.CallUpdate,
    schemas.CallPublic,
    ("title", "opened_on"),
    ("title_key", "opened_on"),
    "title",
    {"deliverable": ("deliverable", vocab.DELIVERABLE)},
    ("-opened_on", "-id"),
    search_keys={"title_key": "title"},
    ordered={"audience": vocab.CALL_AUDIENCE},
)

RECORD_TYPES = {t.name: t for t in (EVIDENCE, BARRIER_ACTIONS, IMPACTS, CONCERNS, CALLS)}


# --- the rules that need the database, and writing ----------------------------------------


def record_problems(session: Session, record_type: RecordType, data: Schema) -> list[Problem]:
    """What a record valid by its model may still not hold: references to rows that do not exist."""
    problems = []
    if record_type is IMPACTS and data.country:
        country = session.get(Country, data.country)
        if country is None:
            problems.append(Problem("country", "unknown_country", {"value": data.country}))
        elif data.region and country.regional_group and data.region != country.regional_group:
            problems.append(Problem("region", "country_not_in_group"))
    if record_type is CONCERNS and data.raised_by_id is not None:
        stakeholder = session.get(Stakeholder, data.raised_by_id)
        if stakeholder is None or stakeholder.erased_at is not None:
            problems.append(Problem("raised_by_id", "unknown_stakeholder"))
    return problems


def apply_record(record_type: RecordType, record, data: Schema) -> None:
    """Write validated data onto a table row; no commit."""
    values = data.model_dump(include=set(record_type.create.model_fields))
    for name, vocabulary in record_type.ordered.items():
        values[name] = in_order(values[name], vocabulary)
    for name in record_type.nullable:
        values[name] = values[name] or None
    status = values.pop("status", None) if record_type is IMPACTS else None
    for name, value in values.items():
        setattr(record, name, value)
    for column, source in record_type.search_keys.items():
        setattr(record, column, search_key(values[source]))
    if status is not None and record.status != status:
        record.status = status
        record.moderated_at = utcnow() if status != "pending" else None


def find_by_key(session: Session, record_type: RecordType, data: Schema) -> object | None:
    """The record with the same natural key as `data` (the oldest, where keys are not unique)."""
    model = record_type.model
    key = record_type.key(data.model_dump(include=set(record_type.key_fields)))
    conditions = [getattr(model, column) == value for column, value in zip(record_type.key_columns, key)]
    return session.exec(select(model).where(*conditions).order_by(model.id)).first()


def save_record(*, session: Session, record_type: RecordType, record, data: Schema, actor_id: int | None):
    """Create (record=None) or edit a record; raises ValidationFailed, saving nothing, on bad input."""
    problems = record_problems(session, record_type, data)
    if not problems and record_type is not IMPACTS:
        same = find_by_key(session, record_type, data)
        if same is not None and (record is None or same.id != record.id):
            problems.append(Problem(record_type.key_field, "duplicate_record"))
    refuse(problems)
    created = record is None
    if created:
        record = record_type.model()
        if record_type is IMPACTS:
            record.source = "secretariat"
    apply_record(record_type, record, data)
    if record_type is IMPACTS and record.moderated_at is not None and record.status != "pending":
        record.moderated_by_id = actor_id
    session.add(record)
    try:
        session.flush()
    except IntegrityError:  # another request saved the same natural key meanwhile
        session.rollback()
        raise ValidationFailed([Problem(record_type.key_field, "duplicate_record")]) from None
    audit.record(
        session,
        f"{record_type.name}.{'created' if created else 'edited'}",
        actor_id=actor_id,
        target=f"{record_type.name}:{record.id}",
    )
    session.commit()
    return record


def list_records(
    session: Session, record_type: RecordType, *, filters: dict[str, str], page: int = 1, per_page: int = 25
) -> tuple[list, int]:
    """One page of records matching `filters` (query argument -> code), and their total."""
    model = record_type.model
    conditions = [
        getattr(model, record_type.filters[name][0]) == value
        for name, value in filters.items()
        if value and name in record_type.filters
    ]
    total = session.exec(select(func.count()).select_from(model).where(*conditions)).one()
    order = [
        getattr(model, name[1:]).desc() if name.startswith("-") else getattr(model, name) for name in record_type.order
    ]
    rows = session.exec(
        select(model).where(*conditions).order_by(*order).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return list(rows), total


# --- impact records from the public, and their moderation ---------------------------------


def submit_impact(*, session: Session, data: schemas.ImpactSubmission, ip: str | None) -> ImpactRecord:
    """A record anyone submits: it waits for moderation whatever `data.status` says."""
    refuse(record_problems(session, IMPACTS, data))
    record = ImpactRecord(source="public")
    apply_record(IMPACTS, record, data.model_copy(update={"status": "pending"}))
    session.add(record)
    session.flush()
    # The submitter's name and address stay out of the log: it is read more widely than the record.
    audit.record(session, "impacts.submitted", target=f"impacts:{record.id}", ip=ip)
    session.commit()
    return record


def moderate_impact(*, session: Session, record: ImpactRecord, decision: str, actor_id: int | None) -> None:
    """Publish or reject a record (or send it back to pending)."""
    if decision not in vocab.IMPACT_STATUS.codes:
        allowed = list(vocab.IMPACT_STATUS.codes)
        raise ValidationFailed([Problem("status", "not_allowed", {"value": decision, "allowed": allowed})])
    record.status = decision
    record.moderated_at = utcnow() if decision != "pending" else None
    record.moderated_by_id = actor_id if decision != "pending" else None
    session.add(record)
    audit.record(session, f"impacts.{decision}", actor_id=actor_id, target=f"impacts:{record.id}")
    session.commit()


def published_impacts(
    session: Session, *, impact_type: str = "", region: str = "", page: int = 1, per_page: int = 25
) -> tuple[list[ImpactRecord], int]:
    """Published records, newest first; the caller shows no submitter details."""
    conditions = [ImpactRecord.status == "published"]
    if impact_type:
        conditions.append(ImpactRecord.impact_type == impact_type)
    if region:
        conditions.append(ImpactRecord.region == region)
    total = session.exec(select(func.count()).select_from(ImpactRecord).where(*conditions)).one()
    rows = session.exec(
        select(ImpactRecord)
        .where(*conditions)
        .order_by(ImpactRecord.moderated_at.desc(), ImpactRecord.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(rows), total


# --- concerns: whose -----------------------------------------------------------------------


def stakeholder_names(session: Session, ids: set[int]) -> dict[int, str]:
    """Display names of the stakeholders who raised concerns (empty for an erased profile)."""
    if not ids:
        return {}
    rows = session.exec(
        select(Stakeholder.id, User.name).outerjoin(User, User.id == Stakeholder.user_id).where(Stakeholder.id.in_(ids))
    )
    return {stakeholder_id: name or "" for stakeholder_id, name in rows}


# --- evidence completeness ----------------------------------------------------------------


@dataclass(frozen=True)
class KindCompleteness:
    kind: str
    items: int
    in_all_languages: int  # items available in all six UN languages

    @property
    def exists(self) -> bool:
        return self.items > 0

    @property
    def complete(self) -> bool:
        return self.in_all_languages > 0


def evidence_completeness(session: Session) -> list[KindCompleteness]:
    """For each kind of evidence, in vocabulary order: how many items, how many in all six languages."""
    counts = {kind: [0, 0] for kind in vocab.EVIDENCE_KIND.codes}
    every = set(vocab.LANGUAGE.codes)
    for kind, languages in session.exec(select(EvidenceItem.kind, EvidenceItem.languages)):
        if kind in counts:
            counts[kind][0] += 1
            counts[kind][1] += every <= set(languages or ())
    return [KindCompleteness(kind, items, complete) for kind, (items, complete) in counts.items()]
