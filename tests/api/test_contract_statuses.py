"""The statuses test_contract.py leaves to each route, decided for every route in its ROUTES: 404 for a
well-formed reference to nothing, 422 for input of the wrong shape, 409 where stored state refuses a write (here, or
in the per-resource test named in COVERED_ELSEWHERE), and 403 for an entity operator touching another entity's
records. Each table is checked against ROUTES, so a new route fails here until someone decides its cases.

The order of the checks, read from the code: FastAPI validates the path, query and body before the handler runs,
so a 422 comes before any 403, 404 or 409 of the handler (the 404 cases therefore send valid bodies). In the
handler, role checks come first, then the lookup (404), then the checks that need the record: whose entity it is
(403) and its state (409). Settlement instructions check the corridor's state before looking up the plan, so an
unknown plan is 404 only on an ACTIVE corridor.
"""

from __future__ import annotations

import ast
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import pytest

from msez.api import RateLimit
from msez.crypto import SigningKey
from msez.store import Database, utcnow
from tests.api.conftest import Api, created, error, make_api, new_entity, persisted
from tests.api.corridor_world import Corridor, active_corridor, append, make_corridor, transition
from tests.api.test_contract import READ_ONLY_POSTS, ROUTES
from tests.conftest import REPO

Route = tuple[str, str]
MISSING = str(uuid.uuid4())
MISSING_HEX = uuid.uuid4().hex * 2
MISSING_CREDENTIAL = f"urn:msez:vc:missing:{MISSING}"
SIGNER_DID = SigningKey.from_seed(bytes([7]) * 32).verifying_key.did
OBLIGATION = {"from_party": "ACME", "to_party": "GLOBEX", "amount": 100, "currency": "USD"}
PARTIES = {"ACME": {"name": "Acme", "agent_bic": "DEUTDEFF"}, "GLOBEX": {"name": "Globex", "agent_bic": "DEUTDEFF"}}
ADMIN_ONLY = "role 'zone_admin' required, caller has 'entity_operator'"


def _consent(entity: str) -> dict[str, Any]:
    return {
        "consent_type": "t",
        "description": "d",
        "parties": [{"entity_id": entity, "role": "r", "signer_did": SIGNER_DID}],
    }


# Valid bodies; "{name}" placeholders are filled from Records.ids ({M} is an id that names nothing).
BODY: dict[str, Any] = {
    "cap_table": {"entity_id": "{entity}"},
    "share_class": {"name": "preferred", "authorized_shares": 10},
    "issuance": {"share_class": "common", "to_holder": "alice", "shares": 1},
    "transfer": {"share_class": "common", "from_holder": "alice", "to_holder": "bob", "shares": 1},
    "account": {"entity_id": "{entity}", "account_type": "operating", "currency": "PKR"},
    "ntn": {"ntn": "1234567"},
    "deposit": {"to_account_id": "{account}", "amount": 1, "currency": "PKR"},
    "withdrawal": {"from_account_id": "{account}", "amount": 1, "currency": "PKR"},
    "verify": {"entity_id": "{entity}", "identity_type": "kyc"},
    "cnic": {"cnic": "35202-1234567-1"},
    "attestation": {"attestation_type": "kyc", "issuer": "zone", "outcome": "verified"},
    "consent": _consent("{entity}"),
    "sign": {"entity_id": "{entity}", "decision": "approve", "signature": "A" * 86},
    "register": {"entity_type": "company", "legal_name": "Never Registered Ltd"},
    "patch": {"ntn": "1234567"},
    "owners": {"beneficial_owners": []},
    "approve": {"transition": "approve"},
    "genesis": {"asset_type": "t", "asset_name": "n", "owner_entity_id": "{entity}"},
    "compliance": {"entity_id": "{entity}", "domains": ["sanctions"]},
    "licence": {"holder_entity_id": "{entity}", "licence_type": "t", "activities": ["x"]},
    "review": {"transition": "review"},
    "library": {"corridor_id": "org.example.nowhere", "jurisdiction_b": "ae-difc"},
    "pending": {"to_state": "PENDING"},
    "fork": {"receipt_a": {}, "receipt_b": {}},
    "compute": {"obligations": [OBLIGATION]},
    "instruct": {"parties": PARTIES},
    "route": {"source": "ae-difc", "target": "zz-nowhere"},
}


def _missing(name: str, key: str) -> dict[str, Any]:
    """A valid body whose reference ``key`` names nothing."""
    return {**BODY[name], key: "{M}"}


@dataclass(frozen=True)
class Records:
    """A node (one zone per backend) and the records the tables address: the operator's entity owns one of each
    kind, and an ACTIVE corridor has two receipts, a checkpoint and a settlement plan."""

    api: Api
    db: Database
    zone: str
    ids: dict[str, str]

    def fill(self, value: Any) -> Any:
        if isinstance(value, str):
            return value.format(**self.ids)
        if isinstance(value, dict):
            return {k: self.fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.fill(v) for v in value]
        return value


@dataclass(frozen=True)
class Call:
    """One request to ``route``; ``path``, ``body`` and ``params`` may hold ``{placeholders}`` of Records.ids."""

    route: Route
    path: str
    body: Any = None
    params: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return " ".join(self.route)

    def send(self, records: Records, role: str = "admin", body: Any = ...) -> httpx2.Response:
        return records.api.client.request(
            self.route[0],
            records.fill(self.path),
            json=records.fill(self.body if body is ... else body),
            params=records.fill(self.params),
            headers=records.api.headers(role),
        )


def _route(text: str) -> Route:
    method, _, template = text.partition(" ")
    return method, template


def _c(route: str, path: str, body: Any = None, **params: str) -> Call:
    return Call(_route(route), path, body, params)


def _seed(api: Api, module: Corridor) -> dict[str, str]:
    entity = api.entity
    classes = [{"name": "common", "authorized_shares": 1000}]
    cap_table = created(api.post("/v1/ownership/cap-tables", {"entity_id": entity, "share_classes": classes}))["id"]
    created(api.post(f"/v1/ownership/cap-tables/{cap_table}/issuances", {**BODY["issuance"], "shares": 100}))
    account = created(api.post("/v1/fiscal/accounts", {**BODY["account"], "entity_id": entity}))["id"]
    payment = created(api.post("/v1/fiscal/payments", {"to_account_id": account, "amount": 1000, "currency": "PKR"}))
    identity = created(api.post("/v1/identity/verify", {"entity_id": entity, "identity_type": "kyb"}))["id"]
    consent = created(api.post("/v1/consent", _consent(entity), role="operator"))["id"]
    issued = created(api.post("/v1/credentials/compliance", {"entity_id": entity, "domains": ["sanctions"]}))
    asset = {"asset_type": "warehouse_receipt", "asset_name": "Status Lot", "owner_entity_id": entity}
    licence = {"holder_entity_id": entity, "licence_type": "trade_licence", "activities": ["warehousing"]}
    corridor = active_corridor(api, module)["id"]
    append(api, corridor, {"kind": "tick"})
    checkpoint = created(api.post(f"/v1/corridors/{corridor}/checkpoints"))["digest"]
    plan = created(api.post(f"/v1/corridors/{corridor}/settlement/compute", BODY["compute"]))["id"]
    return {
        "M": MISSING,
        "HEX": MISSING_HEX,
        "CRED": MISSING_CREDENTIAL,
        "entity": entity,
        "other": api.other,
        "cap_table": cap_table,
        "account": account,
        "payment": payment["id"],
        "identity": identity,
        "consent": consent,
        "credential": issued["credential"]["id"],
        "asset": created(api.post("/v1/assets/genesis", asset))["id"],
        "licence": created(api.post("/v1/licences", licence))["id"],
        "corridor": corridor,
        "checkpoint": checkpoint,
        "plan": plan,
    }


@pytest.fixture(scope="module")
def records(db: Database, corridor_module: Corridor) -> Iterator[Records]:
    """One node per backend for the whole file (rate limits are test_contract.py's business, so this one is lifted)."""
    zone = f"statuses-{uuid.uuid4().hex[:12]}"
    for api in make_api(db, zone, rate_limit=RateLimit(1_000_000, 60)):
        yield Records(api, db, zone, _seed(api, corridor_module))


# --- 404 ------------------------------------------------------------------------------------------------------------

CAP, ACC, IDN, CON = "/v1/ownership/cap-tables/{M}", "/v1/fiscal/accounts/{M}", "/v1/identity/{M}", "/v1/consent/{M}"
ENT, AST, CRD, LIC = "/v1/entities/{M}", "/v1/assets/{HEX}", "/v1/credentials/{CRED}", "/v1/licences/{M}"
COR, KNOWN = "/v1/corridors/{M}", "/v1/corridors/{corridor}"
NO_ENTITY, NO_CAP_TABLE, NO_ACCOUNT = "entity {M} not found", "cap table {M} not found", "account {M} not found"
NO_IDENTITY, NO_CONSENT, NO_ASSET = "identity {M} not found", "consent {M} not found", "asset {HEX} not found"
NO_CREDENTIAL, NO_LICENCE, NO_CORRIDOR = (
    "credential {CRED} not found",
    "licence {M} not found",
    "corridor {M} not found",
)


@dataclass(frozen=True)
class NotFound:
    call: Call
    message: str


def _nf(route: str, path: str, message: str, body: Any = None, **params: str) -> NotFound:
    return NotFound(_c(route, path, body, **params), message)


NOT_FOUND = [
    _nf("POST /v1/ownership/cap-tables", "/v1/ownership/cap-tables", NO_ENTITY, _missing("cap_table", "entity_id")),
    _nf("GET /v1/ownership/cap-tables/{id}", CAP, NO_CAP_TABLE),
    _nf("POST /v1/ownership/cap-tables/{id}/share-classes", f"{CAP}/share-classes", NO_CAP_TABLE, BODY["share_class"]),
    _nf("POST /v1/ownership/cap-tables/{id}/issuances", f"{CAP}/issuances", NO_CAP_TABLE, BODY["issuance"]),
    _nf("POST /v1/ownership/cap-tables/{id}/transfers", f"{CAP}/transfers", NO_CAP_TABLE, BODY["transfer"]),
    _nf("GET /v1/ownership/cap-tables/{id}/movements", f"{CAP}/movements", NO_CAP_TABLE),
    _nf("POST /v1/fiscal/accounts", "/v1/fiscal/accounts", NO_ENTITY, _missing("account", "entity_id")),
    _nf("GET /v1/fiscal/accounts/{id}", ACC, NO_ACCOUNT),
    _nf("GET /v1/fiscal/accounts/{id}/balance", f"{ACC}/balance", NO_ACCOUNT),
    _nf("GET /v1/fiscal/accounts/{id}/entries", f"{ACC}/entries", NO_ACCOUNT),
    _nf("POST /v1/fiscal/accounts/{id}/ntn", f"{ACC}/ntn", NO_ACCOUNT, BODY["ntn"]),
    _nf("POST /v1/fiscal/payments", "/v1/fiscal/payments", NO_ACCOUNT, _missing("withdrawal", "to_account_id")),
    _nf("GET /v1/fiscal/payments/{id}", "/v1/fiscal/payments/{M}", "payment {M} not found"),
    _nf("POST /v1/identity/verify", "/v1/identity/verify", NO_ENTITY, _missing("verify", "entity_id")),
    _nf("GET /v1/identity/{id}", IDN, NO_IDENTITY),
    _nf("POST /v1/identity/{id}/cnic", f"{IDN}/cnic", NO_IDENTITY, BODY["cnic"]),
    _nf("POST /v1/identity/{id}/ntn", f"{IDN}/ntn", NO_IDENTITY, BODY["ntn"]),
    _nf("POST /v1/identity/{id}/attestations", f"{IDN}/attestations", NO_IDENTITY, BODY["attestation"]),
    _nf("POST /v1/consent", "/v1/consent", NO_ENTITY, _consent("{M}")),
    _nf("GET /v1/consent/{id}", CON, NO_CONSENT),
    _nf(
        "GET /v1/consent/{id}/signing-payload",
        f"{CON}/signing-payload",
        NO_CONSENT,
        entity_id="{entity}",
        decision="approve",
    ),
    _nf("POST /v1/consent/{id}/sign", f"{CON}/sign", NO_CONSENT, BODY["sign"]),
    _nf("POST /v1/consent/{id}/revoke", f"{CON}/revoke", NO_CONSENT),
    _nf("GET /v1/consent/{id}/audit-trail", f"{CON}/audit-trail", NO_CONSENT),
    _nf("GET /v1/entities/{id}", ENT, NO_ENTITY),
    _nf("PATCH /v1/entities/{id}", ENT, NO_ENTITY, BODY["patch"]),
    _nf("PUT /v1/entities/{id}/beneficial-owners", f"{ENT}/beneficial-owners", NO_ENTITY, BODY["owners"]),
    _nf("POST /v1/entities/{id}/transitions", f"{ENT}/transitions", NO_ENTITY, BODY["approve"]),
    _nf("GET /v1/entities/{id}/transitions", f"{ENT}/transitions", NO_ENTITY),
    _nf("POST /v1/assets/genesis", "/v1/assets/genesis", NO_ENTITY, _missing("genesis", "owner_entity_id")),
    _nf("GET /v1/assets/{id}", AST, NO_ASSET),
    _nf("POST /v1/assets/{id}/credentials/registry", f"{AST}/credentials/registry", NO_ASSET, {}),
    _nf("POST /v1/assets/{id}/compliance/evaluate", f"{AST}/compliance/evaluate", NO_ASSET, {}),
    _nf("POST /v1/assets/{id}/credentials/compliance", f"{AST}/credentials/compliance", NO_ASSET, {}),
    _nf(
        "POST /v1/credentials/compliance", "/v1/credentials/compliance", NO_ENTITY, _missing("compliance", "entity_id")
    ),
    _nf("GET /v1/credentials/{id}", CRD, NO_CREDENTIAL),
    _nf("POST /v1/credentials/{id}/revoke", f"{CRD}/revoke", NO_CREDENTIAL, {}),
    _nf("POST /v1/credentials/{id}/suspend", f"{CRD}/suspend", NO_CREDENTIAL, {}),
    _nf("POST /v1/credentials/{id}/reinstate", f"{CRD}/reinstate", NO_CREDENTIAL, {}),
    _nf("POST /v1/licences", "/v1/licences", NO_ENTITY, _missing("licence", "holder_entity_id")),
    _nf("GET /v1/licences/check", "/v1/licences/check", NO_ENTITY, entity_id="{M}", activity="warehousing"),
    _nf("GET /v1/licences/{id}", LIC, NO_LICENCE),
    _nf("POST /v1/licences/{id}/transitions", f"{LIC}/transitions", NO_LICENCE, BODY["review"]),
    _nf("GET /v1/licences/{id}/transitions", f"{LIC}/transitions", NO_LICENCE),
    _nf(
        "POST /v1/corridors",
        "/v1/corridors",
        "this node has no module library; post the corridor's files instead",
        BODY["library"],
    ),
    _nf("GET /v1/corridors/{id}", COR, NO_CORRIDOR),
    _nf("POST /v1/corridors/{id}/transitions", f"{COR}/transitions", NO_CORRIDOR, BODY["pending"]),
    _nf("POST /v1/corridors/{id}/receipts", f"{COR}/receipts", NO_CORRIDOR, {}),
    _nf("GET /v1/corridors/{id}/receipts", f"{COR}/receipts", NO_CORRIDOR),
    _nf("GET /v1/corridors/{id}/receipts/{sequence}", f"{COR}/receipts/0", NO_CORRIDOR),
    _nf(
        "GET /v1/corridors/{id}/receipts/{sequence}", f"{KNOWN}/receipts/999", "corridor {corridor} has no receipt 999"
    ),
    _nf("GET /v1/corridors/{id}/receipts/{sequence}/inclusion-proof", f"{COR}/receipts/0/inclusion-proof", NO_CORRIDOR),
    _nf("POST /v1/corridors/{id}/checkpoints", f"{COR}/checkpoints", NO_CORRIDOR),
    _nf("GET /v1/corridors/{id}/checkpoints", f"{COR}/checkpoints", NO_CORRIDOR),
    _nf("GET /v1/corridors/{id}/checkpoints/{digest}", COR + "/checkpoints/{HEX}", NO_CORRIDOR),
    _nf(
        "GET /v1/corridors/{id}/checkpoints/{digest}",
        KNOWN + "/checkpoints/{HEX}",
        "corridor {corridor} has no checkpoint {HEX}",
    ),
    _nf(
        "GET /v1/corridors/{id}/consistency-proof",
        f"{COR}/consistency-proof",
        NO_CORRIDOR,
        old="{checkpoint}",
        new="{checkpoint}",
    ),
    _nf(
        "GET /v1/corridors/{id}/consistency-proof",
        f"{KNOWN}/consistency-proof",
        "corridor {corridor} has no checkpoint {HEX}",
        old="{HEX}",
        new="{checkpoint}",
    ),
    _nf("GET /v1/corridors/{id}/finality", f"{COR}/finality", NO_CORRIDOR),
    _nf("POST /v1/corridors/{id}/watcher-attestations", f"{COR}/watcher-attestations", NO_CORRIDOR, {}),
    _nf("GET /v1/corridors/{id}/watcher-attestations", f"{COR}/watcher-attestations", NO_CORRIDOR),
    _nf("GET /v1/corridors/{id}/watcher-comparison", f"{COR}/watcher-comparison", NO_CORRIDOR),
    _nf("POST /v1/corridors/{id}/forks", f"{COR}/forks", NO_CORRIDOR, BODY["fork"]),
    _nf("GET /v1/corridors/{id}/forks", f"{COR}/forks", NO_CORRIDOR),
    _nf("POST /v1/corridors/{id}/settlement/compute", f"{COR}/settlement/compute", NO_CORRIDOR, BODY["compute"]),
    _nf("GET /v1/corridors/{id}/settlement/plans", f"{COR}/settlement/plans", NO_CORRIDOR),
    _nf("GET /v1/corridors/{id}/settlement/plans/{plan}", COR + "/settlement/plans/{plan}", NO_CORRIDOR),
    _nf(
        "GET /v1/corridors/{id}/settlement/plans/{plan}",
        KNOWN + "/settlement/plans/{M}",
        "corridor {corridor} has no settlement plan {M}",
    ),
    _nf(
        "POST /v1/corridors/{id}/settlement/plans/{plan}/instruct",
        COR + "/settlement/plans/{plan}/instruct",
        NO_CORRIDOR,
        BODY["instruct"],
    ),
    _nf(
        "POST /v1/corridors/{id}/settlement/plans/{plan}/instruct",
        KNOWN + "/settlement/plans/{M}/instruct",
        "corridor {corridor} has no settlement plan {M}",
        BODY["instruct"],
    ),
    _nf(
        "POST /v1/corridors/route",
        "/v1/corridors/route",
        "no route from ae-difc to zz-nowhere over this zone's ACTIVE corridors",
        BODY["route"],
    ),
]
INCLUSION_PROOF_OF_NOTHING = _nf(
    "GET /v1/corridors/{id}/receipts/{sequence}/inclusion-proof",
    f"{KNOWN}/receipts/999/inclusion-proof",
    "corridor {corridor} has no receipt 999",
)
NOT_FOUND_CASES = [
    *(pytest.param(case, id=case.call.name) for case in NOT_FOUND),
    pytest.param(INCLUSION_PROOF_OF_NOTHING, id="GET inclusion-proof of a receipt past the head"),
]
NO_NOT_FOUND: dict[Route, str] = {
    ("GET", "/v1/fiscal/accounts"): "a collection: an unknown entity_id filter is an empty page",
    ("GET", "/v1/fiscal/trial-balance"): "zone-wide totals; references nothing",
    ("GET", "/v1/audit/streams"): "zone-wide list; references nothing",
    ("GET", "/v1/audit/streams/{id}/entries"): "a stream exists once written to: an unknown name is an empty stream",
    ("GET", "/v1/audit/streams/{id}/verify"): "a stream exists once written to: an unknown name verifies as empty",
    ("POST", "/v1/entities"): "the node picks the new entity's id; the body references no record",
    ("GET", "/v1/entities"): "a collection filtered by state; references nothing",
    ("GET", "/v1/assets"): "a collection: an unknown owner_entity_id filter is an empty page",
    ("POST", "/v1/credentials/verify"): "checks a posted document: an unknown credential is a finding in a 200 report",
    ("GET", "/v1/credentials"): "a collection: an unknown entity_id filter is an empty page",
    ("GET", "/v1/licences"): "a collection: an unknown holder_entity_id filter is an empty page",
    ("POST", "/v1/regulator/query/attestations"): "a query: an unknown entity_id filter is an empty page",
    ("GET", "/v1/regulator/summary"): "zone-wide counts; references nothing",
    ("GET", "/v1/regulator/dashboard"): "zone-wide counts; references nothing",
    ("GET", "/v1/corridors"): "a collection filtered by state; references nothing",
}
# What the exempt routes answer for a reference to nothing: equal to a list, or containing a dict's items.
EMPTY_ANSWERS = [
    (_c("GET /v1/fiscal/accounts", "/v1/fiscal/accounts", entity_id="{M}"), []),
    (_c("GET /v1/assets", "/v1/assets", owner_entity_id="{M}"), []),
    (_c("GET /v1/credentials", "/v1/credentials", entity_id="{M}"), []),
    (_c("GET /v1/licences", "/v1/licences", holder_entity_id="{M}"), []),
    (_c("GET /v1/audit/streams/{id}/entries", "/v1/audit/streams/consent:{M}/entries"), []),
    (
        _c("GET /v1/audit/streams/{id}/verify", "/v1/audit/streams/consent:{M}/verify"),
        {"stream": "consent:{M}", "entries": 0, "ok": True},
    ),
    (
        _c("POST /v1/regulator/query/attestations", "/v1/regulator/query/attestations", {"entity_id": "{M}"}),
        {"count": 0, "total": 0, "results": []},
    ),
    (_c("POST /v1/credentials/verify", "/v1/credentials/verify", {"id": "{CRED}"}), {"verified": False}),
]


def test_every_route_has_a_404_decision() -> None:
    tested = {case.call.route for case in [*NOT_FOUND, INCLUSION_PROOF_OF_NOTHING]}
    assert not tested & set(NO_NOT_FOUND), "a route is both tested for 404 and exempt"
    assert tested | set(NO_NOT_FOUND) == set(ROUTES)


@pytest.mark.parametrize("case", NOT_FOUND_CASES)
def test_unknown_references_are_404(records: Records, case: NotFound) -> None:
    response = case.call.send(records)
    assert response.status_code == 404, response.text
    assert error(response) == {"code": "NOT_FOUND", "message": records.fill(case.message)}


@pytest.mark.parametrize(("call", "expected"), [pytest.param(c, e, id=c.name) for c, e in EMPTY_ANSWERS])
def test_exempt_routes_answer_unknown_references_with_nothing(records: Records, call: Call, expected: Any) -> None:
    assert call.route in NO_NOT_FOUND
    response = call.send(records)
    assert response.status_code == 200, response.text
    wanted, body = records.fill(expected), response.json()
    if isinstance(wanted, list):
        assert body == wanted
    else:
        assert {key: body[key] for key in wanted} == wanted


# --- 422 ------------------------------------------------------------------------------------------------------------

# Every route that reads a JSON object body, with a valid one; with one unknown field added, that field is the only
# error, which shows the model refuses unknown fields (msez.api._wire.In) and that the rest of the body is valid.
VALID_BODIES = [
    _c("POST /v1/ownership/cap-tables", "/v1/ownership/cap-tables", BODY["cap_table"]),
    _c(
        "POST /v1/ownership/cap-tables/{id}/share-classes",
        "/v1/ownership/cap-tables/{cap_table}/share-classes",
        BODY["share_class"],
    ),
    _c(
        "POST /v1/ownership/cap-tables/{id}/issuances",
        "/v1/ownership/cap-tables/{cap_table}/issuances",
        BODY["issuance"],
    ),
    _c(
        "POST /v1/ownership/cap-tables/{id}/transfers",
        "/v1/ownership/cap-tables/{cap_table}/transfers",
        BODY["transfer"],
    ),
    _c("POST /v1/fiscal/accounts", "/v1/fiscal/accounts", BODY["account"]),
    _c("POST /v1/fiscal/accounts/{id}/ntn", "/v1/fiscal/accounts/{account}/ntn", BODY["ntn"]),
    _c("POST /v1/fiscal/payments", "/v1/fiscal/payments", BODY["deposit"]),
    _c("POST /v1/identity/verify", "/v1/identity/verify", BODY["verify"]),
    _c("POST /v1/identity/{id}/cnic", "/v1/identity/{identity}/cnic", BODY["cnic"]),
    _c("POST /v1/identity/{id}/ntn", "/v1/identity/{identity}/ntn", BODY["ntn"]),
    _c("POST /v1/identity/{id}/attestations", "/v1/identity/{identity}/attestations", BODY["attestation"]),
    _c("POST /v1/consent", "/v1/consent", BODY["consent"]),
    _c("POST /v1/consent/{id}/sign", "/v1/consent/{consent}/sign", BODY["sign"]),
    _c("POST /v1/entities", "/v1/entities", BODY["register"]),
    _c("PATCH /v1/entities/{id}", "/v1/entities/{entity}", BODY["patch"]),
    _c("PUT /v1/entities/{id}/beneficial-owners", "/v1/entities/{entity}/beneficial-owners", BODY["owners"]),
    _c("POST /v1/entities/{id}/transitions", "/v1/entities/{entity}/transitions", BODY["approve"]),
    _c("POST /v1/assets/genesis", "/v1/assets/genesis", BODY["genesis"]),
    _c("POST /v1/assets/{id}/credentials/registry", "/v1/assets/{asset}/credentials/registry", {}),
    _c("POST /v1/assets/{id}/compliance/evaluate", "/v1/assets/{asset}/compliance/evaluate", {}),
    _c("POST /v1/assets/{id}/credentials/compliance", "/v1/assets/{asset}/credentials/compliance", {}),
    _c("POST /v1/credentials/compliance", "/v1/credentials/compliance", BODY["compliance"]),
    _c("POST /v1/credentials/{id}/revoke", "/v1/credentials/{credential}/revoke", {}),
    _c("POST /v1/credentials/{id}/suspend", "/v1/credentials/{credential}/suspend", {}),
    _c("POST /v1/credentials/{id}/reinstate", "/v1/credentials/{credential}/reinstate", {}),
    _c("POST /v1/licences", "/v1/licences", BODY["licence"]),
    _c("POST /v1/licences/{id}/transitions", "/v1/licences/{licence}/transitions", BODY["review"]),
    _c("POST /v1/regulator/query/attestations", "/v1/regulator/query/attestations", {}),
    _c("POST /v1/corridors", "/v1/corridors", BODY["library"]),
    _c("POST /v1/corridors/{id}/transitions", f"{KNOWN}/transitions", {"to_state": "SUSPENDED"}),
    _c("POST /v1/corridors/{id}/receipts", f"{KNOWN}/receipts", {}),
    _c("POST /v1/corridors/{id}/forks", f"{KNOWN}/forks", BODY["fork"]),
    _c("POST /v1/corridors/{id}/settlement/compute", f"{KNOWN}/settlement/compute", BODY["compute"]),
    _c(
        "POST /v1/corridors/{id}/settlement/plans/{plan}/instruct",
        KNOWN + "/settlement/plans/{plan}/instruct",
        BODY["instruct"],
    ),
    _c("POST /v1/corridors/route", "/v1/corridors/route", BODY["route"]),
]
# Bodies that may be any JSON object (a credential, a watcher attestation): only a body of the wrong type is wrong.
OBJECT_BODIES = [
    _c("POST /v1/credentials/verify", "/v1/credentials/verify"),
    _c("POST /v1/corridors/{id}/watcher-attestations", f"{KNOWN}/watcher-attestations"),
]
# Reads with query parameters: one bad value each, with the parameter it must be blamed on.
BAD_QUERIES = [
    (
        _c("GET /v1/ownership/cap-tables/{id}/movements", "/v1/ownership/cap-tables/{cap_table}/movements", limit="0"),
        "limit",
    ),
    (_c("GET /v1/fiscal/accounts", "/v1/fiscal/accounts", entity_id="not-a-uuid"), "entity_id"),
    (_c("GET /v1/fiscal/accounts/{id}/entries", "/v1/fiscal/accounts/{account}/entries", offset="-1"), "offset"),
    (
        _c(
            "GET /v1/consent/{id}/signing-payload",
            "/v1/consent/{consent}/signing-payload",
            entity_id="{entity}",
            decision="maybe",
        ),
        "decision",
    ),
    (_c("GET /v1/audit/streams/{id}/entries", "/v1/audit/streams/entities/entries", limit="1001"), "limit"),
    (_c("GET /v1/entities", "/v1/entities", state="Bankrupt"), "state"),
    (_c("GET /v1/assets", "/v1/assets", owner_entity_id="nobody"), "owner_entity_id"),
    (_c("GET /v1/credentials", "/v1/credentials", status="lost"), "status"),
    (_c("GET /v1/licences", "/v1/licences", state="Pending"), "state"),
    (_c("GET /v1/licences/check", "/v1/licences/check", entity_id="{entity}", activity="Not Valid"), "activity"),
    (_c("GET /v1/corridors", "/v1/corridors", state="OPERATIONAL"), "state"),
    (_c("GET /v1/corridors/{id}/receipts", f"{KNOWN}/receipts", **{"from": "-1"}), "from"),
    (
        _c(
            "GET /v1/corridors/{id}/receipts/{sequence}/inclusion-proof",
            f"{KNOWN}/receipts/0/inclusion-proof",
            checkpoint="xyz",
        ),
        "checkpoint",
    ),
    (_c("GET /v1/corridors/{id}/checkpoints", f"{KNOWN}/checkpoints", limit="0"), "limit"),
    (
        _c("GET /v1/corridors/{id}/consistency-proof", f"{KNOWN}/consistency-proof", old="xyz", new="{checkpoint}"),
        "old",
    ),
    (_c("GET /v1/corridors/{id}/watcher-attestations", f"{KNOWN}/watcher-attestations", offset="-1"), "offset"),
    (_c("GET /v1/corridors/{id}/forks", f"{KNOWN}/forks", limit="0"), "limit"),
    (_c("GET /v1/corridors/{id}/settlement/plans", f"{KNOWN}/settlement/plans", limit="0"), "limit"),
]
# Routes whose only input is the path: a malformed path parameter, with the parameter it must be blamed on.
BAD_PATHS = [
    (_c("GET /v1/ownership/cap-tables/{id}", "/v1/ownership/cap-tables/not-a-uuid"), "cap_table_id"),
    (_c("GET /v1/fiscal/accounts/{id}", "/v1/fiscal/accounts/not-a-uuid"), "account_id"),
    (_c("GET /v1/fiscal/accounts/{id}/balance", "/v1/fiscal/accounts/not-a-uuid/balance"), "account_id"),
    (_c("GET /v1/fiscal/payments/{id}", "/v1/fiscal/payments/not-a-uuid"), "payment_id"),
    (_c("GET /v1/identity/{id}", "/v1/identity/not-a-uuid"), "identity_id"),
    (_c("GET /v1/consent/{id}", "/v1/consent/not-a-uuid"), "consent_id"),
    (_c("POST /v1/consent/{id}/revoke", "/v1/consent/not-a-uuid/revoke"), "consent_id"),
    (_c("GET /v1/consent/{id}/audit-trail", "/v1/consent/not-a-uuid/audit-trail"), "consent_id"),
    (_c("GET /v1/audit/streams/{id}/verify", "/v1/audit/streams/Not!A!Stream/verify"), "stream"),
    (_c("GET /v1/entities/{id}", "/v1/entities/not-a-uuid"), "entity_id"),
    (_c("GET /v1/entities/{id}/transitions", "/v1/entities/not-a-uuid/transitions"), "entity_id"),
    (_c("GET /v1/assets/{id}", "/v1/assets/not-a-digest"), "asset_id"),
    (_c("GET /v1/credentials/{id}", "/v1/credentials/" + "x" * 256), "credential_id"),
    (_c("GET /v1/licences/{id}", "/v1/licences/not-a-uuid"), "licence_id"),
    (_c("GET /v1/licences/{id}/transitions", "/v1/licences/not-a-uuid/transitions"), "licence_id"),
    (_c("GET /v1/corridors/{id}", "/v1/corridors/not-a-uuid"), "corridor"),
    (_c("GET /v1/corridors/{id}/receipts/{sequence}", f"{KNOWN}/receipts/-1"), "sequence"),
    (_c("POST /v1/corridors/{id}/checkpoints", "/v1/corridors/not-a-uuid/checkpoints"), "corridor"),
    (_c("GET /v1/corridors/{id}/checkpoints/{digest}", f"{KNOWN}/checkpoints/xyz"), "digest"),
    (_c("GET /v1/corridors/{id}/finality", "/v1/corridors/not-a-uuid/finality"), "corridor"),
    (_c("GET /v1/corridors/{id}/watcher-comparison", "/v1/corridors/not-a-uuid/watcher-comparison"), "corridor"),
    (_c("GET /v1/corridors/{id}/settlement/plans/{plan}", f"{KNOWN}/settlement/plans/not-a-uuid"), "plan"),
]
NO_INPUT: dict[Route, str] = {
    ("GET", "/v1/fiscal/trial-balance"): "takes no path, query or body",
    ("GET", "/v1/audit/streams"): "takes no path, query or body",
    ("GET", "/v1/regulator/summary"): "takes no path, query or body",
    ("GET", "/v1/regulator/dashboard"): "takes no path, query or body",
}


def test_every_route_has_a_422_decision() -> None:
    decided = [c.route for c in VALID_BODIES + OBJECT_BODIES] + [c.route for c, _ in BAD_QUERIES + BAD_PATHS]
    assert len(decided) == len(set(decided)), "one decision per route"
    assert not set(decided) & set(NO_INPUT)
    assert set(decided) | set(NO_INPUT) == set(ROUTES)
    no_body = {c.route for c, _ in BAD_PATHS if c.route[0] != "GET"}  # the two POSTs that read no body
    assert no_body == {("POST", "/v1/consent/{id}/revoke"), ("POST", "/v1/corridors/{id}/checkpoints")}


def _validation(response: httpx2.Response) -> list[dict[str, Any]]:
    assert response.status_code == 422, response.text
    body = error(response)
    assert body["code"] == "VALIDATION_ERROR"
    details: list[dict[str, Any]] = body["details"]
    assert body["message"].startswith(".".join(details[0]["loc"]) + ": ")
    return details


@pytest.mark.parametrize("call", [pytest.param(c, id=c.name) for c in VALID_BODIES])
def test_unknown_body_fields_are_422_naming_the_field(records: Records, call: Call) -> None:
    before = persisted(records.db, records.zone)
    details = _validation(call.send(records, body={**call.body, "unexpected_field": 1}))
    assert details == [
        {"loc": ["body", "unexpected_field"], "msg": "Extra inputs are not permitted", "type": "extra_forbidden"}
    ]
    assert persisted(records.db, records.zone) == before


@pytest.mark.parametrize("call", [pytest.param(c, id=c.name) for c in VALID_BODIES + OBJECT_BODIES])
def test_bodies_of_the_wrong_type_are_422(records: Records, call: Call) -> None:
    details = _validation(call.send(records, body=["not", "an", "object"]))
    assert [d["loc"] for d in details] == [["body"]]
    assert details[0]["type"] in ("model_attributes_type", "dict_type")


@pytest.mark.parametrize(("call", "name"), [pytest.param(c, n, id=c.name) for c, n in BAD_QUERIES])
def test_bad_query_values_are_422_naming_the_parameter(records: Records, call: Call, name: str) -> None:
    assert [d["loc"] for d in _validation(call.send(records))] == [["query", name]]


@pytest.mark.parametrize(("call", "name"), [pytest.param(c, n, id=c.name) for c, n in BAD_PATHS])
def test_malformed_path_parameters_are_422_naming_the_parameter(records: Records, call: Call, name: str) -> None:
    assert [d["loc"] for d in _validation(call.send(records))] == [["path", name]]


# --- 409 ------------------------------------------------------------------------------------------------------------

OWNERSHIP_CONFLICTS = "tests/api/test_ownership_api.py::test_conflicts_are_409_and_change_nothing"
DISSOLVED = "tests/api/test_entities_api.py::test_a_voluntary_dissolution_walks_ten_stages_with_their_evidence"
STATUS_CHANGES = "tests/api/test_credentials_api.py::test_revocation_and_suspension_are_reflected_by_verify"
COVERED_ELSEWHERE: dict[Route, str] = {
    ("POST", "/v1/ownership/cap-tables"): "tests/api/test_ownership_api.py::test_one_cap_table_per_entity",
    ("POST", "/v1/ownership/cap-tables/{id}/share-classes"): OWNERSHIP_CONFLICTS,
    ("POST", "/v1/ownership/cap-tables/{id}/issuances"): OWNERSHIP_CONFLICTS,
    ("POST", "/v1/ownership/cap-tables/{id}/transfers"): OWNERSHIP_CONFLICTS,
    ("POST", "/v1/fiscal/accounts/{id}/ntn"): "tests/api/test_fiscal_api.py::test_ntn_link",
    ("POST", "/v1/fiscal/payments"): "tests/api/test_fiscal_api.py::test_insufficient_funds_is_409_and_books_nothing",
    ("POST", "/v1/identity/{id}/cnic"): "tests/api/test_identity_api.py::test_an_identifier_belongs_to_one_identity",
    ("POST", "/v1/identity/{id}/attestations"): "tests/api/test_identity_api.py::test_a_rejected_verification_is_final",
    ("POST", "/v1/consent/{id}/sign"): "tests/api/test_consent_api.py::test_a_party_signs_once",
    ("PATCH", "/v1/entities/{id}"): DISSOLVED,
    ("PUT", "/v1/entities/{id}/beneficial-owners"): DISSOLVED,
    ("POST", "/v1/entities/{id}/transitions"): (
        "tests/api/test_entities_api.py::test_refused_transitions_are_409_with_the_valid_targets"
    ),
    ("POST", "/v1/assets/{id}/credentials/registry"): (
        "tests/api/test_assets_api.py::test_the_registry_credential_binds_the_asset_id"
    ),
    ("POST", "/v1/assets/{id}/credentials/compliance"): (
        "tests/api/test_assets_api.py::test_the_compliance_credential_needs_a_passing_evaluation"
    ),
    ("POST", "/v1/credentials/compliance"): (
        "tests/api/test_credentials_api.py::test_a_failing_evaluation_is_409_and_says_why"
    ),
    ("POST", "/v1/credentials/{id}/suspend"): STATUS_CHANGES,
    ("POST", "/v1/credentials/{id}/reinstate"): STATUS_CHANGES,
    ("POST", "/v1/licences/{id}/transitions"): (
        "tests/api/test_licences_api.py::test_holders_may_surrender_but_not_issue"
    ),
    ("POST", "/v1/corridors"): (
        "tests/api/test_corridors_api.py::test_a_tampered_module_and_a_second_opening_are_refused"
    ),
    ("POST", "/v1/corridors/{id}/transitions"): "tests/api/test_corridors_api.py::test_transition_refusals",
    ("POST", "/v1/corridors/{id}/receipts"): (
        "tests/api/test_corridor_watch_api.py::test_a_fork_is_resolved_and_drives_halt_and_resume"
    ),
    ("GET", "/v1/corridors/{id}/receipts/{sequence}/inclusion-proof"): (
        "tests/api/test_receipts_api.py::test_checkpoints_and_proofs_verify"
    ),
    ("POST", "/v1/corridors/{id}/checkpoints"): (
        "tests/api/test_receipts_api.py::test_an_empty_chain_has_nothing_to_checkpoint"
    ),
    ("POST", "/v1/corridors/{id}/watcher-attestations"): (
        "tests/api/test_corridor_watch_api.py::test_watcher_attestation_refusals"
    ),
    ("POST", "/v1/corridors/{id}/settlement/compute"): (
        "tests/api/test_corridor_settlement_api.py::test_settlement_needs_an_active_corridor_a_plan_and_every_party"
    ),
}
UNREACHABLE = (
    "a read; its only 409 (a stored checkpoint that no longer verifies against the corridor's policy) cannot be "
    "produced through the API, since a corridor's policy never changes"
)
NO_CONFLICT: dict[Route, str] = {
    **{r: "a read: it changes nothing, so no stored state conflicts with it" for r in ROUTES if r[0] == "GET"},
    **{("POST", path): "a read sent as a POST (regulators may send it)" for path in READ_ONLY_POSTS},
    ("GET", "/v1/corridors/{id}/finality"): UNREACHABLE,
    ("GET", "/v1/corridors/{id}/consistency-proof"): UNREACHABLE,
    ("POST", "/v1/entities"): "the node picks a fresh id and no registration field is unique",
    ("POST", "/v1/assets/{id}/compliance/evaluate"): "records the evaluation whatever its outcome",
    ("POST", "/v1/corridors/{id}/forks"): "each posted fork is stored as a new resolution (fresh id), in any state",
}
del NO_CONFLICT[("GET", "/v1/corridors/{id}/receipts/{sequence}/inclusion-proof")]  # in COVERED_ELSEWHERE


def _rejected_entity(api: Api) -> str:
    entity: str = new_entity(api, f"Rejected Applicant {uuid.uuid4().hex[:8]} Ltd")["id"]
    created(api.post(f"/v1/entities/{entity}/transitions", {"transition": "reject", "reason": "incomplete"}), 200)
    return entity


def _rejected(entity: str) -> str:
    return f"entity {entity} is Rejected; it takes no new records"


def _account_of_rejected(api: Api) -> tuple[httpx2.Response, str]:
    entity = _rejected_entity(api)
    return api.post("/v1/fiscal/accounts", {**BODY["account"], "entity_id": entity}), _rejected(entity)


def _verification_of_rejected(api: Api) -> tuple[httpx2.Response, str]:
    entity = _rejected_entity(api)
    return api.post("/v1/identity/verify", {"entity_id": entity, "identity_type": "kyb"}), _rejected(entity)


def _ntn_of_another_identity(api: Api) -> tuple[httpx2.Response, str]:
    entity = new_entity(api, "Ntn Clash Traders Ltd")["id"]
    first, second = (
        created(api.post("/v1/identity/verify", {"entity_id": entity, "identity_type": kind}))["id"]
        for kind in ("kyb", "kyc")
    )
    created(api.post(f"/v1/identity/{first}/ntn", {"ntn": "7000001"}), 200)
    response = api.post(f"/v1/identity/{second}/ntn", {"ntn": "7000001"})
    return response, f"ntn 7000001 is already linked to identity {first}"


def _consent_of_rejected(api: Api) -> tuple[httpx2.Response, str]:
    entity = _rejected_entity(api)
    return api.post("/v1/consent", _consent(entity)), _rejected(entity)


def _consent_revoked_twice(api: Api) -> tuple[httpx2.Response, str]:
    consent = created(api.post("/v1/consent", _consent(api.entity)))["id"]
    created(api.post(f"/v1/consent/{consent}/revoke"), 200)
    return api.post(
        f"/v1/consent/{consent}/revoke"
    ), f"revoked -> revoked: consent {consent} cannot be revoked (valid targets: none)"


def _asset_of_rejected(api: Api) -> tuple[httpx2.Response, str]:
    entity = _rejected_entity(api)
    return api.post("/v1/assets/genesis", {**BODY["genesis"], "owner_entity_id": entity}), _rejected(entity)


def _credential_revoked_twice(api: Api) -> tuple[httpx2.Response, str]:
    credential = new_entity(api, "Twice Revoked Ltd")["orchestration"]["credential"]["id"]
    created(api.post(f"/v1/credentials/{credential}/revoke"), 200)
    return api.post(
        f"/v1/credentials/{credential}/revoke"
    ), "revoked -> revoked: cannot revoke a revoked credential (valid targets: none)"


def _licence_of_rejected(api: Api) -> tuple[httpx2.Response, str]:
    entity = _rejected_entity(api)
    return api.post("/v1/licences", {**BODY["licence"], "holder_entity_id": entity}), _rejected(entity)


def _instruction_on_a_suspended_corridor(api: Api) -> tuple[httpx2.Response, str]:
    module = make_corridor(corridor_id=f"org.momentum.msez.corridor.test.s{uuid.uuid4().hex[:8]}")
    corridor = active_corridor(api, module, jurisdiction_b="sg")["id"]
    plan = created(api.post(f"/v1/corridors/{corridor}/settlement/compute", BODY["compute"]))["id"]
    transition(api, corridor, "SUSPENDED", reason="maintenance")
    response = api.post(f"/v1/corridors/{corridor}/settlement/plans/{plan}/instruct", BODY["instruct"])
    return response, f"corridor {corridor} is SUSPENDED; settlement needs an ACTIVE corridor"


Scenario = Callable[[Api], tuple[httpx2.Response, str]]
CONFLICTS: list[tuple[Route, Scenario]] = [
    (("POST", "/v1/fiscal/accounts"), _account_of_rejected),
    (("POST", "/v1/identity/verify"), _verification_of_rejected),
    (("POST", "/v1/identity/{id}/ntn"), _ntn_of_another_identity),
    (("POST", "/v1/consent"), _consent_of_rejected),
    (("POST", "/v1/consent/{id}/revoke"), _consent_revoked_twice),
    (("POST", "/v1/assets/genesis"), _asset_of_rejected),
    (("POST", "/v1/credentials/{id}/revoke"), _credential_revoked_twice),
    (("POST", "/v1/licences"), _licence_of_rejected),
    (("POST", "/v1/corridors/{id}/settlement/plans/{plan}/instruct"), _instruction_on_a_suspended_corridor),
]


def test_every_route_has_a_409_decision() -> None:
    decided = [{route for route, _ in CONFLICTS}, set(COVERED_ELSEWHERE), set(NO_CONFLICT)]
    assert sum(len(d) for d in decided) == len(set().union(*decided)), "one decision per route"
    assert set().union(*decided) == set(ROUTES)


def _functions(path: Path) -> dict[str, ast.FunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


@pytest.mark.parametrize("reference", sorted(set(COVERED_ELSEWHERE.values())))
def test_the_409_references_name_tests_that_check_409(reference: str) -> None:
    file, _, name = reference.partition("::")
    functions = _functions(REPO / file)
    assert name.startswith("test_") and name in functions, f"{reference} does not exist"
    constants = {node.value for node in ast.walk(functions[name]) if isinstance(node, ast.Constant)}
    assert 409 in constants, f"{reference} never mentions 409"


@pytest.mark.parametrize(("route", "scenario"), [pytest.param(r, s, id=s.__name__.strip("_")) for r, s in CONFLICTS])
def test_conflicts_are_409(records: Records, route: Route, scenario: Scenario) -> None:
    response, message = scenario(records.api)
    assert response.request.method == route[0]
    assert response.status_code == 409, response.text
    assert error(response)["code"] == "CONFLICT"
    assert error(response)["message"] == message


def test_the_same_genesis_twice_is_409(records: Records, monkeypatch: pytest.MonkeyPatch) -> None:
    """An asset is named by the digest of its genesis document, whose only varying field is the creation time."""
    now = utcnow()
    monkeypatch.setattr("msez.api._routes_assets.utcnow", lambda: now)
    body = {"asset_type": "warehouse_receipt", "asset_name": f"Twin Lot {uuid.uuid4().hex[:8]}"}
    first = created(records.api.post("/v1/assets/genesis", body))
    again = records.api.post("/v1/assets/genesis", body)
    assert again.status_code == 409, again.text
    assert error(again) == {
        "code": "CONFLICT",
        "message": f"asset {first['id']} already exists (the same genesis document)",
    }


# --- 403 for another entity's operator ------------------------------------------------------------------------------

READS_OF = "entity operator of {other} may not read records of entity {entity}"
ACTS_FOR = "entity operator of {other} may not act for entity {entity}"
NOT_PARTY = "entity operator of {other} is not a party to consent {consent}"


@dataclass(frozen=True)
class Stranger:
    """A call by the other entity's operator about the operator's entity's records, and the refusal expected."""

    family: str
    write: bool
    call: Call
    message: str


def _read(family: str, route: str, path: str, message: str, **params: str) -> Stranger:
    return Stranger(family, False, _c(route, path, **params), message)


def _write(family: str, route: str, path: str, message: str, body: Any = None) -> Stranger:
    return Stranger(family, True, _c(route, path, body), message)


CAPS, ACCT = "/v1/ownership/cap-tables/{cap_table}", "/v1/fiscal/accounts/{account}"
MY_ASSET, MY_LICENCE, MY_VC = "/v1/assets/{asset}", "/v1/licences/{licence}", "/v1/credentials/{credential}"
STRANGERS = [
    _read("entities", "GET /v1/entities/{id}", "/v1/entities/{entity}", READS_OF),
    _read("entities", "GET /v1/entities/{id}/transitions", "/v1/entities/{entity}/transitions", READS_OF),
    _write("entities", "PATCH /v1/entities/{id}", "/v1/entities/{entity}", ACTS_FOR, BODY["patch"]),
    _write(
        "entities",
        "PUT /v1/entities/{id}/beneficial-owners",
        "/v1/entities/{entity}/beneficial-owners",
        ACTS_FOR,
        BODY["owners"],
    ),
    _write(
        "entities",
        "POST /v1/entities/{id}/transitions",
        "/v1/entities/{entity}/transitions",
        ADMIN_ONLY,
        BODY["approve"],
    ),
    _read("ownership", "GET /v1/ownership/cap-tables/{id}", CAPS, READS_OF),
    _read("ownership", "GET /v1/ownership/cap-tables/{id}/movements", f"{CAPS}/movements", READS_OF),
    _write("ownership", "POST /v1/ownership/cap-tables", "/v1/ownership/cap-tables", ACTS_FOR, BODY["cap_table"]),
    _write(
        "ownership",
        "POST /v1/ownership/cap-tables/{id}/share-classes",
        f"{CAPS}/share-classes",
        ACTS_FOR,
        BODY["share_class"],
    ),
    _write(
        "ownership", "POST /v1/ownership/cap-tables/{id}/issuances", f"{CAPS}/issuances", ACTS_FOR, BODY["issuance"]
    ),
    _write(
        "ownership", "POST /v1/ownership/cap-tables/{id}/transfers", f"{CAPS}/transfers", ACTS_FOR, BODY["transfer"]
    ),
    _read("fiscal", "GET /v1/fiscal/accounts", "/v1/fiscal/accounts", READS_OF, entity_id="{entity}"),
    _read("fiscal", "GET /v1/fiscal/accounts/{id}", ACCT, READS_OF),
    _read("fiscal", "GET /v1/fiscal/accounts/{id}/balance", f"{ACCT}/balance", READS_OF),
    _read("fiscal", "GET /v1/fiscal/accounts/{id}/entries", f"{ACCT}/entries", READS_OF),
    _read(
        "fiscal",
        "GET /v1/fiscal/payments/{id}",
        "/v1/fiscal/payments/{payment}",
        "entity operator of {other} is not a party to payment {payment}",
    ),
    _write("fiscal", "POST /v1/fiscal/accounts", "/v1/fiscal/accounts", ACTS_FOR, BODY["account"]),
    _write("fiscal", "POST /v1/fiscal/accounts/{id}/ntn", f"{ACCT}/ntn", ACTS_FOR, BODY["ntn"]),
    _write("fiscal", "POST /v1/fiscal/payments", "/v1/fiscal/payments", ACTS_FOR, BODY["withdrawal"]),
    _read("identity", "GET /v1/identity/{id}", "/v1/identity/{identity}", READS_OF),
    _write("identity", "POST /v1/identity/verify", "/v1/identity/verify", ACTS_FOR, BODY["verify"]),
    _write("identity", "POST /v1/identity/{id}/cnic", "/v1/identity/{identity}/cnic", ACTS_FOR, BODY["cnic"]),
    _write("identity", "POST /v1/identity/{id}/ntn", "/v1/identity/{identity}/ntn", ACTS_FOR, BODY["ntn"]),
    _write(
        "identity",
        "POST /v1/identity/{id}/attestations",
        "/v1/identity/{identity}/attestations",
        ADMIN_ONLY,
        BODY["attestation"],
    ),
    _read("consent", "GET /v1/consent/{id}", "/v1/consent/{consent}", NOT_PARTY),
    _read(
        "consent",
        "GET /v1/consent/{id}/signing-payload",
        "/v1/consent/{consent}/signing-payload",
        NOT_PARTY,
        entity_id="{entity}",
        decision="approve",
    ),
    _read("consent", "GET /v1/consent/{id}/audit-trail", "/v1/consent/{consent}/audit-trail", NOT_PARTY),
    _write("consent", "POST /v1/consent", "/v1/consent", ACTS_FOR, BODY["consent"]),
    _write("consent", "POST /v1/consent/{id}/sign", "/v1/consent/{consent}/sign", ACTS_FOR, BODY["sign"]),
    _write("consent", "POST /v1/consent/{id}/revoke", "/v1/consent/{consent}/revoke", NOT_PARTY),
    _read("credentials", "GET /v1/credentials", "/v1/credentials", READS_OF, entity_id="{entity}"),
    _read("credentials", "GET /v1/credentials/{id}", MY_VC, READS_OF),
    _write(
        "credentials", "POST /v1/credentials/compliance", "/v1/credentials/compliance", ADMIN_ONLY, BODY["compliance"]
    ),
    _write("credentials", "POST /v1/credentials/{id}/revoke", f"{MY_VC}/revoke", ADMIN_ONLY),
    _write("credentials", "POST /v1/credentials/{id}/suspend", f"{MY_VC}/suspend", ADMIN_ONLY),
    _write("credentials", "POST /v1/credentials/{id}/reinstate", f"{MY_VC}/reinstate", ADMIN_ONLY),
    _read("assets", "GET /v1/assets", "/v1/assets", READS_OF, owner_entity_id="{entity}"),
    _read("assets", "GET /v1/assets/{id}", MY_ASSET, READS_OF),
    _write("assets", "POST /v1/assets/genesis", "/v1/assets/genesis", ACTS_FOR, BODY["genesis"]),
    _write("assets", "POST /v1/assets/{id}/compliance/evaluate", f"{MY_ASSET}/compliance/evaluate", ACTS_FOR, {}),
    _write("assets", "POST /v1/assets/{id}/credentials/registry", f"{MY_ASSET}/credentials/registry", ADMIN_ONLY),
    _write(
        "assets", "POST /v1/assets/{id}/credentials/compliance", f"{MY_ASSET}/credentials/compliance", ADMIN_ONLY, {}
    ),
    _read("licences", "GET /v1/licences", "/v1/licences", READS_OF, holder_entity_id="{entity}"),
    _read(
        "licences",
        "GET /v1/licences/check",
        "/v1/licences/check",
        READS_OF,
        entity_id="{entity}",
        activity="warehousing",
    ),
    _read("licences", "GET /v1/licences/{id}", MY_LICENCE, READS_OF),
    _read("licences", "GET /v1/licences/{id}/transitions", f"{MY_LICENCE}/transitions", READS_OF),
    _write("licences", "POST /v1/licences", "/v1/licences", ACTS_FOR, BODY["licence"]),
    _write(
        "licences",
        "POST /v1/licences/{id}/transitions",
        f"{MY_LICENCE}/transitions",
        ACTS_FOR,
        {"transition": "surrender"},
    ),
]
FAMILIES = ("entities", "ownership", "fiscal", "identity", "consent", "credentials", "assets", "licences")
NOT_ANOTHER_ENTITYS: dict[Route, str] = {
    ("POST", "/v1/entities"): "registration names no existing entity (zone admins only: test_entities_api.py)",
    ("GET", "/v1/entities"): "an operator's list holds its own entity only; nothing to refuse",
    ("GET", "/v1/fiscal/trial-balance"): "zone-wide totals for regulators (test_fiscal_api.py); no entity's records",
    ("POST", "/v1/credentials/verify"): "verifies a posted document; no stored record",
}


def test_every_entity_route_has_a_stranger_decision() -> None:
    family_routes = {r for r in ROUTES if r[1].split("/")[2] in FAMILIES}
    tested = {s.call.route for s in STRANGERS}
    assert len(tested) == len(STRANGERS), "one case per route"
    assert not tested & set(NOT_ANOTHER_ENTITYS)
    assert tested | set(NOT_ANOTHER_ENTITYS) == family_routes
    for family in FAMILIES:
        assert {s.write for s in STRANGERS if s.family == family} == {False, True}, f"{family}: a read and a write"
        assert all(s.call.route[1].split("/")[2] == family for s in STRANGERS if s.family == family)


def _stranger_cases(*, write: bool) -> list[Any]:
    return [pytest.param(s, id=f"{s.family}: {s.call.name}") for s in STRANGERS if s.write is write]


@pytest.mark.parametrize("case", _stranger_cases(write=False))
def test_another_entitys_operator_cannot_read(records: Records, case: Stranger) -> None:
    refused = case.call.send(records, role="stranger")
    assert refused.status_code == 403, refused.text
    assert error(refused) == {"code": "FORBIDDEN", "message": records.fill(case.message)}
    allowed = case.call.send(records, role="operator")
    assert allowed.status_code == 200, allowed.text


@pytest.mark.parametrize("case", _stranger_cases(write=True))
def test_another_entitys_operator_cannot_write(records: Records, case: Stranger) -> None:
    before = persisted(records.db, records.zone)
    refused = case.call.send(records, role="stranger")
    assert refused.status_code == 403, refused.text
    assert error(refused) == {"code": "FORBIDDEN", "message": records.fill(case.message)}
    assert persisted(records.db, records.zone) == before
