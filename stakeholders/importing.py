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
from typing import TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, text, update
from sqlmodel import Session, select

from core.accounts.models import Role, User
from core.accounts.services import normalise_email
from core.config import LANGUAGES
from core.imports import jobs as import_jobs
from core.imports import rows
from core.imports.cells import Cells
from core.imports.importer import Importer
from core.imports.report import Plan, Report, check_file
from core.imports.tables import Table
from core.problems import ValidationFailed
from core.problems import validate as validate_model
from core.text import search_key
from core.timeutil import utcnow
from stakeholders import schemas, services
from stakeholders import vocabularies as vocab
from stakeholders.import_kinds import (
    KINDS,
    LANGUAGE_NAMES,
    MULTI_COLUMNS,
    ORGANISATION_COLUMNS,
    OTHER_NAME_LANGUAGES,
    PROFILE_COLUMNS,
)
from stakeholders.import_lookups import Lookups
from stakeholders.models import ConsentRecord, Organisation, Participation, Stakeholder, StakeholderAttribute

# An imported person has no password until they choose one through "forgot password", which
# also marks their address as verified. "!" is no argon2 hash, so no password matches it.
UNUSABLE_PASSWORD = "!"


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
    user = lookups.users.get(email)
    stakeholder = lookups.stakeholder_for(email)
    values = _profile_values(cells, lookups)
    if stakeholder is not None:  # the file's values over the current profile, whose fields the cells it
        # leaves empty keep (`row_values` gives only the filled cells). Multi-valued fields are left out,
        # so only those in the file change (and `services.profile_of` would cost a query per row).
        values = {**{name: getattr(stakeholder, name) for name in services.STAKEHOLDER_FIELDS}, **values}
    # The whole profile, checked once: a re-imported row was checked as an update, then again merged.
    profile = _validated(cells, schemas.StakeholderCreate, values, PROFILE_COLUMNS)
    if profile is None or len(cells.problems) > before:
        return None
    problems = services.profile_problems(session, profile)  # the registry's own rules, again
    rows.report(cells, problems, PROFILE_COLUMNS)
    if problems:
        return None
    if stakeholder is None:
        return Plan(row.number, "create", write_many=_create_stakeholders, values=(email, user, profile))
    return _stakeholder_plan(row.number, user.id, stakeholder.id, profile)


def _create_stakeholders(session: Session, batch: list[tuple[str, User | None, schemas.StakeholderCreate]]) -> None:
    """New profiles, with their accounts where there are none yet, a few statements per batch of rows.

    What `services.apply_profile` and `record_consents` write for a new profile, in bulk: the profile's
    fields, its multi-valued choices, and only the consent the secretariat's lawful basis covers (the
    others are the person's to give)."""
    new_accounts = [
        {
            "email": email,
            "name": profile.name,
            "password_hash": UNUSABLE_PASSWORD,
            "role": Role.STAKEHOLDER.value,
            "locale": profile.preferred_language or None,
        }
        for email, user, profile in batch
        if user is None
    ]
    if new_accounts:
        session.execute(insert(User), new_accounts)
    account_ids = _ids(session, User.email, User.id, [account["email"] for account in new_accounts])
    named = [{"id": user.id, "name": profile.name} for _email, user, profile in batch if user is not None]
    if named:  # an account without a profile yet takes the profile's name, as `apply_profile` does
        session.execute(update(User), named)
    user_ids = [user.id if user is not None else account_ids[email] for email, user, _profile in batch]
    session.execute(insert(Stakeholder), [_new_profile(i, p) for i, (_e, _u, p) in zip(user_ids, batch, strict=True)])
    profile_ids = _ids(session, Stakeholder.user_id, Stakeholder.id, user_ids)
    stakeholder_ids = [profile_ids[user_id] for user_id in user_ids]
    choices = [
        {"stakeholder_id": stakeholder_id, "field": field_name, "code": code}
        for stakeholder_id, (_e, _u, profile) in zip(stakeholder_ids, batch, strict=True)
        for field_name, codes in profile.multi().items()
        for code in dict.fromkeys(codes)
    ]
    if choices:
        session.execute(insert(StakeholderAttribute), choices)
    consents = [
        {"stakeholder_id": i, "kind": "data_processing", "granted": True, "text_version": vocab.CONSENT_TEXT_VERSION}
        for i in stakeholder_ids
    ]
    session.execute(insert(ConsentRecord), consents)


def _ids(session: Session, key, id_column, keys: list) -> dict:
    """{key: id} of the rows just inserted, by a unique column (a few queries per batch: RETURNING with
    the rows' order kept would cost SQLite one statement per row)."""
    found = {}
    for start in range(0, len(keys), 900):  # under SQLite's bound-parameter limit
        found.update(session.exec(select(key, id_column).where(key.in_(keys[start : start + 900]))).all())
    return found


def _new_profile(user_id: int, profile: schemas.StakeholderCreate) -> dict:
    """A new stakeholder's row, as `services.apply_profile` fills it."""
    values = {name: getattr(profile, name) for name in services.STAKEHOLDER_FIELDS}
    values["gender_self_described"] = profile.gender_self_described if profile.gender == "another" else ""
    return {**values, "user_id": user_id, "search_name": search_key(profile.name), "country": profile.country}


def _stakeholder_plan(number: int, user_id: int, stakeholder_id: int, profile: schemas.StakeholderCreate) -> Plan:
    return Plan(number, "update", write_many=_update_stakeholders, values=(user_id, stakeholder_id, profile))


def _update_stakeholders(session: Session, batch: list[tuple[int, int, schemas.StakeholderCreate]]) -> None:
    """Existing profiles rewritten from the file, a few statements per batch of rows: what
    `services.apply_profile` writes for each (the profile's fields, the account's name, and each
    multi-valued field the file gives, replaced by its codes)."""
    now = utcnow()
    session.execute(update(Stakeholder), [_updated_profile(i, p, now) for _u, i, p in batch])
    session.execute(update(User), [{"id": user_id, "name": profile.name} for user_id, _i, profile in batch])
    replaced: dict[str, list[int]] = {}
    choices = []
    for _user_id, stakeholder_id, profile in batch:
        for field_name, codes in profile.multi().items():
            replaced.setdefault(field_name, []).append(stakeholder_id)
            choices += [{"stakeholder_id": stakeholder_id, "field": field_name, "code": code} for code in codes]
    for field_name, ids in replaced.items():
        for start in range(0, len(ids), 900):  # under SQLite's bound-parameter limit
            session.execute(
                delete(StakeholderAttribute).where(
                    StakeholderAttribute.field == field_name,
                    StakeholderAttribute.stakeholder_id.in_(ids[start : start + 900]),
                )
            )
    if choices:
        session.execute(insert(StakeholderAttribute), choices)


def _updated_profile(stakeholder_id: int, profile: schemas.StakeholderCreate, now) -> dict:
    """An existing stakeholder's row, as `services.apply_profile` rewrites it."""
    values = {name: getattr(profile, name) for name in services.STAKEHOLDER_FIELDS}
    values["gender_self_described"] = profile.gender_self_described if profile.gender == "another" else ""
    return {
        **values,
        "id": stakeholder_id,
        "search_name": search_key(profile.name),
        "country": profile.country,
        "updated_at": now,
    }


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


def validate(*, session: Session, kind: str, content: bytes, progress=None) -> Report:
    """Check every row of a file (telling `progress(done, total)` on the way); raises `TableError` when the
    file is no readable table."""
    rows = _ROWS[kind]
    custom_plans(session)
    return check_file(
        spec=KINDS[kind],
        content=content,
        plans=lambda table, cells_of: rows(session, table, cells_of, Lookups(session)),
        progress=progress,
    )


def custom_plans(session: Session) -> None:
    """On PostgreSQL, plan each look-up for the values it is given, for the rest of the transaction.

    psycopg prepares a statement run five times, and PostgreSQL then keeps a generic plan: the look-ups
    of a file's addresses, chosen while the registry was small (a first import into an empty one), went
    on scanning the whole table for each chunk of addresses until the table was analysed again. A
    re-check of 30,000 re-imported rows spent 28 of its 33 s in them."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


REGISTRY = Importer(
    name="registry",
    kinds=KINDS,
    validate=validate,
    audit_action="registry.import",
    changed=_l(
        "The registry changed while the file was being imported, so nothing was "
        "imported. Upload the file again to check it against the registry as it is now."
    ),
)
import_jobs.register_family(REGISTRY)
run_import, import_pending, template_header = REGISTRY.run_import, REGISTRY.import_pending, REGISTRY.template_header
