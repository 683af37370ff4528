"""The `indicator` column of another tool: set aside rather than refused.

The platform's `indicator` column names the indicator group a question feeds (INDICATOR_GROUPS).
Other tools use a column of the same name for their own words: REACH's MSNA tool writes the indicator
a question measures ("% of households by household size"). A column none of whose values is one of
our groups is such a column: it is left aside with a warning. A column holding some of our groups is
ours, and a value that is not a group is a typo the survey reader refuses.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from surveys.definition import INDICATOR_GROUPS
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
