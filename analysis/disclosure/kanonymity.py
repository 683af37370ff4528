"""k-anonymity of quasi-identifiers: risk measures, global recoding, then local suppression.

Frequencies follow sdcMicro: a suppressed cell matches any value, and a missing answer that was
not suppressed is a value of its own (pandas `groupby` would silently drop it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.disclosure.matching import encode, match_counts
from analysis.disclosure.recoding import Recoding, recode
from analysis.disclosure.suppression import suppress

MIN_K = 3

__all__ = ["MIN_K", "AnonymisationResult", "Recoding", "RiskSummary", "frequencies", "k_anonymise", "risk_summary"]


@dataclass(frozen=True)
class RiskSummary:
    records: int
    below_2: int  # records whose combination is seen fewer than 2 times (wildcard-aware)
    below_3: int
    below_5: int
    expected_reidentifications: float  # sum over records of 1/f_k
    min_frequency: int  # the k reached (0 when there are no records)


@dataclass
class AnonymisationResult:
    frame: pd.DataFrame  # all input columns, same index; quasi recoded; suppressed cells missing
    suppressed: pd.DataFrame  # bool, one column per quasi variable: True = locally suppressed
    recodings: list[Recoding]
    recoded_cells: dict[str, int]  # per quasi variable
    suppressed_cells: dict[str, int]  # per quasi variable (== suppressed[var].sum())
    k: int
    before: RiskSummary
    after: RiskSummary


def frequencies(frame: pd.DataFrame, quasi: Sequence[str], suppressed: pd.DataFrame | None = None) -> pd.Series:
    """f_k of every record: how many records share its combination, itself included.

    Cells marked in `suppressed` match any value; missing values that are not suppressed form
    a category of their own.
    """
    quasi = _checked(frame, quasi)
    return pd.Series(match_counts(encode(frame, quasi, suppressed)), index=frame.index, name="frequency")


def risk_summary(frame: pd.DataFrame, quasi: Sequence[str], suppressed: pd.DataFrame | None = None) -> RiskSummary:
    """Counts of records at risk and the global risk.

    Without sampling weights the expected number of re-identifications is the sum over records
    of 1/f_k: an intruder who matches a record to its combination picks the right one among
    f_k with probability 1/f_k. This is the idea behind sdcMicro's `measure_risk` global risk,
    with the sample frequencies standing in for the population ones.
    """
    f = frequencies(frame, quasi, suppressed).to_numpy()
    return RiskSummary(
        records=len(f),
        below_2=int((f < 2).sum()),
        below_3=int((f < 3).sum()),
        below_5=int((f < 5).sum()),
        expected_reidentifications=float((1.0 / f).sum()) if len(f) else 0.0,
        min_frequency=int(f.min()) if len(f) else 0,
    )


def k_anonymise(
    frame: pd.DataFrame,
    quasi: Sequence[str],
    *,
    k: int = 5,
    hierarchies: Mapping[str, Sequence[Mapping[str, str]]] | None = None,
    other: str = "other",
    priority: Sequence[str] | None = None,
) -> AnonymisationResult:
    """Make every quasi-identifier combination appear at least k times.

    Step 1 recodes values seen fewer than k times: up their hierarchy one level at a time
    (`hierarchies[var]` lists the mappings level by level, e.g. country to subregion, then
    subregion to regional group), or into `other` for variables without one. Hierarchies of
    variables that are not quasi-identifiers are ignored. Step 2 suppresses as few cells as the
    greedy search finds until every record's f_k >= k. Variables in `priority` are kept as long
    as possible, the first one longest: a cell of theirs is only suppressed when suppressing
    another variable fixes no record. The same input always gives the same output.
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < MIN_K:
        raise ValueError(f"k must be an integer of at least {MIN_K}, not {k!r}")
    k = int(k)
    quasi = _checked(frame, quasi)
    priority = list(priority or [])
    unknown = [v for v in priority if v not in quasi]
    if unknown:
        raise ValueError(f"priority names variables that are not quasi-identifiers: {unknown}")
    if 0 < len(frame) < k:
        raise ValueError(f"{len(frame)} records cannot be made {k}-anonymous: fewer than k")

    before = risk_summary(frame, quasi)
    result = frame.copy()
    recodings: list[Recoding] = []
    recoded_cells = {}
    for variable in quasi:
        levels = (hierarchies or {}).get(variable)
        column, done = recode(frame[variable], k, levels, other)
        result[variable] = column
        recodings += done
        recoded_cells[variable] = sum(r.cells for r in done)

    tiers = [len(priority) - priority.index(v) if v in priority else 0 for v in quasi]
    mask = suppress(encode(result, quasi), k, tiers) if len(frame) else np.zeros((0, len(quasi)), bool)
    suppressed = pd.DataFrame(mask, index=frame.index, columns=quasi)
    for variable in quasi:
        if suppressed[variable].any():
            result[variable] = result[variable].mask(suppressed[variable].to_numpy())
    return AnonymisationResult(
        frame=result,
        suppressed=suppressed,
        recodings=recodings,
        recoded_cells=recoded_cells,
        suppressed_cells={v: int(suppressed[v].sum()) for v in quasi},
        k=k,
        before=before,
        after=risk_summary(result, quasi, suppressed),
    )


def _checked(frame: pd.DataFrame, quasi: Sequence[str]) -> list[str]:
    quasi = list(quasi)
    if len(set(quasi)) != len(quasi):
        raise ValueError(f"quasi-identifiers named twice: {quasi}")
    missing = [v for v in quasi if v not in frame.columns]
    if missing:
        raise KeyError(f"no such columns: {missing}")
    return quasi
