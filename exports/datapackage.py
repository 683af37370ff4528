"""Frictionless Data Package descriptors (`datapackage.json`): of a release, and of open-data tables.

A release's data file, in any format, is a tabular resource whose Table Schema gives every column's
type, the missing-value codes (-8 suppressed, -9 not answered) and, for categories, the values with
their labels (`categories`, Data Package v2) and an `enum` constraint. XLSX and Parquet have the CSV's
fields; SAV has its own variable names and stores a category as a numeric code (`sav_fields`).
Frictionless reads CSV, XLSX and Parquet itself; its SPSS reader needs savReaderWriter. The documents
are file resources.
Call inside `flask_babel.force_locale(lang)`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
from flask_babel import gettext as _

from analysis.disclosure import NOT_ANSWERED_CODE, SUPPRESSED_CODE
from exports.build import NOT_ANSWERED_TEXT, SUPPRESSED_TEXT, BuiltRelease, Variable
from exports.labels import ValueLabels
from exports.writers import sav_codes, sav_names

RESPONSE_KEY = ("respondent", "wave_id")  # unique per row of a release, waves linked or not
PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
DEFAULT_LICENCE = "CC-BY-4.0"
# SPDX identifiers the platform names in full; any other configured one is given by its identifier alone.
LICENCES = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/"),
    "CC0-1.0": ("Creative Commons Zero v1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "CC-BY-SA-4.0": (
        "Creative Commons Attribution Share Alike 4.0 International",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    "ODC-By-1.0": ("Open Data Commons Attribution License v1.0", "https://opendatacommons.org/licenses/by/1-0/"),
}
MEDIA_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
    "sav": "application/x-spss-sav",
    "json": "application/json",
    "html": "text/html",
    "txt": "text/plain",
    "xml": "application/xml",
    "do": "text/plain",
    "sps": "text/plain",
}
FIELD_TYPES = {
    "identifier": "string",
    "integer": "integer",
    "decimal": "number",
    "choice": "integer",
    "category": "string",
    "date": "date",
    "text": "string",
}


@dataclass(frozen=True)
class Publication:
    """Who publishes, under which licence, from where (app settings OPEN_DATA_LICENSE, BASE_URL)."""

    licence: str = DEFAULT_LICENCE
    platform_url: str = ""
    created: datetime | None = None
    languages: tuple[str, ...] = field(default=("en",))


def licence(identifier: str) -> dict:
    title, path = LICENCES.get(identifier, (identifier, ""))
    return {"name": identifier, "title": title, **({"path": path} if path else {})}


def platform_source(publication: Publication) -> dict:
    return {
        "title": _("IPBES stakeholder engagement platform"),
        **({"path": publication.platform_url} if publication.platform_url else {}),
    }


def secretariat() -> list[dict]:
    return [{"title": _("IPBES secretariat"), "roles": ["publisher", "rightsHolder"]}]


def missing_values() -> list[dict]:
    labels = ValueLabels.missing()
    return [
        {"value": SUPPRESSED_TEXT, "label": labels["suppressed"]},
        {"value": NOT_ANSWERED_TEXT, "label": labels["not_answered"]},
    ]


def _missing_note() -> str:
    labels = ValueLabels.missing()
    return _(
        "Codes: %(suppressed)s = %(suppressed_label)s; %(missing)s = %(missing_label)s.",
        suppressed=SUPPRESSED_CODE,
        suppressed_label=labels["suppressed"],
        missing=NOT_ANSWERED_CODE,
        missing_label=labels["not_answered"],
    )


def release_field(variable: Variable, values: pd.Series) -> dict:
    """The Table Schema field of a released column."""
    description = " ".join([variable.label, *variable.treatment, _missing_note()])
    result = {"name": variable.name, "title": variable.label, "type": FIELD_TYPES[variable.kind]}
    result["description"] = description
    if variable.kind == "date":
        result["format"] = "default"  # YYYY-MM-DD
    if variable.kind == "choice":
        result["categories"] = [{"value": int(value), "label": label} for value, label in variable.values]
        result["constraints"] = {"enum": [0, 1]}
    elif variable.kind == "category" and variable.values:
        listed = [value for value, _label in variable.values]
        result["categories"] = [{"value": value, "label": label} for value, label in variable.values]
        present = set(pd.unique(values)) - {SUPPRESSED_TEXT, NOT_ANSWERED_TEXT}
        if present <= set(listed):  # a value the list does not name would break the constraint
            result["constraints"] = {"enum": listed}
    return result


def sav_fields(release: BuiltRelease, fields: list[dict]) -> list[dict]:
    """The fields as the SAV file has them: its variable names, and a category's values as the numeric
    codes the file stores (1, 2, ... with the labels; `writers.sav_codes`), a date as its text."""
    names = sav_names(release.table.columns)
    result = []
    for variable, found in zip(release.variables, fields):
        found = dict(found, name=names[variable.name])
        if variable.kind == "category":
            codes = sav_codes(variable, release.table[variable.name])
            labels = dict(variable.values)
            found["type"] = "integer"
            found["categories"] = [{"value": code, "label": labels.get(value, value)} for value, code in codes.items()]
            found["constraints"] = {"enum": list(codes.values())}
        elif variable.kind == "date":
            found["type"], found["format"] = "string", "default"
        result.append(found)
    return result


def release_package(
    release: BuiltRelease,
    *,
    name: str,
    title: str,
    description: str,
    data_file: str,
    data_format: str,
    documents: Iterable[tuple[str, str]],
    sources: list[dict],
    keywords: list[str],
    publication: Publication,
) -> dict:
    """The descriptor of a release: the data file (tabular when CSV) and `documents` ((path, description))."""
    data = _table(
        release,
        name="data",
        path=data_file,
        title=_("Responses, one row per submitted response"),
        data_format=data_format,
    )
    data["schema"]["primaryKey"] = list(RESPONSE_KEY)
    extension = data_file.rsplit(".", 1)[-1]
    repeats = []
    for repeat in release.repeats:
        table = _table(
            repeat,
            name=_repeat_resource(repeat.name),
            path=repeat.file(extension),
            title=_("%(label)s: one row per instance of the repeat", label=repeat.label),
            data_format=data_format,
        )
        table["schema"]["primaryKey"] = repeat.key
        # A nested repeat's rows belong to its parent's; the top-level ones' to the responses.
        parent, fields = "data", list(RESPONSE_KEY)
        if repeat.parents:
            holding = next(other for other in release.repeats if other.name == repeat.parents[-1])
            parent, fields = _repeat_resource(holding.name), holding.key
        table["schema"]["foreignKeys"] = [
            {"fields": repeat.joins_on, "reference": {"resource": parent, "fields": fields}}
        ]
        repeats.append(table)
    resources = [data, *repeats, *(_document(path, text) for path, text in documents)]
    return package(
        name=name,
        title=title,
        description=f"{description} {_missing_note()}",
        resources=resources,
        sources=sources,
        keywords=keywords,
        publication=publication,
    )


def _repeat_resource(name: str) -> str:
    return f"repeat-{re.sub(r'[^a-z0-9._-]', '-', name.lower())}"


def _table(release, *, name: str, path: str, title: str, data_format: str) -> dict:
    """A data file's tabular resource: the main table or a repeat's (anything with `table` and `variables`)."""
    resource = {
        "name": name,
        "path": path,
        "title": title,
        "format": data_format,
        "mediatype": MEDIA_TYPES[data_format],
    }
    fields = [release_field(variable, release.table[variable.name]) for variable in release.variables]
    if data_format == "sav":
        fields = sav_fields(release, fields)
    resource.update({"type": "table", "schema": {"fields": fields, "missingValues": missing_values()}})
    if data_format == "csv":
        resource.update({"encoding": "utf-8", "dialect": {"delimiter": ",", "header": True}})
    else:
        resource["description"] = _("The columns, types and codes are those of the codebook (codebook.json).")
    return resource


def _document(path: str, description: str) -> dict:
    extension = path.rsplit(".", 1)[-1]
    return {
        "name": path.replace(".", "-").replace("_", "-").lower(),
        "path": path,
        "type": "file",
        "format": extension,
        "mediatype": MEDIA_TYPES.get(extension, "application/octet-stream"),
        "description": description,
    }


def package(
    *, name: str, title: str, description: str, resources: list[dict], sources, keywords, publication: Publication
) -> dict:
    descriptor = {
        "$schema": PROFILE,
        "name": name,
        "title": title,
        "description": description,
        "languages": list(publication.languages),
        "licenses": [licence(publication.licence)],
        "sources": [platform_source(publication), *sources],
        "contributors": secretariat(),
        "keywords": keywords,
    }
    if publication.created is not None:
        descriptor["created"] = publication.created.strftime("%Y-%m-%dT%H:%M:%SZ")
    descriptor["resources"] = resources
    return descriptor


def table_resource(name: str, path: str, title: str, columns: list[tuple[str, str, str]], **extra) -> dict:
    """A CSV resource of an open-data table: `columns` as (name, type, title)."""
    return {
        "name": name,
        "path": path,
        "title": title,
        "type": "table",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {"fields": [{"name": n, "type": t, "title": label} for n, t, label in columns], **extra},
    }


def to_json(descriptor: dict) -> bytes:
    return (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
