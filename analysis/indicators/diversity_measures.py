"""The measures diversity is made of: representation against a reference share, with Wilson's
interval on the observed share, and the diversity indices (Shannon, Pielou's evenness,
Gini-Simpson). `analysis.indicators.diversity` applies them to registry, participants and
respondents; see its docstring for the flagging rule.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.estimates import SMALL_CELL
from analysis.response_rates import wilson

THRESHOLD = 0.8  # a ratio below this (with the interval below 1) flags a group


def member_state_shares(member_states: pd.DataFrame | pd.Series | None) -> pd.Series:
    """Each regional group's share of UN member states (54/193 for the African States...).

    Takes the member-state table, or counts or shares by group already made.
    """
    if member_states is None:
        return pd.Series(dtype="float64")
    if isinstance(member_states, pd.DataFrame):
        counts = member_states["regional_group"].dropna().value_counts()
    else:
        counts = pd.Series(member_states, dtype="float64")
    return (counts / counts.sum()).astype("float64").sort_index()


def representation(
    values: pd.Series, reference: pd.Series, *, threshold: float = THRESHOLD, level: float = 0.95
) -> pd.DataFrame:
    """Share of each reference group among the values that fall in a reference group, against it.

    Values outside the reference (another gender, an undisclosed one, a territory outside the UN
    groups, missing) are not in the denominator: the table compares like with like. Reference
    groups nobody belongs to appear with n = 0.
    """
    counts = pd.Series(values).astype("object").value_counts(dropna=False).rename_axis("group").reset_index(name="n")
    table = represented(counts, reference, threshold=threshold, level=level).set_index("group")
    table.attrs["outside_reference"] = int(
        counts.loc[counts["group"].notna() & ~counts["group"].isin(table.index), "n"].sum()
    )
    return table


def represented(
    counts: pd.DataFrame,
    reference: pd.Series,
    *,
    keys: tuple[str, ...] = (),
    threshold: float = THRESHOLD,
    level: float = 0.95,
) -> pd.DataFrame:
    """`representation` of counts already made, for every combination of `keys` at once.

    `counts` has the `keys` columns, `group` and `n`; a row whose group is outside the reference
    (or missing) only says that its combination exists. One row per combination and reference
    group: keys, group, n, total, share, low, high, reference, ratio, ratio_low, ratio_high, small,
    under_represented, over_represented.
    """
    reference = pd.Series(reference, dtype="float64")
    codes, combos = _combinations(counts, keys)
    at = pd.Index(reference.index, dtype="object").get_indexer(counts["group"].astype("object"))
    inside = at >= 0
    matrix = np.zeros((len(combos), len(reference)), dtype="int64")
    np.add.at(matrix, (codes[inside], at[inside]), counts["n"].to_numpy(dtype="int64")[inside])
    table = combos.iloc[np.repeat(np.arange(len(combos)), len(reference))].reset_index(drop=True)
    table["group"] = np.tile(np.asarray(reference.index, dtype="object"), len(combos))
    n = matrix.ravel()
    total = np.repeat(matrix.sum(axis=1), len(reference))
    low, high = wilson(n, total, level)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total > 0, n / np.where(total > 0, total, 1), np.nan)
    shares = np.tile(reference.to_numpy(), len(combos))
    table = table.assign(
        n=n,
        total=total,
        share=share,
        low=low,
        high=high,
        reference=shares,
        ratio=share / shares,
        ratio_low=low / shares,
        ratio_high=high / shares,
        small=total < SMALL_CELL,
    )
    table["under_represented"] = (table["ratio_high"] < 1) & (table["ratio"] < threshold)
    table["over_represented"] = table["ratio_low"] > 1
    return table


def _combinations(counts: pd.DataFrame, keys) -> tuple[np.ndarray, pd.DataFrame]:
    """Each row's combination of `keys` (numbered in order of first appearance) and the combinations."""
    keys = list(keys)
    if not keys:
        return np.zeros(len(counts), dtype="int64"), pd.DataFrame(index=[0])
    codes = counts.groupby(keys, sort=False, observed=True).ngroup().to_numpy(dtype="int64")
    first = np.unique(codes, return_index=True)[1]
    return codes, counts[keys].iloc[first].reset_index(drop=True)


def diversity_indices(counts: pd.Series, categories: int | None = None) -> dict:
    """Shannon's H (natural log), Pielou's evenness H / ln K, and Gini-Simpson 1 - Σp².

    K is the number of categories a population could spread over (`categories`, e.g. 5 regional
    groups), not only those present: a register with nobody from one region is less even.
    """
    counts = pd.Series(counts, dtype="float64")
    table = indices(pd.DataFrame({"group": counts.index, "n": counts.to_numpy()}), categories=categories)
    return table.iloc[0].to_dict()


def indices(counts: pd.DataFrame, *, keys: tuple[str, ...] = (), categories: int | None = None) -> pd.DataFrame:
    """`diversity_indices` for every combination of `keys` of a table of counts (keys, group, n):
    keys, categories, shannon, evenness, simpson.

    K is `categories`, else each combination's value of a `categories` column of `counts` when it
    has one and it is set, else the number of groups present."""
    codes, combos = _combinations(counts, keys)
    size = len(combos)
    _, shannon, simpson, k = coded_spread(codes, counts["n"].to_numpy(dtype="float64"), size)
    if categories is not None:
        k = np.full(size, float(categories))
    elif "categories" in counts and keys:
        stated = counts["categories"].to_numpy(dtype="float64")[np.unique(codes, return_index=True)[1]]
        k = np.where(np.isnan(stated), k, stated)
    evenness = pielou(shannon, k)
    result = combos if keys else pd.DataFrame(index=range(size))
    return result.assign(categories=k.astype("int64"), shannon=shannon, evenness=evenness, simpson=simpson)


def coded_spread(codes: np.ndarray, n: np.ndarray, size: int) -> tuple[np.ndarray, ...]:
    """Of each of `size` populations, from the people `n` of its groups (`codes` says whose group each
    count is): the people counted, Shannon's H, Gini-Simpson and the number of groups with anyone."""
    total = np.bincount(codes, weights=n, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(n > 0, n / total[codes], 0.0)
        plogp = np.where(p > 0, -p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    nobody = total <= 0
    shannon = np.where(nobody, np.nan, np.bincount(codes, weights=plogp, minlength=size) + 0.0)  # + 0.0: no -0.0
    simpson = np.where(nobody, np.nan, 1 - np.bincount(codes, weights=p * p, minlength=size))
    present = np.bincount(codes, weights=(n > 0).astype("float64"), minlength=size)
    return total, shannon, simpson, present


def pielou(shannon: np.ndarray, categories: np.ndarray) -> np.ndarray:
    """Pielou's evenness H / ln K; undefined where fewer than two categories could be filled."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(categories > 1, shannon / np.log(np.where(categories > 1, categories, 2.0)), np.nan)
