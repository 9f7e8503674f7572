"""Alembic environment: the connection is handed over by crmterm.store.migrate (no alembic.ini needed)."""

from alembic import context
from sqlmodel import SQLModel

import crmterm.store
from crmterm.store.search import include_object

crmterm.store.load_all()  # Alembic compares against every table

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
