"""Helpers shared by the pack command groups (``law``, ``regpack``, ``licensepack``): repository root, artifact
store, loading a pack from a source directory, a built file or a lock, and rendering verification failures."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

from msez.cli._output import err
from msez.crypto import FileArtifactStore
from msez.pack import PACK_DIGEST_RULES, JsonPackKind, LoadedPack, PackIntegrityError, load_pack

StoreOption = Annotated[
    Path | None,
    typer.Option("--store", help="Artifact store root (default: <repo>/dist/artifacts).", show_default=False),
]


def repo_root(near: Path) -> Path:
    """The nearest ancestor of ``near`` (then of the working directory) holding ``.git``; else the working
    directory. Lock files record artifact paths relative to it."""
    for start in (near.resolve(), Path.cwd().resolve()):
        for candidate in (start, *start.parents):
            if (candidate / ".git").exists():
                return candidate
    return Path.cwd().resolve()


def open_store(store: Path | None, root: Path) -> FileArtifactStore:
    """A file store at ``store`` (or ``<root>/dist/artifacts``) that verifies pack digests."""
    return FileArtifactStore([store or root / "dist" / "artifacts"], rules=PACK_DIGEST_RULES)


def load_any(spec: JsonPackKind, path: Path, store: Path | None, build: Callable[[Path], dict[str, Any]]) -> LoadedPack:
    """A pack from a source directory (built in memory), a ``.json`` pack or a lock."""
    if path.is_dir():
        return LoadedPack(build(path), None, None)
    root = repo_root(path)
    return load_pack(spec, path, store=open_store(store, root), repo_root=root)


def report_failure(error: PackIntegrityError) -> None:
    """One line on stderr, then exit 1 (checked and found failures)."""
    err(f"error: {error}")
    raise typer.Exit(1)


def parse_identifiers(values: list[str]) -> list[tuple[str, str]]:
    """``TYPE=VALUE`` options as pairs."""
    pairs = []
    for value in values:
        kind, sep, text = value.partition("=")
        if not sep or not text:
            raise typer.BadParameter(f"expected TYPE=VALUE, got {value!r}", param_hint="--identifier")
        pairs.append((kind.strip(), text.strip()))
    return pairs


def print_problems(problems: list[str]) -> None:
    for problem in problems:
        err(f"stale: {problem}")


def summary(mapping: Mapping[str, Any], keys: tuple[str, ...]) -> str:
    return " ".join(f"{k}={mapping[k]}" for k in keys if k in mapping)
