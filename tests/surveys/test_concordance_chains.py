"""Concordance chains and mapped Likert scales (issue 16): three versions of a survey, matched v1 -> v2
and v2 -> v3 only, compare v1 with v3 through the composed matches (a choice merged in the middle
version stays merged), a break anywhere in the chain stops the comparison with the versions where it
stops, and a 4-point scale mapped to a 5-point one compares on its top-two-box share; in the plan,
the report's change table and the explorer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from analysis.harmonise import MAPPED, NONE, OTHER_LEVELS, REFUSED, SAME, TOP_TWO
from dashboards.filters import Filters
from dashboards.pages import explorer
from dashboards.scope import EVERYTHING
from dashboards.selection import select
from dashboards.view import View
from presentation.builder import Builder
from presentation.sections.survey import survey_section
from reports.data import load
from surveys import concordance, concordance_pages, waves
from surveys.concordance import MatchData
from surveys.definition import Choice, Definition, Page, Question
from tests.factories import make_instrument_version, make_response, make_wave, six

pytestmark = pytest.mark.usefixtures("backend")

USEFUL4 = ("very_useful", "useful", "not_very_useful", "not_useful", "dont_know")  # most favourable first
AGREE5 = ("strongly_agree", "agree", "neutral", "disagree", "strongly_disagree", "dont_know")
VERSIONS = {
    1: {
        "sector": ("select_one", "sector1", ("government", "agency", "private", "ngo"), "Your sector"),
        "heard": ("select_one", "yesno", ("yes", "no"), "Did you hear of IPBES?"),
        "useful": ("select_one", "useful4", USEFUL4, "The assessment was useful"),
        "motivation": ("select_multiple", "motives1", ("networking", "learning"), "Why do you take part?"),
    },
    2: {  # government and agency merged into public
        "sector": ("select_one", "sector2", ("public", "private", "ngo"), "Your sector"),
        "heard": ("select_one", "yesno", ("yes", "no"), "Did you hear of IPBES?"),
        "useful": ("select_one", "useful4", USEFUL4, "The assessment was useful"),
        "motivation": ("select_multiple", "motives2", ("networking", "learning", "peers"), "Why do you take part?"),
    },
    3: {
        "sector": ("select_one", "sector3", ("public", "private", "civil_society"), "Your sector"),
        "heard": ("select_one", "yesno3", ("yes", "no", "unsure"), "Did you hear of IPBES?"),
        "useful": ("select_one", "agree5", AGREE5, "The assessment was useful"),
        "motivation": ("select_multiple", "motives3", ("networking", "learning", "peers"), "Why do you take part?"),
    },
}


def _definition(number: int) -> Definition:
    items, lists = [], {}
    for name, (kind, list_name, choices, text) in VERSIONS[number].items():
        items.append(Question(name=name, type=kind, labels=six(text), list_name=list_name))
        lists[list_name] = tuple(Choice(name=c, labels=six(c.replace("_", " ").capitalize())) for c in choices)
    return Definition(f"annual{number}", "1", six("Annual survey"), (Page("p", six("P"), tuple(items)),), lists)


def _past(session, version, name, year):
    data = waves.WaveData(version.id, name, year, datetime(year, 3, 1, tzinfo=UTC), datetime(year, 4, 1, tzinfo=UTC))
    return waves.record_past_wave(session, data=data)


@pytest.fixture
def survey(app, session):
    v1, v2, v3 = (make_instrument_version(session, definition=_definition(n), code="annual") for n in (1, 2, 3))
    with app.test_request_context():
        entries = [
            MatchData(
                v1.id,
                v2.id,
                "sector",
                "sector",
                links=(("government", "public"), ("agency", "public"), ("private", "private"), ("ngo", "ngo")),
            ),
            MatchData(
                v2.id,
                v3.id,
                "sector",
                "sector",
                links=(("public", "public"), ("private", "private"), ("ngo", "civil_society")),
            ),
            MatchData(v2.id, v3.id, "", "heard", relation=NONE),
            MatchData(
                v2.id,
                v3.id,
                "useful",
                "useful",
                links=tuple(zip(USEFUL4[:4], AGREE5[:2] + AGREE5[3:5], strict=True)) + (("dont_know", "dont_know"),),
            ),
            MatchData(
                v2.id, v3.id, "motivation", "motivation", links=tuple((c, c) for c in VERSIONS[2]["motivation"][2])
            ),
        ]
        for entry in entries:
            concordance.save_match(session, data=entry)
        w1, w2 = _past(session, v1, "Survey 2019", 2019), _past(session, v2, "Survey 2022", 2022)
    w3 = make_wave(session, version=v3, name="Annual survey 2025", year=2025, status="closed")
    for i in range(40):  # public 50 % (government and agency); useful: top two 20 of the 35 on the scale
        sector = ("government", "agency", "private", "ngo")[i // 10]
        useful = ("very_useful",) * 10 + ("useful",) * 10 + ("not_very_useful",) * 10 + ("not_useful", "dont_know") * 5
        make_response(session, w1, {"sector": sector, "heard": "yes", "useful": useful[i]}, commit=False)
    for i in range(40):  # public 25 %; useful: top two 30 of 40
        sector = ("public",) * 10 + ("private",) * 20 + ("civil_society",) * 10
        useful = ("strongly_agree",) * 10 + ("agree",) * 20 + ("neutral", "disagree") * 5
        make_response(session, w3, {"sector": sector[i], "heard": "no", "useful": useful[i]}, commit=False)
    for i in range(20):
        make_response(session, w2, {"sector": ("public", "ngo")[i % 2], "useful": "useful"}, commit=False)
    session.commit()
    return (v1, v2, v3), (w1, w2, w3)


def test_the_first_and_last_versions_compare_through_the_composed_matches(session, survey):
    (v1, v2, v3), _waves = survey
    plan = concordance.plan_between(session, v1.id, v3.id)
    sector = plan.link("sector")
    assert sector.status == MAPPED and sector.earlier == "sector"
    assert [(c.earlier, c.later) for c in sector.categories] == [
        (("government", "agency"), ("public",)),
        (("private",), ("private",)),
        (("ngo",), ("civil_society",)),
    ]
    # No entry between v2 and v3 says "heard" has an equivalent: the chain stops there, and says so.
    heard = plan.link("heard")
    assert (heard.status, heard.gap) == (NONE, (("Annual", 2), ("Annual", 3)))
    # v1 -> v2 has no entry for motivation and its choices differ: the chain stops at its first step.
    motivation = plan.link("motivation")
    assert (motivation.status, motivation.gap) == (REFUSED, (("Annual", 1), ("Annual", 2)))
    # The two direct steps are as they were.
    assert concordance.plan_between(session, v1.id, v2.id).status("useful") == SAME
    assert concordance.plan_between(session, v2.id, v3.id).link("sector").gap == ()


def test_a_four_point_scale_mapped_to_a_five_point_one_compares_on_its_top_two_box(session, survey):
    (v1, _v2, v3), _waves = survey
    useful = concordance.plan_between(session, v1.id, v3.id).link("useful")
    assert useful.status == MAPPED and useful.top_two
    assert [(c.code, c.earlier, c.later) for c in useful.categories] == [
        (TOP_TWO, ("useful", "very_useful"), ("agree", "strongly_agree")),
        (OTHER_LEVELS, ("not_useful", "not_very_useful"), ("strongly_disagree", "disagree", "neutral")),
    ]


def _change(session, earlier, later):
    with force_locale("en"):
        section = survey_section(Builder(load(session, [earlier.id, later.id]), "en"))
    table = next(t for t in section.tables if t.title.startswith("Change from"))
    return {(row.cells[0], row.cells[1]): row.cells[2:4] for row in table.rows}, section.caveats


def _percent(cells):
    return [cell.replace(".0%", "%") for cell in cells]


def test_the_report_compares_the_first_wave_with_the_last_through_the_chain(app, session, survey):
    _versions, (w1, _w2, w3) = survey
    with app.test_request_context():
        rows, caveats = _change(session, w1, w3)
    assert _percent(rows[("Your sector", "Public")]) == ["50%", "25%"]
    assert ("Your sector", "Civil society") not in rows  # named as v1's "ngo", the earlier wave's choice
    assert _percent(rows[("The assessment was useful", "Two most favourable levels")]) == [
        "57%",
        "75%",
    ]  # 20 of the 35 on the scale, 30 of 40
    assert not any(key[0] == "The assessment was useful" and key[1] != "Two most favourable levels" for key in rows)
    assert not any(key[0] in ("Did you hear of IPBES?", "Why do you take part?") for key in rows)
    assert any("two most favourable levels of each wave's own scale" in caveat for caveat in caveats)
    assert (
        "Did you hear of IPBES?: not compared; the concordance says it has no equivalent between "
        "Annual, version 2 and Annual, version 3." in caveats
    )
    assert any(
        caveat.startswith("Why do you take part?: not compared; between Annual, version 1 and Annual, version 2")
        for caveat in caveats
    )


def _explore(session, question, chosen):
    filters = Filters(wave=chosen[-1].id, waves=tuple(w.id for w in chosen), weighted=False, question=question)
    (section,) = explorer.build(View(select(session, filters), EVERYTHING, "en")).sections
    return section


def test_the_explorer_shows_three_waves_through_the_chain_and_names_where_it_stops(app, session, survey):
    _versions, chosen = survey
    with app.test_request_context():
        sector = _explore(session, "sector", chosen)
        (table,) = sector.tables
        shares = {row.cells[0]: row.cells[table.columns.index("Public")] for row in table.rows}
        assert [shares[w.name][:2] for w in chosen] == ["50", "50", "25"]
        useful = _explore(session, "useful", chosen)
        assert useful.tables[0].columns[1:3] == ["Two most favourable levels", "Other levels on the scale"]
        assert any("top-two-box share" in caveat for caveat in useful.caveats)
        heard = _explore(session, "heard", chosen)
    assert (
        "Survey 2019 is not compared: the concordance says this question has no equivalent between "
        "Annual, version 2 and Annual, version 3." in heard.caveats
    )
    assert "Survey 2022 is not compared: the concordance says this question has no equivalent in it." in heard.caveats


def test_the_pair_page_shows_what_the_chain_compares(session, survey, client, secretariat):
    (v1, _v2, v3), _waves = survey
    rows = {row.later.name: row for row in concordance_pages.pair_rows(session, v1.id, v3.id)}
    assert rows["sector"].status == MAPPED and rows["sector"].chained
    assert ("government", "public") in rows["sector"].links and ("ngo", "civil_society") in rows["sector"].links
    assert rows["useful"].top_two
    assert rows["heard"].gap == (("Annual", 2), ("Annual", 3))
    # No proposal for what the chain already compares.
    assert "sector" not in {p.later_question for p in concordance_pages.proposals(session, v1.id, v3.id)}
    page = client.get(f"/staff/surveys/concordance/{v1.id}/{v3.id}").get_data(as_text=True)
    assert "Through the versions between." in page
    assert "The chain stops between Annual, version 2 and Annual, version 3." in page
    assert "On the share in the two most favourable levels: the answer scales differ." in page
