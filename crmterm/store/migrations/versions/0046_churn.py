"""churn: placeholder (filled in by the work that owns this slot)

Revision ID: 0046
Revises: 0045
"""

revision = '0046'
down_revision = '0045'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
