"""a covering index for the focal points' rosters: one country's active stakeholders by consent to
share, in name order, with the columns the roster filters on

Revision ID: 0017_regperf
Revises: 0016_rep
"""

from typing import Sequence, Union

from alembic import op

revision = "0017_regperf"
down_revision: Union[str, None] = "0016_rep"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

COLUMNS = [
    "country",
    "is_active",
    "share_with_focal_point",
    "erased_at",
    "search_name",
    "id",
    "category",
    "gender",
    "stakeholder_type",
    "created_at",
]


def upgrade() -> None:
    op.create_index("ix_stakeholder_roster", "stakeholder", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_stakeholder_roster", table_name="stakeholder")
