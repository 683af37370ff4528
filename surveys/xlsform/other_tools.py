"""Cells other tools write and pyxform passes on, read the way ODK reads them rather than refused.

The `indicator` column of another tool is set aside. The platform's `indicator` column names the indicator group a question feeds (INDICATOR_GROUPS).
Other tools use a column of the same name for their own words: REACH's MSNA tool writes the indicator
a question measures ("% of households by household size"). A column none of whose values is one of
our groups is such a column: it is left aside with a warning. A column holding some of our groups is
ours, and a value that is not a group is a typo the survey reader refuses.

A `required` cell holding a bare word that is not yes or no (REACH's MSNA tool writes `T`) is, to
pyxform, an XPath expression it copies unchecked: a path to a child element the form does not have,
an empty node-set that ODK Collect and Enketo read as false. It is read as no, with a warning, so
the question is as optional as it was in the field.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from surveys.definition import INDICATOR_GROUPS
from surveys.xlsform.columns import NAME, NO, YES
from surveys.xlsform.problems import IGNORED, FormProblem
from surveys.xlsform.sheets import Sheet

COLUMN = "indicator"


def set_aside_foreign_indicator(sheet: Sheet, problems: list[FormProblem]) -> None:
    """Drop the survey sheet's `indicator` cells when none of them names one of our groups."""
    values = {cells[COLUMN].casefold() for _, cells in sheet.rows if cells.get(COLUMN)}
    if not values or values & set(INDICATOR_GROUPS):
        return
    for _, cells in sheet.rows:
        cells.pop(COLUMN, None)
    header = sheet.written.get(COLUMN, COLUMN)
    problems.append(
        FormProblem(
            sheet.name,
            1,
            header,
            _l(
                "this column holds none of the indicator groups (%(groups)s): it is read as another tool's "
                "column and left aside",
                groups=", ".join(INDICATOR_GROUPS),
            ),
            kind=IGNORED,
            detail=header,
        )
    )


def read_bare_required_as_no(sheet: Sheet, problems: list[FormProblem]) -> None:
    """Drop `required` cells that are a bare XPath name (`T`), which ODK reads as false, warning on each row."""
    for number, cells in sheet.rows:
        value = cells.get("required", "")
        if value.casefold() in YES | NO or not NAME.match(value):
            continue
        del cells["required"]
        problems.append(
            FormProblem(
                sheet.name,
                number,
                sheet.written.get("required", "required"),
                _l(
                    "'%(value)s' is a path to no element of the form, which ODK reads as false: the question is "
                    "not required (write yes to require it)",
                    value=value,
                ),
                kind=IGNORED,
                detail=f"required ({value})",
            )
        )
