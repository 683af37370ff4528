"""The registry and participation records as tidy DataFrames: the registry's road into `analysis/`.

Read in bulk with SQL (no ORM object per row), so 100,000 stakeholders load in about a second.

`registry_frame` — one row per stakeholder record (merged duplicates are gone; erased and
deactivated records stay, since their country, category, gender and the like keep aggregate
counts right — filter on `is_active` to count only current ones):

- `stakeholder_id`, `country` (ISO alpha-2), `regional_group` (AFR, APAC, EEG, GRULAC, WEOG;
  missing for territories outside the UN groups and for no country), `category`, `gender`,
  `stakeholder_type`, `sector`, `registered_at` (UTC), `is_active`, `erased` (bool);
- `knowledge_system__<code>` and `discipline__<code>`: 1 when the stakeholder chose the code, else
  0, one column for every code of the controlled list (`stakeholders.vocabularies`).

`participation_frame` — one row per participation record:

- `participation_id`, `activity_id`, `activity_type`, `deliverable`, `year` (of the activity's
  start date), `role`, `comments` (review comments, reviewers only; else missing),
  `stakeholder_id` / `organisation_id` (nullable Int64: exactly one is set), and the party's
  `regional_group`, `country`, `gender`, `category` as the registry holds them now (an
  organisation has its country and regional group, no gender or category).

`member_states_frame` — one row per UN member state: `country` (ISO alpha-2), `regional_group`;
the reference the diversity indicator compares the registry's regional groups with.

`REGISTRY_TABLES` names the tables these frames read (the country reference aside): a cache of
them is stale once a commit writes one (`core.generations.watch`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import extract, func, select
from sqlmodel import Session

from core.reference.models import Country
from stakeholders import vocabularies as vocab
from stakeholders.models import Activity, Organisation, Participation, Stakeholder, StakeholderAttribute

MULTI_COLUMNS = ("knowledge_system", "discipline")  # multi-valued fields spread into 0/1 columns
SEPARATOR = "__"
_CATEGORICAL = ("country", "regional_group", "category", "gender", "stakeholder_type", "sector")
REGISTRY_TABLES = (Stakeholder, StakeholderAttribute, Organisation, Activity, Participation)


def _rows(session: Session, query) -> tuple[list[str], dict[str, tuple]]:
    result = session.connection().execute(query)
    names = list(result.keys())
    rows = result.all()
    return names, dict(zip(names, zip(*rows))) if rows else {name: () for name in names}


def registry_frame(session: Session) -> pd.DataFrame:
    stakeholder, country = Stakeholder.__table__, Country.__table__
    query = (
        select(
            stakeholder.c.id.label("stakeholder_id"),
            stakeholder.c.country,
            country.c.regional_group,
            stakeholder.c.category,
            stakeholder.c.gender,
            stakeholder.c.stakeholder_type,
            stakeholder.c.sector,
            stakeholder.c.created_at.label("registered_at"),
            stakeholder.c.is_active,
            stakeholder.c.erased_at,
        )
        .outerjoin(country, country.c.iso2 == stakeholder.c.country)
        .order_by(stakeholder.c.id)
    )
    _names, data = _rows(session, query)
    frame = pd.DataFrame(
        {
            "stakeholder_id": np.asarray(data["stakeholder_id"], dtype=np.int64),
            **{name: pd.Categorical(list(data[name])) for name in _CATEGORICAL},
            "registered_at": pd.to_datetime(list(data["registered_at"]), utc=True),
            "is_active": np.asarray(data["is_active"], dtype=bool),
            "erased": np.asarray([value is not None for value in data["erased_at"]], dtype=bool),
        }
    )
    return pd.concat([frame, _multi_columns(session, frame["stakeholder_id"].to_numpy())], axis=1)


def _multi_columns(session: Session, ids: np.ndarray) -> pd.DataFrame:
    attribute = StakeholderAttribute.__table__
    _names, data = _rows(
        session,
        select(attribute.c.stakeholder_id, attribute.c.field, attribute.c.code).where(
            attribute.c.field.in_(MULTI_COLUMNS)
        ),
    )
    positions = pd.Index(ids).get_indexer(np.asarray(data["stakeholder_id"], dtype=np.int64))
    keys = pd.Series([f"{field}{SEPARATOR}{code}" for field, code in zip(data["field"], data["code"])], dtype=object)
    columns = [f"{field}{SEPARATOR}{code}" for field in MULTI_COLUMNS for code in vocab.MULTI_FIELDS[field].codes]
    # Codes retired from the list still count for the people who chose them.
    columns += sorted(set(keys) - set(columns))
    matrix = np.zeros((len(ids), len(columns)), dtype=np.int8)
    column_at = pd.Index(columns).get_indexer(keys)
    known = positions >= 0
    matrix[positions[known], column_at[known]] = 1
    return pd.DataFrame(matrix, columns=columns)


def participation_frame(session: Session) -> pd.DataFrame:
    participation, activity = Participation.__table__, Activity.__table__
    stakeholder, organisation, country = Stakeholder.__table__, Organisation.__table__, Country.__table__
    party_country = func.coalesce(stakeholder.c.country, organisation.c.country)
    query = (
        select(
            participation.c.id.label("participation_id"),
            participation.c.activity_id,
            activity.c.activity_type,
            activity.c.deliverable,
            extract("year", activity.c.start_date).label("year"),
            participation.c.role,
            participation.c.comments,
            participation.c.stakeholder_id,
            participation.c.organisation_id,
            country.c.regional_group,
            party_country.label("country"),
            stakeholder.c.gender,
            stakeholder.c.category,
        )
        .join(activity, activity.c.id == participation.c.activity_id)
        .outerjoin(stakeholder, stakeholder.c.id == participation.c.stakeholder_id)
        .outerjoin(organisation, organisation.c.id == participation.c.organisation_id)
        .outerjoin(country, country.c.iso2 == party_country)
        .order_by(participation.c.id)
    )
    _names, data = _rows(session, query)
    return pd.DataFrame(
        {
            "participation_id": np.asarray(data["participation_id"], dtype=np.int64),
            "activity_id": np.asarray(data["activity_id"], dtype=np.int64),
            "activity_type": pd.Categorical(list(data["activity_type"])),
            "deliverable": pd.array(list(data["deliverable"]), dtype="string"),
            "year": np.asarray([int(year) for year in data["year"]], dtype=np.int64),
            "role": pd.Categorical(list(data["role"])),
            "comments": pd.array(list(data["comments"]), dtype="Int64"),
            "stakeholder_id": pd.array(list(data["stakeholder_id"]), dtype="Int64"),
            "organisation_id": pd.array(list(data["organisation_id"]), dtype="Int64"),
            **{name: pd.Categorical(list(data[name])) for name in ("regional_group", "country", "gender", "category")},
        }
    )


def member_states_frame(session: Session) -> pd.DataFrame:
    rows = session.execute(select(Country.iso2, Country.regional_group).where(Country.is_un_member)).all()
    return pd.DataFrame(rows, columns=["country", "regional_group"])


__all__ = ["registry_frame", "participation_frame", "member_states_frame", "MULTI_COLUMNS", "REGISTRY_TABLES"]
