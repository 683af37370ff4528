"""The API's models: what each endpoint takes (path, query, body) and answers, as the project's
input models are written (SQLModel non-table classes on `core.schemas.Schema`, which are pydantic).
flask-openapi3 validates requests with them and writes the OpenAPI document from them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from flask_openapi3.models import MediaType
from flask_openapi3.models import Schema as OpenApiSchema
from pydantic import ConfigDict, Field

from core.pagination import MAX_ID, MAX_PAGE
from core.schemas import Schema
from exports.params import DEFAULT_K, FORMATS, MIN_K

Language = Literal["ar", "en", "es", "fr", "ru", "zh"]
Breakdown = Literal["regional_group", "country", "category", "gender", "language"]
Group = Literal["commitment", "capacity", "participation", "diversity", "impact", "communication"]
# A table's other representation, declared beside its JSON (flask-openapi3 reads `openapi_extra`).
CSV_TOO = ConfigDict(openapi_extra={"content": {"text/csv": MediaType(schema=OpenApiSchema(type="string"))}})


# --- requests ------------------------------------------------------------------------------------


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    per_page: int = Field(50, ge=1, le=100)


class InstrumentPath(Schema):
    code: str = Field(min_length=1, max_length=60, json_schema_extra={"example": "annual-survey"})


class InstrumentQuery(Schema):
    version: int | None = Field(None, ge=1, le=MAX_ID)


class WavePath(Schema):
    wave_id: int = Field(ge=1, le=MAX_ID)


class QuestionPath(WavePath):
    name: str = Field(min_length=1, max_length=100)


class GroupPath(Schema):
    group: Group


class TablePath(GroupPath):
    index: int = Field(ge=0, le=100)


class ReleasePath(Schema):
    release_id: int = Field(ge=1, le=MAX_ID)


class JobPath(Schema):
    job_id: int = Field(ge=1, le=MAX_ID)


class Population(Schema):
    """The dashboard's filters (a focal point's are pinned to their country, whatever is asked)."""

    regional_group: str | None = Field(None, max_length=64)
    country: str | None = Field(None, min_length=2, max_length=2)
    category: str | None = Field(None, max_length=64)
    gender: str | None = Field(None, max_length=64)
    knowledge_system: str | None = Field(None, max_length=64)
    lang: Language | None = None


class ResultsQuery(Population):
    by: Breakdown | None = None
    weighted: bool = True
    format: Literal["json", "csv"] | None = None


class IndicatorsQuery(Population):
    wave: int | None = Field(None, ge=1, le=MAX_ID)


class TableQuery(IndicatorsQuery):
    format: Literal["json", "csv"] | None = None


class SummaryQuery(Schema):
    year: int | None = Field(None, ge=1900, le=2200)
    activity_type: str = Field("", max_length=40)
    format: Literal["json", "csv"] | None = None


class RegistryQuery(PageQuery):
    q: str = Field("", max_length=200)
    country: str = Field("", max_length=2)
    region: str = Field("", max_length=64)
    category: str = Field("", max_length=64)
    stakeholder_type: str = Field("", max_length=64)
    knowledge_system: str = Field("", max_length=64)
    lang: Language | None = None


class RosterQuery(PageQuery):
    q: str = Field("", max_length=200)
    category: str = Field("", max_length=64)
    stakeholder_type: str = Field("", max_length=64)
    knowledge_system: str = Field("", max_length=64)
    gender: str = Field("", max_length=64)
    format: Literal["json", "csv"] | None = None


class FocalTablesQuery(Schema):
    wave: int | None = Field(None, ge=1, le=MAX_ID)
    breakdown: Literal["category", "gender", "stakeholder_type"] = "category"
    lang: Language | None = None
    format: Literal["json", "csv"] | None = None


class ReleaseRequest(Schema):
    """An anonymised release asked for: the export page's form as a JSON body."""

    wave_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(min_length=1, max_length=50)
    format: Literal[FORMATS] = "csv"  # type: ignore[valid-type]
    lang: Language = "en"
    k: int = Field(DEFAULT_K, ge=MIN_K, le=100)
    free_text: bool = False
    link_waves: bool = False


# --- answers -------------------------------------------------------------------------------------


class ErrorDetail(Schema):
    code: str
    message: str


class ErrorBody(Schema):
    error: ErrorDetail


class Links(Schema):
    self: str
    first: str
    last: str
    prev: str | None = None
    next: str | None = None


class Wave(Schema):
    id: int
    name: str
    names: dict[str, str]
    year: int
    instrument: str
    instrument_code: str | None  # its entry under /instruments
    opens_at: datetime | None
    closes_at: datetime | None


class WavePage(Schema):
    items: list[Wave]
    page: int
    per_page: int
    total: int
    links: Links


class Choice(Schema):
    name: str
    labels: dict[str, str]


class Question(Schema):
    name: str
    type: str
    labels: dict[str, str]
    choices: list[Choice]
    personal_data: bool
    profile: bool
    indicator: str | None


class InstrumentVersion(Schema):
    number: int
    titles: dict[str, str]
    wave_ids: list[int]


class InstrumentSummary(Schema):
    code: str
    name: str
    names: dict[str, str]
    versions: list[InstrumentVersion]


class InstrumentPage(Schema):
    items: list[InstrumentSummary]
    page: int
    per_page: int
    total: int
    links: Links


class InstrumentQuestion(Schema):
    name: str
    page: str
    type: str
    labels: dict[str, str]
    hints: dict[str, str]
    required: bool
    choices: list[Choice]
    personal_data: bool
    profile: bool
    indicator: str | None


class InstrumentRepeat(Schema):
    """A repeat group: its questions are answered once per instance (a household's members)."""

    name: str
    page: str
    labels: dict[str, str]
    count: str | None = Field(
        description="`repeat_count`: an XLSForm expression giving the number of instances; null when the "
        "respondent adds as many as needed"
    )
    max_instances: int = Field(description="The most instances the platform accepts for one response")
    questions: list[InstrumentQuestion]


class InstrumentDetail(InstrumentSummary):
    version: int
    titles: dict[str, str]
    questions: list[InstrumentQuestion] = Field(description="Questions answered once per response")
    repeats: list[InstrumentRepeat]


class QuestionList(Schema):
    wave_id: int
    items: list[Question]


class Estimate(Schema):
    group: str
    item: str
    estimate: float | None
    low: float | None
    high: float | None
    n: int | None
    small: bool
    suppressed: bool


class Results(Schema):
    model_config = CSV_TOO
    wave_id: int
    question: str
    type: str
    by: str | None
    weighted: bool
    country: str | None
    interval: str
    items: list[Estimate]
    notes: list[str]


class Indicator(Schema):
    group: str
    code: str
    title: str
    measure: str
    value: str  # as the dashboard shows it, in the requested language
    number: float | None = None  # the same value as a number (a share from 0 to 1), None when hidden
    unit: str = ""
    change: float | None = None  # since the year before, as a number; None without a trend
    year: str
    status: str
    n: int | None
    suppressed: bool


class Indicators(Schema):
    wave_id: int
    country: str | None
    items: list[Indicator]


class DataField(Schema):
    name: str
    title: str
    type: Literal["string", "number", "integer"]
    description: str | None = None  # a number's unit: a share from 0 to 1, a count of people, a number


class DataRow(Schema):
    values: list[str | float | int | None]  # one a field; null where hidden or not known
    hidden: list[str]  # the fields the disclosure rule hid in this row
    reason: str | None  # why they are hidden, None when nothing is


class TableNumbers(Schema):
    """The table's numbers after the page's disclosure rule, as the open-data tables carry them: a
    figure with an interval gives three fields (value, lower and upper bound), the row's base n is
    the last field."""

    fields: list[DataField]
    rows: list[DataRow]


class DataTable(Schema):
    model_config = CSV_TOO
    index: int
    title: str
    columns: list[str]
    rows: list[list[str | float | int | None]]  # as the page shows them, in the requested language
    note: str
    data: TableNumbers


class TableList(Schema):
    group: str
    wave_id: int
    country: str | None
    items: list[DataTable]
    notes: list[str]


class SummaryRow(Schema):
    year: int
    activity_type: str
    role: str
    records: int
    comments: int


class Summary(Schema):
    model_config = CSV_TOO
    items: list[SummaryRow]


class RegisterEntry(Schema):
    name: str
    organisation_id: int | None
    organisation: str
    country: str | None
    country_name: str
    category: str
    category_label: str


class RegisterPage(Schema):
    items: list[RegisterEntry]
    page: int
    per_page: int
    total: int
    links: Links


class PublicFocalPoint(Schema):
    name: str
    kind: str
    ministry: str


class CountryFocalPoints(Schema):
    country: str
    country_name: str
    regional_group: str | None
    focal_points: list[PublicFocalPoint]


class FocalPointList(Schema):
    items: list[CountryFocalPoints]


class RosterEntry(Schema):
    name: str
    organisation: str
    job_title: str
    email: str
    phone: str
    category: str
    stakeholder_type: str
    gender: str
    preferred_language: str
    communication: list[str]


class RosterPage(Schema):
    model_config = CSV_TOO
    country: str
    items: list[RosterEntry]
    page: int
    per_page: int
    total: int
    withheld: int
    country_total: int
    links: Links


class CountTables(Schema):
    model_config = CSV_TOO
    country: str
    wave_id: int
    breakdown: str
    columns: list[str]
    rows: list[list[str | float | int | None]]
    note: str


class Release(Schema):
    id: int
    filename: str
    wave_ids: list[int]
    params: dict
    size: int
    rows: int
    created_at: datetime
    download: str


class ReleasePage(Schema):
    items: list[Release]
    page: int
    per_page: int
    total: int
    links: Links


class Job(Schema):
    id: int
    state: str
    done: int
    total: int | None
    error: str | None
    release: str | None
    link: str
