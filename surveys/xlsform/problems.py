"""Why a workbook was refused: every problem names its sheet, row and column."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FormProblem:
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
    def __init__(self, problems: list[FormProblem]):
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems
