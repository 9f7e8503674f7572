"""Customer portal: sessions, one-time codes, PINs, offered topics and functions, ratings

Revision ID: 0030
Revises: 0029
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('portal_function',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_portal_function_topic_id_topic')),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_portal_function'))
    )
    op.create_table('portal_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login_key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_portal_code_party_id_party')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_code'))
    )
    with op.batch_alter_table('portal_code', schema=None) as batch_op:
        batch_op.create_index('ix_portal_code_login', ['login_key', 'id'], unique=False)

    op.create_table('portal_pin',
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('pin_hash', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_portal_pin_party_id_party')),
    sa.PrimaryKeyConstraint('party_id', name=op.f('pk_portal_pin'))
    )
    op.create_table('portal_session',
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('visible', sa.JSON(), nullable=False),
    sa.Column('csrf', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_portal_session_party_id_party')),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_portal_session'))
    )
    with op.batch_alter_table('portal_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_session_party_id'), ['party_id'], unique=False)

    op.create_table('portal_topic',
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('internal_attributes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_portal_topic_topic_id_topic')),
    sa.PrimaryKeyConstraint('topic_id', name=op.f('pk_portal_topic'))
    )
    op.create_table('inquiry_rating',
    sa.Column('inquiry_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('remark', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('rated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_inquiry_rating_party_id_party')),
    sa.PrimaryKeyConstraint('inquiry_id', name=op.f('pk_inquiry_rating'))
    )


def downgrade() -> None:
    op.drop_table('inquiry_rating')
    op.drop_table('portal_topic')
    with op.batch_alter_table('portal_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_session_party_id'))

    op.drop_table('portal_session')
    op.drop_table('portal_pin')
    with op.batch_alter_table('portal_code', schema=None) as batch_op:
        batch_op.drop_index('ix_portal_code_login')

    op.drop_table('portal_code')
    op.drop_table('portal_function')
