"""The bundled corridor modules: signed with the public demo keys, 2-of-2 between pk-rsez and the Example Zone, each
party pinning its zone's lawpacks (from the zone's stack.lock), reproducible byte for byte from the documented seeds
and commands (examples/keys/README.md)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from msez.cli import run
from msez.core import load_json
from msez.corridor import CorridorModule, verify_corridor
from msez.crypto import SigningKey
from msez.vc import load_signer
from tests.conftest import REPO

KEYS = REPO / "examples" / "keys"
MODULES = [pytest.param(m, id=m) for m in ("swift", "stablecoin")]
EPOCH = "1767225600"
PARTIES = (("pk-rsez", "pk-rsez-zone-authority", "pk-rsez"), ("example", "example-zone-authority", "_starter"))


def _did(name: str) -> str:
    return str(load_signer(KEYS / f"{name}.jwk.json").did)


@pytest.mark.parametrize("name", ["corridor-governance", "pk-rsez-zone-authority", "example-zone-authority"])
def test_demo_keys_derive_from_their_documented_seeds(name: str) -> None:
    seed = hashlib.sha256(f"msez demo key: {name}".encode()).digest()
    assert load_signer(KEYS / f"{name}.jwk.json").key.seed() == seed
    assert load_signer(KEYS / f"{name}.jwk.json").verifying_key == SigningKey.from_seed(seed).verifying_key
    readme = (KEYS / "README.md").read_text()
    assert f'`SHA-256("msez demo key: {name}")`' in readme and _did(name) in readme
    assert "NEVER use them in production" in readme


@pytest.mark.parametrize("module", MODULES)
def test_bundled_corridor_verifies_2_of_2_between_the_zones(module: str, capsys: pytest.CaptureFixture[str]) -> None:
    report = verify_corridor(CorridorModule.load(REPO / "modules" / "corridors" / module))

    assert report.ok, report.summary()
    assert report.definition.named_signers == (_did("corridor-governance"),)
    (zones,) = report.activation.roles  # type: ignore[union-attr]
    assert zones.role == "zone_authority" and zones.met
    assert set(zones.parties) == {_did("pk-rsez-zone-authority"), _did("example-zone-authority")}
    assert run(["corridor", "verify", str(REPO / "modules" / "corridors" / module)]) == 0
    assert capsys.readouterr().out.rstrip().endswith("VERIFIED")


@pytest.mark.parametrize("module", MODULES)
def test_each_party_pins_its_zones_lawpacks(module: str) -> None:
    report = verify_corridor(CorridorModule.load(REPO / "modules" / "corridors" / module))
    agreements = {a.file.path: a for a in report.agreements.agreements}  # type: ignore[union-attr]
    union = set()
    for zone, _, lock in PARTIES:
        locked = load_json((REPO / "jurisdictions" / lock / "stack.lock").read_bytes())["lawpacks"]
        expected = {(e["jurisdiction_id"], e["domain"], e["lawpack_digest_sha256"]) for e in locked}
        pins = agreements[f"corridor.agreement.{zone}.vc.json"].pinned_lawpacks
        assert {(p.jurisdiction_id, p.domain, p.digest.hex) for p in pins} == expected
        union |= {digest for _, _, digest in expected}
    assert {d.hex for d in report.channel_terms().lawpack_digests} == union and len(union) == 6


@pytest.mark.parametrize("module", MODULES)
def test_bundled_credentials_regenerate_byte_for_byte(
    module: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = REPO / "modules" / "corridors" / module
    copy = shutil.copytree(source, tmp_path / module)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    maintainer = ["--maintainer", "msez demo (public demo keys)"]
    key = ["--key", str(KEYS / "corridor-governance.jwk.json"), "--force"]
    assert run(["corridor", "vc-init-definition", str(copy), *maintainer, *key]) == 0
    for zone, party, lock in PARTIES:
        out = copy / f"corridor.agreement.{zone}.vc.json"
        args = ["--party", _did(party), "--key", str(KEYS / f"{party}.jwk.json"), "--out", str(out), "--force"]
        pins = ["--from-zone-lock", str(REPO / "jurisdictions" / lock / "stack.lock")]
        assert run(["corridor", "vc-init-agreement", str(copy), *args, *pins]) == 0
    capsys.readouterr()

    for name in ("corridor.vc.json", "corridor.agreement.pk-rsez.vc.json", "corridor.agreement.example.vc.json"):
        assert (copy / name).read_bytes() == (source / name).read_bytes(), f"{module}/{name} drifted; see README"
