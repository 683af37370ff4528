"""The disclosure rule on the presentation model (`presentation.disclosure`): small counts and what
rests on them are hidden, with secondary suppression, and charts over hidden cells are not drawn."""

from __future__ import annotations

import pandas as pd
import pytest

from presentation.disclosure import SUPPRESSED_MARK, Disclosure, hidden_keys
from presentation.headline import regional_share
from presentation.model import Card, Figure, Row, Section, Table

RULE = Disclosure(5)


@pytest.fixture(autouse=True)
def context(app):
    with app.test_request_context():
        yield


def test_a_lone_small_group_takes_a_second_one_with_it():
    assert hidden_keys({"a": 1, "b": 20, "c": 7, "d": 30}, 5) == {"a", "c"}
    assert hidden_keys({"a": 10, "b": 20}, 5) == set()
    assert hidden_keys({"a": 0, "b": 20}, 5) == set()  # nobody is nobody to point at


def test_rows_resting_on_few_people_lose_every_figure():
    table = Table(
        "Barriers",
        ["Barrier", "Share", "n"],
        [Row(["Time", "100%", "1"], base=1), Row(["Money", "40%", "12"], base=12), Row(["Law", "10%", "40"], base=40)],
    )
    assert RULE.table(table)
    assert [row.cells for row in table.rows] == [
        ["Time", SUPPRESSED_MARK, SUPPRESSED_MARK],
        ["Money", SUPPRESSED_MARK, SUPPRESSED_MARK],  # else 53 - 12 - 40 gives the hidden one
        ["Law", "10%", "40"],
    ]


def test_count_cells_and_what_derives_from_them_are_hidden():
    rows = [
        Row(["Business", "1", "10%", "6", "20%"], counts={1: 1, 3: 6}),
        Row(["Science", "9", "90%", "24", "80%"], counts={1: 9, 3: 24}),
    ]
    table = Table("Respondents", ["Category", "W1", "W1 %", "W2", "W2 %"], rows, rests_on={2: (1,), 4: (3,)})
    assert RULE.table(table)
    for row in table.rows:
        assert row.cells[1] == row.cells[2] == SUPPRESSED_MARK
    visible = [int(row.cells[3]) for row in table.rows if row.cells[3] != SUPPRESSED_MARK]
    assert all(value >= 5 for value in visible)


def test_a_chart_over_a_hidden_cell_is_shown_as_its_table():
    table = Table("Barriers", ["Barrier", "Share", "n"], [Row(["Time", "100%", "2"], base=2)])
    kept = Table("Products", ["Product", "Share", "n"], [Row(["Guide", "50%", "40"], base=40)])
    section = Section(
        "capacity",
        "Capacity",
        figures=[Figure("Barriers", "<svg/>", table), Figure("Products", "<svg/>", kept), Figure("Likert", "<svg/>")],
    )
    RULE.section(section)
    assert [f.title for f in section.figures] == ["Products"]
    assert section.tables == [table]
    assert section.notes  # says why


def test_a_card_on_few_people_shows_nothing():
    card = Card("capacity", "Capacity", "Barriers", "60%", "2026", "+47.5 points", "improving", "Improving", "▲", n=4)
    hidden = RULE.card(card)
    assert hidden.value == SUPPRESSED_MARK and hidden.status == "no_data" and "47.5" not in hidden.change
    assert RULE.card(Card("c", "C", "M", "60%", "2026", "", "stable", "Stable", "●", n=40)).value == "60%"


def test_a_note_stating_a_small_count_is_dropped():
    table = Table("Impact", ["Group", "Records"], [], note="3 published, 0 awaiting moderation.", note_counts=(3, 0))
    assert RULE.table(table) and table.note == ""
    kept = Table("Impact", ["Group", "Records"], [], note="30 published.", note_counts=(30, 0))
    assert not RULE.table(kept) and kept.note


def test_an_index_over_a_small_group_is_hidden_without_taking_other_rows():
    rows = [Row(["Respondents", "Gender", "0.65"], least=2), Row(["Registered", "Gender", "0.99"], least=140)]
    table = Table("Diversity indices", ["Population", "Dimension", "Shannon index"], rows, text_columns=2)
    assert RULE.table(table)
    assert [row.cells[2] for row in table.rows] == [SUPPRESSED_MARK, "0.99"]


def test_a_share_whose_numerator_is_small_is_hidden_even_on_a_large_base():
    rows = [
        Row(["Time", "10%", "30"], base=30, counts={1: 3}),
        Row(["Money", "50%", "30"], base=30, counts={1: 15}),
        Row(["Law", "0%", "30"], base=30, counts={1: 0}),
        Row(["Staff", "40%", "30"], base=30, counts={1: 12}),
    ]
    table = Table("Barriers", ["Barrier", "Share", "n"], rows)
    assert RULE.table(table)
    cells = [row.cells for row in table.rows]
    assert cells[0] == ["Time", SUPPRESSED_MARK, "30"]  # the base stays: only the share gave one person away
    assert cells[2] == ["Law", "0%", "30"]  # nobody is nobody to point at
    assert sum(row[1] == SUPPRESSED_MARK for row in cells) == 2  # and one more, so the total does not give it back


def test_the_regional_share_compares_a_country_with_its_regional_group():
    states = pd.DataFrame({"country": ["KE", "NG", "FR"], "regional_group": ["AFR", "AFR", "WEOG"]})
    registry = pd.DataFrame({"country": ["KE"] * 3 + ["NG"] * 7})
    share = regional_share("KE", states, registry[registry["country"] == "KE"], registry, {"KE": 50, "NG": 200})
    assert (share.country_n, share.region_n, share.country_people, share.region_people) == (3, 10, 50, 250)
    assert regional_share("XX", states, registry, registry, {}) is None
