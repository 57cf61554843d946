"""Behaviour every /v1 route shares: 401 without a valid token, 413 for bodies over 2 MiB, 429 past the rate
limit (after authentication, so unauthenticated calls spend no quota), regulators read-only, the envelope."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from msez.api import MAX_BODY_BYTES, RateLimit
from msez.api._ratelimit import rate_limiter
from msez.store import Database
from tests.api.conftest import Api, error, make_api

ID = str(uuid.uuid4())
ROUTES = [
    ("POST", "/v1/ownership/cap-tables"),
    ("GET", "/v1/ownership/cap-tables/{id}"),
    ("POST", "/v1/ownership/cap-tables/{id}/share-classes"),
    ("POST", "/v1/ownership/cap-tables/{id}/issuances"),
    ("POST", "/v1/ownership/cap-tables/{id}/transfers"),
    ("GET", "/v1/ownership/cap-tables/{id}/movements"),
    ("POST", "/v1/fiscal/accounts"),
    ("GET", "/v1/fiscal/accounts"),
    ("GET", "/v1/fiscal/accounts/{id}"),
    ("GET", "/v1/fiscal/accounts/{id}/balance"),
    ("GET", "/v1/fiscal/accounts/{id}/entries"),
    ("POST", "/v1/fiscal/accounts/{id}/ntn"),
    ("POST", "/v1/fiscal/payments"),
    ("GET", "/v1/fiscal/payments/{id}"),
    ("GET", "/v1/fiscal/trial-balance"),
    ("POST", "/v1/identity/verify"),
    ("GET", "/v1/identity/{id}"),
    ("POST", "/v1/identity/{id}/cnic"),
    ("POST", "/v1/identity/{id}/ntn"),
    ("POST", "/v1/identity/{id}/attestations"),
    ("POST", "/v1/consent"),
    ("GET", "/v1/consent/{id}"),
    ("GET", "/v1/consent/{id}/signing-payload"),
    ("POST", "/v1/consent/{id}/sign"),
    ("POST", "/v1/consent/{id}/revoke"),
    ("GET", "/v1/consent/{id}/audit-trail"),
    ("GET", "/v1/audit/streams"),
    ("GET", "/v1/audit/streams/{id}/entries"),
    ("GET", "/v1/audit/streams/{id}/verify"),
    ("POST", "/v1/entities"),
    ("GET", "/v1/entities"),
    ("GET", "/v1/entities/{id}"),
    ("PATCH", "/v1/entities/{id}"),
    ("PUT", "/v1/entities/{id}/beneficial-owners"),
    ("POST", "/v1/entities/{id}/transitions"),
    ("GET", "/v1/entities/{id}/transitions"),
    ("POST", "/v1/assets/genesis"),
    ("GET", "/v1/assets"),
    ("GET", "/v1/assets/{id}"),
    ("POST", "/v1/assets/{id}/credentials/registry"),
    ("POST", "/v1/assets/{id}/compliance/evaluate"),
    ("POST", "/v1/assets/{id}/credentials/compliance"),
    ("POST", "/v1/credentials/compliance"),
    ("POST", "/v1/credentials/verify"),
    ("GET", "/v1/credentials"),
    ("GET", "/v1/credentials/{id}"),
    ("POST", "/v1/credentials/{id}/revoke"),
    ("POST", "/v1/credentials/{id}/suspend"),
    ("POST", "/v1/credentials/{id}/reinstate"),
    ("POST", "/v1/licences"),
    ("GET", "/v1/licences"),
    ("GET", "/v1/licences/check"),
    ("GET", "/v1/licences/{id}"),
    ("POST", "/v1/licences/{id}/transitions"),
    ("GET", "/v1/licences/{id}/transitions"),
    ("POST", "/v1/regulator/query/attestations"),
    ("GET", "/v1/regulator/summary"),
    ("GET", "/v1/regulator/dashboard"),
    ("POST", "/v1/corridors"),
    ("GET", "/v1/corridors"),
    ("GET", "/v1/corridors/{id}"),
    ("POST", "/v1/corridors/{id}/transitions"),
    ("POST", "/v1/corridors/{id}/receipts"),
    ("GET", "/v1/corridors/{id}/receipts"),
    ("GET", "/v1/corridors/{id}/receipts/{sequence}"),
    ("GET", "/v1/corridors/{id}/receipts/{sequence}/inclusion-proof"),
    ("POST", "/v1/corridors/{id}/checkpoints"),
    ("GET", "/v1/corridors/{id}/checkpoints"),
    ("GET", "/v1/corridors/{id}/checkpoints/{digest}"),
    ("GET", "/v1/corridors/{id}/consistency-proof"),
    ("GET", "/v1/corridors/{id}/finality"),
    ("POST", "/v1/corridors/{id}/watcher-attestations"),
    ("GET", "/v1/corridors/{id}/watcher-attestations"),
    ("GET", "/v1/corridors/{id}/watcher-comparison"),
    ("POST", "/v1/corridors/{id}/forks"),
    ("GET", "/v1/corridors/{id}/forks"),
    ("POST", "/v1/corridors/{id}/settlement/compute"),
    ("GET", "/v1/corridors/{id}/settlement/plans"),
    ("GET", "/v1/corridors/{id}/settlement/plans/{plan}"),
    ("POST", "/v1/corridors/{id}/settlement/plans/{plan}/instruct"),
    ("POST", "/v1/corridors/route"),
]
READ_ONLY_POSTS = {"/v1/credentials/verify", "/v1/regulator/query/attestations", "/v1/corridors/route"}
CASES = [pytest.param(method, path, id=f"{method} {path}") for method, path in ROUTES]
WRITES = [
    pytest.param(method, path, id=f"{method} {path}")
    for method, path in ROUTES
    if method in ("POST", "PUT", "PATCH") and path not in READ_ONLY_POSTS
]
BODIES = [pytest.param(method, path, id=f"{method} {path}") for method, path in ROUTES if method != "GET"]


@pytest.fixture(scope="module")
def shared(db: Database) -> Iterator[Api]:
    """One node per backend for the checks that refuse before any handler runs (they store nothing of note)."""
    yield from make_api(db, f"contract-{uuid.uuid4().hex[:12]}")


@pytest.fixture(scope="module")
def limited_node(db: Database) -> Iterator[Api]:
    yield from make_api(db, f"limited-{uuid.uuid4().hex[:12]}", rate_limit=RateLimit(2, 60))


@pytest.fixture
def limited(limited_node: Api) -> Api:
    """A node allowing two requests per minute per token, with fresh counters for each test."""
    node = limited_node.client.app.state.node  # type: ignore[attr-defined]
    node.limiter = rate_limiter(node.settings.rate_limit, None)
    return limited_node


def _call(api: Api, method: str, path: str, role: str | None, **kwargs: object):  # type: ignore[no-untyped-def]
    concrete = path.replace("{id}", "regulator" if "/audit/streams/" in path else ID)
    return api.client.request(method, concrete, headers={**api.headers(role), **kwargs.pop("headers", {})}, **kwargs)  # type: ignore[arg-type]


def test_the_catalogue_lists_every_v1_route(shared: Api) -> None:
    spec = shared.client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    served = {
        (method.upper(), path.replace("{" + path.split("{")[1].split("}")[0] + "}", "{id}") if "{" in path else path)
        for path, operations in spec["paths"].items()
        if path.startswith("/v1")
        for method in operations
    }
    assert served == set(ROUTES)


@pytest.mark.parametrize(("method", "path"), CASES)
@pytest.mark.parametrize(
    ("token", "message"),
    [
        pytest.param(None, "missing authorization header", id="missing"),
        pytest.param("Basic YTpi", "authorization header must use Bearer scheme", id="basic"),
        pytest.param("Bearer wrong-secret", "invalid bearer token", id="wrong-secret"),
        pytest.param("Bearer zone_admin:x", "invalid token format", id="two-parts"),
        pytest.param("Bearer superuser::s", "unknown role: superuser", id="unknown-role"),
        pytest.param("Bearer entity_operator:not-a-uuid:s", "invalid entity id", id="bad-entity"),
    ],
)
def test_routes_refuse_callers_without_a_valid_token(
    shared: Api, method: str, path: str, token: str | None, message: str
) -> None:
    headers = {"Authorization": token} if token else {}
    response = _call(shared, method, path, None, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert message in error(response)["message"]
    assert error(response)["code"] == "UNAUTHORIZED"


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_regulators_cannot_write(shared: Api, method: str, path: str) -> None:
    response = _call(shared, method, path, "regulator", json={})
    assert response.status_code == 403
    assert error(response) == {"code": "FORBIDDEN", "message": "regulators have read-only access"}


@pytest.mark.parametrize("path", sorted(READ_ONLY_POSTS))
def test_regulators_may_send_read_only_posts(shared: Api, path: str) -> None:
    response = shared.post(path, {}, role="regulator")
    # Past the read-only gate: answered (200) or refused on the body (422), never the regulator 403.
    assert response.status_code in (200, 422), response.text
    assert response.status_code == 200 or error(response)["code"] == "VALIDATION_ERROR"


@pytest.mark.parametrize(("method", "path"), BODIES)
@pytest.mark.parametrize("chunked", [pytest.param(False, id="content-length"), pytest.param(True, id="chunked")])
def test_bodies_over_two_mib_are_refused(shared: Api, method: str, path: str, chunked: bool) -> None:
    body = b"{" + b" " * MAX_BODY_BYTES + b"}"
    content = (body[i : i + 65536] for i in range(0, len(body), 65536)) if chunked else body
    response = _call(shared, method, path, "admin", content=content, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert error(response) == {"code": "PAYLOAD_TOO_LARGE", "message": f"request body exceeds {MAX_BODY_BYTES} bytes"}


@pytest.mark.parametrize(("method", "path"), CASES)
def test_rate_limit_is_per_token_after_authentication(limited: Api, method: str, path: str) -> None:
    for _ in range(3):
        assert _call(limited, method, path, None).status_code == 401
    for role in ("admin", "admin"):
        assert _call(limited, method, path, role, json={}).status_code != 429
    refused = _call(limited, method, path, "admin", json={})
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert error(refused) == {"code": "RATE_LIMITED", "message": "rate limit exceeded"}
    assert _call(limited, method, path, "operator", json={}).status_code != 429
