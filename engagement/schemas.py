"""What the engagement records accept, one model family per record kind (the tables stay in
engagement/models.py): `XBase` holds the fields and their rules, `XCreate` adds the rules across
fields, `XUpdate` has every field optional (an import row gives only some), `XPublic` is for output.

Forms, import rows and API bodies are validated by the same classes; problems come back as codes
(core/problems.py). Rules that need the database (a recorded country, a known stakeholder, a natural
key already taken) are checked by engagement/services.py.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import field_validator, model_validator

from core.problems import Problem, problem, refuse
from core.schemas import (
    Code,
    Codes,
    Day,
    EmailAddress,
    Link,
    OptionalCountryCode,
    OptionalDay,
    Schema,
    Text,
    WholeNumber,
)
from core.timeutil import utcnow
from engagement import vocabularies as vocab

FIRST_IMPACT_YEAR = 1990

Title = Text(300, required=True)
Notes = Text(5000)
Url = Link(500)


# --- evidence register (indicator 1) ------------------------------------------------------

EvidenceKind = Code(vocab.EVIDENCE_KIND)
Languages = Codes(vocab.LANGUAGE)


class EvidenceBase(Schema):
    kind: EvidenceKind
    title: Title
    issued_on: Day
    link: Url = ""
    languages: Languages = []
    notes: Notes = ""


class EvidenceCreate(EvidenceBase):
    pass


class EvidenceUpdate(Schema):
    kind: EvidenceKind | None = None
    title: Title | None = None
    issued_on: OptionalDay = None
    link: Url | None = None
    languages: Languages | None = None
    notes: Notes | None = None


class EvidencePublic(EvidenceBase):
    id: int
    created_at: datetime


# --- planned steps on barriers (indicator 2) ----------------------------------------------

Barrier = Code(vocab.BARRIER)
Action = Text(500, required=True)
Owner = Text(200)
ActionStatus = Code(vocab.ACTION_STATUS)


class BarrierActionBase(Schema):
    barrier: Barrier
    action: Action
    owner: Owner = ""
    due_on: OptionalDay = None
    status: ActionStatus = "planned"


class BarrierActionCreate(BarrierActionBase):
    pass


class BarrierActionUpdate(Schema):
    barrier: Barrier | None = None
    action: Action | None = None
    owner: Owner | None = None
    due_on: OptionalDay = None
    status: ActionStatus | None = None


class BarrierActionPublic(BarrierActionBase):
    id: int
    created_at: datetime


# --- impact records (indicator 5) ---------------------------------------------------------

ImpactType = Code(vocab.IMPACT_TYPE)
ImpactScale = Code(vocab.IMPACT_SCALE)
Region = Code(vocab.REGIONAL_GROUP, required=False)
Deliverable = Code(vocab.DELIVERABLE, required=False)
Description = Text(5000, required=True)
Name = Text(200)
Email = EmailAddress(254)
ImpactStatus = Code(vocab.IMPACT_STATUS)
Year = WholeNumber(FIRST_IMPACT_YEAR)


def _plausible_year(year: int | None) -> int | None:
    if year is not None and year > utcnow().year + 1:
        raise problem("out_of_range", value=year)
    return year


class ImpactBase(Schema):
    title: Title
    impact_type: ImpactType
    scale: ImpactScale
    region: Region = ""
    country: OptionalCountryCode = None
    year: Year = None
    deliverable: Deliverable = ""
    description: Description
    evidence_link: Url = ""
    submitter_name: Name = ""
    submitter_email: Email = ""
    status: ImpactStatus = "pending"

    _year = field_validator("year")(_plausible_year)


class ImpactCreate(ImpactBase):
    @model_validator(mode="after")
    def _where(self):
        if self.scale and self.scale != "global" and not (self.region or self.country):
            refuse([Problem("region", "region_or_country")])
        return self


class ImpactSubmission(ImpactCreate):
    """What anyone may submit: the submitter's address is needed; it waits for moderation."""

    submitter_email: EmailAddress(254, required=True)
    status: ImpactStatus = "pending"


class ImpactUpdate(Schema):
    title: Title | None = None
    impact_type: ImpactType | None = None
    scale: ImpactScale | None = None
    region: Region | None = None
    country: OptionalCountryCode = None
    year: Year = None
    deliverable: Deliverable | None = None
    description: Description | None = None
    evidence_link: Url | None = None
    submitter_name: Name | None = None
    submitter_email: Email | None = None
    status: ImpactStatus | None = None

    _year = field_validator("year")(_plausible_year)


class ImpactPublic(ImpactBase):
    id: int
    source: str
    submitted_at: datetime
    moderated_at: datetime | None = None


# --- concerns (indicator 6) ---------------------------------------------------------------

Summary = Text(500, required=True)
Channel = Code(vocab.CONCERN_CHANNEL)
ConcernStatus = Code(vocab.CONCERN_STATUS)
Answer = Text(5000)


class ConcernBase(Schema):
    summary: Summary
    raised_on: Day
    channel: Channel
    status: ConcernStatus = "open"
    raised_by_id: int | None = None
    answer: Answer = ""
    answered_on: OptionalDay = None


class ConcernCreate(ConcernBase):
    @model_validator(mode="after")
    def _answered(self):
        problems = []
        if self.answered_on is not None and self.answered_on < self.raised_on:
            problems.append(Problem("answered_on", "date_before", {"date": self.raised_on.isoformat()}))
        if self.status == "answered":
            if not self.answer:
                problems.append(Problem("answer", "answer_needed"))
            if self.answered_on is None:
                problems.append(Problem("answered_on", "answer_date_needed"))
        if self.status == "open" and self.answered_on is not None:
            problems.append(Problem("status", "no_longer_open"))
        refuse(problems)
        return self


class ConcernUpdate(Schema):
    summary: Summary | None = None
    raised_on: OptionalDay = None
    channel: Channel | None = None
    status: ConcernStatus | None = None
    raised_by_id: int | None = None
    answer: Answer | None = None
    answered_on: OptionalDay = None


class ConcernPublic(ConcernBase):
    id: int
    created_at: datetime


# --- calls for input (indicator 6) --------------------------------------------------------

Responses = WholeNumber(0)
Audience = Codes(vocab.CALL_AUDIENCE)


class CallBase(Schema):
    title: Title
    opened_on: Day
    closed_on: OptionalDay = None
    deliverable: Deliverable = ""
    responses: Responses = None
    audience: Audience = []


class CallCreate(CallBase):
    @model_validator(mode="after")
    def _dates(self):
        if self.closed_on is not None and self.closed_on < self.opened_on:
            refuse([Problem("closed_on", "date_before", {"date": self.opened_on.isoformat()})])
        return self


class CallUpdate(Schema):
    title: Title | None = None
    opened_on: OptionalDay = None
    closed_on: OptionalDay = None
    deliverable: Deliverable | None = None
    responses: Responses = None
    audience: Audience | None = None


class CallPublic(CallBase):
    id: int
    created_at: datetime
