"""Syntax files that open a CSV release with its labels: `release.do` (Stata) and `release.sps` (SPSS).

Stata reads every column as text, turns numbers into numbers and categories into labelled codes
(1, 2, ... in the codebook's order), and the missing codes -8 and -9 into the extended missing
values .a (suppressed) and .b (not answered). SPSS reads numbers as numbers and categories as text,
with value labels on the values as they are and -8/-9 declared missing. Labels are the codebook's,
in the release's language. Call inside `flask_babel.force_locale(lang)`.
"""

from __future__ import annotations

import re

import pandas as pd
from flask_babel import gettext as _

from exports.build import NOT_ANSWERED_TEXT, SUPPRESSED_TEXT, BuiltRelease, Variable
from exports.labels import ValueLabels
from exports.writers import sav_names

STATA_NAME = 32  # characters of a variable name
STATA_RESERVED = {
    "_all", "_b", "byte", "_coef", "_cons", "double", "float", "if", "in", "int", "long", "_n", "_N", "_pi",
    "_pred", "_rc", "_skip", "strL", "using", "with",
}  # fmt: skip
STATA_LABEL = 80  # characters of a variable label
STATA_VALUE_LABEL = 32_000
SPSS_LABEL = 250
NUMERIC = ("integer", "decimal", "choice")


def stata_names(names) -> dict[str, str]:
    """Variable names Stata accepts (letters, digits and _, a letter first, at most 32), unique."""
    result, taken = {}, set()
    for name in names:
        candidate = re.sub(r"[^A-Za-z0-9_]", "_", name)
        if not candidate[:1].isalpha() or candidate in STATA_RESERVED:
            candidate = "v_" + candidate
        candidate = base = candidate[:STATA_NAME]
        n = 1
        while candidate in taken or re.fullmatch(r"v\d+", candidate):
            suffix = f"_{n}"
            candidate, n = base[: STATA_NAME - len(suffix)] + suffix, n + 1
        taken.add(candidate)
        result[name] = candidate
    return result


def _stata_text(text: str, limit: int = STATA_LABEL) -> str:
    """A Stata compound-quoted string (safe for any quote inside), on one line."""
    flat = " ".join(str(text).split()).replace("`", "'")[:limit]
    return f'`"{flat}"\''


def stata_do(release: BuiltRelease, data_file: str, do_file: str = "release.do") -> str:
    missing = ValueLabels.missing()
    lines = [
        "* " + _("Opens %(file)s in Stata (14 or later) with the codebook's labels.", file=data_file),
        "* " + _("Run it from the folder of the release: do %(file)s", file=do_file),
        "version 14",
        "clear",
        # Columns are read as v1, v2, ... and named here: Stata allows 32 characters, the release more.
        f'import delimited using "{data_file}", varnames(nonames) rowrange(2) stringcols(_all) '
        'encoding("utf-8") bindquote(strict) clear',
    ]
    names = stata_names(variable.name for variable in release.variables)
    lines += [f"rename v{n} {names[v.name]}" for n, v in enumerate(release.variables, start=1)]
    order = []
    for position, variable in enumerate(release.variables, start=1):
        name = names[variable.name]
        order.append(name)
        if variable.kind in NUMERIC:
            lines += [f"destring {name}, replace", f"mvdecode {name}, mv(-8=.a \\ -9=.b)"]
        elif variable.kind == "category":
            lines += _stata_encode(variable, name, f"L{position}", missing)
            continue
        elif variable.kind == "date":
            lines += [
                f'generate double _value = date({name}, "YMD")',
                f'replace _value = .a if {name} == "{SUPPRESSED_TEXT}"',
                f'replace _value = .b if {name} == "{NOT_ANSWERED_TEXT}"',
                "format _value %td",
                f"drop {name}",
                f"rename _value {name}",
            ]
        lines.append(f"label variable {name} {_stata_text(variable.label)}")
        if variable.kind == "choice":
            lines += _stata_labels(f"L{position}", variable.values, missing)
            lines.append(f"label values {name} L{position}")
    lines += ["order " + " ".join(order), "compress", ""]
    return "\n".join(lines)


def _stata_labels(label: str, values: list[tuple[str, str]], missing: dict) -> list[str]:
    lines = [f"label define {label} {code} {_stata_text(text, STATA_VALUE_LABEL)}, modify" for code, text in values]
    lines.append(f"label define {label} .a {_stata_text(missing['suppressed'], STATA_VALUE_LABEL)}, modify")
    lines.append(f"label define {label} .b {_stata_text(missing['not_answered'], STATA_VALUE_LABEL)}, modify")
    return lines


def _stata_encode(variable: Variable, name: str, label: str, missing: dict) -> list[str]:
    """A text category as labelled codes 1, 2, ... (.a and .b for the missing codes)."""
    lines = ["generate long _value = ."]
    for code, (value, _text) in enumerate(variable.values, start=1):
        lines.append(f"replace _value = {code} if {name} == {_stata_text(value, STATA_VALUE_LABEL)}")
    lines += [
        f'replace _value = .a if {name} == "{SUPPRESSED_TEXT}"',
        f'replace _value = .b if {name} == "{NOT_ANSWERED_TEXT}"',
        f"drop {name}",
        f"rename _value {name}",
        f"label variable {name} {_stata_text(variable.label)}",
    ]
    codes = [(str(code), text) for code, (_value, text) in enumerate(variable.values, start=1)]
    lines += _stata_labels(label, codes, missing)
    lines.append(f"label values {name} {label}")
    return lines


def _spss_text(text: str, limit: int = SPSS_LABEL) -> str:
    flat = " ".join(str(text).split())
    encoded = flat.encode("utf-8")[:limit].decode("utf-8", errors="ignore")
    return "'" + encoded.replace("'", "''") + "'"


def _width(values: pd.Series) -> int:
    """The widest value in bytes (UTF-8), at least the missing codes' two."""
    distinct = pd.unique(values)  # a column of a hundred thousand rows holds a few distinct values
    return max([2, *(len(str(value).encode("utf-8")) for value in distinct)])


def spss_sps(release: BuiltRelease, data_file: str) -> str:
    names = sav_names(variable.name for variable in release.variables)
    missing = ValueLabels.missing()
    lines = [
        "* Encoding: UTF-8.",
        "* " + _("Opens %(file)s in SPSS with the codebook's labels.", file=data_file),
        f"GET DATA /TYPE=TXT /FILE={_spss_text(data_file)} /ENCODING='UTF8' /ARRANGEMENT=DELIMITED",
        "  /DELCASE=LINE /FIRSTCASE=2 /DELIMITERS=',' /QUALIFIER='\"'",
        "  /VARIABLES=",
    ]
    for variable in release.variables:
        if variable.kind == "decimal":
            kind = "F16.6"
        elif variable.kind in NUMERIC:
            kind = "F12.0"
        else:
            kind = f"A{_width(release.table[variable.name])}"
        lines.append(f"    {names[variable.name]} {kind}")
    lines[-1] += "."
    lines.append("VARIABLE LABELS")
    lines += [f"    {names[v.name]} {_spss_text(v.label)}" for v in release.variables]
    lines[-1] += "."
    for variable in release.variables:
        name = names[variable.name]
        numeric = variable.kind in NUMERIC
        codes = ("-8", "-9") if numeric else (f"'{SUPPRESSED_TEXT}'", f"'{NOT_ANSWERED_TEXT}'")
        labelled = variable.values if variable.kind in ("category", "choice") else []
        lines.append(f"VALUE LABELS {name}")
        lines += [
            f"    {value if numeric else _spss_text(value, 120)} {_spss_text(text, 120)}" for value, text in labelled
        ]
        lines += [f"    {codes[0]} {_spss_text(missing['suppressed'], 120)}"]
        lines += [f"    {codes[1]} {_spss_text(missing['not_answered'], 120)}."]
        lines.append(f"MISSING VALUES {name} ({codes[0]}, {codes[1]}).")
    lines += ["EXECUTE.", ""]
    return "\n".join(lines)
