"""Configurable roles and notes everywhere

Roles: the role table gains a permission list (NULL for an unedited preset: its built-in set), a queue scope,
a preset flag and a version; users and user groups hold roles besides the user's base role.
Notes: a public flag and a folded search key (indexed: pg_trgm on PostgreSQL, an FTS5 trigram table on SQLite,
store/note_index), and notes on contracts and inquiries too.

Revision ID: 0031
Revises: 0030
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

from crmterm.store.note_index import create_statements, drop_statements
from crmterm.text import search_key

revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None

PRESETS = ('agent', 'supervisor', 'admin', 'auditor')


def upgrade() -> None:
    with op.batch_alter_table('role', schema=None) as batch_op:
        batch_op.add_column(sa.Column('permissions', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('queues', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('preset', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    role = sa.table('role', sa.column('code', sa.String), sa.column('preset', sa.Boolean))
    op.execute(role.update().where(role.c.code.in_(PRESETS)).values(preset=True))
    for table in ('app_user', 'user_group'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('roles', sa.JSON(), nullable=False, server_default='[]'))
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('search_key', sa.Text(), nullable=False, server_default=''))
    _fold_existing_notes()
    for statement in create_statements(op.get_bind().dialect.name):
        op.execute(statement)


def _fold_existing_notes() -> None:
    """The key is folded in Python (text.search_key), as for parties: the same on both backends."""
    note = sa.table('note', sa.column('id', sa.Integer), sa.column('text', sa.Text), sa.column('search_key', sa.Text))
    bind = op.get_bind()
    for row in bind.execute(sa.select(note.c.id, note.c.text)).all():
        bind.execute(note.update().where(note.c.id == row.id).values(search_key=search_key(row.text)))


def downgrade() -> None:
    for statement in drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.drop_column('search_key')
        batch_op.drop_column('public')
    for table in ('user_group', 'app_user'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('roles')
    op.execute(sa.text("DELETE FROM role WHERE code NOT IN ('agent', 'supervisor', 'admin', 'auditor')"))
    with op.batch_alter_table('role', schema=None) as batch_op:
        for column in ('updated_by', 'updated_at', 'version', 'preset', 'queues', 'permissions'):
            batch_op.drop_column(column)
