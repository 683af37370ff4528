"""Open data: the public register and the published indicators as Frictionless data packages (a zip
of `datapackage.json` and CSV files), for the public pages' download links and the API.

- `register_package(session, lang)`: who the public register lists (`Scope.PUBLIC`: consented,
  active, organisation approved) with only what the register page shows: name, organisation,
  country and category. No contact details, gender or identifiers.
- `indicators_package(session, lang)`: the headline cards and the indicator tables of the latest
  year with closed waves, through the one disclosure rule (`presentation.disclosure`), as a focal
  point sees them: a small count, and what rests on it, is "–". Before a wave is closed, only the
  headline file's header.

Both take a session and return bytes; everything is in `lang`.
"""

from __future__ import annotations

import re

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlmodel import Session

from analysis import indicators
from core import generations, tabular
from core.extensions import cache
from core.reference.countries import country_name
from exports import datapackage, opendata_tables
from exports.opendata_tables import SUPPRESSED
from exports.service import exportable_waves, publication, zip_files
from presentation.builder import Builder
from presentation.disclosure import Disclosure, threshold
from presentation.model import Section
from presentation.sections import group_section
from reports.data import load
from stakeholders import public_counts, public_register
from stakeholders import vocabularies as vocab
from stakeholders.registry_query import RegistryFilters, Scope, iterate

INDICATORS_TIMEOUT = 600  # seconds: the indicators rest on many tables; ten minutes late is fine for open data
REGISTER_FILE = "register.csv"
HEADLINE_FILE = "headline.csv"


def cached_register(session: Session, lang: str) -> bytes:
    """`register_package`, built again only after the registry changed (the public counts' generation)."""
    key = f"open-data:register:{generations.token(public_counts.GENERATION)}:{lang}"
    content = cache.get(key)
    if content is None:
        content = register_package(session, lang)
        cache.set(key, content, timeout=public_counts.TIMEOUT)
    return content


def cached_indicators(session: Session, lang: str) -> bytes:
    """`indicators_package`, kept for INDICATORS_TIMEOUT per language and set of closed waves."""
    waves = "-".join(str(wave.id) for wave in exportable_waves(session))
    key = f"open-data:indicators:{waves}:{lang}"
    content = cache.get(key)
    if content is None:
        content = indicators_package(session, lang)
        cache.set(key, content, timeout=INDICATORS_TIMEOUT)
    return content


def _csv(header: list[str], rows: list[list]) -> bytes:
    return tabular.to_csv(header, rows)


def register_package(session: Session, lang: str) -> bytes:
    with force_locale(lang):
        rows = list(iterate(session, RegistryFilters(sort="name"), Scope.PUBLIC))
        organisations = public_register.row_organisation_names(session, rows, lang)
        table = [
            [
                row.name or "",
                organisations.get(row.organisation_id, ""),
                row.country or "",
                country_name(row.country, lang) if row.country else "",
                row.category,
                str(vocab.CATEGORY.label(row.category)) if row.category else "",
            ]
            for row in rows
        ]
        columns = [
            ("name", "string", _("Name")),
            ("organisation", "string", _("Organisation")),
            ("country", "string", _("Country (ISO 3166-1 alpha-2 code)")),
            ("country_name", "string", _("Country")),
            ("category", "string", _("Category (code)")),
            ("category_label", "string", _("Category")),
        ]
        resource = datapackage.table_resource(
            "register", REGISTER_FILE, _("Public register of IPBES stakeholders"), columns
        )
        resource["schema"]["fields"][4]["categories"] = [
            {"value": code, "label": str(vocab.CATEGORY.label(code))} for code in vocab.CATEGORY.codes
        ]
        descriptor = _package(
            "ipbes-public-register",
            _("Public register of IPBES stakeholders"),
            _(
                "The stakeholders who agreed to be listed in the public register, with what the register page "
                "shows: name, organisation, country and category."
            ),
            [resource],
            lang,
        )
        header = [name for name, _type, _title in columns]
        return zip_files({"datapackage.json": datapackage.to_json(descriptor), REGISTER_FILE: _csv(header, table)})


def _package(name: str, title: str, description: str, resources: list[dict], lang: str) -> dict:
    return datapackage.package(
        name=name,
        title=title,
        description=description,
        resources=resources,
        sources=[],
        keywords=["IPBES", "stakeholder engagement", "open data"],
        publication=_publication(lang),
    )


def _publication(lang: str) -> datapackage.Publication:
    published = publication()
    return datapackage.Publication(published.licence, published.platform_url, published.created, (lang,))


def indicators_package(session: Session, lang: str) -> bytes:
    """The package of the latest year with closed waves; before any wave is closed, the headline file
    has its header only and the description says so."""
    closed = exportable_waves(session)
    year = max((wave.year for wave in closed), default=None)
    data = load(session, [wave.id for wave in closed if wave.year == year]) if closed else None
    with force_locale(lang):
        rule = Disclosure(threshold())
        sections = []
        if data is not None:
            builder = Builder(data, lang)
            opendata_tables.numbered(builder)  # the tables' numbers travel with their text through the rule
            sections = rule.sections([group_section(builder, group) for group in indicators.GROUPS])
        files, resources = _headline(sections, rule)
        for section in sections:
            for number, table in enumerate(section.tables, start=1):
                _add_table(files, resources, f"{section.id}-{number}", table)
        description = _("No survey wave has been published yet.")
        if data is not None:
            description = _(
                "The headline indicators of decision IPBES-3/4 and their tables, from the waves %(waves)s. Counts "
                "of fewer than %(threshold)s people, and what rests on them, are shown as –.",
                waves=", ".join(f"{wave.name} ({wave.year})" for wave in data.waves),
                threshold=rule.threshold,
            )
        descriptor = _package(
            "ipbes-engagement-indicators",
            _("IPBES stakeholder engagement indicators"),
            description,
            resources,
            lang,
        )
        files["datapackage.json"] = datapackage.to_json(descriptor)
    return zip_files(files)


def _add_table(files: dict[str, bytes], resources: list[dict], stem: str, table) -> None:
    """A table twice: its numbers (`<stem>-data.csv`, numbers as numbers with the row's base n) and the
    text the dashboard shows (`<stem>.csv`), both after the disclosure rule."""
    fields, rows = opendata_tables.numeric_table(table)
    path = f"{stem}-data.csv"
    resource = datapackage.table_resource(_slug(path), path, table.title, [], missingValues=_missing())
    resource["schema"]["fields"] = fields
    resource["description"] = _("The numbers of the table %(table)s.", table=stem + ".csv")
    resources.append(resource)
    files[path] = _csv([field["name"] for field in fields], rows)
    path = f"{stem}.csv"
    names = _field_names(table.columns)
    columns = [(name, "string", title) for name, title in zip(names, table.columns)]
    resources.append(datapackage.table_resource(_slug(path), path, table.title, columns))
    files[path] = _csv(names, [[str(cell) for cell in row.cells] for row in table.rows])


def _missing() -> list[dict]:
    return [
        {"value": "", "label": _("Not available")},
        {"value": str(SUPPRESSED), "label": _("Suppressed: it rests on too few people")},
    ]


def _headline(sections: list[Section], rule: Disclosure) -> tuple[dict[str, bytes], list[dict]]:
    columns = [
        ("group", "string", _("Indicator group")),
        ("measure", "string", _("Measure (code)")),
        ("title", "string", _("Indicator")),
        ("year", "string", _("Year")),
        ("value", "string", _("Value")),
        ("change", "string", _("Change")),
        ("status", "string", _("Status")),
        ("base", "string", _("Base")),
        ("number", "number", _("Value (number)")),
        ("unit", "string", _("Unit of the value")),
        ("change_number", "number", _("Change (number)")),
        ("n", "integer", _("Base (n)")),
    ]
    rows = [_headline_row(section.id, card, rule) for section in sections if (card := section.card) is not None]
    resource = datapackage.table_resource(
        "headline", HEADLINE_FILE, _("Headline indicators"), columns, missingValues=_missing()
    )
    resource["schema"]["fields"][8]["description"] = _("A share from 0 to 1.")
    return {HEADLINE_FILE: _csv([name for name, _t, _l in columns], rows)}, [resource]


def _headline_row(group: str, card, rule: Disclosure) -> list:
    hidden = rule.small(card.n)
    texts = [group, card.code, card.title, card.year, card.value, card.change, card.status_label, card.base]
    number = SUPPRESSED if hidden else card.number
    change = SUPPRESSED if hidden else card.change_number
    n = SUPPRESSED if hidden else card.n
    return [*(str(text) for text in texts), number, card.unit, change, n]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "table"


def _field_names(titles: list[str]) -> list[str]:
    """Unique ASCII names for the columns (their titles, in any script, go in `title`)."""
    taken: set[str] = set()
    return [opendata_tables.field_name(title, position, taken) for position, title in enumerate(titles, start=1)]
