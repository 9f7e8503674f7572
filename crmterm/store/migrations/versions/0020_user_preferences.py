"""Per-user preferences (language)

One row per user and key in user_preference, not a column on app_user: under per-user PostgreSQL logins
agents may not write app_user, but each keeps its own preferences (store/role_groups OWN_ROWS).

Revision ID: 0020
Revises: 0019
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('user_preference',
                    sa.Column('user_id', sa.Integer(), nullable=False),
                    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
                    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
                    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
                    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'],
                                            name=op.f('fk_user_preference_user_id_app_user')),
                    sa.PrimaryKeyConstraint('user_id', 'key', name=op.f('pk_user_preference')))


def downgrade() -> None:
    op.drop_table('user_preference')
