"""registry

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 00:15:42.055245
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision: str = '0003'
down_revision: Union[str, None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    
    op.create_table('activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('activity_type', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('deliverable', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_activity_type'), ['activity_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_start_date'), ['start_date'], unique=False)

    op.create_table('focalpointassignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('ministry', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('digest_opt_in', sa.Boolean(), nullable=False),
    sa.Column('digest_last_sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('primary', 'alternate')", name='ck_focal_point_kind'),
    sa.ForeignKeyConstraint(['country'], ['country.iso2'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('focalpointassignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_focalpointassignment_country'), ['country'], unique=False)
        batch_op.create_index(batch_op.f('ix_focalpointassignment_user_id'), ['user_id'], unique=False)

    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('search_name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('acronym', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('org_type', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('website', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('approved_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'approved', 'rejected', 'merged')", name='ck_organisation_status'),
    sa.ForeignKeyConstraint(['country'], ['country.iso2'], ),
    sa.ForeignKeyConstraint(['merged_into_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['user_account.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_country'), ['country'], unique=False)
        batch_op.create_index('ix_organisation_name_country', ['search_name', 'country'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_org_type'), ['org_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_search_name'), ['search_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_status'), ['status'], unique=False)

    op.create_table('secretariatdigest',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('last_sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id')
    )
    op.create_table('observeradmission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('plenary_session', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organisation_id', 'plenary_session')
    )
    with op.batch_alter_table('observeradmission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_observeradmission_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('organisationname',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', 'language')
    )
    op.create_table('stakeholder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('search_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('job_title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('nationality', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('gender', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('gender_self_described', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('stakeholder_type', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('sector', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('preferred_language', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('public_listing', sa.Boolean(), nullable=False),
    sa.Column('share_with_focal_point', sa.Boolean(), nullable=False),
    sa.Column('mailing_list', sa.Boolean(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('erased_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['country'], ['country.iso2'], ),
    sa.ForeignKeyConstraint(['nationality'], ['country.iso2'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id')
    )
    with op.batch_alter_table('stakeholder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stakeholder_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_stakeholder_country'), ['country'], unique=False)
        batch_op.create_index('ix_stakeholder_country_category', ['country', 'category'], unique=False)
        batch_op.create_index(batch_op.f('ix_stakeholder_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_stakeholder_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_stakeholder_public', ['public_listing', 'is_active', 'country'], unique=False)
        batch_op.create_index(batch_op.f('ix_stakeholder_search_name'), ['search_name'], unique=False)

    op.create_table('consentrecord',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stakeholder_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('granted', sa.Boolean(), nullable=False),
    sa.Column('text_version', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['stakeholder_id'], ['stakeholder.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('consentrecord', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consentrecord_stakeholder_id'), ['stakeholder_id'], unique=False)

    op.create_table('participation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('stakeholder_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('comments', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint('(stakeholder_id IS NULL) != (organisation_id IS NULL)', name='ck_participation_one_party'),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['stakeholder_id'], ['stakeholder.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('activity_id', 'organisation_id', 'role', name='uq_participation_organisation'),
    sa.UniqueConstraint('activity_id', 'stakeholder_id', 'role', name='uq_participation_stakeholder')
    )
    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participation_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_participation_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_participation_stakeholder_id'), ['stakeholder_id'], unique=False)

    op.create_table('stakeholderattribute',
    sa.Column('stakeholder_id', sa.Integer(), nullable=False),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.ForeignKeyConstraint(['stakeholder_id'], ['stakeholder.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('stakeholder_id', 'field', 'code')
    )
    with op.batch_alter_table('stakeholderattribute', schema=None) as batch_op:
        batch_op.create_index('ix_stakeholder_attribute_field_code', ['field', 'code'], unique=False)

    


def downgrade() -> None:
    
    with op.batch_alter_table('stakeholderattribute', schema=None) as batch_op:
        batch_op.drop_index('ix_stakeholder_attribute_field_code')

    op.drop_table('stakeholderattribute')
    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participation_stakeholder_id'))
        batch_op.drop_index(batch_op.f('ix_participation_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_participation_activity_id'))

    op.drop_table('participation')
    with op.batch_alter_table('consentrecord', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consentrecord_stakeholder_id'))

    op.drop_table('consentrecord')
    with op.batch_alter_table('stakeholder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stakeholder_search_name'))
        batch_op.drop_index('ix_stakeholder_public')
        batch_op.drop_index(batch_op.f('ix_stakeholder_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_stakeholder_created_at'))
        batch_op.drop_index('ix_stakeholder_country_category')
        batch_op.drop_index(batch_op.f('ix_stakeholder_country'))
        batch_op.drop_index(batch_op.f('ix_stakeholder_category'))

    op.drop_table('stakeholder')
    op.drop_table('organisationname')
    with op.batch_alter_table('observeradmission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_observeradmission_organisation_id'))

    op.drop_table('observeradmission')
    op.drop_table('secretariatdigest')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_status'))
        batch_op.drop_index(batch_op.f('ix_organisation_search_name'))
        batch_op.drop_index(batch_op.f('ix_organisation_org_type'))
        batch_op.drop_index('ix_organisation_name_country')
        batch_op.drop_index(batch_op.f('ix_organisation_country'))

    op.drop_table('organisation')
    with op.batch_alter_table('focalpointassignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_focalpointassignment_user_id'))
        batch_op.drop_index(batch_op.f('ix_focalpointassignment_country'))

    op.drop_table('focalpointassignment')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_start_date'))
        batch_op.drop_index(batch_op.f('ix_activity_activity_type'))

    op.drop_table('activity')
    
