"""What the registry accepts, one model family per entity (the tables stay in stakeholders/models.py):
`XBase` holds the fields and their rules, `XCreate` adds the rules across fields, `XUpdate` has every
field optional (an import row gives only some), `XPublic` is for output.

Registration and profile forms, the secretariat's forms, import rows and API bodies are validated
by the same classes; problems come back as codes (core/problems.py). Rules that need the database (a
recorded country, an existing or approved organisation, a known activity or account) are checked by
the services.
"""

from __future__ import annotations

from pydantic import model_validator
from sqlmodel import Field

from core.config import LANGUAGES
from core.problems import Problem, refuse
from core.schemas import (
    Code,
    Codes,
    CountryCode,
    Day,
    EmailAddress,
    Link,
    OptionalCountryCode,
    OptionalDay,
    Schema,
    Text,
    Translations,
    WholeNumber,
)
from stakeholders import vocabularies as vocab

COMMENTED_ROLE = "reviewer"  # the only role that carries a number of review comments

# --- organisations -------------------------------------------------------------------------

OrganisationName = Text(300, required=True)
OrganisationType = Code(vocab.ORGANISATION_TYPE)
Acronym = Text(40)
Website = Link(300)
OtherName = Text(300)


class Admission(Schema):
    """An organisation's admission as an observer to a plenary session."""

    plenary_session: Text(20, required=True)
    year: WholeNumber(2010, 2100, required=True)


class OrganisationBase(Schema):
    name: OrganisationName
    org_type: OrganisationType
    country: OptionalCountryCode = None
    acronym: Acronym = ""
    website: Website = ""


class OrganisationCreate(OrganisationBase):
    other_names: dict[str, OtherName] = {}  # language -> name ("" removes it)
    admissions: list[Admission] = []


class OrganisationUpdate(Schema):
    name: OrganisationName | None = None
    org_type: OrganisationType | None = None
    country: OptionalCountryCode = None
    acronym: Acronym | None = None
    website: Website | None = None
    other_names: dict[str, OtherName] | None = None
    admissions: list[Admission] | None = None


class OrganisationPublic(OrganisationBase):
    id: int
    status: str


# --- stakeholder profiles ------------------------------------------------------------------

PersonName = Text(200, required=True)
Category = Code(vocab.CATEGORY)
StakeholderType = Code(vocab.STAKEHOLDER_TYPE)
Gender = Code(vocab.GENDER)
SelfDescribed = Text(100)
Sector = Code(vocab.SECTOR)
JobTitle = Text(200)
Language = Code(LANGUAGES)
Phone = Text(40)
Disciplines = Codes(vocab.DISCIPLINE)
KnowledgeSystems = Codes(vocab.KNOWLEDGE_SYSTEM)
Scales = Codes(vocab.SCALE)
Functions = Codes(vocab.IPBES_FUNCTION)
Communication = Codes(vocab.COMMUNICATION)
RecordId = WholeNumber(1, 2**31 - 1)  # a row's id as a form or file gives it: a bad one is a problem, not a crash
MULTI_FIELDS = tuple(vocab.MULTI_FIELDS)  # the multi-valued fields, named as their vocabularies


class ProfileBase(Schema):
    """A stakeholder's profile (codes, not labels). A multi-valued field left None is not changed."""

    name: PersonName
    country: CountryCode
    category: Category
    stakeholder_type: StakeholderType = "contributor"
    gender: Gender = "undisclosed"
    gender_self_described: SelfDescribed = ""
    sector: Sector = "other"
    job_title: JobTitle = ""
    nationality: OptionalCountryCode = None
    organisation_id: RecordId = None
    preferred_language: Language = "en"
    phone: Phone = ""
    discipline: Disciplines | None = None
    knowledge_system: KnowledgeSystems | None = None
    scale: Scales | None = None
    ipbes_function: Functions | None = None
    communication: Communication | None = None

    def multi(self) -> dict[str, list[str]]:
        """The multi-valued fields given: vocabulary name -> codes."""
        return {name: codes for name in MULTI_FIELDS if (codes := getattr(self, name)) is not None}


class ProfileCreate(ProfileBase):
    """A profile as a person or the secretariat gives it, perhaps with an organisation to propose."""

    proposal: OrganisationCreate | None = None


class ProfileUpdate(Schema):
    name: PersonName | None = None
    country: CountryCode | None = None
    category: Category | None = None
    stakeholder_type: StakeholderType | None = None
    gender: Gender | None = None
    gender_self_described: SelfDescribed | None = None
    sector: Sector | None = None
    job_title: JobTitle | None = None
    nationality: OptionalCountryCode = None
    organisation_id: RecordId = None
    preferred_language: Language | None = None
    phone: Phone | None = None
    discipline: Disciplines | None = None
    knowledge_system: KnowledgeSystems | None = None
    scale: Scales | None = None
    ipbes_function: Functions | None = None
    communication: Communication | None = None


class ProfilePublic(ProfileBase):
    id: int | None = None


class StakeholderCreate(ProfileCreate):
    """A stakeholder the secretariat records (an import row): the account's address and the profile."""

    email: EmailAddress(254, required=True)


class StakeholderUpdate(ProfileUpdate):
    email: EmailAddress(254, required=True)


# --- activities and participation ----------------------------------------------------------

ActivityTitle = Text(300, required=True)
ActivityType = Code(vocab.ACTIVITY_TYPE)
Deliverable = Text(200)
TitleTranslations = Translations(300)  # the title in other languages


class ActivityBase(Schema):
    title: ActivityTitle
    name_translations: TitleTranslations = Field(default_factory=dict)
    activity_type: ActivityType
    start_date: Day
    end_date: OptionalDay = None
    deliverable: Deliverable = ""
    description: str = ""


class ActivityCreate(ActivityBase):
    @model_validator(mode="after")
    def _dates(self):
        if self.end_date is not None and self.end_date < self.start_date:
            refuse([Problem("end_date", "end_before_start")])
        return self


class ActivityUpdate(Schema):
    title: ActivityTitle | None = None
    name_translations: TitleTranslations | None = None
    activity_type: ActivityType | None = None
    start_date: OptionalDay = None
    end_date: OptionalDay = None
    deliverable: Deliverable | None = None
    description: str | None = None


class ActivityPublic(ActivityBase):
    id: int


Role = Code(vocab.PARTICIPATION_ROLE)
Comments = WholeNumber(0)


class ParticipationBase(Schema):
    """One party, a stakeholder or an organisation, in an activity with a role."""

    activity_id: WholeNumber(1, required=True)
    stakeholder_id: int | None = None
    organisation_id: int | None = None
    role: Role
    comments: Comments = None  # reviewers only; None keeps a recorded number


class ParticipationCreate(ParticipationBase):
    @model_validator(mode="after")
    def _party_and_comments(self):
        problems = []
        if (self.stakeholder_id is None) == (self.organisation_id is None):
            problems.append(Problem("party", "one_party"))
        if self.comments is not None and self.role != COMMENTED_ROLE:
            problems.append(Problem("comments", "reviewers_only"))
        refuse(problems)
        return self


class ParticipationUpdate(Schema):
    role: Role | None = None
    comments: Comments = None


class ParticipationPublic(ParticipationBase):
    id: int


# --- focal point assignments ---------------------------------------------------------------


class AssignmentCreate(Schema):
    """An assignment as the secretariat gives it. `name` and `locale` serve only to create an account
    when no account has `email`."""

    email: EmailAddress(254, required=True)
    country: CountryCode
    kind: Code(vocab.FOCAL_POINT_KIND) = "primary"
    ministry: Text(300) = ""
    start_date: Day
    end_date: OptionalDay = None
    name: Text(200) = ""
    locale: str | None = None

    @model_validator(mode="after")
    def _dates(self):
        if self.end_date is not None and self.end_date <= self.start_date:
            refuse([Problem("end_date", "end_not_after_start")])
        return self
