"""API fixtures: a node app on each backend (SQLite and PostgreSQL, from tests/store/conftest.py) serving the
Pakistan zone (its pinned packs are built once per test session into a temporary artifact store), with one
token per role, the operators' two entities registered, and a small client that picks the token by role name."""

from __future__ import annotations

import atexit
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient

from msez.api import Settings, create_app
from msez.crypto import SigningKey
from msez.store import Database, attestations, credentials, entities, overview
from tests.conftest import REPO
from tests.store.conftest import db, db_url, postgres_url, sqlite_url, zone  # noqa: F401  (shared fixtures)

ZONE_KEY = SigningKey.from_seed(bytes(range(32)))
ADMIN_SECRET = "admin-secret-0123456789"
ZONE_MANIFEST = REPO / "jurisdictions" / "pk-rsez" / "zone.yaml"
DATA_DIR = Path(tempfile.mkdtemp(prefix="msez-api-tests-"))
atexit.register(shutil.rmtree, DATA_DIR, ignore_errors=True)


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
        "zone_path": ZONE_MANIFEST,
        "data_dir": DATA_DIR,
    }
    return Settings(**{**values, **overrides})


def register(database: Database, zone_id: str, names: dict[str, str]) -> None:
    """Put entities (id -> legal name) straight into the registry, as if registered earlier (no orchestration)."""
    with database.write() as session:
        for entity_id, name in names.items():
            entities.create_entity(session, zone_id, entity_id, entities.EntitySpec("company", name, "pk-rsez"))


def make_api(database: Database, zone_id: str, **overrides: Any) -> Iterator[Api]:
    entity, other = str(uuid.uuid4()), str(uuid.uuid4())
    register(database, zone_id, {entity: "Operator Test Holdings Ltd", other: "Stranger Test Traders Ltd"})
    app = create_app(node_settings(database, zone_id, entity, other, **overrides), database=database)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Api(client, entity, other)


@pytest.fixture
def api(db: Database, zone: str) -> Iterator[Api]:  # noqa: F811
    yield from make_api(db, zone)


def error(response: httpx2.Response) -> dict[str, Any]:
    """The error object of an envelope response (asserting the envelope's shape)."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message"} <= set(body["error"]), body
    return body["error"]  # type: ignore[no-any-return]


CLEAN_NAME = "Indus Valley Clean Traders Ltd"
SANCTIONED_NAME = "Karim Soomro"  # SYN-000005 of the Pakistan zone's sanctions regpack
SANCTIONED_CNIC = "61196-4146808-0"  # an identifier of SYN-000004


def send(api: Api, method: str, path: str, json: Any = None, *, role: str | None = "admin") -> httpx2.Response:
    """Any method (PATCH, PUT ...) with the role's token."""
    return api.client.request(method, path, json=json, headers=api.headers(role))


def created(response: httpx2.Response, status: int = 201) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def new_entity(api: Api, name: str = CLEAN_NAME, **fields: Any) -> dict[str, Any]:
    """Register an entity through the API (orchestrated) as the zone admin."""
    return created(api.post("/v1/entities", {"entity_type": "company", "legal_name": name, **fields}))


def persisted(database: Database, zone_id: str) -> dict[str, int]:
    """How many registry rows and audit entries the zone has (to show that a refused write left nothing)."""
    with database.read() as session:
        return {
            "entities": len(entities.list_entities(session, zone_id, limit=1000)),
            "credentials": len(credentials.list_credentials(session, zone_id, limit=1000)),
            "attestations": attestations.totals(session, zone_id)[0],
            "audit": sum(n for s, n in overview.audit_streams(session, zone_id).items() if s != "regulator"),
        }


@pytest.fixture(scope="session")
def corridor_module() -> Any:
    """The corridor of the corridor tests: the node's key is a zone authority (tests/api/corridor_world.py)."""
    from tests.api.corridor_world import make_corridor

    return make_corridor()
