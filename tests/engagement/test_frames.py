"""Engagement records as DataFrames of codes for analysis/, the barrier list, and the demo records."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import select

from engagement import frames, schemas, services
from engagement import vocabularies as vocab
from engagement.models import CallForInput, Concern, EvidenceItem, ImpactRecord
from surveys.xlsform.reading import parse_xlsform
from tests.factories import make_concern, make_impact, make_stakeholder

INSTRUMENT = Path(__file__).resolve().parents[2] / "surveys" / "instruments" / "annual_survey.xlsx"


def test_barriers_mirror_the_annual_survey_choice_list():
    definition = parse_xlsform(INSTRUMENT.read_bytes(), INSTRUMENT.name)
    survey_codes = [choice.name for choice in definition.choices["barrier"] if choice.name != "none"]
    assert list(vocab.BARRIER.codes) == survey_codes


def test_evidence_frame_says_which_items_are_in_all_six_languages(session):
    for kind, title, languages in (
        ("strategy", "Strategy", ["en", "fr", "es", "ar", "ru", "zh"]),
        ("consultation", "Stakeholder day", ["en"]),
    ):
        services.save_record(
            session=session,
            record_type=services.EVIDENCE,
            record=None,
            actor_id=None,
            data=schemas.EvidenceCreate(kind=kind, title=title, issued_on=date(2015, 1, 17), languages=languages),
        )
    frame = frames.evidence_frame(session).set_index("kind")
    assert list(frames.evidence_frame(session).columns) == frames.EVIDENCE_COLUMNS
    assert frame.loc["strategy", "languages"] == "ar;zh;en;fr;ru;es"
    assert bool(frame.loc["strategy", "all_languages"]) and not bool(frame.loc["consultation", "all_languages"])
    assert frame.loc["consultation", "n_languages"] == 1
    completeness = {row.kind: (row.exists, row.complete) for row in services.evidence_completeness(session)}
    assert completeness == {
        "strategy": (True, True),
        "implementation_plan": (False, False),
        "procedures": (False, False),
        "consultation": (True, False),
    }


def test_impact_frame_holds_published_records_without_personal_data(session):
    make_impact(session, title="Published in Kenya", country="KE", region=None)
    make_impact(session, title="Waiting", status="pending")
    frame = frames.impact_frame(session)
    assert list(frame.columns) == frames.IMPACT_COLUMNS
    assert len(frame) == 1
    assert frame.loc[0, "region"] == "AFR"  # from the country's regional group
    assert frame.loc[0, "published_on"] is not None
    assert not any("submitter" in column or "email" in column for column in frame.columns)
    assert len(frames.impact_frame(session, published_only=False)) == 2


def test_concerns_frame_gives_time_to_answer_and_who_raised_them_by_group(session):
    person = make_stakeholder(session, name="Ana Lima", country="BR", category="ngo")
    make_concern(
        session,
        summary="Answered",
        raised_on=date(2025, 3, 1),
        status="answered",
        answered_on=date(2025, 3, 15),
        raised_by=person,
    )
    make_concern(session, summary="Open", raised_on=date(2025, 4, 1))
    frame = frames.concerns_frame(session).set_index("id")
    answered, still_open = frame.iloc[0], frame.iloc[1]
    assert (answered["days_to_answer"], bool(answered["addressed"])) == (14, True)
    assert (answered["raised_by_region"], answered["raised_by_category"]) == ("GRULAC", "ngo")
    assert bool(still_open["addressed"]) is False and str(still_open["days_to_answer"]) == "<NA>"


def test_calls_frame(session):
    services.save_record(
        session=session,
        record_type=services.CALLS,
        record=None,
        actor_id=None,
        data=schemas.CallCreate(title="Call", opened_on=date(2024, 2, 5), responses=212, audience=["ilk", "experts"]),
    )
    services.save_record(
        session=session,
        record_type=services.CALLS,
        record=None,
        actor_id=None,
        data=schemas.CallCreate(title="Uncounted", opened_on=date(2025, 9, 15)),
    )
    frame = frames.calls_frame(session)
    assert list(frame.columns) == frames.CALL_COLUMNS
    assert frame["responses"].tolist()[0] == 212 and str(frame["responses"].tolist()[1]) == "<NA>"
    assert frame.loc[0, "audience"] == "experts;ilk" and frame.loc[0, "year"] == 2024


def test_empty_frames_have_their_columns(session):
    assert list(frames.barrier_actions_frame(session).columns) == frames.BARRIER_ACTION_COLUMNS
    assert list(frames.concerns_frame(session).columns) == frames.CONCERN_COLUMNS
    assert frames.impact_frame(session).empty


def test_demo_data_holds_every_kind_of_record(seeded, session):
    assert session.exec(select(EvidenceItem)).first() is not None
    impacts = session.exec(select(ImpactRecord)).all()
    assert {r.status for r in impacts} == {"published", "pending", "rejected"}
    concerns = frames.concerns_frame(session)
    assert concerns["days_to_answer"].notna().any() and (concerns["status"] == "open").any()
    assert session.exec(select(CallForInput)).first() is not None
    assert session.exec(select(Concern).where(Concern.raised_by_id.is_not(None))).first() is not None
