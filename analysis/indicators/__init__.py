"""The six indicator groups of decision IPBES-3/4 (annex II, para 20), one module each.

Each module has a function named after its group that takes DataFrames (never a session) and
returns a small dataclass of tidy tables and headline figures, and a `headline(result)` for the
dashboard's overview card: the latest figure, the change since the year before, and a status
("improving", "stable", "worsening", "new", "no_data"). Definitions, sources, formulas and
caveats: docs/indicators.md.
"""

from __future__ import annotations

from analysis.indicators import capacity, commitment, communication, diversity, impact, participation
from analysis.indicators._common import Headline

GROUPS = ("commitment", "capacity", "participation", "diversity", "impact", "communication")
_RESULTS = {
    commitment.Commitment: commitment,
    capacity.Capacity: capacity,
    participation.Participation: participation,
    diversity.Diversity: diversity,
    impact.Impact: impact,
    communication.Communication: communication,
}


def headline(result, year: int | None = None) -> Headline:
    """The overview card of any group's result (`year` caps the latest year considered)."""
    module = _RESULTS.get(type(result))
    if module is None:
        raise TypeError(f"not an indicator result: {type(result).__name__}")
    return module.headline(result, year)


def headlines(results: dict, year: int | None = None) -> list[Headline]:
    """Cards for the groups present in `results` (group name -> result), in the decision's order."""
    return [headline(results[group], year) for group in GROUPS if results.get(group) is not None]


__all__ = ["GROUPS", "Headline", "headline", "headlines", *GROUPS]
