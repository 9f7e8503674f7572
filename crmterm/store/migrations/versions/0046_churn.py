"""churn: the versioned churn models (parameters as JSON) and each customer's latest score with reasons

Revision ID: 0046
Revises: 0045
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = '0046'
down_revision = '0045'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('churn_model',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('trained_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('trained_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('until', sa.Date(), nullable=False),
    sa.Column('algorithm', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('parameters', sa.JSON(), nullable=False),
    sa.Column('metrics', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_churn_model')),
    sa.UniqueConstraint('version', name=op.f('uq_churn_model_version'))
    )
    op.create_table('churn_score',
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('model_version', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('scored_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_churn_score_party_id_party')),
    sa.PrimaryKeyConstraint('party_id', name=op.f('pk_churn_score'))
    )
    op.create_index(op.f('ix_churn_score_score'), 'churn_score', ['score'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_churn_score_score'), table_name='churn_score')
    op.drop_table('churn_score')
    op.drop_table('churn_model')
