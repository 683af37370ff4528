"""answers inside a repeat: an instance number beside the question, part of the key; existing
answers (all outside any repeat) become instance 0

Revision ID: 0016_rep
Revises: 0015
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision = "0016_rep"
down_revision: Union[str, None] = "0015"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

PRIMARY_KEY = "answer_pkey"  # PostgreSQL's default name; SQLite's is unnamed and given this one here
NAMES = {"pk": "%(table_name)s_pkey"}


def _set_primary_key(batch_op, columns: list[str]) -> None:
    batch_op.drop_constraint(PRIMARY_KEY, type_="primary")
    batch_op.create_primary_key(PRIMARY_KEY, columns)


def upgrade() -> None:
    with op.batch_alter_table("answer", naming_convention=NAMES) as batch_op:
        batch_op.add_column(sa.Column("instance", sa.Integer(), nullable=False, server_default="0"))
        _set_primary_key(batch_op, ["response_id", "question", "instance"])


def downgrade() -> None:
    op.execute("DELETE FROM answer WHERE instance <> 0")  # repeat answers have no place without the column
    with op.batch_alter_table("answer", naming_convention=NAMES) as batch_op:
        _set_primary_key(batch_op, ["response_id", "question"])
        batch_op.drop_column("instance")
