"""API tokens: bearer tokens of `crmterm serve`, stored as sha256 hashes

Revision ID: 0022
Revises: 0021
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_token',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('user_id', sa.Integer(), nullable=False),
                    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
                    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
                    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
                    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
                    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
                    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
                    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
                    sa.Column('last_used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
                    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'],
                                            name=op.f('fk_api_token_user_id_app_user')),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
                    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash')))
    op.create_index(op.f('ix_api_token_user_id'), 'api_token', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_api_token_user_id'), table_name='api_token')
    op.drop_table('api_token')
