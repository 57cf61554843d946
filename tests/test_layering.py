"""Imports only point down the layers, and no package reaches into another package's private modules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

SRC = REPO / "src" / "msez"
# Level of each package: a package may import only packages on a strictly lower level (docs/architecture.md).
LEVELS = {
    "core": 0,
    "crypto": 1,
    "schema": 1,
    "zone": 2,
    "pack": 2,
    "vc": 2,
    "state": 2,
    "tensor": 3,
    "corridor": 3,
    "settlement": 4,
    "store": 5,
    "api": 6,
    "cli": 7,
}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("msez."):
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(a.name for a in node.names if a.name.startswith("msez."))
    return names


def _modules() -> list[tuple[str, Path]]:
    return sorted((p.relative_to(SRC).parts[0], p) for p in SRC.rglob("*.py") if len(p.relative_to(SRC).parts) > 1)


def test_every_package_has_a_level() -> None:
    packages = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages == set(LEVELS)


@pytest.mark.parametrize(("package", "path"), [pytest.param(k, p, id=str(p.relative_to(SRC))) for k, p in _modules()])
def test_imports_point_down(package: str, path: Path) -> None:
    for name in _imports(path):
        target = name.split(".")[1]
        if target == package:
            continue
        assert LEVELS[target] < LEVELS[package], (
            f"{path.relative_to(SRC)} imports {name}: {package} may not use {target}"
        )
        private = [part for part in name.split(".")[2:] if part.startswith("_")]
        assert not private, f"{path.relative_to(SRC)} imports {name}, a private module of msez.{target}"
