import math
from datetime import date

import pandas as pd
import pytest

from analysis.indicators import commitment as cm
from analysis.indicators import headline

ALL_SIX = "ar;zh;en;fr;ru;es"


def survey(answers, regions, years=None):
    return pd.DataFrame(
        {
            "clarity": pd.Categorical(answers, categories=list(reversed(cm.AGREE5))),
            "regional_group": pd.Categorical(regions),
            "year": years or [2026] * len(answers),
        }
    )


def test_register_completeness_counts_kinds_and_documents_in_all_six_languages():
    evidence = pd.DataFrame(
        {
            "kind": ["strategy", "procedures", "procedures"],
            "title": ["Stakeholder engagement strategy", "How to take part", "Guide for reviewers"],
            "issued_on": [date(2015, 1, 20), date(2024, 5, 1), date(2025, 2, 1)],  # engagement.frames' name
            "link": ["https://ipbes.net/a", "https://ipbes.net/b", "https://ipbes.net/c"],
            "languages": [ALL_SIX, "en;fr", ""],
        }
    )
    result = cm.commitment(evidence)
    assert result.kinds_missing == ("implementation_plan", "consultation")
    assert result.completeness == pytest.approx(2 / 4)
    assert result.share_all_languages == pytest.approx(1 / 3)
    assert result.kinds.loc["procedures", "documents"] == 2
    assert result.kinds.loc["procedures", "latest_date"] == pd.Timestamp("2025-02-01")
    assert result.kinds.loc["strategy", "all_languages"] == 1
    assert result.languages.loc["fr", "documents"] == 2
    assert result.languages.loc["ar", "share"] == pytest.approx(1 / 3)


def test_languages_as_lists_or_as_0_1_columns_give_the_same_answer():
    as_lists = pd.DataFrame({"kind": ["strategy", "procedures"], "languages": [["EN", "fr"], None]})
    as_columns = pd.DataFrame({"kind": ["strategy", "procedures"], "languages__en": [1, 0], "languages__fr": [1, 0]})
    for evidence in (as_lists, as_columns):
        result = cm.commitment(evidence)
        assert result.languages["documents"].to_dict() == {"ar": 0, "en": 1, "es": 0, "fr": 1, "ru": 0, "zh": 0}
        assert result.share_all_languages == 0


def test_clarity_top_two_share_overall_and_by_region_with_a_region_absent():
    answers = ["strongly_agree", "agree", "neutral", "disagree", "agree", "strongly_disagree"]
    regions = ["AFR", "AFR", "AFR", "WEOG", "WEOG", "WEOG"]
    result = cm.commitment(None, survey(answers, regions))
    assert result.clarity.loc["all", "top_two"] == pytest.approx(3 / 6)
    assert result.clarity.loc["AFR", "top_two"] == pytest.approx(2 / 3)
    assert result.clarity.loc["WEOG", "top_two"] == pytest.approx(1 / 3)
    assert result.clarity.loc["AFR", "small"]
    assert "EEG" not in result.clarity.index  # nobody answered from there: no row, not a zero
    assert result.completeness == 0 and math.isnan(result.share_all_languages)


def test_headline_compares_clarity_with_the_year_before():
    answers = ["agree"] * 4 + ["disagree"] * 6 + ["agree"] * 8 + ["disagree"] * 2
    years = [2025] * 10 + [2026] * 10
    card = headline(cm.commitment(None, survey(answers, ["AFR"] * 20, years)))
    assert (card.year, card.previous_year) == (2026, 2025)
    assert card.value == pytest.approx(0.8) and card.change == pytest.approx(0.4)
    assert card.status == "improving"


def test_headline_without_a_survey_shows_register_completeness_and_no_trend():
    card = headline(cm.commitment(pd.DataFrame({"kind": ["strategy"]})))
    assert card.measure == "evidence_completeness" and card.value == pytest.approx(0.25) and card.status == "new"
    assert headline(cm.commitment(None)).status == "new"  # zero of four kinds is a figure, not missing data
