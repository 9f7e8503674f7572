"""payments_leads: a payer's payment distributed over its contracts (payment_distribution, payment.distribution_id
and payment.invoice); incremental lead export (lead_export_batch, lead_export_state)

Revision ID: 0043
Revises: 0042
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = '0043'
down_revision = '0042'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lead_export_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('exported_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('exported_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('leads', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_export_batch'))
    )
    op.create_table('lead_export_state',
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('answered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['lead_export_batch.id'], name=op.f('fk_lead_export_state_batch_id_lead_export_batch')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_lead_export_state_party_id_party')),
    sa.PrimaryKeyConstraint('party_id', name=op.f('pk_lead_export_state'))
    )
    with op.batch_alter_table('lead_export_state', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_export_state_batch_id'), ['batch_id'], unique=False)

    op.create_table('payment_distribution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payer_party_id', sa.Integer(), nullable=False),
    sa.Column('structure', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('rule', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('advance', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('reference', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['payer_party_id'], ['party.id'], name=op.f('fk_payment_distribution_payer_party_id_party')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_distribution'))
    )
    with op.batch_alter_table('payment_distribution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_distribution_payer_party_id'), ['payer_party_id'], unique=False)

    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('distribution_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('invoice', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False,
                                      server_default=''))
        batch_op.create_index(batch_op.f('ix_payment_distribution_id'), ['distribution_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_payment_distribution_id_payment_distribution'), 'payment_distribution', ['distribution_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_payment_distribution_id_payment_distribution'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_payment_distribution_id'))
        batch_op.drop_column('invoice')
        batch_op.drop_column('distribution_id')

    with op.batch_alter_table('payment_distribution', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_distribution_payer_party_id'))

    op.drop_table('payment_distribution')
    with op.batch_alter_table('lead_export_state', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_export_state_batch_id'))

    op.drop_table('lead_export_state')
    op.drop_table('lead_export_batch')
