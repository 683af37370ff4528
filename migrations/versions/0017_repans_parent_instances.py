"""answers of a repeat nested in another: the instance numbers of the repeats holding it, beside its own
instance and part of the key; every answer stored before (none nested) gets ""

Revision ID: 0017_repans
Revises: 0016_rep
"""

from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0017_repans"
down_revision: Union[str, None] = "0016_rep"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

PRIMARY_KEY = "answer_pkey"  # as 0016 named it on both backends
NAMES = {"pk": "%(table_name)s_pkey"}


def _set_primary_key(batch_op, columns: list[str]) -> None:
    batch_op.drop_constraint(PRIMARY_KEY, type_="primary")
    batch_op.create_primary_key(PRIMARY_KEY, columns)


def upgrade() -> None:
    with op.batch_alter_table("answer", naming_convention=NAMES) as batch_op:
        batch_op.add_column(
            sa.Column(
                "parent_instances", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False, server_default=""
            )
        )
        _set_primary_key(batch_op, ["response_id", "question", "instance", "parent_instances"])


def downgrade() -> None:
    op.execute("DELETE FROM answer WHERE parent_instances <> ''")  # nested answers have no place without it
    with op.batch_alter_table("answer", naming_convention=NAMES) as batch_op:
        _set_primary_key(batch_op, ["response_id", "question", "instance"])
        batch_op.drop_column("parent_instances")
