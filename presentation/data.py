"""The frames a report or a dashboard view is built from, read by the domain packages' services
(`stakeholders.frames`, `surveys.frame`, `surveys.analysis_inputs`, `engagement.frames`) and
gathered here; codes only, labels come when sections are built."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analysis.harmonise import Comparisons
from surveys.catalogue import WaveInfo


@dataclass(frozen=True)
class ReportData:
    waves: tuple[WaveInfo, ...]  # the waves asked for, oldest first
    survey: pd.DataFrame  # responses of the waves asked for
    history: pd.DataFrame  # responses of every wave up to the latest year asked for (indicator trends)
    catalog: pd.DataFrame  # questions of the waves asked for
    registry: pd.DataFrame
    participation: pd.DataFrame
    evidence: pd.DataFrame
    actions: pd.DataFrame
    impact: pd.DataFrame
    concerns: pd.DataFrame
    calls: pd.DataFrame
    invitations: pd.DataFrame  # invitations sent, with `responded`, for every wave in `history`
    member_states: pd.DataFrame  # country, regional_group
    # How questions compare between the waves' instrument versions (`surveys.concordance.comparisons`);
    # empty: by question name.
    comparisons: Comparisons = field(default_factory=Comparisons)
