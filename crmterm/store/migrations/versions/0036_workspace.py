"""The agent's own workspace (issue 31 item 6)

The layout (tabs, list columns, card tabs, dashboard tiles) is one JSON document per user in user_preference,
whose value was VARCHAR(200): it becomes TEXT. user_preference stays the one table every role writes for
itself (store/role_groups OWN_ROWS), so no new grants are needed. sla_mark gains an index on (level, at) for
the dashboard's "SLA breaches today" tile.

Revision ID: 0036
Revises: 0035
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = '0036'
down_revision = '0035'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user_preference', schema=None) as batch_op:
        batch_op.alter_column('value', existing_type=sqlmodel.sql.sqltypes.AutoString(length=200),
                              type_=sa.Text(), existing_nullable=False)
    with op.batch_alter_table('sla_mark', schema=None) as batch_op:
        batch_op.create_index('ix_sla_mark_level_at', ['level', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sla_mark', schema=None) as batch_op:
        batch_op.drop_index('ix_sla_mark_level_at')
    op.execute("DELETE FROM user_preference WHERE key = 'workspace'")  # longer than the old column allows
    with op.batch_alter_table('user_preference', schema=None) as batch_op:
        batch_op.alter_column('value', existing_type=sa.Text(),
                              type_=sqlmodel.sql.sqltypes.AutoString(length=200), existing_nullable=False)
