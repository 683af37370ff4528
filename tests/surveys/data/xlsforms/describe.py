"""Describe the XLSForm corpus: what each workbook uses and whether pyxform converts it.

The provenance of each workbook (repository, path, commit, licence) is written by hand in
``sources.json``; this script keeps those fields and recomputes the rest from the files
themselves: size, sha256, sheets, question types, columns, languages, feature tags and the
outcome of pyxform's ``convert``. It then rewrites ``sources.json`` and the table in
``README.md`` (between the two ``corpus-table`` markers).

    /work/main/.venv/bin/python tests/surveys/data/xlsforms/describe.py [--dir DIR] [--others DIR] [--scan]

``--scan`` only prints a summary of every workbook in DIR, whether listed or not (used to
choose the forms). DIR defaults to this file's folder; ``--others`` (default: XLSFORM_CORPUS) is where the
workbooks not committed (the copyleft ones) are read from.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
SOURCES = "sources.json"
README = "README.md"
TABLE_START = "<!-- corpus-table:start -->"
TABLE_END = "<!-- corpus-table:end -->"

METADATA_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "start-geopoint",
    "imei",
    "uri:deviceid",
    "uri:email",
    "uri:username",
    "uri:phonenumber",
    "uri:subscriberid",
    "uri:simserial",
}
DEVICE_TYPES = {
    "image",
    "photo",
    "audio",
    "video",
    "file",
    "barcode",
    "background-audio",
    "background-geopoint",
    "osm",
    "start-geopoint",
}
GEO_TYPES = {"geopoint", "geotrace", "geoshape", "gps"}
EXTERNAL_TYPES = {"select_one_from_file", "select_multiple_from_file", "select_one_external"}
# Functions real forms use in relevant/constraint/calculation/choice_filter/default cells.
FUNCTIONS = (
    "regex",
    "if",
    "coalesce",
    "concat",
    "substr",
    "string-length",
    "selected",
    "selected-at",
    "count",
    "count-selected",
    "sum",
    "today",
    "now",
    "date",
    "format-date",
    "decimal-date-time",
    "int",
    "round",
    "position",
    "indexed-repeat",
    "jr:choice-name",
    "pulldata",
    "once",
    "uuid",
    "not",
    "contains",
    "starts-with",
    "number",
    "string",
    "max",
    "min",
    "random",
    "area",
    "distance",
)
EXPRESSION_COLUMNS = ("relevant", "constraint", "calculation", "choice_filter", "default", "repeat_count", "required")
ALIASES = {
    "list name": "list_name",
    "bind:relevant": "relevant",
    "bind::relevant": "relevant",
    "bind:constraint": "constraint",
    "bind::constraint": "constraint",
    "bind:calculate": "calculation",
    "bind::calculate": "calculation",
    "bind:required": "required",
    "bind::required": "required",
    "bind:jr:constraintmsg": "constraint_message",
    "bind::jr:constraintmsg": "constraint_message",
    "bind:readonly": "read_only",
    "bind::readonly": "read_only",
    "control:appearance": "appearance",
    "control::appearance": "appearance",
    "control::jr:count": "repeat_count",
    "value": "name",
    "caption": "label",
    "command": "type",
    "tag": "name",
}
SURVEY_COLUMNS = {
    "type",
    "name",
    "label",
    "hint",
    "guidance_hint",
    "required",
    "required_message",
    "relevant",
    "constraint",
    "constraint_message",
    "calculation",
    "default",
    "appearance",
    "read_only",
    "choice_filter",
    "repeat_count",
    "parameters",
    "trigger",
    "image",
    "audio",
    "video",
    "big-image",
    "save_to",
    "body::accuracythreshold",
}
# Question types pyxform reads as another type (the spelling is kept as written in the "aliases" list).
TYPE_ALIASES = {
    "int": "integer",
    "string": "text",
    "gps": "geopoint",
    "imei": "deviceid",
    "photo": "image",
    "location": "geopoint",
    "select1": "select_one",
    "add": "select_one",
}


def _sheet_rows(ws, limit_blank: int = 200) -> list[list[object]]:
    """Rows up to the last non-empty one; stops after ``limit_blank`` empty rows (formatted but empty sheets)."""
    rows: list[list[object]] = []
    blank = 0
    for row in ws.iter_rows(values_only=True):
        if any(v not in (None, "") for v in row):
            rows.append(list(row))
            blank = 0
        else:
            blank += 1
            if blank > limit_blank:
                break
    return rows


def _rows_xlsx(path: Path, data_only: bool = True) -> dict[str, list[list[object]]]:
    book = openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    try:
        return {ws.title: _sheet_rows(ws) for ws in book.worksheets}
    finally:
        book.close()


def _formula_cells(path: Path) -> int:
    """Cells holding an Excel formula (``=NOW()`` as a version, for instance); readers must take cached values."""
    if path.suffix.lower() == ".xls":
        return 0
    sheets = _rows_xlsx(path, data_only=False)
    return sum(isinstance(v, str) and v.startswith("=") for rows in sheets.values() for row in rows for v in row)


def _rows_xls(path: Path) -> dict[str, list[list[object]]]:
    import xlrd  # only the legacy .xls files need it; openpyxl reads the rest

    book = xlrd.open_workbook(path)
    return {sh.name: [sh.row_values(i) for i in range(sh.nrows)] for sh in book.sheets()}


def read_sheets(path: Path) -> dict[str, tuple[list[str], list[dict[str, str]]]]:
    """Each sheet as (header, rows): the first non-empty row is the header, rows are dicts of non-empty cells."""
    raw = _rows_xls(path) if path.suffix.lower() == ".xls" else _rows_xlsx(path)
    sheets: dict[str, tuple[list[str], list[dict[str, str]]]] = {}
    for title, rows in raw.items():
        rows = [[("" if v is None else str(v)).strip() for v in row] for row in rows]
        rows = [row for row in rows if any(row)]
        header = rows[0] if rows else []
        body = [{h: v for h, v in zip(header, row, strict=False) if h and v} for row in rows[1:]]
        sheets[title.strip()] = ([h for h in header if h], body)
    return sheets


def _sheet(sheets: dict, name: str) -> tuple[list[str], list[dict[str, str]]]:
    for title, content in sheets.items():
        if title.lower() == name:
            return content
    return [], []


def _base_type(cell: str) -> str:
    t = re.sub(r"\s+", " ", cell.strip().lower())
    if re.match(r"select[ _]one ", t):
        return "select_one"
    if re.match(r"select( all that apply|[ _]multiple) ", t):
        return "select_multiple"
    m = re.match(r"(begin|end)[ _](group|repeat|loop)\b", t)
    if m:
        return f"{m.group(1)}_{m.group(2)}"
    return t.split(" ")[0]


def _split_header(col: str) -> tuple[str, str | None]:
    """``label::English (en)`` -> (``label``, ``English (en)``); ``label:Arabic`` (one colon) too."""
    m = re.match(
        r"^(label|hint|guidance_hint|constraint_message|required_message|image|audio|video|big-image"
        r"|media::\w+)\s*::?\s*(.+)$",
        col,
        re.I,
    )
    if not m or m.group(2).lower().startswith(("jr:", "image", "audio", "video", "big-image")):
        return col.lower(), None
    return m.group(1).lower(), m.group(2).strip()


def _languages(columns: list[str]) -> list[str]:
    """Languages named in translated columns, plus ``(default)`` when a plain label column is used beside them."""
    named = {lang for lang in (_split_header(c)[1] for c in columns) if lang}
    plain = any(c.lower() in ("label", "hint") for c in columns)
    return sorted(named) + (["(default)"] if named and plain else [])


def _extra_columns(columns: list[str]) -> list[str]:
    """Survey columns that are neither XLSForm columns nor spellings pyxform reads (pyxform ignores or keeps them)."""
    extra = []
    for col in columns:
        base = _split_header(col)[0]
        known = (
            base in SURVEY_COLUMNS or base in ALIASES or base.startswith(("bind:", "instance:", "body:", "control:"))
        )
        if not known and not base.startswith(("media::", "label::", "hint::")):
            extra.append(col)
    return extra


def _functions(expressions: list[str]) -> list[str]:
    used = set()
    for expr in expressions:
        for name in FUNCTIONS:
            if re.search(r"(?<![\w:-])" + re.escape(name) + r"\s*\(", expr):
                used.add(name)
    return sorted(used)


def _max_group_depth(types: list[str]) -> int:
    depth = best = 0
    for t in types:
        if t in ("begin_group", "begin_repeat", "begin_loop"):
            depth += 1
            best = max(best, depth)
        elif t in ("end_group", "end_repeat", "end_loop"):
            depth = max(0, depth - 1)
    return best


def _aliases(columns: list[str], raw_types: list[str]) -> list[str]:
    """Spellings pyxform reads as another column or type, as written in the workbook."""
    found = {c for c in columns if c.lower() in ALIASES}
    found |= {c for c in columns if re.match(r"^(label|hint):[^:]", c, re.I)}
    for t in raw_types:
        low = re.sub(r"\s+", " ", t.strip().lower())
        if re.match(r"select (one|all that apply|multiple) ", low):
            found.add(low.split(" from ")[0] if " from " in low else " ".join(low.split()[:-1]))
        elif re.match(r"(begin|end) loop", low):
            found.add(" ".join(low.split()[:2]))
        elif low.split(" ")[0] in TYPE_ALIASES:
            found.add(f"type {low.split(' ')[0]}")
    return sorted(found)


def _feature_tags(info: dict) -> list[str]:
    types = set(info["types"])
    bases = {_split_header(c)[0] for c in info["survey_columns"]}
    explicit = [lang for lang in info["languages"] if lang != "(default)"]
    checks = {
        "multilingual": len(info["languages"]) >= 2,
        "label_language_columns": any(re.match(r"label\s*::?", c, re.I) for c in info["survey_columns"]),
        "metadata": bool(types & METADATA_TYPES),
        "geo": bool(types & GEO_TYPES),
        "choice_filter": "choice_filter" in bases,
        "repeat": bool(types & {"begin_repeat", "begin_loop"}),
        "calculate": "calculate" in types,
        "nested_groups": info["max_group_depth"] >= 2,
        "default": "default" in bases,
        "time_datetime": bool(types & {"time", "datetime"}),
        "or_other": any(t.strip().lower().endswith("or_other") for t in info["raw_types"]),
        "regex": "regex" in info["functions"],
        "no_form_id": not info["form_id"],
        "alias_spelling": bool(info["aliases"]),
        "device_only": bool(types & DEVICE_TYPES),
        "external_choices": bool(types & EXTERNAL_TYPES) or info["has_external_choices_sheet"],
        "range": "range" in types,
        "rank": "rank" in types,
        "acknowledge": "acknowledge" in types,
        "trigger": "trigger" in bases,
        "read_only": "read_only" in bases,
        "appearance": "appearance" in bases,
        "constraint": "constraint" in bases,
        "relevant": "relevant" in bases,
        "required": "required" in bases,
        "repeat_count": "repeat_count" in bases,
        "extra_columns": bool(info["extra_survey_columns"]),
        "excel_formula": info["formula_cells"] > 0,
        "media": any(b in ("image", "audio", "video", "big-image") or b.startswith("media::") for b in bases),
        "one_language_named": len(explicit) == 1,
    }
    return [name for name, on in checks.items() if on]


def _used(header: list[str], rows: list[dict[str, str]]) -> list[str]:
    return [h for h in header if any(row.get(h) for row in rows)]


def describe(path: Path) -> dict:
    sheets = read_sheets(path)
    header, rows = _sheet(sheets, "survey")
    choice_header, choice_rows = _sheet(sheets, "choices")
    settings_header, settings_rows = _sheet(sheets, "settings")
    used, used_choices = _used(header, rows), _used(choice_header, choice_rows)
    type_col = next((h for h in header if h.lower() in ("type", "command")), None)
    raw_types = [row[type_col] for row in rows if type_col and row.get(type_col)]
    types = [_base_type(t) for t in raw_types]
    settings = {k.lower(): v for k, v in (settings_rows[0] if settings_rows else {}).items()}
    expression_cols = [
        h for h in used if h.lower() in EXPRESSION_COLUMNS or ALIASES.get(h.lower()) in EXPRESSION_COLUMNS
    ]
    info = {
        "sheets": list(sheets),
        "survey_rows": len(rows),
        "choice_rows": len(choice_rows),
        "raw_types": raw_types,
        "types": types,
        "survey_columns": used,
        "choices_columns": used_choices,
        "settings_columns": _used(settings_header, settings_rows),
        "form_id": settings.get("form_id") or settings.get("id_string") or None,
        "languages": _languages(used + used_choices),
        "aliases": _aliases(used + used_choices, raw_types),
        "extra_survey_columns": _extra_columns(used),
        "functions": _functions([row[c] for row in rows for c in expression_cols if c in row]),
        "max_group_depth": _max_group_depth(types),
        "has_external_choices_sheet": any(s.lower() == "external_choices" for s in sheets),
        "formula_cells": _formula_cells(path),
    }
    info["features"] = _feature_tags(info)
    return info


def pyxform_outcome(path: Path) -> str:
    from pyxform.xls2xform import convert  # heavy; only this step needs it

    try:
        convert(xlsform=str(path), warnings=[])
    except Exception as exc:  # noqa: BLE001 - every refusal is recorded as data
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"{type(exc).__name__}: {first}"[:300]
    return "ok"


def summary(path: Path) -> dict:
    info = describe(path)
    data = path.read_bytes()
    return {
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "pyxform": pyxform_outcome(path),
        "sheets": info["sheets"],
        "survey_rows": info["survey_rows"],
        "choice_rows": info["choice_rows"],
        "question_types": dict(sorted(Counter(info["types"]).items())),
        "survey_columns": info["survey_columns"],
        "choices_columns": info["choices_columns"],
        "settings_columns": info["settings_columns"],
        "form_id": info["form_id"],
        "languages": info["languages"],
        "aliases": info["aliases"],
        "extra_survey_columns": info["extra_survey_columns"],
        "functions": info["functions"],
        "max_group_depth": info["max_group_depth"],
        "formula_cells": info["formula_cells"],
        "features": info["features"],
    }


def _table(entries: list[dict]) -> str:
    lines = [
        "| file | source repository | path | commit | licence | pyxform | languages | features |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for e in entries:
        outcome = "ok" if e["pyxform"] == "ok" else "refused: " + e["pyxform"].replace("|", "/")[:120]
        langs = ", ".join(e["languages"]) or "(default only)"
        lines.append(
            f"| `{e['file']}` | {e['repository']} | `{e['path']}` | `{e['commit']}` | {e['licence']} "
            f"| {outcome} | {langs} | {', '.join(e['features'])} |"
        )
    return "\n".join(lines)


def _totals(entries: list[dict]) -> str:
    tags = Counter(tag for e in entries for tag in e["features"])
    ok = sum(e["pyxform"] == "ok" for e in entries)
    size = sum(e["bytes"] for e in entries)
    lines = [
        f"{len(entries)} workbooks, {size / 1e6:.2f} MB; pyxform 4.5.0 converts {ok} of them.",
        "",
        "| feature | forms |",
        "| --- | --- |",
    ]
    lines += [f"| {tag} | {n} |" for tag, n in sorted(tags.items(), key=lambda kv: (-kv[1], kv[0]))]
    return "\n".join(lines)


def rewrite(folder: Path, others: Path | None = None) -> list[dict]:
    """Recompute each entry from its workbook, in `folder` or else in `others` (where the copyleft ones are)."""
    sources_path = folder / SOURCES
    entries = json.loads(sources_path.read_text(encoding="utf-8"))
    for entry in entries:
        found = [where / entry["file"] for where in (folder, others) if where and (where / entry["file"]).exists()]
        if not found:
            print(f"{entry['file']}: not found (not committed?), its description is kept; pass --others DIR")
            continue
        keep = {k: entry[k] for k in ("file", "repository", "path", "commit", "licence", "kind", "note") if k in entry}
        entry.clear()
        entry.update(keep | summary(found[0]))
    sources_path.write_text(json.dumps(entries, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    readme = folder / README
    text = readme.read_text(encoding="utf-8")
    block = f"{TABLE_START}\n{_totals(entries)}\n\n{_table(entries)}\n{TABLE_END}"
    text = re.sub(re.escape(TABLE_START) + r".*?" + re.escape(TABLE_END), lambda _: block, text, flags=re.S)
    readme.write_text(text, encoding="utf-8")
    return entries


def scan(folder: Path) -> None:
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in (".xlsx", ".xls")):
        try:
            s = summary(path)
        except Exception as exc:  # noqa: BLE001 - a scan reports unreadable files and goes on
            print(f"{path.name}: unreadable: {exc}")
            continue
        print(
            f"{path.name} [{s['bytes']}] rows={s['survey_rows']} pyxform={s['pyxform'][:80]}\n"
            f"   langs={s['languages']} types={s['question_types']}\n"
            f"   features={s['features']} aliases={s['aliases']} functions={s['functions']}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=HERE, help="folder holding the workbooks and sources.json")
    parser.add_argument("--scan", action="store_true", help="only print a summary of every workbook in the folder")
    parser.add_argument(
        "--others",
        type=Path,
        default=Path(os.environ["XLSFORM_CORPUS"]) if os.environ.get("XLSFORM_CORPUS") else None,
        help="folder holding the workbooks not committed (the copyleft ones); default: XLSFORM_CORPUS",
    )
    args = parser.parse_args(argv)
    if args.scan:
        scan(args.dir)
        return 0
    entries = rewrite(args.dir, args.others)
    print(_totals(entries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
