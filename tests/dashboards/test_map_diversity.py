"""The map and the diversity pages: the numbers they show are the frames' and the analysis package's,
and a focal point's page never names another country or shows its figure."""

from __future__ import annotations

import json
import re

import pytest
from flask_babel import force_locale

from analysis.indicators import diversity as indicator
from core.reference.countries import country_name, member_state_rows
from dashboards.callbacks import comparisons
from dashboards.filters import Filters
from dashboards.pages import diversity
from dashboards.pages import map as world_map
from dashboards.scope import EVERYTHING, Scope
from dashboards.selection import select
from dashboards.view import View
from presentation.labels import Labeller
from presentation.weights import current_registry
from tests.factories import make_stakeholder, make_wave

pytestmark = pytest.mark.usefixtures("backend")


def view_of(session, query: str = "", scope: Scope = EVERYTHING, lang: str = "en") -> View:
    view = View(select(session, Filters.parse(query).within(scope)), scope, lang)
    if scope.country is not None:
        view.compare = lambda: comparisons(session, view)
    return view


def everything_in(content) -> str:
    """Every text and figure of a page, as one string to search."""
    parts = [content.title, *content.intro]
    for section in content.sections:
        parts += [section.title, *section.notes, *section.caveats]
        if section.card is not None:
            parts += [section.card.title, section.card.measure, section.card.value]
        tables = [f.table for f in section.figures if f.table is not None] + list(section.tables)
        # The figure as the browser gets it, non-ASCII names readable.
        parts += [f.title + json.dumps(json.loads(f.html.to_json()), ensure_ascii=False) for f in section.figures]
        parts += [
            t.title + " " + " ".join(t.columns) + " " + t.note + " " + " ".join(" ".join(r.cells) for r in t.rows)
            for t in tables
        ]
    return " ".join(parts)


def rows_of(table) -> dict[str, list[str]]:
    return {row.cells[0]: row.cells[1:] for row in table.rows}


def other_countries(own: str, lang: str = "en") -> list[str]:
    return [country_name(row["iso2"], lang) for row in member_state_rows() if row["iso2"] != own]


@pytest.fixture
def registry(session):
    """Kenya: two active stakeholders and one who left; France: one."""
    make_stakeholder(session, name="Wanjiku Otieno", country="KE", with_account=False)
    make_stakeholder(session, name="Otieno Kamau", country="KE", gender="male", with_account=False)
    make_stakeholder(session, name="Left Already", country="KE", is_active=False, with_account=False)
    make_stakeholder(session, name="Camille Durand", country="FR", with_account=False)
    make_wave(session)
    return session


# --- map ----------------------------------------------------------------------------------------


def test_map_counts_active_registered_stakeholders_per_country(app, registry):
    with app.test_request_context(), force_locale("en"):
        content = world_map.build(view_of(registry))

    figure = content.sections[0].figures[0]
    trace = figure.html.data[0]
    drawn = dict(zip(trace.locations, trace.z))
    assert drawn["KEN"] == 2 and drawn["FRA"] == 1 and drawn["BRA"] == 0
    assert len(drawn) == 193  # every member state is drawn, nobody counted is 0
    assert rows_of(figure.table) == {"Kenya": ["2"], "France": ["1"]}
    assert figure.table.note == "191 countries have none."
    totals = rows_of(content.sections[0].tables[0])
    assert totals["African States"] == ["2"] and totals["Western European and other States"] == ["1"]
    assert totals["All countries"] == ["3"] and totals["Asia-Pacific States"] == ["0"]


def test_map_per_million_inhabitants_divides_by_the_world_bank_population(app, registry):
    with app.test_request_context(), force_locale("fr"):
        content = world_map.build(view_of(registry, "?per_capita=1", lang="fr"))

    figure = content.sections[0].figures[0]
    kenya = 2 / 51_393_010 * 1_000_000  # SP.POP.TOTL 2018 for Kenya
    lab = Labeller("fr")
    assert rows_of(figure.table)["Kenya"] == ["2", lab.number(51_393_010), lab.number(kenya, 3)]
    assert dict(zip(figure.html.data[0].locations, figure.html.data[0].z))["KEN"] == pytest.approx(kenya)
    assert "ERI" not in figure.html.data[0].locations  # no population figure: not coloured as zero
    assert any("SP.POP.TOTL" in note and "2018" in note for note in content.sections[0].notes)
    assert figure.html.layout.separators == lab.separators()


def test_map_respondents_and_participants_are_the_frames_counts(app, session, seeded):
    with app.test_request_context(), force_locale("en"):
        view = view_of(session, "?measure=respondents")
        respondents = world_map.build(view)
        participants_view = view_of(session, "?measure=participants")
        participants = world_map.build(participants_view)

    expected = view.selection.data.survey["country"].astype(object).value_counts()
    shown = dict(
        zip(
            respondents.sections[0].figures[0].html.data[0].locations, respondents.sections[0].figures[0].html.data[0].z
        )
    )
    codes = world_map.iso3_codes()
    assert {codes[c]: n for c, n in expected.items() if c in codes} == {k: v for k, v in shown.items() if v}
    assert view.selection.wave.name in respondents.sections[0].title

    records = participants_view.selection.data.participation
    year = participants_view.selection.wave.year
    people = records[records["stakeholder_id"].notna() & (records["year"] == year)].drop_duplicates("stakeholder_id")
    assert len(people) > 0
    total = rows_of(participants.sections[0].tables[0])["All countries"]
    assert total == [Labeller("en").number(int(people["country"].notna().sum()))]


def test_focal_point_map_shows_their_country_beside_aggregates_only(app, registry):
    with app.test_request_context(), force_locale("en"):
        content = world_map.build(view_of(registry, "?country=FR&per_capita=1", scope=Scope("KE")))

    figure = content.sections[0].figures[0]
    assert list(figure.html.data[0].locations) == ["KEN"]
    assert list(rows_of(figure.table)) == ["Kenya", "African States", "All countries"]
    assert rows_of(figure.table)["Kenya"][0] == "2" and rows_of(figure.table)["All countries"][0] == "3"
    text = everything_in(content)
    assert "France" not in text and "FRA" not in text


def test_map_titles_and_hover_texts_are_never_markup(app, session, seeded):
    from sqlmodel import select as query

    from surveys.models import Wave

    wave = session.exec(query(Wave).where(Wave.name == "Annual survey 2026")).one()
    wave.name = "<b>Bold</b> wave"
    session.add(wave)
    session.commit()
    with app.test_request_context(), force_locale("en"):
        content = world_map.build(view_of(session, f"?measure=respondents&wave={wave.id}"))

    figure = content.sections[0].figures[0].html
    assert "&lt;b&gt;Bold&lt;/b&gt; wave" in figure.layout.title.text and "<b>" not in figure.layout.title.text
    assert all("<b>" not in text for text in figure.data[0].customdata)


# --- diversity ----------------------------------------------------------------------------------


def test_diversity_ratios_are_the_indicators(app, session, seeded):
    with app.test_request_context(), force_locale("en"):
        view = view_of(session)
        content = diversity.build(view)
        lab = view.lab
        builder = view.builder
        now = indicator.diversity(
            builder.registry,
            view.selection.data.participation,
            builder.current,
            member_states=view.selection.member_states,
        )
        expected = {
            (lab.population(r.population), lab.code("regional_group", r.group)): [
                lab.number(r.n),
                lab.percent(r.share),
                lab.percent(r.reference),
                lab.ratio_with_interval(r.ratio, r.ratio_low, r.ratio_high),
                "Yes" if r.under_represented else "",
            ]
            for r in now.representation[now.representation["dimension"] == "regional_group"].itertuples()
        }
        # Categories against the register, computed here from the frames themselves.
        register = current_registry(view.selection.data.registry)["category"].astype(object).value_counts()
        respondents = indicator.representation(builder.current["category"], register / register.sum())
        expected_categories = {
            lab.code("category", group): lab.ratio_with_interval(r.ratio, r.ratio_low, r.ratio_high)
            for group, r in respondents.iterrows()
        }

    figures = {f.title: f for s in content.sections for f in s.figures}
    regional = figures["Representation ratio by UN regional group (1 = member-state share)"]
    assert {(r.cells[0], r.cells[1]): r.cells[2:] for r in regional.table.rows} == expected
    assert [r.flagged for r in regional.table.rows] == [
        bool(x) for x in now.representation[now.representation["dimension"] == "regional_group"]["under_represented"]
    ]
    assert {trace.name for trace in regional.html.data} == {
        "Registered stakeholders",
        "Participants",
        "Survey respondents",
    }
    category = figures["Representation ratio by category (1 = share in the register)"]
    shown = {r.cells[1]: r.cells[5] for r in category.table.rows if r.cells[0] == "Survey respondents"}
    assert shown == expected_categories
    assert "Representation ratio by gender (1 = parity)" in figures
    indices = next(t for s in content.sections for t in s.tables if t.title == "Diversity indices")
    chosen = now.indices[now.indices["dimension"].isin(["regional_group", "gender", "category", "country"])]
    assert [r.cells for r in indices.rows] == [
        [
            lab.population(r.population),
            lab.dimension(r.dimension),
            lab.number(r.categories),
            lab.number(r.shannon, 2),
            lab.number(r.evenness, 2),
            lab.number(r.simpson, 2),
        ]
        for r in chosen.itertuples()
    ]
    assert content.sections[0].card is not None


def test_focal_point_diversity_page_names_no_other_country(app, session, seeded):
    with app.test_request_context(), force_locale("en"):
        content = diversity.build(view_of(session, "?country=FR", scope=Scope("KE")))

    text = everything_in(content)
    titles = [f.title for s in content.sections for f in s.figures]
    assert not any("regional group (1" in title for title in titles)
    assert "Kenya" in text and "African States" in text and "All countries" in text
    named = [name for name in other_countries("KE") if re.search(rf"\b{re.escape(name)}\b", text)]
    assert named == []
    assert "Member states with at least one person" not in text


def test_pages_are_registered(app):
    from dashboards.pages import page_for

    # Wrapped by the disclosure rule (`dashboards.scope.disclosed`).
    assert page_for("/dashboard/map").build.__wrapped__ is world_map.build
    assert page_for("/dashboard/diversity").build.__wrapped__ is diversity.build
