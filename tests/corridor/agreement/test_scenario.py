"""Acceptance 2, agreement half: three zones and a regulator, thresholds 2-of-3 ``zone_authority`` plus 1
``regulator``; one zone commits ``suspend`` (blocked, blocker reported), then re-issues with ``agree`` (activated).
The state-channel terms of the activated corridor are what helper B's policy is built from."""

from __future__ import annotations

from pathlib import Path

import pytest

from msez.cli import run
from msez.corridor import Threshold
from tests.corridor.agreement.conftest import World, new_signer

THRESHOLDS = [Threshold("zone_authority", 2, 3), Threshold("regulator", 1, 1)]
PARTIES = ("zone-a", "zone-b", "zone-c", "regulator")


def _three_zones() -> World:
    w = World(
        {
            "zone-a": (new_signer(), "zone_authority"),
            "zone-b": (new_signer(), "zone_authority"),
            "zone-c": (new_signer(), "zone_authority"),
            "regulator": (new_signer(), "regulator"),
        }
    )
    w.define()
    return w


def _write(w: World, root: Path) -> Path:
    for path, data in w.files.items():
        (root / path).write_bytes(data)
    return root


def test_suspend_blocks_then_reissued_agree_activates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    w = _three_zones()
    for party in PARTIES:
        w.agree(party, thresholds=THRESHOLDS, commitment="suspend" if party == "zone-c" else "agree")

    blocked = w.verify()

    blocker = f"{w.did('zone-c')}:suspend"
    assert blocked.blockers == (blocker,)
    assert blocked.activation is not None and blocked.activation.state == "blocked"
    # both thresholds are met, yet the suspension blocks activation regardless
    assert [(r.role, r.count, r.met) for r in blocked.activation.roles] == [
        ("zone_authority", 2, True),
        ("regulator", 1, True),
    ]
    assert not blocked.activated
    assert run(["corridor", "status", str(_write(w, tmp_path))]) == 1
    out = capsys.readouterr().out
    assert "activation: blocked" in out and f"  blocker: {blocker}" in out
    assert "  zone_authority: 2 of 2 required (of 3): met" in out

    w.agree("zone-c", thresholds=THRESHOLDS)  # re-issued with agree, replacing the suspension
    activated = w.verify()

    assert activated.ok and activated.activated, activated.summary()
    assert activated.blockers == ()
    assert [(r.role, r.count) for r in activated.activation.roles] == [("zone_authority", 3), ("regulator", 1)]  # type: ignore[union-attr]
    assert activated.agreement_set_sha256 != blocked.agreement_set_sha256
    assert run(["corridor", "status", str(_write(w, tmp_path))]) == 0
    assert "activation: activated" in capsys.readouterr().out


def test_two_of_three_zones_and_the_regulator_suffice() -> None:
    w = _three_zones()
    w.manifest["agreement_vc_path"].remove("corridor.agreement.zone-b.vc.json")  # zone-b never signs
    w.define()
    for party in ("zone-a", "zone-c", "regulator"):
        w.agree(party, thresholds=THRESHOLDS)

    report = w.verify()

    assert report.activated, report.summary()
    zones = report.activation.roles[0]  # type: ignore[union-attr]
    assert zones.parties == tuple(sorted([w.did("zone-a"), w.did("zone-c")]))


def test_without_the_regulator_the_corridor_is_not_activated() -> None:
    w = _three_zones()
    w.manifest["agreement_vc_path"] = [p for p in w.manifest["agreement_vc_path"] if "regulator" not in p]
    w.define()
    for party in ("zone-a", "zone-b", "zone-c"):
        w.agree(party, thresholds=THRESHOLDS)

    report = w.verify()

    assert not report.activated
    assert ("threshold", "activation regulator", "0 of 1 required (of 1): not met") in [
        (c.rule.value, c.subject, c.detail) for c in report.failures
    ]


def test_channel_terms_of_the_activated_corridor() -> None:
    w = _three_zones()
    for party in PARTIES:
        w.agree(party, thresholds=THRESHOLDS)
    report = w.verify()

    terms = report.channel_terms()

    assert terms.corridor_id == report.corridor_id
    assert terms.definition_payload_sha256 == report.definition_payload_sha256
    assert terms.agreement_set_sha256 == report.agreement_set_sha256
    assert terms.receipt_thresholds == (Threshold("zone_authority", 2, 3), Threshold("regulator", 1, 1))
    assert dict(terms.roles) == {
        **{w.did(p): "zone_authority" for p in ("zone-a", "zone-b", "zone-c")},
        w.did("regulator"): "regulator",
        str(w.governance.did): "corridor_governance",
    }
    assert terms.receipt_signers == {w.signer(p).did for p in PARTIES}
    assert terms.trust.is_authorized(w.did("zone-a"), "corridor_receipt")
    assert not terms.trust.is_authorized(str(w.governance.did), "corridor_receipt")
    assert terms.lawpack_digests == frozenset() and terms.ruleset_digests == frozenset()
    assert terms.checkpointing is None and terms.watcher_quorum is None
