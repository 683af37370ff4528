"""Reading XLSForm workbooks into definitions, refusing what we do not support, and writing them back."""

from __future__ import annotations

import pytest

from surveys.definition import Grid, definition_hash
from surveys.xlsform.problems import XLSFormError
from surveys.xlsform.reading import parse_xlsform
from surveys.xlsform.writing import definition_to_xlsform
from tests.factories import make_definition, six
from tests.surveys.xlsform_builder import choices, col, end, q, settings, valid_form, workbook


def survey_row(survey: list[dict], name: str) -> int:
    """The sheet row of the survey row named `name` (row 1 is the header)."""
    return next(index for index, row in enumerate(survey) if row.get("name") == name) + 2


def problems_of(data: bytes) -> list[tuple[str, int, str, str]]:
    with pytest.raises(XLSFormError) as caught:
        parse_xlsform(data)
    return [(p.sheet, p.row, p.column, p.text) for p in caught.value.problems]


def test_a_valid_form_becomes_pages_of_questions_in_six_languages():
    survey, choice_rows, setting = valid_form()
    definition = parse_xlsform(workbook(survey, choice_rows, setting))

    assert definition.form_id == "test_form"
    assert definition.titles == six("Test form")
    assert definition.default_language == "en"
    # Loose top-level questions form one page; each top-level group is a page.
    assert [page.name for page in definition.pages] == ["_page1", "about", "views"]
    profile_page, about, views = definition.pages
    assert profile_page.profile and not about.profile and not views.profile
    assert [q.profile for q in profile_page.items] == ["country", "gender"]
    assert about.labels == six("About you")
    assert views.relevant == "${engaged} = 'yes'"

    roles = definition.question("roles")
    assert (roles.type, roles.list_name, roles.required, roles.indicator) == (
        "select_multiple",
        "roles",
        True,
        "participation",
    )
    assert roles.hints == six("Pick all that apply")
    assert definition.question("roles_other").other_of == "roles"
    years = definition.question("years")
    assert years.constraint == ". >= 0 and . <= 60"
    assert years.constraint_messages == six("Between 0 and 60")
    assert definition.question("email").pii and not definition.question("email").quasi
    assert definition.question("country").quasi
    assert definition.question("years").row == survey_row(survey, "years")

    grid = views.items[0]
    assert isinstance(grid, Grid)
    assert (grid.name, grid.list_name, grid.labels) == ("clarity", "agree", six("How far do you agree?"))
    assert [(q.name, q.indicator) for q in grid.questions] == [
        ("clear_how", "commitment"),
        ("transparent", "communication"),
    ]
    assert [item.name for item in views.items[1:]] == ["when", "share", "thanks"]
    assert definition.choice_names("agree") == ["1", "2", "3", "4", "5"]
    assert definition.choices["roles"][-1].labels == six("Other")


def test_writing_a_definition_and_reading_it_back_gives_the_same_definition():
    definition = parse_xlsform(workbook(*valid_form()))

    again = parse_xlsform(definition_to_xlsform(definition))

    assert again == definition
    assert definition_hash(again) == definition_hash(definition)


def test_the_hash_changes_with_the_content_and_only_with_it():
    survey, choice_rows, setting = valid_form()
    first = parse_xlsform(workbook(survey, choice_rows, setting))
    survey[survey_row(survey, "years") - 2][col("label", "fr")] = "Années d'engagement"
    changed = parse_xlsform(workbook(survey, choice_rows, setting))

    assert definition_hash(parse_xlsform(workbook(*valid_form()))) == definition_hash(first)
    assert definition_hash(changed) != definition_hash(first)


def test_blank_rows_are_skipped_but_rows_keep_their_sheet_numbers():
    survey, choice_rows, setting = valid_form()
    survey.insert(0, None)

    definition = parse_xlsform(workbook(survey, choice_rows, setting))

    assert definition.question("country").row == 3
    assert parse_xlsform(definition_to_xlsform(definition)) == definition


def test_a_definition_written_as_a_workbook_includes_grids_and_loose_questions():
    definition = make_definition(pages=None)
    data = definition_to_xlsform(definition)

    again = parse_xlsform(data)

    assert [q.name for q in again.questions()] == [q.name for q in definition.questions()]
    assert again.question("roles_other").other_of == "roles"
    assert isinstance(again.pages[1].items[0], Grid)


# --- rejections ---------------------------------------------------------------------------------


def with_row(row_name: str, /, **changes):
    """A change to the valid form: the survey row `row_name` updated (None deletes a column)."""

    def change(survey, choice_rows, setting):
        row = survey[survey_row(survey, row_name) - 2]
        for key, value in changes.items():
            if value is None:
                row.pop(key, None)
            else:
                row[key] = value

    return change


def appended(*rows):
    def change(survey, choice_rows, setting):
        survey[-1:-1] = rows  # inside the last page, before its end group

    return change


def drop_choice_label(list_name: str, name: str, code: str):
    def change(survey, choice_rows, setting):
        row = next(r for r in choice_rows if r["list_name"] == list_name and r["name"] == name)
        del row[col("label", code)]

    return change


def choice_rows_row(choice_rows, list_name, name) -> int:
    return next(i for i, r in enumerate(choice_rows) if r["list_name"] == list_name and r["name"] == name) + 2


# Each case: a change to the valid form -> (sheet, row name or number, column, words of the reason).
LAST = 19  # row of the last end group in valid_form(); appended rows start here
REJECTIONS = {
    "unsupported type": (appended(q("xml-external", "total", "Total")), ("survey", LAST, "type", "not supported")),
    "column not supported yet": (
        appended(q("text", "nick", "Nickname", repeat_count="2")),
        ("survey", LAST, "repeat_count", "not supported yet"),
    ),
    "misspelled column": (
        with_row("email", relevent="${engaged} = 'yes'"),
        ("survey", "email", "relevent", "rename relevent to relevant"),
    ),
    "rank of no list": (
        appended(q("rank ranks", "score", "Score")),
        ("survey", LAST, "type", "there is no choice list 'ranks'"),
    ),
    "unknown reference in relevant": (
        with_row("email", relevant="${engagd} = 'yes'"),
        ("survey", "email", "relevant", "${engagd} does not name a question"),
    ),
    "unknown reference in constraint": (
        with_row("share", constraint=". <= ${total}"),
        ("survey", "share", "constraint", "${total} does not name a question"),
    ),
    "reference to a group": (
        with_row("share", relevant="${about} = 'x'"),
        ("survey", "share", "relevant", "${about} does not name a question"),
    ),
    "expression that does not parse": (
        with_row("email", relevant="${engaged} = "),
        ("survey", "email", "relevant", "cannot read the expression"),
    ),
    "current answer in relevant": (
        with_row("email", relevant=". = 'x'"),
        ("survey", "email", "relevant", "only be used in a constraint"),
    ),
    "unknown choice list": (
        with_row("engaged", type="select_one yesno"),
        ("survey", "engaged", "type", "no choice list 'yesno'"),
    ),
    "duplicate name": (
        appended(q("text", "share", "Share again")),
        ("survey", LAST, "name", "'share' is already used on row 17"),
    ),
    "a name in two groups that an expression reads": (
        appended(q("text", "years", "Years again"), q("text", "why", "Why?", relevant="${years} > 1")),
        ("survey", LAST + 1, "relevant", "${years} could be any of the questions of that name (the first on row 7)"),
    ),
    "invalid name": (with_row("email", name="e mail"), ("survey", "email", "name", "not a valid name")),
    "duplicate choice": (
        lambda s, c, st: c.append(choices("yes_no", "no")[0]),
        # left to pyxform, which allows it only with the setting allow_choice_duplicates (cascading lists)
        ("choices", 20, "", "Choice names must be unique"),
    ),
    "grid mixing lists": (
        with_row("transparent", type="select_one yes_no"),
        ("survey", "transparent", "type", "like its first row (row 13)"),
    ),
    "grid with a text question": (
        with_row("transparent", type="text"),
        ("survey", "transparent", "type", "only select_one or select_multiple"),
    ),
    "bad indicator": (
        with_row("years", indicator="engagement"),
        ("survey", "years", "indicator", "'engagement' is not an indicator group"),
    ),
    "bad profile": (with_row("email", profile="email"), ("survey", "email", "profile", "not a profile field")),
    "profile asked twice": (
        with_row("email", profile="gender", type="select_one gender"),
        ("survey", "email", "profile", "already asked on row 3"),
    ),
    "profile choice not a registry code": (
        lambda s, c, st: c.insert(1, choices("country", "XX")[0]),
        ("choices", 3, "name", "'XX' is not a country code"),
    ),
    "profile question not select_one": (
        with_row("gender", type="text"),
        ("survey", "gender", "type", "must be select_one"),
    ),
    "required that is neither yes, no nor an expression": (  # an expression is pyxform's too
        with_row("years", required="maybe or"),
        ("survey", "years", "required", "cannot read the expression"),
    ),
    "indicator on a note": (
        with_row("thanks", indicator="commitment"),
        ("survey", "thanks", "indicator", "only a question that takes an answer"),
    ),
    "unclosed group": (lambda s, c, st: s.pop(), ("survey", "views", "type", "has no end group")),
    "end group without begin": (
        lambda s, c, st: s.append(end()),
        ("survey", LAST + 1, "type", "end group without a begin group"),
    ),
    "name reserved by XLSForm (pyxform)": (appended(q("text", "meta", "Meta")), ("survey", LAST, "", "reserved")),
}


@pytest.mark.parametrize("case", list(REJECTIONS))
def test_each_unsupported_or_incomplete_form_is_refused_with_sheet_row_column_and_reason(case):
    change, (sheet, where, column, words) = REJECTIONS[case]
    survey, choice_rows, setting = valid_form()
    change(survey, choice_rows, setting)
    if isinstance(where, str):
        where = survey_row(valid_form()[0], where)
    elif isinstance(where, tuple):
        where = choice_rows_row(choice_rows, *where)

    found = problems_of(workbook(survey, choice_rows, setting))

    matching = [p for p in found if p[:3] == (sheet, where, column) and words in p[3]]
    assert matching, found


# Each case: a change to the valid form -> (sheet, row name or number, column, words) of a warning: the
# form is accepted (texts are translated on the platform; the six languages are required at publication).
WARNINGS = {
    "label missing a language": (
        with_row("years", **{col("label", "fr"): None}),
        ("survey", "years", col("label", "fr"), "missing in Français"),
    ),
    "empty label cell": (
        with_row("about", **{col("label", "zh"): ""}),
        ("survey", "about", col("label", "zh"), "missing in 中文"),
    ),
    "hint missing a language": (
        with_row("roles", **{col("hint", "ar"): None}),
        ("survey", "roles", col("hint", "ar"), "hint is missing in العربية"),
    ),
    "constraint message missing a language": (
        with_row("years", **{col("constraint_message", "ru"): None}),
        ("survey", "years", col("constraint_message", "ru"), "constraint message is missing in Русский"),
    ),
    "choice label missing a language": (
        drop_choice_label("agree", "3", "es"),
        ("choices", ("agree", "3"), col("label", "es"), "missing in Español"),
    ),
    "title missing a language": (
        lambda s, c, st: st.pop(col("form_title", "fr")),
        ("settings", 2, col("form_title", "fr"), "form title is missing in Français"),
    ),
    "language that is not one of the six": (
        with_row("email", **{"label::Deutsch (de)": "E-Mail"}),
        ("survey", 1, "label::Deutsch (de)", "left aside"),
    ),
    "constraint on a note": (with_row("thanks", constraint=". > 1"), ("survey", "thanks", "constraint", "only a")),
    "column of another tool": (with_row("email", enumerator_note="x"), ("survey", 1, "enumerator_note", "left aside")),
    "trigger": (with_row("years", trigger="${engaged}"), ("survey", "years", "trigger", "left aside")),
}


@pytest.mark.parametrize("case", list(WARNINGS))
def test_missing_translations_and_columns_left_aside_are_warnings_not_refusals(case):
    change, (sheet, where, column, words) = WARNINGS[case]
    survey, choice_rows, setting = valid_form()
    change(survey, choice_rows, setting)
    if isinstance(where, str):
        where = survey_row(valid_form()[0], where)
    elif isinstance(where, tuple):
        where = choice_rows_row(choice_rows, *where)
    warnings = []

    parse_xlsform(workbook(survey, choice_rows, setting), warnings=warnings)

    found = [(p.sheet, p.row, p.column, p.text) for p in warnings]
    assert [p for p in found if p[:3] == (sheet, where, column) and words in p[3]], found
    assert all(p.warning for p in warnings)


def test_every_problem_is_reported_at_once():
    survey, choice_rows, setting = valid_form()
    with_row("years", indicator="engagement", **{col("label", "ar"): None})(survey, choice_rows, setting)
    with_row("email", relevant="${nobody} = 1")(survey, choice_rows, setting)
    drop_choice_label("yes_no", "no", "zh")(survey, choice_rows, setting)

    with pytest.raises(XLSFormError) as caught:
        parse_xlsform(workbook(survey, choice_rows, setting))

    assert {(p.sheet, p.row, p.column) for p in caught.value.problems} == {
        ("survey", 7, "indicator"),
        ("survey", 9, "relevant"),
    }
    assert {(p.sheet, p.row, p.column) for p in caught.value.warnings} == {
        ("survey", 7, col("label", "ar")),
        ("choices", 14, col("label", "zh")),
    }


def test_a_file_that_is_not_a_workbook_is_refused():
    assert problems_of(b"type,name\ntext,x\n")[0][3].startswith("this is not a readable .xlsx workbook")
    with pytest.raises(XLSFormError) as caught:
        parse_xlsform(workbook(*valid_form()), "form.xls")
    assert ".xlsx" in caught.value.problems[0].text


def test_a_workbook_without_a_survey_sheet_is_refused():
    from io import BytesIO

    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "questions"
    out = BytesIO()
    book.save(out)

    assert problems_of(out.getvalue()) == [("survey", 0, "", "the workbook has no sheet named survey")]


def test_hints_may_be_left_out_entirely_but_not_in_some_languages_only():
    survey, choice_rows, setting = valid_form()
    for code in ("ar", "en", "es", "fr", "ru", "zh"):
        survey[survey_row(survey, "roles") - 2].pop(col("hint", code))

    assert parse_xlsform(workbook(survey, choice_rows, setting)).question("roles").hints == {}


def test_a_select_multiple_grid_and_a_shared_likert_list_are_accepted():
    survey, choice_rows, setting = valid_form()
    survey[-1:-1] = [q("select_one agree", "useful", "Products are useful")]
    for name in ("clear_how", "transparent"):
        survey[survey_row(survey, name) - 2]["type"] = "select_multiple roles"
    choice_rows[:] = [r for r in choice_rows if r["list_name"] != "roles" or r["name"] != "other"]
    survey[:] = [r for r in survey if r.get("name") != "roles_other"]

    definition = parse_xlsform(workbook(survey, choice_rows, setting))

    assert definition.pages[2].items[0].list_name == "roles"
    assert definition.question("useful").list_name == "agree"


def test_settings_may_name_another_default_language():
    survey, choice_rows, _ = valid_form()
    setting = settings()
    setting["default_language"] = "Français (fr)"

    assert parse_xlsform(workbook(survey, choice_rows, setting)).default_language == "fr"


def test_choice_names_and_labels_are_normalised_when_read():
    survey, choice_rows, setting = valid_form()
    for choice in choice_rows:
        if choice["name"] == "yes":
            choice["name"] = "yes\u00a0"
            choice[col("label", "fr")] = "Oui\u200b "
    definition = parse_xlsform(workbook(survey, choice_rows, setting))
    yes = next(choice for choice in definition.choices["yes_no"] if choice.name == "yes")
    assert yes.labels["fr"] == "Oui"


def test_the_base_column_sets_the_base_of_a_select_multiple_question_s_shares():
    survey, choice_rows, setting = valid_form()
    roles = next(row for row in survey if row.get("name") == "roles")
    roles["base"] = "Shown"
    definition = parse_xlsform(workbook(survey, choice_rows, setting))
    assert definition.question("roles").base == "shown"
    assert definition.question("engaged").base == "answered"  # the default
    assert parse_xlsform(definition_to_xlsform(definition)) == definition


def test_a_wrong_base_is_refused_with_its_row():
    survey, choice_rows, setting = valid_form()
    next(row for row in survey if row.get("name") == "roles")["base"] = "everyone"
    next(row for row in survey if row.get("name") == "engaged")["base"] = "shown"
    found = problems_of(workbook(survey, choice_rows, setting))
    assert (
        "survey",
        survey_row(survey, "roles"),
        "base",
        "'everyone' is not a base; use one of answered, shown",
    ) in found
    assert (
        "survey",
        survey_row(survey, "engaged"),
        "base",
        "only a select_multiple question has a base for its shares",
    ) in found
