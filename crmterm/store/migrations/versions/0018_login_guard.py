"""Log-in guard: failed attempts counted per login name, known or not

Failures and locks move from app_user to login_guard, one row per name typed (services/accounts/auth), so unknown
names lock like real ones. app_user.failed_logins / locked_until are copied and no longer written; they are
left in place for now (another migration of this round defines views over app_user) and dropped later.

Revision ID: 0018
Revises: 0017
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_guard',
    sa.Column('login', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('login', name=op.f('pk_login_guard'))
    )
    op.execute("INSERT INTO login_guard (login, failures, locked_until) "
               "SELECT login, failed_logins, locked_until FROM app_user "
               "WHERE failed_logins > 0 OR locked_until IS NOT NULL")


def downgrade() -> None:
    op.drop_table('login_guard')
