"""``msez validate``, ``msez build``, ``msez lock`` and ``msez conformance module|profile|zone``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from msez.cli._contributors import lock_contributors
from msez.cli._output import stderr, stdout
from msez.zone import (
    ConformanceReport,
    Issue,
    Library,
    build_zone,
    check_module,
    check_profile,
    check_zone,
    lock_zone,
    module_conformance,
    profile_conformance,
    zone_conformance,
)

RootOpt = Annotated[
    Path | None, typer.Option("--root", help="Library root (holds modules/); default: found above PATH or here.")
]
ZoneArg = Annotated[Path, typer.Argument(help="A zone.yaml or the directory holding one.", show_default=False)]


def _library(root: Path | None, near: Path | None) -> Library:
    return Library(root) if root else Library.discover(near if near is not None else Path.cwd())


def _report(issues: Sequence[Issue]) -> None:
    for issue in issues:
        stdout.print(str(issue), markup=False)


def _check_all(label: str, paths: list[Path], check: Callable[[Path], Sequence[Issue]]) -> int:
    failed = 0
    with Progress(
        TextColumn(f"validating {label}"), BarColumn(), MofNCompleteColumn(), console=stderr, transient=True
    ) as progress:
        task = progress.add_task(label, total=len(paths))
        for path in paths:
            issues = check(path)
            failed += bool(issues)
            _report(issues)
            progress.advance(task)
    stdout.print(f"{label}: {len(paths) - failed}/{len(paths)} passed", markup=False)
    return failed


def _check_one(path: Path, library: Library) -> Sequence[Issue]:
    if path.is_dir():
        for name, checker in (("module.yaml", "module"), ("profile.yaml", "profile"), ("zone.yaml", "zone")):
            if (path / name).is_file():
                return _checker(checker, library)(path / name)
        raise typer.BadParameter(f"{path} holds no module.yaml, profile.yaml or zone.yaml")
    kind = {"module.yaml": "module", "profile.yaml": "profile", "zone.yaml": "zone"}.get(path.name)
    if kind is None:
        raise typer.BadParameter(f"{path}: expected module.yaml, profile.yaml or zone.yaml")
    return _checker(kind, library)(path)


def _checker(kind: str, library: Library) -> Callable[[Path], Sequence[Issue]]:
    if kind == "module":
        return lambda p: check_module(p, library).issues
    if kind == "profile":
        return lambda p: check_profile(p, library).issues
    return lambda p: check_zone(p, library).issues


def validate(
    path: Annotated[Path | None, typer.Argument(help="module.yaml, profile.yaml, zone.yaml or their folder.")] = None,
    all_modules: Annotated[bool, typer.Option("--all-modules", help="Every module under modules/.")] = False,
    all_profiles: Annotated[bool, typer.Option("--all-profiles", help="Every profile under profiles/.")] = False,
    all_zones: Annotated[bool, typer.Option("--all-zones", help="Every zone under jurisdictions/.")] = False,
    root: RootOpt = None,
) -> None:
    """Validate manifests: schema plus semantic checks. One line per failure; exit 1 if anything fails."""
    if path is None and not (all_modules or all_profiles or all_zones):
        raise typer.BadParameter("give PATH or one of --all-modules, --all-profiles, --all-zones")
    library = _library(root, path)
    failed = 0
    if path is not None:
        issues = _check_one(path, library)
        _report(issues)
        failed += bool(issues)
        if not issues:
            stdout.print(f"OK: {library.display(path)}", markup=False)
    for flag, label, files, kind in (
        (all_modules, "modules", library.module_files, "module"),
        (all_profiles, "profiles", library.profile_files, "profile"),
        (all_zones, "zones", library.zone_files, "zone"),
    ):
        if flag:
            failed += _check_all(label, files(), _checker(kind, library))
    if failed:
        raise typer.Exit(1)


def build(
    zone: ZoneArg,
    *,
    out: Annotated[Path, typer.Option("--out", help="Output directory (replaced only on success).")],
    strict_render: Annotated[
        bool, typer.Option("--strict-render", help="Fail on a placeholder without value.")
    ] = False,
    generated_at: Annotated[str | None, typer.Option("--generated-at", help="RFC 3339 time for the lock.")] = None,
    root: RootOpt = None,
) -> None:
    """Build the zone's reproducible bundle: modules overlaid and rendered, resolved profile, stack.lock."""
    outcome = build_zone(
        zone,
        out,
        library=_library(root, zone),
        strict_render=strict_render,
        contributors=lock_contributors(),
        generated_at=generated_at,
    )
    stdout.print(f"OK: built {outcome.files} files into {outcome.out} (bundle {outcome.bundle_digest})", markup=False)


def lock(
    zone: ZoneArg,
    *,
    check: Annotated[bool, typer.Option("--check", help="CI mode: write nothing; exit 1 when stale.")] = False,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Lockfile path (default: the zone's).")] = None,
    generated_at: Annotated[str | None, typer.Option("--generated-at", help="RFC 3339 time to record.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Require a deterministic generated_at.")] = False,
    emit_artifactrefs: Annotated[bool, typer.Option("--emit-artifactrefs", help="Digests as ArtifactRefs.")] = False,
    root: RootOpt = None,
) -> None:
    """Write the zone's stack.lock (canonical JSON + LF), or check it with --check."""
    outcome = lock_zone(
        zone,
        library=_library(root, zone),
        contributors=lock_contributors(),
        out=out,
        generated_at=generated_at,
        strict=strict,
        emit_artifactrefs=emit_artifactrefs,
        check=check,
    )
    if check:
        if outcome.check.existing is None:
            stdout.print(f"FAIL: {outcome.path} does not exist (expected {outcome.check.expected})", markup=False)
            raise typer.Exit(1)
        if not outcome.check.up_to_date:
            stdout.print(
                f"FAIL: {outcome.path} is stale: expected {outcome.check.expected}, found {outcome.check.existing}",
                markup=False,
            )
            raise typer.Exit(1)
        stdout.print(f"OK: {outcome.path} is up to date ({outcome.check.expected})", markup=False)
        return
    verb = "wrote" if outcome.written else "unchanged"
    stdout.print(f"OK: {verb} {outcome.path} ({outcome.check.expected})", markup=False)


conformance_app = typer.Typer(
    help="Conformance levels of spec §50: module (1), profile (2), zone (3).", no_args_is_help=True
)


def _conformance_result(report: ConformanceReport) -> None:
    _report(report.issues)
    for clause in report.uncovered:
        stdout.print(f"uncovered: {clause.eid} ({clause.document}, {clause.keyword})", markup=False)
    verdict = "conforms" if report.ok else f"does not conform ({len(report.issues)} findings)"
    stdout.print(
        f"level {report.level}: {report.target} {verdict}; {report.modules_checked} module(s) checked", markup=False
    )
    if not report.ok:
        raise typer.Exit(1)


@conformance_app.command("module")
def conformance_module(
    path: Annotated[Path, typer.Argument(help="A module folder or module.yaml.")], root: RootOpt = None
) -> None:
    """Level 1: manifest, provides paths, AKN, MUST/SHALL coverage by the policy-to-code map."""
    _conformance_result(module_conformance(path, _library(root, path)))


@conformance_app.command("profile")
def conformance_profile(
    path: Annotated[Path, typer.Argument(help="A profile.yaml or its folder.")], root: RootOpt = None
) -> None:
    """Level 2: profile pins, variants and dependencies, plus level 1 for every pinned module."""
    _conformance_result(profile_conformance(path, _library(root, path)))


@conformance_app.command("zone")
def conformance_zone(path: ZoneArg, root: RootOpt = None) -> None:
    """Level 3: zone, lock matches the build, corridor security artifacts, regulator console, plus level 2."""
    _conformance_result(zone_conformance(path, _library(root, path), contributors=lock_contributors()))
