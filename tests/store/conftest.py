"""Database fixtures for the store and API tests: a migrated SQLite file and a migrated PostgreSQL database.

PostgreSQL is 127.0.0.1:5432 with trust auth (``MSEZ_TEST_POSTGRES`` overrides the URL of the maintenance
database). Each test session creates its own database and drops it afterwards. When the server is unreachable
the PostgreSQL cases are skipped, except under ``CI=true``, where they fail. Tests isolate from each other by
using a fresh zone id (every table is keyed by zone).
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from msez.store import Database, upgrade_to_head

PG_MAINTENANCE_URL = os.environ.get("MSEZ_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _maintenance_engine() -> Engine:
    return create_engine(PG_MAINTENANCE_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session."""
    engine = _maintenance_engine()
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as e:
        engine.dispose()
        reason = f"PostgreSQL unreachable at {make_url(PG_MAINTENANCE_URL).render_as_string()}: {e.orig}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true requires it)")
        pytest.skip(reason)
    name = f"msez_test_{os.getpid()}_{secrets.token_hex(4)}"
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_MAINTENANCE_URL).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade_to_head(url)
        yield url
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh, migrated SQLite file for this test session."""
    path: Path = tmp_path_factory.mktemp("sqlite") / "msez.db"
    url = f"sqlite:///{path}"
    upgrade_to_head(url)
    return url


@pytest.fixture(scope="session", params=BACKENDS)
def db_url(request: pytest.FixtureRequest) -> str:
    """The URL of a migrated database, once per backend."""
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


@pytest.fixture(scope="session")
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def zone() -> str:
    """A zone id of this test alone."""
    return f"test-zone-{uuid.uuid4().hex[:12]}"
