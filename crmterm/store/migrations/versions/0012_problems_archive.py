"""system problems and the inquiry archive

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The archive tables mirror their live tables column for column (crmterm/store/archive.py), including the
    # SLA columns 0013 adds to `inquiry`: archiving only ever runs at head. `id` is a plain integer there —
    # the live table's sequence hands ids out, the archive only keeps them.
    op.create_table('system_problem',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('service', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expected_end_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('resolution', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_system_problem_topic_id_topic')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_system_problem'))
    )
    with op.batch_alter_table('system_problem', schema=None) as batch_op:
        batch_op.create_index('ix_system_problem_state_starts', ['state', 'starts_at'], unique=False)

    op.create_table('problem_inquiry',
    sa.Column('problem_id', sa.Integer(), nullable=False),
    sa.Column('inquiry_id', sa.Integer(), nullable=False),
    sa.Column('linked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('linked_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['problem_id'], ['system_problem.id'], name=op.f('fk_problem_inquiry_problem_id_system_problem')),
    sa.PrimaryKeyConstraint('problem_id', 'inquiry_id', name=op.f('pk_problem_inquiry'))
    )
    with op.batch_alter_table('problem_inquiry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problem_inquiry_inquiry_id'), ['inquiry_id'], unique=False)

    op.create_table('inquiry_archive',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('type', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('priority_id', sa.Integer(), nullable=True),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('priority_rank', sa.Integer(), nullable=False),
    sa.Column('route_revision_id', sa.Integer(), nullable=True),
    sa.Column('step', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('queue_id', sa.Integer(), nullable=True),
    sa.Column('due_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('resolution', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('react_due_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('queued_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('sla_started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('sla_paused_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('sla_paused_minutes', sa.Float(), nullable=False),
    sa.Column('react_warn_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('warn_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('sla_check_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('archived_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['app_user.id'], name=op.f('fk_inquiry_archive_assignee_id_app_user')),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_inquiry_archive_contact_id_contact')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_inquiry_archive_party_id_party')),
    sa.ForeignKeyConstraint(['priority_id'], ['priority.id'], name=op.f('fk_inquiry_archive_priority_id_priority')),
    sa.ForeignKeyConstraint(['queue_id'], ['queue.id'], name=op.f('fk_inquiry_archive_queue_id_queue')),
    sa.ForeignKeyConstraint(['route_revision_id'], ['route_revision.id'], name=op.f('fk_inquiry_archive_route_revision_id_route_revision')),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_inquiry_archive_topic_id_topic')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inquiry_archive'))
    )
    with op.batch_alter_table('inquiry_archive', schema=None) as batch_op:
        batch_op.create_index('ix_inquiry_archive_closed', ['closed_at', 'id'], unique=False)
        batch_op.create_index('ix_inquiry_archive_party', ['party_id', 'id'], unique=False)

    op.create_table('attachment_archive',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('inquiry_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('mime', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['inquiry_id'], ['inquiry_archive.id'], name=op.f('fk_attachment_archive_inquiry_id_inquiry_archive')),
    sa.ForeignKeyConstraint(['sha256'], ['attachment_blob.sha256'], name=op.f('fk_attachment_archive_sha256_attachment_blob')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment_archive'))
    )
    with op.batch_alter_table('attachment_archive', schema=None) as batch_op:
        batch_op.create_index('ix_attachment_archive_inquiry', ['inquiry_id'], unique=False)

    op.create_table('inquiry_event_archive',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('inquiry_id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_inquiry_event_archive_contact_id_contact')),
    sa.ForeignKeyConstraint(['inquiry_id'], ['inquiry_archive.id'], name=op.f('fk_inquiry_event_archive_inquiry_id_inquiry_archive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inquiry_event_archive'))
    )
    with op.batch_alter_table('inquiry_event_archive', schema=None) as batch_op:
        batch_op.create_index('ix_inquiry_event_archive_inquiry', ['inquiry_id', 'id'], unique=False)

    op.create_table('inquiry_value_archive',
    sa.Column('inquiry_id', sa.Integer(), nullable=False),
    sa.Column('attribute_id', sa.Integer(), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.ForeignKeyConstraint(['attribute_id'], ['attribute_def.id'], name=op.f('fk_inquiry_value_archive_attribute_id_attribute_def')),
    sa.ForeignKeyConstraint(['inquiry_id'], ['inquiry_archive.id'], name=op.f('fk_inquiry_value_archive_inquiry_id_inquiry_archive')),
    sa.PrimaryKeyConstraint('inquiry_id', 'attribute_id', name=op.f('pk_inquiry_value_archive'))
    )


_ARCHIVES = (('inquiry', 'inquiry_archive'), ('inquiry_value', 'inquiry_value_archive'),
             ('inquiry_event', 'inquiry_event_archive'), ('attachment', 'attachment_archive'))


def _restore_archived() -> None:
    """Archived inquiries go back to the live tables before their archive is dropped: a downgrade must not
    lose them (the columns both sides have; parents first)."""
    inspector = sa.inspect(op.get_bind())
    for live, archive in _ARCHIVES:
        kept = {c['name'] for c in inspector.get_columns(live)}
        names = ', '.join(c['name'] for c in inspector.get_columns(archive) if c['name'] in kept)
        op.execute(f'INSERT INTO {live} ({names}) SELECT {names} FROM {archive}')


def downgrade() -> None:
    _restore_archived()
    op.drop_table('inquiry_value_archive')
    with op.batch_alter_table('inquiry_event_archive', schema=None) as batch_op:
        batch_op.drop_index('ix_inquiry_event_archive_inquiry')

    op.drop_table('inquiry_event_archive')
    with op.batch_alter_table('attachment_archive', schema=None) as batch_op:
        batch_op.drop_index('ix_attachment_archive_inquiry')

    op.drop_table('attachment_archive')
    with op.batch_alter_table('inquiry_archive', schema=None) as batch_op:
        batch_op.drop_index('ix_inquiry_archive_party')
        batch_op.drop_index('ix_inquiry_archive_closed')

    op.drop_table('inquiry_archive')
    with op.batch_alter_table('problem_inquiry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_problem_inquiry_inquiry_id'))

    op.drop_table('problem_inquiry')
    with op.batch_alter_table('system_problem', schema=None) as batch_op:
        batch_op.drop_index('ix_system_problem_state_starts')

    op.drop_table('system_problem')
