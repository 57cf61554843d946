"""The zone context a node loads at startup: the packs its stack.lock pins, built from sources once, cached in
the data directory's artifact store, and refused when they do not hash to the pin."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from msez.api._zone import load_zone
from msez.core import ComplianceDomain, IntegrityError
from tests.conftest import REPO

SANCTIONS = "3342a031bb6ae8cdba6330494b8d01c7d829d6e4ef2ebb4dd5593fe82c1cf152"


def _repo(tmp_path: Path, *, pin: str = SANCTIONS) -> Path:
    """A copy of the Pakistan zone and its packs in a repository of its own, the sanctions pin replaced."""
    root = tmp_path / "repo"
    (root / "modules").mkdir(parents=True)
    shutil.copytree(REPO / "packs" / "pk-rsez", root / "packs" / "pk-rsez")
    zone = root / "jurisdictions" / "pk-rsez"
    shutil.copytree(REPO / "jurisdictions" / "pk-rsez", zone)
    lock = json.loads((zone / "stack.lock").read_text())
    for entry in lock["regpacks"]:
        if entry["domain"] == "sanctions":
            entry["regpack_digest_sha256"] = pin
    (zone / "stack.lock").write_text(json.dumps(lock))
    return zone / "zone.yaml"


def _load(manifest: Path, artifacts: Path):  # type: ignore[no-untyped-def]
    return load_zone(manifest, zone_id="z", jurisdiction_id="pk-rsez", artifacts=artifacts)


def test_packs_are_built_once_then_read_from_the_artifact_store(tmp_path: Path) -> None:
    manifest, store = _repo(tmp_path), tmp_path / "artifacts"
    zone = _load(manifest, store)
    assert zone.sanctions_digest is not None and zone.sanctions_digest.hex == SANCTIONS
    assert zone.screener is not None and zone.screener.screen("Karim Soomro", []).matches
    assert ComplianceDomain.TRADE in zone.jurisdiction.applicable_domains
    assert ComplianceDomain.SECURITIES not in zone.jurisdiction.applicable_domains
    assert (store / "regpack" / f"{SANCTIONS}.regpack.json").is_file()
    shutil.rmtree(manifest.parents[2] / "packs")  # the sources are gone; the store still has the packs
    again = _load(manifest, tmp_path / "artifacts" / ".." / "artifacts")
    assert again.licensepacks[0].licenses_of("did:web:rsez.example.pk:entities:bolan-bridge")


def test_a_pack_that_does_not_hash_to_its_pin_stops_the_node(tmp_path: Path) -> None:
    manifest = _repo(tmp_path, pin="0" * 64)
    with pytest.raises(IntegrityError, match=f"hashes to {SANCTIONS}, but stack.lock pins {'0' * 64}"):
        _load(manifest, tmp_path / "artifacts")


def test_a_tampered_cached_pack_is_ignored_and_rebuilt(tmp_path: Path) -> None:
    manifest, store = _repo(tmp_path), tmp_path / "artifacts"
    cached = store / "regpack" / f"{SANCTIONS}.regpack.json"
    cached.parent.mkdir(parents=True)
    cached.write_text(json.dumps({"type": "MSEZRegPack", "sanctions_entries": []}))
    zone = _load(manifest, store)
    assert zone.screener is not None and zone.screener.screen("Karim Soomro", []).matches
