"""contacts inquiries

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 14:14:54.546825
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('attachment_blob',
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_attachment_blob'))
    )
    op.create_table('contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=True),
    sa.Column('place_id', sa.Integer(), nullable=True),
    sa.Column('direction', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=True),
    sa.Column('client_category_id', sa.Integer(), nullable=True),
    sa.Column('template_id', sa.Integer(), nullable=True),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('subscriber_id', sa.Integer(), nullable=True),
    sa.Column('contact_person_id', sa.Integer(), nullable=True),
    sa.Column('caller', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['channel.id'], name=op.f('fk_contact_channel_id_channel')),
    sa.ForeignKeyConstraint(['client_category_id'], ['client_category.id'], name=op.f('fk_contact_client_category_id_client_category')),
    sa.ForeignKeyConstraint(['contact_person_id'], ['contact_person.id'], name=op.f('fk_contact_contact_person_id_contact_person')),
    sa.ForeignKeyConstraint(['operator_id'], ['app_user.id'], name=op.f('fk_contact_operator_id_app_user')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_contact_party_id_party')),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], name=op.f('fk_contact_place_id_place')),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscriber.id'], name=op.f('fk_contact_subscriber_id_subscriber')),
    sa.ForeignKeyConstraint(['template_id'], ['contact_template.id'], name=op.f('fk_contact_template_id_contact_template')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact'))
    )
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_operator_id'), ['operator_id'], unique=False)
        batch_op.create_index('ix_contact_party_at', ['party_id', 'at'], unique=False)

    op.create_table('inquiry',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
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
    sa.ForeignKeyConstraint(['assignee_id'], ['app_user.id'], name=op.f('fk_inquiry_assignee_id_app_user')),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_inquiry_contact_id_contact')),
    sa.ForeignKeyConstraint(['parent_id'], ['inquiry.id'], name=op.f('fk_inquiry_parent_id_inquiry')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_inquiry_party_id_party')),
    sa.ForeignKeyConstraint(['priority_id'], ['priority.id'], name=op.f('fk_inquiry_priority_id_priority')),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_inquiry_topic_id_topic')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inquiry'))
    )
    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inquiry_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inquiry_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index('ix_inquiry_party_state', ['party_id', 'state'], unique=False)
        batch_op.create_index('ix_inquiry_party_topic_created', ['party_id', 'topic_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_inquiry_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_inquiry_topic_id'), ['topic_id'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inquiry_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('mime', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['inquiry_id'], ['inquiry.id'], name=op.f('fk_attachment_inquiry_id_inquiry')),
    sa.ForeignKeyConstraint(['sha256'], ['attachment_blob.sha256'], name=op.f('fk_attachment_sha256_attachment_blob')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_inquiry_id'), ['inquiry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_sha256'), ['sha256'], unique=False)

    op.create_table('inquiry_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inquiry_id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_inquiry_event_contact_id_contact')),
    sa.ForeignKeyConstraint(['inquiry_id'], ['inquiry.id'], name=op.f('fk_inquiry_event_inquiry_id_inquiry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inquiry_event'))
    )
    with op.batch_alter_table('inquiry_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inquiry_event_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inquiry_event_inquiry_id'), ['inquiry_id'], unique=False)

    op.create_table('inquiry_value',
    sa.Column('inquiry_id', sa.Integer(), nullable=False),
    sa.Column('attribute_id', sa.Integer(), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.ForeignKeyConstraint(['attribute_id'], ['attribute_def.id'], name=op.f('fk_inquiry_value_attribute_id_attribute_def')),
    sa.ForeignKeyConstraint(['inquiry_id'], ['inquiry.id'], name=op.f('fk_inquiry_value_inquiry_id_inquiry')),
    sa.PrimaryKeyConstraint('inquiry_id', 'attribute_id', name=op.f('pk_inquiry_value'))
    )
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachment_max_kb', sa.Integer(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.drop_column('attachment_max_kb')

    op.drop_table('inquiry_value')
    with op.batch_alter_table('inquiry_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inquiry_event_inquiry_id'))
        batch_op.drop_index(batch_op.f('ix_inquiry_event_contact_id'))

    op.drop_table('inquiry_event')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_sha256'))
        batch_op.drop_index(batch_op.f('ix_attachment_inquiry_id'))

    op.drop_table('attachment')
    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inquiry_topic_id'))
        batch_op.drop_index(batch_op.f('ix_inquiry_state'))
        batch_op.drop_index('ix_inquiry_party_topic_created')
        batch_op.drop_index('ix_inquiry_party_state')
        batch_op.drop_index(batch_op.f('ix_inquiry_parent_id'))
        batch_op.drop_index(batch_op.f('ix_inquiry_contact_id'))

    op.drop_table('inquiry')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_party_at')
        batch_op.drop_index(batch_op.f('ix_contact_operator_id'))
        batch_op.drop_index(batch_op.f('ix_contact_at'))

    op.drop_table('contact')
    op.drop_table('attachment_blob')
