"""Names the secretariat types (waves, networks, instruments) in six languages, and what respondents
and dashboard readers then see (issue 17, item 10)."""

import pandas as pd
from flask_babel import force_locale
from sqlmodel import select

from core.localized import localized, localized_html, localized_name, renamed
from surveys.catalogue import Relabelling, in_language, published_waves
from surveys.models import Instrument, OpenLink, Wave
from tests.factories import make_instrument_version, make_open_link, make_wave


def test_a_name_falls_back_to_the_typed_one_marked_with_its_language(app):
    assert localized("Annual survey 2026", {"fr": "Enquête annuelle 2026"}, "fr") == "Enquête annuelle 2026"
    fallback = localized("Annual survey 2026", {"fr": "Enquête annuelle 2026"}, "ar")
    assert (fallback, fallback.lang) == ("Annual survey 2026", "en")
    with app.test_request_context(), force_locale("ar"):
        assert str(localized_html(fallback)) == '<span lang="en" dir="ltr">Annual survey 2026</span>'
        assert str(localized_html(localized("<b>", {"ar": "<i>"}, "ar"))) == "&lt;i&gt;"  # escaped, no span
    # A legend keeps two names apart even when their translations are the same.
    assert renamed({"A": {"fr": "X"}, "B": {"fr": "X"}}, "fr") == {"A": "X"}


def test_a_wave_is_named_in_six_languages_on_its_form(client, session, secretariat):
    version = make_instrument_version(session)
    response = client.post(
        "/staff/surveys/waves/new",
        data={
            "version_id": version.id,
            "name": "Annual survey 2026",
            "name_translations-fr": "Enquête annuelle 2026",
            "name_translations-ar": "  الاستقصاء السنوي   2026 ",
            "name_translations-zh": "",
            "year": 2026,
            "opens_at": "2026-10-01T10:00",
            "closes_at": "2026-11-30T18:00",
        },
    )
    assert response.status_code == 302
    wave = session.exec(select(Wave)).one()
    assert wave.name_translations == {"ar": "الاستقصاء السنوي 2026", "fr": "Enquête annuelle 2026"}
    form = client.get(f"/staff/surveys/waves/{wave.id}/edit").get_data(as_text=True)
    assert '<label dir="rtl" for="name_translations-ar" lang="ar">العربية</label>' in form
    assert 'value="Enquête annuelle 2026"' in form
    # Next year's wave keeps the names, with the year changed.
    client.post(f"/staff/surveys/waves/{wave.id}/next")
    session.expire_all()
    following = session.exec(select(Wave).where(Wave.year == 2027)).one()
    assert following.name_translations["fr"] == "Enquête annuelle 2027"


def test_networks_and_instruments_get_names_in_other_languages(client, session, secretariat):
    wave = make_wave(session)
    client.post(
        f"/staff/surveys/waves/{wave.id}/links",
        data={"network": "Youth network", "name_translations-fr": "Réseau des jeunes"},
    )
    link = session.exec(select(OpenLink)).one()
    assert link.name_translations == {"fr": "Réseau des jeunes"}
    wave_page = client.get(f"/staff/surveys/waves/{wave.id}").get_data(as_text=True)
    assert '<span lang="fr" dir="ltr">Réseau des jeunes</span>' in wave_page
    page = client.get(f"/staff/surveys/links/{link.id}/names")
    assert page.status_code == 200 and 'value="Réseau des jeunes"' in page.get_data(as_text=True)
    saved = client.post(
        f"/staff/surveys/links/{link.id}/names",
        data={"name": "Youth network", "name_translations-es": "Red de jóvenes", "name_translations-fr": ""},
    )
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/waves/{wave.id}#open-links")
    session.expire_all()
    assert session.get(OpenLink, link.id).name_translations == {"es": "Red de jóvenes"}

    instrument = session.get(Instrument, wave.instrument_id)
    assert f"/staff/surveys/instruments/{instrument.id}/names" in client.get(
        f"/staff/surveys/instruments/{instrument.id}"
    ).get_data(as_text=True)
    client.post(
        f"/staff/surveys/instruments/{instrument.id}/names",
        data={"name": "Annual survey", "name_translations-ru": "Ежегодный опрос"},
    )
    session.expire_all()
    assert session.get(Instrument, instrument.id).name_translations == {"ru": "Ежегодный опрос"}


def test_a_respondent_sees_the_network_in_their_language_or_marked_english(client, session):
    link = make_open_link(session, wave=make_wave(session), network="Youth network")
    link.name_translations = {"fr": "Réseau des jeunes"}
    session.add(link)
    session.commit()
    french = client.get(f"/survey/o/{link.token}?language=fr").get_data(as_text=True)
    assert "Réseau des jeunes" in french and "Youth network" not in french
    arabic = client.get(f"/survey/o/{link.token}?language=ar").get_data(as_text=True)
    assert '<span lang="en" dir="ltr">Youth network</span>' in arabic


def test_the_dashboards_service_relabels_waves_networks_and_instruments(app, session):
    wave = make_wave(session, name="Annual survey 2026")
    wave.name_translations = {"fr": "Enquête annuelle 2026"}
    link = make_open_link(session, wave=wave, network="Youth network")
    link.name_translations = {"fr": "Réseau des jeunes"}
    session.add_all([wave, link])
    session.commit()
    frame = pd.DataFrame(
        {
            "wave": pd.Categorical(["Annual survey 2026", "Annual survey 2026"]),
            "network": ["Youth network", None],
        }
    )
    names = in_language(session, [wave.id], "fr")
    shown = names.frame(frame)
    assert list(shown["wave"]) == ["Enquête annuelle 2026"] * 2
    assert shown["network"].tolist()[0] == "Réseau des jeunes"
    assert list(frame["wave"]) == ["Annual survey 2026"] * 2  # the cached frame is left as it was
    assert [w.name for w in names.waves(published_waves(session))] == ["Enquête annuelle 2026"]
    english = in_language(session, [wave.id], "en")
    assert not english and english.frame(frame) is frame
    assert names.token != in_language(session, [wave.id], "es").token
    with app.test_request_context(), force_locale("fr"):
        assert localized_name(wave) == "Enquête annuelle 2026"


def test_a_translation_equal_to_another_waves_name_leaves_the_legend_as_typed():

    frame = pd.DataFrame({"wave": pd.Categorical(["Survey A", "Survey B"])})
    assert list(Relabelling({"wave": {"Survey A": "Survey B"}}).frame(frame)["wave"]) == ["Survey A", "Survey B"]
