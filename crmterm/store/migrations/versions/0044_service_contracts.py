"""service_contracts: the installed base, service contracts and warranties

Revision ID: 0044
Revises: 0043
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = '0044'
down_revision = '0043'
branch_labels = None
depends_on = None


def _versioned() -> list[sa.Column]:
    return [sa.Column('version', sa.Integer(), nullable=False),
            sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)]


def upgrade() -> None:
    op.create_table('service_asset', *_versioned(),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('serial', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('model', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=True),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('installed_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_service_asset_party_id_party')),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscriber.id'], name=op.f('fk_service_asset_subscriber_id_subscriber')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_asset')),
    sa.UniqueConstraint('serial', name=op.f('uq_service_asset_serial'))
    )
    op.create_index(op.f('ix_service_asset_party_id'), 'service_asset', ['party_id'], unique=False)
    op.create_index(op.f('ix_service_asset_subscriber_id'), 'service_asset', ['subscriber_id'], unique=False)
    op.create_table('service_contract', *_versioned(),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('structure_id', sa.Integer(), nullable=True),
    sa.Column('asset_id', sa.Integer(), nullable=True),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('products', sa.JSON(), nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=True),
    sa.Column('response_minutes', sa.Integer(), nullable=True),
    sa.Column('resolution_minutes', sa.Integer(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('credit_per_breach', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.ForeignKeyConstraint(['asset_id'], ['service_asset.id'], name=op.f('fk_service_contract_asset_id_service_asset')),
    sa.ForeignKeyConstraint(['calendar_id'], ['calendar.id'], name=op.f('fk_service_contract_calendar_id_calendar')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_service_contract_party_id_party')),
    sa.ForeignKeyConstraint(['structure_id'], ['structure.id'], name=op.f('fk_service_contract_structure_id_structure')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_contract')),
    sa.UniqueConstraint('code', name=op.f('uq_service_contract_code'))
    )
    op.create_index(op.f('ix_service_contract_asset_id'), 'service_contract', ['asset_id'], unique=False)
    op.create_index(op.f('ix_service_contract_party_id'), 'service_contract', ['party_id'], unique=False)
    op.create_table('service_warranty', *_versioned(),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('model', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_warranty')),
    sa.UniqueConstraint('model', name=op.f('uq_service_warranty_model'))
    )


def downgrade() -> None:
    op.drop_table('service_warranty')
    op.drop_index(op.f('ix_service_contract_party_id'), table_name='service_contract')
    op.drop_index(op.f('ix_service_contract_asset_id'), table_name='service_contract')
    op.drop_table('service_contract')
    op.drop_index(op.f('ix_service_asset_subscriber_id'), table_name='service_asset')
    op.drop_index(op.f('ix_service_asset_party_id'), table_name='service_asset')
    op.drop_table('service_asset')
