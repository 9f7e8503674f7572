"""business calendars and SLA regulations; inquiries gain their SLA clocks (reaction deadline, queue entry,
resolution clock start, pause)

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def _labelled() -> list[sa.Column]:
    return [
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('labels', sa.JSON(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('sort_order', sa.Integer(), nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table('calendar', *_labelled(),
    sa.Column('time_zone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('week', sa.JSON(), nullable=False),
    sa.Column('exceptions', sa.JSON(), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar')),
    sa.UniqueConstraint('code', name=op.f('uq_calendar_code'))
    )
    op.create_table('sla_rule', *_labelled(),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=True),
    sa.Column('times', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['calendar_id'], ['calendar.id'], name=op.f('fk_sla_rule_calendar_id_calendar')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_rule')),
    sa.UniqueConstraint('code', name=op.f('uq_sla_rule_code'))
    )
    with op.batch_alter_table('sla_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sla_rule_calendar_id'), ['calendar_id'], unique=False)

    # All nullable or defaulted on the server: existing rows and raw inserts (bench) need no values.
    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('react_due_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('queued_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('sla_started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('sla_paused_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('sla_paused_minutes', sa.Float(), nullable=False, server_default='0'))

    # Open inquiries get their clocks from the event log, so a later priority change or transfer recomputes
    # from when they entered their queue and were routed (or reopened) instead of dropping their deadline.
    op.execute(_LAST_EVENT.format(column='queued_at', kinds="'routed', 'moved', 'transferred', 'reopened'"))
    op.execute(_LAST_EVENT.format(column='sla_started_at', kinds="'routed', 'reopened'"))


_LAST_EVENT = ("UPDATE inquiry SET {column} = (SELECT MAX(e.at) FROM inquiry_event e WHERE e.inquiry_id = inquiry.id "
               "AND e.kind IN ({kinds})) WHERE state IN ('waiting', 'taken', 'in_progress')")


def downgrade() -> None:
    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.drop_column('sla_paused_minutes')
        batch_op.drop_column('sla_paused_at')
        batch_op.drop_column('sla_started_at')
        batch_op.drop_column('queued_at')
        batch_op.drop_column('react_due_at')

    with op.batch_alter_table('sla_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sla_rule_calendar_id'))

    op.drop_table('sla_rule')
    op.drop_table('calendar')
