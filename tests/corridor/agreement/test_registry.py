"""Authority-registry chains (spec §40.2): parent authorises child, the last registry is effective, parent refs are
followed up to 8 levels with cycle detection, and a broken chain authorises nobody."""

from __future__ import annotations

from collections.abc import Callable

from msez.core import payload_digest
from msez.corridor import MAX_PARENT_DEPTH, AuthorityRegistry, Rule, TrustAnchor, TrustAnchors, TrustPolicy
from msez.vc import Signer
from tests.corridor.agreement.conftest import World, failing, new_signer, two_party_world

CORRIDOR_KINDS = ["corridor_agreement", "corridor_receipt"]


def _world(write: Callable[[World, Signer, Signer, Signer], list[str]]) -> tuple[World, Signer, Signer, Signer]:
    """A two-party world whose corridor lists the registries ``write`` creates (treaty, national, zone issuers)."""
    w = two_party_world()
    treaty, national, zone = new_signer(), new_signer(), new_signer()
    w.anchors.append(World.anchor("treaty", treaty, ["authority_registry"]))
    w.manifest["authority_registry_vc_path"] = write(w, treaty, national, zone)
    w.define()
    w.agree("zone-a")
    w.agree("zone-b")
    return w, treaty, national, zone


def _zone_registry(w: World, zone: Signer, *, parent: object = None, drop: str | None = None) -> None:
    members = [(w.governance, ["corridor_definition"])]
    members += [(w.signer(p), CORRIDOR_KINDS) for p in ("zone-a", "zone-b") if p != drop]
    w.registry("zone.vc.json", zone, members, parent=parent)


def _full_chain(w: World, treaty: Signer, national: Signer, zone: Signer) -> list[str]:
    w.registry("treaty.vc.json", treaty, [(national, "authority_registry")])
    w.registry("national.vc.json", national, [(zone, ["authority_registry", "corridor_receipt"])])
    _zone_registry(w, zone)
    return ["treaty.vc.json", "national.vc.json", "zone.vc.json"]


def test_listed_chain_authorises_and_the_last_registry_is_effective() -> None:
    w, *_ = _world(_full_chain)

    report = w.verify()

    assert report.ok and report.activated, report.summary()
    assert report.trust.registry is not None and report.trust.registry.registry_id == "zone"
    registry_checks = [c for c in report.checks if c.rule is Rule.REGISTRY]
    assert [c.detail for c in registry_checks][:3] == [
        "authorised for authority_registry by the trust anchors",
        "authorised for authority_registry by parent registry treaty",
        "authorised for authority_registry by parent registry national",
    ]
    assert [c.subject for c in registry_checks][:3] == [
        f"{path}: issuer {_issuer(w, path)}" for path in ("treaty.vc.json", "national.vc.json", "zone.vc.json")
    ]
    assert report.channel_terms().receipt_signers == {w.signer("zone-a").did, w.signer("zone-b").did}


def _issuer(w: World, path: str) -> str:
    return str(w.json(path)["issuer"])


def test_chain_is_followed_through_parent_refs_by_path_and_by_digest() -> None:
    def write(w: World, treaty: Signer, national: Signer, zone: Signer) -> list[str]:
        root = w.registry("treaty.vc.json", treaty, [(national, "*")])
        w.store.put_json("vc", root)  # resolved by payload digest from the artifact store only
        del w.files["treaty.vc.json"]
        ref = {"artifact_type": "vc", "digest_sha256": payload_digest(root).hex}
        w.registry("registries/national.vc.json", national, [(zone, "authority_registry")], parent=ref)
        _zone_registry(w, zone, parent="registries/national.vc.json")
        return ["zone.vc.json"]

    w, *_ = _world(write)

    chain = w.module().registry_chain()
    assert [f.path for f in chain.files][1:] == ["registries/national.vc.json", "zone.vc.json"]
    assert chain.files[0].path.startswith("vc/") and chain.problems == ()
    assert w.verify().ok


def test_unauthorised_child_breaks_the_chain_and_authorises_nobody() -> None:
    def write(w: World, treaty: Signer, national: Signer, zone: Signer) -> list[str]:
        w.registry("treaty.vc.json", treaty, [(national, "authority_registry")])
        w.registry("national.vc.json", national, [(zone, ["corridor_receipt"])])  # not authority_registry
        _zone_registry(w, zone)
        return ["treaty.vc.json", "national.vc.json", "zone.vc.json"]

    w, _, _, zone = _world(write)

    report = w.verify()

    detail = "not authorised for authority_registry by parent registry national"
    assert ("registry", f"zone.vc.json: issuer {zone.did}", detail) in failing(report)
    assert not report.trust.registry_ok and not report.trust.is_authorized(w.did("zone-a"), "corridor_agreement")
    signer = next(c for c in report.failures if c.rule is Rule.SIGNER)
    assert signer.detail == "the authority-registry chain does not verify, so no signer is authorised"
    assert not report.activated


def test_cycle_in_parent_refs_is_detected() -> None:
    def write(w: World, treaty: Signer, national: Signer, zone: Signer) -> list[str]:
        w.registry("national.vc.json", national, [(zone, "authority_registry")], parent="zone.vc.json")
        _zone_registry(w, zone, parent="national.vc.json")
        return ["zone.vc.json"]

    w, *_ = _world(write)

    report = w.verify()

    problem = (
        "registry",
        "authority_registry_vc_path",
        "national.vc.json: parent_registry_ref leads back to zone.vc.json: cycle",
    )
    assert problem in failing(report)
    assert not report.activated


def test_parent_refs_deeper_than_eight_levels_fail() -> None:
    def write(w: World, treaty: Signer, national: Signer, zone: Signer) -> list[str]:
        issuers = [new_signer() for _ in range(MAX_PARENT_DEPTH + 1)] + [zone]
        for level, issuer in enumerate(issuers[:-1]):
            parent = f"r{level - 1}.vc.json" if level else None
            w.registry(f"r{level}.vc.json", issuer, [(issuers[level + 1], "authority_registry")], parent=parent)
        _zone_registry(w, zone, parent=f"r{MAX_PARENT_DEPTH}.vc.json")
        return ["zone.vc.json"]

    w, *_ = _world(write)

    chain = w.module().registry_chain()
    assert len(chain.files) == MAX_PARENT_DEPTH + 1
    assert chain.problems == ("r1.vc.json: parent_registry_ref chain is deeper than 8 levels",)
    assert not w.verify().ok


def test_listed_child_naming_another_parent_fails() -> None:
    def write(w: World, treaty: Signer, national: Signer, zone: Signer) -> list[str]:
        w.registry("treaty.vc.json", treaty, [(zone, "authority_registry")])
        w.registry("national.vc.json", national, [(zone, "authority_registry")])
        _zone_registry(w, zone, parent="national.vc.json")
        return ["treaty.vc.json", "zone.vc.json"]

    w, *_ = _world(write)

    detail = "zone.vc.json: parent_registry_ref names national.vc.json, but the chain lists treaty.vc.json first"
    assert ("registry", "authority_registry_vc_path", detail) in failing(w.verify())


def test_unresolvable_parent_digest_fails() -> None:
    def write(w: World, treaty: Signer, national: Signer, zone: Signer) -> list[str]:
        _zone_registry(w, zone, parent="ab" * 32)
        return ["zone.vc.json"]

    w, *_ = _world(write)

    detail = f"zone.vc.json: parent_registry_ref: vc {'ab' * 32} is neither listed nor in the artifact store"
    assert ("registry", "authority_registry_vc_path", detail) in failing(w.verify())


def test_root_registry_issuer_must_be_a_trust_anchor() -> None:
    def write(w: World, treaty: Signer, national: Signer, zone: Signer) -> list[str]:
        _zone_registry(w, zone)  # the zone issuer is no trust anchor
        return ["zone.vc.json"]

    w, _, _, zone = _world(write)

    detail = "not authorised for authority_registry by the trust anchors"
    assert ("registry", f"zone.vc.json: issuer {zone.did}", detail) in failing(w.verify())


def test_registry_must_be_signed_by_its_issuer() -> None:
    def write(w: World, treaty: Signer, national: Signer, zone: Signer) -> list[str]:
        members = [(w.governance, ["corridor_definition"]), (w.signer("zone-a"), CORRIDOR_KINDS)]
        w.registry("zone.vc.json", treaty, members, signers=[national])
        return ["zone.vc.json"]

    w, treaty, *_ = _world(write)

    assert ("registry", f"zone.vc.json: issuer {treaty.did}", "the registry is not signed by its issuer") in (
        failing(w.verify())
    )


def test_effective_registry_denies_a_signer_the_anchors_allow() -> None:
    def write(w: World, treaty: Signer, national: Signer, zone: Signer) -> list[str]:
        w.registry("treaty.vc.json", treaty, [(zone, "authority_registry")])
        _zone_registry(w, zone, drop="zone-b")
        return ["treaty.vc.json", "zone.vc.json"]

    w, *_ = _world(write)

    report = w.verify()

    did = w.did("zone-b")
    denied = f"the effective authority registry zone does not allow {did} to sign corridor_agreement"
    assert ("signer", f"corridor.agreement.zone-b.vc.json: {did}", denied) in failing(report)
    absent = ("registry", f"trust anchor zone-b ({did})", "absent from the effective registry zone")
    assert absent in failing(report)
    assert ("threshold", "activation zone_authority", "1 of 2 required (of 2): not met") in failing(report)


def test_policy_wildcards_and_fragments() -> None:
    did = "did:key:z6MkpcPvSoHcaxHrowuHYv6NKhBVpvUsptJUUrQenEQ1aYJX"
    anchors = TrustAnchors((TrustAnchor("a", did, frozenset({"*"})),))  # type: ignore[arg-type]
    registry = AuthorityRegistry("r", None, {did: frozenset({"corridor_receipt"})})

    assert TrustPolicy(anchors).is_authorized(f"{did}#key-1", "anything")
    policy = TrustPolicy(anchors, registry)
    assert policy.is_authorized(did, "corridor_receipt")
    assert not policy.is_authorized(did, "corridor_agreement")
    assert policy.authorized("corridor_receipt") == {did}
    assert not TrustPolicy(anchors, registry, registry_ok=False).is_authorized(did, "corridor_receipt")
