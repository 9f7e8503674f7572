"""filters (placeholder: filled by the work that needs it)

Revision ID: 0034
Revises: 0033
"""

revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
