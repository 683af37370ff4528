"""The tidy frame: what analysts get from `responses_frame` and `question_catalog`."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest

from analysis.catalog import shown_column
from analysis.survey_results import wave_results
from surveys.definition import Page, Question
from surveys.frame import META_COLUMNS, question_catalog, responses_frame
from surveys.models import ResponseImport
from tests.factories import (
    make_definition,
    make_instrument_version,
    make_open_link,
    make_response,
    make_stakeholder,
    make_wave,
    six,
)

pytestmark = pytest.mark.usefixtures("backend")


def test_one_row_per_submitted_response_with_typed_columns(session):
    version = make_instrument_version(session)
    wave = make_wave(session, version=version)
    link = make_open_link(session, wave=wave, network="Young ecologists network")
    first = make_response(
        session,
        wave,
        {
            "roles": ["author", "other"],
            "roles_other": "Illustrator",
            "years": 12,
            "engaged": "yes",
            "clear_how": "4",
            "transparent": "2",
            "comments": "Plus de webinaires",
        },
        language="fr",
    )
    second = make_response(
        session,
        wave,
        {"roles": ["user"], "engaged": "no"},
        link=link,
        language="es",
        country="BR",
        category="ngo",
        gender="male",
        stakeholder_type="end_user",
    )
    make_response(session, wave, {"roles": ["reviewer"]}, status="draft")  # a draft is no result

    frame = responses_frame(session, [wave.id])

    assert list(frame["response_id"]) == [first.id, second.id]
    assert list(frame.columns[: len(META_COLUMNS)]) == list(META_COLUMNS)
    one, two = frame.iloc[0], frame.iloc[1]
    assert (one["wave"], one["year"], one["language"], one["channel"]) == (wave.name, 2026, "fr", "invitation")
    assert pd.isna(one["network"])
    assert (two["channel"], two["network"], two["country"], two["regional_group"]) == (
        "open_link",
        "Young ecologists network",
        "BR",
        "GRULAC",
    )
    # select_multiple: 1 chosen, 0 answered but not chosen.
    assert [one[f"roles__{c}"] for c in ("author", "reviewer", "user", "other")] == [1, 0, 0, 1]
    assert [two[f"roles__{c}"] for c in ("author", "reviewer", "user", "other")] == [0, 0, 1, 0]
    assert "roles" not in frame.columns
    assert one["roles_other"] == "Illustrator" and pd.isna(two["roles_other"])
    assert str(frame["years"].dtype) == "Int64" and one["years"] == 12 and pd.isna(two["years"])
    assert isinstance(frame["clear_how"].dtype, pd.CategoricalDtype)
    assert list(frame["clear_how"].cat.categories) == ["1", "2", "3", "4", "5"]
    assert one["clear_how"] == "4" and pd.isna(two["clear_how"])  # skipped by skip logic
    assert frame["comments"].dtype == "string" and one["comments"] == "Plus de webinaires"
    assert frame["submitted_at"].dt.tz is not None


def test_not_asked_is_missing_not_zero(session):
    version = make_instrument_version(session)
    wave = make_wave(session, version=version)
    make_response(session, wave, {"roles": ["author"], "engaged": "yes"})
    make_response(session, wave, {"engaged": "no"})  # left the question empty

    frame = responses_frame(session, [wave.id])

    assert frame["roles__author"].tolist()[0] == 1
    assert frame[["roles__author", "roles__user"]].iloc[1].isna().all()
    assert frame["roles__author"].mean() == 1.0  # a share of those who answered


def test_numbers_and_dates_keep_their_types(session):
    definition = make_definition()
    extra = (
        Question(name="share", type="decimal", labels=six("Share of time")),
        Question(name="since", type="date", labels=six("Since when")),
    )
    definition = replace(definition, pages=(*definition.pages, Page(name="more", labels=six("More"), items=extra)))
    version = make_instrument_version(session, definition=definition)
    wave = make_wave(session, version=version)
    make_response(session, wave, {"engaged": "no", "share": 12.5, "since": date(2019, 3, 14), "years": 0})
    make_response(session, wave, {"engaged": "no"})

    frame = responses_frame(session, [wave.id])

    assert frame["share"].tolist()[0] == 12.5 and np.isnan(frame["share"].tolist()[1])
    assert pd.api.types.is_datetime64_any_dtype(frame["since"])
    assert frame["since"].iloc[0] == pd.Timestamp("2019-03-14") and pd.isna(frame["since"].iloc[1])
    assert frame["years"].iloc[0] == 0  # zero is an answer, not a missing value


def test_questions_are_matched_across_versions_by_name(session):
    old = make_instrument_version(session)
    definition = make_definition(version="2")
    about = definition.pages[0]
    added = Question(name="network_member", type="select_one", labels=six("Member of a network?"), list_name="yes_no")
    # Version 2 asks one more question and lists one more role.
    roles = (*definition.choices["roles"], replace(definition.choices["roles"][0], name="fellow"))
    definition = replace(
        definition,
        pages=(replace(about, items=(*about.items, added)), *definition.pages[1:]),
        choices={**definition.choices, "roles": roles},
    )
    new = make_instrument_version(session, definition=definition)
    assert new.instrument_id == old.instrument_id and new.id != old.id
    wave_2025 = make_wave(session, version=old, name="Annual survey 2025", year=2025)
    wave_2026 = make_wave(session, version=new, name="Annual survey 2026", year=2026)
    make_response(session, wave_2025, {"roles": ["author"], "engaged": "yes", "clear_how": "2"})
    latest = make_response(
        session, wave_2026, {"roles": ["fellow"], "engaged": "yes", "clear_how": "5", "network_member": "yes"}
    )

    frame = responses_frame(session, [wave_2025.id, wave_2026.id])

    assert frame["year"].tolist() == [2025, 2026]
    assert frame["version"].tolist() == [1, 2]
    assert frame["clear_how"].tolist() == ["2", "5"]  # one column for both years
    assert pd.isna(frame["network_member"].iloc[0]) and frame["network_member"].iloc[1] == "yes"
    assert frame["roles__fellow"].tolist() == [0, 1]
    only = responses_frame(session, [wave_2026.id])
    assert only["response_id"].tolist() == [latest.id]
    assert (only["clear_how"].tolist(), only["roles__fellow"].tolist()) == (["5"], [1])
    catalog = question_catalog(session, [wave_2025.id, wave_2026.id]).set_index("name")
    assert catalog.loc["network_member", "waves"] == (wave_2026.id,)
    assert set(catalog.loc["clear_how", "waves"]) == {wave_2025.id, wave_2026.id}
    assert catalog.loc["roles", "columns"][-1] == "roles__fellow"
    assert catalog.loc["roles", "indicator"] == "participation"
    assert "note" not in set(catalog["type"])


def test_profile_is_frozen_against_later_edits_and_erasure(session):
    from stakeholders import self_service

    version = make_instrument_version(session)
    wave = make_wave(session, version=version)
    person = make_stakeholder(session, country="KE", category="science", gender="female")
    response = make_response(
        session,
        wave,
        {"engaged": "no"},
        stakeholder=person,
    )
    before = responses_frame(session, [wave.id])

    person.country, person.category = "FR", "policymaker"  # moved and changed jobs since
    session.add(person)
    session.commit()
    after_edit = responses_frame(session, [wave.id])
    self_service.erase_stakeholder(session, person)
    session.commit()
    after_erasure = responses_frame(session, [wave.id])

    pd.testing.assert_frame_equal(before, after_edit)
    pd.testing.assert_frame_equal(before, after_erasure)
    assert before.loc[0, "country"] == "KE" and before.loc[0, "category"] == "science"
    session.refresh(response)
    assert response.stakeholder_id is None


def test_pii_questions_can_be_left_out(session):
    definition = make_definition()
    views = definition.pages[1]
    comments = replace(views.items[1], pii=True)
    definition = replace(definition, pages=(definition.pages[0], replace(views, items=(views.items[0], comments))))
    version = make_instrument_version(session, definition=definition)
    wave = make_wave(session, version=version)
    make_response(session, wave, {"engaged": "yes", "comments": "Call me on +254 700 000 000"})

    assert "comments" in responses_frame(session, [wave.id]).columns
    assert "comments" not in responses_frame(session, [wave.id], include_pii=False).columns


def test_waves_without_responses_give_an_empty_frame_with_the_columns(session):
    wave = make_wave(session)

    frame = responses_frame(session, [wave.id])

    assert frame.empty
    assert {"response_id", "wave", "country", "roles__author", "clear_how"} <= set(frame.columns)
    assert responses_frame(session, []).empty


def test_free_text_comes_back_exactly_whatever_it_holds(session):
    version = make_instrument_version(session)
    wave = make_wave(session, version=version)
    odd = "line one\nline two, with a comma;\x1fand a control character — ٣ 中文"
    make_response(session, wave, {"engaged": "yes", "comments": odd})
    make_response(session, wave, {"engaged": "yes", "comments": "plain"})

    assert responses_frame(session, [wave.id])["comments"].tolist() == [odd, "plain"]


def test_reading_leaves_the_sessions_settings_as_they_were(session, backend):
    from sqlalchemy import text

    wave = make_wave(session)
    make_response(session, wave, {"engaged": "no"})
    setting = "SELECT current_setting('jit')" if backend == "postgresql" else "PRAGMA foreign_keys"
    before = session.execute(text(setting)).scalar_one()

    assert len(responses_frame(session, [wave.id])) == 1
    assert session.execute(text(setting)).scalar_one() == before


def test_a_long_choice_list_expands_like_a_short_one(session):
    from surveys.definition import Choice

    definition = make_definition()
    places = tuple(Choice(name=f"c{n:02d}", labels=six(f"Country {n}")) for n in range(60))
    asked = Question(name="worked_in", type="select_multiple", labels=six("Where have you worked?"), list_name="places")
    definition = replace(
        definition,
        pages=(*definition.pages, Page(name="places", labels=six("Places"), items=(asked,))),
        choices={**definition.choices, "places": places},
    )
    version = make_instrument_version(session, definition=definition)
    wave = make_wave(session, version=version)
    make_response(session, wave, {"engaged": "no", "worked_in": ["c01", "c59"]})

    row = responses_frame(session, [wave.id]).iloc[0]

    assert (row["worked_in__c01"], row["worked_in__c59"], row["worked_in__c02"]) == (1, 1, 0)


def _with_conditional_barriers():
    """make_definition with a multiple-choice question, base `shown`, on the page shown only to the engaged."""
    definition = make_definition()
    views = definition.pages[1]
    barriers = Question(
        name="barriers", type="select_multiple", labels=six("Barriers"), list_name="roles", base="shown"
    )
    return replace(definition, pages=(definition.pages[0], replace(views, items=(*views.items, barriers))))


def test_who_was_shown_a_conditional_question_is_read_into_the_frame_and_used_as_the_base(session):
    wave = make_wave(session, version=make_instrument_version(session, definition=_with_conditional_barriers()))
    shown = ["clear_how", "transparent", "comments", "barriers"]
    make_response(session, wave, {"roles": ["author"], "engaged": "yes", "barriers": ["author"]}, shown=shown)
    make_response(session, wave, {"roles": ["author"], "engaged": "yes"}, shown=shown)  # shown, ticked nothing
    make_response(session, wave, {"roles": ["author"], "engaged": "no"}, shown=[])  # never shown it

    frame = responses_frame(session, [wave.id])
    catalog = question_catalog(session, [wave.id])

    assert frame[shown_column("barriers")].tolist() == [1.0, 1.0, 0.0]
    assert bool(catalog.set_index("name").loc["barriers", "shown_recorded"])
    results = wave_results(frame, catalog, by=())
    author = results.shares[(results.shares["question"] == "barriers") & (results.shares["choice"] == "author")]
    assert (author["estimate"].iloc[0], author["n"].iloc[0]) == (0.5, 2)
    assert results.questions.set_index("question").loc["barriers", "base"] == "shown"

    # One response submitted before shown questions were recorded: the base falls back, with a note.
    make_response(session, wave, {"roles": ["author"], "engaged": "yes", "barriers": ["author"]})
    frame, catalog = responses_frame(session, [wave.id]), question_catalog(session, [wave.id])
    assert np.isnan(frame[shown_column("barriers")].iloc[-1])
    assert not bool(catalog.set_index("name").loc["barriers", "shown_recorded"])
    results = wave_results(frame, catalog, by=())
    assert results.questions.set_index("question").loc["barriers", "base"] == "answered"
    assert any("barriers: base 'shown'" in note for note in results.notes)


def test_a_response_imported_from_a_file_has_the_import_channel(session):
    wave = make_wave(session)
    record = ResponseImport(wave_id=wave.id, file_name="annual-2019.csv", sha256="0" * 64)
    session.add(record)
    session.commit()
    imported = make_response(session, wave, {"roles": ["user"]}, stakeholder=None)
    imported.import_id = record.id
    session.add(imported)
    session.commit()
    make_response(session, wave, {"roles": ["author"]})

    frame = responses_frame(session, [wave.id])

    assert list(frame["channel"]) == ["import", "invitation"]
