"""The bundled jurisdiction corpora have lawpacks, and their committed lawpack.lock.json files are current."""

from __future__ import annotations

from pathlib import Path

import pytest

from msez.core import load_json
from msez.pack import build_lawpack, lawpack_lock
from tests.conftest import REPO

CORPORA = sorted(p.parent for p in (REPO / "modules/legal/jurisdictions").rglob("sources.yaml"))


def test_every_layer_of_the_pakistan_zone_has_corpora() -> None:
    names = {p.relative_to(REPO / "modules/legal/jurisdictions").as_posix() for p in CORPORA}
    assert {"pk/civil", "pk/financial", "pk/rsez/civil", "pk/rsez/financial"} <= names


@pytest.mark.parametrize("module_dir", [pytest.param(p, id=p.relative_to(REPO).as_posix()) for p in CORPORA])
def test_committed_lawpack_lock_is_current(module_dir: Path) -> None:
    committed = load_json((module_dir / "lawpack.lock.json").read_bytes())
    tool_version = committed["provenance"]["normalization"]["tool_version"]
    build = build_lawpack(module_dir, as_of_date=committed["as_of_date"], strict=True, tool_version=tool_version)
    assert lawpack_lock(build, artifact_path=committed["artifact_path"]) == committed
