"""The report's survey section estimates the key questions in each wave's raked design (a
filtered dashboard view as a domain of the whole wave), not with the weights held fixed."""

from __future__ import annotations

import pytest

from analysis.estimates import proportion
from dashboards.filters import Filters
from presentation.disclosure import SUPPRESSED_MARK, Disclosure
from presentation.sections import survey as section
from reports.build import methods
from tests.dashboards.test_explorer import context, survey, view_of  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("backend")


def yes_row(results):
    shares = results.shares
    (row,) = shares[(shares["question"] == "engaged") & (shares["by"] == "all") & (shares["choice"] == "yes")].to_dict(
        "records"
    )
    return row


@pytest.mark.usefixtures("context")
@pytest.mark.parametrize("gender", [None, "female"])
def test_key_questions_have_the_calibrated_intervals_of_the_whole_wave_s_design(session, survey, monkeypatch, gender):  # noqa: F811
    earlier, _later = survey  # where women and men answer differently
    seen = []
    real = section.wave_results
    monkeypatch.setattr(section, "wave_results", lambda *args, **kwargs: seen.append(real(*args, **kwargs)) or seen[-1])
    view = view_of(session, Filters(wave=earlier.id, weighted=True, gender=gender))

    section.survey_section(view.builder)

    design = view.selection.weighting[earlier.id].design  # the whole wave's
    domain = design if gender is None else design.subset(design.frame["gender"].astype(object) == gender)
    calibrated = domain.proportion("engaged", level="yes")
    frame = view.selection.data.survey
    fixed = proportion((frame["engaged"].astype(object) == "yes").astype(float), frame["weight"])
    (results,) = seen
    row = yes_row(results)
    assert (row["estimate"], row["low"], row["high"]) == pytest.approx(
        (calibrated.estimate, calibrated.low, calibrated.high), abs=1e-9
    )
    assert abs(row["low"] - fixed.low) > 1e-4


@pytest.mark.usefixtures("context")
def test_the_methods_note_names_the_design(session, survey):  # noqa: F811
    earlier, _later = survey
    view = view_of(session, Filters(wave=earlier.id, weighted=True))
    assert any("one-stage design with replacement" in p and "svyrecvar" in p for p in methods(view.builder))


@pytest.mark.usefixtures("context")
def test_key_question_shares_carry_the_people_they_count_so_a_focal_point_never_sees_few(session, survey):  # noqa: F811
    earlier, _later = survey
    view = view_of(session, Filters(wave=earlier.id))
    found = section.survey_section(view.builder)
    tables = [f.table for f in found.figures if f.table is not None and f.table.rows and 2 in f.table.rows[0].counts]
    assert tables, "the key questions' share tables carry their counts of people"
    table = tables[0]
    people = [(row.counts[2], row.base) for row in table.rows]
    assert all(0 <= chosen <= base for chosen, base in people)
    # A threshold just above the smallest "chose" or "did not choose" count hides that row's share.
    smallest = min(min(chosen, base - chosen) for chosen, base in people if 0 < chosen < base)
    Disclosure(smallest + 1).table(table)
    hidden = [row for row in table.rows if row.cells[2] == SUPPRESSED_MARK]
    assert hidden and all(row.cells[1] != SUPPRESSED_MARK for row in table.rows)
