"""The definition and agreement VC generators, as library functions and as ``msez corridor vc-init-*``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from msez.cli import run
from msez.core import ContentDigest, NotFoundError, ValidationError, sha256_bytes
from msez.corridor import CorridorModule, PinnedLawpack, Threshold, agreement_credential, definition_credential
from msez.vc import write_private_jwk
from tests.corridor.agreement.conftest import ISSUED, World, two_party_world


def test_definition_binds_raw_bytes_in_the_legacy_form() -> None:
    w = two_party_world()
    w.write_setup()
    document = definition_credential(w.module(), issuer="did:key:z6Mkexample", issued_at=ISSUED)

    subject = document["credentialSubject"]
    assert document["type"] == ["VerifiableCredential", "MSEZCorridorDefinitionCredential"]
    assert document["id"] == "urn:msez:vc:corridor-definition:org.momentum.msez.corridor.test.world"
    assert subject["ruleset"] == "msez.corridor.verification.v1"
    assert subject["artifacts"]["trust_anchors"] == {
        "path": "trust-anchors.yaml",
        "sha256": sha256_bytes(w.files["trust-anchors.yaml"]).hex,
    }
    assert "proof" not in document and "lawpack_compatibility" not in subject


def test_definition_groups_the_lawpack_allow_list() -> None:
    w = two_party_world()
    w.write_setup()
    a, b = ContentDigest("aa" * 32), ContentDigest("bb" * 32)
    allowed = [PinnedLawpack("pk", "civil", a), PinnedLawpack("pk", "civil", b), PinnedLawpack("pk", "civil", a)]
    document = definition_credential(
        w.module(), issuer="did:key:z", required_domains=["civil"], allowed_lawpacks=allowed
    )
    assert document["credentialSubject"]["lawpack_compatibility"] == {
        "required_domains": ["civil"],
        "allowed": [{"jurisdiction_id": "pk", "domain": "civil", "digests_sha256": [a.hex, b.hex]}],
    }


def test_definition_needs_its_files() -> None:
    w = two_party_world()
    del w.files["key-rotation.yaml"]
    with pytest.raises(NotFoundError, match=r"key-rotation\.yaml does not exist; the definition must bind it"):
        definition_credential(w.module(), issuer="did:key:z")


def test_agreement_defaults_to_unanimity_per_role(world: World) -> None:
    document = agreement_credential(world.module(), party=world.did("zone-a"), issued_at=ISSUED)

    subject = document["credentialSubject"]
    assert document["issuer"] == world.did("zone-a")
    assert document["id"].endswith(":did-key-" + world.did("zone-a")[8:32])
    assert subject["activation"]["thresholds"] == [{"role": "zone_authority", "required": 2, "of": 2}]
    assert subject["state_channel"]["receipt_signing"]["thresholds"] == [
        {"role": "zone_authority", "required": 2, "of": 2}
    ]
    assert subject["party"] == {"id": world.did("zone-a"), "role": "zone_authority"}
    assert subject["commitment"] == "agree"
    assert subject["definition_payload_sha256"] == world.verify().definition_payload_sha256.hex  # type: ignore[union-attr]


def test_agreement_refuses_what_it_cannot_infer(world: World) -> None:
    module = world.module()
    with pytest.raises(ValidationError, match=r"party did:key:z6Mkstranger is not among corridor\.yaml's participants"):
        agreement_credential(module, party="did:key:z6Mkstranger")
    with pytest.raises(ValidationError, match="needs an issuer"):
        agreement_credential(module)
    world.anchors = [a for a in world.anchors if a["anchor_id"] != "zone-b"]
    world.write_setup()
    with pytest.raises(ValidationError, match=r"cannot infer the role of participant did:key:\w+: set metadata\.role"):
        agreement_credential(world.module(), party=world.did("zone-a"))


def test_agreement_takes_the_party_role_and_thresholds_given(world: World) -> None:
    world.anchors = [{**a, "metadata": {}} if a["anchor_id"] == "zone-a" else a for a in world.anchors]
    world.write_setup()
    rules = [Threshold("zone_authority", 1)]
    document = agreement_credential(world.module(), party=world.did("zone-a"), role="zone_authority", thresholds=rules)
    subject = document["credentialSubject"]
    assert subject["participants"][0] == {"id": world.did("zone-a"), "role": "zone_authority"}
    assert subject["activation"]["thresholds"] == [{"role": "zone_authority", "required": 1}]
    assert subject["state_channel"]["receipt_signing"]["thresholds"] == [
        {"role": "zone_authority", "required": 1, "of": 2}
    ]


def test_agreement_needs_a_definition() -> None:
    w = two_party_world()
    w.write_setup()
    with pytest.raises(NotFoundError, match="no readable definition VC"):
        agreement_credential(w.module(), party=w.did("zone-a"))


def _disk_world(tmp_path: Path) -> tuple[World, Path, dict[str, Path]]:
    w = two_party_world()
    w.write_setup()
    for path, data in w.files.items():
        (tmp_path / path).write_bytes(data)
    keys = {}
    for name, signer in [("governance", w.governance), *((p, w.signer(p)) for p in w.parties)]:
        keys[name] = tmp_path / f"{name}.jwk.json"
        write_private_jwk(keys[name], signer.key)
    return w, tmp_path, keys


def test_cli_generates_signs_and_verifies_a_corridor(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    w, root, keys = _disk_world(tmp_path)
    governance = str(w.governance.did)

    assert run(["corridor", "vc-init-definition", str(root), "--issuer", governance, "--maintainer", "tests"]) == 0
    assert "(unsigned: sign it with msez vc sign)" in capsys.readouterr().out
    unsigned = root / "corridor.vc.unsigned.json"
    assert (
        run(["vc", "sign", str(unsigned), "--key", str(keys["governance"]), "--out", str(root / "corridor.vc.json")])
        == 0
    )
    for party in ("zone-a", "zone-b"):
        out = root / f"corridor.agreement.{party}.vc.json"
        args = ["--party", w.did(party), "--key", str(keys[party]), "--out", str(out)]
        assert run(["corridor", "vc-init-agreement", str(root / "corridor.yaml"), *args]) == 0
    capsys.readouterr()

    assert run(["corridor", "verify", str(root)]) == 0
    assert capsys.readouterr().out.rstrip().endswith("VERIFIED")


def test_cli_agreement_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    w, root, keys = _disk_world(tmp_path)
    assert run(["corridor", "vc-init-definition", str(root), "--key", str(keys["governance"])]) == 0
    lock = root / "stack.lock"
    lawpack = {"jurisdiction_id": "pk", "domain": "civil", "lawpack_digest_sha256": "cc" * 32}
    missing = {"jurisdiction_id": "pk", "domain": "financial", "lawpack_digest_sha256": "MISSING"}
    lock.write_text(json.dumps({"lawpacks": [lawpack, missing]}))
    args = ["--party", w.did("zone-a"), "--threshold", "zone_authority:1/2", "--from-zone-lock", str(lock)]
    args += ["--pinned-lawpack", f"pk:financial:{'dd' * 32}", "--commitment", "withdraw"]

    assert run(["corridor", "vc-init-agreement", str(root), *args]) == 0

    written = root / f"corridor.agreement.did-key-{w.did('zone-a')[8:32]}.unsigned.json"
    subject = json.loads(written.read_text())["credentialSubject"]
    assert subject["activation"]["thresholds"] == [{"role": "zone_authority", "required": 1, "of": 2}]
    assert subject["commitment"] == "withdraw"
    assert [(p["domain"], p["lawpack_digest_sha256"]) for p in subject["pinned_lawpacks"]] == [
        ("civil", "cc" * 32),
        ("financial", "dd" * 32),
    ]
    capsys.readouterr()
    assert run(["corridor", "vc-init-agreement", str(root), *args]) == 2
    assert "exists; use --force to overwrite" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        pytest.param("--threshold", "zone_authority", "expected <role>:<required>[/<of>]", id="threshold"),
        pytest.param("--threshold", "zone_authority:x", "expected <role>:<required>[/<of>]", id="threshold-count"),
        pytest.param("--pinned-lawpack", "pk:civil", "expected <jurisdiction>:<domain>:<sha256>", id="pin"),
        pytest.param("--pinned-lawpack", "pk:civil:xyz", "digest must be 64 lowercase hex", id="pin-digest"),
    ],
)
def test_cli_rejects_malformed_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str, message: str
) -> None:
    w, root, keys = _disk_world(tmp_path)
    assert run(["corridor", "vc-init-definition", str(root), "--key", str(keys["governance"])]) == 0
    capsys.readouterr()
    assert run(["corridor", "vc-init-agreement", str(root), "--party", w.did("zone-a"), option, value]) == 2
    assert message in capsys.readouterr().err


def test_cli_definition_needs_an_issuer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, root, _ = _disk_world(tmp_path)
    assert run(["corridor", "vc-init-definition", str(root)]) == 2
    assert "give --issuer or --key" in capsys.readouterr().err
    assert CorridorModule.load(root).definition is not None
