"""Log-in guard: failed attempts counted per login name, known or not

Revision ID: 0018
Revises: 0017
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
