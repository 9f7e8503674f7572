"""billing: blacklists of customers, phone numbers and documents (fraud, non-payment)

Revision ID: 0041
Revises: 0040
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = '0041'
down_revision = '0040'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('blacklist_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('added_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('added_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('lifted_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('lifted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_blacklist_entry_party_id_party')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blacklist_entry'))
    )
    op.create_index(op.f('ix_blacklist_entry_party_id'), 'blacklist_entry', ['party_id'], unique=False)
    op.create_index('ix_blacklist_entry_value', 'blacklist_entry', ['kind', 'value'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_blacklist_entry_value', table_name='blacklist_entry')
    op.drop_index(op.f('ix_blacklist_entry_party_id'), table_name='blacklist_entry')
    op.drop_table('blacklist_entry')
