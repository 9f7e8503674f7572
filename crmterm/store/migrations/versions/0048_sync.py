"""sync: offline nodes and their synchronisation with the central server (placeholder, filled by issue 30)

Revision ID: 0048
Revises: 0047
"""

revision = '0048'
down_revision = '0047'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
