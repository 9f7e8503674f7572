"""SLA monitoring: warning moments and the scan's next look on inquiries, the warning share of a regulation,
escalation rules, and the scan's once-only marks

Revision ID: 0013
Revises: 0012
"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

NO_DEADLINE = datetime(9999, 12, 31, tzinfo=UTC)  # as in 0006: migrations do not import the models


def upgrade() -> None:
    with op.batch_alter_table('sla_rule', schema=None) as batch_op:
        batch_op.add_column(sa.Column('warn_percent', sa.Integer(), nullable=False, server_default='80'))

    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('react_warn_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('warn_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('sla_check_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.create_index('ix_inquiry_sla_check', ['sla_check_at', 'id'], unique=False)

    op.create_table('escalation_rule',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('labels', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clock', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('when', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('condition', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('priority_id', sa.Integer(), nullable=True),
    sa.Column('queue_id', sa.Integer(), nullable=True),
    sa.Column('notify_assignee', sa.Boolean(), nullable=False),
    sa.Column('notify_queue_admins', sa.Boolean(), nullable=False),
    sa.Column('mailing_list_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['mailing_list_id'], ['mailing_list.id'],
                            name=op.f('fk_escalation_rule_mailing_list_id_mailing_list')),
    sa.ForeignKeyConstraint(['priority_id'], ['priority.id'], name=op.f('fk_escalation_rule_priority_id_priority')),
    sa.ForeignKeyConstraint(['queue_id'], ['queue.id'], name=op.f('fk_escalation_rule_queue_id_queue')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalation_rule')),
    sa.UniqueConstraint('code', name=op.f('uq_escalation_rule_code'))
    )
    op.create_table('sla_mark',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inquiry_id', sa.Integer(), nullable=False),
    sa.Column('clock', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('deadline', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['inquiry_id'], ['inquiry.id'], name=op.f('fk_sla_mark_inquiry_id_inquiry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_mark')),
    sa.UniqueConstraint('inquiry_id', 'clock', 'level', 'deadline', name=op.f('uq_sla_mark_inquiry_id'))
    )

    # Open inquiries are looked at by the scan from their earliest deadline on (no warning moment: it needs
    # business-time arithmetic; the next deadline change computes one).
    moment = sqlmodel.sql.sqltypes.UTCDateTime
    inquiry = sa.table('inquiry', sa.column('state', sa.String()), sa.column('due_at', moment()),
                       sa.column('react_due_at', moment()), sa.column('sla_check_at', moment()))
    never = sa.bindparam('never', NO_DEADLINE, moment())
    op.execute(inquiry.update().where(inquiry.c.state.in_(['waiting', 'taken', 'in_progress']),
                                      inquiry.c.due_at < never).values(sla_check_at=inquiry.c.due_at))
    op.execute(inquiry.update().where(inquiry.c.state == 'waiting', inquiry.c.react_due_at.is_not(None),
                                      sa.or_(inquiry.c.sla_check_at.is_(None),
                                             inquiry.c.react_due_at < inquiry.c.sla_check_at))
               .values(sla_check_at=inquiry.c.react_due_at))


def downgrade() -> None:
    op.drop_table('sla_mark')
    op.drop_table('escalation_rule')
    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.drop_index('ix_inquiry_sla_check')
        batch_op.drop_column('sla_check_at')
        batch_op.drop_column('warn_at')
        batch_op.drop_column('react_warn_at')
    with op.batch_alter_table('sla_rule', schema=None) as batch_op:
        batch_op.drop_column('warn_percent')
