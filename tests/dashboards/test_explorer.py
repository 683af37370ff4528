"""The survey explorer: the figures and tables it shows are the survey statistics of the analysis
package, wave by wave, weighted or not, broken down as asked."""

from __future__ import annotations

import numpy as np
import pytest
from flask_babel import force_locale
from flask_babel import gettext as _

from analysis.design import Design
from analysis.estimates import mean, proportion
from analysis.survey_results import wave_results
from dashboards.filters import Filters
from dashboards.pages import explorer, page_for
from dashboards.scope import EVERYTHING, Scope
from dashboards.selection import select
from dashboards.view import View
from presentation.weights import current_registry, raked_domain, raking_targets
from stakeholders.frames import registry_frame
from surveys.definition import Page, Question
from tests.factories import make_definition, make_instrument_version, make_response, make_stakeholder, make_wave, six

pytestmark = pytest.mark.usefixtures("backend")


def answer_wave(session, wave, *, female_yes: int, male_yes: int) -> None:
    """12 women and 6 men answer; men are few (small cells) and answer "yes" less often."""
    for i in range(12):
        make_response(
            session,
            wave,
            {"roles": ["author"], "years": 2 + i, "engaged": "yes" if i < female_yes else "no"},
            gender="female",
            commit=False,
        )
    for i in range(6):
        make_response(
            session,
            wave,
            {"roles": ["user"], "years": 21 + i, "engaged": "yes" if i < male_yes else "no"},
            gender="male",
            commit=False,
        )
    session.commit()


@pytest.fixture
def survey(session):
    """Two waves of one instrument; the registry holds three women for one man, so weights differ."""
    for i in range(3):
        make_stakeholder(session, name=f"Registered woman {i}", gender="female", with_account=False)
    make_stakeholder(session, name="Registered man", gender="male", with_account=False)
    version = make_instrument_version(session)
    earlier = make_wave(
        session,
        version=version,
        name="Annual survey 2025",
        year=2025,
        opens_in_days=-400,
        closes_in_days=-370,
        status="closed",
    )
    later = make_wave(session, version=version, name="Annual survey 2026", year=2026)
    answer_wave(session, earlier, female_yes=9, male_yes=1)
    answer_wave(session, later, female_yes=6, male_yes=3)
    return earlier, later


@pytest.fixture
def context(app):
    with app.test_request_context():
        yield


def view_of(session, filters: Filters, scope=EVERYTHING) -> View:
    return View(select(session, filters.within(scope)), scope, "en")


def only_figure(content):
    (section,) = content.sections
    (figure,) = section.figures
    return section, figure


def weighing(view: View, wave_id: int, weighted: bool):
    """The chosen wave's respondents and what weighs them: its raked design (the respondents a
    domain of it), or nothing."""
    frame = view.selection.data.survey
    return raked_domain(frame, view.selection.weighting[wave_id]) if weighted else (frame, None)


def bars(figure) -> dict[tuple[str, str], tuple[float, float, float]]:
    """(series, label) -> (estimate, low, high) as the chart draws them."""
    found = {}
    for trace in figure.html.data:
        for label, x, plus, minus in zip(trace.y, trace.x, trace.error_x.array, trace.error_x.arrayminus):
            found[(trace.name, label)] = (x, x - minus, x + plus)
    return found


@pytest.mark.usefixtures("context")
def test_the_explorer_is_a_page_of_the_dashboard():
    assert page_for("/dashboard/explorer").build.__wrapped__ is explorer.PAGE.build  # wrapped by the disclosure rule


@pytest.mark.usefixtures("context")
@pytest.mark.parametrize("weighted", [True, False])
def test_shares_are_the_wave_results_of_the_first_single_choice_question(session, survey, weighted):
    _earlier, later = survey
    view = view_of(session, Filters(wave=later.id, weighted=weighted))

    content = explorer.build(view)

    section, figure = only_figure(content)
    assert section.title == "Did you engage with IPBES?"  # not "Your roles", which comes first but is multiple
    frame, weights = weighing(view, later.id, weighted)
    expected = wave_results(frame, view.selection.data.catalog, weights=weights)
    shares = expected.shares[(expected.shares["question"] == "engaged") & (expected.shares["by"] == "all")]
    drawn = bars(figure)
    assert len(drawn) == 2
    for row in shares.to_dict("records"):
        estimate, low, high = drawn[("Annual survey 2026", row["choice"].title())]
        assert (estimate, low, high) == pytest.approx((row["estimate"], row["low"], row["high"]))
    table_n = {r.cells[1]: r.cells[3] for r in figure.table.rows}
    assert table_n == {"Yes": "18", "No": "18"}


@pytest.mark.usefixtures("context")
def test_weighting_changes_the_estimate_where_weights_differ(session, survey):
    earlier, _later = survey
    yes = {}
    for weighted in (True, False):
        view = view_of(session, Filters(wave=earlier.id, weighted=weighted))
        _section, figure = only_figure(explorer.build(view))
        yes[weighted] = bars(figure)[("Annual survey 2025", "Yes")]
        frame, weights = weighing(view, earlier.id, weighted)
        direct = proportion((frame["engaged"].astype(object) == "yes").astype(float), weights)
        assert yes[weighted] == pytest.approx((direct.estimate, direct.low, direct.high))
    # Women (9 of 12 say yes) stand for three registered women to every man (1 of 6).
    assert yes[False][0] == pytest.approx(10 / 18)
    assert yes[True][0] == pytest.approx(0.75 * 9 / 12 + 0.25 * 1 / 6, abs=1e-6)


@pytest.mark.usefixtures("context")
def test_comparing_two_waves_draws_a_series_per_wave(session, survey):
    earlier, later = survey
    # The filter bar is on the earlier wave: the later one is outside its history and loaded on its own.
    view = view_of(session, Filters(wave=earlier.id, waves=(later.id, earlier.id), weighted=False))

    _section, figure = only_figure(explorer.build(view))

    assert [trace.name for trace in figure.html.data] == ["Annual survey 2025", "Annual survey 2026"]
    drawn = bars(figure)
    assert drawn[("Annual survey 2025", "Yes")][0] == pytest.approx(10 / 18)
    assert drawn[("Annual survey 2026", "Yes")][0] == pytest.approx(9 / 18)
    assert [row.cells[0] for row in figure.table.rows] == ["Annual survey 2025"] * 2 + ["Annual survey 2026"] * 2


@pytest.mark.usefixtures("context")
def test_breakdown_by_gender_gives_a_row_per_gender_per_wave_with_small_cells_flagged(session, survey):
    earlier, later = survey
    view = view_of(session, Filters(wave=later.id, waves=(earlier.id, later.id), breakdown="gender", weighted=False))

    (section,) = explorer.build(view).sections

    (table,) = section.tables
    assert table.columns == ["Wave", "Gender", "Yes", "No"]  # in the form's order
    assert [row.cells[:2] for row in table.rows] == [
        ["Annual survey 2025", "Female"],
        ["Annual survey 2025", "Male"],
        ["Annual survey 2026", "Female"],
        ["Annual survey 2026", "Male"],
    ]
    assert [row.small for row in table.rows] == [False, True, False, True]  # 6 men: fewer than 10
    assert all(cell.endswith("; n = 12") for cell in table.rows[0].cells[2:])
    assert all(cell.endswith("; n = 6") for cell in table.rows[3].cells[2:])
    frame = view.selection.data.history
    men_2025 = frame[(frame["wave_id"] == earlier.id)]
    direct = proportion(
        np.where(
            men_2025["gender"].astype(object) == "male",
            (men_2025["engaged"].astype(object) == "yes").astype(float),
            np.nan,
        )
    )
    assert table.rows[1].cells[2].startswith(view.lab.share_with_interval(direct.estimate, direct.low, direct.high))
    # A chart per answer, groups on its axis, a series per wave.
    assert [figure.title for figure in section.figures] == [
        "Did you engage with IPBES?: Yes, by gender",
        "Did you engage with IPBES?: No, by gender",
    ]
    yes = bars(section.figures[0])
    assert set(yes) == {
        (wave, gender) for wave in ("Annual survey 2025", "Annual survey 2026") for gender in ("Female", "Male")
    }
    assert yes[("Annual survey 2025", "Male")][0] == pytest.approx(1 / 6)


@pytest.mark.usefixtures("context")
def test_numbers_are_summarised_by_their_mean(session, survey):
    earlier, _later = survey
    view = view_of(session, Filters(wave=earlier.id, question="years"))

    section, figure = only_figure(explorer.build(view))

    frame, weights = weighing(view, earlier.id, True)
    direct = mean(frame["years"].astype("float64"), weights)
    assert bars(figure)[("Annual survey 2025", "All respondents")] == pytest.approx(
        (direct.estimate, direct.low, direct.high)
    )
    (row,) = figure.table.rows
    assert row.cells == [
        "Annual survey 2025",
        view.lab.number(direct.estimate, 1)
        + " ("
        + view.lab.number(direct.low, 1)
        + "–"
        + view.lab.number(direct.high, 1)
        + ")",
        "18",
    ]
    assert not section.tables


@pytest.mark.usefixtures("context")
def test_a_focal_point_sees_no_answers_of_fewer_respondents_than_the_threshold(app, session, survey):
    _earlier, later = survey
    app.config["AGGREGATE_THRESHOLD"] = 7  # 6 Kenyan men and 12 Kenyan women answered
    scope = Scope(country="KE")

    (section,) = explorer.build(
        view_of(session, Filters(wave=later.id, breakdown="gender", weighted=False), scope)
    ).sections

    (table,) = section.tables
    # The men are too few; the women are hidden too, or the men's answers would follow from the country's.
    assert [row.cells for row in table.rows] == [
        ["Annual survey 2026", "Female", "–", "–"],
        ["Annual survey 2026", "Male", "–", "–"],
    ]
    assert not section.figures
    assert any("fewer than 7 respondents" in note for note in section.notes)
    # The country as a whole (18) is shown, and the secretariat sees every group.
    whole, _figure = only_figure(explorer.build(view_of(session, Filters(wave=later.id, weighted=False), scope)))
    assert all(cell.endswith("; n = 18") for cell in whole.tables[0].rows[0].cells[1:])
    (everything,) = explorer.build(
        view_of(session, Filters(wave=later.id, breakdown="gender", weighted=False))
    ).sections
    assert all(cell.endswith("; n = 6") for cell in everything.tables[0].rows[1].cells[2:])


@pytest.mark.usefixtures("context")
def test_a_focal_point_cannot_break_down_by_country(session, survey):
    _earlier, later = survey
    scope = Scope(country="KE")
    view = view_of(session, Filters(wave=later.id, breakdown="country"), scope)

    controls = explorer.controls(view)
    secretariat = explorer.controls(view_of(session, Filters(wave=later.id)))

    def breakdown_options(components):
        radio = components[2].children[1]
        return [option["value"] for option in radio.options]

    assert "country" not in breakdown_options(controls)
    assert "country" in breakdown_options(secretariat)
    _section, figure = only_figure(explorer.build(view))  # no breakdown: one chart of the answers
    assert {label for _series, label in bars(figure)} == {"Yes", "No"}


@pytest.mark.usefixtures("context")
def test_controls_offer_the_summarised_questions_of_the_chosen_waves(session, survey):
    _earlier, later = survey
    view = view_of(session, Filters(wave=later.id))

    waves, question, _breakdown, weighted = explorer.controls(view)

    assert waves.children[1].value == [later.id]
    dropdown = question.children[1]
    assert [o["value"] for o in dropdown.options] == ["roles", "years", "engaged", "clear_how", "transparent"]
    assert dropdown.value == "engaged"
    assert weighted.children[1].value == "1"


@pytest.mark.usefixtures("context")
def test_a_wave_that_did_not_ask_the_question_says_so(session, survey):
    _earlier, later = survey
    only_years = make_definition(
        form_id="needs",
        pages=(
            Page(
                name="about",
                labels=six("About you"),
                items=(Question(name="years", type="integer", labels=six("Years of involvement")),),
            ),
        ),
    )
    version = make_instrument_version(session, definition=only_years, code="needs-analysis")
    needs = make_wave(
        session,
        version=version,
        name="Needs analysis 2024",
        year=2024,
        opens_in_days=-800,
        closes_in_days=-770,
        status="closed",
    )
    view = view_of(session, Filters(wave=later.id, waves=(needs.id, later.id), question="engaged"))

    section, figure = only_figure(explorer.build(view))

    assert "Needs analysis 2024 did not ask this question." in section.caveats
    assert [trace.name for trace in figure.html.data] == ["Annual survey 2026"]


def test_questions_and_answers_are_in_the_users_language(app, session, survey):
    _earlier, later = survey
    with app.test_request_context(), force_locale("fr"):
        view = View(select(session, Filters(wave=later.id)), EVERYTHING, "fr")
        section, figure = only_figure(explorer.build(view))
        wave_header = _("Wave")

    assert section.title == "[fr] Did you engage with IPBES?"
    assert {label for _series, label in bars(figure)} == {"[fr] Yes", "[fr] No"}
    assert figure.table.columns[0] == wave_header != "Wave"


@pytest.mark.usefixtures("context")
def test_weighted_intervals_are_those_of_the_raked_design_not_of_fixed_weights(session, survey):
    earlier, _later = survey
    view = view_of(session, Filters(wave=earlier.id, weighted=True))
    _section, figure = only_figure(explorer.build(view))
    drawn = bars(figure)[("Annual survey 2025", "Yes")]

    frame = view.selection.data.survey  # no filter: the whole wave
    targets = raking_targets(current_registry(registry_frame(session)))
    used = {v: t for v, t in targets.items() if v in frame and frame[v].notna().all()}
    calibrated = Design(frame).rake(used).proportion("engaged", level="yes")
    fixed = proportion((frame["engaged"].astype(object) == "yes").astype(float), frame["weight"])
    assert drawn == pytest.approx((calibrated.estimate, calibrated.low, calibrated.high), abs=1e-6)
    assert abs(drawn[1] - fixed.low) > 1e-4  # the fixed-weight interval is another one


@pytest.mark.usefixtures("context")
def test_a_filtered_view_is_a_domain_of_the_whole_wave_s_raked_design(session, survey):
    earlier, _later = survey
    whole = view_of(session, Filters(wave=earlier.id, weighted=True)).selection
    view = view_of(session, Filters(wave=earlier.id, weighted=True, gender="female"))
    _section, figure = only_figure(explorer.build(view))

    design = whole.weighting[earlier.id].design  # the whole wave's, as `raking_weights` made it
    women = design.subset(design.frame["gender"].astype(object) == "female")
    expected = women.proportion("engaged", level="yes")
    assert bars(figure)[("Annual survey 2025", "Yes")] == pytest.approx(
        (expected.estimate, expected.low, expected.high)
    )


@pytest.mark.usefixtures("context")
def test_a_multiple_choice_figure_says_what_its_shares_are_of(session, survey):
    earlier, _later = survey
    view = view_of(session, Filters(wave=earlier.id, question="roles"))

    content = explorer.build(view)

    (section,) = content.sections
    phrase = "Shares of respondents who ticked at least one choice."  # the instrument's default base
    assert section.figures and all(phrase in figure.table.note for figure in section.figures)
    assert all(phrase in table.note for table in section.tables)
    with force_locale("fr"):
        assert view.lab.base("shown") == "Parts des répondants à qui la question a été posée."
