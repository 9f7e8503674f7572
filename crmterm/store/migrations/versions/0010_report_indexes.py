"""indexes that reports aggregate over: a month of inquiries from one covering index (replaces the
(created_at, topic_id, state) index of 0007), overdue inquiries by assignee, an inquiry's events by kind and
time, the events of a period by kind, and contacts per operator by period

Revision ID: 0010
Revises: 0009
"""
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

PERIOD = ['created_at', 'topic_id', 'state', 'closed_at', 'due_at', 'queue_id', 'priority_id', 'step',
          'party_id', 'contact_id', 'id']


def upgrade() -> None:
    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.drop_index('ix_inquiry_created_topic')
        batch_op.create_index('ix_inquiry_period', PERIOD, unique=False)
        batch_op.create_index('ix_inquiry_state_due', ['state', 'due_at', 'assignee_id'], unique=False)
    with op.batch_alter_table('inquiry_event', schema=None) as batch_op:
        batch_op.create_index('ix_inquiry_event_inquiry_kind', ['inquiry_id', 'kind', 'at', 'actor'], unique=False)
        batch_op.create_index('ix_inquiry_event_kind_at', ['kind', 'at', 'actor', 'inquiry_id'], unique=False)
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index('ix_contact_at_operator', ['at', 'operator_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_at_operator')
    with op.batch_alter_table('inquiry_event', schema=None) as batch_op:
        batch_op.drop_index('ix_inquiry_event_kind_at')
        batch_op.drop_index('ix_inquiry_event_inquiry_kind')
    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.drop_index('ix_inquiry_state_due')
        batch_op.drop_index('ix_inquiry_period')
        batch_op.create_index('ix_inquiry_created_topic', ['created_at', 'topic_id', 'state'], unique=False)
