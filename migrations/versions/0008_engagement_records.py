"""engagement records: evidence register, planned steps on barriers, impact records, concerns, calls for input

Revision ID: 0008
Revises: 0007
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0008"
down_revision: Union[str, None] = "0007"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('barrieraction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('barrier', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('action_key', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status IN ('planned', 'in_progress', 'done', 'dropped')", name='ck_barrieraction_status'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('barrier', 'action_key', name='uq_barrieraction_barrier_action')
    )
    with op.batch_alter_table('barrieraction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_barrieraction_barrier'), ['barrier'], unique=False)

    op.create_table('callforinput',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('title_key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('deliverable', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('responses', sa.Integer(), nullable=True),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('title_key', 'opened_on', name='uq_callforinput_title_opened')
    )
    with op.batch_alter_table('callforinput', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_callforinput_opened_on'), ['opened_on'], unique=False)

    op.create_table('evidenceitem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('title_key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('link', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'title_key', name='uq_evidenceitem_kind_title')
    )
    with op.batch_alter_table('evidenceitem', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidenceitem_kind'), ['kind'], unique=False)

    op.create_table('impactrecord',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('title_key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('impact_type', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('scale', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('deliverable', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('evidence_link', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('submitter_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('submitter_email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('submitted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('moderated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('moderated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'published', 'rejected')", name='ck_impactrecord_status'),
    sa.ForeignKeyConstraint(['country'], ['country.iso2'], ),
    sa.ForeignKeyConstraint(['moderated_by_id'], ['user_account.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('impactrecord', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_impactrecord_impact_type'), ['impact_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_impactrecord_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_impactrecord_submitted_at'), ['submitted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_impactrecord_title_key'), ['title_key'], unique=False)

    op.create_table('concern',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('summary_key', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('raised_by_id', sa.Integer(), nullable=True),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('answer', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status IN ('open', 'answered', 'closed')", name='ck_concern_status'),
    sa.ForeignKeyConstraint(['raised_by_id'], ['stakeholder.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('raised_on', 'summary_key', name='uq_concern_raised_summary')
    )
    with op.batch_alter_table('concern', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_concern_raised_by_id'), ['raised_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_concern_raised_on'), ['raised_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_concern_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('concern', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concern_status'))
        batch_op.drop_index(batch_op.f('ix_concern_raised_on'))
        batch_op.drop_index(batch_op.f('ix_concern_raised_by_id'))

    op.drop_table('concern')
    with op.batch_alter_table('impactrecord', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_impactrecord_title_key'))
        batch_op.drop_index(batch_op.f('ix_impactrecord_submitted_at'))
        batch_op.drop_index(batch_op.f('ix_impactrecord_status'))
        batch_op.drop_index(batch_op.f('ix_impactrecord_impact_type'))

    op.drop_table('impactrecord')
    with op.batch_alter_table('evidenceitem', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidenceitem_kind'))

    op.drop_table('evidenceitem')
    with op.batch_alter_table('callforinput', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_callforinput_opened_on'))

    op.drop_table('callforinput')
    with op.batch_alter_table('barrieraction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_barrieraction_barrier'))

    op.drop_table('barrieraction')
