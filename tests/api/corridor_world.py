"""A corridor the test node takes part in: an in-memory module where the node's zone key is one of two zone
authorities, plus two registered watchers; and helpers that drive it through the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from msez.crypto import SigningKey
from msez.vc import Signer
from tests.api.conftest import ZONE_KEY, Api
from tests.corridor.agreement.conftest import World

ZONE = Signer.from_key(ZONE_KEY)


@dataclass(frozen=True)
class Corridor:
    """A module (files as text), its partner and watcher keys."""

    world: World
    partner: Signer
    watchers: tuple[Signer, ...]

    @property
    def files(self) -> dict[str, str]:
        return {path: raw.decode() for path, raw in self.world.files.items()}

    @property
    def corridor_id(self) -> str:
        return str(self.world.manifest["corridor_id"])


def make_corridor(*, zone: Signer = ZONE, corridor_id: str | None = None) -> Corridor:
    partner = Signer.from_key(SigningKey.generate())
    watchers = tuple(Signer.from_key(SigningKey.generate()) for _ in range(3))
    world = World({"zone": (zone, "zone_authority"), "partner": (partner, "zone_authority")})
    if corridor_id is not None:
        world.manifest["corridor_id"] = corridor_id
    world.anchors.extend(
        World.anchor(f"watcher-{i}", w, ["corridor_watcher_attestation"]) for i, w in enumerate(watchers)
    )
    world.define()
    world.agree("zone")
    world.agree("partner")
    return Corridor(world, partner, watchers)


def open_corridor(api: Api, module: Corridor, *, jurisdiction_b: str = "ae-difc") -> dict[str, Any]:
    response = api.post("/v1/corridors", {"files": module.files, "jurisdiction_b": jurisdiction_b})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def transition(api: Api, corridor: str, to_state: str, **body: Any) -> dict[str, Any]:
    response = api.post(f"/v1/corridors/{corridor}/transitions", {"to_state": to_state, **body})
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def append(api: Api, corridor: str, transition: Any = None) -> dict[str, Any]:
    response = api.post(f"/v1/corridors/{corridor}/receipts", {"transition": transition})
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def active_corridor(api: Api, module: Corridor, **options: Any) -> dict[str, Any]:
    """Open, submit (definition VC), append one receipt, activate (agreement VCs + finality receipt_signed)."""
    corridor = open_corridor(api, module, **options)
    transition(api, corridor["id"], "PENDING", include_module_credentials=True)
    append(api, corridor["id"], {"kind": "genesis.hello"})
    return transition(api, corridor["id"], "ACTIVE", include_module_credentials=True)["corridor"]
