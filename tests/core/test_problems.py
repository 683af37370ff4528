"""Problems as codes with parameters (core/problems.py), the field types that raise them
(core/schemas.py), and the one mapping from code to message (core/problem_messages.py)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from flask_babel import force_locale
from flask_wtf import FlaskForm
from pydantic import model_validator
from wtforms import StringField

from core.problem_messages import MESSAGES, message, show_on_form
from core.problems import Problem, ValidationFailed, refuse, validate
from core.schemas import Code, Codes, Day, EmailAddress, Link, OptionalDay, Schema, Text, WholeNumber

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "stakeholders", "engagement", "surveys", "exports", "reports", "dashboards")


class Sample(Schema):
    title: Text(10, required=True)
    note: Text(5) = ""
    colour: Code(("red", "green"))
    shades: Codes(("light", "dark")) = []
    link: Link(30) = ""
    email: EmailAddress(40) = ""
    day: Day
    until: OptionalDay = None
    count: WholeNumber(0, 10) = None


GOOD = {"title": " A title ", "colour": "red", "day": "2025-03-01"}


def problems_of(**changes) -> list[Problem]:
    with pytest.raises(ValidationFailed) as failed:
        validate(Sample, {**GOOD, **changes})
    return failed.value.problems


def test_valid_values_come_out_typed_and_stripped():
    sample = validate(Sample, {**GOOD, "until": "", "count": "7", "shades": ["dark", "dark"], "day": date(2025, 3, 1)})
    assert (sample.title, sample.day, sample.until, sample.count, sample.shades) == (
        "A title",
        date(2025, 3, 1),
        None,
        7,
        ["dark"],
    )
    assert validate(Sample, {**GOOD, "day": "2025-03-01 00:00:00"}).day == date(2025, 3, 1)  # a spreadsheet's cell


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"title": "   "}, Problem("title", "required")),
        ({"title": None}, Problem("title", "required")),
        ({"day": ""}, Problem("day", "required")),
        ({"colour": ""}, Problem("colour", "required")),
        ({"title": "x" * 11}, Problem("title", "too_long", {"max": 10})),
        ({"note": "123456"}, Problem("note", "too_long", {"max": 5})),
        ({"colour": "blue"}, Problem("colour", "not_allowed", {"value": "blue", "allowed": ["red", "green"]})),
        (
            {"shades": ["dark", "pale", "grey"]},
            Problem("shades", "not_allowed", {"value": ["pale", "grey"], "allowed": ["light", "dark"]}),
        ),
        ({"link": "ftp://example.org"}, Problem("link", "bad_url")),
        ({"link": "https://example.org/" + "x" * 20}, Problem("link", "too_long", {"max": 30})),
        ({"email": "not an address"}, Problem("email", "bad_email", {"value": "not an address"})),
        ({"day": "01/03/2025"}, Problem("day", "bad_date", {"value": "01/03/2025"})),
        ({"count": "many"}, Problem("count", "not_integer", {"value": "many"})),
        ({"count": "11"}, Problem("count", "out_of_range", {"value": 11})),
    ],
)
def test_each_broken_rule_is_one_problem_with_a_stable_code(changes, expected):
    assert problems_of(**changes) == [expected]


def test_missing_fields_are_required_and_fields_can_be_renamed():
    with pytest.raises(ValidationFailed) as failed:
        validate(Sample, {"colour": "red", "day": "2025-03-01"}, fields={"title": "name"})
    assert failed.value.problems == [Problem("name", "required")]


class Period(Schema):
    start: Day
    end: OptionalDay = None

    @model_validator(mode="after")
    def _order(self):
        if self.end is not None and self.end < self.start:
            refuse([Problem("end", "date_before", {"date": self.start.isoformat()}), Problem("", "invalid")])
        return self


def test_a_model_validator_reports_several_fields_at_once():
    with pytest.raises(ValidationFailed) as failed:
        validate(Period, {"start": "2025-03-01", "end": "2025-02-01"})
    assert failed.value.problems == [Problem("end", "date_before", {"date": "2025-03-01"}), Problem("", "invalid")]


def test_messages_render_the_parameters(app):
    with app.test_request_context(), force_locale("en"):
        assert str(message(Problem("title", "too_long", {"max": 300}))) == "At most 300 characters."
        assert str(message(Problem("x", "not_allowed", {"value": "scientific", "allowed": ["science", "ilk"]}))) == (
            "scientific is not one of the allowed values: science, ilk."
        )
        assert str(message(Problem("x", "not_allowed", {"value": ["a", "b"], "allowed": ["c"]}))) == (
            "a; b is not one of the allowed values: c."
        )
        assert str(message(Problem("x", "date_before", {"date": date(2024, 2, 5)}))) == (
            "This date cannot be before 2024-02-05."
        )
        assert str(message(Problem("x", "no_such_code", {"value": "v"}))) == "v is not one of the allowed values."
    with app.test_request_context(), force_locale("fr"):
        assert str(message(Problem("x", "required"))) != "A value is required."


def test_problems_land_on_their_form_fields_or_above_the_form(app):
    class Form(FlaskForm):
        name = StringField()
        email = StringField()

    with app.test_request_context(), force_locale("en"):
        form = Form(meta={"csrf": False})
        show_on_form(
            form,
            [Problem("title", "required"), Problem("party", "one_party"), Problem("other", "bad_url")],
            {"title": "name", "party": ("name", "email")},
        )
        assert form.name.errors == ["A value is required.", "Give either a stakeholder or an organisation, not both."]
        assert form.email.errors == ["Give either a stakeholder or an organisation, not both."]
        assert form.form_errors == ["A web address starts with http:// or https://."]


def _codes_in_the_code() -> set[str]:
    pattern = re.compile(r'(?:(?<![\w.])problem\(|(?<![\w.])Problem\([^,()]+,\s*)"([a-z_]+)"')
    found = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            found.update(pattern.findall(path.read_text()))
    return found


def test_every_code_the_code_raises_has_a_message():
    codes = _codes_in_the_code()
    assert {"required", "bad_url", "date_before"} <= codes  # the scan finds them
    assert codes <= set(MESSAGES), sorted(codes - set(MESSAGES))
