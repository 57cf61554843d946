"""Atomic writes: the target holds the old bytes or the new ones, never a partial file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from msez.core import ConflictError, write_atomic


def test_write_creates_parents_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b.json"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert os.listdir(target.parent) == ["b.json"]


def test_mode_is_applied(tmp_path: Path) -> None:
    target = tmp_path / "key.jwk"
    write_atomic(target, b"{}", mode=0o600)
    assert target.stat().st_mode & 0o777 == 0o600


def test_no_overwrite_refuses_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "key.jwk"
    target.write_bytes(b"old")
    with pytest.raises(ConflictError, match="refusing to overwrite"):
        write_atomic(target, b"new", overwrite=False)
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["key.jwk"]


def test_failed_rename_leaves_the_old_file_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "stack.lock"
    target.write_bytes(b"old")

    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["stack.lock"]
