"""The choices sheet: the choice lists, each choice named once and labelled in six languages."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from surveys.definition import Choice
from surveys.xlsform.problems import FormProblem
from surveys.xlsform.sheets import Sheet, six


@dataclass
class Choices:
    lists: dict[str, tuple[Choice, ...]]
    rows: dict[tuple[str, str], int]  # (list, name) -> row, for messages


def parse_choices(sheet: Sheet | None, problems: list[FormProblem]) -> Choices:
    lists: dict[str, list[Choice]] = {}
    rows: dict[tuple[str, str], int] = {}
    for number, cells in sheet.rows if sheet else ():
        list_name, name = cells.get("list_name", ""), cells.get("name", "")
        labels = six(sheet, number, cells, "label", problems)
        if not list_name:
            problems.append(FormProblem(sheet.name, number, "list_name", _l("the list name is missing")))
            continue
        if not name:
            problems.append(FormProblem(sheet.name, number, "name", _l("the choice name is missing")))
            continue
        if any(character.isspace() for character in name):
            problems.append(
                FormProblem(sheet.name, number, "name", _l("choice names cannot contain spaces: '%(name)s'", name=name))
            )
        if (list_name, name) in rows:
            problems.append(
                FormProblem(
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
    return Choices({name: tuple(items) for name, items in lists.items()}, rows)
