"""Wave-over-wave change for every item, with a test corrected across items.

Each item is a share of a choice (select_one, select_multiple), a Likert item's top-two-box
share, or a mean, taken from two `WaveResults` (`analysis.survey_results`) of the same
instrument. Waves are independent samples, so the difference's standard error is
sqrt(se_earlier² + se_later²) and the test is a Wald z test. The standard errors are those of
each wave's design (`analysis.design`): calibrated when each wave's raked design was passed to
`wave_results`, fixed-weight ones when a weight column was. Across all items of a comparison the
p-values are corrected with the Benjamini-Hochberg false discovery rate (`fdr_bh`), named in
the `method` column: statsmodels' `multipletests` defaults to Holm-Sidak, which is not it.
Items asked in only one wave, or with no variance in both, have no test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

METHOD = "Benjamini-Hochberg"
COLUMNS = [
    "question",
    "item",
    "by",
    "group",
    "earlier",
    "later",
    "difference",
    "se",
    "z",
    "p_value",
    "p_adjusted",
    "significant",
    "n_earlier",
    "n_later",
    "method",
]


def benjamini_hochberg(p_values) -> np.ndarray:
    """Adjusted p-values controlling the false discovery rate (R's `p.adjust(method = "BH")`)."""
    return multipletests(np.asarray(p_values, dtype="float64"), method="fdr_bh")[1]


def _items(results) -> pd.DataFrame:
    shares = results.shares.assign(item=results.shares["choice"].astype(str))
    likert = results.likert.rename(columns={"top_two": "estimate", "top_two_se": "se"}).assign(item="top_two")
    means = results.means.assign(item="mean")
    keep = ["question", "item", "by", "group", "estimate", "se", "n"]
    return (
        pd.concat([frame[keep] for frame in (shares, likert, means) if len(frame)], ignore_index=True)
        if any(len(frame) for frame in (shares, likert, means))
        else pd.DataFrame(columns=keep)
    )


def wave_change(earlier, later, *, alpha: float = 0.05, whole_sample_only: bool = True) -> pd.DataFrame:
    """One row per item present in both waves: the two estimates, the change and its test."""
    a, b = _items(earlier), _items(later)
    if whole_sample_only:
        a, b = a[a["by"] == "all"], b[b["by"] == "all"]
    both = a.merge(b, on=["question", "item", "by", "group"], suffixes=("_earlier", "_later"))
    if both.empty:
        return pd.DataFrame(columns=COLUMNS)
    difference = both["estimate_later"] - both["estimate_earlier"]
    se = np.sqrt(both["se_earlier"].astype(float) ** 2 + both["se_later"].astype(float) ** 2)
    testable = se.gt(0) & difference.notna()
    z = (difference / se).where(testable)
    p = pd.Series(2 * stats.norm.sf(np.abs(z)), index=both.index).where(testable)
    adjusted = pd.Series(np.nan, index=both.index)
    if testable.any():
        adjusted[testable] = benjamini_hochberg(p[testable].to_numpy())
    table = pd.DataFrame(
        {
            "question": both["question"],
            "item": both["item"],
            "by": both["by"],
            "group": both["group"],
            "earlier": both["estimate_earlier"],
            "later": both["estimate_later"],
            "difference": difference,
            "se": se,
            "z": z,
            "p_value": p,
            "p_adjusted": adjusted,
            "significant": adjusted.lt(alpha),
            "n_earlier": both["n_earlier"],
            "n_later": both["n_later"],
            "method": METHOD,
        }
    )
    return table.reset_index(drop=True)[COLUMNS]
