"""Security: append-only audit, personal attributes and erasure

SQLite has no roles, so the audit log is made append-only with triggers (on PostgreSQL the application role
is granted only SELECT and INSERT on it: `crmterm db roles`). Attribute definitions get `personal` (their
values are erased with the customer) and parties `erased_at` (services/customers/erasure).

Revision ID: 0016
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

_TRIGGERS = {
    'audit_log_no_update': 'BEFORE UPDATE ON audit_log',
    'audit_log_no_delete': 'BEFORE DELETE ON audit_log',
}


def upgrade() -> None:
    op.add_column('attribute_def', sa.Column('personal', sa.Boolean(), nullable=False,
                                             server_default=sa.false()))
    op.add_column('party', sa.Column('erased_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    if op.get_bind().dialect.name == 'sqlite':
        for name, when in _TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {when} BEGIN "
                       "SELECT RAISE(ABORT, 'audit_log is append-only'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for name in _TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table('party', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
    with op.batch_alter_table('attribute_def', schema=None) as batch_op:
        batch_op.drop_column('personal')
