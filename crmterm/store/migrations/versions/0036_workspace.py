"""workspace (placeholder: filled by the work that needs it)

Revision ID: 0036
Revises: 0035
"""

revision = '0036'
down_revision = '0035'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
