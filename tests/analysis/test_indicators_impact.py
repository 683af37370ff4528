from datetime import date

import numpy as np
import pandas as pd
import pytest

from analysis.indicators import headline
from analysis.indicators import impact as im


def records():
    # engagement.frames.impact_frame's column names.
    return pd.DataFrame(
        {
            "impact_type": ["policy", "policy", "law", "network", "policy"],
            "scale": ["national", "national", "global", None, "local"],
            "region": ["AFR", "GRULAC", None, "AFR", "AFR"],
            "country": ["KE", "BR", None, "NG", "KE"],
            "deliverable": ["pollination", "pollination", "global", "", "nexus"],
            "status": ["published", "published", "published", "pending", "rejected"],
            "submitted_on": [date(2024, 11, 2), date(2025, 1, 3), date(2025, 6, 1), date(2025, 7, 1), date(2025, 8, 1)],
            "published_on": [date(2025, 1, 10), date(2025, 2, 1), date(2025, 6, 20), None, None],
        }
    )


def test_counts_of_published_records_by_type_scale_region_and_deliverable():
    result = im.impact(records())
    assert result.published == 3 and result.pending == 1
    totals = result.totals.set_index(["dimension", "group"])["records"]
    assert totals[("type", "policy")] == 2 and totals[("type", "law")] == 1
    assert ("type", "network") not in totals  # pending: not published yet
    assert totals[("regional_group", "unknown")] == 1
    assert totals[("deliverable", "pollination")] == 2
    counts = result.counts.set_index(["dimension", "group", "year"])["records"]
    assert counts[("scale", "national", 2025)] == 2


def test_by_year_submitted_and_published():
    result = im.impact(records())
    assert result.by_year.loc[2024].tolist() == [1, 0]
    assert result.by_year.loc[2025].tolist() == [4, 3]
    card = headline(result)
    assert (card.year, card.value, card.previous, card.status) == (2025, 3, 0, "improving")


def test_survey_shares_of_each_use_of_ipbes_products():
    survey = pd.DataFrame(
        {
            "product_uses__policy": [1, 0, 1, np.nan],
            "product_uses__research": [0, 1, 1, np.nan],
            "products_used__spm": [1, 1, 0, 0],
            "regional_group": ["AFR", "AFR", "WEOG", "WEOG"],
        },
        dtype="object",
    ).astype({"product_uses__policy": float, "product_uses__research": float, "products_used__spm": float})
    result = im.impact(None, survey)
    uses = result.uses.set_index(["question", "choice"])
    assert uses.loc[("product_uses", "policy"), "estimate"] == pytest.approx(2 / 3)
    assert uses.loc[("product_uses", "policy"), "n"] == 3
    assert uses.loc[("products_used", "spm"), "estimate"] == pytest.approx(0.5)
    by_region = result.uses_by_region.set_index(["question", "group", "choice"])
    assert by_region.loc[("product_uses", "WEOG", "research"), "estimate"] == 1.0
    assert result.published == 0 and result.counts.empty


def test_nothing_recorded():
    result = im.impact(pd.DataFrame(columns=["impact_type", "status", "submitted_on", "published_on"]))
    assert result.published == 0 and result.by_year.empty and headline(result).status == "no_data"


def test_the_card_counts_the_records_by_year_alone_and_the_tables_follow_when_read():
    part = im.records_part(records())
    card = headline(im.impact(None, counted=part))
    assert "_tables" not in vars(part)  # the counts by dimension wait for the group's page
    assert card == headline(im.impact(records()))
    result = im.impact(None, counted=part)
    assert result.published == 3 and result.totals.equals(im.impact(records()).totals)
    pd.testing.assert_series_equal(result.headline_series, result.by_year["published"].astype("float64"))
