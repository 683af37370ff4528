"""The report compares a question across waves only through the concordance (issue 16): an old
six-option motivation question compared by name with a twelve-option one is not reported as a
change; once the concordance maps the twelve choices into the six, it is compared on the harmonised
set, the newer answers recoded into the older choices."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from presentation.builder import Builder
from presentation.sections.survey import survey_section
from reports.data import load
from surveys import concordance, waves
from surveys.definition import Choice, Definition, Page, Question
from tests.factories import make_instrument_version, make_response, make_stakeholder, make_wave, six

OLD = ("networking", "learning", "influence", "visibility", "funding", "mandate")
NEW = (*OLD, "peers", "training", "policy", "reputation", "grants", "duty")


def _definition(choices, form_id) -> Definition:
    question = Question(
        name="motivation", type="select_multiple", labels=six("Why do you take part?"), list_name=f"m{len(choices)}"
    )
    return Definition(
        form_id=form_id,
        version="1",
        titles=six("Survey"),
        pages=(Page(name="p", labels=six("Page"), items=(question,)),),
        choices={f"m{len(choices)}": tuple(Choice(name=c, labels=six(c.title())) for c in choices)},
    )


@pytest.fixture
def two_waves(session):
    old_version = make_instrument_version(session, definition=_definition(OLD, "old"), code="survey-2019")
    new_version = make_instrument_version(session, definition=_definition(NEW, "new"), code="annual-survey")
    old = waves.record_past_wave(
        session,
        data=waves.WaveData(
            version_id=old_version.id,
            name="Survey 2019",
            year=2019,
            opens_at=datetime(2019, 3, 1, tzinfo=UTC),
            closes_at=datetime(2019, 4, 1, tzinfo=UTC),
        ),
    )
    new = make_wave(session, version=new_version, name="Annual survey 2024", year=2024, status="closed")
    # 2019: 20 of 100 name networking. 2024: 20 networking, 35 "peers" (a new choice, networking by
    # another name): by name, networking would not move, nor would it compare like with like.
    for i in range(100):
        make_response(session, old, {"motivation": ["networking"] if i < 20 else ["learning"]}, commit=False)
    for i in range(100):
        answer = ["networking"] if i < 20 else ["peers"] if i < 55 else ["training"]
        make_response(session, new, {"motivation": answer}, commit=False)
    session.commit()
    return old_version, new_version, old, new


def _section(session, old, new):
    with force_locale("en"):
        return survey_section(Builder(load(session, [old.id, new.id]), "en"))


def _change_table(section):
    return next((t for t in section.tables if t.title.startswith("Change from")), None)


def test_differing_choice_sets_are_not_compared_without_the_concordance(app, session, two_waves):
    with app.test_request_context():
        _old_version, _new_version, old, new = two_waves
        section = _section(session, old, new)
        table = _change_table(section)
        assert table is None or not any(row.cells[0] == "Why do you take part?" for row in table.rows)
        assert any("Why do you take part?: not compared" in caveat for caveat in section.caveats)


def test_a_several_to_one_mapping_compares_on_the_older_choices(app, session, two_waves):
    with app.test_request_context():
        old_version, new_version, old, new = two_waves
        links = tuple((c, c) for c in OLD) + (("networking", "peers"), ("learning", "training"))
        concordance.save_match(
            session,
            data=concordance.MatchData(old_version.id, new_version.id, "motivation", "motivation", links=links),
        )
        section = _section(session, old, new)
        rows = {
            row.cells[1]: row.cells for row in _change_table(section).rows if row.cells[0] == "Why do you take part?"
        }
        # networking: 20 % in 2019, 55 % in 2024 once "peers" counts as networking.
        assert rows["Networking"][2:4] == ["20.0%", "55.0%"] or rows["Networking"][2:4] == ["20%", "55%"]
        assert rows["Networking"][6] == "✓"
        assert "Peers" not in rows and "Training" not in rows
        assert any("recoded into those of Survey 2019" in caveat for caveat in section.caveats)


def test_the_mapped_comparison_goes_through_each_waves_raked_design(app, session, two_waves):
    old_version, new_version, old, new = two_waves
    for i in range(4):
        make_stakeholder(session, name=f"Registered {i}", with_account=False)  # the respondents' profile
    with app.test_request_context():
        links = tuple((c, c) for c in OLD) + (("networking", "peers"),)
        concordance.save_match(
            session,
            data=concordance.MatchData(old_version.id, new_version.id, "motivation", "motivation", links=links),
        )
        builder = Builder(load(session, [old.id, new.id]), "en")
        assert builder.weighting[new.id] is not None  # raked: the estimates have calibrated variances
        with force_locale("en"):
            section = survey_section(builder)
        table = _change_table(section)
        rows = {row.cells[1]: row.cells for row in table.rows if row.cells[0] == "Why do you take part?"}
        assert rows["Networking"][2:4] in (["20.0%", "55.0%"], ["20%", "55%"])


def test_the_same_version_compares_by_name(app, session, two_waves):
    with app.test_request_context():
        _old_version, new_version, _old, new = two_waves
        again = make_wave(session, version=new_version, name="Annual survey 2025", year=2025, status="closed")
        for _i in range(30):
            make_response(session, again, {"motivation": ["duty"]}, commit=False)
        session.commit()
        section = _section(session, new, again)
        table = _change_table(section)
        assert any(row.cells[1] == "Duty" for row in table.rows)
        assert not any("not compared" in caveat for caveat in section.caveats)
