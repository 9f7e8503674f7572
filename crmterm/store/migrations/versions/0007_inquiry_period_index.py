"""inquiry period index: reports and benchmarks read a month of inquiries by creation time

Revision ID: 0007
Revises: 0006
"""
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.create_index('ix_inquiry_created_topic', ['created_at', 'topic_id', 'state'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.drop_index('ix_inquiry_created_topic')
