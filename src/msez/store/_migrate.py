"""Schema migrations: the alembic revisions shipped in ``msez.store._migrations``, applied programmatically.

``upgrade_to_head`` runs inside one write transaction holding a migration lock, so several processes starting
at once apply each revision exactly once (PostgreSQL and SQLite both have transactional DDL).
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from msez.store._db import Database, lock_key

SCRIPT_LOCATION = "msez.store:_migrations"


def alembic_config() -> Config:
    """An alembic ``Config`` pointing at the shipped revisions (for ``alembic revision`` in development)."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


def head_revision() -> str:
    """The newest revision id shipped with this msez."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(db: Database) -> str | None:
    """The revision the database is at, or ``None`` before the first migration."""
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_to_head(target: str | Database) -> str:
    """Apply every pending revision to the database at ``target`` (a URL or an open :class:`Database`).

    Returns:
        The revision the database is at afterwards.

    Raises:
        DatabaseError: the database refused a migration.
    """
    db = Database(target) if isinstance(target, str) else target
    try:
        config = alembic_config()
        with db.write() as session:
            lock_key(session, "schema", "alembic")
            config.attributes["connection"] = session.connection()
            command.upgrade(config, "head")
        return head_revision()
    finally:
        if isinstance(target, str):
            db.dispose()
