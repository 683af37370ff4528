"""A focal point's aggregate tables: their country's respondents only, small counts suppressed,
and no suppressed count recoverable from the totals."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from exports import aggregates
from surveys.models import InstrumentVersion
from tests.exports.builders import kenya_and_france
from tests.factories import make_instrument_version, make_response, make_wave

pytestmark = pytest.mark.usefixtures("backend")

THRESHOLD = 5


def tables_of(app, session, wave, *, country="KE", breakdown="category", lang="en"):
    with app.app_context():
        return aggregates.country_tables(session, wave.id, country, breakdown, lang, THRESHOLD)


def by_title(tables, title, choice=None):
    return next(t for t in tables if t.title == title and t.choice == choice)


def assert_no_cell_recoverable(cells):
    """Every row and column (totals included) holds no suppressed cell or at least two: one alone
    would follow from the others and the total."""
    matrix = np.array([[value is None for value in row] for row in cells])
    for line in (*matrix, *matrix.T):
        assert line.sum() != 1, cells


def test_counts_cover_the_country_only_with_totals(app, session):
    wave = kenya_and_france(session)
    table = by_title(tables_of(app, session, wave), "Did you engage with IPBES?")
    assert table.rows == ("Yes", "No", "Total")
    assert table.columns[-1] == "Total"
    assert table.columns[:-1] == ("Policymakers", "Scientific community", "Business and industry")
    # Every Kenyan who answered, by category; none of the ten French respondents.
    assert table.cells[-1] == (8, 13, 13, 34)
    assert (table.cells[0][2:], table.cells[1][2:]) == ((8, 17), (5, 17))


def test_a_count_under_the_threshold_is_suppressed_with_a_second_cell(app, session):
    wave = kenya_and_france(session)
    table = by_title(tables_of(app, session, wave), "Did you engage with IPBES?")
    assert table.cells[0][0] is None  # two policymakers said yes
    assert table.suppression.primary.to_numpy().sum() == 1
    # Shown, the other counts of the "yes" row and the policymakers' column would give it away.
    assert table.suppression.secondary.to_numpy().sum() == 3
    assert table.cells[0][1] is None and table.cells[1][0] is None
    assert_no_cell_recoverable(table.cells)
    shown = [value for row in table.cells for value in row if value is not None]
    assert all(value == 0 or value >= THRESHOLD for value in shown)


def test_each_choice_of_a_multiple_choice_question_has_its_table(app, session):
    wave = kenya_and_france(session)
    tables = tables_of(app, session, wave, breakdown="gender")
    author = by_title(tables, "Your roles", "Author")
    assert author.rows == ("Selected", "Not selected", "Total")
    assert author.columns == ("Female", "Male", "Total")
    assert author.cells[-1][-1] == 34
    assert {t.choice for t in tables if t.title == "Your roles"} >= {"Author", "Reviewer", "User"}


def test_labels_are_in_the_readers_language(app, session):
    wave = kenya_and_france(session)
    tables = tables_of(app, session, wave, lang="fr")
    table = by_title(tables, "[fr] Did you engage with IPBES?")
    assert table.rows[:2] == ("[fr] Yes", "[fr] No")
    assert table.columns[:2] == ("Décideurs", "Communauté scientifique")


def test_a_country_without_respondents_has_no_tables(app, session):
    wave = kenya_and_france(session)
    assert tables_of(app, session, wave, country="BR") == []


def test_respondents_without_the_characteristic_form_an_unknown_group(app, session):
    version = make_instrument_version(session)
    wave = make_wave(session, version=version)
    for gender in ("female",) * 6 + (None,) * 6:
        make_response(session, wave, {"engaged": "yes"}, gender=gender)
    table = by_title(tables_of(app, session, wave, breakdown="gender"), "Did you engage with IPBES?")
    assert table.columns == ("Female", "Unknown", "Total")
    assert table.cells[0] == (6, 6, 12)


def test_the_download_stacks_the_tables_with_the_mark_and_its_meaning(app, session):
    wave = kenya_and_france(session)
    with app.app_context():
        tables = aggregates.country_tables(session, wave.id, "KE", "category", "en", THRESHOLD)
        header, rows = aggregates.download_rows(tables, "en", THRESHOLD)
    assert header == [
        "Question",
        "Choice",
        "Answer",
        "Policymakers",
        "Scientific community",
        "Business and industry",
        "Total",
    ]
    engaged = [row for row in rows if row and row[0] == "Did you engage with IPBES?"]
    assert [row[2] for row in engaged] == ["Yes", "No", "Total"]
    assert engaged[0][3:] == [aggregates.SUPPRESSED_MARK, aggregates.SUPPRESSED_MARK, 8, 17]
    assert engaged[2][3:] == [8, 13, 13, 34]
    assert "fewer than 5 respondents" in rows[-1][0]


def test_only_answered_waves_are_offered(session):
    answered = kenya_and_france(session, name="Answered", status="closed")
    version = session.get(InstrumentVersion, answered.version_id)
    make_wave(session, version=version, name="Draft", status="draft")
    make_wave(session, version=version, name="Scheduled", opens_in_days=5)
    assert [w.name for w in aggregates.table_waves(session)] == [answered.name]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(arrays(np.int64, st.tuples(st.integers(1, 4), st.integers(1, 4)), elements=st.integers(0, 12)))
def test_no_shown_count_is_small_or_recoverable(app, counts):
    with app.app_context():
        table = aggregates._table(
            "q",
            "Question",
            None,
            [f"r{i}" for i in range(counts.shape[0])],
            [f"c{j}" for j in range(counts.shape[1])],
            counts,
            THRESHOLD,
        )
    if counts.sum() == 0:
        assert table is None
        return
    shown = [value for row in table.cells for value in row if value is not None]
    assert all(value == 0 or value >= THRESHOLD for value in shown)
    assert_no_cell_recoverable(table.cells)
    full = np.vstack([np.column_stack([counts, counts.sum(1)]), np.append(counts.sum(0), counts.sum())])
    for row, expected in zip(table.cells, full):  # what is shown is the true count
        assert all(value is None or value == true for value, true in zip(row, expected))
