"""Properties of every release, over generated data: nothing identifying leaves, k-anonymity holds
in the written file, and the report counts the suppressions the file holds.

The release is built from a tidy frame made here (as `responses_frame` gives it), so that
hypothesis can try many datasets without a database.
"""

from __future__ import annotations

import secrets

import pandas as pd
import phonenumbers
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.disclosure import Scrubber
from exports.build import Source, build
from exports.geography import CountryRow, geography
from exports.params import ReleaseParams
from exports.writers import to_csv
from tests.reading import SUPPRESSED, read_csv, smallest_group

COUNTRIES = {
    "KE": ("Sub-Saharan Africa", "AFR"),
    "NG": ("Sub-Saharan Africa", "AFR"),
    "TV": ("Polynesia", "APAC"),
    "IN": ("Southern Asia", "APAC"),
    "FR": ("Western Europe", "WEOG"),
    "TR": ("Western Asia", "WEOG"),
    "BR": ("Latin America and the Caribbean", "GRULAC"),
    "RU": ("Eastern Europe", "EEG"),
    "CY": ("Western Asia", "APAC"),
}
NAMES = [
    "José Müller-Ñúñez",
    "Müller-Ñúñez",
    "王小明",
    "Алексей Иванов",
    "Иванов",
    "فاطمة الزهراء",
    "Zoë Ångström",
    "Ångström",
    "Nguyễn Thị Minh Khai",
]
ORGANISATIONS = [
    "Instituto Amazónico de Investigación",
    "Всероссийский институт природы",
    "Société française d'écologie",
]
PHONE_REGIONS = ["KE", "NG", "FR", "BR", "RU", "IN"]
CATEGORIES = ["science", "policymaker", "ngo", "business", "ilk"]
LANGUAGES = ["en", "en", "en", "es", "fr", "ar", "zh"]
CHOICES = {"1": {"en": "Disagree"}, "2": {"en": "Agree"}}


def phone(region: str, international: bool) -> str:
    number = phonenumbers.example_number(region)
    fmt = phonenumbers.PhoneNumberFormat.INTERNATIONAL if international else phonenumbers.PhoneNumberFormat.NATIONAL
    return phonenumbers.format_number(number, fmt)


secret_piece = st.one_of(
    st.emails().map(lambda address: ("email", address)),
    st.tuples(st.sampled_from(PHONE_REGIONS), st.booleans()).map(lambda pair: ("phone", phone(*pair))),
    st.sampled_from(NAMES).map(lambda name: ("name", name)),
    st.sampled_from(ORGANISATIONS).map(lambda name: ("organisation", name)),
)
comment = st.tuples(
    st.sampled_from(["Contact", "Thanks to", "Merci à", "Спасибо", "شكرا"]),
    secret_piece,
    st.sampled_from([".", " for the help!", " — please follow up.", ""]),
)
respondent = st.fixed_dictionaries(
    {
        "country": st.sampled_from(list(COUNTRIES)),
        "category": st.sampled_from(CATEGORIES),
        "gender": st.sampled_from(["female", "male", "another", "undisclosed"]),
        "stakeholder_type": st.sampled_from(["contributor", "end_user", "both"]),
        "language": st.sampled_from(LANGUAGES),
        "network": st.sampled_from([None, None, "Young Ecologists Network", "IPLC Forum"]),
        "age_band": st.sampled_from([None, "under_30", "30_49", "50_plus"]),
        "satisfied": st.sampled_from([None, "1", "2"]),
        "comment": st.one_of(st.none(), comment),
    }
)


def source(people: list[dict]) -> Source:
    n = len(people)
    frame = pd.DataFrame(
        {
            "response_id": pd.Series(range(1001, 1001 + n), dtype="int64"),
            "wave_id": 7,
            "wave": pd.Categorical(["Annual survey 2025"] * n),
            "year": 2025,
            "instrument": pd.Categorical(["annual-survey"] * n),
            "version": 1,
            "submitted_at": pd.to_datetime(["2025-10-01T13:45:12Z"] * n, utc=True),
            "language": pd.Categorical([p["language"] for p in people]),
            "channel": pd.Categorical(["open_link" if p["network"] else "invitation" for p in people]),
            "network": pd.Categorical([p["network"] for p in people]),
            "regional_group": pd.Categorical([COUNTRIES[p["country"]][1] for p in people]),
            **{
                name: pd.Categorical([p[name] for p in people])
                for name in ("country", "category", "gender", "stakeholder_type")
            },
            "age_band": pd.Categorical([p["age_band"] for p in people], categories=["under_30", "30_49", "50_plus"]),
            "satisfied": pd.Categorical([p["satisfied"] for p in people], categories=list(CHOICES)),
            "comments": pd.array(
                [
                    "".join(p["comment"][:1] + (" " + p["comment"][1][1],) + p["comment"][2:]) if p["comment"] else None
                    for p in people
                ],
                dtype="string",
            ),
        }
    )
    frame["wave_id"] = frame["wave_id"].astype("int64")
    frame["year"] = frame["year"].astype("int64")
    frame["version"] = frame["version"].astype("int64")
    catalog = pd.DataFrame(
        [
            _question(
                "age_band",
                "select_one",
                {"under_30": {"en": "Under 30"}, "30_49": {"en": "30 to 49"}, "50_plus": {"en": "50 or more"}},
            ),
            _question("satisfied", "select_one", CHOICES),
            _question("comments", "text", {}),
            _question("email", "text", {}, pii=True),
        ]
    )
    countries = [CountryRow(iso2, subregion, group) for iso2, (subregion, group) in COUNTRIES.items()]
    return Source(
        frame=frame,
        catalog=catalog,
        stakeholder_ids=pd.Series([pd.NA] * n, dtype="Int64"),
        geography=geography(countries),
        scrubber=Scrubber(names=NAMES, organisations=ORGANISATIONS, phone_regions=PHONE_REGIONS),
    )


def _question(name: str, kind: str, choices: dict, pii: bool = False) -> dict:
    return {
        "name": name,
        "type": kind,
        "list_name": name if choices else None,
        "labels": {"en": name.title()},
        "choices": choices,
        "pii": pii,
        "quasi": False,
        "indicator": None,
        "profile": None,
        "other_of": None,
        "versions": (1,),
        "waves": (7,),
        "columns": () if pii else (name,),
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.lists(respondent, min_size=6, max_size=40), k=st.integers(min_value=3, max_value=6))
def test_every_release_is_k_anonymous_in_its_file_and_free_of_personal_data(people, k):
    params = ReleaseParams(wave_ids=(7,), format="csv", k=k, free_text=True)

    release = build(source(people), params, secrets.token_bytes(32))
    rows = read_csv(to_csv(release.table))

    assert len(rows) == len(people)
    assert smallest_group(rows, release.quasi) >= k
    assert release.after.min_frequency >= k
    for variable in release.variables:
        if variable.quasi:
            assert variable.suppressed == sum(row[variable.name] == SUPPRESSED for row in rows), variable.name
    cells = "\n".join(value for row in rows for value in row.values())
    for secret in [p["comment"][1][1] for p in people if p["comment"]] + NAMES + ORGANISATIONS:
        assert secret not in cells, secret
    assert not {"response_id", "email", "submitted_at"} & set(rows[0])
    assert all(row["respondent"] not in {str(1001 + i) for i in range(len(people))} for row in rows)
    assert all(row["submitted_on"] == "2025-10-01" for row in rows)


def test_a_quasi_identifying_multiple_choice_is_hidden_as_a_whole():
    """A rare combination of choices has no 0/1 form once recoded: all its columns are suppressed."""
    people = [
        dict(
            country="KE",
            category="science",
            gender="female",
            stakeholder_type="contributor",
            language="en",
            network=None,
            age_band=None,
            satisfied="2",
            comment=None,
        )
        for _ in range(8)
    ]
    data = source(people)
    data.frame["tools__gis"] = [1.0] * 7 + [0.0]
    data.frame["tools__drones"] = [0.0] * 7 + [1.0]  # one person uses drones: identifying here
    data.catalog = pd.concat(
        [
            data.catalog,
            pd.DataFrame(
                [
                    {
                        **_question("tools", "select_multiple", {"gis": {"en": "GIS"}, "drones": {"en": "Drones"}}),
                        "quasi": True,
                        "columns": ("tools__gis", "tools__drones"),
                    }
                ]
            ),
        ],
        ignore_index=True,
    )

    release = build(data, ReleaseParams(wave_ids=(7,), format="csv", k=3), secrets.token_bytes(32))

    table = release.table
    assert table["tools__gis"].tolist() == [1] * 7 + [-8]
    assert table["tools__drones"].tolist() == [0] * 7 + [-8]
    variables = {v.name: v for v in release.variables}
    assert variables["tools__drones"].quasi and variables["tools__drones"].suppressed == 1
    assert {"tools__gis", "tools__drones"} <= set(release.quasi)
