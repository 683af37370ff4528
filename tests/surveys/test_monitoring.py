"""Response rates and drop-off, counted from invitations and responses."""

from surveys import monitoring, waves
from tests.factories import make_invitation, make_response, make_stakeholder, make_wave


def test_response_rates_overall_and_by_region_country_and_category(session):
    wave = make_wave(session)
    kenya = [make_stakeholder(session, name=f"Kenyan {i}", country="KE", category="science") for i in range(4)]
    ghana = make_stakeholder(session, name="Ghanaian", country="GH", category="policymaker")
    france = [make_stakeholder(session, name=f"French {i}", country="FR", category="science") for i in range(2)]
    uninvited = make_stakeholder(session, name="Uninvited", country="FR", category="ngo")
    for person in [*kenya, ghana, *france]:
        make_invitation(session, wave=wave, stakeholder=person)
    make_response(session, wave, stakeholder=kenya[0])
    make_response(session, wave, stakeholder=kenya[1])
    make_response(session, wave, stakeholder=kenya[2], status="draft", last_page=1)
    make_response(session, wave, stakeholder=ghana)
    make_response(session, wave, stakeholder=uninvited)  # not invited: not in the invitees' rate
    session.commit()

    rates = monitoring.response_rates(session, wave)
    assert (rates.overall.invited, rates.overall.submitted, rates.overall.started) == (7, 3, 1)
    assert round(rates.overall.rate, 3) == round(3 / 7, 3)
    by_region = {r.key: (r.invited, r.submitted) for r in rates.by_region}
    assert by_region == {"AFR": (5, 3), "WEOG": (2, 0)}
    assert {r.key: (r.invited, r.submitted) for r in rates.by_country} == {"KE": (4, 2), "GH": (1, 1), "FR": (2, 0)}
    by_category = {r.key: r for r in rates.by_category}
    assert (by_category["science"].invited, by_category["science"].submitted) == (6, 2)
    assert by_category["policymaker"].rate == 1.0
    assert [r.key for r in rates.by_region] == ["AFR", "WEOG"]  # largest group first


def test_rates_of_a_wave_without_invitations(session):
    rates = monitoring.response_rates(session, make_wave(session))
    assert rates.overall.invited == 0 and rates.overall.rate is None and rates.by_region == []


def test_open_link_responses_by_network(session):
    wave = make_wave(session)
    partner = waves.create_open_link(session, wave=wave, network="Future Earth")
    quiet = waves.create_open_link(session, wave=wave, network="Quiet Network")
    for _ in range(3):
        make_response(session, wave, link=partner)
    make_response(session, wave, link=partner, status="draft")
    session.commit()
    counts = {c.network: (c.started, c.submitted) for c in monitoring.open_link_responses(session, wave)}
    assert counts == {"Future Earth": (1, 3), "Quiet Network": (0, 0)}
    assert quiet.is_active


def test_drop_off_by_page(session):
    wave = make_wave(session)  # two pages: "about", "views"
    for _ in range(5):
        make_response(session, wave)
    for page, count in ((0, 3), (1, 2), (2, 1)):  # 2: past the last page, on the review page
        for _ in range(count):
            make_response(session, wave, status="draft", last_page=page)
    session.commit()
    dropoff = monitoring.drop_off(session, wave)
    assert (dropoff.submitted, dropoff.drafts) == (5, 6)
    rows = [(p.name, p.reached, p.stopped) for p in dropoff.pages]
    assert rows == [("about", 11, 3), ("views", 8, 2), ("", 6, 1)]
    assert dropoff.pages[0].labels["en"] == "About you"
    assert round(dropoff.pages[0].stopped_share, 3) == round(3 / 11, 3)


def test_drop_off_without_drafts_has_no_review_row(session):
    wave = make_wave(session)
    make_response(session, wave)
    session.commit()
    assert [(p.name, p.reached, p.stopped) for p in monitoring.drop_off(session, wave).pages] == [
        ("about", 1, 0),
        ("views", 1, 0),
    ]
