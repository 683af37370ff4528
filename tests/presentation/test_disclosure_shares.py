"""Shares under the disclosure rule: a share gives away the people who chose it and those who did not,
so either count under the threshold hides it (`left_out`, `hidden_shares`), with secondary suppression."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from presentation.builder import numerator
from presentation.disclosure import SUPPRESSED_MARK, Disclosure, hidden_cells, hidden_shares, left_out, suppress
from presentation.model import Row, Table


@pytest.fixture(autouse=True)
def context(app):
    with app.test_request_context():
        yield


def share_row(label: str, chosen: int, n: int) -> Row:
    """A row as `Builder.share_table` makes it."""
    return Row([label, f"{chosen / n:.0%}", str(n)], base=n, counts=numerator(chosen / n, n))


def test_a_share_that_leaves_out_few_people_is_hidden_on_the_report_pages():
    table = Table(
        "Roles",
        ["Role", "Share", "n"],
        [share_row("User", 19, 20), share_row("Reviewer", 10, 20), share_row("Author", 12, 20)],
    )
    assert Disclosure(5).table(table)
    shown = {row.cells[0]: row.cells[1] for row in table.rows}
    assert shown["User"] == SUPPRESSED_MARK  # 1 of 20 did not choose it
    assert sum(cell == SUPPRESSED_MARK for cell in shown.values()) == 2  # and another, as for a small count
    assert all(row.cells[2] == "20" for row in table.rows)  # the base stays

    whole = Table("Roles", ["Role", "Share", "n"], [share_row("User", 15, 20), share_row("Author", 5, 20)])
    assert not Disclosure(5).table(whole)


def test_left_out_counts_from_each_rows_base():
    counts = np.array([[19, 1], [10, 10], [2, 7], [3, 0]])
    expected = [[True, False], [False, False], [False, True], [False, False]]  # 3 of 3 leaves out nobody
    assert left_out(counts, [20, 20, 9, 3], 5).tolist() == expected


def test_a_multiple_choice_item_is_its_own_yes_and_no():
    counts = np.array([[2, 19, 10]])
    assert hidden_shares(counts, [20], 5, exclusive=False).tolist() == [[True, True, False]]
    # A single-choice question's choices partition n: 18, 1, 1 hides all three (18 leaves out 2).
    assert hidden_shares(np.array([[18, 1, 1]]), [20], 5, exclusive=True).tolist() == [[True, True, True]]
    assert hidden_shares(np.zeros((0, 2)), [], 5, exclusive=True).shape == (0, 2)


def test_a_group_hidden_whole_is_protected_by_the_others():
    counts = np.array([[6, 14], [10, 10], [12, 8]])
    hidden = hidden_shares(counts, [20, 20, 20], 5, exclusive=True, hidden_rows=[True, False, False])
    assert hidden[0].all()
    assert hidden[:, 0].sum() >= 2 and hidden[:, 1].sum() >= 2  # else a column total gives the group's away


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_cells_marked_also_are_hidden_and_no_line_hides_just_one(data):
    rows, columns = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 4))
    values = st.sampled_from([0, 1, 3, 5, 8, 12, 30])
    matrix = np.array(data.draw(st.lists(values, min_size=rows * columns, max_size=rows * columns))).reshape(
        rows, columns
    )
    also = np.array(data.draw(st.lists(st.booleans(), min_size=rows * columns, max_size=rows * columns))).reshape(
        rows, columns
    )
    table = suppress(pd.DataFrame(matrix), 5, also)
    hidden = (table.primary | table.secondary).to_numpy()
    assert (hidden[:-1, :-1] == hidden_cells(matrix, 5, also)).all()
    assert hidden[:-1, :-1][also & (matrix > 0)].all()
    assert hidden[:-1, :-1][(matrix > 0) & (matrix < 5)].all()
    for line in [*hidden, *hidden.T]:  # totals included: nothing follows from a line by subtraction
        assert line.sum() != 1
