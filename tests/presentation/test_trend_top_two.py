"""Indicator trends through the concordance (issue 16): an earlier wave that asked the clarity item on
another Likert scale enters the trend on its own scale's top-two box, and the by-year table says so."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import force_locale

from presentation.builder import Builder
from presentation.sections import group_section
from reports.data import load
from surveys import concordance, waves
from surveys.definition import Choice, Definition, Page, Question
from tests.factories import make_instrument_version, make_response, make_stakeholder, make_wave, six

USEFUL4 = ("very_useful", "useful", "not_very_useful", "not_useful")  # most favourable first
AGREE5 = ("strongly_agree", "agree", "neutral", "disagree", "strongly_disagree")


def _definition(list_name, choices, form_id) -> Definition:
    question = Question(name="clarity", type="select_one", labels=six("It is clear how to engage"), list_name=list_name)
    return Definition(
        form_id,
        "1",
        six("S"),
        (Page("p", six("P"), (question,)),),
        {list_name: tuple(Choice(c, six(c)) for c in choices)},
    )


def test_an_earlier_wave_on_another_scale_enters_the_trend_on_its_top_two_box(app, session):
    old_version = make_instrument_version(session, definition=_definition("useful4", USEFUL4, "o"), code="old")
    new_version = make_instrument_version(session, definition=_definition("agree5", AGREE5, "n"), code="new")
    links = (("very_useful", "strongly_agree"), ("useful", "agree"), ("not_very_useful", "disagree"))
    with app.test_request_context():
        concordance.save_match(
            session,
            data=concordance.MatchData(
                old_version.id,
                new_version.id,
                "clarity",
                "clarity",
                links=(*links, ("not_useful", "strongly_disagree")),
            ),
        )
        data = waves.WaveData(
            old_version.id, "Survey 2019", 2019, datetime(2019, 3, 1, tzinfo=UTC), datetime(2019, 4, 1, tzinfo=UTC)
        )
        old = waves.record_past_wave(session, data=data)
    new = make_wave(session, version=new_version, name="Annual survey 2024", year=2024, status="closed")
    for answer in ["very_useful"] * 12 + ["useful"] * 8 + ["not_very_useful"] * 10 + ["not_useful"] * 10:
        make_response(session, old, {"clarity": answer}, commit=False)  # top two: 20 of 40
    for answer in ["agree"] * 30 + ["neutral"] * 10:
        make_response(session, new, {"clarity": answer}, commit=False)  # top two: 30 of 40
    for i in range(4):
        make_stakeholder(session, name=f"Registered {i}", with_account=False)  # a register to weight against
    session.commit()
    with app.test_request_context(), force_locale("en"):
        section = group_section(Builder(load(session, [old.id, new.id]), "en"), "commitment")
    table = next(t for t in section.tables if t.title.endswith("by year"))
    shares = {row.cells[0]: row.cells[1] for row in table.rows}
    assert set(shares) == {"2019", "2024"}
    assert shares["2019"].startswith("50") and shares["2024"].startswith("75")
    assert "Survey 2019" in table.note and "top-two box" in table.note
