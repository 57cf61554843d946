"""/v1/corridors/{id}: finality, watcher attestations and comparison, forks (automatic choice, alarm and resolution
VCs) and the halt/resume transitions they are evidence for."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from msez.core import Timestamp
from msez.corridor import (
    ForkBranch,
    StateChannelPolicy,
    attest_branch,
    new_receipt,
    sign_receipt,
    transition_envelope,
    verify_checkpoint,
    watcher_attestation,
)
from msez.crypto import SigningKey
from msez.vc import Signer, sign_credential, verify_credential
from tests.api.conftest import Api, error
from tests.api.corridor_world import Corridor, active_corridor, append, transition

MISSING = str(uuid.uuid4())


def _checkpointed(api: Api, module: Corridor, receipts: int = 2) -> tuple[str, dict[str, Any], StateChannelPolicy]:
    corridor = active_corridor(api, module)["id"]
    for n in range(receipts):
        append(api, corridor, {"kind": "tick", "n": n})
    checkpoint = api.post(f"/v1/corridors/{corridor}/checkpoints").json()
    policy = StateChannelPolicy.from_json(api.get(f"/v1/corridors/{corridor}").json()["policy"])
    return corridor, checkpoint, policy


def _attestation(watcher: Signer, checkpoint: dict[str, Any], policy: StateChannelPolicy) -> dict[str, Any]:
    unsigned = watcher_attestation(verify_checkpoint(checkpoint["document"], policy), issuer=str(watcher.did))
    return sign_credential(unsigned, watcher).to_json()


def test_finality_climbs_with_receipts_checkpoints_and_watchers(api: Api, corridor_module: Corridor) -> None:
    corridor, checkpoint, policy = _checkpointed(api, corridor_module)
    status = api.get(f"/v1/corridors/{corridor}/finality", role="regulator").json()
    assert (status["finality_level"], status["receipt_count"]) == ("checkpoint_signed", 3)
    assert status["evidence"]["checkpoint"]["digest_sha256"] == checkpoint["digest"]
    first, second, _ = corridor_module.watchers
    posted = api.post(f"/v1/corridors/{corridor}/watcher-attestations", _attestation(first, checkpoint, policy))
    assert posted.status_code == 201, posted.text
    assert (posted.json()["watcher"], posted.json()["receipt_count"]) == (str(first.did), 3)
    comparison = api.get(f"/v1/corridors/{corridor}/watcher-comparison").json()
    assert (comparison["status"], comparison["quorum"]["required_count"]) == ("no-quorum", 2)
    api.post(f"/v1/corridors/{corridor}/watcher-attestations", _attestation(second, checkpoint, policy))
    assert api.get(f"/v1/corridors/{corridor}/watcher-comparison").json()["status"] == "ok"
    status = api.get(f"/v1/corridors/{corridor}/finality").json()
    assert status["finality_level"] == "watcher_quorum"
    assert sorted(status["evidence"]["watcher_quorum"]["watcher_ids"]) == sorted([str(first.did), str(second.did)])
    listed = api.get(f"/v1/corridors/{corridor}/watcher-attestations").json()
    assert sorted(a["watcher"] for a in listed) == sorted([str(first.did), str(second.did)])
    append(api, corridor)
    assert api.get(f"/v1/corridors/{corridor}/finality").json()["finality_level"] == "receipt_signed"


def test_watcher_attestation_refusals(api: Api, corridor_module: Corridor) -> None:
    corridor, checkpoint, policy = _checkpointed(api, corridor_module)
    good = _attestation(corridor_module.watchers[0], checkpoint, policy)
    assert api.post(f"/v1/corridors/{corridor}/watcher-attestations", good).status_code == 201
    twice = api.post(f"/v1/corridors/{corridor}/watcher-attestations", good)
    assert twice.status_code == 409 and "is already stored" in error(twice)["message"]
    stranger = _attestation(Signer.from_key(SigningKey.generate()), checkpoint, policy)
    refused = api.post(f"/v1/corridors/{corridor}/watcher-attestations", stranger)
    assert refused.status_code == 422
    assert error(refused)["message"].startswith("watcher attestation refused (unregistered)")
    forged = {**good, "credentialSubject": {**good["credentialSubject"], "receipt_count": 99}}
    bad = api.post(f"/v1/corridors/{corridor}/watcher-attestations", forged)
    assert bad.status_code == 422 and "(does-not-verify)" in error(bad)["message"]
    assert api.post(f"/v1/corridors/{corridor}/watcher-attestations", good, role="operator").status_code == 403
    assert api.post(f"/v1/corridors/{MISSING}/watcher-attestations", good).status_code == 404


def _rival(api: Api, corridor: str, sequence: int, signer: Signer, *, at: Timestamp) -> dict[str, Any]:
    """A receipt by ``signer`` at ``sequence`` extending what the node's own receipt there extends."""
    ours = api.get(f"/v1/corridors/{corridor}/receipts/{sequence}").json()["receipt"]
    rival = new_receipt(
        corridor_id=ours["corridor_id"],
        sequence=sequence,
        prev_root=ours["prev_root"],
        timestamp=at,
        lawpack_digest_set=ours["lawpack_digest_set"],
        ruleset_digest_set=ours["ruleset_digest_set"],
        transition=transition_envelope("msez.example.transfer.v1", payload={"rival": True}),
    )
    return sign_receipt(rival, signer)


def test_a_fork_is_resolved_and_drives_halt_and_resume(api: Api, corridor_module: Corridor) -> None:
    corridor = active_corridor(api, corridor_module)["id"]
    append(api, corridor, {"kind": "transfer", "amount": "5"})
    ours = api.get(f"/v1/corridors/{corridor}/receipts/1").json()["receipt"]
    theirs = _rival(api, corridor, 1, corridor_module.partner, at=Timestamp.parse(ours["timestamp"]))
    witnesses = [attest_branch(ForkBranch.of(theirs), w.key, at=Timestamp.now()) for w in corridor_module.watchers[:2]]
    body = {"receipt_a": ours, "receipt_b": theirs, "attestations": witnesses, "notes": "partner signed a rival"}
    resolved = api.post(f"/v1/corridors/{corridor}/forks", body)
    assert resolved.status_code == 201, resolved.text
    fork = resolved.json()
    assert (fork["sequence"], fork["prev_root"], fork["chosen_next_root"]) == (
        1,
        ours["prev_root"],
        theirs["next_root"],
    )
    assert fork["reason"] == "MoreAttestations" and fork["choice"]["winner_attestations"] == 2
    assert (fork["choice"]["stored_next_root"], fork["choice"]["stored_chosen"]) == (ours["next_root"], False)
    for vc in (fork["alarm"], fork["resolution"]):
        assert verify_credential(vc).ok and vc["issuer"] == str(corridor_module.world.signer("zone").did)
    assert [f["id"] for f in api.get(f"/v1/corridors/{corridor}/forks", role="regulator").json()] == [fork["id"]]
    transition(api, corridor, "HALTED", evidence=[fork["alarm"]], reason="fork at sequence 1")
    halted = api.post(f"/v1/corridors/{corridor}/receipts", {})
    assert halted.status_code == 409 and "is HALTED" in error(halted)["message"]
    wrong = api.post(f"/v1/corridors/{corridor}/transitions", {"to_state": "ACTIVE", "evidence": [fork["alarm"]]})
    assert wrong.status_code == 409 and "MSEZCorridorForkResolutionCredential" in error(wrong)["message"]
    transition(api, corridor, "ACTIVE", evidence=[fork["resolution"]])
    assert append(api, corridor)["sequence"] == 2


def test_fork_refusals(api: Api, corridor_module: Corridor) -> None:
    corridor = active_corridor(api, corridor_module)["id"]
    ours = api.get(f"/v1/corridors/{corridor}/receipts/0").json()["receipt"]
    same = api.post(f"/v1/corridors/{corridor}/forks", {"receipt_a": ours, "receipt_b": ours})
    assert same.status_code == 422 and error(same)["message"] == "not a fork: both receipts have the same next_root"
    outsider = _rival(api, corridor, 0, Signer.from_key(SigningKey.generate()), at=Timestamp.now())
    unsigned = api.post(f"/v1/corridors/{corridor}/forks", {"receipt_a": ours, "receipt_b": outsider})
    assert unsigned.status_code == 422 and "unauthorised-signer" in error(unsigned)["message"]
    late = _rival(api, corridor, 0, corridor_module.partner, at=Timestamp.now() + timedelta(hours=1))
    early = api.post(f"/v1/corridors/{corridor}/forks", {"receipt_a": ours, "receipt_b": late})
    assert early.status_code == 201 and early.json()["reason"] == "FutureTimestamp"
    assert early.json()["chosen_next_root"] == ours["next_root"] and early.json()["choice"]["stored_chosen"] is True
    assert (
        api.post(f"/v1/corridors/{corridor}/forks", {"receipt_a": ours, "receipt_b": late}, role="operator").status_code
        == 403
    )
    assert api.get(f"/v1/corridors/{MISSING}/forks").status_code == 404
    assert api.get(f"/v1/corridors/{MISSING}/finality").status_code == 404
