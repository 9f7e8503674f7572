"""Callbacks and tasks: promised calls to customers in a time window, and to-dos, for an agent or a queue

Revision ID: 0029
Revises: 0028
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('callback',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('window_from', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('window_to', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.Column('queue_id', sa.Integer(), nullable=True),
    sa.Column('inquiry_id', sa.Integer(), nullable=True),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('done_contact_id', sa.Integer(), nullable=True),
    sa.Column('overdue_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['agent_id'], ['app_user.id'], name=op.f('fk_callback_agent_id_app_user')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_callback_party_id_party')),
    sa.ForeignKeyConstraint(['queue_id'], ['queue.id'], name=op.f('fk_callback_queue_id_queue')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_callback'))
    )
    op.create_index('ix_callback_agent_work', 'callback', ['agent_id', 'state', 'window_from'], unique=False)
    op.create_index('ix_callback_overdue', 'callback', ['state', 'overdue_at', 'window_to'], unique=False)
    op.create_index('ix_callback_queue_work', 'callback', ['queue_id', 'state', 'window_from'], unique=False)
    op.create_table('work_task',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('due_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('priority_id', sa.Integer(), nullable=True),
    sa.Column('priority_rank', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.Column('queue_id', sa.Integer(), nullable=True),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('inquiry_id', sa.Integer(), nullable=True),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('done_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['agent_id'], ['app_user.id'], name=op.f('fk_work_task_agent_id_app_user')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_work_task_party_id_party')),
    sa.ForeignKeyConstraint(['priority_id'], ['priority.id'], name=op.f('fk_work_task_priority_id_priority')),
    sa.ForeignKeyConstraint(['queue_id'], ['queue.id'], name=op.f('fk_work_task_queue_id_queue')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_task'))
    )
    op.create_index('ix_work_task_agent', 'work_task', ['agent_id', 'state', 'due_at'], unique=False)
    op.create_index('ix_work_task_queue', 'work_task', ['queue_id', 'state', 'due_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_work_task_queue', table_name='work_task')
    op.drop_index('ix_work_task_agent', table_name='work_task')
    op.drop_table('work_task')
    op.drop_index('ix_callback_queue_work', table_name='callback')
    op.drop_index('ix_callback_overdue', table_name='callback')
    op.drop_index('ix_callback_agent_work', table_name='callback')
    op.drop_table('callback')
