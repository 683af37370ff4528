"""The choices sheet: the choice lists, each choice named once and labelled in six languages."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from flask_babel import lazy_gettext as _l

from surveys.definition import Choice
from surveys.xlsform.problems import IGNORED, FormProblem
from surveys.xlsform.sheets import Sheet, six


@dataclass
class Choices:
    lists: dict[str, tuple[Choice, ...]]
    rows: dict[tuple[str, str], int]  # (list, name) -> row, for messages
    cells: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # each list's rows, as lists holds them

    def with_columns(self, list_name: str, columns: set[str]) -> None:
        """Keep `columns` of the sheet on each choice of the list: a choice_filter reads them."""
        if list_name not in self.lists:
            return
        self.lists[list_name] = tuple(
            replace(choice, columns={**choice.columns, **{c: cells.get(c, "") for c in sorted(columns)}})
            for choice, cells in zip(self.lists[list_name], self.cells.get(list_name, ()))
        )


def parse_choices(sheet: Sheet | None, problems: list[FormProblem]) -> Choices:
    """The lists. A name with a space is left to pyxform too: it allows one in a select_one's list and
    refuses it in a select_multiple's, whose answer is the names separated by spaces.
    A name twice in a list is left to pyxform, which refuses it unless the settings say
    `allow_choice_duplicates` (cascading lists: `king` county in two states); both are kept."""
    lists: dict[str, list[Choice]] = {}
    rows: dict[tuple[str, str], int] = {}
    cells_of: dict[str, list[dict[str, str]]] = {}
    for number, cells in sheet.rows if sheet else ():
        list_name, name = cells.get("list_name", ""), cells.get("name", "")
        if not list_name:  # as pyxform, which reads a choice only under its list
            problems.append(
                FormProblem(
                    sheet.name,
                    number,
                    "list_name",
                    _l("this row has no list name: it belongs to no list and is left aside, as pyxform does"),
                    IGNORED,
                    f"{sheet.name} row {number}",
                )
            )
            continue
        labels = six(sheet, number, cells, "label", problems)
        if not name:
            problems.append(FormProblem(sheet.name, number, "name", _l("the choice name is missing")))
            continue
        rows.setdefault((list_name, name), number)
        lists.setdefault(list_name, []).append(Choice(name=name, labels=labels))
        cells_of.setdefault(list_name, []).append(cells)
    return Choices({name: tuple(items) for name, items in lists.items()}, rows, cells_of)
