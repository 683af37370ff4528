"""The two small tables the survey statistics need besides the responses frame.

- `invitations_frame(session, wave_ids)`: one row per invitation sent (`sent_at` set), for
  `analysis.response_rates`: `invitation_id`, `wave_id`, `wave` (name), `year`,
  `regional_group`, `country`, `category` (the invitee's registry profile as it is now, as the
  admin monitoring page counts it; missing once the stakeholder was erased), `responded` (1 when
  the invitee submitted a response to that wave, else 0).
- `registry_margin_frame(session)`: the raking targets of `analysis.survey_results.raking_weights`
  as a tidy frame, `variable` (one of `analysis.weighting.RAKING_VARIABLES`), `value` (code;
  missing for stakeholders without one), `count` of active, non-erased stakeholders. (The report
  and the dashboard compute the same targets from the registry frame they already hold:
  `presentation.weights.raking_targets`.)

Both are read in bulk with SQL (no ORM object per row).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from analysis.weighting import RAKING_VARIABLES
from core.reference.models import Country
from stakeholders.models import Stakeholder
from surveys.models import Invitation, Response, Wave

INVITATION_COLUMNS = ["invitation_id", "wave_id", "wave", "year", "regional_group", "country", "category", "responded"]


def invitations_frame(session: Session, wave_ids: Sequence[int]) -> pd.DataFrame:
    wave_ids = sorted({int(w) for w in wave_ids})
    invitation, response, wave = Invitation.__table__, Response.__table__, Wave.__table__
    stakeholder, country = Stakeholder.__table__, Country.__table__
    connection = session.connection()
    query = (
        select(
            invitation.c.id,
            invitation.c.wave_id,
            wave.c.name,
            wave.c.year,
            country.c.regional_group,
            stakeholder.c.country,
            stakeholder.c.category,
            invitation.c.stakeholder_id,
        )
        .join(wave, wave.c.id == invitation.c.wave_id)
        .outerjoin(stakeholder, stakeholder.c.id == invitation.c.stakeholder_id)
        .outerjoin(country, country.c.iso2 == stakeholder.c.country)
        .where(invitation.c.wave_id.in_(wave_ids), invitation.c.sent_at.is_not(None))
        .order_by(invitation.c.id)
    )
    rows = connection.execute(query).all()
    names = [*INVITATION_COLUMNS[:-1], "stakeholder_id"]
    data = dict(zip(names, zip(*rows))) if rows else {name: () for name in names}
    # Matched in pandas, not by an outer join: SQLite would probe the responses once per invitation.
    answered = connection.execute(
        select(response.c.wave_id, response.c.stakeholder_id).where(
            response.c.wave_id.in_(wave_ids), response.c.status == "submitted", response.c.stakeholder_id.is_not(None)
        )
    ).all()
    keys = pd.MultiIndex.from_arrays(
        [np.asarray(data["wave_id"], dtype=np.int64), pd.array(list(data["stakeholder_id"]), dtype="Int64")]
    )
    responded = (
        keys.isin(pd.MultiIndex.from_tuples(answered, names=[None, None]))
        if answered
        else np.zeros(len(keys), dtype=bool)
    )
    return pd.DataFrame(
        {
            "invitation_id": np.asarray(data["invitation_id"], dtype=np.int64),
            "wave_id": np.asarray(data["wave_id"], dtype=np.int64),
            "wave": pd.Categorical(list(data["wave"])),
            "year": np.asarray(data["year"], dtype=np.int64),
            **{name: pd.Categorical(list(data[name])) for name in ("regional_group", "country", "category")},
            "responded": np.asarray(responded, dtype=np.int64),
        },
        columns=INVITATION_COLUMNS,
    )


def registry_margin_frame(session: Session) -> pd.DataFrame:
    """Counts by regional group, category and gender of the stakeholders a survey could reach.

    One grouped query rather than `stakeholders.frames.registry_frame`: the margins need three
    columns of counts, not every record with its attribute matrix."""
    stakeholder, country = Stakeholder.__table__, Country.__table__
    query = (
        select(country.c.regional_group, stakeholder.c.category, stakeholder.c.gender, func.count())
        .select_from(stakeholder)
        .outerjoin(country, country.c.iso2 == stakeholder.c.country)
        .where(stakeholder.c.is_active.is_(True), stakeholder.c.erased_at.is_(None))
        .group_by(country.c.regional_group, stakeholder.c.category, stakeholder.c.gender)
    )
    cells = pd.DataFrame(session.connection().execute(query).all(), columns=[*RAKING_VARIABLES, "count"])
    parts = []
    for variable in RAKING_VARIABLES:
        counts = cells.groupby(cells[variable].astype(object), dropna=False, sort=True)["count"].sum()
        parts.append(
            pd.DataFrame(
                {"variable": variable, "value": counts.index.astype(object), "count": counts.to_numpy(dtype=np.int64)}
            )
        )
    return pd.concat(parts, ignore_index=True)


__all__ = ["invitations_frame", "registry_margin_frame"]
