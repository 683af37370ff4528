"""The rows of the survey sheet, each classified by its type: begin group, end group or a question.

Types are read with the spellings pyxform accepts: `select one from X`, `select all that apply X`,
`select1 X`, `begin_group`, `begin loop`... `select_one X or_other` becomes a select whose list
gains a choice named other, followed by the text question `NAME_other` (see survey.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from surveys.definition import METADATA_TYPES, QUESTION_TYPES
from surveys.xlsform.choices import Choices
from surveys.xlsform.problems import DEVICE, TYPE, FormProblem
from surveys.xlsform.sheets import Sheet


@dataclass
class SurveyRow:
    """A row of the survey sheet, with what its type makes it."""

    number: int
    cells: dict[str, str]
    kind: str  # "begin", "end", "question", "metadata", "skip" (no type and no name), or "" (refused)
    type: str = ""
    list_name: str | None = None
    or_other: bool = False

    @property
    def name(self) -> str:
        return self.cells.get("name", "")


SELECT_SPELLINGS = (  # longest first: the first that starts the type wins
    ("add select multiple prompt using", "select_multiple"),
    ("add select one prompt using", "select_one"),
    ("select all that apply from", "select_multiple"),
    ("select multiple using", "select_multiple"),
    ("select multiple from", "select_multiple"),
    ("select all that apply", "select_multiple"),
    ("select_multiple", "select_multiple"),
    ("select one using", "select_one"),
    ("select one from", "select_one"),
    ("select one", "select_one"),
    ("select_one", "select_one"),
    ("select1", "select_one"),
    ("rank", "rank"),
)
FROM_FILE = ("select_one_from_file", "select_multiple_from_file", "select one from file", "select multiple from file")
EXTERNAL = ("select_one_external", "select_multiple_external")
METADATA_ALIASES = {"imei": "deviceid", "get start time": "start", "get end time": "end", "get today": "today", "device id": "deviceid",
    "subscriber id": "subscriberid", "get phone number": "phonenumber", "sim id": "simserial", "get sim id": "simserial",
    # pyxform's `uri:` spellings: the same properties, preloaded as URIs
    **{f"uri:{name}": name for name in ("deviceid", "email", "phonenumber", "simserial", "subscriberid", "username")},
}  # fmt: skip
# pyxform's other names of our types
TYPE_ALIASES = {
    "string": "text",
    "q string": "text",
    "add text prompt": "text",
    "int": "integer",
    "q int": "integer",
    "add integer prompt": "integer",
    "q decimal": "decimal",
    "add decimal prompt": "decimal",
    "q date": "date",
    "add date prompt": "date",
    "q note": "note",
    "add note prompt": "note",
    "q time": "time",
    "add time prompt": "time",
    "dateTime": "datetime",
    "q datetime": "datetime",
    "add datetime prompt": "datetime",
    "add dateTime prompt": "datetime",
    "trigger": "acknowledge",
    "q acknowledge": "acknowledge",
    "add acknowledge prompt": "acknowledge",
    "gps": "geopoint",
    "location": "geopoint",
    "q location": "geopoint",
    "q geopoint": "geopoint",
    "add location prompt": "geopoint",
    "add geopoint prompt": "geopoint",
    "q range": "range",
}
OTHER_SPELLINGS = (["or_other"], ["or", "specify", "other"])
# Types that need a device sensor, file storage or choices from external files: refused for good.
DEVICE_TYPES = {
    "image", "photo", "audio", "video", "file", "barcode", "background-audio", "background-geopoint",
    "start-geopoint", "osm", "q picture", "q image", "q audio", "q video", "q barcode",
    "add image prompt", "add photo prompt", "add audio prompt", "add video prompt", "add file prompt",
    "add barcode prompt", *FROM_FILE, *EXTERNAL,
}  # fmt: skip
BEGIN = {"begin group", "begin_group"}
END = {"end group", "end_group"}
BEGIN_REPEAT = {"begin repeat", "begin_repeat", "begin loop", "begin_loop", "begin lgroup", "begin looped group"}
END_REPEAT = {"end repeat", "end_repeat", "end loop", "end_loop", "end lgroup", "end looped group"}


def _select(text: str) -> tuple[str, list[str]] | None:
    """(select type, the words after it) when `text` is a select's type."""
    if text.startswith(FROM_FILE + EXTERNAL):
        return None
    for spelling, select in SELECT_SPELLINGS:
        if text == spelling or text.startswith(spelling + " "):
            return select, text[len(spelling) :].split()
    return None


def _refused(sheet: Sheet, number: int, type_: str, message) -> FormProblem:
    return FormProblem(
        sheet.name, number, "type", message, kind=DEVICE if type_ in DEVICE_TYPES else TYPE, detail=type_
    )


def classify(
    sheet: Sheet, number: int, cells: dict[str, str], lists: Choices, problems: list[FormProblem]
) -> SurveyRow:
    text = " ".join(cells.get("type", "").split())
    lowered = text.lower()
    if lowered in BEGIN:
        return SurveyRow(number, cells, "begin")
    if lowered in END | END_REPEAT:
        return SurveyRow(number, cells, "end")
    if lowered in BEGIN_REPEAT:  # read into a Repeat
        return SurveyRow(number, cells, "begin", "repeat")
    if lowered.startswith("begin loop over "):  # a Repeat with one instance per choice of the list
        words = text.split()[3:]
        if len(words) != 1 or words[0] not in lists.lists:
            message = _l("there is no choice list '%(list)s' on the choices sheet", list=" ".join(words))
            problems.append(FormProblem(sheet.name, number, "type", message))
        return SurveyRow(number, cells, "begin", "repeat", list_name=words[0] if len(words) == 1 else None)
    if METADATA_ALIASES.get(text, text) in METADATA_TYPES:
        return SurveyRow(number, cells, "metadata", METADATA_ALIASES.get(text, text))
    select = _select(text)
    if not text and not cells.get("name"):  # pyxform skips a row without type or name
        return SurveyRow(number, cells, "skip")
    if not text:
        problems.append(FormProblem(sheet.name, number, "type", _l("the type is missing")))
    elif select is not None:
        return _select_row(sheet, number, cells, lists, problems, *select)
    elif TYPE_ALIASES.get(text, text) in QUESTION_TYPES:
        return SurveyRow(number, cells, "question", TYPE_ALIASES.get(text, text))
    else:
        problems.append(
            _refused(
                sheet,
                number,
                _type_of(text),
                _l(
                    "the type '%(type)s' is not supported; use one of %(types)s, begin group or end group",
                    type=text,
                    types=", ".join(QUESTION_TYPES),
                ),
            )
        )
    return SurveyRow(number, cells, "")


def _type_of(text: str) -> str:
    """The type a summary names: `select_one_from_file` of `select_one_from_file places.csv`."""
    for spelling in sorted(DEVICE_TYPES, key=len, reverse=True):
        if text == spelling or text.startswith(spelling + " "):
            return spelling
    first = text.split()[0]
    return first if first.islower() else text


def _select_row(sheet, number, cells, lists, problems, select: str, words: list[str]) -> SurveyRow:
    or_other = words[1:] in OTHER_SPELLINGS
    if not words or (len(words) > 1 and not or_other):
        problems.append(
            FormProblem(sheet.name, number, "type", _l("write %(type)s followed by one choice list name", type=select))
        )
        return SurveyRow(number, cells, "")
    if words[0] not in lists.lists:
        problems.append(
            FormProblem(
                sheet.name, number, "type", _l("there is no choice list '%(list)s' on the choices sheet", list=words[0])
            )
        )
    return SurveyRow(number, cells, "question", select, words[0], or_other)
