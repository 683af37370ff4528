"""Secretariat imports of organisations, stakeholders and participation from CSV or XLSX.

An import is all or nothing (core/imports): `validate` checks every row of a file against the
registry and returns a report: each problem names its row and column, and every valid row is
turned into a plan (create or update). `run_import` validates again and, only when no row has a
problem, applies every plan in one transaction with one audit event. Re-importing a file
updates what it matched instead of duplicating it: organisations on name (any case or
accents) and country, stakeholders on email, participation on (activity, party, role).
The columns of each kind are documented in stakeholders/import_kinds.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from core.accounts.models import Role, User
from core.accounts.services import normalise_email
from core.config import LANGUAGES
from core.imports.importer import Importer
from core.imports.report import Plan, Report, check_file
from core.imports.tables import Table
from core.text import search_key
from core.timeutil import utcnow
from stakeholders import services
from stakeholders.import_kinds import (
    KINDS,
    LANGUAGE_NAMES,
    MULTI_COLUMNS,
    ORGANISATION_COLUMNS,
    PROFILE_COLUMNS,
)
from stakeholders.import_lookups import Lookups, RegistryCells
from stakeholders.models import Organisation, Participation, Stakeholder, StakeholderAttribute

# An imported person has no password until they choose one through "forgot password", which
# also marks their address as verified. "!" is no argon2 hash, so no password matches it.
UNUSABLE_PASSWORD = "!"


# --- the three kinds ----------------------------------------------------------------------


def _organisation_rows(session: Session, table: Table, cells_of, lookups: Lookups) -> Iterable[Plan | None]:
    seen: dict[tuple, int] = {}
    for row in table.rows:
        cells = cells_of(row)
        before = len(cells.problems)
        name = cells.text("name")
        country = cells.country("country", lookups)
        org_type = cells.code("type")
        observer_session = cells.text("observer_session")
        observer_year = cells.integer("observer_year", minimum=2010, maximum=2100)
        if bool(observer_session) != bool(row.get("observer_year")):
            cells.problem(
                "observer_year" if observer_session else "observer_session",
                _l("Give both the observer session and its year, or neither."),
            )
        other_names = {}
        for language in ("ar", "zh", "fr", "ru", "es"):
            other = cells.text(f"name_{language}")
            if other:
                other_names[language] = other
        website = cells.text("website")
        if name and search_key(name):
            key = (search_key(name), country)
            if key in seen:
                cells.problem("name", _l("The same organisation is already in row %(row)s.", row=seen[key]))
            else:
                seen[key] = row.number
        if len(cells.problems) > before or not (name and org_type):
            yield None
            continue
        existing_id = lookups.organisation(name, country)
        existing = session.get(Organisation, existing_id) if existing_id else None
        data = services.OrganisationData(
            name=name,
            org_type=org_type,
            country=country,
            acronym=cells.text("acronym") or (existing.acronym if existing else ""),
            website=website or (existing.website if existing else ""),
            other_names=other_names,
            admissions=[(observer_session, observer_year)] if observer_session else [],
        )
        for column, message in services.organisation_problems(session, data):  # the registry's own rules
            cells.problem(ORGANISATION_COLUMNS.get(column, column), message)
        if len(cells.problems) > before:
            yield None
            continue
        yield _organisation_plan(row.number, existing_id, data)


def _organisation_plan(number: int, existing_id: int | None, data: services.OrganisationData) -> Plan:
    def apply(session: Session) -> None:
        organisation = (
            session.get(Organisation, existing_id)
            if existing_id
            else Organisation(name="", search_name="", org_type=data.org_type, status="approved", approved_at=utcnow())
        )
        services.apply_organisation(session, organisation, data)

    return Plan(number, "update" if existing_id else "create", apply)


# The profile fields a re-import starts from; multi-valued fields are left out, so only those in
# the file change (and `services.profile_of` would cost a query per row).
_PROFILE_FIELDS = (
    "country",
    "category",
    "stakeholder_type",
    "gender",
    "gender_self_described",
    "sector",
    "job_title",
    "nationality",
    "organisation_id",
    "preferred_language",
    "phone",
)


@dataclass
class _ProfileCells:
    """The profile values one row gives."""

    name: str
    country: str | None
    category: str | None
    optional: dict  # profile field -> value; an empty cell keeps the recorded value
    named: bool  # the row names an organisation
    organisation_id: int | None
    multi: dict  # field -> codes, None when the cell is empty


def _stakeholder_rows(session: Session, table: Table, cells_of, lookups: Lookups) -> Iterable[Plan | None]:
    lookups.load_accounts(normalise_email(row.get("email")) for row in table.rows)
    seen: dict[str, int] = {}
    for row in table.rows:
        cells = cells_of(row)
        before = len(cells.problems)
        email = _unique_email(cells, seen)
        given = _read_profile(cells, lookups)
        if len(cells.problems) > before or not (email and given.name and given.country and given.category):
            yield None
            continue
        user = lookups.users.get(email)
        stakeholder = lookups.stakeholder_for(email)
        profile = _profile(stakeholder, given)
        for column, message in services.profile_problems(session, profile):  # the registry's own rules, again
            cells.problem(PROFILE_COLUMNS.get(column, column), message)
        if len(cells.problems) > before:
            yield None
            continue
        yield _stakeholder_plan(
            row.number, email, user.id if user else None, stakeholder.id if stakeholder else None, profile
        )


def _unique_email(cells: RegistryCells, seen: dict[str, int]) -> str:
    """The row's normalised address; one already in an earlier row is reported."""
    email = cells.email("email")
    if email:
        email = normalise_email(email)
        if email in seen:
            cells.problem("email", _l("The same email address is already in row %(row)s.", row=seen[email]))
        else:
            seen[email] = cells.row.number
    return email


def _read_profile(cells: RegistryCells, lookups: Lookups) -> _ProfileCells:
    """Every profile cell of the row, read in column order (the report lists problems in that order)."""
    name = cells.text("name")
    country = cells.country("country", lookups)
    category = cells.code("category")
    optional = {
        "stakeholder_type": cells.code("type"),
        "gender": cells.code("gender"),
        "sector": cells.code("sector"),
        "job_title": cells.text("job_title"),
        "nationality": cells.country("nationality", lookups),
    }
    named, organisation_id = cells.organisation(lookups)
    multi = {MULTI_COLUMNS[column]: cells.codes(column) for column in MULTI_COLUMNS}
    optional["preferred_language"] = _language(cells)
    optional["phone"] = cells.text("phone")
    return _ProfileCells(name, country, category, optional, named, organisation_id, multi)


def _language(cells: RegistryCells) -> str:
    """A language code from a code or the language's English name ("" when none is given)."""
    language = cells.text("preferred_language")
    if not language:
        return ""
    code = language.lower() if language.lower() in LANGUAGES else LANGUAGE_NAMES.get(language.casefold())
    if code is None:
        cells.problem("preferred_language", _l("%(value)s is not one of the allowed values.", value=language))
    return code or ""


def _profile(stakeholder: Stakeholder | None, given: _ProfileCells) -> services.ProfileData:
    """The profile to write: the recorded one (if any) with the values the row gives."""
    if stakeholder is not None:
        recorded = {name: getattr(stakeholder, name) for name in _PROFILE_FIELDS}
        profile = services.ProfileData(**recorded, name=given.name)
    else:
        profile = services.ProfileData(name=given.name, country=given.country, category=given.category)
    profile.name, profile.country, profile.category = given.name, given.country, given.category
    for attribute, value in given.optional.items():
        if value:
            setattr(profile, attribute, value)
    if given.named:
        profile.organisation_id = given.organisation_id
    profile.multi = {field_name: codes for field_name, codes in given.multi.items() if codes is not None}
    return profile


def _stakeholder_plan(
    number: int, email: str, user_id: int | None, stakeholder_id: int | None, profile: services.ProfileData
) -> Plan:
    accounts: list[User] = []

    def prepare(session: Session) -> None:
        if user_id is None:  # new accounts are inserted together, before the profiles
            accounts.append(
                User(
                    email=email,
                    name=profile.name.strip(),
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
            services.apply_profile(session, stakeholder, user, replace(profile, multi={}))
            for field_name, codes in profile.multi.items():
                for code in dict.fromkeys(codes):
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
        cells = cells_of(row)
        before = len(cells.problems)
        activity_id = cells.integer("activity_id", minimum=1)
        if activity_id is not None and activity_id not in lookups.activities:
            cells.problem("activity_id", _l("There is no activity number %(value)s.", value=activity_id))
        email = normalise_email(cells.text("email"))
        named, organisation_id = cells.organisation(lookups)
        party = None
        if email and named:
            cells.problem("email", _l("Give either an email address or an organisation, not both."))
        elif not email and not named:
            cells.problem("email", _l("Give an email address or an organisation."))
        elif email:
            stakeholder = lookups.stakeholder_for(email)
            if stakeholder is None:
                cells.problem(
                    "email", _l("No stakeholder is registered with the email address %(value)s.", value=email)
                )
            else:
                party = ("s", stakeholder.id)
        elif organisation_id is not None:
            party = ("o", organisation_id)
        role = cells.code("role")
        comments = cells.integer("comments", minimum=0)
        if comments is not None and role and role != "reviewer":
            cells.problem("comments", _l("Only reviewers have a number of comments."))
        if activity_id is not None and party and role:
            key = (activity_id, *party, role)
            if key in seen:
                cells.problem("role", _l("The same participation is already in row %(row)s.", row=seen[key]))
            else:
                seen[key] = row.number
        if len(cells.problems) > before or not (activity_id and party and role):
            yield None
            continue
        existing = lookups.participation.get((activity_id, *party, role))
        yield _participation_plan(row.number, existing.id if existing else None, activity_id, party, role, comments)


def _participation_plan(
    number: int, existing_id: int | None, activity_id: int, party: tuple, role: str, comments: int | None
) -> Plan:
    def apply(session: Session) -> None:
        if existing_id is not None:
            if comments is not None:
                session.get(Participation, existing_id).comments = comments
            return
        kind, party_id = party
        session.add(
            Participation(
                activity_id=activity_id,
                role=role,
                comments=comments,
                stakeholder_id=party_id if kind == "s" else None,
                organisation_id=party_id if kind == "o" else None,
            )
        )

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
        cells=RegistryCells,
    )


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
