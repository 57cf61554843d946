"""The three conformance levels of spec §50.

1. Module: every module check (schema, ``provides`` paths, AKN parses with ``eId`` anchors, every MUST/SHALL
   clause covered by a policy-to-code entry with ``legal_refs`` and ``attestation.type``; corridor modules'
   manifests, trust anchors and key-rotation policies validate).
2. Profile: the profile checks (pins exist at their versions, variants exist, dependencies resolve inside
   their constraints) plus level 1 for every pinned module.
3. Zone: the zone checks plus level 2; ``stack.lock`` exists, validates and equals the lock of the resolved
   build; every corridor module ships trust anchors and a key-rotation policy (level 1 of corridor modules);
   the regulator console (a module providing ``*.regulator-console.v1``) resolves to read-only, audited and
   revocable access.

Reports list every finding and every uncovered clause; they never raise for a non-conforming target.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from msez.core import MsezError, load_json
from msez.schema import default_registry
from msez.zone._akn import Clause
from msez.zone._check_composition import ProfileCheck, check_profile, check_zone
from msez.zone._check_module import check_module
from msez.zone._issues import Issue, issue_from_error
from msez.zone._library import Library
from msez.zone._lock import LockContributor, lock_zone
from msez.zone._manifest import ModuleManifest
from msez.zone._params import resolve_params

CONSOLE_INTERFACE_SUFFIX = ".regulator-console.v1"
CONSOLE_REQUIREMENTS = (("read_only", "read-only"), ("audit_log", "audited"), ("access_revocable", "revocable"))


@dataclass(frozen=True)
class ConformanceReport:
    """Findings of one conformance run at ``level`` (1 module, 2 profile, 3 zone) on ``target``."""

    level: int
    target: str
    issues: tuple[Issue, ...]
    uncovered: tuple[Clause, ...]
    modules_checked: int

    @property
    def ok(self) -> bool:
        return not self.issues


def module_conformance(path: Path, library: Library | None = None) -> ConformanceReport:
    """Level 1 for the module at ``path``."""
    library = library or Library.discover(path)
    check = check_module(path, library)
    target = library.display(path)
    return ConformanceReport(1, target, check.issues, check.uncovered, 1)


def profile_conformance(path: Path, library: Library | None = None) -> ConformanceReport:
    """Level 2 for the profile at ``path``."""
    library = library or Library.discover(path)
    check = check_profile(path, library)
    issues, uncovered = _modules_level1(check, library)
    return ConformanceReport(2, library.display(path), check.issues + issues, uncovered, len(check.modules))


def zone_conformance(
    path: Path, library: Library | None = None, *, contributors: Iterable[LockContributor] = ()
) -> ConformanceReport:
    """Level 3 for the zone at ``path``; ``contributors`` are the lock contributors the lock was made with."""
    library = library or Library.discover(path)
    check = check_zone(path, library)
    issues = list(check.issues)
    uncovered: tuple[Clause, ...] = ()
    modules = 0
    if check.profile is not None:
        module_issues, uncovered = _modules_level1(check.profile, library)
        issues += module_issues
        modules = len(check.profile.modules)
    if not issues and check.zone is not None and check.profile is not None:
        issues += _lock_matches(path, library, contributors)
        issues += _regulator_console(check.profile, library, check.zone.params_overrides, check.zone.path)
    return ConformanceReport(3, library.display(path), tuple(issues), uncovered, modules)


def _modules_level1(check: ProfileCheck, library: Library) -> tuple[tuple[Issue, ...], tuple[Clause, ...]]:
    issues: list[Issue] = []
    uncovered: list[Clause] = []
    for module in check.modules.values():
        result = check_module(module.directory, library)
        issues += result.issues
        uncovered += result.uncovered
    return tuple(issues), tuple(uncovered)


def _lock_matches(path: Path, library: Library, contributors: Iterable[LockContributor]) -> list[Issue]:
    try:
        outcome = lock_zone(path, library=library, contributors=contributors, check=True)
    except MsezError as e:
        return [issue_from_error(e, file=library.display(path))]
    shown = library.display(outcome.path)
    if outcome.check.existing is None:
        return [Issue(shown, "$", "stack.lock does not exist; run `msez lock`")]
    issues = _lock_schema_issues(outcome.path, shown)
    if not outcome.check.up_to_date:
        issues.append(
            Issue(
                shown,
                "$",
                f"stack.lock does not match the resolved build: expected "
                f"{outcome.check.expected}, found {outcome.check.existing}",
            )
        )
    return issues


def _lock_schema_issues(path: Path, shown: str) -> list[Issue]:
    try:
        document = load_json(path.read_bytes(), source=shown)
    except MsezError as e:
        return [issue_from_error(e, file=shown)]
    return [
        Issue(shown, e.path or "$", e.reason) for e in default_registry().errors(document, "stack.lock", file=shown)
    ]


def _regulator_console(
    check: ProfileCheck, library: Library, overrides: Mapping[str, Mapping[str, Any]], zone_path: Path
) -> list[Issue]:
    assert check.profile is not None
    shown = library.display(zone_path)
    consoles = [(i, m) for i, m in check.modules.items() if _is_console(m)]
    if not consoles:
        return [
            Issue(
                shown,
                "$.profile",
                f"no pinned module provides a regulator console "
                f"(*{CONSOLE_INTERFACE_SUFFIX}); spec §50 requires a read-only, audited, revocable one",
            )
        ]
    issues = []
    for index, module in consoles:
        pin = check.profile.modules[index]
        resolved = resolve_params(module, pin.params, overrides.get(module.module_id, {}))
        for name, quality in CONSOLE_REQUIREMENTS:
            if resolved.get(name) is not True:
                issues.append(
                    Issue(
                        shown,
                        f"$.params_overrides.{module.module_id}.{name}",
                        f"the regulator "
                        f"console {module.module_id} must be {quality}: {name} resolves to "
                        f"{resolved.get(name)!r}, expected true",
                    )
                )
    return issues


def _is_console(module: ModuleManifest) -> bool:
    return any(p.interface.endswith(CONSOLE_INTERFACE_SUFFIX) for p in module.provides)
