"""report builder (placeholder: filled by the work that needs it)

Revision ID: 0035
Revises: 0034
"""

revision = '0035'
down_revision = '0034'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
