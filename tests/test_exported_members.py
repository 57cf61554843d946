"""Every package's ``__all__`` is its whole public API: each name exists, and nothing public is left out."""

from __future__ import annotations

import importlib
import pkgutil
import types

import pytest

import msez

PACKAGES = sorted(m.name for m in pkgutil.walk_packages(msez.__path__, "msez.") if m.ispkg and "._" not in m.name)


@pytest.mark.parametrize("name", PACKAGES)
def test_all_lists_exactly_the_public_members(name: str) -> None:
    module = importlib.import_module(name)
    declared = set(module.__all__)
    for member in declared:
        assert hasattr(module, member), f"{name}.__all__ names missing {member}"
    public = {
        attr
        for attr, value in vars(module).items()
        if not attr.startswith("_")
        and not (isinstance(value, types.ModuleType) and attr not in declared)
        and getattr(value, "__module__", name).startswith(name)
    }
    assert public <= declared, f"{name} exposes names not in __all__: {sorted(public - declared)}"


def test_packages_are_found() -> None:
    assert {"msez.core", "msez.crypto", "msez.schema", "msez.cli"} <= set(PACKAGES)
