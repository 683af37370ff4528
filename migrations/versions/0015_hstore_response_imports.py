"""past responses imported from files: the import record (source file, sha256, who, when, counts,
mapping, undone), the saved column mappings per wave and file shape, and each response's import

Revision ID: 0015
Revises: 0012_concord
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0015"
down_revision: Union[str, None] = "0012_concord"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

FK_RESPONSE_IMPORT = "fk_response_import_id_responseimport"


def upgrade() -> None:
    op.create_table(
        "responseimport",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("rows_stored", sa.Integer(), nullable=False),
        sa.Column("rows_left_out", sa.Integer(), nullable=False),
        sa.Column("left_out", sa.JSON(), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("undone_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("undone_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["undone_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["wave_id"], ["wave.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("responseimport") as batch_op:
        batch_op.create_index("ix_responseimport_wave_id", ["wave_id"], unique=False)

    op.create_table(
        "savedimportmapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("signature", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["wave_id"], ["wave.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("wave_id", "signature"),
    )
    with op.batch_alter_table("savedimportmapping") as batch_op:
        batch_op.create_index("ix_savedimportmapping_signature", ["signature"], unique=False)
        batch_op.create_index("ix_savedimportmapping_wave_id", ["wave_id"], unique=False)

    with op.batch_alter_table("response") as batch_op:
        batch_op.add_column(sa.Column("import_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_response_import_id", ["import_id"], unique=False)
        batch_op.create_foreign_key(FK_RESPONSE_IMPORT, "responseimport", ["import_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("response") as batch_op:
        batch_op.drop_constraint(FK_RESPONSE_IMPORT, type_="foreignkey")
        batch_op.drop_index("ix_response_import_id")
        batch_op.drop_column("import_id")
    with op.batch_alter_table("savedimportmapping") as batch_op:
        batch_op.drop_index("ix_savedimportmapping_wave_id")
        batch_op.drop_index("ix_savedimportmapping_signature")
    op.drop_table("savedimportmapping")
    with op.batch_alter_table("responseimport") as batch_op:
        batch_op.drop_index("ix_responseimport_wave_id")
    op.drop_table("responseimport")
