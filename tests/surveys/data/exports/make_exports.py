"""Writes the export fixtures of this folder (see README.md): run from the repository's root,
    .venv/bin/python tests/surveys/data/exports/make_exports.py
Respondents are drawn with a fixed seed and answer the bundled annual survey validly; each writer
puts them in one tool's shape, with that tool's mess. `expected.json` holds, per fixture, the
answers, profile and language each data row must give, and the rows that must be refused."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

from surveys.xlsform_languages import read_form

HERE = Path(__file__).parent
ROOT = HERE.parents[3]
DEFINITION = read_form((ROOT / "surveys/instruments/annual_survey.xlsx").read_bytes(), "annual_survey.xlsx")
NBSP = "\u00a0"

# (as the export writes the country, ISO code)
COUNTRIES = [
    ("Korea, South", "KR"), ("Cote d Ivoire", "CI"), ("United States", "US"), ("France", "FR"), ("Brazil", "BR"),
    ("Kenya", "KE"), ("India", "IN"), ("Germany", "DE"), ("Mexico", "MX"), ("China", "CN"), ("Viet Nam", "VN"),
    ("Bolivia (Plurinational State of)", "BO"), ("Russian Federation", "RU"), ("Turkey", "TR"), ("Colombia", "CO"),
    ("South Africa", "ZA"), ("Iran", "IR"), ("United Kingdom", "GB"), ("Tanzania", "TZ"), ("Côte d’Ivoire", "CI"),
]  # fmt: skip
LANGUAGE_NAMES = {
    "en": ["English", "Anglais", "english "],
    "fr": ["Français", "French", "Francés"],
    "es": ["Espagnol", "Spanish", "Español"],
}
OTHER_TEXTS = [
    f"{kind} {n}"
    for n in range(1, 21)
    for kind in ("Local NGO work", "Teaching at university", "Ministry liaison", "Youth network")
]


def names(list_name: str) -> list[str]:
    return DEFINITION.choice_names(list_name)


def label(list_name: str, name: str, language: str = "en") -> str:
    return next(c.labels[language] for c in DEFINITION.choices[list_name] if c.name == name)


def question_label(name: str, language: str = "en") -> str:
    return DEFINITION.question(name).labels[language]


def _some(rng: random.Random, list_name: str, most: int = 3, other: float = 0.2) -> list[str]:
    pool = [n for n in names(list_name) if n not in ("none", "other")]
    chosen = rng.sample(pool, rng.randint(1, most))
    if "other" in names(list_name) and rng.random() < other:
        chosen.append("other")
    return [n for n in names(list_name) if n in chosen]  # in list order


def respondent(rng: random.Random, number: int) -> dict:
    """Answers (typed as stored), the export's country text, language and other texts."""
    country_text, iso2 = COUNTRIES[number % len(COUNTRIES)]
    a: dict = {"country": iso2}
    for name in ("category", "gender", "stakeholder_type"):
        a[name] = rng.choice(names(DEFINITION.question(name).list_name))
    others: dict[str, str] = {}
    a["roles"] = ["none"] if rng.random() < 0.1 else _some(rng, "role")
    if "none" not in a["roles"]:
        a["engagement_length"] = rng.choice(names("length"))
        a["events_attended"] = rng.randint(0, 20)
        a["last_engagement"] = date(2019, 1, 1) + timedelta(days=rng.randint(0, 1800))
    a["motivations"] = _some(rng, "motivation", other=0.75)
    a["products_used"] = ["none"] if rng.random() < 0.15 else _some(rng, "product", other=0.1)
    if "none" not in a["products_used"]:
        a["product_uses"] = _some(rng, "use", most=2, other=0.1)
        a["product_usefulness"] = rng.choice(names("useful4"))
    for name in ("clarity", "open_to_stakeholders", "process_transparency", "timely_information", "input_considered"):
        a[name] = rng.choice(names("agree5"))
    a["barriers"] = ["none"] if rng.random() < 0.2 else _some(rng, "barrier", most=2, other=0.1)
    a["raised_concern"] = rng.choice(["yes", "no"])
    if a["raised_concern"] == "yes":
        a["concern_addressed"] = rng.choice(names("addressed"))
    a["channels"] = _some(rng, "channel")
    a["informed"] = rng.choice(names("informed4"))
    a["contact_ok"] = rng.choice(["yes", "no"])
    if a["contact_ok"] == "yes":
        a["contact_email"] = f"person{number}@example.org"
    if rng.random() < 0.3:
        a["comment"] = f"Keep up the good work ({number})."
    for question in ("roles", "motivations", "products_used", "product_uses", "barriers"):
        if "other" in a.get(question, []):
            shift = 0 if question == "motivations" else number * 7 + len(question)  # motivations: 80 distinct texts
            others[question] = OTHER_TEXTS[(number + shift) % len(OTHER_TEXTS)]
            a[f"{question}_other"] = others[question]
    language = rng.choice(["en", "en", "fr", "es"])
    return {"answers": a, "country_text": country_text, "language": language, "others": others, "number": number}


SELECTS = [q for q in DEFINITION.questions() if q.type != "note" and not q.other_of]
MULTIPLE = {"roles": "role", "motivations": "motivation", "products_used": "product", "product_uses": "use", "barriers": "barrier", "channels": "channel"}  # fmt: skip


def plain_value(question, value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_csv(path: Path, rows: list[list[str]], *, encoding: str, delimiter: str) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def expected_row(person: dict, row: int) -> dict:
    answers = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in person["answers"].items()}
    return {"row": row, "answers": answers, "language": person["language"]}


def compact(name: str) -> str:
    return name.replace("_", "")


def spaced(rng: random.Random, text: str) -> str:
    """A label as a careless export writes it: now and then a trailing space or non-breaking space."""
    return text + rng.choice(["", "", " ", NBSP, "  "])


# --- LimeSurvey -------------------------------------------------------------------------------


def limesurvey_codes(people: list[dict]) -> tuple[list[list[str]], list[int]]:
    """Question and answer codes (LimeSurvey codes have no underscores); the last row is from Taiwan."""
    header = ["id", "submitdate", "lastpage", "startlanguage", "seed"]
    for q in SELECTS:
        if q.type == "select_multiple":
            header += [f"{compact(q.name)}[{compact(c)}]" for c in names(q.list_name)]
        else:
            header.append(compact(q.name))
    rows = [header]
    for n, person in enumerate(people, start=1):
        a = person["answers"]
        row = [str(n), "", "7", person["language"], str(1000 + n)]
        for q in SELECTS:
            value = a.get(q.name)
            if q.type == "select_multiple":
                for c in names(q.list_name):
                    row.append(
                        person["others"].get(q.name, "") if c == "other" else ("Y" if c in (value or []) else "")
                    )
            elif q.name == "country":
                row.append("Taiwan" if n == len(people) else person["country_text"])
            elif q.type == "select_one":
                row.append(compact(value) if value else "")
            elif q.type == "date" and value:
                row.append(f"{value.isoformat()} 00:00:00")
            else:
                row.append(plain_value(q, value))
        rows.append(row)
    return rows, [len(people) + 1]


def mojibake(text: str) -> str:
    return text.encode("utf-8").decode("cp1252")


def limesurvey_labels(people: list[dict], rng: random.Random) -> tuple[list[list[str]], list[int]]:
    """Full question texts and answers; the country header mis-encoded; "Langue" repeats "Start language"."""
    header = ["Response ID", "Date submitted", "Last page", "Start language"]
    for q in SELECTS:
        text = q.labels["en"]
        if q.type == "select_multiple":
            header += [f"{text} [{'Other' if c == 'other' else label(q.list_name, c)}]" for c in names(q.list_name)]
        else:
            header.append(mojibake(q.labels["fr"]) if q.name == "country" else text)
    header.append("Langue")
    rows = [header]
    for n, person in enumerate(people, start=1):
        a = person["answers"]
        language = rng.choice(LANGUAGE_NAMES[person["language"]])
        row = [str(n), "", "7", language]
        for q in SELECTS:
            value = a.get(q.name)
            if q.type == "select_multiple":
                for c in names(q.list_name):
                    row.append(
                        person["others"].get(q.name, "") if c == "other" else ("Yes" if c in (value or []) else "")
                    )
            elif q.name == "country":
                row.append(person["country_text"])
            elif q.type == "select_one":
                row.append(spaced(rng, label(q.list_name, value)) if value else "")
            else:
                row.append(plain_value(q, value))
        row.append(language)
        rows.append(row)
    return rows, []


# --- SurveyMonkey -----------------------------------------------------------------------------

MATRIX = (
    "open_to_stakeholders",
    "process_transparency",
    "timely_information",
    "input_considered",
    "balanced_participation",
)
MATRIX_TITLE = "How far do you agree with each of these statements?"
SM_META = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address", "First Name", "Last Name", "Custom Data 1"]  # fmt: skip


def _surveymonkey_header() -> tuple[list[str], list[str]]:
    top, sub = list(SM_META), [""] * len(SM_META)
    for q in SELECTS:
        if q.name in MATRIX:
            top.append(MATRIX_TITLE if q.name == MATRIX[0] else "")
            sub.append(q.labels["en"])
        elif q.type == "select_multiple":
            for i, c in enumerate(names(q.list_name)):
                top.append(q.labels["en"] if i == 0 else "")
                sub.append("Other (please specify)" if c == "other" else label(q.list_name, c))
        else:
            top.append(q.labels["en"])
            sub.append("Response" if q.type == "select_one" else "Open-Ended Response")
    return top + ["Language"], sub + ["Response"]


def surveymonkey(people: list[dict], rng: random.Random) -> tuple[list[list[str]], list[int]]:
    """Two header rows; a matrix of agreement statements; typed "other" texts; row 10 has "about 5" events."""
    top, sub = _surveymonkey_header()
    rows = [top, sub]
    refused = []
    for n, person in enumerate(people, start=1):
        a = person["answers"]
        email = f"person{n}@example.org" if n % 5 == 0 else ""
        row = [str(11_000_000 + n), "4242", "", "", "", email, "", "", ""]
        for q in SELECTS:
            value = a.get(q.name)
            if q.type == "select_multiple":
                for c in names(q.list_name):
                    chosen = c in (value or [])
                    row.append(
                        person["others"].get(q.name, "") if c == "other" else (label(q.list_name, c) if chosen else "")
                    )
            elif q.name == "country":
                row.append(person["country_text"])
            elif q.type == "select_one":
                row.append(spaced(rng, label(q.list_name, value)) if value else "")
            elif q.name == "events_attended" and n == 10 and value is not None:
                row.append("about 5")
                refused.append(n + 2)
            else:
                row.append(plain_value(q, value))
        row.append(rng.choice(LANGUAGE_NAMES[person["language"]]))
        rows.append(row)
    return rows, refused


# --- KoboToolbox ------------------------------------------------------------------------------

GROUPS = {"country": "profile", "category": "profile", "gender": "profile", "stakeholder_type": "profile"}
GROUP_LABELS = {"profile": "Profil", "survey": "Enquête"}
KOBO_META = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by", "__version__", "_tags", "_index"]  # fmt: skip


def kobo_names(people: list[dict]) -> tuple[list[list[str]], list[int]]:
    """XML names and values, group paths with "/", each select_multiple as one space-separated
    column and as 0/1 columns; the "please specify" texts in their own columns."""
    header = ["start", "end"]
    questions = [q for q in DEFINITION.questions() if q.type != "note"]
    for q in questions:
        path = f"{GROUPS.get(q.name, 'survey')}/{q.name}"
        header.append(path)
        if q.type == "select_multiple":
            header += [f"{path}/{c}" for c in names(q.list_name)]
    rows = [header + KOBO_META]
    for n, person in enumerate(people, start=1):
        a = person["answers"]
        row = ["", ""]
        for q in questions:
            value = a.get(q.name)
            if q.type == "select_multiple":
                row.append(" ".join(value or []))
                row += [("1" if c in value else "0") if value else "" for c in names(q.list_name)]
            else:
                row.append(plain_value(q, value))
        row += [str(5000 + n), f"uuid-{n:04d}", "", "", "", "submitted_via_web", "", "vAbc", "", str(n)]
        rows.append(row)
    return rows, []


def kobo_labels(people: list[dict], rng: random.Random) -> tuple[list[list[str]], list[int]]:
    """French labels for headers and values, groups by their labels, each select_multiple as 0/1
    columns only; each "Veuillez préciser" right after its question's columns."""
    header = []
    questions = [q for q in DEFINITION.questions() if q.type != "note"]
    for q in questions:
        path = f"{GROUP_LABELS[GROUPS.get(q.name, 'survey')]}/{q.labels['fr']}"
        if q.type == "select_multiple":
            header += [f"{path}/{label(q.list_name, c, 'fr')}" for c in names(q.list_name)]
        else:
            header.append(path)
    rows = [header + ["_uuid", "_submission_time", "_index"]]
    for n, person in enumerate(people, start=1):
        a = person["answers"]
        row = []
        for q in questions:
            value = a.get(q.name)
            if q.type == "select_multiple":
                row += [("1" if c in value else "0") if value else "" for c in names(q.list_name)]
            elif q.type == "select_one":
                row.append(spaced(rng, label(q.list_name, value, "fr")) if value else "")
            else:
                row.append(plain_value(q, value))
        rows.append(row + [f"uuid-{n:04d}", "", str(n)])
    return rows, []


# --- REDCap -----------------------------------------------------------------------------------


def redcap(people: list[dict]) -> tuple[list[list[str]], list[int]]:
    """Raw export: numbered codes (by position), checkboxes as `q___n` 0/1 columns, yes/no as 1/0,
    the country as free text (and repeated in `country_text`); row 6 ticks no channel."""
    header = ["record_id", "redcap_survey_identifier", "annual_survey_timestamp"]
    questions = [q for q in DEFINITION.questions() if q.type != "note"]
    for q in questions:
        if q.type == "select_multiple":
            header += [f"{q.name}___{i}" for i in range(1, len(names(q.list_name)) + 1)]
        else:
            header.append(q.name)
    rows = [header + ["country_text", "language", "annual_survey_complete"]]
    refused = []
    for n, person in enumerate(people, start=1):
        a = person["answers"]
        row = [str(n), "", ""]
        for q in questions:
            value = a.get(q.name)
            if q.name == "channels" and n == 6:
                value = []
                refused.append(n + 1)
            if q.type == "select_multiple":
                row += [("1" if c in (value or []) else "0") for c in names(q.list_name)]
            elif q.name == "country":
                row.append(person["country_text"])
            elif q.type == "select_one" and value in ("yes", "no"):
                row.append("1" if value == "yes" else "0")
            elif q.type == "select_one":
                row.append(str(names(q.list_name).index(value) + 1) if value else "")
            else:
                row.append(plain_value(q, value))
        rows.append(row + [person["country_text"], rng_language(person), "2"])
    return rows, refused


def rng_language(person: dict) -> str:
    return LANGUAGE_NAMES[person["language"]][person["number"] % 3]


def write_xlsx(path: Path, rows: list[list[str]]) -> None:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append([cell if cell != "" else None for cell in row])
    book.save(path)


def main() -> None:
    rng = random.Random(16)
    people = [respondent(rng, n) for n in range(1, 121)]
    expected: dict = {}

    def record(name: str, group: list[dict], refused: list[int], header_rows: int = 1) -> None:
        expected[name] = {
            "refused": refused,
            "rows": [
                expected_row(p, i + header_rows + 1) for i, p in enumerate(group) if i + header_rows + 1 not in refused
            ],
        }

    rows, refused = limesurvey_codes(people[:30])
    write_csv(HERE / "limesurvey_codes.csv", rows, encoding="utf-8-sig", delimiter=",")
    record("limesurvey_codes.csv", people[:30], refused)
    rows, refused = limesurvey_labels(people[30:60], rng)
    write_csv(HERE / "limesurvey_labels.csv", rows, encoding="cp1252", delimiter=";")
    record("limesurvey_labels.csv", people[30:60], refused)
    rows, refused = surveymonkey(people, rng)
    write_csv(HERE / "surveymonkey.csv", rows, encoding="utf-8-sig", delimiter=",")
    write_xlsx(HERE / "surveymonkey.xlsx", rows)
    record("surveymonkey.csv", people, refused, header_rows=2)
    rows, refused = kobo_names(people[60:90])
    write_csv(HERE / "kobo_names.csv", rows, encoding="utf-8", delimiter=";")
    record("kobo_names.csv", people[60:90], refused)
    rows, refused = kobo_labels(people[60:90], rng)
    write_csv(HERE / "kobo_labels.csv", rows, encoding="utf-16", delimiter="\t")
    record("kobo_labels.csv", people[60:90], refused)
    rows, refused = redcap(people[90:120])
    write_csv(HERE / "redcap.csv", rows, encoding="utf-8", delimiter=",")
    record("redcap.csv", people[90:120], refused)
    lines = [
        json.dumps({"file": name, "refused": found["refused"]} | row, ensure_ascii=False, separators=(",", ":"))
        for name, found in expected.items()
        for row in found["rows"]
    ]
    (HERE / "expected.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
