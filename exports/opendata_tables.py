"""The numbers behind the indicator tables, for open data: each table of the indicator groups as a
machine-readable table (shares from 0 to 1, their interval bounds and counts as numbers, and the base n
of each row), passed through the very rule the shown table went through.

How: the sections are built with `NumberedLabeller`, whose formatted numbers are strings that keep the
numbers they were made from (`Figure`). The disclosure rule (`presentation.disclosure.Disclosure`) then
runs on those tables as on any other, replacing each cell it hides with the mark; a hidden cell has no
numbers left to publish, so `numeric_table` writes the suppressed code for it. A row's base n is left
out too once the rule hid anything in the row. Call inside `flask_babel.force_locale(lang)`.
"""

from __future__ import annotations

import math
import re

from flask_babel import gettext as _

from analysis.disclosure import SUPPRESSED_CODE
from presentation.disclosure import SUPPRESSED_MARK
from presentation.labels import Labeller
from presentation.model import Table

SUPPRESSED = SUPPRESSED_CODE  # an int: a CSV writer would neutralise "-8" as a formula
DIGITS = 6


class Figure(str):
    """A formatted number that remembers its value (and interval bounds, and unit)."""

    value: float | None
    low: float | None
    high: float | None
    unit: str

    def __new__(cls, text: str, value, low=None, high=None, unit: str = "number"):
        made = super().__new__(cls, text)
        made.value, made.low, made.high, made.unit = _finite(value), _finite(low), _finite(high), unit
        return made


def _finite(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) or math.isinf(number) else round(number, DIGITS)


class NumberedLabeller(Labeller):
    """The labeller of the shown tables, each number it writes a `Figure`."""

    def percent(self, value) -> str:
        return Figure(super().percent(value), value, unit="share")

    def number(self, value, digits: int = 0) -> str:
        return Figure(super().number(value, digits), value, unit="count" if digits == 0 else "number")

    def share_with_interval(self, value, low, high) -> str:
        return Figure(super().share_with_interval(value, low, high), value, low, high, unit="share")

    def number_with_interval(self, value, low, high, digits: int = 1) -> str:
        return Figure(super().number_with_interval(value, low, high, digits), value, low, high)


def numbered(builder) -> None:
    """Make a presentation `Builder` write its numbers as `Figure`s (charts and tables alike)."""
    builder.lab = NumberedLabeller(builder.lab.lang)
    builder.charts.lab = builder.lab


def _column_kind(table: Table, column: int) -> tuple[bool, bool, str] | None:
    """(numeric, with interval, unit) of a column, or None for a column of words."""
    figures = [row.cells[column] for row in table.rows if column < len(row.cells)]
    found = [cell for cell in figures if isinstance(cell, Figure)]
    if column < table.text_columns or not figures or any(not _is_number_cell(cell) for cell in figures):
        return None
    if not found:  # every cell hidden: still a column of numbers, none of which may be published
        return True, False, "number"
    with_interval = any(cell.low is not None or cell.high is not None for cell in found)
    units = {cell.unit for cell in found}
    unit = units.pop() if len(units) == 1 else "number"
    if unit == "count" and not any(column in row.counts for row in table.rows):
        unit = "number"  # a whole number of something else (documents, calls): the rule counts people only
    return True, with_interval, unit


def _is_number_cell(cell) -> bool:
    return isinstance(cell, Figure) or cell == SUPPRESSED_MARK


def field_name(title: str, position: int, taken: set[str]) -> str:
    name = re.sub(r"[^a-z0-9]+", "_", str(title).lower()).strip("_") or f"column_{position}"
    if name in taken:
        name = f"{name}_{position}"
    taken.add(name)
    return name


UNIT_NOTES = {
    "share": lambda: _("A share from 0 to 1."),
    "count": lambda: _("A count of people."),
    "number": lambda: _("A number."),
}


def numeric_table(table: Table, hidden=SUPPRESSED) -> tuple[list[dict], list[list]]:
    """The Table Schema fields and the rows of a (disclosed) table, numbers as numbers: a figure with an
    interval gives three columns (value, low, high); a hidden cell is `hidden` (the suppressed code in
    a file; the API passes its own marker and writes null); the row's base n closes each row."""
    fields, plan, taken = [], [], set()
    for column, title in enumerate(table.columns):
        kind = _column_kind(table, column)
        name = field_name(title, column + 1, taken)
        if kind is None:
            fields.append({"name": name, "type": "string", "title": str(title)})
            plan.append((column, None))
            continue
        _numeric, with_interval, unit = kind
        note = str(UNIT_NOTES.get(unit, UNIT_NOTES["number"])())
        fields.append({"name": name, "type": "number", "title": str(title), "description": note})
        parts = ["value"]
        if with_interval:
            for part, label in (("low", _("lower bound")), ("high", _("upper bound"))):
                fields.append(
                    {
                        "name": field_name(f"{name}_{part}", column + 1, taken),
                        "type": "number",
                        "title": f"{title}: {label}",
                        "description": note,
                    }
                )
            parts += ["low", "high"]
        plan.append((column, parts))
    fields.append(
        {
            "name": field_name("base_n", len(table.columns) + 1, taken),
            "type": "integer",
            "title": _("Base (n)"),
            "description": _("The people the row's figures rest on."),
        }
    )
    return fields, [_row(row, plan, hidden) for row in table.rows]


def _row(row, plan, suppressed) -> list:
    out, hidden = [], False
    for column, parts in plan:
        cell = row.cells[column] if column < len(row.cells) else ""
        if parts is None:
            out.append(str(cell))
            continue
        if not isinstance(cell, Figure):  # the rule hid it
            hidden = True
            out.extend([suppressed] * len(parts))
            continue
        out.extend(_value(getattr(cell, part)) for part in parts)
    base = row.base
    out.append(suppressed if hidden and base is not None else ("" if base is None else int(base)))
    return out


def _value(number: float | None):
    if number is None:
        return ""
    return int(number) if float(number).is_integer() else number
