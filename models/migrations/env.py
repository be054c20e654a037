"""Alembic environment: runs on the connection that models.kernel.database.migrate() hands over."""

from alembic import context
from sqlmodel import SQLModel

import models.kernel.tables  # noqa: F401  (registers the tables on SQLModel.metadata)

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "run migrations through models.kernel.database.migrate() or `rollout migrate`"
    )

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
context.run_migrations()
