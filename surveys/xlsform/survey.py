"""The survey sheet: pages (groups), grids (table-list groups) and questions, with every check on them.

Expressions must parse and name questions of the form; profile questions must use the codes the
registry stores (surveys/xlsform/profiles.py); "other" choices need their text question on the next row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from flask_babel import lazy_gettext as _l

from surveys import expressions
from surveys.definition import (
    INDICATOR_GROUPS,
    NOT_ASKED,
    RECORDED_METADATA,
    Choice,
    Grid,
    Labels,
    Metadata,
    Page,
    Question,
    Repeat,
)
from surveys.loops import looped
from surveys.xlsform.choices import Choices
from surveys.xlsform.columns import (
    ANSWERED_TYPES,
    NAME,
    NAME_LENGTH,
    NO,
    OTHER_LABELS,
    SELECT_TYPES,
    SPECIFY_LABELS,
    YES,
    base_of,
    key,
)
from surveys.xlsform.cycles import Node, find_cycles
from surveys.xlsform.other_tools import read_bare_required_as_no, set_aside_foreign_indicator
from surveys.xlsform.problems import IGNORED, METADATA, RENAMED, FormProblem
from surveys.xlsform.profiles import check_profile
from surveys.xlsform.sheets import Sheet, flag, six
from surveys.xlsform.survey_rows import SurveyRow, classify

# Survey columns pyxform reads that the platform does not apply yet (see docs/xlsform.md).
NOT_YET = ("repeat_count",)
LEFT_ASIDE = ("parameters", "trigger")


def _both(first: str, second: str | None) -> str:
    """Two relevant conditions that must both hold."""
    return f"({first}) and ({second})" if second else first


def _normal(expression: str) -> str:
    return re.sub(r"\s+", "", expression).replace('"', "'")


def _specifies(relevant: str, select: str) -> bool:
    """Whether a relevant is "other is chosen in `select`", alone or after the condition of a group it was in
    (`(${adults} > 0) and (selected(${x}, 'other'))`, as a nested group's questions are written back; deeper
    groups nest it further: `(a) and ((b) and (selected(...)))`)."""
    wanted = _normal(f"selected(${{{select}}}, 'other')")
    written = _normal(relevant)
    return written == wanted or bool(re.fullmatch(r"\(.*\)and\(" + re.escape(wanted) + r"\)+", written))


@dataclass
class _Container:
    row: SurveyRow
    items: list = field(default_factory=list)
    grid: bool = False
    repeat: bool = False


class SurveyReader:
    """Reads the survey sheet into pages; every problem lands in `problems`."""

    def __init__(self, sheet: Sheet, choices: Choices, problems: list[FormProblem]):
        self.sheet, self.choices, self.problems = sheet, choices, problems
        set_aside_foreign_indicator(sheet, problems)
        read_bare_required_as_no(sheet, problems)
        rows = [classify(sheet, number, cells, choices, problems) for number, cells in sheet.rows]
        self.rows = self._with_others([row for row in rows if row.kind != "skip"])
        self.renamed: dict[str, int] = {}  # a name used in two groups -> the row of its first use
        self.names = self._names()
        # A refused row keeps its name, so that references to it are not reported as well.
        named = {row.name for row in self.rows if (row.kind in ("question", "metadata", "") or row.type == "repeat")}
        self.question_names = named - {"", None}  # a repeat's name too: `count(${member})` counts its instances
        self.metadata: list[Metadata] = []
        self.other_of = self._others()
        self.profiles: dict[str, int] = {}
        self.nodes: list[Node] = []

    def problem(self, row: SurveyRow, column: str, message) -> None:
        self.problems.append(FormProblem(self.sheet.name, row.number, column, message))

    def _with_others(self, rows: list[SurveyRow]) -> list[SurveyRow]:
        """`select_one X or_other`: the list X with a choice other, and the text question NAME_other after it."""
        found: list[SurveyRow] = []
        for row in rows:
            found.append(row)
            if not row.or_other or row.list_name not in self.choices.lists:
                continue
            listed = self.choices.lists[row.list_name]
            if not any(choice.name == "other" for choice in listed):
                row.list_name = f"{row.list_name}_or_other"
                self.choices.lists[row.list_name] = (*listed, Choice(name="other", labels=dict(OTHER_LABELS)))
            cells = {
                "type": "text",
                "name": f"{row.name}_other",
                "relevant": f"selected(${{{row.name}}}, 'other')",
                # in the languages of the select's own label, so that the form reads back the same when written
                **{key("label", code): SPECIFY_LABELS[code] for code in self.sheet.texts(row.cells, "label")},
            }
            found.append(SurveyRow(row.number, cells, "question", "text"))
        return found

    def _names(self) -> dict[str, int]:
        """Each name once. As pyxform, a name may come again in another group (its path differs); answers
        are kept by name, so the later one is stored as GROUP_NAME, with a warning."""
        seen: dict[str, tuple[int, tuple[str, ...]]] = {}
        groups: list[str] = []
        for row in self.rows:
            if row.kind == "end":
                groups[-1:] = []
                continue
            if row.kind == "":
                continue
            if not row.name and row.type == "note":  # as pyxform names a note without one
                row.cells["name"] = f"generated_note_name_{row.number}"
            if not row.name:
                self.problem(row, "name", _l("the name is missing"))
            elif not NAME.match(row.name):
                self.problem(
                    row,
                    "name",
                    _l(
                        "'%(name)s' is not a valid name: use letters, digits and _ and start with a letter",
                        name=row.name,
                    ),
                )
            elif row.name in seen and not self._renamed(row, seen, tuple(groups)):
                self.problem(
                    row,
                    "name",
                    _l("the name '%(name)s' is already used on row %(row)s", name=row.name, row=seen[row.name][0]),
                )
            else:
                seen[row.name] = (row.number, tuple(groups))
            if row.kind == "begin":
                groups.append(row.name)
        return {name: number for name, (number, _) in seen.items()}

    def _renamed(self, row: SurveyRow, seen: dict[str, tuple[int, tuple[str, ...]]], groups: tuple[str, ...]) -> bool:
        """Whether a name already used elsewhere could be stored as GROUP_NAME (pyxform allows it in another group)."""
        name = row.name
        renamed = f"{groups[-1]}_{name}" if groups else ""
        if not groups or seen[name][1] == groups or renamed in seen or len(renamed) > NAME_LENGTH:
            return False
        row.cells["name"] = renamed
        self.renamed[name] = seen[name][0]
        self.problems.append(
            FormProblem(
                self.sheet.name,
                row.number,
                "name",
                _l("stored as %(name)s", name=renamed),
                RENAMED,
                f"{name} → {renamed}",
            )
        )
        return True

    def _others(self) -> dict[str, str]:
        """text question name -> the select it specifies "other" for: the text question right after a select
        with a choice named other, relevant when other is chosen (the shape `or_other` gives)."""
        found: dict[str, str] = {}
        for index, row in enumerate(self.rows[:-1]):
            choices = self.choices.lists.get(row.list_name or "", ())
            following = self.rows[index + 1]
            if (
                any(choice.name == "other" for choice in choices)
                and following.type == "text"
                and _specifies(following.cells.get("relevant", ""), row.name)
            ):
                found[following.name] = row.name
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
            if row.kind in ("begin", "question", "") and row.name:
                self.nodes.append(Node(row.name, row.number, row.cells, tuple(c.row.name for c in stack)))
            if row.kind == "begin":
                if not stack:
                    close_loose()
                self._begin(row, stack)
            elif row.kind == "end":
                if not stack:
                    self.problem(row, "type", _l("end group without a begin group"))
                    continue
                container = stack.pop()
                if container.repeat:
                    self._close_repeat(container, stack, pages)
                elif stack:
                    stack[-1].items.extend(self._nested(container))
                else:
                    labels = six(self.sheet, container.row.number, container.row.cells, "label", [])
                    pages.append(
                        self._page(
                            container.row.name, labels, container.row.cells.get("relevant") or None, container.items
                        )
                    )
            elif row.kind == "metadata":
                self._metadata(row)
            elif row.kind == "question":
                question = self._question(row)
                (stack[-1].items if stack else loose).append(question)
        close_loose()
        for container in stack:
            self.problem(container.row, "type", _l("the group %(name)s has no end group", name=container.row.name))
        self._cycles()
        return pages

    def _begin(self, row: SurveyRow, stack: list[_Container]) -> None:
        """A group: a page at the top level, a grid (table-list) or a group whose questions join its page."""
        grid = bool(stack) and row.type != "repeat" and "table-list" in row.cells.get("appearance", "").split()
        if stack and stack[-1].grid:
            self.problem(
                row,
                "type",
                _l(
                    "a group inside a page must be a grid (appearance table-list); other nested groups are not supported"
                ),
            )
        self._check_common(row, question=False)
        stack.append(_Container(row, grid=grid, repeat=row.type == "repeat"))

    def _close_repeat(self, container: _Container, stack: list[_Container], pages: list[Page]) -> None:
        """A repeat joins the group holding it (its questions are not the page's: they are asked per instance);
        at the top level it is a page of its own, without a title of its own, as loose questions are."""
        row = container.row
        over = row.list_name if row.list_name in self.choices.lists else None
        repeat = Repeat(
            name=row.name,
            labels=six(self.sheet, row.number, row.cells, "label", []),
            items=tuple(container.items),
            relevant=row.cells.get("relevant") or None,
            # a loop asks one instance per choice, whatever a repeat_count column says
            count=str(len(looped(self.choices.lists[over]))) if over else self._expression(row, "repeat_count"),
            row=row.number,
            over=over,
        )
        if stack:
            stack[-1].items.append(repeat)
        else:
            pages.append(self._page(f"_page{len(pages) + 1}", {}, None, [repeat]))

    def _nested(self, container: _Container) -> list:
        """What a group inside a page adds to it: a grid, or its questions, each also relevant when the
        group is (pages stay the top-level groups; the group's own label is not shown)."""
        if container.grid:
            return [self._grid(container)]
        condition = container.row.cells.get("relevant") or None
        if not condition:
            return list(container.items)
        return [replace(item, relevant=_both(condition, item.relevant)) for item in container.items]

    def _metadata(self, row: SurveyRow) -> None:
        self.metadata.append(Metadata(name=row.name, type=row.type, row=row.number))
        if row.type not in RECORDED_METADATA:  # start, end and today are recorded on submission
            self.problems.append(
                FormProblem(self.sheet.name, row.number, "type", _l("not recorded on the web"), METADATA, row.type)
            )

    def _cycles(self) -> None:
        for members, column in find_cycles(self.nodes):
            names = " → ".join(f"{node.name} (row {node.row})" for node in [*members, members[0]])
            self.problems.append(
                FormProblem(
                    self.sheet.name,
                    members[0].row,
                    column,
                    _l(
                        "these questions depend on each other, so the form could never be completed: %(names)s",
                        names=names,
                    ),
                )
            )

    def _page(self, name: str, labels: Labels, relevant: str | None, items: list) -> Page:
        questions = [
            q
            for item in items
            if not isinstance(item, Repeat)
            for q in (item.questions if isinstance(item, Grid) else (item,))
            if q.type not in NOT_ASKED
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
        labels = six(self.sheet, row.number, row.cells, "label", [])
        return Grid(
            name=row.name,
            labels=labels,
            list_name=list_name or "",
            questions=tuple(questions),
            relevant=row.cells.get("relevant") or None,
        )

    def _row_of(self, question: Question) -> SurveyRow:
        return next(row for row in self.rows if row.number == question.row)

    def _check_columns(self, row: SurveyRow) -> None:
        """Columns pyxform reads that the platform does not apply yet: refused where they change what is
        asked or stored, noted where the form works without them."""
        for column in NOT_YET:
            if row.cells.get(column) and row.type != "repeat":
                self.problem(row, column, _l("the column %(column)s is not supported yet", column=column))
        for column in LEFT_ASIDE:
            if row.cells.get(column) and not (column == "parameters" and row.type == "range"):
                self.problems.append(
                    FormProblem(
                        self.sheet.name,
                        row.number,
                        column,
                        _l("this column is left aside"),
                        kind=IGNORED,
                        detail=column,
                    )
                )

    def _check_common(self, row: SurveyRow, *, question: bool) -> Labels:
        """Checks that groups and questions share; returns the labels."""
        cells = row.cells
        self._check_columns(row)
        # a calculate is never shown: pyxform lets it go without a label
        labels = six(self.sheet, row.number, cells, "label", self.problems, required=row.type != "calculate")
        self._expression(row, "relevant")
        if not question or row.type == "note":
            for column in ("required", "constraint", "indicator", "profile", "pii", "quasi", "base"):
                if cells.get(column) and cells[column].casefold() not in NO:
                    self.problems.append(
                        FormProblem(
                            self.sheet.name,
                            row.number,
                            column,
                            _l("only a question that takes an answer can have %(column)s", column=column),
                            # pyxform accepts these two on a note or a group, where they mean nothing
                            kind=IGNORED if column in ("required", "constraint") else "",
                            detail=f"{column} ({row.type or 'group'})",
                        )
                    )
        return labels

    def _expression(self, row: SurveyRow, column: str) -> str | None:
        text = row.cells.get(column, "")
        if not text:
            return None
        try:
            parsed = expressions.parse(text, choice_columns=column == "choice_filter")
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
            if reference in self.renamed:  # pyxform refuses it too
                self.problem(
                    row,
                    column,
                    _l(
                        "${%(name)s} could be any of the questions of that name (the first on row %(row)s): "
                        "give them different names",
                        name=reference,
                        row=self.renamed[reference],
                    ),
                )
            elif reference not in self.question_names:
                self.problem(row, column, _l("${%(name)s} does not name a question of this form", name=reference))
        if parsed.columns and row.list_name:  # the choice_filter's columns of the choices sheet
            self.choices.with_columns(row.list_name, set(parsed.columns) - {"name"})
        if column == "relevant" and parsed.uses_current:
            self.problem(row, column, _l("'.' (the current answer) can only be used in a constraint"))
        return text

    def _question(self, row: SurveyRow) -> Question:
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
            check_profile(
                self.sheet.name, row, profile, asked=self.profiles, choices=self.choices, problems=self.problems
            )
        # pyxform takes an expression in `required` too (`${adults} > 0`): required when it holds
        required_cell = cells.get("required", "")
        expression = answered and required_cell.casefold() not in YES | NO
        required_when = self._expression(row, "required") if expression else None
        base, wrong = base_of(cells, row.type)
        if wrong is not None:
            self.problem(row, "base", wrong)
        return Question(
            name=row.name,
            type=row.type,
            labels=labels,
            hints=six(self.sheet, row.number, cells, "hint", self.problems, required=False),
            list_name=row.list_name,
            required=answered and not required_when and flag(self.sheet, row.number, cells, "required", self.problems),
            required_when=required_when,
            relevant=cells.get("relevant") or None,
            constraint=self._expression(row, "constraint") if answered else None,
            constraint_messages=six(self.sheet, row.number, cells, "constraint_message", self.problems, required=False),
            required_messages=six(self.sheet, row.number, cells, "required_message", self.problems, required=False),
            appearance=cells.get("appearance", ""),
            other_of=self.other_of.get(row.name),
            pii=answered and flag(self.sheet, row.number, cells, "pii", self.problems),
            quasi=answered and flag(self.sheet, row.number, cells, "quasi", self.problems),
            indicator=indicator if answered else None,
            profile=profile if answered else None,
            row=row.number,
            base=base,
            calculation=self._calculation(row),
            default=(cells.get("default") or None) if answered else None,
            choice_filter=self._expression(row, "choice_filter") if row.list_name else None,
            parameters=" ".join(cells.get("parameters", "").split()) if row.type == "range" else "",
            read_only=answered and flag(self.sheet, row.number, cells, "read_only", self.problems),
        )

    def _calculation(self, row: SurveyRow) -> str | None:
        """A calculate's expression (pyxform itself refuses one without); on another question, left aside."""
        if row.type == "calculate":
            return self._expression(row, "calculation")
        if row.cells.get("calculation"):
            self.problems.append(
                FormProblem(
                    self.sheet.name, row.number, "calculation", _l("this column is left aside"), IGNORED, "calculation"
                )
            )
        return None
