"""activities: sales activities (calls, meetings, tasks on a calendar) and activity plans per process stage

Revision ID: 0039
Revises: 0038
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = '0039'
down_revision = '0038'
branch_labels = None
depends_on = None


def _versioned() -> list:
    return [sa.Column('version', sa.Integer(), nullable=False),
            sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)]


def upgrade() -> None:
    op.create_table('sales_activity_plan',
    *_versioned(),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('process', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('activities', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_activity_plan')),
    sa.UniqueConstraint('code', name=op.f('uq_sales_activity_plan_code'))
    )
    op.create_index('ix_sales_activity_plan_stage', 'sales_activity_plan', ['process', 'stage'], unique=False)
    op.create_table('sales_activity',
    *_versioned(),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('opportunity_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('duration', sa.Integer(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('done_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('plan', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('reminded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_sales_activity_contact_id_contact')),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'],
                            name=op.f('fk_sales_activity_opportunity_id_opportunity')),
    sa.ForeignKeyConstraint(['owner_id'], ['app_user.id'], name=op.f('fk_sales_activity_owner_id_app_user')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_sales_activity_party_id_party')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_activity'))
    )
    op.create_index('ix_sales_activity_owner', 'sales_activity', ['owner_id', 'starts_at'], unique=False)
    op.create_index('ix_sales_activity_remind', 'sales_activity', ['state', 'reminded_at', 'starts_at'], unique=False)
    op.create_index(op.f('ix_sales_activity_party_id'), 'sales_activity', ['party_id'], unique=False)
    op.create_index(op.f('ix_sales_activity_opportunity_id'), 'sales_activity', ['opportunity_id'], unique=False)


def downgrade() -> None:
    for index in ('ix_sales_activity_opportunity_id', 'ix_sales_activity_party_id', 'ix_sales_activity_remind',
                  'ix_sales_activity_owner'):
        op.drop_index(index, table_name='sales_activity')
    op.drop_table('sales_activity')
    op.drop_index('ix_sales_activity_plan_stage', table_name='sales_activity_plan')
    op.drop_table('sales_activity_plan')
