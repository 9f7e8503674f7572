"""Skills routing: agent skills and required skills (placeholder until filled in)

Revision ID: 0028
Revises: 0027
"""
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
