"""sync: offline nodes and their synchronisation with the central server (node: sync_node, sync_shadow,
sync_journal, sync_conflict, sync_run; server: sync_change)

Revision ID: 0048
Revises: 0047
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = '0048'
down_revision = '0047'
branch_labels = None
depends_on = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table('sync_node',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('server_url', _text(500), nullable=False),
    sa.Column('token', _text(200), nullable=False),
    sa.Column('login', _text(64), nullable=False),
    sa.Column('scope', _text(16), nullable=False),
    sa.Column('row_limit', sa.Integer(), nullable=False),
    sa.Column('watermarks', sa.JSON(), nullable=False),
    sa.Column('online', sa.Boolean(), nullable=True),
    sa.Column('last_sync_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('last_error', _text(1000), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_node'))
    )
    op.create_table('sync_shadow',
    sa.Column('table_name', _text(32), nullable=False),
    sa.Column('row_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('table_name', 'row_id', name=op.f('pk_sync_shadow'))
    )
    op.create_table('sync_journal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('change_id', _text(36), nullable=False),
    sa.Column('table_name', _text(32), nullable=False),
    sa.Column('row_id', sa.Integer(), nullable=False),
    sa.Column('local_ref', _text(40), nullable=True),
    sa.Column('op', _text(8), nullable=False),
    sa.Column('field', _text(64), nullable=True),
    sa.Column('old', sa.JSON(), nullable=True),
    sa.Column('new', sa.JSON(), nullable=True),
    sa.Column('base_version', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('pushed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('outcome', _text(16), nullable=True),
    sa.Column('server_id', sa.Integer(), nullable=True),
    sa.Column('message', _text(1000), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_journal')),
    sa.UniqueConstraint('change_id', name=op.f('uq_sync_journal_change_id'))
    )
    op.create_index('ix_sync_journal_pending', 'sync_journal', ['pushed_at', 'id'], unique=False)
    op.create_index('ix_sync_journal_row', 'sync_journal', ['table_name', 'row_id'], unique=False)
    op.create_table('sync_conflict',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('change_id', _text(36), nullable=False),
    sa.Column('kind', _text(8), nullable=False),
    sa.Column('table_name', _text(32), nullable=False),
    sa.Column('row_id', sa.Integer(), nullable=False),
    sa.Column('label', _text(200), nullable=False),
    sa.Column('field', _text(64), nullable=True),
    sa.Column('ours', sa.JSON(), nullable=True),
    sa.Column('theirs', sa.JSON(), nullable=True),
    sa.Column('base', sa.JSON(), nullable=True),
    sa.Column('message', _text(1000), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('resolved_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('resolution', _text(8), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_conflict'))
    )
    op.create_index('ix_sync_conflict_open', 'sync_conflict', ['resolved_at', 'id'], unique=False)
    op.create_table('sync_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('finished_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('pushed', sa.Integer(), nullable=False),
    sa.Column('pulled', sa.Integer(), nullable=False),
    sa.Column('conflicts', sa.Integer(), nullable=False),
    sa.Column('refused', sa.Integer(), nullable=False),
    sa.Column('bytes_up', sa.Integer(), nullable=False),
    sa.Column('bytes_down', sa.Integer(), nullable=False),
    sa.Column('error', _text(1000), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_run'))
    )
    op.create_index(op.f('ix_sync_run_started_at'), 'sync_run', ['started_at'], unique=False)
    op.create_table('sync_change',
    sa.Column('change_id', _text(36), nullable=False),
    sa.Column('login', _text(64), nullable=False),
    sa.Column('answer', sa.JSON(), nullable=False),
    sa.Column('applied_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('change_id', name=op.f('pk_sync_change'))
    )


def downgrade() -> None:
    op.drop_table('sync_change')
    op.drop_index(op.f('ix_sync_run_started_at'), table_name='sync_run')
    op.drop_table('sync_run')
    op.drop_index('ix_sync_conflict_open', table_name='sync_conflict')
    op.drop_table('sync_conflict')
    op.drop_index('ix_sync_journal_row', table_name='sync_journal')
    op.drop_index('ix_sync_journal_pending', table_name='sync_journal')
    op.drop_table('sync_journal')
    op.drop_table('sync_shadow')
    op.drop_table('sync_node')
