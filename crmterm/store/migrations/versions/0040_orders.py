"""orders: order types (config as code), orders made from accepted quotes with their items

Revision ID: 0040
Revises: 0039
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = '0040'
down_revision = '0039'
branch_labels = None
depends_on = None


def _versioned() -> list:
    return [sa.Column('version', sa.Integer(), nullable=False),
            sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)]


def upgrade() -> None:
    op.create_table('sales_order_type', *_versioned(),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('names', sa.JSON(), nullable=False),
    sa.Column('topic', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_order_type')),
    sa.UniqueConstraint('code', name=op.f('uq_sales_order_type_code'))
    )
    op.create_table('sales_order', *_versioned(),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('quote_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('order_type', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('inquiry_id', sa.Integer(), nullable=True),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('net', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('tax', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('total', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.Column('cancelled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('cancel_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['app_user.id'], name=op.f('fk_sales_order_owner_id_app_user')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_sales_order_party_id_party')),
    sa.ForeignKeyConstraint(['quote_id'], ['quote.id'], name=op.f('fk_sales_order_quote_id_quote')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_order')),
    sa.UniqueConstraint('number', name=op.f('uq_sales_order_number')),
    sa.UniqueConstraint('quote_id', name=op.f('uq_sales_order_quote_id'))
    )
    op.create_index(op.f('ix_sales_order_inquiry_id'), 'sales_order', ['inquiry_id'], unique=False)
    op.create_index('ix_sales_order_owner', 'sales_order', ['owner_id', 'cancelled'], unique=False)
    op.create_index(op.f('ix_sales_order_party_id'), 'sales_order', ['party_id'], unique=False)
    op.create_table('sales_order_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('product', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('discount', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('net', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], name=op.f('fk_sales_order_item_order_id_sales_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_order_item')),
    sa.UniqueConstraint('order_id', 'position', name=op.f('uq_sales_order_item_order_id'))
    )


def downgrade() -> None:
    op.drop_table('sales_order_item')
    op.drop_index('ix_sales_order_party_id', table_name='sales_order')
    op.drop_index('ix_sales_order_owner', table_name='sales_order')
    op.drop_index('ix_sales_order_inquiry_id', table_name='sales_order')
    op.drop_table('sales_order')
    op.drop_table('sales_order_type')
