"""registry listing indexes

Revision ID: 0004
Revises: 0003
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stakeholder") as batch_op:
        batch_op.create_index("ix_stakeholder_listing", ["public_listing", "is_active", "erased_at", "search_name", "id", "organisation_id", "country", "category"])
    with op.batch_alter_table("stakeholderattribute") as batch_op:
        batch_op.drop_index("ix_stakeholder_attribute_field_code")
        batch_op.create_index("ix_stakeholder_attribute_field_code", ["field", "code", "stakeholder_id"])


def downgrade() -> None:
    with op.batch_alter_table("stakeholderattribute") as batch_op:
        batch_op.drop_index("ix_stakeholder_attribute_field_code")
        batch_op.create_index("ix_stakeholder_attribute_field_code", ["field", "code"])
    with op.batch_alter_table("stakeholder") as batch_op:
        batch_op.drop_index("ix_stakeholder_listing")
