"""Knowledge base: a title-and-keywords tsvector with its own GIN index (PostgreSQL)

A common word matches tens of thousands of article versions and ts_rank reads every one; most of the best
answers have the word in their title or keywords, so the search ranks those first (store/kb_index.py,
services/knowledge/kb_search.py). SQLite is unchanged.

Revision ID: 0017
Revises: 0016
"""
from alembic import op

from crmterm.store import kb_index

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    kb_index.create_head_index(op.get_bind())


def downgrade() -> None:
    kb_index.drop_head_index(op.get_bind())
