"""Scripts: versioned script documents, their runs on inquiries, links from topics and templates

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Topics link to scripts from the script's side (`script.topics`, a list of topic codes as in the
    # document); contact templates already name theirs (`contact_template.default_script`).
    op.create_table('script',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('name', sa.JSON(), nullable=False),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('published_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_script')),
    sa.UniqueConstraint('code', 'number', name=op.f('uq_script_code'))
    )
    with op.batch_alter_table('script', schema=None) as batch_op:
        batch_op.create_index('ix_script_code_status', ['code', 'status'], unique=False)

    op.create_table('script_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inquiry_id', sa.Integer(), nullable=False),
    sa.Column('script_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.JSON(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('captures', sa.JSON(), nullable=False),
    sa.Column('decisions', sa.JSON(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['script_id'], ['script.id'], name=op.f('fk_script_run_script_id_script')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_script_run'))
    )
    with op.batch_alter_table('script_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_script_run_inquiry_id'), ['inquiry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_script_run_script_id'), ['script_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('script_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_script_run_script_id'))
        batch_op.drop_index(batch_op.f('ix_script_run_inquiry_id'))
    op.drop_table('script_run')
    with op.batch_alter_table('script', schema=None) as batch_op:
        batch_op.drop_index('ix_script_code_status')
    op.drop_table('script')
