"""Engagement records: validation, saving, listing and moderation. No HTTP here; each action commits once.

Every record kind is described by a `RecordType`: its data class (what a form or an import row
provides, codes not labels), the rules it must meet (`problems`, as (field, message) pairs), how it
is written onto a table row (`apply`) and its natural key. Forms go through `save_record`, which
validates, audits and commits; imports (engagement/importing.py) validate every row with the same
`problems` and write them with `apply`, committing once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from core import audit
from core.accounts.models import User
from core.reference.models import Country
from core.reference.regions import REGIONAL_GROUPS
from core.text import search_key
from core.timeutil import utcnow
from engagement import vocabularies as vocab
from engagement.models import BarrierAction, CallForInput, Concern, EvidenceItem, ImpactRecord
from stakeholders.models import Stakeholder

Problems = list[tuple[str, str]]


class RecordError(ValueError):
    """Input that cannot be saved; `problems` lists (field, message) pairs fit to show."""

    def __init__(self, problems: Problems):
        super().__init__("; ".join(message for _field, message in problems))
        self.problems = problems


# --- shared rules -------------------------------------------------------------------------


def _text(problems: Problems, name: str, value: str, max_length: int, required: bool = False) -> None:
    value = (value or "").strip()
    if required and not value:
        problems.append((name, str(_l("A value is required."))))
    elif len(value) > max_length:
        problems.append((name, str(_l("At most %(count)s characters.", count=max_length))))


def _code(problems: Problems, name: str, value: str | None, vocabulary, required: bool = True) -> None:
    if not value:
        if required:
            problems.append((name, str(_l("A value is required."))))
    elif value not in vocabulary.codes:
        problems.append((name, str(_l("%(value)s is not one of the allowed values.", value=value))))


def _codes(problems: Problems, name: str, values: list[str], vocabulary) -> None:
    unknown = [v for v in values if v not in vocabulary.codes]
    if unknown:
        problems.append((name, str(_l("%(value)s is not one of the allowed values.", value="; ".join(unknown)))))


def _link(problems: Problems, name: str, value: str) -> None:
    value = (value or "").strip()
    if not value:
        return
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        problems.append((name, str(_l("A web address starts with http:// or https://."))))
    elif len(value) > 500:
        problems.append((name, str(_l("At most %(count)s characters.", count=500))))


def _date(problems: Problems, name: str, value: date | None) -> None:
    if value is None:
        problems.append((name, str(_l("A date is required."))))


def _not_before(problems: Problems, name: str, later: date | None, earlier: date | None) -> None:
    if later is not None and earlier is not None and later < earlier:
        problems.append((name, str(_l("This date cannot be before %(date)s.", date=earlier.isoformat()))))


# --- evidence register (indicator 1) ------------------------------------------------------


@dataclass
class EvidenceData:
    kind: str
    title: str
    issued_on: date | None
    link: str = ""
    languages: list[str] = field(default_factory=list)
    notes: str = ""


def evidence_problems(session: Session, data: EvidenceData) -> Problems:
    problems: Problems = []
    _code(problems, "kind", data.kind, vocab.EVIDENCE_KIND)
    _text(problems, "title", data.title, 300, required=True)
    _date(problems, "issued_on", data.issued_on)
    _link(problems, "link", data.link)
    _codes(problems, "languages", data.languages, vocab.LANGUAGE)
    return problems


def apply_evidence(session: Session, record: EvidenceItem, data: EvidenceData) -> None:
    record.kind, record.title = data.kind, data.title.strip()
    record.title_key = search_key(record.title)
    record.issued_on, record.link, record.notes = data.issued_on, data.link.strip(), (data.notes or "").strip()
    record.languages = [code for code in vocab.LANGUAGE.codes if code in data.languages]


def evidence_data(record: EvidenceItem) -> EvidenceData:
    return EvidenceData(
        kind=record.kind,
        title=record.title,
        issued_on=record.issued_on,
        link=record.link,
        languages=list(record.languages),
        notes=record.notes,
    )


# --- planned steps on barriers (indicator 2) ----------------------------------------------


@dataclass
class BarrierActionData:
    barrier: str
    action: str
    owner: str = ""
    due_on: date | None = None
    status: str = "planned"


def barrier_action_problems(session: Session, data: BarrierActionData) -> Problems:
    problems: Problems = []
    _code(problems, "barrier", data.barrier, vocab.BARRIER)
    _text(problems, "action", data.action, 500, required=True)
    _text(problems, "owner", data.owner, 200)
    _code(problems, "status", data.status, vocab.ACTION_STATUS)
    return problems


def apply_barrier_action(session: Session, record: BarrierAction, data: BarrierActionData) -> None:
    record.barrier, record.action = data.barrier, data.action.strip()
    record.action_key = search_key(record.action)
    record.owner, record.due_on, record.status = (data.owner or "").strip(), data.due_on, data.status


def barrier_action_data(record: BarrierAction) -> BarrierActionData:
    return BarrierActionData(
        barrier=record.barrier, action=record.action, owner=record.owner, due_on=record.due_on, status=record.status
    )


# --- impact records (indicator 5) ---------------------------------------------------------


@dataclass
class ImpactData:
    title: str
    impact_type: str
    scale: str
    region: str | None = None
    country: str | None = None
    year: int | None = None
    deliverable: str = ""
    description: str = ""
    evidence_link: str = ""
    submitter_name: str = ""
    submitter_email: str = ""
    status: str = "pending"


def impact_problems(session: Session, data: ImpactData) -> Problems:
    problems: Problems = []
    _text(problems, "title", data.title, 300, required=True)
    _code(problems, "impact_type", data.impact_type, vocab.IMPACT_TYPE)
    _code(problems, "scale", data.scale, vocab.IMPACT_SCALE)
    if data.region and data.region not in REGIONAL_GROUPS:
        problems.append(("region", str(_l("%(value)s is not one of the allowed values.", value=data.region))))
    group = None
    if data.country:
        country = session.get(Country, data.country)
        if country is None:
            problems.append(("country", str(_l("%(value)s is not a recorded country.", value=data.country))))
        else:
            group = country.regional_group
    if data.region and group and data.region != group:
        problems.append(("region", str(_l("The country is not in this regional group."))))
    if data.scale and data.scale != "global" and not (data.region or data.country):
        problems.append(("region", str(_l("Give a regional group or a country (or both)."))))
    if data.year is not None and not 1990 <= data.year <= utcnow().year + 1:
        problems.append(("year", str(_l("%(value)s is out of range.", value=data.year))))
    _code(problems, "deliverable", data.deliverable, vocab.DELIVERABLE, required=False)
    _text(problems, "description", data.description, 5000, required=True)
    _link(problems, "evidence_link", data.evidence_link)
    _text(problems, "submitter_name", data.submitter_name, 200)
    if data.submitter_email:
        try:
            validate_email(data.submitter_email, check_deliverability=False)
        except EmailNotValidError:
            problems.append(
                ("submitter_email", str(_l("%(value)s is not a valid email address.", value=data.submitter_email)))
            )
    _code(problems, "status", data.status, vocab.IMPACT_STATUS)
    return problems


def apply_impact(session: Session, record: ImpactRecord, data: ImpactData) -> None:
    record.title = data.title.strip()
    record.title_key = search_key(record.title)
    record.impact_type, record.scale = data.impact_type, data.scale
    record.region, record.country, record.year = data.region or None, data.country or None, data.year
    record.deliverable = data.deliverable or ""
    record.description, record.evidence_link = data.description.strip(), (data.evidence_link or "").strip()
    record.submitter_name = (data.submitter_name or "").strip()
    record.submitter_email = (data.submitter_email or "").strip()
    if record.status != data.status:
        record.status = data.status
        record.moderated_at = utcnow() if data.status != "pending" else None


def impact_data(record: ImpactRecord) -> ImpactData:
    return ImpactData(
        title=record.title,
        impact_type=record.impact_type,
        scale=record.scale,
        region=record.region,
        country=record.country,
        year=record.year,
        deliverable=record.deliverable,
        description=record.description,
        evidence_link=record.evidence_link,
        submitter_name=record.submitter_name,
        submitter_email=record.submitter_email,
        status=record.status,
    )


# --- concerns (indicator 6) ---------------------------------------------------------------


@dataclass
class ConcernData:
    summary: str
    raised_on: date | None
    channel: str
    status: str = "open"
    raised_by_id: int | None = None
    answer: str = ""
    answered_on: date | None = None


def concern_problems(session: Session, data: ConcernData) -> Problems:
    problems: Problems = []
    _text(problems, "summary", data.summary, 500, required=True)
    _date(problems, "raised_on", data.raised_on)
    _code(problems, "channel", data.channel, vocab.CONCERN_CHANNEL)
    _code(problems, "status", data.status, vocab.CONCERN_STATUS)
    if data.raised_by_id is not None:
        stakeholder = session.get(Stakeholder, data.raised_by_id)
        if stakeholder is None or stakeholder.erased_at is not None:
            problems.append(("raised_by", str(_l("Unknown stakeholder."))))
    _not_before(problems, "answered_on", data.answered_on, data.raised_on)
    if data.status == "answered":
        if not (data.answer or "").strip():
            problems.append(("answer", str(_l("An answered concern needs the answer given."))))
        if data.answered_on is None:
            problems.append(("answered_on", str(_l("An answered concern needs the date of the answer."))))
    if data.status == "open" and data.answered_on is not None:
        problems.append(("status", str(_l("A concern with an answer date is no longer open."))))
    return problems


def apply_concern(session: Session, record: Concern, data: ConcernData) -> None:
    record.summary = data.summary.strip()
    record.summary_key = search_key(record.summary)
    record.raised_on, record.channel, record.status = data.raised_on, data.channel, data.status
    record.raised_by_id = data.raised_by_id
    record.answer, record.answered_on = (data.answer or "").strip(), data.answered_on


def concern_data(record: Concern) -> ConcernData:
    return ConcernData(
        summary=record.summary,
        raised_on=record.raised_on,
        channel=record.channel,
        status=record.status,
        raised_by_id=record.raised_by_id,
        answer=record.answer,
        answered_on=record.answered_on,
    )


# --- calls for input (indicator 6) --------------------------------------------------------


@dataclass
class CallData:
    title: str
    opened_on: date | None
    closed_on: date | None = None
    deliverable: str = ""
    responses: int | None = None
    audience: list[str] = field(default_factory=list)


def call_problems(session: Session, data: CallData) -> Problems:
    problems: Problems = []
    _text(problems, "title", data.title, 300, required=True)
    _date(problems, "opened_on", data.opened_on)
    _not_before(problems, "closed_on", data.closed_on, data.opened_on)
    _code(problems, "deliverable", data.deliverable, vocab.DELIVERABLE, required=False)
    if data.responses is not None and data.responses < 0:
        problems.append(("responses", str(_l("%(value)s is out of range.", value=data.responses))))
    _codes(problems, "audience", data.audience, vocab.CALL_AUDIENCE)
    return problems


def apply_call(session: Session, record: CallForInput, data: CallData) -> None:
    record.title = data.title.strip()
    record.title_key = search_key(record.title)
    record.opened_on, record.closed_on = data.opened_on, data.closed_on
    record.deliverable, record.responses = data.deliverable or "", data.responses
    record.audience = [code for code in vocab.CALL_AUDIENCE.codes if code in data.audience]


def call_data(record: CallForInput) -> CallData:
    return CallData(
        title=record.title,
        opened_on=record.opened_on,
        closed_on=record.closed_on,
        deliverable=record.deliverable,
        responses=record.responses,
        audience=list(record.audience),
    )


# --- the record types ---------------------------------------------------------------------


@dataclass(frozen=True)
class RecordType:
    name: str  # in URLs, imports and audit actions
    label: object  # lazy string
    model: type
    data: type
    problems: Callable[[Session, object], Problems]
    apply: Callable[[Session, object, object], None]
    to_data: Callable[[object], object]
    key_fields: tuple[str, ...]  # the natural key, as data fields (text fields compared by search_key)
    key_columns: tuple[str, ...]  # the same, as table columns
    key_field: str  # where a clash on the natural key is reported
    filters: dict[str, tuple[str, object]]  # query argument -> (column, vocabulary)
    order: tuple[str, ...]  # column names; "-" for descending

    def key(self, data) -> tuple:
        return tuple(
            search_key(v) if isinstance(v, str) else v for v in (getattr(data, name) for name in self.key_fields)
        )


EVIDENCE = RecordType(
    "evidence",
    _l("Evidence of commitment"),
    EvidenceItem,
    EvidenceData,
    evidence_problems,
    apply_evidence,
    evidence_data,
    ("kind", "title"),
    ("kind", "title_key"),
    "title",
    {"evidence_kind": ("kind", vocab.EVIDENCE_KIND)},
    ("-issued_on", "-id"),
)
BARRIER_ACTIONS = RecordType(
    "barrier_actions",
    _l("Planned steps on barriers"),
    BarrierAction,
    BarrierActionData,
    barrier_action_problems,
    apply_barrier_action,
    barrier_action_data,
    ("barrier", "action"),
    ("barrier", "action_key"),
    "action",
    {"barrier": ("barrier", vocab.BARRIER), "status": ("status", vocab.ACTION_STATUS)},
    ("due_on", "id"),
)
IMPACTS = RecordType(
    "impacts",
    _l("Impact records"),
    ImpactRecord,
    ImpactData,
    impact_problems,
    apply_impact,
    impact_data,
    ("title",),
    ("title_key",),
    "title",
    {"status": ("status", vocab.IMPACT_STATUS), "type": ("impact_type", vocab.IMPACT_TYPE)},
    ("-submitted_at", "-id"),
)
CONCERNS = RecordType(
    "concerns",
    _l("Concerns raised"),
    Concern,
    ConcernData,
    concern_problems,
    apply_concern,
    concern_data,
    ("raised_on", "summary"),
    ("raised_on", "summary_key"),
    "summary",
    {"status": ("status", vocab.CONCERN_STATUS), "channel": ("channel", vocab.CONCERN_CHANNEL)},
    ("-raised_on", "-id"),
)
CALLS = RecordType(
    "calls",
    _l("Calls for input"),
    CallForInput,
    CallData,
    call_problems,
    apply_call,
    call_data,
    ("title", "opened_on"),
    ("title_key", "opened_on"),
    "title",
    {"deliverable": ("deliverable", vocab.DELIVERABLE)},
    ("-opened_on", "-id"),
)

RECORD_TYPES = {t.name: t for t in (EVIDENCE, BARRIER_ACTIONS, IMPACTS, CONCERNS, CALLS)}


def find_by_key(session: Session, record_type: RecordType, data) -> object | None:
    """The record with the same natural key as `data` (the oldest, where keys are not unique)."""
    model = record_type.model
    conditions = [
        getattr(model, column) == value for column, value in zip(record_type.key_columns, record_type.key(data))
    ]
    return session.exec(select(model).where(*conditions).order_by(model.id)).first()


def save_record(*, session: Session, record_type: RecordType, record, data, actor_id: int | None):
    """Create (record=None) or edit a record; raises RecordError, saving nothing, on bad input."""
    problems = record_type.problems(session, data)
    if not problems and record_type is not IMPACTS:
        same = find_by_key(session, record_type, data)
        if same is not None and (record is None or same.id != record.id):
            problems.append((record_type.key_field, str(_l("The same record is already recorded."))))
    if problems:
        raise RecordError(problems)
    created = record is None
    if created:
        record = record_type.model()
        if record_type is IMPACTS:
            record.source = "secretariat"
    record_type.apply(session, record, data)
    if record_type is IMPACTS and record.moderated_at is not None and record.status != "pending":
        record.moderated_by_id = actor_id
    session.add(record)
    try:
        session.flush()
    except IntegrityError:  # another request saved the same natural key meanwhile
        session.rollback()
        raise RecordError([(record_type.key_field, str(_l("The same record is already recorded.")))]) from None
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


def submit_impact(*, session: Session, data: ImpactData, ip: str | None) -> ImpactRecord:
    """A record anyone submits: it waits for moderation whatever `data.status` says."""
    data.status = "pending"
    problems = impact_problems(session, data)
    if not (data.submitter_email or "").strip():
        problems.append(("submitter_email", str(_l("A value is required."))))
    if problems:
        raise RecordError(problems)
    record = ImpactRecord(source="public")
    apply_impact(session, record, data)
    session.add(record)
    session.flush()
    # The submitter's name and address stay out of the log: it is read more widely than the record.
    audit.record(session, "impacts.submitted", target=f"impacts:{record.id}", ip=ip)
    session.commit()
    return record


def moderate_impact(*, session: Session, record: ImpactRecord, decision: str, actor_id: int | None) -> None:
    """Publish or reject a record (or send it back to pending)."""
    if decision not in vocab.IMPACT_STATUS.codes:
        raise RecordError([("status", str(_l("%(value)s is not one of the allowed values.", value=decision)))])
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
