"""customers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

from crmterm.store import search


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('attribute_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('attribute', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attribute_value'))
    )
    with op.batch_alter_table('attribute_value', schema=None) as batch_op:
        batch_op.create_index('ix_attribute_value_entity', ['entity', 'entity_id', 'attribute', 'valid_to'], unique=False)

    op.create_table('change_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('old', sa.Text(), nullable=True),
    sa.Column('new', sa.Text(), nullable=True),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_log'))
    )
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.create_index('ix_change_log_entity', ['entity', 'entity_id', 'at'], unique=False)

    op.create_table('customer_attribute',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('labels', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('type', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('dictionary_id', sa.Integer(), nullable=True),
    sa.Column('tracked', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['dictionary_id'], ['dictionary.id'],
                            name=op.f('fk_customer_attribute_dictionary_id_dictionary')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_attribute')),
    sa.UniqueConstraint('code', name=op.f('uq_customer_attribute_code'))
    )
    op.create_table('note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('author', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_note'))
    )
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.create_index('ix_note_entity', ['entity', 'entity_id'], unique=False)

    op.create_table('structure',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('labels', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_structure')),
    sa.UniqueConstraint('code', name=op.f('uq_structure_code'))
    )
    op.create_table('tracked_field',
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('entity', 'field', name=op.f('pk_tracked_field'))
    )
    op.create_table('party',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('is_lead', sa.Boolean(), nullable=False),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('names', sa.JSON(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('name_key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('search_key', sa.Text(), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['category_id'], ['client_category.id'], name=op.f('fk_party_category_id_client_category')),
    sa.ForeignKeyConstraint(['merged_into_id'], ['party.id'], name=op.f('fk_party_merged_into_id_party')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party'))
    )
    with op.batch_alter_table('party', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_name_key'), ['name_key'], unique=False)

    op.create_table('contact_person',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('phones', sa.JSON(), nullable=False),
    sa.Column('emails', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_contact_person_party_id_party')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_person'))
    )
    with op.batch_alter_table('contact_person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_person_party_id'), ['party_id'], unique=False)

    op.create_table('contract',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('payer_party_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.ForeignKeyConstraint(['payer_party_id'], ['party.id'], name=op.f('fk_contract_payer_party_id_party')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract')),
    sa.UniqueConstraint('number', name=op.f('uq_contract_number'))
    )
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_payer_party_id'), ['payer_party_id'], unique=False)

    op.create_table('structure_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('structure_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['child_id'], ['party.id'], name=op.f('fk_structure_link_child_id_party')),
    sa.ForeignKeyConstraint(['parent_id'], ['party.id'], name=op.f('fk_structure_link_parent_id_party')),
    sa.ForeignKeyConstraint(['structure_id'], ['structure.id'], name=op.f('fk_structure_link_structure_id_structure')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_structure_link'))
    )
    with op.batch_alter_table('structure_link', schema=None) as batch_op:
        batch_op.create_index('ix_structure_link_child', ['structure_id', 'child_id', 'valid_to'], unique=False)
        batch_op.create_index(batch_op.f('ix_structure_link_child_id'), ['child_id'], unique=False)
        batch_op.create_index('ix_structure_link_parent', ['structure_id', 'parent_id', 'valid_to'], unique=False)
        batch_op.create_index(batch_op.f('ix_structure_link_parent_id'), ['parent_id'], unique=False)

    op.create_table('discount',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('percent', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_discount_contract_id_contract')),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_discount_party_id_party')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discount'))
    )
    with op.batch_alter_table('discount', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_discount_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_discount_party_id'), ['party_id'], unique=False)

    op.create_table('subscriber',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('number_rev', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('service', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_subscriber_contract_id_contract')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subscriber'))
    )
    with op.batch_alter_table('subscriber', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subscriber_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subscriber_number_rev'), ['number_rev'], unique=False)



    search.create_search_indexes(op.get_bind())

def downgrade() -> None:
    search.drop_search_indexes(op.get_bind())

    with op.batch_alter_table('subscriber', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subscriber_number_rev'))
        batch_op.drop_index(batch_op.f('ix_subscriber_contract_id'))

    op.drop_table('subscriber')
    with op.batch_alter_table('discount', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_discount_party_id'))
        batch_op.drop_index(batch_op.f('ix_discount_contract_id'))

    op.drop_table('discount')
    with op.batch_alter_table('structure_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_structure_link_parent_id'))
        batch_op.drop_index('ix_structure_link_parent')
        batch_op.drop_index(batch_op.f('ix_structure_link_child_id'))
        batch_op.drop_index('ix_structure_link_child')

    op.drop_table('structure_link')
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_payer_party_id'))

    op.drop_table('contract')
    with op.batch_alter_table('contact_person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_person_party_id'))

    op.drop_table('contact_person')
    with op.batch_alter_table('party', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_name_key'))

    op.drop_table('party')
    op.drop_table('tracked_field')
    op.drop_table('structure')
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.drop_index('ix_note_entity')

    op.drop_table('note')
    op.drop_table('customer_attribute')
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.drop_index('ix_change_log_entity')

    op.drop_table('change_log')
    with op.batch_alter_table('attribute_value', schema=None) as batch_op:
        batch_op.drop_index('ix_attribute_value_entity')

    op.drop_table('attribute_value')

