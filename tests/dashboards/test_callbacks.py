"""The dashboard's callbacks, posted as the browser posts them, checked against the analysis
functions run on the same frames: the cards, the filters in the URL, a focal point's confinement
to their own country, and the user's language."""

from __future__ import annotations

import re

import pandas as pd
from flask_babel import force_locale
from sqlmodel import select

from analysis import indicators
from analysis.indicators import capacity, commitment, communication, diversity, impact, participation
from core.accounts.models import User
from core.reference.countries import country_name
from presentation.builder import GROUP_TITLES
from presentation.data import ReportData
from presentation.labels import Labeller
from presentation.weights import current_registry, raking_targets, weigh_waves
from reports import data as report_data
from tests.dashboards.conftest import FOCAL_KE, LATEST_WAVE, SECRETARIAT, as_text, cards, sign_in, tables
from tests.reading import translated


def _results(frames: ReportData, registry: pd.DataFrame, participation_records: pd.DataFrame, margins: dict) -> dict:
    """Each indicator group's result, straight from the analysis functions."""
    history, _weighting = weigh_waves(frames.history, margins)
    return {
        "commitment": commitment.commitment(frames.evidence, history, weights="weight"),
        "capacity": capacity.capacity(history, frames.actions, weights="weight"),
        "participation": participation.participation(participation_records, registry),
        "diversity": diversity.diversity(registry, participation_records, history, member_states=frames.member_states),
        "impact": impact.impact(frames.impact, history, weights="weight"),
        "communication": communication.communication(
            frames.calls, frames.invitations, history, frames.concerns, weights="weight"
        ),
    }


def _formatted(head, lang: str) -> str:
    lab = Labeller(lang)
    if head.unit == "share":
        return lab.percent(head.value)
    if head.unit == "count":
        return lab.number(head.value)
    return lab.number(head.value, 2)


def expected_cards(app, session, lang: str = "en", regional_group: str | None = None) -> dict[str, str]:
    """Group title (in `lang`) -> the headline value the card must show."""
    frames = report_data.load(session, [LATEST_WAVE])
    everyone = current_registry(frames.registry)
    registry, records = everyone, frames.participation
    if regional_group:
        registry = registry[registry["regional_group"].astype(object) == regional_group]
        records = records[records["regional_group"].astype(object) == regional_group]
    results = _results(frames, registry, records, raking_targets(everyone))
    year = frames.waves[-1].year
    with app.test_request_context(), force_locale(lang):
        return {
            str(GROUP_TITLES[group]): _formatted(indicators.headline(result, year), lang)
            for group, result in results.items()
        }


def test_overview_cards_are_the_indicator_headlines(app, seeded, session, client, dash):
    sign_in(client, SECRETARIAT)
    dash.open()

    shown = cards(dash.page("/dashboard/"))

    assert {title: card["value"] for title, card in shown.items()} == expected_cards(app, session)
    assert len(shown) == 6
    assert all(card["measure"] and card["change"] and card["status"] for card in shown.values())


def test_the_regional_filter_in_the_url_narrows_the_figures(app, seeded, session, client, dash):
    sign_in(client, SECRETARIAT)
    dash.open()
    title = str(GROUP_TITLES["participation"])

    search = dash.to_url({"wave": None, "regional_group": "AFR", "country": None})
    everywhere = cards(dash.page("/dashboard/"))
    african = cards(dash.page("/dashboard/", search))

    assert search == "?regional_group=AFR"
    expected = expected_cards(app, session, regional_group="AFR")
    assert african[title]["value"] == expected[title]
    assert african[title]["value"] != everywhere[title]["value"]

    # The participation page's table by regional group lists the African States alone.
    page = dash.page("/dashboard/group/participation", search)
    regions = {row[0] for table in tables(page) for row in table[1:]}
    assert "African States" in regions and "Western European and other States" not in regions


def _other_country(session) -> str:
    """The country besides Kenya with the most registered stakeholders."""
    from stakeholders.frames import registry_frame

    counts = registry_frame(session)["country"].astype(object).value_counts()
    return next(code for code in counts.index if code != "KE")


def test_a_focal_point_gets_their_own_country_whatever_the_request_says(seeded, session, client, dash):
    other = _other_country(session)
    other_name = country_name(other, "en")
    sign_in(client, FOCAL_KE)
    dash.open()

    own = dash.page("/dashboard/")
    asked_for_other = dash.page("/dashboard/", f"?country={other}")
    asked_for_region = dash.page("/dashboard/", "?regional_group=WEOG")

    assert asked_for_other == own and asked_for_region == own
    assert "Kenya" in as_text(own) and other_name not in as_text(asked_for_other)
    path = "/dashboard/group/participation"
    assert dash.page(path, f"?country={other}") == dash.page(path, "")
    assert other_name not in as_text(dash.page(path, f"?country={other}"))
    # The controls cannot widen it either: the URL they write keeps Kenya.
    assert dash.to_url({"country": other, "regional_group": "WEOG"}) == "?country=KE"
    # Downloads are built from the same confined view.
    assert dash.download_table("/dashboard/group/participation", f"?country={other}", 0, "csv") == dash.download_table(
        "/dashboard/group/participation", "?country=KE", 0, "csv"
    )


def test_a_focal_points_diversity_page_shows_their_country(seeded, session, client, dash):
    """Kenya's registry leaves some regional groups empty: their ratios are missing, not an error."""
    other = _other_country(session)
    sign_in(client, FOCAL_KE)
    dash.open()

    page = dash.page("/dashboard/group/diversity", f"?country={other}")

    assert page == dash.page("/dashboard/group/diversity", "")
    assert tables(page) and country_name(other, "en") not in as_text(page)


def test_the_secretariat_sees_the_country_it_asks_for(seeded, session, client, dash):
    other = _other_country(session)
    sign_in(client, SECRETARIAT)
    dash.open()

    assert dash.page("/dashboard/group/participation", f"?country={other}") != dash.page(
        "/dashboard/group/participation", ""
    )


def _set_locale(session, email: str, locale: str) -> None:
    user = session.exec(select(User).where(User.email == email)).one()
    user.locale = locale
    session.add(user)
    session.commit()


def test_the_dashboard_speaks_the_users_language(app, seeded, session, client, dash):
    _set_locale(session, SECRETARIAT, "fr")
    sign_in(client, SECRETARIAT)

    page = dash.open().get_data(as_text=True)
    layout = as_text(client.get("/dashboard/_dash-layout").get_json())
    shown = cards(dash.page("/dashboard/"))

    assert re.search(r'<html lang="fr" dir="ltr">', page)
    title = translated(app, "fr", "Engagement indicators")
    assert f"<title>{title}</title>" in page and title in layout
    diversity_title = translated(app, "fr", "Diversity")
    assert diversity_title != "Diversity" and diversity_title in shown
    assert {t: card["value"] for t, card in shown.items()} == expected_cards(app, session, "fr")
    assert re.fullmatch(r"\d,\d\d", shown[diversity_title]["value"])  # Babel's French decimal comma


def test_arabic_pages_read_right_to_left(app, seeded, session, client, dash):
    _set_locale(session, SECRETARIAT, "ar")
    sign_in(client, SECRETARIAT)

    page = dash.open().get_data(as_text=True)
    shown = cards(dash.page("/dashboard/"))

    assert re.search(r'<html lang="ar" dir="rtl">', page)
    assert translated(app, "ar", "Diversity") in shown
    african = translated(app, "ar", "African States")
    assert african != "African States" and african in as_text(dash.controls())
