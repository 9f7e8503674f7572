"""Report builder: saved report definitions (a saved filter, one or two groupings, measures), per user,
optionally shared

Revision ID: 0035
Revises: 0034
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = '0035'
down_revision = '0034'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_definition',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('shared', sa.Boolean(), nullable=False),
    sa.Column('spec', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_report_definition_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_definition')),
    sa.UniqueConstraint('user_id', 'name', name=op.f('uq_report_definition_user_id'))
    )
    op.create_index(op.f('ix_report_definition_user_id'), 'report_definition', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_report_definition_user_id'), table_name='report_definition')
    op.drop_table('report_definition')
