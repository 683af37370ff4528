"""XLSForm workbooks in and out: `parse_xlsform` builds a Definition, `definition_to_xlsform` writes one.

pyxform reads the workbook the standard way (so a form that ODK or KoboToolbox would refuse is
refused here too); openpyxl reads the same rows again because our checks need the sheet, row and
column of each problem and pyxform knows nothing of our extra columns (pii, quasi, indicator,
profile) or of the six-language rule. Our own checks run first and report every problem they
find; pyxform, which stops at its first error, only speaks when ours found nothing.

docs/xlsform.md is the guide for survey authors.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from io import BytesIO

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook

from core.config import LANGUAGES
from surveys import expressions
from surveys.definition import (
    INDICATOR_GROUPS,
    PROFILE_FIELDS,
    QUESTION_TYPES,
    Choice,
    Definition,
    Grid,
    Labels,
    Page,
    Question,
)

# How the shipped workbooks name the language columns; only the code in parentheses counts when reading.
LANGUAGE_NAMES = {"ar": "العربية", "en": "English", "es": "Español", "fr": "Français", "ru": "Русский", "zh": "中文"}
TRANSLATED = ("label", "hint", "constraint_message", "required_message")
SURVEY_COLUMNS = (
    "type",
    "name",
    "required",
    "relevant",
    "constraint",
    "appearance",
    "pii",
    "quasi",
    "indicator",
    "profile",
)
CHOICE_COLUMNS = ("list_name", "name")
SETTINGS_COLUMNS = ("form_id", "version", "default_language", "form_title")
ANSWERED_TYPES = tuple(t for t in QUESTION_TYPES if t != "note")
SELECT_TYPES = ("select_one", "select_multiple")
_TRANSLATED_HEADER = re.compile(r"^(?P<kind>[a-z_]+)::.*\((?P<code>[A-Za-z_-]+)\)\s*$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_YES = {"yes", "true", "true()", "1"}
_NO = {"", "no", "false", "false()", "0"}


@dataclass(frozen=True)
class Problem:
    """Why a workbook was refused, and where: row 1 is the header row, as Excel numbers them."""

    sheet: str
    row: int
    column: str  # the column header ("" for the row or sheet as a whole)
    message: object  # lazy string, translated when shown

    @property
    def text(self) -> str:
        return str(self.message)

    def __str__(self) -> str:
        place = self.sheet + (f" row {self.row}" if self.row else "") + (f", {self.column}" if self.column else "")
        return f"{place}: {self.message}"


class XLSFormError(ValueError):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


def definition_hash(definition: Definition) -> str:
    """Content identity of a version: sha256 of the definition as sorted-key JSON."""
    return hashlib.sha256(json.dumps(definition.to_dict(), sort_keys=True).encode()).hexdigest()


def column_header(kind: str, code: str) -> str:
    return f"{kind}::{LANGUAGE_NAMES[code]} ({code})"


# --- reading sheets ------------------------------------------------------------------------------


@dataclass
class _Sheet:
    name: str
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number, header -> text); blank rows left out
    translated: dict[str, dict[str, str]] = field(default_factory=dict)  # kind -> code -> header

    def header(self, kind: str, code: str) -> str:
        return self.translated.get(kind, {}).get(code) or column_header(kind, code)

    def texts(self, cells: dict[str, str], kind: str) -> Labels:
        return {
            code: cells.get(header, "")
            for code, header in self.translated.get(kind, {}).items()
            if cells.get(header, "")
        }


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value).strip()


def _read_sheet(worksheet, known: tuple[str, ...], kinds: tuple[str, ...], problems: list[Problem]) -> _Sheet:
    """The sheet's rows; a non-empty cell in a column we do not support is a problem (once per column)."""
    worksheet.reset_dimensions()  # some spreadsheet programs record a wrong sheet size
    rows = worksheet.iter_rows(values_only=True)
    headers = [_text(value) for value in next(rows, ())]
    sheet = _Sheet(worksheet.title, headers, [])
    unsupported: dict[str, str] = {}  # header -> why
    for header in headers:
        if not header or header in known:
            continue
        match = _TRANSLATED_HEADER.match(header)
        if match and match["kind"] in kinds:
            if match["code"] in LANGUAGES:
                sheet.translated.setdefault(match["kind"], {})[match["code"]] = header
            else:
                unsupported[header] = str(
                    _l(
                        "the language code %(code)s is not one of %(codes)s",
                        code=match["code"],
                        codes=", ".join(LANGUAGES),
                    )
                )
        elif header in kinds:
            unsupported[header] = str(
                _l("name the language in the header, e.g. %(example)s", example=column_header(header, "en"))
            )
        else:
            unsupported[header] = str(_l("this column is not supported"))
    reported: set[str] = set()
    for number, values in enumerate(rows, start=2):
        cells = {header: _text(value) for header, value in zip(headers, values) if header}
        if not any(cells.values()):
            continue
        for header, why in unsupported.items():
            if cells.get(header) and header not in reported:
                reported.add(header)
                problems.append(Problem(sheet.name, number, header, why))
        sheet.rows.append((number, cells))
    return sheet


def _flag(sheet: _Sheet, number: int, cells: dict[str, str], column: str, problems: list[Problem]) -> bool:
    value = cells.get(column, "").casefold()
    if value in _YES:
        return True
    if value not in _NO:
        problems.append(
            Problem(sheet.name, number, column, _l("write yes or leave it empty, not '%(value)s'", value=cells[column]))
        )
    return False


def _six(
    sheet: _Sheet, number: int, cells: dict[str, str], kind: str, problems: list[Problem], required: bool = True
) -> Labels:
    """The texts of `kind` in the six languages: all of them, or (if not required) none at all."""
    texts = sheet.texts(cells, kind)
    if texts or required:
        for code in LANGUAGES:
            if code not in texts:
                problems.append(
                    Problem(
                        sheet.name,
                        number,
                        sheet.header(kind, code),
                        _l(
                            "the %(kind)s is missing in %(language)s",
                            kind=kind.replace("_", " "),
                            language=LANGUAGE_NAMES[code],
                        ),
                    )
                )
    return {code: texts[code] for code in LANGUAGES if code in texts}


# --- choices and settings ----------------------------------------------------------------------


@dataclass
class _Choices:
    lists: dict[str, tuple[Choice, ...]]
    rows: dict[tuple[str, str], int]  # (list, name) -> row, for messages


def _parse_choices(sheet: _Sheet | None, problems: list[Problem]) -> _Choices:
    lists: dict[str, list[Choice]] = {}
    rows: dict[tuple[str, str], int] = {}
    for number, cells in sheet.rows if sheet else ():
        list_name, name = cells.get("list_name", ""), cells.get("name", "")
        labels = _six(sheet, number, cells, "label", problems)
        if not list_name:
            problems.append(Problem(sheet.name, number, "list_name", _l("the list name is missing")))
            continue
        if not name:
            problems.append(Problem(sheet.name, number, "name", _l("the choice name is missing")))
            continue
        if any(character.isspace() for character in name):
            problems.append(
                Problem(sheet.name, number, "name", _l("choice names cannot contain spaces: '%(name)s'", name=name))
            )
        if (list_name, name) in rows:
            problems.append(
                Problem(
                    sheet.name,
                    number,
                    "name",
                    _l(
                        "the list %(list)s already has a choice '%(name)s' (row %(row)s)",
                        list=list_name,
                        name=name,
                        row=rows[list_name, name],
                    ),
                )
            )
            continue
        rows[list_name, name] = number
        lists.setdefault(list_name, []).append(Choice(name=name, labels=labels))
    return _Choices({name: tuple(items) for name, items in lists.items()}, rows)


@dataclass
class _Settings:
    form_id: str = ""
    version: str = ""
    default_language: str = "en"
    titles: Labels = field(default_factory=dict)


def _parse_settings(sheet: _Sheet | None, problems: list[Problem]) -> _Settings:
    settings = _Settings()
    if sheet is None or not sheet.rows:
        problems.append(
            Problem("settings", 2, "form_id", _l("the settings sheet with form_id and form titles is missing"))
        )
        return settings
    number, cells = sheet.rows[0]
    settings.form_id, settings.version = cells.get("form_id", ""), cells.get("version", "")
    if not settings.form_id:
        problems.append(Problem(sheet.name, number, "form_id", _l("the form_id is missing")))
    elif not _NAME.match(settings.form_id):
        problems.append(
            Problem(
                sheet.name,
                number,
                "form_id",
                _l(
                    "'%(name)s' is not a valid name: use letters, digits and _ and start with a letter",
                    name=settings.form_id,
                ),
            )
        )
    language = cells.get("default_language", "")
    if language:
        match = re.search(r"\(([A-Za-z_-]+)\)\s*$", language)
        if match and match[1] in LANGUAGES:
            settings.default_language = match[1]
        else:
            problems.append(
                Problem(
                    sheet.name,
                    number,
                    "default_language",
                    _l("write the language as in the column headers, e.g. English (en)"),
                )
            )
    settings.titles = _six(sheet, number, cells, "form_title", problems)
    return settings


# --- the survey sheet --------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    cells: dict[str, str]
    kind: str  # "begin", "end", "question", or "" (refused)
    type: str = ""
    list_name: str | None = None

    @property
    def name(self) -> str:
        return self.cells.get("name", "")


_BEGIN = {"begin group", "begin_group"}
_END = {"end group", "end_group"}


def _classify(sheet: _Sheet, number: int, cells: dict[str, str], lists: _Choices, problems: list[Problem]) -> _Row:
    words = cells.get("type", "").split()
    text = " ".join(words)
    if text in _BEGIN:
        return _Row(number, cells, "begin")
    if text in _END:
        return _Row(number, cells, "end")
    if not words:
        problems.append(Problem(sheet.name, number, "type", _l("the type is missing")))
    elif words[0] in SELECT_TYPES:
        if len(words) == 2:
            if words[1] not in lists.lists:
                problems.append(
                    Problem(
                        sheet.name,
                        number,
                        "type",
                        _l("there is no choice list '%(list)s' on the choices sheet", list=words[1]),
                    )
                )
            return _Row(number, cells, "question", words[0], words[1])
        if len(words) == 3 and words[2] == "or_other":
            problems.append(
                Problem(
                    sheet.name,
                    number,
                    "type",
                    _l(
                        "or_other is not supported: add a choice named other and a text "
                        "question %(name)s_other on the next row",
                        name=cells.get("name", ""),
                    ),
                )
            )
        else:
            problems.append(
                Problem(
                    sheet.name, number, "type", _l("write %(type)s followed by one choice list name", type=words[0])
                )
            )
    elif len(words) == 1 and words[0] in QUESTION_TYPES:
        return _Row(number, cells, "question", words[0])
    elif "repeat" in text:
        problems.append(Problem(sheet.name, number, "type", _l("repeats are not supported")))
    else:
        problems.append(
            Problem(
                sheet.name,
                number,
                "type",
                _l(
                    "the type '%(type)s' is not supported; use one of %(types)s, begin group or end group",
                    type=text,
                    types=", ".join(QUESTION_TYPES),
                ),
            )
        )
    return _Row(number, cells, "")


def _normal(expression: str) -> str:
    return re.sub(r"\s+", "", expression).replace('"', "'")


@dataclass
class _Container:
    row: _Row
    items: list = field(default_factory=list)
    grid: bool = False


class _SurveyReader:
    def __init__(self, sheet: _Sheet, choices: _Choices, problems: list[Problem]):
        self.sheet, self.choices, self.problems = sheet, choices, problems
        self.rows = [_classify(sheet, number, cells, choices, problems) for number, cells in sheet.rows]
        self.names = self._names()
        self.question_names = {row.name for row in self.rows if row.kind == "question" and row.name}
        self.other_of = self._others()
        self.profiles: dict[str, int] = {}

    def problem(self, row: _Row, column: str, message) -> None:
        self.problems.append(Problem(self.sheet.name, row.number, column, message))

    def _names(self) -> dict[str, int]:
        seen: dict[str, int] = {}
        for row in self.rows:
            if row.kind in ("", "end"):
                continue
            if not row.name:
                self.problem(row, "name", _l("the name is missing"))
            elif not _NAME.match(row.name):
                self.problem(
                    row,
                    "name",
                    _l(
                        "'%(name)s' is not a valid name: use letters, digits and _ and start with a letter",
                        name=row.name,
                    ),
                )
            elif row.name in seen:
                self.problem(
                    row,
                    "name",
                    _l("the name '%(name)s' is already used on row %(row)s", name=row.name, row=seen[row.name]),
                )
            else:
                seen[row.name] = row.number
        return seen

    def _others(self) -> dict[str, str]:
        """text question name -> the select it specifies "other" for."""
        found: dict[str, str] = {}
        for index, row in enumerate(self.rows):
            choices = self.choices.lists.get(row.list_name or "", ())
            if not any(choice.name == "other" for choice in choices):
                continue
            following = self.rows[index + 1] if index + 1 < len(self.rows) else None
            wanted = f"{row.name}_other"
            if (
                following is not None
                and following.type == "text"
                and following.name == wanted
                and _normal(following.cells.get("relevant", "")) == _normal(f"selected(${{{row.name}}}, 'other')")
            ):
                found[wanted] = row.name
            else:
                self.problem(
                    row,
                    "type",
                    _l(
                        "the list %(list)s has a choice named other, so the next row must be "
                        "a text question named %(name)s with relevant %(relevant)s",
                        list=row.list_name,
                        name=wanted,
                        relevant=f"selected(${{{row.name}}}, 'other')",
                    ),
                )
        return found

    def read(self) -> list[Page]:
        pages: list[Page] = []
        stack: list[_Container] = []
        loose: list = []  # consecutive top-level questions: one page

        def close_loose() -> None:
            if loose:
                pages.append(self._page(f"_page{len(pages) + 1}", {}, None, list(loose)))
                loose.clear()

        for row in self.rows:
            if row.kind == "begin":
                appearance = row.cells.get("appearance", "")
                if not stack:
                    close_loose()
                elif len(stack) == 1 and "table-list" in appearance.split():
                    pass
                else:
                    self.problem(
                        row,
                        "type" if len(stack) > 1 else "appearance",
                        _l(
                            "a group inside a page must be a grid (appearance table-list); other nested "
                            "groups are not supported"
                        ),
                    )
                self._check_common(row, question=False)
                stack.append(_Container(row, grid=len(stack) == 1 and "table-list" in appearance.split()))
            elif row.kind == "end":
                if not stack:
                    self.problem(row, "type", _l("end group without a begin group"))
                    continue
                container = stack.pop()
                if stack:
                    if container.grid:
                        stack[-1].items.append(self._grid(container))
                    else:  # refused above; keep its questions so they are checked too
                        stack[-1].items.extend(container.items)
                else:
                    labels = _six(self.sheet, container.row.number, container.row.cells, "label", [])
                    pages.append(
                        self._page(
                            container.row.name, labels, container.row.cells.get("relevant") or None, container.items
                        )
                    )
            elif row.kind == "question":
                question = self._question(row)
                (stack[-1].items if stack else loose).append(question)
        close_loose()
        for container in stack:
            self.problem(container.row, "type", _l("the group %(name)s has no end group", name=container.row.name))
        return pages

    def _page(self, name: str, labels: Labels, relevant: str | None, items: list) -> Page:
        questions = [
            q for item in items for q in (item.questions if isinstance(item, Grid) else (item,)) if q.type != "note"
        ]
        profile = bool(questions) and all(q.profile for q in questions)
        return Page(name=name, labels=labels, items=tuple(items), relevant=relevant, profile=profile)

    def _grid(self, container: _Container) -> Grid:
        row = container.row
        questions = [item for item in container.items if isinstance(item, Question)]
        if not questions:
            self.problem(row, "type", _l("the grid %(name)s has no questions", name=row.name))
        list_name = questions[0].list_name if questions else ""
        for question in questions:
            if question.type not in SELECT_TYPES:
                self.problem(
                    self._row_of(question),
                    "type",
                    _l("a grid (table-list) holds only select_one or select_multiple questions"),
                )
            elif question.list_name != list_name or question.type != questions[0].type:
                self.problem(
                    self._row_of(question),
                    "type",
                    _l(
                        "every question of the grid %(grid)s must be %(type)s %(list)s like its first "
                        "row (row %(row)s)",
                        grid=row.name,
                        type=questions[0].type,
                        list=list_name,
                        row=questions[0].row,
                    ),
                )
        labels = _six(self.sheet, row.number, row.cells, "label", [])
        return Grid(
            name=row.name,
            labels=labels,
            list_name=list_name or "",
            questions=tuple(questions),
            relevant=row.cells.get("relevant") or None,
        )

    def _row_of(self, question: Question) -> _Row:
        return next(row for row in self.rows if row.number == question.row)

    def _check_common(self, row: _Row, *, question: bool) -> Labels:
        """Checks that groups and questions share; returns the labels."""
        cells = row.cells
        labels = _six(self.sheet, row.number, cells, "label", self.problems)
        self._expression(row, "relevant")
        if not question or row.type == "note":
            for column in ("required", "constraint", "indicator", "profile", "pii", "quasi"):
                if cells.get(column) and cells[column].casefold() not in _NO:
                    self.problem(
                        row, column, _l("only a question that takes an answer can have %(column)s", column=column)
                    )
        return labels

    def _expression(self, row: _Row, column: str) -> str | None:
        text = row.cells.get(column, "")
        if not text:
            return None
        try:
            parsed = expressions.parse(text)
        except expressions.ExpressionError as error:
            position = getattr(error, "position", None)
            message = error.args[0] if error.args else str(error)
            if position is not None:
                self.problem(
                    row,
                    column,
                    _l(
                        "cannot read the expression: %(message)s (at character %(at)s)",
                        message=message,
                        at=position + 1,
                    ),
                )
            else:
                self.problem(row, column, _l("cannot read the expression: %(message)s", message=message))
            return text
        for reference in sorted(parsed.references):
            if reference not in self.question_names:
                self.problem(row, column, _l("${%(name)s} does not name a question of this form", name=reference))
        if column == "relevant" and parsed.uses_current:
            self.problem(row, column, _l("'.' (the current answer) can only be used in a constraint"))
        return text

    def _question(self, row: _Row) -> Question:
        cells = row.cells
        labels = self._check_common(row, question=True)
        answered = row.type in ANSWERED_TYPES
        indicator = cells.get("indicator") or None
        if answered and indicator and indicator not in INDICATOR_GROUPS:
            self.problem(
                row,
                "indicator",
                _l(
                    "'%(value)s' is not an indicator group; use one of %(groups)s",
                    value=indicator,
                    groups=", ".join(INDICATOR_GROUPS),
                ),
            )
        profile = cells.get("profile") or None
        if answered and profile:
            self._check_profile(row, profile)
        return Question(
            name=row.name,
            type=row.type,
            labels=labels,
            hints=_six(self.sheet, row.number, cells, "hint", self.problems, required=False),
            list_name=row.list_name,
            required=answered and _flag(self.sheet, row.number, cells, "required", self.problems),
            relevant=cells.get("relevant") or None,
            constraint=self._expression(row, "constraint") if answered else None,
            constraint_messages=_six(
                self.sheet, row.number, cells, "constraint_message", self.problems, required=False
            ),
            required_messages=_six(self.sheet, row.number, cells, "required_message", self.problems, required=False),
            appearance=cells.get("appearance", ""),
            other_of=self.other_of.get(row.name),
            pii=answered and _flag(self.sheet, row.number, cells, "pii", self.problems),
            quasi=answered and _flag(self.sheet, row.number, cells, "quasi", self.problems),
            indicator=indicator if answered else None,
            profile=profile if answered else None,
            row=row.number,
        )

    def _check_profile(self, row: _Row, profile: str) -> None:
        if profile not in PROFILE_FIELDS:
            self.problem(
                row,
                "profile",
                _l(
                    "'%(value)s' is not a profile field; use one of %(fields)s",
                    value=profile,
                    fields=", ".join(PROFILE_FIELDS),
                ),
            )
            return
        if profile in self.profiles:
            self.problem(
                row,
                "profile",
                _l(
                    "the profile field %(field)s is already asked on row %(row)s",
                    field=profile,
                    row=self.profiles[profile],
                ),
            )
        self.profiles[profile] = row.number
        if row.type != "select_one":
            self.problem(row, "type", _l("a profile question must be select_one"))
            return
        codes = registry_codes()[profile]
        for choice in self.choices.lists.get(row.list_name or "", ()):
            if choice.name not in codes:
                self.problems.append(
                    Problem(
                        "choices",
                        self.choices.rows[row.list_name, choice.name],
                        "name",
                        _l("'%(name)s' is not a %(field)s code of the registry", name=choice.name, field=profile),
                    )
                )


@cache
def registry_codes() -> dict[str, frozenset[str]]:
    """The codes a profile question's choices must use: those the registry stores."""
    from core.reference.countries import member_state_rows
    from stakeholders.vocabularies import CATEGORY, GENDER, STAKEHOLDER_TYPE

    return {
        "country": frozenset(row["iso2"] for row in member_state_rows()),
        "category": frozenset(CATEGORY.codes),
        "gender": frozenset(GENDER.codes),
        "stakeholder_type": frozenset(STAKEHOLDER_TYPE.codes),
    }


# --- pyxform ------------------------------------------------------------------------------------


def _pyxform_problems(data: bytes, settings: _Settings) -> list[Problem]:
    """What pyxform, the reference implementation of XLSForm, says about the workbook."""
    from pyxform import builder
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import get_xlsform, workbook_to_json

    try:
        workbook = get_xlsform(BytesIO(data), file_type=".xlsx")
        language = f"{LANGUAGE_NAMES[settings.default_language]} ({settings.default_language})"
        form = workbook_to_json(workbook, form_name=settings.form_id or "data", default_language=language, warnings=[])
        # pyxform writes XML with one title only; the six are ours to check.
        form["title"] = settings.titles.get(settings.default_language) or settings.form_id
        builder.create_survey_element_from_dict(form).to_xml(validate=False, warnings=[])
    except PyXFormError as error:
        context = getattr(error, "context", None) or {}
        message = re.sub(r"^\[row : \d+\]\s*", "", str(error))
        row = context.get("row")
        if row is None:
            found = re.search(r"\[row : (\d+)\]", str(error))
            row = int(found[1]) if found else 0
        sheet = context.get("sheet") or next((name for name in ("choices", "settings") if name in message), "survey")
        return [Problem(sheet, int(row), context.get("column") or "", message)]
    except Exception as error:  # noqa: BLE001 -- pyxform fails on some malformed input with plain errors
        return [Problem("survey", 0, "", _l("pyxform could not read the form: %(error)s", error=str(error)))]
    return []


# --- parse -------------------------------------------------------------------------------------


def parse_xlsform(data: bytes, filename: str = "form.xlsx") -> Definition:
    """The Definition of an XLSForm workbook (.xlsx); XLSFormError lists every problem found."""
    problems: list[Problem] = []
    if not filename.lower().endswith(".xlsx"):
        raise XLSFormError([Problem("", 0, "", _l("upload the form as an Excel workbook (.xlsx)"))])
    try:
        book = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 -- openpyxl raises many kinds on a damaged file
        raise XLSFormError(
            [Problem("", 0, "", _l("this is not a readable .xlsx workbook (%(error)s)", error=type(error).__name__))]
        ) from error
    try:
        sheets = {name: book[name] for name in ("survey", "choices", "settings") if name in book.sheetnames}
        if "survey" not in sheets:
            raise XLSFormError([Problem("survey", 0, "", _l("the workbook has no sheet named survey"))])
        survey = _read_sheet(sheets["survey"], SURVEY_COLUMNS, TRANSLATED, problems)
        choices_sheet = (
            _read_sheet(sheets["choices"], CHOICE_COLUMNS, ("label",), problems) if "choices" in sheets else None
        )
        settings_sheet = (
            _read_sheet(sheets["settings"], SETTINGS_COLUMNS, ("form_title",), problems)
            if "settings" in sheets
            else None
        )
    finally:
        book.close()
    choices = _parse_choices(choices_sheet, problems)
    settings = _parse_settings(settings_sheet, problems)
    pages = _SurveyReader(survey, choices, problems).read()
    if not pages and not problems:
        problems.append(Problem("survey", 2, "", _l("the form has no questions")))
    if not problems:
        problems.extend(_pyxform_problems(data, settings))
    if problems:
        raise XLSFormError(
            sorted(
                problems,
                key=lambda p: (
                    ("settings", "survey", "choices").index(p.sheet)
                    if p.sheet in ("settings", "survey", "choices")
                    else -1,
                    p.row,
                ),
            )
        )
    return Definition(
        form_id=settings.form_id,
        version=settings.version,
        titles=settings.titles,
        pages=tuple(pages),
        choices=choices.lists,
        default_language=settings.default_language,
    )


# --- write -------------------------------------------------------------------------------------


def definition_to_xlsform(definition: Definition) -> bytes:
    """An XLSForm workbook that `parse_xlsform` reads back into the same definition.

    Questions keep their survey row (blank rows fill gaps) because the row is part of the
    definition, and so of its hash.
    """

    def six(kind: str) -> list[str]:
        return [column_header(kind, code) for code in LANGUAGES]

    headers = [
        "type",
        "name",
        *six("label"),
        *six("hint"),
        "required",
        "relevant",
        "constraint",
        *six("constraint_message"),
        *six("required_message"),
        "appearance",
        "pii",
        "quasi",
        "indicator",
        "profile",
    ]
    rows: dict[int, dict[str, str]] = {}
    cursor = 2

    def put(cells: dict, at: int = 0) -> None:
        nonlocal cursor
        at = at if at >= cursor else cursor
        rows[at] = cells
        cursor = at + 1

    def texts(kind: str, labels: Labels) -> dict[str, str]:
        return {column_header(kind, code): text for code, text in labels.items()}

    def question(q: Question) -> None:
        put(
            {
                "type": f"{q.type} {q.list_name}" if q.list_name else q.type,
                "name": q.name,
                **texts("label", q.labels),
                **texts("hint", q.hints),
                "required": "yes" if q.required else "",
                "relevant": q.relevant or "",
                "constraint": q.constraint or "",
                **texts("constraint_message", q.constraint_messages),
                **texts("required_message", q.required_messages),
                "appearance": q.appearance,
                "pii": "yes" if q.pii else "",
                "quasi": "yes" if q.quasi else "",
                "indicator": q.indicator or "",
                "profile": q.profile or "",
            },
            q.row,
        )

    for page in definition.pages:
        grouped = bool(page.labels)  # a page without labels was loose top-level questions
        if grouped:
            put(
                {
                    "type": "begin group",
                    "name": page.name,
                    **texts("label", page.labels),
                    "relevant": page.relevant or "",
                    "appearance": "field-list",
                }
            )
        for item in page.items:
            if isinstance(item, Grid):
                put(
                    {
                        "type": "begin group",
                        "name": item.name,
                        **texts("label", item.labels),
                        "relevant": item.relevant or "",
                        "appearance": "table-list",
                    }
                )
                for q in item.questions:
                    question(q)
                put({"type": "end group"})
            else:
                question(item)
        if grouped:
            put({"type": "end group"})

    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    sheet.append(headers)
    for number in range(2, cursor):
        sheet.append([rows.get(number, {}).get(header) or None for header in headers])

    choices = book.create_sheet("choices")
    choice_headers = ["list_name", "name", *six("label")]
    choices.append(choice_headers)
    for list_name, items in definition.choices.items():
        for choice in items:
            cells = {"list_name": list_name, "name": choice.name, **texts("label", choice.labels)}
            choices.append([cells.get(header) for header in choice_headers])

    settings = book.create_sheet("settings")
    language = definition.default_language
    cells = {
        "form_id": definition.form_id,
        "version": definition.version,
        "default_language": f"{LANGUAGE_NAMES[language]} ({language})",
        "form_title": definition.titles.get(language, ""),
        **texts("form_title", definition.titles),
    }
    settings.append(list(cells))
    settings.append(list(cells.values()))
    out = BytesIO()
    book.save(out)
    return out.getvalue()
