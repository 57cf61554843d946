"""Three zones and a regulator, thresholds 2-of-3 ``zone_authority`` plus 1 ``regulator``: who must agree, and the
state-channel terms of the activated corridor. The suspend -> blocked -> re-issued -> activated story runs end to end
in tests/corridor/test_three_zone_scenario.py."""

from __future__ import annotations

from pathlib import Path

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
