"""Alembic environment for msez: runs on the connection handed in by ``msez.store.upgrade_to_head``."""

from __future__ import annotations

from alembic import context

import msez.store  # noqa: F401  (importing the package registers every table on Base.metadata)
from msez.store._base import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
