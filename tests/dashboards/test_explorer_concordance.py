"""The explorer compares a question across waves only through the concordance (issue 16): a past
wave whose question has other answers is left out with a note until the concordance maps them, then
compared on the harmonised set."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dashboards import data
from dashboards.filters import Filters
from dashboards.pages import explorer
from dashboards.scope import EVERYTHING
from dashboards.selection import select
from dashboards.view import View
from surveys import concordance, waves
from surveys.definition import Choice, Definition, Page, Question
from surveys.models import ResponseImport
from tests.dashboards.conftest import tables, text_of
from tests.factories import make_instrument_version, make_response, make_wave, six

pytestmark = pytest.mark.usefixtures("backend")


def _definition(choices, form_id) -> Definition:
    question = Question(name="sector", type="select_one", labels=six("Your sector"), list_name=f"s{len(choices)}")
    return Definition(
        form_id,
        "1",
        six("S"),
        (Page("p", six("P"), (question,)),),
        {f"s{len(choices)}": tuple(Choice(c, six(c.title())) for c in choices)},
    )


@pytest.fixture
def survey(session, app):
    old_version = make_instrument_version(session, definition=_definition(("public", "private"), "o"), code="old")
    new_version = make_instrument_version(
        session, definition=_definition(("government", "agency", "private", "other"), "n"), code="new"
    )
    with app.test_request_context():
        old = waves.record_past_wave(
            session,
            data=waves.WaveData(
                old_version.id, "Survey 2019", 2019, datetime(2019, 3, 1, tzinfo=UTC), datetime(2019, 4, 1, tzinfo=UTC)
            ),
        )
    new = make_wave(session, version=new_version, name="Annual survey 2026", year=2026)
    for i in range(20):
        make_response(session, old, {"sector": "public" if i < 10 else "private"}, commit=False)
    for i in range(20):
        make_response(session, new, {"sector": ("government", "agency", "private", "other")[i % 4]}, commit=False)
    session.commit()
    return old_version, new_version, old, new


def _build(session, old, new):
    view = View(select(session, Filters(wave=new.id, waves=(old.id, new.id), weighted=False)), EVERYTHING, "en")
    (section,) = explorer.build(view).sections
    return section


def test_a_wave_with_other_answers_is_left_out_with_a_note(app, session, survey):
    _o, _n, old, new = survey
    with app.test_request_context():
        section = _build(session, old, new)
    assert any("Survey 2019 is not compared" in caveat for caveat in section.caveats)
    (table,) = section.tables
    assert {row.cells[0] for row in table.rows} == {"Annual survey 2026"}


def test_a_mapped_wave_is_compared_on_the_harmonised_answers(app, session, survey):
    old_version, new_version, old, new = survey
    links = (("public", "government"), ("public", "agency"), ("private", "private"))
    with app.test_request_context():
        concordance.save_match(
            session, data=concordance.MatchData(old_version.id, new_version.id, "sector", "sector", links=links)
        )
        section = _build(session, old, new)
    (table,) = section.tables
    assert table.columns[1:] == ["Public", "Private"]
    shares = {row.cells[0]: row.cells[1] for row in table.rows}
    assert shares["Survey 2019"].startswith("50")
    assert shares["Annual survey 2026"].startswith("50")  # government and agency: 10 of 20
    assert any("recoded" in caveat for caveat in section.caveats)


def test_the_comparison_is_read_once_and_a_concordance_edit_shows_at_once(app, session, survey, monkeypatch):
    old_version, new_version, old, new = survey
    reads = []
    real = data.comparisons
    monkeypatch.setattr(data, "comparisons", lambda *args: reads.append(args) or real(*args))
    with app.test_request_context():
        assert any("Survey 2019 is not compared" in caveat for caveat in _build(session, old, new).caveats)
        first = len(reads)
        _build(session, old, new)
        assert len(reads) == first  # the second view reads the plans from the cache
        links = (("public", "government"), ("public", "agency"), ("private", "private"))
        concordance.save_match(
            session, data=concordance.MatchData(old_version.id, new_version.id, "sector", "sector", links=links)
        )
        (table,) = _build(session, old, new).tables
        assert {row.cells[0] for row in table.rows} == {"Survey 2019", "Annual survey 2026"}
        match = concordance.matches_between(session, old_version.id, new_version.id)["sector"][0]
        concordance.delete_match(session, match=match)
        assert any("Survey 2019 is not compared" in caveat for caveat in _build(session, old, new).caveats)


def test_the_explorer_page_follows_the_concordance_and_a_past_waves_import(session, survey, secretariat, dash):
    """Through the dashboard's own cache of page content: the 2019 wave is outside the selection's
    history (2026 and 2025), so only its own fingerprint can tell the page that its responses changed."""
    old_version, new_version, old, new = survey
    make_wave(session, version=new_version, name="Annual survey 2025", year=2025, status="closed")
    search = f"?wave={new.id}&waves={old.id}&waves={new.id}&question=sector&weighted=0"

    def page():
        tree = dash.page("/dashboard/explorer", search)
        rows = next((t for t in tables(tree) if t and "Public" in t[0]), [])
        return text_of(tree), {row[0]: row[1] for row in rows[1:]}

    dash.open()
    assert "Survey 2019 is not compared" in page()[0]
    links = (("public", "government"), ("public", "agency"), ("private", "private"))
    concordance.save_match(
        session, data=concordance.MatchData(old_version.id, new_version.id, "sector", "sector", links=links)
    )
    text, shares = page()
    assert "not compared" not in text and shares["Survey 2019"].startswith("50")
    # Past responses brought into the 2019 wave: 10 more public sector answers, 20 of 30.
    session.add(ResponseImport(wave_id=old.id, file_name="survey-2019.csv", sha256="0" * 64, rows_stored=10))
    for _i in range(10):
        make_response(session, old, {"sector": "public"}, commit=False)
    session.commit()
    assert page()[1]["Survey 2019"].startswith("67")


def test_two_earlier_waves_mapped_differently_are_each_compared_through_their_own_entry(app, session, survey):
    """2019 gathers government and agency into "public"; 2022 maps one answer to each. Both are compared,
    each through its own entry, on the groups both entries match (government and agency together)."""
    old_version, new_version, old, new = survey
    mid_version = make_instrument_version(
        session, definition=_definition(("state", "ngo", "business"), "m"), code="mid"
    )
    with app.test_request_context():
        mid = waves.record_past_wave(
            session,
            data=waves.WaveData(
                mid_version.id, "Survey 2022", 2022, datetime(2022, 3, 1, tzinfo=UTC), datetime(2022, 4, 1, tzinfo=UTC)
            ),
        )
    for answer in ["state"] * 6 + ["ngo"] * 6 + ["business"] * 8:
        make_response(session, mid, {"sector": answer}, commit=False)
    session.commit()
    with app.test_request_context():
        for version, links in (
            (old_version, (("public", "government"), ("public", "agency"), ("private", "private"))),
            (mid_version, (("state", "government"), ("ngo", "agency"), ("business", "private"))),
        ):
            concordance.save_match(
                session, data=concordance.MatchData(version.id, new_version.id, "sector", "sector", links=links)
            )
        chosen = Filters(wave=new.id, waves=(old.id, mid.id, new.id), weighted=False)
        (section,) = explorer.build(View(select(session, chosen), EVERYTHING, "en")).sections
    (table,) = section.tables
    assert table.columns[1:] == ["Public", "Private"]
    shares = {row.cells[0]: row.cells[1] for row in table.rows}
    assert shares["Survey 2019"].startswith("50")
    assert shares["Survey 2022"].startswith("60")  # state and ngo: 12 of 20
    assert shares["Annual survey 2026"].startswith("50")
    assert not any("is not compared" in caveat for caveat in section.caveats)
    assert any("through its own entry" in caveat for caveat in section.caveats)
