"""Which pages a respondent sees, how answers are checked, and what submission keeps."""

from datetime import date

from surveys import answering
from surveys.definition import Choice, Question
from tests.factories import make_definition, profile_question, six, with_profile_page


def _names(pages):
    return [page.name for page in pages]


def test_a_page_whose_condition_fails_is_skipped():
    definition = make_definition()
    no = answering.typed_values(definition, {"engaged": "no"})
    yes = answering.typed_values(definition, {"engaged": "yes"})
    assert _names(answering.visible_pages(definition, no, registry=True)) == ["about"]
    assert _names(answering.visible_pages(definition, yes, registry=True)) == ["about", "views"]


def test_profile_pages_are_only_for_respondents_outside_the_registry():
    definition = with_profile_page(
        make_definition(),
        profile_question("country", "countries"),
        choices={"countries": (Choice("KE", six("Kenya")), Choice("FR", six("France")))},
    )
    assert "profile" not in _names(answering.visible_pages(definition, {}, registry=True))
    assert _names(answering.visible_pages(definition, {}, registry=False))[0] == "profile"


def test_a_condition_on_the_same_page_shows_the_question_but_only_checks_it_when_it_applies():
    definition = make_definition()
    about = definition.pages[0]
    shown = [item.name for item in answering.page_items(about, {}, registry=True)]
    assert "roles_other" in shown  # no JavaScript: it must be there to be filled in
    assert answering.validate_page(definition, about, {"roles": ["author"], "engaged": "no"}, registry=True) == {}


def test_required_type_choice_and_constraint_problems_are_reported_per_question():
    definition = make_definition()
    about = definition.pages[0]
    problems = answering.validate_page(definition, about, {"years": "twelve", "engaged": "maybe"}, registry=True)
    assert problems["roles"].kind == "required"
    assert problems["years"].kind == "integer"
    assert problems["engaged"].kind == "choice"
    problems = answering.validate_page(
        definition, about, {"roles": ["author"], "years": "75", "engaged": "yes"}, registry=True
    )
    assert list(problems) == ["years"]
    assert problems["years"].kind == "constraint"
    assert problems["years"].messages["fr"] == "[fr] Between 0 and 60"  # the instrument's own message


def test_numbers_and_dates_are_read_strictly():
    integer = Question(name="n", type="integer", labels=six("N"))
    decimal = Question(name="d", type="decimal", labels=six("D"))
    when = Question(name="w", type="date", labels=six("W"))
    assert answering.to_typed(integer, "12") == 12
    assert answering.to_typed(integer, "12.5") is None
    assert answering.to_typed(decimal, "2,5") == 2.5
    assert answering.to_typed(decimal, "nan") is None
    assert answering.to_typed(when, "2026-03-31") == date(2026, 3, 31)
    assert answering.to_typed(when, "31/03/2026") is None


def test_submission_keeps_only_answers_that_apply():
    definition = make_definition()
    raw = {
        "roles": ["author"],
        "roles_other": "a left-over",
        "years": "4",
        "engaged": "no",
        "clear_how": "5",
        "comments": "from a page that no longer applies",
    }
    kept = answering.kept_answers(definition, raw, registry=True)
    assert kept == {"roles": ["author"], "years": 4, "engaged": "no"}


def test_equal_answers_have_equal_digests_and_different_ones_do_not():
    one = answering.content_digest({"a": 1, "b": ["x", "y"]})
    assert one == answering.content_digest({"b": ["x", "y"], "a": 1})
    assert one != answering.content_digest({"a": 2, "b": ["x", "y"]})


def test_answer_columns_follow_the_contract():
    definition = make_definition()
    assert answering.answer_columns(definition.question("roles"), ["author", "other"]) == {"value_text": "author other"}
    assert answering.answer_columns(definition.question("years"), 4) == {"value_number": 4.0}
    assert answering.answer_columns(definition.question("engaged"), "yes") == {"value_text": "yes"}


def test_choice_codes_posted_with_stray_spaces_are_the_choices():
    definition = make_definition()
    engaged, roles = definition.question("engaged"), definition.question("roles")
    assert answering.clean_raw(engaged, "yes\u00a0") == "yes"
    assert answering.clean_raw(roles, ["author\u200b", " other", "author"]) == ["author", "other"]
    cleaned = answering.clean_answers(definition, {"engaged": "yes\u00a0", "unknown": "kept as it is\u00a0"})
    assert cleaned == {"engaged": "yes", "unknown": "kept as it is\u00a0"}
    assert answering.check_question(definition, engaged, cleaned["engaged"], {}) is None
