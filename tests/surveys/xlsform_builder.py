"""Small XLSForm workbooks for tests, built with openpyxl.

Rows are dicts of column header -> value; `labels("Text")` gives the six `label::` columns, so a
test can drop one language with `del row[col("label", "fr")]`.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook

from tests.factories import six

LANGUAGE_NAMES = {"ar": "العربية", "en": "English", "es": "Español", "fr": "Français", "ru": "Русский", "zh": "中文"}


def col(kind: str, code: str) -> str:
    """The header of `kind` ("label", "hint", ...) in language `code`: `label::Français (fr)`."""
    return f"{kind}::{LANGUAGE_NAMES[code]} ({code})"


def labels(text: str, kind: str = "label") -> dict[str, str]:
    return {col(kind, code): value for code, value in six(text).items()}


def q(type_: str, name: str, text: str | None = None, **columns) -> dict:
    """A survey row; `text` defaults to the name, set it to "" for no label columns at all."""
    row = {"type": type_, "name": name}
    if text != "":
        row.update(labels(text if text is not None else name))
    row.update(columns)
    return row


def end() -> dict:
    return {"type": "end group"}


def choices(list_name: str, *names: str) -> list[dict]:
    return [{"list_name": list_name, "name": name, **labels(name.replace("_", " ").title())} for name in names]


def settings(form_id: str = "test_form", version: str = "1", title: str = "Test form") -> dict:
    return {
        "form_id": form_id,
        "version": version,
        "default_language": "English (en)",
        "form_title": title,
        **{col("form_title", code): value for code, value in six(title).items()},
    }


def workbook(survey: list[dict], choice_rows: list[dict] | None = None, setting: dict | None = None) -> bytes:
    """An .xlsx with `survey`, `choices` and `settings` sheets; headers are the union of the rows' keys."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in (("survey", survey), ("choices", choice_rows or []), ("settings", [setting or settings()])):
        sheet = book.create_sheet(title)
        headers: list[str] = []
        for row in rows:
            headers.extend(key for key in row or () if key not in headers)
        if not headers and title == "choices":
            headers = ["list_name", "name", *labels("x")]
        sheet.append(headers)
        for row in rows:
            if row is None:  # a blank row
                sheet.append([])
                continue
            sheet.append([row.get(header) for header in headers])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def valid_form() -> tuple[list[dict], list[dict], dict]:
    """A form using every supported feature; survey rows 2.. (row 1 is the header)."""
    survey = [
        q("select_one country", "country", "Country", profile="country", quasi="yes", required="yes"),  # 2
        q("select_one gender", "gender", "Gender", profile="gender", quasi="yes"),  # 3
        q("begin group", "about", "About you"),  # 4
        q(
            "select_multiple roles",
            "roles",
            "Your roles",
            required="yes",
            indicator="participation",
            **labels("Pick all that apply", "hint"),
        ),  # 5
        q("text", "roles_other", "Other role, please specify", relevant="selected(${roles}, 'other')"),  # 6
        q(
            "integer",
            "years",
            "Years of involvement",
            constraint=". >= 0 and . <= 60",
            **labels("Between 0 and 60", "constraint_message"),
        ),  # 7
        q("select_one yes_no", "engaged", "Did you engage with IPBES?", required="yes"),  # 8
        q("text", "email", "Your email", pii="yes"),  # 9
        end(),  # 10
        q("begin group", "views", "Your views", relevant="${engaged} = 'yes'", appearance="field-list"),  # 11
        q("begin group", "clarity", "How far do you agree?", appearance="table-list"),  # 12
        q(
            "select_one agree",
            "clear_how",
            "It is clear how to engage",
            indicator="commitment",
            appearance="list-nolabel",
        ),  # 13
        q(
            "select_one agree",
            "transparent",
            "Processes are transparent",
            indicator="communication",
            appearance="list-nolabel",
        ),  # 14
        end(),  # 15
        q("date", "when", "When did you last engage?"),  # 16
        q("decimal", "share", "Share of your time", constraint=". <= 100"),  # 17
        q("note", "thanks", "Thank you"),  # 18
        end(),  # 19
    ]
    choice_rows = [
        *choices("country", "FR", "KE", "BR"),
        *choices("gender", "female", "male", "another", "undisclosed"),
        *choices("roles", "author", "reviewer", "user", "other"),
        *choices("yes_no", "yes", "no"),
        *choices("agree", "1", "2", "3", "4", "5"),
    ]
    return survey, choice_rows, settings()
