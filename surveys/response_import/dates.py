"""Dates as exports write them, read by column: each date column's format is found from all its values.

Formats read: ISO 8601 ("2026-12-07", LimeSurvey's "2026-12-07 14:05:00", with or without a zone), and
year first with slashes or dots ("2026/12/07 2:05:00 pm", as Google Forms writes);
numbers with slashes, dots or dashes, day or month first ("07/12/2026", "12/7/2026 14:05",
SurveyMonkey's "12/07/2026 02:05:00 PM"); a month by name in any of the six languages ("7 Dec 2026",
"December 7, 2026"); and Excel's serial day numbers ("46363", "46363.5861"), when every value of the
column is one.

Whether "07/12/2026" is 7 December or 12 July is decided by the column: a value whose first number is
over 12 makes it day first, one whose second is, month first (the more numerous wins; a value of the
other order is then no date); where neither happens, times with AM/PM on every value make it month
first, as US exports write them. A column still undecided (or as divided one way as the other) is ambiguous: each value it cannot decide is refused, naming its row and column, until the
secretariat chooses the order (`Mapping.dates`: "dmy" or "mdy", on the mapping page or by the command's
`--date-order`). A value whose day and month are equal ("05/05/2026") is the same either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache

from babel import Locale
from flask_babel import gettext as _

from core.config import LANGUAGES
from surveys.definition import Definition
from surveys.response_import.plan import ImportProblem, Mapping
from surveys.response_import.reading import ROW

ORDERS = ("dmy", "mdy")
EXCEL_EPOCH = datetime(1899, 12, 30)  # Excel's day 0, counting its 1900 leap-year bug
EXCEL_LAST = 109_574  # 2199-12-31: larger numbers are no date
_TIME = r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([AaPp]\.?\s?[Mm]\.?)?)?"
_NUMERIC = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})" + _TIME + "$")
_YEAR_FIRST = re.compile(r"^(\d{4})([/.])(\d{1,2})\2(\d{1,2})" + _TIME + "$")  # Google Forms: 2023/11/13
_DAY_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th|er)?\.?[ -]([^\W\d_]+)\.?,?[ -](\d{4})" + _TIME + "$")
_MONTH_DAY = re.compile(r"^([^\W\d_]+)\.?[ -](\d{1,2})(?:st|nd|rd|th)?,?[ -](\d{4})" + _TIME + "$")
_SERIAL = re.compile(r"^\d{1,6}(?:\.\d+)?$")


@cache
def month_names() -> dict[str, int]:
    """Month names and abbreviations, lower case, in the six languages -> 1..12."""
    names: dict[str, int] = {}
    for language in LANGUAGES:
        months = Locale.parse(language).months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in months[context][width].items():
                    names.setdefault(name.casefold().rstrip("."), number)
    names.setdefault("sept", 9)
    return names


@dataclass(frozen=True)
class Reading:
    """One value as read: its kind ("iso", "numeric", "text", "serial") and what it may mean."""

    kind: str
    first: int = 0  # numeric: the first and second numbers (day and month in some order)
    second: int = 0
    moment: datetime | None = None  # every kind but numeric: the time it gives
    parts: tuple = ()  # numeric: year, hour, minute, second, am/pm
    separator: str = "/"
    has_time: bool = False
    twelve_hour: bool = False


def _clock(hour, minute, second, meridiem) -> tuple[int, int, int] | None:
    hour, minute, second = int(hour or 0), int(minute or 0), int(second or 0)
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem[0] in "Pp" else 0)
    return (hour, minute, second) if hour < 24 and minute < 60 and second < 60 else None


def _moment(year, month, day, clock) -> datetime | None:
    try:
        return datetime(int(year), int(month), int(day), *clock)
    except ValueError:
        return None


def read_value(text: str) -> Reading | None:
    """What a cell may be as a date, or None when it is none of the formats."""
    text = " ".join(text.split())
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is not None and re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return Reading("iso", moment=moment, has_time=len(text) > 10)
    if match := _YEAR_FIRST.match(text):
        year, _separator, month, day, *clock = match.groups()
        found = _moment(year, month, day, _clock(*clock)) if _clock(*clock) else None
        return Reading("iso", moment=found, has_time=clock[0] is not None) if found else None
    if match := _NUMERIC.match(text):
        first, separator, second, year, hour, minute, seconds, meridiem = match.groups()
        if _clock(hour, minute, seconds, meridiem) is None:
            return None
        return Reading(
            "numeric", int(first), int(second), parts=(year, hour, minute, seconds, meridiem), separator=separator,
            has_time=hour is not None, twelve_hour=bool(meridiem),
        )  # fmt: skip
    for pattern, day_first in ((_DAY_MONTH, True), (_MONTH_DAY, False)):
        if match := pattern.match(text):
            day, name = (match.group(1), match.group(2)) if day_first else (match.group(2), match.group(1))
            month = month_names().get(name.casefold())
            clock = _clock(*match.groups()[3:7])
            if month and clock and (found := _moment(match.group(3), month, day, clock)):
                return Reading("text", moment=found, has_time=match.group(4) is not None)
            return None
    if _SERIAL.match(text) and 1 <= float(text) <= EXCEL_LAST:
        return Reading("serial", moment=EXCEL_EPOCH + timedelta(days=float(text)), has_time="." in text)
    return None


def numeric_moment(reading: Reading, order: str) -> datetime | None:
    year, hour, minute, second, meridiem = reading.parts
    day, month = (reading.first, reading.second) if order == "dmy" else (reading.second, reading.first)
    return _moment(year, month, day, _clock(hour, minute, second, meridiem))


@dataclass
class ColumnDates:
    """A column's dates: each cell's time (None: not a date in the column's formats), the cells left
    undecided between day and month first, and the format found, to show."""

    times: dict[str, datetime | None] = field(default_factory=dict)
    undecided: set[str] = field(default_factory=set)
    order: str | None = None  # "dmy" | "mdy" | None (no numeric date, or undecided)
    chosen: bool = False  # the order was chosen by the secretariat
    description: str = ""


def decide_order(readings: list[Reading]) -> str | None:
    """Day first when some first number is over 12 and more values say so than say month first;
    else month first when every value has an AM/PM clock, as US exports write (SurveyMonkey's)."""
    day_first = sum(1 for r in readings if r.first > 12 >= r.second)
    month_first = sum(1 for r in readings if r.second > 12 >= r.first)
    if day_first == month_first == 0 and readings and all(r.twelve_hour for r in readings):
        return "mdy"
    if day_first == month_first:
        return None
    return "dmy" if day_first > month_first else "mdy"


def read_column(cells, order: str | None = None) -> ColumnDates:
    """Every distinct cell of a date column read in the column's format; `order` as chosen, or None."""
    readings = {cell: read_value(cell) for cell in dict.fromkeys(cells) if cell}
    if any(r is not None and r.kind != "serial" for r in readings.values()):
        readings = {cell: (None if r is not None and r.kind == "serial" else r) for cell, r in readings.items()}
    numeric = [r for r in readings.values() if r is not None and r.kind == "numeric"]
    found = ColumnDates(order=order if order in ORDERS else decide_order(numeric), chosen=order in ORDERS)
    for cell, reading in readings.items():
        if reading is None or reading.kind != "numeric":
            found.times[cell] = reading.moment if reading is not None else None
        elif found.order is not None:
            found.times[cell] = numeric_moment(reading, found.order)
        elif reading.first == reading.second:
            found.times[cell] = numeric_moment(reading, "dmy")
        else:
            found.undecided.add(cell)
    found.description = describe([r for r in readings.values() if r is not None], found.order, found.chosen)
    return found


def describe(readings: list[Reading], order: str | None, chosen: bool) -> str:
    """The formats a column holds, as the preview states them ("DD/MM/YYYY hh:mm, day first (found from the values)")."""
    texts = []
    kinds = {r.kind for r in readings}
    if "iso" in kinds:
        texts.append("YYYY-MM-DD" + (" hh:mm:ss" if any(r.has_time for r in readings if r.kind == "iso") else ""))
    numeric = [r for r in readings if r.kind == "numeric"]
    if numeric:
        separator = numeric[0].separator
        pattern = {"dmy": "DD{0}MM{0}YYYY", "mdy": "MM{0}DD{0}YYYY"}.get(order or "", "??{0}??{0}YYYY")
        pattern = pattern.format(separator)
        if any(r.has_time for r in numeric):
            pattern += " hh:mm AM/PM" if any(r.twelve_hour for r in numeric) else " hh:mm"
        if order is None:
            texts.append(_("%(format)s, day and month undecided: choose the order", format=pattern))
        elif chosen:
            texts.append(_("%(format)s, as chosen", format=pattern))
        else:
            texts.append(_("%(format)s, found from the values", format=pattern))
    if "text" in kinds:
        texts.append(_("a month by its name (7 Dec 2026)"))
    if "serial" in kinds:
        texts.append(_("Excel serial day numbers"))
    return "; ".join(texts)


def utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def problem_at(number: int, column: str, cell: str, found: ColumnDates) -> ImportProblem:
    """The problem of a date cell the column could not read: undecided, or no date."""
    if cell in found.undecided and (reading := read_value(cell)) is not None:
        day_first, month_first = (numeric_moment(reading, order) for order in ORDERS)
        message = _(
            "%(value)s could be %(day_first)s (day first) or %(month_first)s (month first): choose the order "
            "of day and month of this column in the mapping.",
            value=cell,
            day_first=day_first.date().isoformat() if day_first else "?",
            month_first=month_first.date().isoformat() if month_first else "?",
        )
        return ImportProblem(row=number, column=column, kind="ambiguous date", message=message)
    if found.description:
        message = _("%(value)s is not a date in this column's format (%(format)s).", value=cell,
                    format=found.description)  # fmt: skip
    else:
        message = _("%(value)s is not a date.", value=cell)
    return ImportProblem(row=number, column=column, kind="not a date", message=message)


def date_columns(mapping: Mapping, definition: Definition) -> dict[str, str]:
    """Columns holding dates -> "submitted_at", or the type ("date", "datetime") of the question they answer."""
    types = {question.name: question.type for question in definition.questions()}
    found = {}
    for key, target in mapping.columns.items():
        if target.kind == "submitted_at":
            found[key] = "submitted_at"
        elif target.kind == "question" and types.get(target.question or "") in ("date", "datetime"):
            found[key] = types[target.question]
    return found


@dataclass
class DateCheck:
    problems: list[ImportProblem] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)  # column -> the format found, to show


def rewrite_answers(rows: list[dict[str, str]], mapping: Mapping, definition: Definition) -> DateCheck:
    """Each cell of a column answering a date (or date and time) question rewritten, in the rows
    themselves, as the answering flow writes it ("2026-12-07", "2026-12-07T14:05"); a problem at
    each cell the column's format cannot read. Rewriting twice changes nothing."""
    check = DateCheck()
    for key, kind in date_columns(mapping, definition).items():
        if kind == "submitted_at":
            continue  # `timestamps` reads those
        found = read_column((row.get(key) for row in rows), mapping.dates.get(key))
        check.formats[key] = found.description
        for row in rows:
            if not (cell := row.get(key)):
                continue
            if (moment := found.times.get(cell)) is None:
                check.problems.append(problem_at(int(row.get(ROW, 0)), key, cell, found))
            else:
                row[key] = moment.date().isoformat() if kind == "date" else moment.isoformat(timespec="minutes")
    return check
