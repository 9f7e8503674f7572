"""Registration drafts kept in the database per user, as the agent types

Revision ID: 0021
Revises: 0020
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('registration_draft',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_registration_draft_user_id_app_user')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_registration_draft'))
    )
    with op.batch_alter_table('registration_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_draft_party_id'), ['party_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('registration_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_draft_party_id'))
    op.drop_table('registration_draft')
