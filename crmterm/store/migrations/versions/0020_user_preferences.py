"""Per-user preferences (language)

Revision ID: 0020
Revises: 0019
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
