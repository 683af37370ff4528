"""Reference data: the 193 UN member states, and the UN's two non-member observer states

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from core.reference.countries import member_state_rows

revision: str = "0002"
down_revision: Union[str, None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Non-member territories have no UN regional group; more can be added with
# `flask --app app countries add-territory`.
OBSERVER_STATES = [
    {"iso2": "PS", "iso3": "PSE", "m49": 275, "name_en": "State of Palestine", "m49_region": "Asia",
     "m49_subregion": "Western Asia"},
    {"iso2": "VA", "iso3": "VAT", "m49": 336, "name_en": "Holy See", "m49_region": "Europe",
     "m49_subregion": "Southern Europe"},
]

country = sa.table(
    "country",
    sa.column("iso2", sa.String), sa.column("iso3", sa.String), sa.column("m49", sa.Integer),
    sa.column("name_en", sa.String), sa.column("regional_group", sa.String),
    sa.column("m49_region", sa.String), sa.column("m49_subregion", sa.String),
    sa.column("m49_intermediate_region", sa.String), sa.column("is_un_member", sa.Boolean),
    sa.column("ldc", sa.Boolean), sa.column("lldc", sa.Boolean), sa.column("sids", sa.Boolean),
)


def upgrade() -> None:
    observers = [
        {"regional_group": None, "m49_intermediate_region": None, "is_un_member": False,
         "ldc": False, "lldc": False, "sids": False, **row}
        for row in OBSERVER_STATES
    ]
    op.bulk_insert(country, member_state_rows() + observers)


def downgrade() -> None:
    op.execute(country.delete())
