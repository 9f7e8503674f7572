"""as of: tracked fields remember since when they are tracked; the change log is indexed by field

The card "as of" a day rebuilds tracked fields from the change log; a field tracked only since later cannot be
known then, so `tracked_field.since` keeps when its latest unbroken tracking began (NULL: from the start, which
is what the rows written before this revision get — they are the default fields). Reports by the client
category a customer had when an inquiry was made look up one field of one party at a moment: the new index.

Revision ID: 0037
Revises: 0036
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = '0037'
down_revision = '0036'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tracked_field', schema=None) as batch_op:
        batch_op.add_column(sa.Column('since', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.create_index('ix_change_log_field', 'change_log', ['entity', 'entity_id', 'field', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_change_log_field', table_name='change_log')
    with op.batch_alter_table('tracked_field', schema=None) as batch_op:
        batch_op.drop_column('since')
