"""Registration drafts kept in the database per user, as the agent types

Revision ID: 0021
Revises: 0020
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
