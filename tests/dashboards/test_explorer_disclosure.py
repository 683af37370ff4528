"""The survey explorer in a country scope: a share chosen, or not chosen, by fewer people than the
threshold is hidden, by the one rule of `presentation.disclosure`, with secondary suppression."""

from __future__ import annotations

import math

import pytest

from dashboards.filters import Filters
from dashboards.pages import explorer
from dashboards.scope import EVERYTHING, Scope
from dashboards.selection import select
from dashboards.view import View
from surveys.catalogue import WaveInfo
from tests.factories import make_response, make_wave

pytestmark = pytest.mark.usefixtures("backend")

KENYA = Scope(country="KE")
WAVE = WaveInfo(1, "Annual survey 2026", 2026, "Survey", None, None)
NOTE = "fewer than 5 respondents chose or did not choose"


@pytest.fixture
def context(app):
    with app.test_request_context():
        yield


@pytest.fixture
def wave(session):
    """20 Kenyan respondents, 10 women and 10 men. Roles: 2 authors, 19 users, 10 reviewers. Engaged:
    2 of the women and 6 of the men."""
    wave = make_wave(session)
    for i in range(20):
        roles = (["author"] if i < 2 else []) + (["user"] if i < 19 else []) + (["reviewer"] if i >= 10 else [])
        female = i % 2 == 0
        engaged = "yes" if (i in (0, 2) if female else i in (1, 3, 5, 7, 9, 11)) else "no"
        make_response(
            session, wave, {"roles": roles, "engaged": engaged}, gender="female" if female else "male", commit=False
        )
    session.commit()
    return wave


def build(session, filters: Filters, scope=EVERYTHING):
    (section,) = explorer.build(View(select(session, filters.within(scope)), scope, "en")).sections
    (table,) = section.tables  # every answer at a glance
    return section, table


def cells(table) -> dict[str, str]:
    """Answer -> the cell of the table's one row."""
    (row,) = table.rows
    return dict(zip(table.columns[1:], row.cells[1:]))


@pytest.mark.usefixtures("context")
def test_a_choice_of_2_people_and_one_19_of_20_chose_are_hidden_from_a_focal_point(session, wave):
    section, table = build(session, Filters(wave=wave.id, question="roles", weighted=False), KENYA)

    shown = cells(table)
    assert shown["Author"] == shown["User"] == "–"  # 2 chose it; 1 did not choose the other
    assert shown["Reviewer"].endswith("; n = 20")  # 10 and 10
    assert any(NOTE in note for note in section.notes)
    assert not any(figure.title.endswith(("Author", "User")) for figure in section.figures)

    section, table = build(session, Filters(wave=wave.id, question="roles", weighted=False))
    assert all(cell.endswith("; n = 20") for cell in cells(table).values())  # the secretariat sees everything
    assert not any(NOTE in note for note in section.notes)


@pytest.mark.usefixtures("context")
def test_weighted_shares_are_hidden_by_their_people_too(session, wave):
    _section, table = build(session, Filters(wave=wave.id, question="roles", weighted=True), KENYA)
    shown = cells(table)
    assert shown["Author"] == shown["User"] == "–" and shown["Reviewer"] != "–"


@pytest.mark.usefixtures("context")
def test_a_single_choice_share_takes_others_with_it_so_it_cannot_be_worked_out(session, wave):
    filters = Filters(wave=wave.id, question="engaged", breakdown="gender", weighted=False)
    section, table = build(session, filters, KENYA)

    # 2 of the 10 women engaged: hidden, and their "no" (8) with it, or 10 - 8 gives it away; the
    # men's "yes" too, or the country's 8 engaged less theirs gives it away; and so the men's "no".
    assert [row.cells[2:] for row in table.rows] == [["–", "–"], ["–", "–"]]
    assert any(NOTE in note for note in section.notes)

    _section, table = build(session, filters)
    assert all(cell != "–" for row in table.rows for cell in row.cells)


def estimate(group: str, item: str, count: int, n: int) -> explorer.Estimate:
    return explorer.Estimate(WAVE, group, item, count / n, 0.0, 1.0, n, False, count=count)


def hidden(cells: list[explorer.Estimate]) -> set[tuple[str, str]]:
    return {(c.group, c.item) for c in cells if c.hidden and math.isnan(c.estimate) and c.n == 0}


def test_a_single_choice_that_leaves_out_few_is_hidden_though_each_other_choice_is_hidden_already():
    # 18, 1 and 1 of 20: the two small ones hide each other, but 18 of 20 would say that 2 chose another.
    cells = [estimate("all", "a", 18, 20), estimate("all", "b", 1, 20), estimate("all", "c", 1, 20)]
    assert hidden(explorer.confidential(cells, 5, "select_one")) == {("all", "a"), ("all", "b"), ("all", "c")}
    # 12, 4 and 4: the small ones hide each other, and 12 leaves out 8.
    cells = [estimate("all", "a", 12, 20), estimate("all", "b", 4, 20), estimate("all", "c", 4, 20)]
    assert hidden(explorer.confidential(cells, 5, "select_one")) == {("all", "b"), ("all", "c")}


def test_a_lone_small_choice_of_a_single_choice_question_takes_the_smallest_other():
    cells = [estimate("all", "a", 10, 20), estimate("all", "b", 7, 20), estimate("all", "c", 3, 20)]
    assert hidden(explorer.confidential(cells, 5, "select_one")) == {("all", "b"), ("all", "c")}
    # Each choice of a multiple-choice question is its own yes and no: 3 of 20 hides its 17 only.
    assert hidden(explorer.confidential(cells, 5, "select_multiple")) == {("all", "c")}


def test_a_group_with_too_few_answers_is_hidden_whole_and_numbers_only_by_their_groups():
    cells = [estimate("f", "a", 10, 20), estimate("f", "b", 10, 20), estimate("m", "a", 2, 3), estimate("m", "b", 1, 3)]
    # The men are too few, and the women go with them (the country's n less theirs).
    assert hidden(explorer.confidential(cells, 5, "select_one")) == {("f", "a"), ("f", "b"), ("m", "a"), ("m", "b")}
    means = [explorer.Estimate(WAVE, "all", "years", 12.5, 10.0, 15.0, 20, False)]
    assert explorer.confidential(means, 5, "integer") == means
