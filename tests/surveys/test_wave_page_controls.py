"""The wave pages as the secretariat uses them, without JavaScript too (issue 17, items 15 and 17):
the audience's countries as searchable checkboxes, a confirmation before "Close now", open-link
addresses that wrap with a Copy button, and the contact-email question's label."""

import re

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from surveys.instruments import SHIPPED, SHIPPED_DIR
from surveys.models import InstrumentVersion, Wave
from tests.factories import FOCAL_KE, make_focal_point, make_instrument_version, make_open_link, make_user, make_wave


def _wave_form(version_id: int, **extra) -> dict:
    return {
        "version_id": version_id,
        "name": "Annual survey 2026",
        "year": 2026,
        "opens_at": "2026-10-01T10:00",
        "closes_at": "2026-11-30T18:00",
        **extra,
    }


def _countries_shown(page: str) -> list[str]:
    return re.findall(r'<input[^>]*name="countries"[^>]*type="checkbox"[^>]*value="([A-Z]{2})"', page)


def test_the_audience_is_chosen_with_checkboxes_not_a_ctrl_click_list(client, session, secretariat):
    make_instrument_version(session)
    page = client.get("/staff/surveys/waves/new").get_data(as_text=True)
    assert "<select multiple" not in page and "Ctrl" not in page
    assert len(_countries_shown(page)) > 190
    assert re.search(r'<input[^>]*name="regions"[^>]*type="checkbox"[^>]*value="AFR"', page)
    assert 'type="search"' in page and 'name="filter"' in page
    assert "js/picker.js" in page


def test_the_country_search_works_on_the_server_and_keeps_what_was_chosen(client, session, secretariat):
    version = make_instrument_version(session)
    # Without JavaScript: "Show matching countries" filters, France stays chosen though not shown.
    shown = client.post(
        "/staff/surveys/waves/new",
        data=_wave_form(version.id, countries=["FR"], country_search="kenya", filter="1"),
    )
    page = shown.get_data(as_text=True)
    assert shown.status_code == 200 and session.exec(select(Wave)).first() is None  # nothing saved
    assert _countries_shown(page) == ["KE"]
    assert '<input type="hidden" name="countries" value="FR">' in page
    assert "1 country matches the search." in page and "Also chosen, not shown: France" in page
    assert 'name="country_search_shown" type="hidden" value="kenya"' in page
    # Enter in the search box sends the form with a new search: it filters too ("é" finds "e").
    again = client.post(
        "/staff/surveys/waves/new",
        data=_wave_form(version.id, countries=["FR", "KE"], country_search="sénégal", country_search_shown="kenya"),
    )
    assert _countries_shown(again.get_data(as_text=True)) == ["SN"]
    assert session.exec(select(Wave)).first() is None
    # Saving with the search shown saves every country chosen, shown or not.
    saved = client.post(
        "/staff/surveys/waves/new",
        data=_wave_form(version.id, countries=["FR", "KE"], country_search="sénégal", country_search_shown="sénégal"),
    )
    assert saved.status_code == 302
    assert session.exec(select(Wave)).one().audience["countries"] == ["FR", "KE"]


def test_close_now_asks_for_confirmation_on_a_page_of_its_own(client, session, secretariat):
    wave = make_wave(session)
    page = client.get(f"/staff/surveys/waves/{wave.id}").get_data(as_text=True)
    close_url = f"/staff/surveys/waves/{wave.id}/close"
    assert f'<a class="button danger" href="{close_url}">Close now</a>' in page
    assert f'action="{close_url}"' not in page  # no one-click close beside "Create next year's wave"
    confirm = client.get(close_url)
    text = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Close Annual survey 2026 now?" in text
    assert f'<form method="post" action="{close_url}"' in text and "Yes, close the wave now" in text
    session.expire_all()
    assert session.get(Wave, wave.id).status == "published"
    client.post(close_url)
    session.expire_all()
    assert session.get(Wave, wave.id).status == "closed"
    assert client.get(close_url).headers["Location"].endswith(f"/staff/surveys/waves/{wave.id}")


def test_open_link_addresses_wrap_and_have_a_copy_button(client, session, secretariat):
    wave = make_wave(session)
    link = make_open_link(session, wave=wave, token="t" * 32)
    page = client.get(f"/staff/surveys/waves/{wave.id}").get_data(as_text=True)
    address = f"http://localhost/survey/o/{link.token}"
    assert f'<code class="link-address" id="link-{link.id}">{address}</code>' in page
    assert re.search(rf'<button type="button" hidden data-copy="link-{link.id}"[^>]*>Copy</button>', page)
    assert "js/copy.js" in page and "readonly" not in page


def test_the_contact_question_asks_for_an_email_address():
    sheet = load_workbook(SHIPPED_DIR / SHIPPED["annual-survey"][1])["survey"]
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(values_only=True) if r[header.index("name")] == "contact_email")
    labels = {h: row[i] for i, h in enumerate(header) if h and h.startswith("label::")}
    assert labels["label::English (en)"] == "Your email address, so that IPBES can contact you"
    assert all(labels.values()) and not any("other contact" in text or "autres" in text for text in labels.values())


@pytest.mark.parametrize("role", ["stakeholder", "focal_point"])
def test_only_the_secretariat_reaches_the_close_and_names_pages(client, session, auth, role):
    wave = make_wave(session)
    link = make_open_link(session, wave=wave)
    instrument_id = session.get(InstrumentVersion, wave.version_id).instrument_id
    closes_at = wave.closes_at
    if role == "focal_point":
        make_focal_point(session)
        auth.login(FOCAL_KE)
    else:
        make_user(session, email="someone@example.org", role="stakeholder")
        auth.login("someone@example.org")
    for path in (
        f"/staff/surveys/waves/{wave.id}/close",
        f"/staff/surveys/links/{link.id}/names",
        f"/staff/surveys/instruments/{instrument_id}/names",
    ):
        assert client.get(path).status_code == 403, path
        assert client.post(path, data={}).status_code in (400, 403), path
    session.expire_all()
    assert session.get(Wave, wave.id).closes_at == closes_at  # not closed
