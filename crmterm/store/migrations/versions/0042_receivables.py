"""receivables: invoices imported from billing and promised payments (collections)

Revision ID: 0042
Revises: 0041
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = '0042'
down_revision = '0041'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('receivable',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('contract', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('paid', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('imported_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_receivable_party_id_party')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receivable')),
    sa.UniqueConstraint('number', name=op.f('uq_receivable_number'))
    )
    op.create_index('ix_receivable_party_due', 'receivable', ['party_id', 'due_on'], unique=False)
    op.create_table('payment_promise',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('inquiry_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('promised_on', sa.Date(), nullable=False),
    sa.Column('paid_before', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('settled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_payment_promise_party_id_party')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_promise'))
    )
    op.create_index(op.f('ix_payment_promise_party_id'), 'payment_promise', ['party_id'], unique=False)
    op.create_index('ix_payment_promise_state', 'payment_promise', ['state', 'promised_on'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_payment_promise_state', table_name='payment_promise')
    op.drop_index(op.f('ix_payment_promise_party_id'), table_name='payment_promise')
    op.drop_table('payment_promise')
    op.drop_index('ix_receivable_party_due', table_name='receivable')
    op.drop_table('receivable')
