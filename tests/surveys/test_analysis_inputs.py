"""The invitations and registry-margin tables the survey statistics read from the database."""

import secrets

from sqlmodel import select

from analysis.response_rates import response_rates
from core.timeutil import utcnow
from surveys.analysis_inputs import invitations_frame, registry_margin_frame
from surveys.models import InstrumentVersion, Invitation
from tests.factories import make_invitation, make_response, make_stakeholder, make_wave


def wave_version(session, wave):
    return session.get(InstrumentVersion, wave.version_id)


def test_invitations_frame_marks_who_responded_with_their_registry_profile(session):
    wave = make_wave(session, name="Annual survey 2025", year=2025)
    other = make_wave(session, version=wave_version(session, wave), name="Needs survey 2025", year=2025)
    kenyans = [make_stakeholder(session, name=f"Kenyan {i}", country="KE", category="science") for i in range(2)]
    french = [make_stakeholder(session, name=f"French {i}", country="FR", category="ngo") for i in range(3)]
    for person in (*kenyans, *french):
        make_invitation(session, wave=wave, stakeholder=person)
    make_invitation(session, wave=other, stakeholder=kenyans[1])
    session.add(
        Invitation(
            wave_id=wave.id, stakeholder_id=make_stakeholder(session, name="Unsent").id, token=secrets.token_urlsafe(8)
        )
    )  # never sent: not invited yet
    make_response(session, wave, stakeholder=kenyans[0])
    make_response(session, wave, stakeholder=french[0])
    make_response(session, wave, stakeholder=french[1], status="draft")  # a draft is no response
    make_response(session, other, stakeholder=kenyans[0])  # answered a wave they were not invited to: not counted there

    frame = invitations_frame(session, [wave.id])

    assert len(frame) == 5
    assert set(frame["wave"]) == {"Annual survey 2025"} and set(frame["year"]) == {2025}
    kenya = frame[frame["country"] == "KE"]
    assert set(kenya["regional_group"]) == {"AFR"} and set(kenya["category"]) == {"science"}
    assert frame.groupby("country", observed=True)["responded"].agg(["sum", "size"]).to_dict("index") == {
        "FR": {"sum": 1, "size": 3},
        "KE": {"sum": 1, "size": 2},
    }
    both = invitations_frame(session, [wave.id, other.id])
    assert both.groupby("wave_id")["responded"].agg(["sum", "size"]).loc[other.id].tolist() == [0, 1]

    rates = response_rates(frame)
    assert rates.overall.loc["Annual survey 2025", ["invited", "responded"]].tolist() == [5, 2]
    by_region = rates.by_group[rates.by_group["breakdown"] == "regional_group"].set_index("group")
    assert by_region.loc["AFR", "share"] == 0.5 and round(by_region.loc["WEOG", "share"], 6) == round(1 / 3, 6)


def test_an_erased_invitee_counts_under_unknown(session):
    wave = make_wave(session)
    person = make_stakeholder(session, name="Leaving", country="KE")
    make_invitation(session, wave=wave, stakeholder=person)
    invitation = session.exec(select(Invitation)).one()
    invitation.stakeholder_id = None  # what erasure does to an unanswered invitation
    session.add(invitation)
    session.commit()

    frame = invitations_frame(session, [wave.id])
    assert len(frame) == 1 and frame["regional_group"].isna().all() and frame["responded"].tolist() == [0]


def test_invitations_frame_of_a_wave_without_invitations_is_empty(session):
    frame = invitations_frame(session, [make_wave(session).id])
    assert frame.empty and list(frame.columns)[-1] == "responded"
    assert response_rates(frame).overall.empty


def test_registry_margins_count_active_stakeholders_only(session):
    make_stakeholder(session, name="A", country="KE", category="science", gender="female")
    make_stakeholder(session, name="B", country="GH", category="ngo", gender="male")
    make_stakeholder(session, name="C", country="FR", category="science", gender="female")
    make_stakeholder(session, name="Gone", country="FR", category="ngo", gender="male", is_active=False)
    erased = make_stakeholder(session, name="Erased", country="FR", category="ngo", gender="male")
    erased.erased_at = utcnow()
    session.add(erased)
    session.commit()

    margins = registry_margin_frame(session)
    counts = {(row.variable, row.value): row.count for row in margins.itertuples()}
    assert counts == {
        ("regional_group", "AFR"): 2,
        ("regional_group", "WEOG"): 1,
        ("category", "ngo"): 1,
        ("category", "science"): 2,
        ("gender", "female"): 2,
        ("gender", "male"): 1,
    }


def test_registry_margins_of_an_empty_registry(session):
    margins = registry_margin_frame(session)
    assert margins.empty and list(margins.columns) == ["variable", "value", "count"]
