"""Answering a repeat (issue 15), below the web pages: instances, per-instance checks and values,
what the rest of the form sees of them, and the Answer rows submission would store."""

from __future__ import annotations

from surveys import repeat_answers as ra
from surveys.xlsform.reading import parse_xlsform
from tests.surveys import xlsform_builder as xb

SURVEY = [
    xb.q("begin group", "home", "Home"),
    xb.q("integer", "size", "How many live here?"),
    xb.q("begin repeat", "member", "Member", repeat_count="${size}"),
    xb.q("text", "name", "Name?", required="yes"),
    xb.q("integer", "age", "Age?"),
    xb.q("integer", "born", "Year born?", constraint=". + ${age} >= 2020", relevant="${age} != ''"),
    xb.q("calculate", "adult", "", calculation="if(${age} >= 18, 'yes', 'no')"),
    {"type": "end repeat"},
    xb.q("calculate", "people", "", calculation="count(${member})"),
    xb.q("calculate", "total_age", "", calculation="sum(${age})"),
    xb.q("calculate", "second", "", calculation="indexed-repeat(${name}, ${member}, 2)"),
    xb.end(),
    xb.q("begin group", "trips", "Trips"),
    xb.q("begin repeat", "trip", "Trip"),
    xb.q("text", "place", "Where?"),
    {"type": "end repeat"},
    xb.end(),
]


def definition():
    return parse_xlsform(xb.workbook(SURVEY, [], {"form_id": "household"}), "household.xlsx")


def test_repeat_count_gives_the_instances_and_a_repeat_without_one_has_those_added():
    form = definition()
    member, trip = ra.top_repeats(form)
    draft = {"size": "3", "member": [{"name": "Ana"}], "trip": [{"place": "Bonn"}, {"place": "Paris"}]}
    values = ra.form_values(form, draft)
    assert ra.instances_of(member, draft, values) == [{"name": "Ana"}, {}, {}]
    assert ra.instances_of(trip, draft, values) == [{"place": "Bonn"}, {"place": "Paris"}]
    assert ra.instances_of(member, {**draft, "size": "two"}, ra.form_values(form, {"size": "two"})) == []
    assert len(ra.instances_of(member, {"size": "100000"}, {"size": 100000})) == ra.MAX_INSTANCES


def test_each_instance_is_checked_against_its_own_answers():
    form = definition()
    member = ra.top_repeats(form)[0]
    draft = {
        "size": "3",
        "member": [{"name": "Ana", "age": "40", "born": "1985"}, {"name": "Bo", "age": "10", "born": "1950"}, {}],
    }
    values = ra.form_values(form, draft)
    problems = ra.validate_instances(form, member, ra.instances_of(member, draft, values), values)
    # 1985 + 40 passes and 1950 + 10 does not: `${age}` is the instance's own; the third has no name.
    assert {key: problem.kind for key, problem in problems.items()} == {
        ("born", 2): "constraint",
        ("name", 3): "required",
    }


def test_count_sum_and_indexed_repeat_read_the_instances_from_outside():
    form = definition()
    draft = {"size": "2", "member": [{"name": "Ana", "age": "40"}, {"name": "Bo", "age": "10"}]}
    values = ra.form_values(form, draft)
    assert (values["people"], values["total_age"], values["second"]) == ("2", "50", "Bo")


def test_the_rows_stored_carry_the_instance_number_and_only_answers_that_apply():
    form = definition()
    member = ra.top_repeats(form)[0]
    draft = {"size": "2", "member": [{"name": "Ana", "age": "40", "born": "1985"}, {"name": "Bo", "born": "1999"}]}
    values = ra.form_values(form, draft)
    kept = ra.kept_instances(member, ra.instances_of(member, draft, values), values)
    rows = ra.instance_answer_rows(7, member, kept)
    found = {(r["question"], r["instance"]): r["value_text"] or r["value_number"] for r in rows}
    # Bo gave no age, so `born` did not apply to him and is not kept; `adult` is a calculate.
    assert found == {
        ("name", 1): "Ana",
        ("age", 1): 40.0,
        ("born", 1): 1985.0,
        ("adult", 1): "yes",
        ("name", 2): "Bo",
        ("adult", 2): "no",
    }
    assert {r["response_id"] for r in rows} == {7}


def test_the_instances_of_a_repeat_on_a_skipped_page_are_not_kept():
    survey = [row if row.get("name") != "trips" else {**row, "relevant": "${size} < 5"} for row in SURVEY]
    form = parse_xlsform(xb.workbook(survey, [], {"form_id": "household"}), "household.xlsx")
    draft = {"size": "0", "trip": [{"place": "Bonn"}]}
    assert ra.for_submission(form, draft, ra.form_values(form, draft)).kept == {
        "member": [],
        "trip": [{"place": "Bonn"}],
    }
    draft = {**draft, "size": "9"}
    repeated = ra.for_submission(form, draft, ra.form_values(form, draft))
    assert "trip" not in repeated.kept and not any(row["question"] == "place" for row in repeated.rows(1))
