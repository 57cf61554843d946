"""``msez corridor state ... --corridor modules/corridors/swift``: the bundled corridor, verified and turned into its
state-channel policy, with the registry lock its corridor.yaml names and the lawpacks its parties pin; receipts
signed with the public demo keys (examples/keys)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from msez.cli import run
from msez.core import load_json
from msez.corridor import (
    TRANSITION_TYPES_RULES,
    CorridorModule,
    new_receipt,
    sign_receipt,
    state_channel_policy,
    transition_envelope,
    verify_corridor,
)
from msez.crypto import FileArtifactStore
from msez.vc import load_signer
from tests.conftest import REPO
from tests.corridor.agreement.conftest import two_party_world

SWIFT = REPO / "modules" / "corridors" / "swift"
KEYS = REPO / "examples" / "keys"
PK, EX = KEYS / "pk-rsez-zone-authority.jwk.json", KEYS / "example-zone-authority.jwk.json"
REGISTRY_LOCK = REPO / "registries" / "transition-types.lock.json"
AT = "2026-02-01T00:00:00Z"


def state(*args: str | Path) -> int:
    return run(["corridor", "state", *(str(a) for a in args)])


def _zone_lawpacks(*zones: str) -> list[dict[str, Any]]:
    return [e for z in zones for e in load_json((REPO / "jurisdictions" / z / "stack.lock").read_bytes())["lawpacks"]]


def _signed_receipt(path: Path, sequence: int, prev_root: str) -> dict[str, Any]:
    common = ["--corridor", SWIFT, "--sequence", str(sequence), "--prev-root", prev_root, "--timestamp", AT]
    assert state("receipt-init", *common, "--key", PK, "--out", path) == 0
    assert state("receipt-sign", path, "--key", EX) == 0
    value: dict[str, Any] = json.loads(path.read_text())
    return value


@pytest.fixture
def chain(tmp_path: Path) -> Path:
    """Three receipts of the swift corridor, each signed by both zone authorities (2 of 2)."""
    directory = tmp_path / "receipts"
    directory.mkdir()
    prev = "genesis"
    for sequence in range(3):
        prev = _signed_receipt(directory / f"r{sequence}.json", sequence, prev)["next_root"]
    return directory


def test_receipts_bind_the_union_of_the_parties_lawpacks(chain: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = json.loads((chain / "r0.json").read_text())
    union = sorted({e["lawpack_digest_sha256"] for e in _zone_lawpacks("pk-rsez", "_starter")})
    assert first["lawpack_digest_set"] == union and len(union) == 6
    registry = load_json(REGISTRY_LOCK.read_bytes())["snapshot_digest_sha256"]
    assert first["transition_type_registry_digest_sha256"] == registry
    assert state("verify", "--corridor", SWIFT, "--receipts", chain, "--enforce-receipt-threshold") == 0
    assert capsys.readouterr().out.startswith("OK 3 receipts; final_state_root ")


def _forged(chain: Path, **fields: Any) -> dict[str, Any]:
    """Receipt 0 rebuilt with ``fields`` changed and signed by both zone authorities."""
    original = json.loads((chain / "r0.json").read_text())
    keep = ("corridor_id", "sequence", "prev_root", "timestamp", "transition_type_registry_digest_sha256")
    arguments = {k: original[k] for k in keep} | {
        "lawpack_digest_set": original["lawpack_digest_set"],
        "ruleset_digest_set": [],
        "transition": original["transition"],
    }
    receipt = new_receipt(**(arguments | fields))
    for key in (PK, EX):
        receipt = sign_receipt(receipt, load_signer(key))
    return receipt


@pytest.mark.parametrize(
    ("fields", "failure"),
    [
        pytest.param(
            {"lawpack_digest_set": [e["lawpack_digest_sha256"] for e in _zone_lawpacks("pk-rsez")]},
            "FAIL receipt 0: lawpack-digest-set-mismatch: must equal the pinned lawpacks; missing: "
            + ", ".join(sorted(e["lawpack_digest_sha256"] for e in _zone_lawpacks("_starter"))),
            id="only-one-zones-lawpacks",
        ),
        pytest.param(
            {"transition": transition_envelope("msez.unregistered.v1", payload={})},
            "FAIL receipt 0: invalid-transition: transition kind 'msez.unregistered.v1' is not in the registry d8f22c",
            id="kind-outside-the-registry",
        ),
        pytest.param(
            {"transition_type_registry_digest_sha256": "ab" * 32},
            f"is not the pinned {load_json(REGISTRY_LOCK.read_bytes())['snapshot_digest_sha256']}",
            id="another-registry",
        ),
    ],
)
def test_a_receipt_outside_the_corridors_terms_fails(
    chain: Path, fields: dict[str, Any], failure: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (chain / "r0.json").write_text(json.dumps(_forged(chain, **fields)))
    assert state("verify", "--corridor", SWIFT, "--receipts", chain / "r0.json") == 1
    assert failure in capsys.readouterr().err


def test_receipt_init_refuses_a_kind_outside_the_registry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    transition = tmp_path / "t.json"
    transition.write_text(json.dumps(transition_envelope("msez.unregistered.v1", payload={})))
    assert state("receipt-init", "--corridor", SWIFT, "--transition", transition) == 2
    assert "error: transition kind 'msez.unregistered.v1' is not in the registry" in capsys.readouterr().err


def _ingest_lawpacks(store: Path, work: Path) -> None:
    """``msez law ingest`` every lawpack the swift parties pin, from copies of their modules, into ``store``."""
    for entry in _zone_lawpacks("pk-rsez", "_starter"):
        source = REPO / Path(entry["lawpack_lock_path"]).parent
        copy = shutil.copytree(source, work / entry["jurisdiction_id"] / entry["domain"])
        args = ["law", "ingest", str(copy), "--as-of-date", entry["as_of_date"], "--store", str(store)]
        assert run(args) == 0
        assert (
            load_json((copy / "lawpack.lock.json").read_bytes())["lawpack_digest_sha256"]
            == entry["lawpack_digest_sha256"]
        )


def test_require_artifacts_resolves_lawpack_zips(
    chain: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store"
    verify = ["verify", "--corridor", SWIFT, "--receipts", chain, "--require-artifacts", "--store", store]
    assert state(*verify) == 1
    assert "FAIL receipt 0: missing-artifact: lawpack/" in capsys.readouterr().err

    _ingest_lawpacks(store, tmp_path / "modules")
    assert len(list((store / "lawpack").glob("*.lawpack.zip"))) == 6
    assert state(*verify) == 1  # every lawpack zip resolves by its lawpack digest; the registry lock is missing
    assert "FAIL receipt 0: missing-artifact: transition-types/d8f22c0aa0114b30" in capsys.readouterr().err

    FileArtifactStore([store], rules=TRANSITION_TYPES_RULES).put(
        "transition-types", REGISTRY_LOCK.read_bytes(), suffix=".transition-types.lock.json"
    )
    assert state(*verify) == 0
    assert capsys.readouterr().out.startswith("OK 3 receipts")


def test_the_corridor_workflow_end_to_end(chain: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Checkpoint, inclusion proof, fork inspection and the lifecycle to ACTIVE, all from ``--corridor``."""
    on = ["--corridor", SWIFT]
    checkpoint, proof = tmp_path / "cp.json", tmp_path / "p1.json"
    assert state("checkpoint", *on, "--receipts", chain, "--key", PK, "--timestamp", AT, "--out", checkpoint) == 0
    args = ["--receipts", chain, "--sequence", "1", "--checkpoint", checkpoint, "--out", proof]
    assert state("inclusion-proof", *on, *args) == 0
    assert (
        state("verify-inclusion", *on, "--receipt", chain / "r1.json", "--proof", proof, "--checkpoint", checkpoint)
        == 0
    )
    assert state("fork-inspect", *on, "--receipts", chain, "--out", tmp_path / "inspect.json") == 0
    assert json.loads((tmp_path / "inspect.json").read_text())["canonical_head"]["receipt_count"] == 3

    status, record = tmp_path / "finality.json", tmp_path / "lifecycle.json"
    assert state("finality-status", *on, "--receipts", chain, "--checkpoint", checkpoint, "--out", status) == 0
    assert json.loads(status.read_text())["finality_level"] == "checkpoint_signed"
    agreements = [f for a in ("pk-rsez", "example") for f in ("--evidence", SWIFT / f"corridor.agreement.{a}.vc.json")]
    steps = [
        ("DRAFT", "PENDING", ["--evidence", SWIFT / "corridor.vc.json", "--init"]),
        ("PENDING", "ACTIVE", [*agreements, "--finality-status", status]),
    ]
    for index, (source, target, extra) in enumerate(steps):
        request = tmp_path / f"t{index}.json"
        assert (
            state("lifecycle-vc", *on, "--from", source, "--to", target, "--key", PK, "--at", AT, "--out", request) == 0
        )
        assert state("lifecycle", record, *on, "--transition", request, *extra) == 0
    capsys.readouterr()
    assert json.loads(record.read_text())["state"] == "ACTIVE"


def test_the_policy_file_and_the_corridor_are_one_channel(chain: Path, tmp_path: Path) -> None:
    policy = tmp_path / "policy.json"
    derived = state_channel_policy(verify_corridor(CorridorModule.load(SWIFT)))
    policy.write_text(json.dumps(derived.to_json()))
    lock = ["--transition-types", REGISTRY_LOCK]
    assert state("verify", "--policy", policy, *lock, "--receipts", chain, "--enforce-receipt-threshold") == 0
    assert state("verify", "--policy", policy, "--corridor", SWIFT, "--receipts", chain) == 2


def test_the_registry_lock_is_found_in_the_module_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world = two_party_world()
    world.manifest["state_channel"] = {"transition_type_registry_lock_path": "registries/own.lock.json"}
    world.define()
    world.agree("zone-a")
    world.agree("zone-b")
    module = tmp_path / "corridor"
    (module / "registries").mkdir(parents=True)
    for path, data in world.files.items():
        (module / path).write_bytes(data)
    assert state("genesis-root", "--corridor", module) == 2
    assert capsys.readouterr().err == (
        f"error: {module}: state_channel.transition_type_registry_lock_path registries/own.lock.json is neither in "
        "the module nor at the repository root\n"
    )
    shutil.copy(REGISTRY_LOCK, module / "registries" / "own.lock.json")
    receipt = tmp_path / "r0.json"
    assert state("receipt-init", "--corridor", module, "--out", receipt) == 0
    registry = load_json(REGISTRY_LOCK.read_bytes())["snapshot_digest_sha256"]
    assert json.loads(receipt.read_text())["transition_type_registry_digest_sha256"] == registry
