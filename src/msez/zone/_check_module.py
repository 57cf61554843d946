"""Module checks (``msez validate`` on a module; conformance level 1 of spec §50).

In order: the manifest validates against ``module.schema.json``; every ``provides[].path`` exists inside the
module (a trailing ``/`` means a directory); parameter defaults fit their declared types; each ``depends_on``
names a module in the library with a version that satisfies its constraint; every ``src/akn/**/*.xml`` parses
(hardened), is Akoma Ntoso 3.0 and has ``eId`` anchors (no Akoma XSD ships with msez, so schema validation of
the XML is skipped); every MUST/SHALL clause is covered by the policy-to-code map; a corridor module's manifest,
trust anchors and key-rotation policy validate against their schemas.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from msez.core import MsezError, ValidationError, load_yaml
from msez.schema import default_registry
from msez.zone._akn import Clause, eid_anchors, obligation_clauses, parse_akn
from msez.zone._issues import Issue, display_path, issue_from_error
from msez.zone._library import Library
from msez.zone._manifest import ModuleManifest, module_manifest_path, read_module
from msez.zone._params import check_value
from msez.zone._policy_map import POLICY_MAP_PATH, PolicyMap, dangling_refs, read_policy_map, uncovered
from msez.zone._version import Constraint

AKN_DIR = "src/akn"
CORRIDOR_FILE = "corridor.yaml"


@dataclass(frozen=True)
class ModuleCheck:
    """The outcome of checking one module: the manifest (None if it failed to load) and every finding."""

    module: ModuleManifest | None
    issues: tuple[Issue, ...]
    clauses: tuple[Clause, ...] = ()
    uncovered: tuple[Clause, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.issues


def check_module(path: Path, library: Library | None = None) -> ModuleCheck:
    """Run every module check on the module at ``path`` (directory or ``module.yaml``)."""
    root = library.root if library else None
    manifest_file = module_manifest_path(path)
    shown = display_path(manifest_file, root)
    try:
        module = library.module_at(manifest_file.parent) if library else read_module(manifest_file, display=shown)
    except MsezError as e:
        return ModuleCheck(None, (issue_from_error(e, file=shown),))
    issues = _provides(module, shown) + _defaults(module, shown)
    if library is not None:
        issues += _dependencies(module, shown, library)
    clauses, anchors, akn_issues = _akn(module, root)
    missing, map_issues = _coverage(module, clauses, None if akn_issues else anchors, root)
    issues += akn_issues + map_issues
    if module.kind == "corridor":
        issues += _corridor_files(module, root)
    return ModuleCheck(module, tuple(issues), tuple(clauses), tuple(missing))


def _provides(module: ModuleManifest, shown: str) -> list[Issue]:
    issues = []
    base = module.directory.resolve()
    for provide in module.provides:
        if provide.path is None:
            continue
        where = f"$.provides[{provide.index}].path"
        target = (base / provide.path).resolve()
        if not target.is_relative_to(base):
            issues.append(Issue(shown, where, f"{provide.path!r} points outside the module directory"))
        elif provide.path.endswith("/") and not target.is_dir():
            issues.append(Issue(shown, where, f"directory {provide.path!r} does not exist in the module"))
        elif not provide.path.endswith("/") and not target.is_file():
            issues.append(Issue(shown, where, f"file {provide.path!r} does not exist in the module"))
    return issues


def _defaults(module: ModuleManifest, shown: str) -> list[Issue]:
    return [
        Issue(shown, f"$.parameters.{p.name}.default", problem)
        for p in module.parameters.values()
        if p.has_default and (problem := check_value(p, p.default)) is not None
    ]


def _dependencies(module: ModuleManifest, shown: str, library: Library) -> list[Issue]:
    issues = []
    for dep in module.depends_on:
        where = f"$.depends_on[{dep.index}]"
        versions = library.module_versions(dep.module_id)
        if not versions:
            issues.append(Issue(shown, where, f"unresolved dependency: no module {dep.module_id} in the library"))
            continue
        if dep.constraint is None:
            continue
        try:
            constraint = Constraint.parse(dep.constraint)
        except ValidationError as e:
            issues.append(Issue(shown, f"{where}.constraint", e.reason))
            continue
        if not any(constraint.allows(v) for v in versions):
            issues.append(
                Issue(
                    shown,
                    f"{where}.constraint",
                    f"semver mismatch: {dep.module_id} {dep.constraint} is not satisfied by the library's "
                    f"version(s) {', '.join(versions)}",
                )
            )
    return issues


def _akn(module: ModuleManifest, root: Path | None) -> tuple[list[Clause], set[str], list[Issue]]:
    clauses: list[Clause] = []
    anchors: set[str] = set()
    issues: list[Issue] = []
    akn_dir = module.directory / AKN_DIR
    for xml in sorted(akn_dir.rglob("*.xml")) if akn_dir.is_dir() else []:
        shown = display_path(xml, root)
        document = xml.relative_to(module.directory).as_posix()
        try:
            tree = parse_akn(xml.read_bytes(), source=shown)
        except ValidationError as e:
            issues.append(Issue(shown, (e.path or "").removeprefix(f"{shown}: "), e.reason))
            continue
        anchors.update(eid_anchors(tree))
        clauses.extend(obligation_clauses(tree, document=document))
    return clauses, anchors, issues


def _coverage(
    module: ModuleManifest, clauses: list[Clause], anchors: set[str] | None, root: Path | None
) -> tuple[list[Clause], list[Issue]]:
    """Uncovered clauses and map findings; dangling refs are only judged when every document parsed."""
    map_file = module.directory / POLICY_MAP_PATH
    shown = display_path(map_file, root)
    policy_map: PolicyMap | None = None
    if map_file.is_file():
        try:
            policy_map = read_policy_map(map_file, display=shown)
        except MsezError as e:
            return list(clauses), [issue_from_error(e, file=shown)]
    missing = uncovered(clauses, policy_map)
    if policy_map is None:
        issues = [
            Issue(display_path(module.directory / c.document, root), f"line {c.line} (eId {c.eid})", _no_map(c))
            for c in missing
        ]
        return missing, issues
    issues = [
        Issue(
            shown,
            "$.entries",
            f"uncovered {c.keyword} clause {c.eid} in {c.document}: no entry with an "
            f"attestation.type lists it in legal_refs ({c.excerpt!r})",
        )
        for c in missing
    ]
    issues += [
        Issue(
            shown,
            f"$.entries[{r.entry}].legal_refs[{r.index}].eId",
            f"eId {r.eid!r} is not an anchor of the module's AKN documents",
        )
        for r in (dangling_refs(policy_map, anchors) if anchors is not None else [])
    ]
    return missing, issues


def _no_map(clause: Clause) -> str:
    return f"{clause.keyword} clause is not covered: the module has no {POLICY_MAP_PATH} ({clause.excerpt!r})"


def _corridor_files(module: ModuleManifest, root: Path | None) -> list[Issue]:
    manifest = module.directory / CORRIDOR_FILE
    if not manifest.is_file():
        return [Issue(display_path(module.manifest_path, root), "$.kind", f"corridor module has no {CORRIDOR_FILE}")]
    issues, document = _schema_issues(manifest, "corridor", root)
    if not isinstance(document, dict):
        return issues
    for key, default, schema in (
        ("trust_anchors_path", "trust-anchors.yaml", "trust-anchors"),
        ("key_rotation_path", "key-rotation.yaml", "key-rotation"),
    ):
        target = module.directory / str(document.get(key, default))
        if not target.is_file():
            shown = display_path(manifest, root)
            issues.append(Issue(shown, f"$.{key}", f"{target.name} does not exist in the corridor module"))
        else:
            issues += _schema_issues(target, schema, root)[0]
    return issues


def _schema_issues(path: Path, schema: str, root: Path | None) -> tuple[list[Issue], object]:
    shown = display_path(path, root)
    try:
        document = load_yaml(path.read_bytes(), source=shown)
    except MsezError as e:
        return [issue_from_error(e, file=shown)], None
    errors = default_registry().errors(document, schema, file=shown)
    return [Issue(shown, e.path or "$", e.reason) for e in errors], document
