"""campaigns: placeholder (filled in by the work that owns this slot)

Revision ID: 0047
Revises: 0046
"""

revision = '0047'
down_revision = '0046'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
