"""What a release must never give away, checked in the files it writes."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from exports.params import ReleaseParams
from exports.service import export_release
from tests.exports.builders import closed_wave
from tests.factories import make_open_link, make_organisation, make_response, make_stakeholder
from tests.reading import SUPPRESSED, read_csv, smallest_group, unzip

pytestmark = pytest.mark.usefixtures("backend")


def adversarial_registry(session):
    """People whose names and organisations may turn up in free text."""
    institute = make_organisation(session, name="Instituto Amazónico de Investigación", country="BR")
    make_organisation(session, name="Всероссийский институт природы", country="RU")
    people = [
        make_stakeholder(session, name="José Müller-Ñúñez", email="jose@example.org", organisation=institute),
        make_stakeholder(session, name="王小明", email="wang@example.org", country="TV"),
        make_stakeholder(session, name="Алексей Иванов", email="alexei@example.org", country="RU"),
        make_stakeholder(session, name="فاطمة الزهراء", email="fatima@example.org", country="NG"),
    ]
    return people


ADVERSARIAL_TEXTS = [
    "Write to jose.muller@uni-example.br or call +55 11 98765-4321.",
    "José Müller-Ñúñez from the Instituto Amazónico de Investigación helped us.",
    "Ask 王小明 about it, tel. 0712 345 678 (Nairobi office).",
    "Алексей Иванов из Всероссийский институт природы, see https://example.ru/alexei",
    "شكراً فاطمة الزهراء",
    "My colleague Müller-Ñúñez disagrees.",
]


def test_the_lonely_respondent_and_the_rare_category_are_not_released_as_they_are(app, session):
    wave = closed_wave(session)
    adversarial_registry(session)
    for i in range(12):
        make_response(
            session,
            wave,
            {"satisfied": "2", "age_band": "30_49", "staff": "large", "comments": ADVERSARIAL_TEXTS[i % 6]},
            country="KE" if i % 2 else "NG",
            commit=False,
        )
    # The only respondent from Tuvalu, the only one in business, writing in Chinese, from a small organisation.
    make_response(
        session,
        wave,
        {"satisfied": "1", "age_band": "50_plus", "staff": "small", "comments": "Greetings from Funafuti"},
        country="TV",
        category="business",
        gender="male",
        language="zh",
    )
    session.commit()

    with app.app_context():
        release = export_release(
            session, ReleaseParams(wave_ids=(wave.id,), format="csv", k=5, free_text=True), actor_id=None
        )
    files = unzip(release)
    rows = read_csv(files["data.csv"])
    report = json.loads(files["disclosure_report.json"])

    assert all(row["country"] != "TV" for row in rows)
    assert all(row["category"] != "business" for row in rows)
    assert all(row["language"] != "zh" for row in rows)
    assert all(row["staff"] != "small" for row in rows)
    quasi = report["quasi_identifiers"]
    assert {
        "country",
        "regional_group",
        "category",
        "gender",
        "stakeholder_type",
        "language",
        "network",
        "channel",
        "age_band",
        "staff",
    } <= set(quasi)
    assert smallest_group(rows, quasi) >= 5
    assert report["k"]["reached"] >= 5
    assert report["before"]["below_2"] >= 1 and report["after"]["below_5"] == 0
    assert report["after"]["expected_reidentifications"] < report["before"]["expected_reidentifications"]
    # The report's counts are the suppressions in the file, variable by variable.
    for entry in report["variables"]:
        in_file = sum(row[entry["name"]] == SUPPRESSED for row in rows)
        assert entry["suppressed_cells"] == in_file, entry["name"]
    assert sum(entry["suppressed_cells"] + entry["recoded_cells"] for entry in report["variables"]) > 0
    # The regional group always follows the released country.
    groups = {
        "KE": "AFR",
        "NG": "AFR",
        "Sub-Saharan Africa": "AFR",
        "AFR": "AFR",
        "Polynesia": "APAC",
        "APAC": "APAC",
        "other": "other",
        SUPPRESSED: SUPPRESSED,
    }
    assert all(groups[row["country"]] == row["regional_group"] for row in rows)


def test_free_text_is_scrubbed_of_personal_data_and_left_out_unless_asked_for(app, session):
    wave = closed_wave(session)
    adversarial_registry(session)
    for i in range(10):
        make_response(
            session,
            wave,
            {
                "satisfied": "2",
                "comments": ADVERSARIAL_TEXTS[i % len(ADVERSARIAL_TEXTS)],
                "email": "secret.person@example.org",
            },
            commit=False,
        )
    session.commit()

    with app.app_context():
        scrubbed = export_release(
            session, ReleaseParams(wave_ids=(wave.id,), format="csv", free_text=True), actor_id=None
        )
        plain = export_release(session, ReleaseParams(wave_ids=(wave.id,), format="csv"), actor_id=None)

    everything = "\n".join(content.decode("utf-8-sig", errors="replace") for name, content in unzip(scrubbed).items())
    for secret in (
        "jose.muller@uni-example.br",
        "98765-4321",
        "0712 345 678",
        "José",
        "Müller",
        "Ñúñez",
        "王小明",
        "Алексей",
        "Иванов",
        "فاطمة",
        "Instituto Amazónico",
        "Всероссийский",
        "example.ru",
        "secret.person",
    ):
        assert secret not in everything, secret
    comments = [row["comments"] for row in read_csv(unzip(scrubbed)["data.csv"])]
    assert "[email]" in comments[0] and "[phone]" in comments[0]
    assert "[name]" in comments[1] and "[organisation]" in comments[1]
    book = json.loads(unzip(scrubbed)["codebook.json"])
    counted = next(v for v in book["variables"] if v["name"] == "comments")["scrubbed"]
    assert counted["[email]"] >= 2 and counted["[name]"] >= 4
    assert "comments" not in read_csv(unzip(plain)["data.csv"])[0]


def test_no_identifier_of_a_person_or_a_response_leaves_the_platform(app, session):
    wave = closed_wave(session)
    people = adversarial_registry(session)
    link = make_open_link(session, wave=wave, network="Young Ecologists Network")
    responses = [
        make_response(
            session,
            wave,
            {"satisfied": "2", "years": 3, "since": date(2021, 1, 2), "email": f"{i}@example.org"},
            stakeholder=people[i % 4] if i < 4 else None,
            link=None if i < 4 else link,
            commit=False,
        )
        for i in range(10)
    ]
    session.commit()

    with app.app_context():
        release = export_release(
            session, ReleaseParams(wave_ids=(wave.id,), format="csv", k=3, link_waves=True), actor_id=None
        )
    rows = read_csv(unzip(release)["data.csv"])

    assert not {"response_id", "stakeholder_id", "user_id", "submission_key", "email"} & set(rows[0])
    identifiers = {str(r.id) for r in responses} | {str(p.id) for p in people} | {str(p.user_id) for p in people}
    for row in rows:
        assert row["respondent"] not in identifiers and re.fullmatch(r"[0-9a-f]{16}", row["respondent"])
        assert not any("@" in value or "example.org" in value for value in row.values())
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["submitted_on"])  # the day, never the time


def test_one_person_answering_every_wave_is_not_hidden_behind_their_own_rows(app, session):
    from tests.exports.builders import export_definition
    from tests.factories import make_instrument_version

    version = make_instrument_version(session, definition=export_definition(), code="export-test")
    waves = [closed_wave(session, version=version, name=f"Survey {year}", year=year) for year in range(2021, 2026)]
    loner = make_stakeholder(session, name="Only Tuvaluan", email="tv@example.org", country="TV")
    for wave in waves:
        for _ in range(5):
            make_response(session, wave, {"satisfied": "2"}, country="KE", commit=False)
        # Five rows of Tuvalu in the file, but one person: k = 5 must not be reached through them.
        make_response(session, wave, {"satisfied": "1"}, stakeholder=loner, country="TV", category="ilk", commit=False)
    session.commit()

    with app.app_context():
        for linked in (False, True):
            release = export_release(
                session,
                ReleaseParams(wave_ids=tuple(w.id for w in waves), format="csv", link_waves=linked),
                actor_id=None,
            )
            rows = read_csv(unzip(release)["data.csv"])
            assert all(row["country"] != "TV" and row["category"] != "ilk" for row in rows)
            assert smallest_group(rows, json.loads(unzip(release)["disclosure_report.json"])["quasi_identifiers"]) >= 5


def test_linked_waves_never_show_in_one_wave_what_another_hides(app, session):
    from tests.exports.builders import export_definition
    from tests.factories import make_instrument_version

    version = make_instrument_version(session, definition=export_definition(), code="export-test")
    early = closed_wave(session, version=version, name="Survey 2024", year=2024)
    late = closed_wave(session, version=version, name="Survey 2025", year=2025)
    people = [make_stakeholder(session, name=f"Person {i}", email=f"p{i}@example.org") for i in range(8)]
    link = make_open_link(session, wave=late, network="Rare Network")
    for i, person in enumerate(people):
        make_response(session, early, {"satisfied": "2"}, stakeholder=person, language="en")
        # In 2025 one of them answers in Russian through a network's link: rare in that wave only.
        make_response(
            session,
            late,
            {"satisfied": "2"},
            stakeholder=person,
            language="ru" if i == 0 else "en",
            link=link if i == 0 else None,
        )

    with app.app_context():
        release = export_release(
            session, ReleaseParams(wave_ids=(early.id, late.id), format="csv", k=3, link_waves=True), actor_id=None
        )
    rows = read_csv(unzip(release)["data.csv"])
    quasi = json.loads(unzip(release)["disclosure_report.json"])["quasi_identifiers"]

    by_person: dict[str, list[dict]] = {}
    for row in rows:
        by_person.setdefault(row["respondent"], []).append(row)
    assert all(len(person_rows) == 2 for person_rows in by_person.values())
    hidden = 0
    for person_rows in by_person.values():
        for variable in quasi:
            values = {row[variable] for row in person_rows}
            assert len(values) == 1, (variable, values)  # the same value in both waves, or hidden in both
            hidden += values == {SUPPRESSED}
    assert hidden >= 1
    assert all(row["channel"] == SUPPRESSED for row in rows if row["network"] == SUPPRESSED)
    assert "ru" not in {row["language"] for row in rows}
