"""names the secretariat types in six languages: a JSON column of translations on instruments,
waves, open links (networks) and activities

Revision ID: 0011
Revises: 0010
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision: Union[str, None] = "0010"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TABLES = ("instrument", "wave", "openlink", "activity")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("name_translations", sa.JSON(), nullable=False, server_default="{}"))
        with op.batch_alter_table(table) as batch:
            batch.alter_column("name_translations", server_default=None)


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("name_translations")
