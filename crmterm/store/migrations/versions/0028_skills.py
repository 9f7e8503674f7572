"""Skills routing: agent skills and required skills

Revision ID: 0028
Revises: 0027
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('skill',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('labels', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_skill')),
    sa.UniqueConstraint('code', name=op.f('uq_skill_code'))
    )
    op.create_table('agent_skill',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('skill', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.CheckConstraint('level BETWEEN 1 AND 5', name=op.f('ck_agent_skill_level_range')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_agent_skill_user_id_app_user')),
    sa.PrimaryKeyConstraint('user_id', 'skill', name=op.f('pk_agent_skill'))
    )
    op.create_table('step_skill',
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('step', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('skill', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('min_level', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['route_revision.id'],
                            name=op.f('fk_step_skill_revision_id_route_revision')),
    sa.PrimaryKeyConstraint('revision_id', 'step', 'skill', name=op.f('pk_step_skill'))
    )
    with op.batch_alter_table('step_skill', schema=None) as batch_op:
        batch_op.create_index('ix_step_skill_revision_step', ['revision_id', 'step'], unique=False)
    op.create_table('agent_presence',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('seen_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_agent_presence_user_id_app_user')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_agent_presence'))
    )
    with op.batch_alter_table('queue', schema=None) as batch_op:
        batch_op.add_column(sa.Column('skills', sa.JSON(), nullable=False, server_default='{}'))


def downgrade() -> None:
    with op.batch_alter_table('queue', schema=None) as batch_op:
        batch_op.drop_column('skills')
    op.drop_table('agent_presence')
    with op.batch_alter_table('step_skill', schema=None) as batch_op:
        batch_op.drop_index('ix_step_skill_revision_step')
    op.drop_table('step_skill')
    op.drop_table('agent_skill')
    op.drop_table('skill')
