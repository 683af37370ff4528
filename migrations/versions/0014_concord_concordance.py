"""waves from before the platform (`wave.past`) and the concordance between instrument versions:
question matches and their choice links

Revision ID: 0012_concord
Revises: 0013
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0012_concord"
down_revision: Union[str, None] = "0013"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("wave") as batch:
        batch.add_column(sa.Column("past", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("wave") as batch:
        batch.alter_column("past", server_default=None)
    op.create_table(
        "questionmatch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("earlier_version_id", sa.Integer(), nullable=False),
        sa.Column("earlier_question", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("later_version_id", sa.Integer(), nullable=False),
        sa.Column("later_question", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("relation", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("relation IN ('mapped', 'none')", name="ck_questionmatch_relation"),
        sa.ForeignKeyConstraint(["earlier_version_id"], ["instrumentversion.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["later_version_id"], ["instrumentversion.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("later_version_id", "later_question", "earlier_version_id"),
    )
    op.create_index("ix_questionmatch_earlier_version_id", "questionmatch", ["earlier_version_id"])
    op.create_index("ix_questionmatch_later_version_id", "questionmatch", ["later_version_id"])
    op.create_table(
        "choicematch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("earlier_choice", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("later_choice", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.ForeignKeyConstraint(["match_id"], ["questionmatch.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("match_id", "later_choice", "earlier_choice"),
    )
    op.create_index("ix_choicematch_match_id", "choicematch", ["match_id"])


def downgrade() -> None:
    op.drop_index("ix_choicematch_match_id", table_name="choicematch")
    op.drop_table("choicematch")
    op.drop_index("ix_questionmatch_later_version_id", table_name="questionmatch")
    op.drop_index("ix_questionmatch_earlier_version_id", table_name="questionmatch")
    op.drop_table("questionmatch")
    with op.batch_alter_table("wave") as batch:
        batch.drop_column("past")
