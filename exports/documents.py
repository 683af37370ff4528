"""The documents of a release: codebook (CSV, JSON, HTML), disclosure report (JSON, HTML), README.

Pages are rendered by a Jinja environment with autoescaping on, so no answer, label or network
name is ever read as HTML; Arabic pages are right to left. Call inside
`flask_babel.force_locale(lang)`.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from babel import Locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from jinja2 import Environment

from analysis.disclosure import NOT_ANSWERED_CODE, SUPPRESSED_CODE, RiskSummary
from core import tabular
from core.i18n import language_name
from exports.build import BuiltRelease
from exports.labels import ValueLabels
from exports.params import ReleaseParams
from exports.writers import EXTENSIONS
from presentation.labels import BASES

TYPE_LABELS = {
    "identifier": _l("Text: a pseudonym"),
    "integer": _l("Whole number"),
    "decimal": _l("Number"),
    "category": _l("Category: one of the values listed"),
    "choice": _l("1 if chosen, 0 if answered without choosing it"),
    "date": _l("Date (YYYY-MM-DD)"),
    "text": _l("Text"),
}
RISK_FIELDS = ("records", "below_2", "below_3", "below_5", "expected_reidentifications", "min_frequency")

_environment = Environment(autoescape=True, keep_trailing_newline=True)

_PAGE = _environment.from_string("""<!doctype html>
<html lang="{{ lang }}" dir="{{ direction }}">
<head><meta charset="utf-8"><title>{{ title }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; line-height: 1.4; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #999; padding: .3rem .5rem; vertical-align: top; text-align: start; }
th { background: #eee; }
code { font-family: ui-monospace, monospace; }
ul { margin: 0; padding-inline-start: 1.2rem; }
</style></head>
<body>
<h1>{{ title }}</h1>
{% for paragraph in intro %}<p>{{ paragraph }}</p>
{% endfor %}
{% for section in sections %}
<h2>{{ section.title }}</h2>
{% if section.text %}<p>{{ section.text }}</p>{% endif %}
<table>
<thead><tr>{% for heading in section.headings %}<th scope="col">{{ heading }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in section.rows %}<tr>{% for cell in row %}<td>{% if cell is string or cell is number %}{{ cell }}{% else %}<ul>{% for item in cell %}<li>{{ item }}</li>{% endfor %}</ul>{% endif %}</td>{% endfor %}</tr>
{% endfor %}</tbody>
</table>
{% endfor %}
</body>
</html>
""")


def _page(lang: str, title: str, intro: list[str], sections: list[dict]) -> str:
    return _PAGE.render(
        lang=lang, direction=Locale.parse(lang).text_direction, title=title, intro=intro, sections=sections
    )


# --- codebook ----------------------------------------------------------------------------


def codebook(
    release: BuiltRelease,
    params: ReleaseParams,
    data_file: str,
    codes: dict[str, dict[str, int]],
    file_names: dict[str, str],
) -> dict:
    """The codebook as data: every released variable, and what was left out; the same of each repeat table."""
    missing = ValueLabels.missing()
    extension = data_file.rsplit(".", 1)[-1]
    return {
        "data_file": data_file,
        "format": params.format,
        "language": params.lang,
        "rows": release.rows,
        "missing_codes": {str(SUPPRESSED_CODE): missing["suppressed"], str(NOT_ANSWERED_CODE): missing["not_answered"]},
        "variables": _entries(release.variables, codes, file_names),
        "left_out": [asdict(dropped) for dropped in release.dropped],
        "repeats": [
            {
                "name": repeat.name,
                "label": repeat.label,
                "data_file": repeat.file(extension),
                "rows": repeat.rows,
                "key": repeat.key,
                "joins_on": repeat.joins_on,
                "parents": list(repeat.parents),
                "variables": _entries(repeat.variables, repeat.codes, repeat.file_names),
                "left_out": [asdict(dropped) for dropped in repeat.dropped],
            }
            for repeat in release.repeats
        ],
    }


def _entries(variables: list, codes: dict[str, dict[str, int]], file_names: dict[str, str]) -> list[dict]:
    entries = []
    for position, variable in enumerate(variables, start=1):
        coded = codes.get(variable.name, {})
        entries.append(
            {
                "position": position,
                "name": variable.name,
                **({"name_in_file": file_names[variable.name]} if variable.name in file_names else {}),
                "label": variable.label,
                "type": variable.kind,
                "type_label": str(TYPE_LABELS[variable.kind]),
                "question": variable.question,
                "quasi_identifier": variable.quasi,
                "values": [
                    {"value": value, **({"code": coded[value]} if value in coded else {}), "label": label}
                    for value, label in variable.values
                ],
                "recoded_cells": variable.recoded,
                "suppressed_cells": variable.suppressed,
                "not_answered_cells": variable.not_answered,
                "scrubbed": variable.scrubbed,
                "treatment": variable.treatment,
                # What an analysis's shares of a multiple-choice variable are of (answered | shown).
                **({"base": variable.base, "base_label": str(BASES[variable.base])} if variable.base else {}),
            }
        )
    return entries


def _value_text(value: dict) -> str:
    code = value.get("code", value["value"])
    return str(code) if str(code) == value["label"] else f"{code} = {value['label']}"


def _values_text(entry: dict) -> str:
    return " | ".join(_value_text(value) for value in entry["values"])


def codebook_csv(book: dict) -> bytes:
    header = [
        _("Position"),
        _("Variable"),
        _("Name in the file"),
        _("Label"),
        _("Type"),
        _("Question"),
        _("Quasi-identifier"),
        _("Values"),
        _("Missing codes"),
        _("Cells recoded"),
        _("Cells suppressed"),
        _("Cells not answered"),
        _("What was done"),
        _("Base of shares"),
        _("Data file"),
    ]
    # Label first: a cell beginning with the code's minus sign would be neutralised as a formula.
    codes = " | ".join(f"{label}: {code}" for code, label in book["missing_codes"].items())
    rows = []
    for table in [book, *book.get("repeats", [])]:
        rows += [_csv_row(entry, codes, table["data_file"]) for entry in table["variables"]]
        rows += [
            ["", left["name"], "", left["label"], "", left["name"], "", "", "", "", "", ""]
            + [_("Left out: %(reason)s", reason=left["reason"]), "", table["data_file"]]
            for left in table["left_out"]
        ]
    return tabular.to_csv(header, rows)


def _csv_row(entry: dict, codes: str, data_file: str) -> list:
    return [
        entry["position"],
        entry["name"],
        entry.get("name_in_file", entry["name"]),
        entry["label"],
        entry["type_label"],
        entry["question"] or "",
        _("yes") if entry["quasi_identifier"] else _("no"),
        _values_text(entry),
        codes,
        entry["recoded_cells"],
        entry["suppressed_cells"],
        entry["not_answered_cells"],
        " ".join(entry["treatment"]),
        entry.get("base_label", ""),
        data_file,
    ]


def codebook_json(book: dict) -> bytes:
    return (json.dumps(book, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def codebook_html(book: dict) -> str:
    intro = [
        _(
            "Every variable of %(file)s (%(rows)s rows), its question in the survey's words, its values and what "
            "was done to it to protect the respondents.",
            file=book["data_file"],
            rows=book["rows"],
        )
    ]
    intro += [f"{code}: {label}" for code, label in book["missing_codes"].items()]
    variables = {"title": _("Variables"), **_variable_rows(book["variables"])}
    repeats = [
        {
            "title": _("Repeat table %(file)s: %(label)s", file=repeat["data_file"], label=repeat["label"]),
            "text": _joins_text(repeat, book),
            **_variable_rows(repeat["variables"]),
        }
        for repeat in book.get("repeats", [])
    ]
    left_out = {
        "title": _("Left out"),
        "headings": [_("Question"), _("Label"), _("Why")],
        "rows": [[left["name"], left["label"], left["reason"]] for left in book["left_out"]]
        + [
            [f"{repeat['name']}: {left['name']}", left["label"], left["reason"]]
            for repeat in book.get("repeats", [])
            for left in repeat["left_out"]
        ],
    }
    return _page(book["language"], _("Codebook"), intro, [variables, *repeats, left_out])


def _joins_text(repeat: dict, book: dict) -> str:
    """How a repeat table joins the table its rows belong to: the responses, or the repeat holding it."""
    if not repeat.get("parents"):
        return _(
            "One row per instance of the repeat (%(rows)s rows); it joins the rows of %(main)s on respondent "
            "and wave_id.",
            rows=repeat["rows"],
            main=book["data_file"],
        )
    parent = next(table for table in book["repeats"] if table["name"] == repeat["parents"][-1])
    return _(
        "One row per instance of the repeat (%(rows)s rows) within an instance of %(parent)s; it joins the rows "
        "of %(file)s on %(columns)s, its %(last)s being their instance.",
        rows=repeat["rows"],
        parent=parent["name"],
        file=parent["data_file"],
        columns=", ".join(repeat["joins_on"][:-1]),
        last=repeat["joins_on"][-1],
    )


def _variable_rows(entries: list[dict]) -> dict:
    return {
        "headings": [_("Variable"), _("Label"), _("Type"), _("Values"), _("What was done")],
        "rows": [
            [
                entry.get("name_in_file", entry["name"]),
                entry["label"],
                " ".join(filter(None, (entry["type_label"], entry.get("base_label")))),
                [_value_text(value) for value in entry["values"]],
                entry["treatment"],
            ]
            for entry in entries
        ],
    }


# --- disclosure report -------------------------------------------------------------------


def _risk(summary: RiskSummary) -> dict:
    values = {name: getattr(summary, name) for name in RISK_FIELDS}
    values["expected_reidentifications"] = round(float(values["expected_reidentifications"]), 6)
    return {name: (value if isinstance(value, float) else int(value)) for name, value in values.items()}


def disclosure_report(release: BuiltRelease, params: ReleaseParams, waves: list[dict]) -> dict:
    parameters = params.as_dict()
    return {
        "rows": release.rows,
        "waves": waves,
        "parameters": parameters,
        "k": {"asked": params.k, "reached": int(release.after.min_frequency)},
        "frequencies_counted": "within each wave",
        "quasi_identifiers": release.quasi,
        "before": _risk(release.before),
        "after": _risk(release.after),
        "variables": [
            {"name": v.name, "recoded_cells": v.recoded, "suppressed_cells": v.suppressed}
            for v in release.variables
            if v.quasi
        ],
        "free_text": {
            "included": params.free_text,
            "scrubbed": {v.name: v.scrubbed for v in release.variables if v.kind == "text"},
        },
        "repeats": [_repeat_report(repeat, params) for repeat in release.repeats],
    }


def _repeat_report(repeat, params: ReleaseParams) -> dict:
    """A repeat table's disclosure control: its quasi-identifiers, made k-anonymous with the response's own
    (k counting responses), and the instances left out with their response."""
    return {
        "name": repeat.name,
        "data_file": repeat.file(EXTENSIONS[params.format]),
        "rows": repeat.rows,
        "rows_left_out": repeat.left_out_rows,
        "quasi_identifiers": repeat.quasi,
        "k_reached": repeat.min_frequency,
        "frequencies_counted": "responses within each wave, with the quasi-identifiers of the main table",
        "variables": [
            {"name": v.name, "recoded_cells": v.recoded, "suppressed_cells": v.suppressed}
            for v in repeat.variables
            if v.quasi
        ],
        "left_out": [dropped.name for dropped in repeat.dropped],
        "scrubbed": {v.name: v.scrubbed for v in repeat.variables if v.kind == "text"},
    }


def disclosure_report_json(report: dict) -> bytes:
    return (json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def disclosure_report_html(report: dict, lang: str) -> str:
    waves = ", ".join(f"{wave['name']} ({wave['year']})" for wave in report["waves"])
    intro = [
        _("Waves: %(waves)s. Rows: %(rows)s.", waves=waves, rows=report["rows"]),
        _(
            "k asked: %(asked)s; k reached: %(reached)s (the smallest number of records of one wave sharing a "
            "combination of quasi-identifiers, a suppressed cell matching any value). Frequencies are counted within "
            "each wave, where every record is a different person.",
            asked=report["k"]["asked"],
            reached=report["k"]["reached"],
        ),
        _("Quasi-identifiers: %(names)s.", names=", ".join(report["quasi_identifiers"])),
        _(
            "Parameters: format %(format)s, language %(lang)s, free text %(free_text)s, waves linked %(linked)s.",
            format=report["parameters"]["format"],
            lang=language_name(report["parameters"]["lang"], lang),
            free_text=_("yes") if report["parameters"]["free_text"] else _("no"),
            linked=_("yes") if report["parameters"]["link_waves"] else _("no"),
        ),
    ]
    before, after = report["before"], report["after"]
    risk = {
        "title": _("Risk before and after"),
        "headings": [_("Measure"), _("Before"), _("After")],
        "rows": [
            [_("Records whose combination is seen fewer than 2 times"), before["below_2"], after["below_2"]],
            [_("Records whose combination is seen fewer than 3 times"), before["below_3"], after["below_3"]],
            [_("Records whose combination is seen fewer than 5 times"), before["below_5"], after["below_5"]],
            [
                _("Global risk: expected re-identifications"),
                f"{before['expected_reidentifications']:.2f}",
                f"{after['expected_reidentifications']:.2f}",
            ],
            [_("Smallest frequency of a combination"), before["min_frequency"], after["min_frequency"]],
        ],
    }
    variables = {
        "title": _("Cells changed per quasi-identifier"),
        "headings": [_("Variable"), _("Cells recoded"), _("Cells suppressed")],
        "rows": [[v["name"], v["recoded_cells"], v["suppressed_cells"]] for v in report["variables"]],
    }
    sections = [risk, variables]
    if report.get("repeats"):
        sections.append(_repeats_section(report["repeats"]))
    if report["free_text"]["included"]:
        sections.append(
            {
                "title": _("Free text scrubbed"),
                "headings": [_("Variable"), _("Placeholders inserted")],
                "rows": [
                    [name, [f"{placeholder}: {n}" for placeholder, n in counts.items()]]
                    for name, counts in report["free_text"]["scrubbed"].items()
                ],
            }
        )
    return _page(lang, _("Disclosure report"), intro, sections)


def _repeats_section(repeats: list[dict]) -> dict:
    return {
        "title": _("Repeat tables"),
        "text": _(
            "Each repeat table keeps only the instances of responses this release holds. Its quasi-identifiers "
            "are made k-anonymous within each wave together with the quasi-identifiers of the response they "
            "belong to, counting responses rather than instances; rows whose response's values fewer than k "
            "responses share have their quasi-identifiers suppressed. Personal data is never exported; free "
            "text follows the release's choice."
        ),
        "headings": [
            _("Data file"),
            _("Rows"),
            _("Rows left out"),
            _("Quasi-identifiers"),
            _("Smallest frequency of a combination"),
            _("Cells changed per quasi-identifier"),
        ],
        "rows": [
            [
                repeat["data_file"],
                repeat["rows"],
                repeat["rows_left_out"],
                ", ".join(repeat["quasi_identifiers"]) or "-",
                "-" if repeat["k_reached"] is None else repeat["k_reached"],
                [f"{v['name']}: {v['recoded_cells']} / {v['suppressed_cells']}" for v in repeat["variables"]],
            ]
            for repeat in repeats
        ],
    }


# --- README ------------------------------------------------------------------------------


def _readme_line(repeat, extension: str, data_file: str) -> str:
    if repeat.parents:
        parent_file = "repeat_" + repeat.parents[-1] + "." + extension  # outside _(): Babel skips f-strings there
        return _(
            "%(file)s: %(label)s, one row per instance of the repeat within an instance of %(parent)s (%(rows)s "
            "rows), joined to %(parent_file)s on %(columns)s, its %(last)s being their instance.",
            file=repeat.file(extension),
            label=repeat.label,
            parent=repeat.parents[-1],
            rows=repeat.rows,
            parent_file=parent_file,
            columns=", ".join(repeat.joins_on[:-1]),
            last=repeat.joins_on[-1],
        )
    return _(
        "%(file)s: %(label)s, one row per instance of the repeat (%(rows)s rows), joined to %(main)s on "
        "respondent and wave_id.",
        file=repeat.file(extension),
        label=repeat.label,
        rows=repeat.rows,
        main=data_file,
    )


def readme(params: ReleaseParams, data_file: str, rows: int, repeats: list = ()) -> str:
    lines = [
        _("Anonymised survey release"),
        "",
        _("%(file)s: the responses, one row per submitted response (%(rows)s rows).", file=data_file, rows=rows),
        *(_readme_line(repeat, EXTENSIONS[params.format], data_file) for repeat in repeats),
        _(
            "codebook.csv, codebook.json, codebook.html: every variable, its question, type, values and what was done "
            "to it; the questions left out and why."
        ),
        _(
            "disclosure_report.json, disclosure_report.html: k asked and reached, records at risk and the global risk "
            "before and after, cells recoded and suppressed per variable."
        ),
        _(
            "datapackage.json: a Frictionless data package (types, codes, licence, sources); ddi.xml: a DDI-Codebook "
            "2.5 description for data catalogues; release.do and release.sps (CSV releases): Stata and SPSS syntax "
            "that opens the data with its labels."
        ),
        "",
        _(
            "Codes: %(suppressed)s = suppressed to protect respondents (matches any value); %(missing)s = not answered, "
            "not asked or not applicable.",
            suppressed=SUPPRESSED_CODE,
            missing=NOT_ANSWERED_CODE,
        ),
        _(
            "No names, e-mail addresses, phone numbers, organisation names, internal identifiers or times finer than "
            "the day. Within each wave, every combination of quasi-identifiers is shared by at least %(k)s records.",
            k=params.k,
        ),
        _(
            "Respondents are pseudonyms made with a key that was thrown away: they cannot be traced back, nor joined "
            "with another release."
        ),
        _("This release is fixed: exporting the same waves with the same parameters gives this very file again."),
    ]
    return "\r\n".join(lines) + "\r\n"
