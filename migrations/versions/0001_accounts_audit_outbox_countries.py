"""accounts, audit log, outbox, countries

Revision ID: 0001
Revises: 
Create Date: 2026-11-21 00:01:39.850613
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision: str = '0001'
down_revision: Union[str, None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    
    op.create_table('country',
    sa.Column('iso2', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('iso3', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('m49', sa.Integer(), nullable=True),
    sa.Column('name_en', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('regional_group', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
    sa.Column('m49_region', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('m49_subregion', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('m49_intermediate_region', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('is_un_member', sa.Boolean(), nullable=False),
    sa.Column('ldc', sa.Boolean(), nullable=False),
    sa.Column('lldc', sa.Boolean(), nullable=False),
    sa.Column('sids', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('iso2'),
    sa.UniqueConstraint('iso3'),
    sa.UniqueConstraint('m49')
    )
    with op.batch_alter_table('country', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_country_regional_group'), ['regional_group'], unique=False)

    op.create_table('outboxmessage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('to_address', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('locale', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outboxmessage_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outboxmessage_to_address'), ['to_address'], unique=False)

    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('focal_country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('locale', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True),
    sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('email_verified_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('session_epoch', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_login_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint("(role = 'focal_point') = (focal_country IS NOT NULL)", name='ck_user_focal_country'),
    sa.CheckConstraint("role IN ('stakeholder', 'focal_point', 'secretariat', 'admin')", name='ck_user_role'),
    sa.ForeignKeyConstraint(['focal_country'], ['country.iso2'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_account_email'), ['email'], unique=True)

    op.create_table('auditevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('target', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('ip', sqlmodel.sql.sqltypes.AutoString(length=45), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auditevent_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_auditevent_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_auditevent_occurred_at'), ['occurred_at'], unique=False)

    


def downgrade() -> None:
    
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auditevent_occurred_at'))
        batch_op.drop_index(batch_op.f('ix_auditevent_actor_id'))
        batch_op.drop_index(batch_op.f('ix_auditevent_action'))

    op.drop_table('auditevent')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_account_email'))

    op.drop_table('user_account')
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outboxmessage_to_address'))
        batch_op.drop_index(batch_op.f('ix_outboxmessage_created_at'))

    op.drop_table('outboxmessage')
    with op.batch_alter_table('country', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_country_regional_group'))

    op.drop_table('country')
    
