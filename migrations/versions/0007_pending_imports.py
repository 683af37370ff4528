"""pending imports: checked uploads wait in the database, not on one machine's disk

Revision ID: 0007
Revises: 0006
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0007"
down_revision: Union[str, None] = "0006"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "pendingimport",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token"),
    )
    with op.batch_alter_table("pendingimport") as batch_op:
        batch_op.create_index("ix_pendingimport_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_pendingimport_uploaded_by_id", ["uploaded_by_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pendingimport") as batch_op:
        batch_op.drop_index("ix_pendingimport_uploaded_by_id")
        batch_op.drop_index("ix_pendingimport_created_at")
    op.drop_table("pendingimport")
