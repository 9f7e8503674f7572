"""Saved filters shared with a user group (issue 31 item 4)

A saved filter names the user group whose members see it as a tab too (`shared_with`, the group's code),
indexed: listing a user's tabs reads their own filters and those of their groups.
The new filter parameters are EXISTS by primary key (contact, attribute value) or columns the existing inquiry
indexes lead with (created_at, party_id, due_at); an attribute condition may also be answered from the
attribute's side (the inquiries having a value of it: a semi-join over a period), hence
ix_inquiry_value_attribute.

Revision ID: 0034
Revises: 0033
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('saved_filter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shared_with', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_saved_filter_shared_with'), ['shared_with'], unique=False)
    with op.batch_alter_table('inquiry_value', schema=None) as batch_op:
        batch_op.create_index('ix_inquiry_value_attribute', ['attribute_id', 'inquiry_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('inquiry_value', schema=None) as batch_op:
        batch_op.drop_index('ix_inquiry_value_attribute')
    with op.batch_alter_table('saved_filter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_filter_shared_with'))
        batch_op.drop_column('shared_with')
