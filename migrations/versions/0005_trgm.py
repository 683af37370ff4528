"""trigram index for name search (PostgreSQL)

Revision ID: 0005
Revises: 0004
"""
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    with op.batch_alter_table("stakeholder") as batch_op:
        batch_op.create_index("ix_stakeholder_search_name_trgm", ["search_name"], postgresql_using="gin",
                              postgresql_ops={"search_name": "gin_trgm_ops"})


def downgrade() -> None:
    with op.batch_alter_table("stakeholder") as batch_op:
        batch_op.drop_index("ix_stakeholder_search_name_trgm")
