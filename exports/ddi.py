"""The DDI-Codebook 2.5 description of a release (`ddi.xml`), as the IHSN and World Bank microdata
catalogues (NADA) ingest it: the document, the study (waves, dates, coverage, method, the
disclosure-control note), the data file (cases and variables) and every variable with its labels
(the release's language first, the survey's other languages after, by xml:lang), categories with
their frequencies, summary statistics and the missing codes -8 and -9 (catgry missing="Y").

Written with the standard library's ElementTree; tests validate it against the official schema
(tests/data/ddi/). Call inside `flask_babel.force_locale(lang)`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

import numpy as np
import pandas as pd
from flask_babel import force_locale
from flask_babel import gettext as _

from analysis.disclosure import NOT_ANSWERED_CODE, SUPPRESSED_CODE
from core.config import LANGUAGES
from exports.build import NOT_ANSWERED_TEXT, SUPPRESSED_TEXT, BuiltRelease, Variable
from exports.labels import META_LABELS, ValueLabels

NAMESPACE = "ddi:codebook:2_5"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SCHEMA_LOCATION = "ddi:codebook:2_5 http://www.ddialliance.org/Specification/DDI-Codebook/2.5/XMLSchema/codebook.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
FILE_ID = "F1"


@dataclass(frozen=True)
class Study:
    """What the study description says besides the variables."""

    id: str  # the release's identifier (e.g. "ipbes-release-1a2b3c4d")
    title: str
    abstract: str
    lang: str
    created: str  # YYYY-MM-DD
    waves: list[dict]  # name, year, instrument, version, opens_on, closes_on (YYYY-MM-DD)
    data_file: str
    data_format: str
    disclosure: str  # the disclosure-control note
    licence: str
    keywords: list[str]


def _el(parent: ET.Element | None, tag: str, text: str | None = None, **attributes) -> ET.Element:
    name = tag  # unqualified: the root declares the DDI namespace as the default one
    element = ET.Element(name) if parent is None else ET.SubElement(parent, name)
    for key, value in attributes.items():
        if value is not None:
            element.set(XML_LANG if key == "lang" else key, str(value))
    if text is not None:
        element.text = str(text)
    return element


def codebook_xml(release: BuiltRelease, study: Study, codes: dict[str, dict[str, int]]) -> bytes:
    """The whole DDI document; `codes` are a SAV file's numeric codes of categories ({} otherwise)."""
    root = _el(None, "codeBook", version="2.5", ID=_xml_id(study.id), lang=study.lang)
    root.set("xmlns", NAMESPACE)  # ElementTree's default_namespace refuses unqualified attributes
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    _doc_description(root, study)
    _study_description(root, release, study)
    extension = study.data_file.rsplit(".", 1)[-1]
    tables = [(FILE_ID, release, study.data_file, _("Responses, one row per submitted response"), codes)]
    tables += [
        (
            f"F{number}",
            repeat,
            repeat.file(extension),
            _file_content(repeat),
            repeat.codes,
        )
        for number, repeat in enumerate(release.repeats, start=2)
    ]
    for file_id, table, path, content, _codes in tables:
        _file_description(root, table, study, file_id, path, content)
    data = _el(root, "dataDscr")
    others = _meta_translations()
    position = 0
    for file_id, table, _path, _content, table_codes in tables:
        for variable in table.variables:
            position += 1
            translations = variable.translations or others.get(variable.name, {})
            values = table.table[variable.name]
            coded = table_codes.get(variable.name, {})
            _variable(data, position, variable, values, translations, coded, study.lang, file_id)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _file_content(repeat) -> str:
    if repeat.parents:
        return _(
            "%(label)s, one row per instance of the repeat within an instance of %(parent)s; joins the rows of "
            "%(parent)s on %(columns)s, its %(last)s being their instance",
            label=repeat.label,
            parent=repeat.parents[-1],
            columns=", ".join(repeat.joins_on[:-1]),
            last=repeat.joins_on[-1],
        )
    return _(
        "%(label)s, one row per instance of the repeat; joins the responses on respondent and wave_id",
        label=repeat.label,
    )


def _xml_id(text: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_." else "-" for c in text)
    return cleaned if cleaned[:1].isalpha() else f"id-{cleaned}"


def _meta_translations() -> dict[str, dict[str, str]]:
    """The platform's own variable labels in the six languages (from the catalogs)."""
    result: dict[str, dict[str, str]] = {name: {} for name in META_LABELS}
    for lang in LANGUAGES:
        with force_locale(lang):
            for name, label in META_LABELS.items():
                result[name][lang] = str(label)
    return result


def _citation(parent: ET.Element, study: Study, title: str) -> None:
    citation = _el(parent, "citation")
    titles = _el(citation, "titlStmt")
    _el(titles, "titl", title)
    _el(titles, "IDNo", study.id, agency="IPBES")
    _el(_el(citation, "rspStmt"), "AuthEnty", _("IPBES secretariat"))
    production = _el(citation, "prodStmt")
    _el(production, "producer", _("IPBES secretariat"), abbr="IPBES")
    _el(production, "prodDate", study.created, date=study.created)
    _el(production, "software", _("IPBES stakeholder engagement platform"))
    _el(_el(citation, "distStmt"), "distrbtr", _("IPBES secretariat"))


def _doc_description(root: ET.Element, study: Study) -> None:
    _citation(_el(root, "docDscr"), study, _("DDI codebook of %(title)s", title=study.title))


def _study_description(root: ET.Element, release: BuiltRelease, study: Study) -> None:
    description = _el(root, "stdyDscr")
    _citation(description, study, study.title)
    info = _el(description, "stdyInfo")
    subject = _el(info, "subject")
    for keyword in study.keywords:
        _el(subject, "keyword", keyword)
    _el(info, "abstract", study.abstract)
    summary = _el(info, "sumDscr")
    for wave in study.waves:
        _el(summary, "collDate", wave["opens_on"], date=wave["opens_on"], event="start", cycle=wave["name"])
        _el(summary, "collDate", wave["closes_on"], date=wave["closes_on"], event="end", cycle=wave["name"])
    _el(summary, "nation", _("Global: every country"))
    _el(summary, "geogCover", _("Global: stakeholders of IPBES in every country, in the five UN regional groups."))
    _el(summary, "anlyUnit", _("Individuals: stakeholders of IPBES"), unit="individual")
    _el(
        summary,
        "universe",
        _(
            "Stakeholders in the IPBES registry invited to the survey, and respondents reached through the open links of networks."
        ),
    )
    _el(summary, "dataKind", _("Survey data"))
    method = _el(description, "method")
    collection = _el(method, "dataColl")
    _el(
        collection,
        "sampProc",
        _(
            "No sample was drawn: every stakeholder of the registry in the wave's audience was invited, and networks "
            "shared open links. Respondents select themselves."
        ),
    )
    _el(collection, "collMode", _("Self-administered web questionnaire"))
    for wave in study.waves:
        _el(
            collection,
            "resInstru",
            _(
                "%(wave)s (%(year)s): %(instrument)s, version %(version)s",
                wave=wave["name"],
                year=wave["year"],
                instrument=wave["instrument"],
                version=wave["version"],
            ),
        )
    _el(
        collection,
        "weight",
        _(
            "The release has no weight variable. The platform's estimates rake each wave's respondents to the "
            "registry's counts by UN regional group, category and gender."
        ),
    )
    _el(method, "dataProcessing", study.disclosure, type="disclosure control")
    access = _el(_el(description, "dataAccs"), "useStmt")
    _el(access, "confDec", study.disclosure)
    _el(access, "citReq", _("Cite as: IPBES secretariat, %(title)s (%(id)s).", title=study.title, id=study.id))
    _el(access, "conditions", _("Licence: %(licence)s.", licence=study.licence))


def _file_description(root: ET.Element, release, study: Study, file_id: str, path: str, content: str) -> None:
    """A data file (the main table or a repeat's: anything with `rows` and `variables`)."""
    description = _el(root, "fileDscr", ID=file_id, URI=path)
    text = _el(description, "fileTxt")
    _el(text, "fileName", path)
    _el(text, "fileCont", content)
    dimensions = _el(text, "dimensns")
    _el(dimensions, "caseQnty", release.rows)
    _el(dimensions, "varQnty", len(release.variables))
    _el(text, "fileType", study.data_format.upper())
    labels = ValueLabels.missing()
    _el(
        text,
        "dataMsng",
        f"{SUPPRESSED_CODE} = {labels['suppressed']}; {NOT_ANSWERED_CODE} = {labels['not_answered']}",
    )


def _variable(
    parent: ET.Element,
    position: int,
    variable: Variable,
    values: pd.Series,
    translations: dict[str, str],
    codes: dict[str, int],
    lang: str,
    file_id: str = FILE_ID,
) -> None:
    numeric = variable.kind in ("integer", "decimal")
    element = _el(
        parent,
        "var",
        ID=f"V{position}",
        name=variable.name,
        files=file_id,
        intrvl="contin" if numeric else "discrete",
    )
    _el(element, "labl", variable.label, lang=lang)
    for other, text in sorted(translations.items()):
        if other != lang and text and text != variable.label:
            _el(element, "labl", text, lang=other)
    if variable.question is not None:
        _el(_el(element, "qstn"), "qstnLit", variable.label)
    counts = _counts(values)
    missing = counts.get(SUPPRESSED_TEXT, 0) + counts.get(NOT_ANSWERED_TEXT, 0)
    _el(element, "sumStat", len(values) - missing, type="vald")
    _el(element, "sumStat", missing, type="invd")
    if numeric:
        _numeric_stats(element, values)
    for note in variable.treatment:
        _el(element, "txt", note)
    for value, label in variable.values if variable.kind in ("category", "choice") else []:
        category = _el(element, "catgry")
        _el(category, "catValu", codes.get(value, value))
        _el(category, "labl", label, lang=lang)
        for other, text in sorted(variable.value_translations.get(value, {}).items()):
            if other != lang and text and text != label:
                _el(category, "labl", text, lang=other)
        _el(category, "catStat", counts.get(str(value), 0), type="freq")
    labels = ValueLabels.missing()
    for code, label in ((SUPPRESSED_TEXT, labels["suppressed"]), (NOT_ANSWERED_TEXT, labels["not_answered"])):
        category = _el(element, "catgry", missing="Y")
        _el(category, "catValu", code)
        _el(category, "labl", label)
        _el(category, "catStat", counts.get(code, 0), type="freq")
    character = variable.kind in ("identifier", "text", "date") or (variable.kind == "category" and not codes)
    _el(
        element,
        "varFormat",
        type="character" if character else "numeric",
        schema="other",
        formatname=variable.kind,
        **({"category": "date"} if variable.kind == "date" else {}),
    )


def _counts(values: pd.Series) -> dict[str, int]:
    """Frequencies by value as text (numbers as integers where whole: 1.0 counts as "1")."""
    counts = values.value_counts()  # counted first: a hundred thousand rows hold a few distinct values
    if values.dtype == object:
        return {str(key): int(n) for key, n in counts.items()}
    return {_number(key): int(n) for key, n in counts.items()}


def _numeric_stats(element: ET.Element, values: pd.Series) -> None:
    valid = values[~values.isin([SUPPRESSED_CODE, NOT_ANSWERED_CODE])].astype(np.float64)
    if not len(valid):
        return
    for kind, number in (
        ("min", valid.min()),
        ("max", valid.max()),
        ("mean", valid.mean()),
        ("stdev", valid.std(ddof=1) if len(valid) > 1 else 0.0),
    ):
        _el(element, "sumStat", _number(number), type=kind)


def _number(value: float) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:.6g}"
