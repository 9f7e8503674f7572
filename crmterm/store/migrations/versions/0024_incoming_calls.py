"""Incoming calls for screen pop: a row per call and agent, unique by the telephony system's call id

Revision ID: 0024
Revises: 0023
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('incoming_call',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('call_id', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('shown_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_incoming_call_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incoming_call')),
    sa.UniqueConstraint('user_id', 'call_id', name=op.f('uq_incoming_call_user_id'))
    )
    op.create_index('ix_incoming_call_waiting', 'incoming_call', ['user_id', 'shown_at', 'created_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_incoming_call_waiting', table_name='incoming_call')
    op.drop_table('incoming_call')
