"""query lists: admin-defined declarative list queries (the three built-in ones seeded as configured)

Revision ID: 0033
Revises: 0032
"""
from datetime import datetime, timezone

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None

_BY_CUSTOMER = [{"field": "customer_id", "op": "eq", "param": "customer_id"}]
# The queries that were hard-coded until now, as configured ones under the same codes: attributes and config
# documents that name them keep working.
_SEEDED = [
    ("customer_subscribers", {"en": "Subscribers of the customer", "ru": "Абоненты клиента"}, "subscribers",
     "number", "{number} ({contract})", "number"),
    ("customer_contracts", {"en": "Contracts of the customer", "ru": "Договоры клиента"}, "contracts",
     "number", "{number} ({status})", "number"),
    ("customer_contact_persons", {"en": "Contact persons of the customer", "ru": "Контактные лица клиента"},
     "contact_persons", "id", "{name} ({role})", "name"),
]


def upgrade() -> None:
    table = op.create_table('list_query',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('labels', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('value_field', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('order', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('limit', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_list_query')),
    sa.UniqueConstraint('code', name=op.f('uq_list_query_code'))
    )
    now = datetime.now(timezone.utc)
    op.bulk_insert(table, [
        {"code": code, "labels": labels, "active": True, "sort_order": index * 10, "version": 1,
         "created_at": now, "updated_at": now, "updated_by": "migration", "entity": entity,
         "filters": _BY_CUSTOMER, "value_field": value, "label": label, "order": order, "limit": 200}
        for index, (code, labels, entity, value, label, order) in enumerate(_SEEDED, start=1)])


def downgrade() -> None:
    op.drop_table('list_query')
