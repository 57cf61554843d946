"""``stack.lock`` corridor entries (spec §95) through the zone lock contributor, on private copies of the bundled
library (the committed locks are not rewritten here), and on the three-zone world's module in a temp repo."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from msez.cli import run
from msez.cli._contributors import lock_contributors
from msez.core import ConflictError, NotFoundError, canonical_bytes, load_json, payload_digest, sha256_bytes
from msez.corridor import CorridorModule, Threshold, agreement_credential, corridor_lock_entries, verify_corridor
from msez.vc import add_proof, load_signer
from msez.zone import lock_zone
from tests.conftest import REPO
from tests.corridor.agreement.conftest import CORRIDOR_ID, NOW, World, new_signer
from tests.zone.conftest import copy_library

SWIFT = "modules/corridors/swift"
SWIFT_ID = "org.momentum.msez.corridor.swift.iso20022-cross-border"
STAMP = "2026-01-01T00:00:00Z"


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return copy_library(tmp_path / "repo")


def _corridors(root: Path, zone: str, **options: bool) -> list[dict[str, object]]:
    outcome = lock_zone(root / "jurisdictions" / zone, contributors=lock_contributors(), generated_at=STAMP, **options)
    corridors: list[dict[str, object]] = load_json(outcome.data)["corridors"]
    return corridors


@pytest.mark.parametrize("zone", ["pk-rsez", "_starter"])
def test_lock_pins_the_swift_corridor_and_its_agreements(library: Path, zone: str) -> None:
    (entry,) = _corridors(library, zone)

    swift = library / SWIFT
    report = verify_corridor(CorridorModule.load(swift))
    raw = {name: sha256_bytes((swift / name).read_bytes()).hex for name in (
        "corridor.yaml", "trust-anchors.yaml", "key-rotation.yaml", "corridor.vc.json",
        "corridor.agreement.pk-rsez.vc.json", "corridor.agreement.example.vc.json",
    )}  # fmt: skip
    agreements = ["corridor.agreement.pk-rsez.vc.json", "corridor.agreement.example.vc.json"]
    assert entry == {
        "corridor_id": SWIFT_ID,
        "corridor_manifest_sha256": raw["corridor.yaml"],
        "trust_anchors_sha256": raw["trust-anchors.yaml"],
        "key_rotation_sha256": raw["key-rotation.yaml"],
        "corridor_definition_vc_sha256": raw["corridor.vc.json"],
        "corridor_definition_signers": list(report.definition.named_signers),
        "corridor_agreement_vc_sha256": [raw[a] for a in agreements],
        "corridor_agreement_signers": list(report.agreement_signers),
        "corridor_activated": True,
        "corridor_activation_blockers": [],
        "corridor_agreement_payload_sha256_by_path": {
            f"{SWIFT}/{a}": payload_digest(load_json((swift / a).read_bytes())).hex for a in agreements
        },
        "corridor_agreement_set_sha256": report.agreement_set_sha256.hex,  # type: ignore[union-attr]
    }


def test_zone_without_corridors_pins_none(library: Path) -> None:
    assert _corridors(library, "ex-dfz") == []


def test_emit_artifactrefs_writes_blob_refs_with_repo_relative_uris(library: Path) -> None:
    (entry,) = _corridors(library, "_starter", emit_artifactrefs=True)
    definition = entry["corridor_definition_vc_sha256"]
    assert isinstance(definition, dict) and definition["artifact_type"] == "blob"
    assert definition["uri"] == f"{SWIFT}/corridor.vc.json"
    assert definition["digest_sha256"] == sha256_bytes((library / SWIFT / "corridor.vc.json").read_bytes()).hex


def test_msez_lock_then_check_on_a_copy(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    zone = library / "jurisdictions" / "pk-rsez" / "zone.yaml"
    assert run(["lock", str(zone), "--generated-at", STAMP]) == 0
    assert run(["lock", str(zone), "--check"]) == 0
    assert "is up to date" in capsys.readouterr().out
    (entry,) = load_json((zone.parent / "stack.lock").read_bytes())["corridors"]
    assert entry["corridor_id"] == SWIFT_ID and entry["corridor_activated"] is True


def test_a_suspended_party_is_recorded_as_a_blocker(library: Path) -> None:
    swift = library / SWIFT
    signer = load_signer(REPO / "examples/keys/example-zone-authority.jwk.json")
    document = agreement_credential(CorridorModule.load(swift), party=str(signer.did), commitment="suspend")
    (swift / "corridor.agreement.example.vc.json").write_text(json.dumps(add_proof(document, signer)))

    (entry,) = _corridors(library, "pk-rsez")

    assert entry["corridor_activated"] is False
    assert entry["corridor_activation_blockers"] == [f"{signer.did}:suspend"]


def test_listed_corridor_without_a_module_refuses_the_lock(library: Path) -> None:
    with pytest.raises(NotFoundError, match=r"corridor org\.unknown: no kind: corridor module resolved"):
        corridor_lock_entries(["org.unknown"], [library / SWIFT], library)


def test_two_modules_declaring_one_corridor_refuse_the_lock(library: Path) -> None:
    with pytest.raises(ConflictError, match=f"corridor {SWIFT_ID} is declared by"):
        corridor_lock_entries([SWIFT_ID], [library / SWIFT, library / SWIFT], library)


def test_missing_pinned_file_refuses_the_lock(library: Path) -> None:
    (library / SWIFT / "corridor.agreement.example.vc.json").unlink()
    with pytest.raises(NotFoundError, match=f"{SWIFT}/corridor.agreement.example.vc.json does not exist"):
        corridor_lock_entries([SWIFT_ID], [library / SWIFT], library)


def _payload_hex(path: Path) -> str:
    """SHA256(MCF(vc - proof)), written out from spec §95 rather than taken from msez.corridor."""
    document = {k: v for k, v in json.loads(path.read_bytes()).items() if k != "proof"}
    return hashlib.sha256(canonical_bytes(document).data).hexdigest()


def test_spec_95_entry_of_a_three_zone_corridor(tmp_path: Path) -> None:
    thresholds = [Threshold("zone_authority", 2, 3), Threshold("regulator", 1, 1)]
    parties = ("zone-a", "zone-b", "zone-c", "regulator")
    world = World(
        {**{z: (new_signer(), "zone_authority") for z in parties[:3]}, "regulator": (new_signer(), "regulator")}
    )
    world.define()
    for party in parties:
        world.agree(party, thresholds=thresholds, commitment="suspend" if party == "zone-c" else "agree")
    module = tmp_path / "modules" / "corridors" / "three-zones"

    def lock() -> dict[str, Any]:
        module.mkdir(parents=True, exist_ok=True)
        for path, data in world.files.items():
            (module / path).write_bytes(data)
        (entry,) = corridor_lock_entries([CORRIDOR_ID], [module], tmp_path, now=NOW)
        return entry

    entry = lock()
    names = list(world.manifest["agreement_vc_path"])
    set_digest = hashlib.sha256(
        canonical_bytes(
            {
                "corridor_id": CORRIDOR_ID,
                "definition_payload_sha256": _payload_hex(module / "corridor.vc.json"),
                "agreement_payload_sha256": sorted(_payload_hex(module / n) for n in names),
            }
        ).data
    ).hexdigest()
    raw = {name: hashlib.sha256((module / name).read_bytes()).hexdigest() for name in ["corridor.yaml", *names]}
    assert entry == {
        "corridor_id": CORRIDOR_ID,
        "corridor_manifest_sha256": raw["corridor.yaml"],
        "trust_anchors_sha256": sha256_bytes((module / "trust-anchors.yaml").read_bytes()).hex,
        "key_rotation_sha256": sha256_bytes((module / "key-rotation.yaml").read_bytes()).hex,
        "corridor_definition_vc_sha256": sha256_bytes((module / "corridor.vc.json").read_bytes()).hex,
        "corridor_definition_signers": [str(world.governance.did)],
        "corridor_agreement_vc_sha256": [raw[n] for n in names],
        "corridor_agreement_signers": sorted(world.did(p) for p in parties),
        "corridor_activated": False,
        "corridor_activation_blockers": [f"{world.did('zone-c')}:suspend"],
        "corridor_agreement_payload_sha256_by_path": {
            f"modules/corridors/three-zones/{n}": _payload_hex(module / n) for n in names
        },
        "corridor_agreement_set_sha256": set_digest,
    }

    # Re-issuing only a proof keeps the set digest (the file digest changes); editing an agreement changes it.
    zone_a = {k: v for k, v in world.json("corridor.agreement.zone-a.vc.json").items() if k != "proof"}
    world.put_json("corridor.agreement.zone-a.vc.json", add_proof(zone_a, world.signer("zone-a"), created=NOW))
    resigned = lock()
    assert resigned["corridor_agreement_set_sha256"] == set_digest
    assert resigned["corridor_agreement_vc_sha256"][0] != entry["corridor_agreement_vc_sha256"][0]
    world.agree("zone-c", thresholds=thresholds)
    reissued = lock()
    assert reissued["corridor_agreement_set_sha256"] != set_digest
    assert (reissued["corridor_activated"], reissued["corridor_activation_blockers"]) == (True, [])
