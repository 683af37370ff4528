"""Secretariat imports of organisations, stakeholders and participation from CSV or XLSX.

An import is all or nothing. `validate` checks every row of a file against the registry and
returns a report: each problem names its row and column, and every valid row is turned into
a plan (create or update). `run_import` validates again and, only when no row has a
problem, applies every plan in one transaction with one audit event. Re-importing a file
updates what it matched instead of duplicating it: organisations on name (any case or
accents) and country, stakeholders on email, participation on (activity, party, role).

Nothing here reads the request; uploads wait between preview and confirmation in the
database (`PendingImport`), never in the client's session nor on one machine's disk.
The steps every import shares (`check_file`, and `Importer`: write, audit, pending uploads)
serve the engagement records' import too (engagement/importing.py).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import ClassVar, TypeVar

from babel import Locale
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, delete, func, select

from core import audit
from core.accounts.models import Role, User
from core.accounts.services import normalise_email
from core.config import LANGUAGES
from core.imports import rows
from core.problems import ValidationFailed
from core.problems import validate as validate_model
from core.reference.models import Country
from core.timeutil import utcnow
from stakeholders import schemas, services
from stakeholders import vocabularies as vocab
from stakeholders.models import (
    Activity,
    Organisation,
    Participation,
    PendingImport,
    Stakeholder,
    StakeholderAttribute,
)
from stakeholders.table_reader import MAX_BYTES, Row, Table, TableError, column_key, read_table
from stakeholders.text import search_key

PREVIEW_ROWS = 20
# An imported person has no password until they choose one through "forgot password", which
# also marks their address as verified. "!" is no argon2 hash, so no password matches it.
UNUSABLE_PASSWORD = "!"
MULTI_SEPARATOR = ";"
BATCH = 500  # rows written between two clean-ups of the session
_CHUNK = 900  # stay under SQLite's bound-parameter limit


class ImportFailed(RuntimeError):
    """The import could not be written; nothing was. `message` is fit to show."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# --- column documentation -----------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    description: object  # lazy string
    required: bool = False
    max_length: int | None = None
    vocabulary: vocab.Vocabulary | None = None
    multiple: bool = False
    example: str = ""


@dataclass(frozen=True)
class Kind:
    name: str
    label: object
    description: object
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


_COUNTRY = _l("ISO 3166 code of two or three letters, e.g. KE or KEN.")
_ORGANISATION_COUNTRY = _l(
    "Country of the organisation's headquarters (two or three letters), as recorded; "
    "empty only for an organisation recorded without a country."
)
_SEVERAL = _l('Several values separated by ";": codes or English labels.')
_ONE = _l("A code or its English label.")

ORGANISATIONS = Kind(
    name="organisations",
    label=_l("Organisations"),
    description=_l(
        "Organisations are matched on their name (any case or accents) and country: a match is "
        "updated, any other row creates an approved organisation."
    ),
    columns=(
        Column(
            "name",
            _l("Name of the organisation."),
            required=True,
            max_length=300,
            example="Wildlife Conservation Society",
        ),
        Column("country", _COUNTRY, example="US"),
        Column("type", _ONE, required=True, vocabulary=vocab.ORGANISATION_TYPE, example="ngo"),
        Column("acronym", _l("Short name."), max_length=40, example="WCS"),
        Column(
            "website",
            _l("Web address, starting with http:// or https://."),
            max_length=300,
            example="https://www.wcs.org",
        ),
        Column(
            "observer_session",
            _l("Plenary session the organisation was admitted to as an observer, e.g. IPBES-11."),
            max_length=20,
            example="IPBES-11",
        ),
        Column("observer_year", _l("Year of that session."), example="2024"),
        Column("name_ar", _l("Name in Arabic."), max_length=300),
        Column("name_zh", _l("Name in Chinese."), max_length=300),
        Column("name_fr", _l("Name in French."), max_length=300),
        Column("name_ru", _l("Name in Russian."), max_length=300),
        Column("name_es", _l("Name in Spanish."), max_length=300),
    ),
)

STAKEHOLDERS = Kind(
    name="stakeholders",
    label=_l("Stakeholders"),
    description=_l(
        "Stakeholders are matched on their email address (any case): a match has its profile "
        "updated; any other row creates an account without a password, which the person claims "
        'with "Forgot your password?", and records only their consent to data processing.'
    ),
    columns=(
        Column(
            "email", _l("Email address (the account)."), required=True, max_length=254, example="a.person@example.org"
        ),
        Column("name", _l("Full name."), required=True, max_length=200, example="Amina Diallo"),
        Column("country", _l("Country of work: ISO 3166 code of two or three letters."), required=True, example="SN"),
        Column("category", _ONE, required=True, vocabulary=vocab.CATEGORY, example="science"),
        Column("type", _ONE, vocabulary=vocab.STAKEHOLDER_TYPE, example="contributor"),
        Column("gender", _ONE, vocabulary=vocab.GENDER, example="female"),
        Column("sector", _ONE, vocabulary=vocab.SECTOR, example="academia"),
        Column("job_title", _l("Job title."), max_length=200),
        Column("nationality", _COUNTRY),
        Column("organisation", _l("Name of an organisation already in the registry."), max_length=300),
        Column("organisation_country", _ORGANISATION_COUNTRY),
        Column(
            "disciplines", _SEVERAL, vocabulary=vocab.DISCIPLINE, multiple=True, example="natural_sciences;economics"
        ),
        Column("knowledge_systems", _SEVERAL, vocabulary=vocab.KNOWLEDGE_SYSTEM, multiple=True, example="scientific"),
        Column("scales", _SEVERAL, vocabulary=vocab.SCALE, multiple=True, example="national;global"),
        Column("functions", _SEVERAL, vocabulary=vocab.IPBES_FUNCTION, multiple=True, example="assessment"),
        Column("communication", _SEVERAL, vocabulary=vocab.COMMUNICATION, multiple=True, example="email"),
        Column(
            "preferred_language", _l("One of ar, en, es, fr, ru, zh (or the language's English name)."), example="fr"
        ),
        Column("phone", _l("Phone number."), max_length=40),
    ),
)

PARTICIPATION = Kind(
    name="participation",
    label=_l("Participation in activities"),
    description=_l(
        "Each row links one party, a stakeholder (by email) or an organisation (by name and "
        "country), to an existing activity with a role. A row for an activity, party and role "
        "already recorded updates its number of comments."
    ),
    columns=(
        Column(
            "activity_id",
            _l("Number of an existing activity (shown on the activity's page)."),
            required=True,
            example="1",
        ),
        Column(
            "email",
            _l("Email address of a registered stakeholder; leave empty for an organisation."),
            example="a.person@example.org",
        ),
        Column(
            "organisation",
            _l("Name of an organisation in the registry; leave empty for a stakeholder."),
            max_length=300,
        ),
        Column("organisation_country", _ORGANISATION_COUNTRY),
        Column("role", _ONE, required=True, vocabulary=vocab.PARTICIPATION_ROLE, example="reviewer"),
        Column("comments", _l("Number of review comments (a whole number, reviewers only)."), example="12"),
    ),
)

KINDS = {kind.name: kind for kind in (ORGANISATIONS, STAKEHOLDERS, PARTICIPATION)}
MULTI_COLUMNS = {
    "disciplines": "discipline",
    "knowledge_systems": "knowledge_system",
    "scales": "scale",
    "functions": "ipbes_function",
    "communication": "communication",
}
OTHER_NAME_LANGUAGES = ("ar", "zh", "fr", "ru", "es")
# Model field -> column, where they differ (problems are reported under the column).
ORGANISATION_COLUMNS = {
    "org_type": "type",
    "admissions.plenary_session": "observer_session",
    "admissions.year": "observer_year",
    **{f"other_names.{language}": f"name_{language}" for language in OTHER_NAME_LANGUAGES},
}
PROFILE_COLUMNS = {
    "stakeholder_type": "type",
    "organisation_id": "organisation",
    **{name: column for column, name in MULTI_COLUMNS.items()},
}
LANGUAGE_NAMES = {Locale.parse(code).get_display_name("en").casefold(): code for code in LANGUAGES}


# --- report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    row: int
    column: str  # the column name as the documentation writes it ("" for the row as a whole)
    message: object  # lazy string, translated when shown

    @property
    def text(self) -> str:
        """The message in the reader's language, as plain text: templates escape it.

        (A lazy string passes through Jinja's escaping untouched, and messages quote cell values.)
        """
        return str(self.message)


@dataclass
class Plan:
    """A valid row, resolved against the registry, ready to write."""

    row: int
    action: str  # "create" or "update"
    apply: Callable[[Session], None]
    # Runs for every plan before any `apply`, followed by one flush: rows can be inserted in batches.
    prepare: Callable[[Session], None] | None = None


@dataclass
class PreviewRow:
    number: int
    values: list[str]
    action: str | None  # None when the row has a problem


@dataclass
class Report:
    kind: str
    header: list[str]
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    preview: list[PreviewRow] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def created(self) -> int:
        return sum(1 for p in self.plans if p.action == "create")

    @property
    def updated(self) -> int:
        return sum(1 for p in self.plans if p.action == "update")


# --- registry look-ups, loaded once per file ----------------------------------------------


def _chunks(values: Iterable, size: int = _CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


class Lookups:
    """What rows refer to, read in a few queries rather than one per row."""

    def __init__(self, session: Session):
        self.session = session
        self.iso2 = set()
        self.iso3 = {}
        for iso2, iso3 in session.exec(select(Country.iso2, Country.iso3)):
            self.iso2.add(iso2.upper())
            self.iso3[iso3.upper()] = iso2.upper()
        self._organisations: dict[tuple[str, str | None], int] | None = None
        self.users: dict[str, User] = {}  # lower-case email -> account
        self.stakeholders: dict[int, Stakeholder] = {}  # user id -> profile
        self.activities: set[int] = set()
        self.participation: dict[tuple, Participation] = {}

    def country(self, value: str) -> str | None:
        code = value.strip().upper()
        if len(code) == 2 and code in self.iso2:
            return code
        return self.iso3.get(code) if len(code) == 3 else None

    def organisation(self, name: str, country: str | None) -> int | None:
        """The live organisation of this name and country, as `services.find_organisation` matches it."""
        if self._organisations is None:
            self._organisations = {}
            rows = self.session.exec(
                select(Organisation.id, Organisation.search_name, Organisation.country)
                .where(Organisation.status.in_(("pending", "approved")))
                .order_by(Organisation.id)
            )
            for organisation_id, key, country_code in rows:
                self._organisations.setdefault((key, country_code), organisation_id)
        return self._organisations.get((search_key(name), country))

    def load_accounts(self, emails: Iterable[str]) -> None:
        wanted = {e for e in emails if e}
        for chunk in _chunks(wanted):  # stored addresses are normalised: the index answers most
            for user in self.session.exec(select(User).where(User.email.in_(chunk))):
                self.users[user.email.lower()] = user
        missing = wanted - set(self.users)
        for chunk in _chunks(missing):
            for user in self.session.exec(select(User).where(func.lower(User.email).in_(chunk))):
                self.users.setdefault(user.email.lower(), user)
        for chunk in _chunks(u.id for u in self.users.values()):
            for stakeholder in self.session.exec(select(Stakeholder).where(Stakeholder.user_id.in_(chunk))):
                self.stakeholders[stakeholder.user_id] = stakeholder

    def stakeholder_for(self, email: str) -> Stakeholder | None:
        user = self.users.get(email)
        return self.stakeholders.get(user.id) if user else None

    def load_activities(self, ids: Iterable[int]) -> None:
        wanted = set(ids)
        for chunk in _chunks(wanted):
            self.activities.update(self.session.exec(select(Activity.id).where(Activity.id.in_(chunk))))
        for chunk in _chunks(self.activities):
            for record in self.session.exec(select(Participation).where(Participation.activity_id.in_(chunk))):
                party = ("s", record.stakeholder_id) if record.stakeholder_id else ("o", record.organisation_id)
                self.participation[(record.activity_id, *party, record.role)] = record


# --- reading one row ----------------------------------------------------------------------


class Cells:
    """One row's cells, read column by column; every problem lands in `problems`."""

    def __init__(self, kind: Kind, row: Row, present: set[str], problems: list[Problem]):
        self.kind, self.row, self.present, self.problems = kind, row, present, problems

    def problem(self, column: str, message) -> None:
        self.problems.append(Problem(self.row.number, column, message))

    def text(self, name: str) -> str:
        spec = self.kind.column(name)
        value = self.row.get(name)
        if not value:
            if spec.required and name in self.present:  # a missing column is reported once, on the header
                self.problem(name, _l("A value is required."))
            return ""
        if spec.max_length and len(value) > spec.max_length:
            self.problem(name, _l("At most %(count)s characters.", count=spec.max_length))
            return ""
        return value

    def email(self, name: str) -> str:
        """The address as written; one that is no valid address is reported."""
        value = self.text(name)
        if value:
            try:
                validate_email(value, check_deliverability=False)
            except EmailNotValidError:
                self.problem(name, _l("%(value)s is not a valid email address.", value=value))
        return value

    def code(self, name: str) -> str | None:
        value = self.text(name)
        if not value:
            return None
        code = self.kind.column(name).vocabulary.parse(value)
        if code is None:
            self.problem(name, _l("%(value)s is not one of the allowed values.", value=value))
        return code

    def codes(self, name: str) -> list[str] | None:
        """The codes in a ";"-separated cell; None when the cell is empty (nothing to change)."""
        value = self.text(name)
        if not value:
            return None
        vocabulary = self.kind.column(name).vocabulary
        parts = [p.strip() for p in value.split(MULTI_SEPARATOR) if p.strip()]
        parsed = [(p, vocabulary.parse(p)) for p in parts]
        unknown = [p for p, code in parsed if code is None]
        if unknown:
            self.problem(name, _l("%(value)s is not one of the allowed values.", value="; ".join(unknown)))
            return None
        return list(dict.fromkeys(code for _p, code in parsed))

    def country(self, name: str, lookups: Lookups) -> str | None:
        value = self.text(name)
        if not value:
            return None
        code = lookups.country(value)
        if code is None:
            self.problem(name, _l("%(value)s is not a recorded country.", value=value))
        return code

    def integer(self, name: str, minimum: int | None = None, maximum: int | None = None) -> int | None:
        value = self.text(name)
        if not value:
            return None
        if not re.fullmatch(r"[+-]?\d{1,9}", value):
            self.problem(name, _l("%(value)s is not a whole number.", value=value))
            return None
        number = int(value)
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            self.problem(name, _l("%(value)s is out of range.", value=value))
            return None
        return number

    def organisation(self, lookups: Lookups) -> tuple[bool, int | None]:
        """(named, id) from the organisation and organisation_country columns."""
        name = self.text("organisation")
        country_given = bool(self.row.get("organisation_country"))
        country = self.country("organisation_country", lookups)
        if not name:
            if country_given:
                self.problem("organisation", _l("Give the organisation's name as well as its country."))
            return False, None
        if country_given and country is None:
            return True, None  # the country is already reported
        organisation_id = lookups.organisation(name, country)
        if organisation_id is None:
            self.problem("organisation", _l("No organisation named %(name)s is recorded in this country.", name=name))
        return True, organisation_id


# --- the three kinds: each row read into the registry's models (stakeholders/schemas.py) ----------

M = TypeVar("M")


def _validated(cells: Cells, model: type[M], values: dict, columns: dict[str, str]) -> M | None:
    """The row's values as `model`; None, with the problems under their columns, when they are not valid."""
    try:
        return validate_model(model, values)
    except ValidationFailed as failed:
        rows.report(cells, failed.problems, columns)
        return None


def _organisation_of(cells: Cells, lookups: Lookups) -> tuple[bool, int | None]:
    """(named, id) from the organisation and organisation_country columns."""
    name, country_text = cells.row.get("organisation"), cells.row.get("organisation_country")
    country = lookups.country(country_text) if country_text else None
    if country_text and country is None:
        rows.report_one(cells, "organisation_country", "unknown_country", value=country_text)
    if not name:
        if country_text:
            cells.problem("organisation", _l("Give the organisation's name as well as its country."))
        return False, None
    if len(name) > 300:
        rows.report_one(cells, "organisation", "too_long", max=300)
        return True, None
    if country_text and country is None:  # already reported
        return True, None
    organisation_id = lookups.organisation(name, country)
    if organisation_id is None:
        cells.problem("organisation", _l("No organisation named %(name)s is recorded in this country.", name=name))
    return True, organisation_id


def _organisation_rows(session: Session, table: Table, cells_of, lookups: Lookups) -> Iterable[Plan | None]:
    seen: dict[tuple, int] = {}
    for row in table.rows:
        yield _organisation_row(session, cells_of(row), lookups, seen)


def _organisation_row(session: Session, cells: Cells, lookups: Lookups, seen: dict) -> Plan | None:
    row, before = cells.row, len(cells.problems)
    values = rows.row_values(cells, {"type": "org_type"}, skip=("observer_session", "observer_year"))
    rows.look_up(cells, values, "country", lookups.country, "unknown_country")
    values["other_names"] = {
        language: values.pop(f"name_{language}") for language in OTHER_NAME_LANGUAGES if f"name_{language}" in values
    }
    plenary, year = row.get("observer_session"), row.get("observer_year")
    if bool(plenary) != bool(year):
        cells.problem(
            "observer_year" if plenary else "observer_session",
            _l("Give both the observer session and its year, or neither."),
        )
    values["admissions"] = [{"plenary_session": plenary, "year": year}] if plenary and year else []
    given = _validated(cells, schemas.OrganisationUpdate, values, ORGANISATION_COLUMNS)
    if given is None or len(cells.problems) > before or not (given.name and given.org_type):
        return None
    key = (search_key(given.name), given.country)
    if key in seen:
        cells.problem("name", _l("The same organisation is already in row %(row)s.", row=seen[key]))
        return None
    seen[key] = row.number
    existing_id = lookups.organisation(given.name, given.country)
    existing = session.get(Organisation, existing_id) if existing_id else None
    base = {"acronym": existing.acronym, "website": existing.website} if existing else {}
    data = _validated(cells, schemas.OrganisationCreate, {**base, **given.model_dump(exclude_unset=True)}, {})
    if data is None:
        return None
    problems = services.organisation_problems(session, data)  # the registry's own rules
    rows.report(cells, problems, ORGANISATION_COLUMNS)
    return None if problems else _organisation_plan(row.number, existing_id, data)


def _organisation_plan(number: int, existing_id: int | None, data: schemas.OrganisationCreate) -> Plan:
    def apply(session: Session) -> None:
        organisation = (
            session.get(Organisation, existing_id)
            if existing_id
            else Organisation(name="", search_name="", org_type=data.org_type, status="approved", approved_at=utcnow())
        )
        services.apply_organisation(session, organisation, data)

    return Plan(number, "update" if existing_id else "create", apply)


def _stakeholder_rows(session: Session, table: Table, cells_of, lookups: Lookups) -> Iterable[Plan | None]:
    lookups.load_accounts(normalise_email(row.get("email")) for row in table.rows)
    seen: dict[str, int] = {}
    for row in table.rows:
        yield _stakeholder_row(session, cells_of(row), lookups, seen)


def _profile_values(cells: Cells, lookups: Lookups) -> dict:
    """A stakeholder row's values, by `StakeholderUpdate` field, with what it names looked up."""
    values = rows.row_values(
        cells, {"type": "stakeholder_type", **MULTI_COLUMNS}, skip=("organisation", "organisation_country")
    )
    for name in ("country", "nationality"):
        rows.look_up(cells, values, name, lookups.country, "unknown_country")
    named, organisation_id = _organisation_of(cells, lookups)
    if named:
        values["organisation_id"] = organisation_id
    language = values.get("preferred_language")
    if language:
        values["preferred_language"] = (
            language.lower() if language.lower() in LANGUAGES else LANGUAGE_NAMES.get(language.casefold(), language)
        )
    return values


def _stakeholder_row(session: Session, cells: Cells, lookups: Lookups, seen: dict) -> Plan | None:
    row, before = cells.row, len(cells.problems)
    email = normalise_email(row.get("email"))
    if email:
        if email in seen:
            cells.problem("email", _l("The same email address is already in row %(row)s.", row=seen[email]))
        else:
            seen[email] = row.number
    given = _validated(cells, schemas.StakeholderUpdate, _profile_values(cells, lookups), PROFILE_COLUMNS)
    if given is None or len(cells.problems) > before or not (given.name and given.country and given.category):
        return None
    user = lookups.users.get(email)
    stakeholder = lookups.stakeholder_for(email)
    # The current profile; multi-valued fields are left out, so only those in the file change
    # (and `services.profile_of` would cost a query per row).
    base = {name: getattr(stakeholder, name) for name in services.STAKEHOLDER_FIELDS} if stakeholder else {}
    profile = _validated(cells, schemas.StakeholderCreate, {**base, **given.model_dump(exclude_unset=True)}, {})
    if profile is None:
        return None
    problems = services.profile_problems(session, profile)  # the registry's own rules, again
    rows.report(cells, problems, PROFILE_COLUMNS)
    if problems:
        return None
    return _stakeholder_plan(
        row.number, email, user.id if user else None, stakeholder.id if stakeholder else None, profile
    )


def _stakeholder_plan(
    number: int, email: str, user_id: int | None, stakeholder_id: int | None, profile: schemas.StakeholderCreate
) -> Plan:
    accounts: list[User] = []

    def prepare(session: Session) -> None:
        if user_id is None:  # new accounts are inserted together, before the profiles
            accounts.append(
                User(
                    email=email,
                    name=profile.name,
                    password_hash=UNUSABLE_PASSWORD,
                    role=Role.STAKEHOLDER,
                    locale=profile.preferred_language or None,
                )
            )
            session.add(accounts[0])

    def apply(session: Session) -> None:
        user = session.get(User, accounts[0].id if accounts else user_id)
        if stakeholder_id is None:
            stakeholder = Stakeholder(user_id=user.id, category=profile.category)
            # A new profile has no earlier choices to delete: its multi-valued fields are simply added,
            # which spares apply_profile's deletes (a third of the time of a large import).
            services.apply_profile(
                session, stakeholder, user, profile.model_copy(update=dict.fromkeys(schemas.MULTI_FIELDS))
            )
            for field_name, codes in profile.multi().items():
                for code in codes:
                    session.add(StakeholderAttribute(stakeholder_id=stakeholder.id, field=field_name, code=code))
            # Only the consent the secretariat's lawful basis covers; the others are the person's to give.
            services.record_consents(session, stakeholder, {"data_processing": True}, only_changes=False)
        else:
            services.apply_profile(session, session.get(Stakeholder, stakeholder_id), user, profile)

    return Plan(number, "update" if stakeholder_id else "create", apply, prepare)


def _participation_rows(session: Session, table: Table, cells_of, lookups: Lookups) -> Iterable[Plan | None]:
    activity_ids = set()
    for row in table.rows:
        value = row.get("activity_id")
        if re.fullmatch(r"\d{1,9}", value):
            activity_ids.add(int(value))
    lookups.load_activities(activity_ids)
    lookups.load_accounts(normalise_email(row.get("email")) for row in table.rows)
    seen: dict[tuple, int] = {}
    for row in table.rows:
        yield _participation_row(cells_of(row), lookups, seen)


def _party(cells: Cells, lookups: Lookups) -> dict:
    """The row's party, a stakeholder by email or an organisation by name: {stakeholder_id: ...},
    {organisation_id: ...}, or {} (with the problem reported)."""
    email = normalise_email(cells.row.get("email"))
    named, organisation_id = _organisation_of(cells, lookups)
    if email and named:
        cells.problem("email", _l("Give either an email address or an organisation, not both."))
    elif not email and not named:
        cells.problem("email", _l("Give an email address or an organisation."))
    elif email:
        stakeholder = lookups.stakeholder_for(email)
        if stakeholder is not None:
            return {"stakeholder_id": stakeholder.id}
        cells.problem("email", _l("No stakeholder is registered with the email address %(value)s.", value=email))
    elif organisation_id is not None:
        return {"organisation_id": organisation_id}
    return {}


def _participation_row(cells: Cells, lookups: Lookups, seen: dict) -> Plan | None:
    row, before = cells.row, len(cells.problems)
    values = rows.row_values(cells, skip=("email", "organisation", "organisation_country"))
    activity = values.get("activity_id", "")
    if re.fullmatch(r"\d{1,9}", activity) and int(activity) >= 1 and int(activity) not in lookups.activities:
        cells.problem("activity_id", _l("There is no activity number %(value)s.", value=int(activity)))
    party = _party(cells, lookups)
    try:
        data = validate_model(schemas.ParticipationCreate, {**values, **party})
    except ValidationFailed as failed:  # a missing party is already reported, in the file's terms
        rows.report(cells, [p for p in failed.problems if p.code != "one_party"])
        return None
    if len(cells.problems) > before:
        return None
    key = (data.activity_id, *(("s", data.stakeholder_id) if data.stakeholder_id else ("o", data.organisation_id)))
    if (*key, data.role) in seen:
        cells.problem("role", _l("The same participation is already in row %(row)s.", row=seen[(*key, data.role)]))
        return None
    seen[(*key, data.role)] = row.number
    existing = lookups.participation.get((*key, data.role))
    return _participation_plan(row.number, existing.id if existing else None, data)


def _participation_plan(number: int, existing_id: int | None, data: schemas.ParticipationCreate) -> Plan:
    def apply(session: Session) -> None:
        if existing_id is not None:
            if data.comments is not None:
                session.get(Participation, existing_id).comments = data.comments
            return
        session.add(Participation(**data.model_dump(include=set(schemas.ParticipationCreate.model_fields))))

    return Plan(number, "update" if existing_id else "create", apply)


_ROWS = {"organisations": _organisation_rows, "stakeholders": _stakeholder_rows, "participation": _participation_rows}


# --- validating and importing -------------------------------------------------------------


def validate(*, session: Session, kind: str, content: bytes) -> Report:
    """Check every row of a file; raises `TableError` when the file is no readable table."""
    rows = _ROWS[kind]
    return check_file(
        spec=KINDS[kind],
        content=content,
        plans=lambda table, cells_of: rows(session, table, cells_of, Lookups(session)),
    )


# --- the steps every import shares (the registry's and the engagement records') -----------


def check_file(
    *,
    spec: Kind,
    content: bytes,
    plans: Callable[[Table, Callable[[Row], Cells]], Iterable[Plan | None]],
    cells: type[Cells] = Cells,
) -> Report:
    """Read a file, check its header, and report on every row.

    `plans(table, cells_of)` turns the rows into plans (None for a row it rejects), reading each
    row through `cells_of(row)` so that every problem lands in the report under its row.
    Raises `TableError` when the file is no readable table.
    """
    table = read_table(content)
    report = Report(kind=spec.name, header=table.header, rows=len(table.rows))
    known = set(spec.column_names)
    present = set()
    for name in table.header:
        key = column_key(name)
        if not key:
            continue
        if key in known:
            present.add(key)
        else:
            report.problems.append(
                Problem(table.header_row, name, _l("This column is not one of the documented columns."))
            )
    for column in spec.columns:
        if column.required and column.name not in present:
            report.problems.append(Problem(table.header_row, column.name, _l("This required column is missing.")))

    row_problems: dict[int, list[Problem]] = {}

    def cells_of(row: Row) -> Cells:
        problems = row_problems.setdefault(row.number, [])
        if row.overflow:
            problems.append(Problem(row.number, "", _l("This row has values in columns that have no name.")))
        return cells(spec, row, present, problems)

    planned = {plan.row: plan for plan in plans(table, cells_of) if plan is not None}
    for row in table.rows:
        report.problems.extend(row_problems.get(row.number, []))
        if row.number in planned and not row_problems.get(row.number):
            report.plans.append(planned[row.number])
    keys = table.keys
    for row in table.rows[:PREVIEW_ROWS]:
        plan = planned.get(row.number) if not row_problems.get(row.number) else None
        report.preview.append(PreviewRow(row.number, [row.get(key) for key in keys], plan.action if plan else None))
    return report


@dataclass(frozen=True)
class Importer:
    """One family of imports and what sets it apart; the steps from check to write are shared.

    The views (core/imports/views.py) drive an import through this object alone.
    """

    kinds: dict[str, Kind]
    validate: Callable[..., Report]  # validate(session=, kind=, content=)
    audit_action: str
    changed: object  # lazy message: the database refused the writes, the data having changed meanwhile
    max_bytes: ClassVar[int] = MAX_BYTES
    errors: ClassVar[tuple[type[Exception], ...]] = (ImportFailed, TableError)  # each has a `message` to show

    def template_header(self, kind: str) -> list[str]:
        return self.kinds[kind].column_names

    def run_import(
        self,
        *,
        session: Session,
        kind: str,
        content: bytes,
        file_name: str,
        actor_id: int | None,
        pending_id: int | None = None,
    ) -> Report:
        """Validate again and, when every row is valid, write them all in one transaction.

        Returns the report; when it is not valid nothing was written. Raises `ImportFailed` when the
        database refuses the writes (everything is rolled back). With `pending_id`, the waiting
        upload is deleted in the same transaction, and if it is already gone (a second click on
        "Confirm", in another process) nothing is imported.
        """
        report = self.validate(session=session, kind=kind, content=content)
        if not report.valid:
            session.rollback()
            return report
        try:
            if (
                pending_id is not None
                and session.exec(delete(PendingImport).where(PendingImport.id == pending_id)).rowcount != 1
            ):
                raise ImportFailed(_l("This upload is no longer waiting for confirmation. Upload the file again."))
            for start in range(0, len(report.plans), BATCH):
                batch = report.plans[start : start + BATCH]
                for plan in batch:
                    if plan.prepare is not None:
                        plan.prepare(session)
                session.flush()
                for plan in batch:
                    plan.apply(session)
                # Written rows leave the session (not the transaction): SQLAlchemy's bookkeeping, and the
                # deletes in `services.apply_profile`, look at every object the session holds.
                session.flush()
                session.expunge_all()
            audit.record(
                session,
                self.audit_action,
                actor_id=actor_id,
                target=kind,
                kind=kind,
                file_name=file_name,
                rows=report.rows,
                created=report.created,
                updated=report.updated,
            )
            session.commit()
        except SQLAlchemyError:
            session.rollback()
            raise ImportFailed(self.changed) from None
        except BaseException:
            session.rollback()
            raise
        return report

    def import_pending(self, *, session: Session, pending: PendingImport, actor_id: int | None) -> Report:
        """Import a waiting upload; it is used up whatever happens (an import happens at most once)."""
        token = pending.token
        try:
            return self.run_import(
                session=session,
                kind=pending.kind,
                content=pending.content,
                file_name=pending.filename,
                actor_id=actor_id,
                pending_id=pending.id,
            )
        finally:
            discard_pending(session=session, token=token)

    def keep(self, *, session: Session, content: bytes, owner_id: int, kind: str, file_name: str) -> str:
        return keep_pending(session=session, content=content, owner_id=owner_id, kind=kind, file_name=file_name)

    def waiting(self, *, session: Session, token: str, owner_id: int) -> PendingImport | None:
        """This person's upload waiting under the token, if it is one of these kinds.

        An upload of another family of imports looks like any unknown one: none.
        """
        pending = pending_upload(session=session, token=token, owner_id=owner_id)
        return pending if pending is not None and pending.kind in self.kinds else None

    def discard(self, *, session: Session, token: str) -> None:
        discard_pending(session=session, token=token)


# --- uploads waiting for confirmation -----------------------------------------------------

PENDING_MAX_AGE = timedelta(days=1)
TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")


def keep_pending(*, session: Session, content: bytes, owner_id: int, kind: str, file_name: str) -> str:
    """Keep a checked upload until its uploader confirms it; returns the token that names it.

    Uploads older than `PENDING_MAX_AGE` are deleted first: nobody confirms them any more.
    """
    session.exec(delete(PendingImport).where(PendingImport.created_at < utcnow() - PENDING_MAX_AGE))
    token = secrets.token_urlsafe(32)
    session.add(PendingImport(token=token, kind=kind, filename=file_name, content=content, uploaded_by_id=owner_id))
    session.commit()
    return token


def pending_upload(*, session: Session, token: str, owner_id: int) -> PendingImport | None:
    """The upload the token names, if it is this person's and has not expired.

    Another person's upload, an expired one and one already used all look alike: none.
    """
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        return None
    return session.exec(
        select(PendingImport).where(
            PendingImport.token == token,
            PendingImport.uploaded_by_id == owner_id,
            PendingImport.created_at >= utcnow() - PENDING_MAX_AGE,
        )
    ).first()


def discard_pending(*, session: Session, token: str) -> None:
    session.exec(delete(PendingImport).where(PendingImport.token == token))
    session.commit()


REGISTRY = Importer(
    kinds=KINDS,
    validate=validate,
    audit_action="registry.import",
    changed=_l(
        "The registry changed while the file was being imported, so nothing was "
        "imported. Upload the file again to check it against the registry as it is now."
    ),
)
run_import, import_pending, template_header = REGISTRY.run_import, REGISTRY.import_pending, REGISTRY.template_header
