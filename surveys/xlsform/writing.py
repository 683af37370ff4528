"""Writing a Definition as an XLSForm workbook: `definition_to_xlsform`, which `parse_xlsform` reads back."""

from __future__ import annotations

import re
from io import BytesIO

from openpyxl import Workbook

from core.config import LANGUAGES
from surveys.definition import DEFAULT_BASE, Definition, Grid, Labels, Page, Question, Repeat
from surveys.xlsform.columns import LANGUAGE_NAMES, column_header


def _six(kind: str) -> list[str]:
    return [column_header(kind, code) for code in LANGUAGES]


SURVEY_HEADERS = [
    "type",
    "name",
    *_six("label"),
    *_six("hint"),
    "required",
    "relevant",
    "constraint",
    "calculation",
    "default",
    "read_only",
    "choice_filter",
    "parameters",
    "repeat_count",
    *_six("constraint_message"),
    *_six("required_message"),
    "appearance",
    "pii",
    "quasi",
    "indicator",
    "profile",
    "base",
]
CHOICE_HEADERS = ["list_name", "name", *_six("label")]


def _texts(kind: str, labels: Labels) -> dict[str, str]:
    return {column_header(kind, code): text for code, text in labels.items()}


def definition_to_xlsform(definition: Definition) -> bytes:
    """An XLSForm workbook that `parse_xlsform` reads back into the same definition."""
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    sheet.append(SURVEY_HEADERS)
    rows = _SurveyRows(definition)
    for metadata in definition.metadata:  # placed first: other rows go round them
        rows.rows[metadata.row] = {"type": metadata.type, "name": metadata.name}
    for page in definition.pages:
        rows.page(page)
    for cells in rows.in_order():
        sheet.append([cells.get(header) or None for header in SURVEY_HEADERS])
    _write_choices(book, definition)
    _write_settings(book, definition)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


class _SurveyRows:
    """The survey sheet's rows by number. Questions keep their survey row (blank rows fill gaps)
    because the row is part of the definition, and so of its hash."""

    def __init__(self, definition: Definition):
        self.rows: dict[int, dict[str, str]] = {}
        self.cursor = 2  # the next free row; row 1 holds the headers
        self.lists = definition.choices
        self.last: Question | None = None

    def put(self, cells: dict, at: int = 0) -> None:
        at = at if at >= self.cursor else self.cursor
        while at in self.rows:
            at += 1
        self.rows[at] = cells
        self.cursor = at + 1

    def in_order(self) -> list[dict[str, str]]:
        return [self.rows.get(number, {}) for number in range(2, max([self.cursor - 1, *self.rows]) + 1)]

    def page(self, page: Page) -> None:
        # loose top-level questions make a page named _pageN without labels; a group may have no label either
        grouped = bool(page.labels or page.relevant) or not re.fullmatch(r"_page\d+", page.name)
        if grouped:
            self.begin(page.name, page.labels, page.relevant, "field-list")
        self.items(page.items)
        if grouped:
            self.put({"type": "end group"})

    def items(self, items) -> None:
        for item in items:
            if isinstance(item, Grid):
                self.begin(item.name, item.labels, item.relevant, "table-list")
                for question in item.questions:
                    self.question(question)
                self.put({"type": "end group"})
            elif isinstance(item, Repeat):
                self.put(
                    {
                        "type": f"begin loop over {item.over}" if item.over else "begin repeat",
                        "name": item.name,
                        **_texts("label", item.labels),
                        "relevant": item.relevant or "",
                        "repeat_count": "" if item.over else item.count or "",  # a loop's is its list's length
                    },
                    item.row,
                )
                self.items(item.items)
                self.put({"type": "end loop" if item.over else "end repeat"})
            else:
                self.question(item)

    def begin(self, name: str, labels: Labels, relevant: str | None, appearance: str) -> None:
        self.put(
            {
                "type": "begin group",
                "name": name,
                **_texts("label", labels),
                "relevant": relevant or "",
                "appearance": appearance,
            }
        )

    def _or_other(self, q: Question) -> bool:
        """The text question `select_one X or_other` added shares its select's row: write the select that way."""
        select = self.last
        if select is None or q.other_of != select.name or q.row != select.row or not select.row:
            return False
        base = select.list_name or ""
        if base.endswith("_or_other") and base.removesuffix("_or_other") in self.lists:
            base = base.removesuffix("_or_other")
        self.rows[self.cursor - 1]["type"] = f"{select.type} {base} or_other"
        return True

    def question(self, q: Question) -> None:
        if self._or_other(q):
            return
        self.last = q
        self.put(
            {
                "type": f"{q.type} {q.list_name}" if q.list_name else q.type,
                "name": q.name,
                **_texts("label", q.labels),
                **_texts("hint", q.hints),
                "required": "yes" if q.required else (q.required_when or ""),
                "relevant": q.relevant or "",
                "constraint": q.constraint or "",
                "calculation": q.calculation or "",
                "default": q.default or "",
                "read_only": "yes" if q.read_only else "",
                "choice_filter": q.choice_filter or "",
                "parameters": q.parameters,
                **_texts("constraint_message", q.constraint_messages),
                **_texts("required_message", q.required_messages),
                "appearance": q.appearance,
                "pii": "yes" if q.pii else "",
                "quasi": "yes" if q.quasi else "",
                "indicator": q.indicator or "",
                "profile": q.profile or "",
                "base": q.base if q.base != DEFAULT_BASE else "",
            },
            q.row,
        )


def _write_choices(book: Workbook, definition: Definition) -> None:
    choices = book.create_sheet("choices")
    # the columns a choice_filter reads, after the standard ones
    extra = sorted({column for items in definition.choices.values() for choice in items for column in choice.columns})
    headers = [*CHOICE_HEADERS, *extra]
    choices.append(headers)
    for list_name, items in definition.choices.items():
        for choice in items:
            cells = {"list_name": list_name, "name": choice.name, **_texts("label", choice.labels), **choice.columns}
            choices.append([cells.get(header) or None for header in headers])


def _write_settings(book: Workbook, definition: Definition) -> None:
    settings = book.create_sheet("settings")
    language = definition.default_language
    cells = {
        "form_id": definition.form_id,
        "version": definition.version,
        "default_language": f"{LANGUAGE_NAMES[language]} ({language})",
        "form_title": definition.titles.get(language, ""),
        **{header: "" for header in _six("form_title")},  # every language's column, empty ones to translate
        **_texts("form_title", definition.titles),
    }
    if any(len({c.name for c in items}) < len(items) for items in definition.choices.values()):
        cells["allow_choice_duplicates"] = "yes"  # a cascading list (`king` county in two states), as it came
    settings.append(list(cells))
    settings.append([text or None for text in cells.values()])
