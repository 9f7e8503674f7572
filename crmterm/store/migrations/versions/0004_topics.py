"""topics attributes templates

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 13:39:18.436857
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('attribute_group',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('labels', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('collapsed', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attribute_group')),
    sa.UniqueConstraint('code', name=op.f('uq_attribute_group_code'))
    )
    op.create_table('topic',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('labels', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('short_code', sa.Integer(), nullable=False),
    sa.Column('is_group', sa.Boolean(), nullable=False),
    sa.Column('inquiry_type', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('default_priority_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['default_priority_id'], ['priority.id'], name=op.f('fk_topic_default_priority_id_priority')),
    sa.ForeignKeyConstraint(['parent_id'], ['topic.id'], name=op.f('fk_topic_parent_id_topic')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic')),
    sa.UniqueConstraint('code', name=op.f('uq_topic_code'))
    )
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topic_parent_id'), ['parent_id'], unique=False)

    op.create_table('attribute_def',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('labels', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('type', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('dictionary_id', sa.Integer(), nullable=True),
    sa.Column('query', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('pattern', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('max_length', sa.Integer(), nullable=True),
    sa.Column('default', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('mandatory', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('hidden', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('readonly', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('overrides', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['dictionary_id'], ['dictionary.id'], name=op.f('fk_attribute_def_dictionary_id_dictionary')),
    sa.ForeignKeyConstraint(['group_id'], ['attribute_group.id'], name=op.f('fk_attribute_def_group_id_attribute_group')),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_attribute_def_topic_id_topic')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attribute_def')),
    sa.UniqueConstraint('code', name=op.f('uq_attribute_def_code'))
    )
    with op.batch_alter_table('attribute_def', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attribute_def_topic_id'), ['topic_id'], unique=False)

    op.create_table('contact_template',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('labels', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('short_code', sa.Integer(), nullable=False),
    sa.Column('place_type_id', sa.Integer(), nullable=True),
    sa.Column('places', sa.JSON(), nullable=False),
    sa.Column('default_place_id', sa.Integer(), nullable=True),
    sa.Column('direction', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=True),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('default_topic_id', sa.Integer(), nullable=True),
    sa.Column('client_categories', sa.JSON(), nullable=False),
    sa.Column('default_client_category_id', sa.Integer(), nullable=True),
    sa.Column('default_script', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('default_text', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('users', sa.JSON(), nullable=False),
    sa.Column('user_groups', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['channel.id'], name=op.f('fk_contact_template_channel_id_channel')),
    sa.ForeignKeyConstraint(['default_client_category_id'], ['client_category.id'], name=op.f('fk_contact_template_default_client_category_id_client_category')),
    sa.ForeignKeyConstraint(['default_place_id'], ['place.id'], name=op.f('fk_contact_template_default_place_id_place')),
    sa.ForeignKeyConstraint(['default_topic_id'], ['topic.id'], name=op.f('fk_contact_template_default_topic_id_topic')),
    sa.ForeignKeyConstraint(['place_type_id'], ['place_type.id'], name=op.f('fk_contact_template_place_type_id_place_type')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_template')),
    sa.UniqueConstraint('code', name=op.f('uq_contact_template_code'))
    )


def downgrade() -> None:
    op.drop_table('contact_template')
    with op.batch_alter_table('attribute_def', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attribute_def_topic_id'))

    op.drop_table('attribute_def')
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topic_parent_id'))

    op.drop_table('topic')
    op.drop_table('attribute_group')
