"""The column documentation of the registry's imports: organisations, stakeholders, participation.

The upload page and the downloadable templates show these columns; the importer checks each
file's header against them (stakeholders/importing.py reads the rows).
"""

from __future__ import annotations

from babel import Locale
from flask_babel import lazy_gettext as _l

from core.config import LANGUAGES
from core.imports.cells import Column, Kind
from stakeholders import vocabularies as vocab

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
