"""API fixtures: a node app on each backend (SQLite and PostgreSQL, from tests/store/conftest.py) with one
token per role, and a small client that picks the token by role name."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient

from msez.api import RateLimit, Settings, create_app
from msez.crypto import SigningKey
from msez.store import Database
from tests.store.conftest import db, db_url, postgres_url, sqlite_url, zone  # noqa: F401  (shared fixtures)

ZONE_KEY = SigningKey.from_seed(bytes(range(32)))
ADMIN_SECRET = "admin-secret-0123456789"


@dataclass
class Api:
    """A test client that sends the token of a role: admin, regulator, operator (of ``entity``), stranger."""

    client: TestClient
    entity: str
    other: str

    def headers(self, role: str | None) -> dict[str, str]:
        tokens = {
            "admin": ADMIN_SECRET,
            "regulator": "regulator::regulator-secret",
            "operator": f"entity_operator:{self.entity}:operator-secret",
            "stranger": f"entity_operator:{self.other}:stranger-secret",
        }
        return {} if role is None else {"Authorization": f"Bearer {tokens[role]}"}

    def get(
        self, path: str, *, role: str | None = "admin", headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx2.Response:
        return self.client.get(path, headers={**self.headers(role), **(headers or {})}, **kwargs)

    def post(
        self, path: str, json: Any = None, *, role: str | None = "admin", headers: dict[str, str] | None = None
    ) -> httpx2.Response:
        return self.client.post(path, json=json, headers={**self.headers(role), **(headers or {})})


def node_settings(database: Database, zone_id: str, entity: str, other: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database.url,
        "zone_id": zone_id,
        "jurisdiction_id": "pk-rsez",
        "zone_key": ZONE_KEY,
        "admin_token": ADMIN_SECRET,
        "api_tokens": (
            "regulator::regulator-secret",
            f"entity_operator:{entity}:operator-secret",
            f"entity_operator:{other}:stranger-secret",
        ),
        "access_log": False,
    }
    return Settings(**{**values, **overrides})


def make_api(database: Database, zone_id: str, **overrides: Any) -> Iterator[Api]:
    entity, other = str(uuid.uuid4()), str(uuid.uuid4())
    app = create_app(node_settings(database, zone_id, entity, other, **overrides), database=database)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Api(client, entity, other)


@pytest.fixture
def api(db: Database, zone: str) -> Iterator[Api]:  # noqa: F811
    yield from make_api(db, zone)


@pytest.fixture
def limited_api(db: Database, zone: str) -> Iterator[Api]:  # noqa: F811
    """A node allowing two requests per minute per token."""
    yield from make_api(db, zone, rate_limit=RateLimit(2, 60))


def error(response: httpx2.Response) -> dict[str, Any]:
    """The error object of an envelope response (asserting the envelope's shape)."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message"} <= set(body["error"]), body
    return body["error"]  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def corridor_module() -> Any:
    """The corridor of the corridor tests: the node's key is a zone authority (tests/api/corridor_world.py)."""
    from tests.api.corridor_world import make_corridor

    return make_corridor()
