"""`seed-demo` survey data: the waves, their responses, languages and drafts."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlmodel import func, select

from surveys import answering, waves
from surveys.definition import Definition
from surveys.demo import DROPPED_IN_V1
from surveys.frame import responses_frame
from surveys.models import Answer, Instrument, InstrumentVersion, Response, Wave


def _waves(session) -> dict[str, Wave]:
    session.expire_all()
    return {wave.name: wave for wave in session.exec(select(Wave).order_by(Wave.id))}


def test_demo_has_three_waves_with_responses_languages_and_drafts(runner, session, backend):
    assert runner.invoke(args=["seed-demo", "--scale", "0.1"]).exit_code == 0
    found = _waves(session)

    assert list(found) == ["Needs analysis 2024", "Annual survey 2025", "Annual survey 2026"]
    states = [waves.state(wave) for wave in found.values()]
    assert states == ["closed", "closed", "open"]
    annual = session.exec(select(Instrument).where(Instrument.code == "annual-survey")).one()
    v2025 = session.get(InstrumentVersion, found["Annual survey 2025"].version_id)
    v2026 = session.get(InstrumentVersion, found["Annual survey 2026"].version_id)
    assert (v2025.instrument_id, v2025.number, v2026.number) == (annual.id, 1, 2)
    assert v2025.content_hash != v2026.content_hash
    assert DROPPED_IN_V1 not in {q.name for q in Definition.from_dict(v2025.definition).questions()}
    assert found["Annual survey 2026"].previous_wave_id == found["Annual survey 2025"].id

    frame = responses_frame(session, [wave.id for wave in found.values()])
    assert frame.groupby("wave", observed=True).size().to_dict() == {name: 100 for name in found}
    languages = Counter(frame["language"])
    assert languages["en"] > languages["es"] > languages["fr"] > max(languages["ar"], languages["ru"], languages["zh"])
    assert languages["en"] > len(frame) / 2
    assert set(frame["channel"]) == {"invitation", "open_link"}
    assert frame.loc[frame["channel"] == "open_link", "network"].notna().all()
    assert frame["regional_group"].notna().all() and frame["country"].notna().all()
    # The question version 1 lacked is missing for 2025 and answered in 2026.
    asked = frame.groupby("year")[DROPPED_IN_V1].count()
    assert asked[2025] == 0 and asked[2026] > 0

    for wave in found.values():
        pages = len(session.get(InstrumentVersion, wave.version_id).definition["pages"])
        drafts = session.exec(select(Response).where(Response.wave_id == wave.id, Response.status == "draft")).all()
        assert drafts and all(d.last_page < pages and d.submitted_at is None for d in drafts)
        assert (
            session.exec(
                select(func.count())
                .select_from(Answer)
                .join(Response)
                .where(Response.wave_id == wave.id, Response.status == "draft")
            ).one()
            == 0
        )


def test_demo_answers_follow_skip_logic_and_constraints(runner, session, backend):
    if backend != "sqlite":
        pytest.skip("the answers do not depend on the database")
    assert runner.invoke(args=["seed-demo", "--scale", "0.05"]).exit_code == 0
    for wave in _waves(session).values():
        definition = Definition.from_dict(session.get(InstrumentVersion, wave.version_id).definition)
        questions = {q.name: q for q in definition.questions()}
        for response in session.exec(
            select(Response).where(Response.wave_id == wave.id, Response.status == "submitted")
        ):
            raw = {}
            for answer in session.exec(select(Answer).where(Answer.response_id == response.id)):
                question = questions[answer.question]
                if question.type == "select_multiple":
                    raw[answer.question] = answer.value_text.split()
                elif question.type in ("integer", "decimal"):
                    raw[answer.question] = f"{answer.value_number:g}"
                elif question.type == "date":
                    raw[answer.question] = answer.value_date.isoformat()
                else:
                    raw[answer.question] = answer.value_text
            registry = response.open_link_id is None
            assert answering.validate_all(definition, raw, registry=registry) == {}, (wave.name, response.id)
            assert set(raw) == set(answering.kept_answers(definition, raw, registry=registry))


def test_full_demo_surveys_differ_by_region_like_2020(runner, session, backend):
    if backend != "sqlite":
        pytest.skip("the full seed takes a while and its shape does not depend on the database")
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    found = _waves(session)
    frame = responses_frame(session, [found["Annual survey 2025"].id, found["Annual survey 2026"].id])

    assert len(frame) == 2000
    shares = frame["language"].value_counts(normalize=True)
    assert 0.6 < shares["en"] < 0.8 and shares[["ar", "ru", "zh"]].sum() < 0.05
    agree = frame["open_to_stakeholders"].isin(["agree", "strongly_agree"])
    by_region = agree.groupby(frame["regional_group"], observed=True).mean()
    assert by_region["AFR"] > by_region["WEOG"] + 0.1  # 82% against 65% in 2020
    by_year = agree.groupby(frame["year"]).mean()
    assert by_year[2026] > by_year[2025]
