"""The rows of the survey sheet, each classified by its type: begin group, end group or a question."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from surveys.definition import QUESTION_TYPES
from surveys.xlsform.choices import Choices
from surveys.xlsform.columns import SELECT_TYPES
from surveys.xlsform.problems import FormProblem
from surveys.xlsform.sheets import Sheet


@dataclass
class SurveyRow:
    """A row of the survey sheet, with what its type makes it."""

    number: int
    cells: dict[str, str]
    kind: str  # "begin", "end", "question", or "" (refused)
    type: str = ""
    list_name: str | None = None

    @property
    def name(self) -> str:
        return self.cells.get("name", "")


BEGIN = {"begin group", "begin_group"}
END = {"end group", "end_group"}


def classify(
    sheet: Sheet, number: int, cells: dict[str, str], lists: Choices, problems: list[FormProblem]
) -> SurveyRow:
    words = cells.get("type", "").split()
    text = " ".join(words)
    if text in BEGIN:
        return SurveyRow(number, cells, "begin")
    if text in END:
        return SurveyRow(number, cells, "end")
    if not words:
        problems.append(FormProblem(sheet.name, number, "type", _l("the type is missing")))
    elif words[0] in SELECT_TYPES:
        if len(words) == 2:
            if words[1] not in lists.lists:
                problems.append(
                    FormProblem(
                        sheet.name,
                        number,
                        "type",
                        _l("there is no choice list '%(list)s' on the choices sheet", list=words[1]),
                    )
                )
            return SurveyRow(number, cells, "question", words[0], words[1])
        if len(words) == 3 and words[2] == "or_other":
            problems.append(
                FormProblem(
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
                FormProblem(
                    sheet.name, number, "type", _l("write %(type)s followed by one choice list name", type=words[0])
                )
            )
    elif len(words) == 1 and words[0] in QUESTION_TYPES:
        return SurveyRow(number, cells, "question", words[0])
    elif "repeat" in text:
        problems.append(FormProblem(sheet.name, number, "type", _l("repeats are not supported")))
    else:
        problems.append(
            FormProblem(
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
    return SurveyRow(number, cells, "")
