"""Aggregate tables for focal points: small counts hidden, and not recoverable from the totals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.disclosure import suppress_table

FAST = settings(max_examples=300, deadline=None)


@st.composite
def tables(draw):
    rows, columns = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    cells = draw(
        st.lists(st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 8, 12, 30]), min_size=rows * columns, max_size=rows * columns)
    )
    return pd.DataFrame(
        np.array(cells).reshape(rows, columns),
        index=[f"r{i}" for i in range(rows)],
        columns=[f"c{j}" for j in range(columns)],
    )


@FAST
@given(tables(), st.integers(2, 6))
def test_small_counts_are_hidden_and_cannot_be_derived_from_a_line(counts, threshold):
    table = suppress_table(counts, threshold)
    hidden = (table.primary | table.secondary).to_numpy()
    shown = table.masked()
    values = table.counts.to_numpy()

    assert table.counts.loc[counts.index, counts.columns].equals(counts)
    assert (values[:-1, -1] == counts.sum(axis=1).to_numpy()).all()
    assert values[-1, -1] == counts.to_numpy().sum()
    assert (table.primary.to_numpy() == ((values > 0) & (values < threshold))).all()
    assert not (table.primary & table.secondary).to_numpy().any()
    for row in range(values.shape[0]):
        for column in range(values.shape[1]):
            cell = shown.iat[row, column]
            if hidden[row, column]:
                assert cell is None
            else:
                assert cell == values[row, column] and not 0 < cell < threshold
    # Every line, totals included, hides either nothing or at least two cells.
    for line in [*hidden, *hidden.T]:
        assert line.sum() != 1


def test_secondary_cells_are_the_smallest_and_close_two_lines_at_once():
    counts = pd.DataFrame({"a": [3, 10, 20], "b": [12, 0, 7], "c": [1, 30, 6]}, index=["x", "y", "z"])
    table = suppress_table(counts, threshold=5)
    assert table.masked().to_dict(orient="list") == {
        "a": [None, None, 20, 33],
        "b": [12, 0, 7, 19],
        "c": [None, None, 6, 37],
        "Total": [16, 40, 33, 89],
    }
    assert table.secondary.to_numpy().sum() == 2


def test_a_table_without_small_counts_is_shown_whole():
    counts = pd.DataFrame({"f": [10, 0], "m": [7, 9]}, index=["AFR", "WEOG"])
    table = suppress_table(counts)
    assert table.masked().to_numpy().tolist() == [[10, 7, 17], [0, 9, 9], [10, 16, 26]]


def test_a_table_that_already_has_totals_is_refused():
    with pytest.raises(ValueError):
        suppress_table(pd.DataFrame({"Total": [1]}))
