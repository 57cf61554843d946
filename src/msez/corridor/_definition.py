"""The Corridor Definition VC (spec §40.3): schema, corridor id, ruleset, proofs, signers and file bindings.

The definition binds ``corridor.yaml``, the trust anchors and the key-rotation policy by SHA-256, each entry an
ArtifactRef or the legacy ``{path, sha256}``. The reference's data binds the files' raw bytes, the later spec text
says ``SHA256(MCF(parsed YAML))``: a binding holds if the digest matches either, and the report says which.
Only the digest is the commitment; the file checked is always the one ``corridor.yaml`` names for that role (a
legacy ``path`` naming another file fails).
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from msez.core import (
    ArtifactRef,
    ContentDigest,
    Did,
    MsezError,
    Timestamp,
    ValidationError,
    digest_of,
    sha256_bytes,
)
from msez.corridor._checks import Check, Rule, credential_checks, failed, passed, schema_checks
from msez.corridor._module import CorridorModule, ModuleFile
from msez.corridor._trust import CORRIDOR_DEFINITION, TrustPolicy, signer_checks
from msez.vc import KeyResolver

DEFINITION_TYPES: Final = ("MSEZCorridorDefinitionCredential", "MEZCorridorDefinitionCredential")
RULESETS: Final = ("msez.corridor.verification.v1", "mez.corridor.verification.v1")
RAW_BYTES: Final = "raw-bytes"
CANONICAL: Final = "canonical"


@dataclass(frozen=True)
class LawpackCompatibility:
    """``lawpack_compatibility``: domains every agreement must pin, and per (jurisdiction, domain) allowed digests.

    ``allowed`` is ``None`` when the definition has no allow-list.
    """

    required_domains: tuple[str, ...] = ()
    allowed: Mapping[tuple[str, str], frozenset[ContentDigest]] | None = None


@dataclass(frozen=True)
class Definition:
    """What the definition VC check found."""

    file: ModuleFile | None
    checks: tuple[Check, ...]
    payload_sha256: ContentDigest | None = None
    credential_id: str | None = None
    signers: tuple[Did, ...] = ()
    named_signers: tuple[Did, ...] = ()
    binding_modes: Mapping[str, str] = field(default_factory=dict)
    """Artifact role -> ``raw-bytes`` or ``canonical``, for bindings that hold."""
    lawpacks: LawpackCompatibility = LawpackCompatibility()
    ruleset_digests: tuple[ContentDigest, ...] = ()

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


def check_definition(
    module: CorridorModule, policy: TrustPolicy, *, now: Timestamp | None, resolver: KeyResolver | None
) -> Definition:
    """Spec §40.5 step 2 (plus schema and ruleset): every check on the definition VC."""
    file = module.definition
    if file is None:
        return Definition(None, (failed(Rule.SCHEMA, "corridor.yaml: definition_vc_path", "not configured"),))
    checks = schema_checks(file, "vc.corridor-definition")
    checks += _ruleset_checks(module, file)
    if file.problem is not None:
        return Definition(file, tuple(checks))
    subject = _subject(file.document)
    checks.append(_corridor_id_check(module, file.path, subject.get("corridor_id")))
    outcome = credential_checks(file, now=now, resolver=resolver)
    checks += outcome.checks
    checks += signer_checks(policy, file.path, outcome.signers, CORRIDOR_DEFINITION)
    modes: dict[str, str] = {}
    artifacts = _mapping(subject.get("artifacts"))
    for role, target in _artifact_files(module):
        check, mode = _binding(file.path, role, artifacts.get(role), target)
        checks.append(check)
        if mode is not None:
            modes[role] = mode
    return Definition(
        file,
        tuple(checks),
        file.payload_sha256(),
        file.document.get("id") if isinstance(file.document.get("id"), str) else None,
        outcome.signers,
        outcome.named,
        modes,
        _lawpacks(subject.get("lawpack_compatibility")),
        tuple(_digests(subject.get("ruleset_digest_set"), "ruleset")),
    )


def _subject(document: Mapping[str, Any]) -> Mapping[str, Any]:
    return _mapping(document.get("credentialSubject"))


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _corridor_id_check(module: CorridorModule, path: str, corridor_id: Any) -> Check:
    if corridor_id == module.corridor_id:
        return passed(Rule.CORRIDOR_ID, path, f"corridor_id {corridor_id}")
    return failed(Rule.CORRIDOR_ID, path, f"corridor_id {corridor_id!r}, but corridor.yaml says {module.corridor_id!r}")


def _ruleset_checks(module: CorridorModule, file: ModuleFile) -> list[Check]:
    named = (
        ("corridor.yaml: verification_ruleset", module.ruleset),
        (f"{file.path}: credentialSubject.ruleset", _subject(file.document).get("ruleset")),
    )
    checks = []
    for where, value in named:
        if value in RULESETS:
            checks.append(passed(Rule.RULESET, where, f"{value} is supported"))
        elif value is not None:
            expected = " or ".join(RULESETS)
            checks.append(failed(Rule.RULESET, where, f"unsupported ruleset {value!r}; expected {expected}"))
    return checks


def _artifact_files(module: CorridorModule) -> tuple[tuple[str, ModuleFile], ...]:
    return (
        ("corridor_manifest", module.manifest),
        ("trust_anchors", module.trust_anchors),
        ("key_rotation", module.key_rotation),
    )


def _binding(path: str, role: str, entry: Any, target: ModuleFile) -> tuple[Check, str | None]:
    """Check one ``artifacts.<role>`` entry against ``target``; returns the check and the matching digest mode."""
    subject = f"{path}: artifacts.{role} -> {target.path}"
    if entry is None:
        return failed(Rule.BINDING, subject, "no digest for this artifact"), None
    try:
        expected = _entry_digest(entry, target)
    except MsezError as e:
        return failed(Rule.BINDING, subject, e.message), None
    if target.raw is None:
        return failed(Rule.BINDING, subject, f"{target.path} does not exist"), None
    raw = sha256_bytes(target.raw)
    if raw == expected:
        return passed(Rule.BINDING, subject, f"raw-bytes sha256 {raw.hex} matches"), RAW_BYTES
    canonical = _canonical_digest(target)
    if canonical == expected:
        return passed(Rule.BINDING, subject, f"canonical sha256 {expected.hex} matches"), CANONICAL
    found = f"{raw.hex} (raw bytes)" + (f", {canonical.hex} (canonical)" if canonical else "")
    return failed(Rule.BINDING, subject, f"expected sha256 {expected.hex}, found {found}"), None


def _entry_digest(entry: Any, target: ModuleFile) -> ContentDigest:
    if isinstance(entry, Mapping) and "artifact_type" not in entry and "path" in entry:
        named = entry.get("path")
        if not isinstance(named, str) or posixpath.normpath(named) != posixpath.normpath(target.path):
            raise ValidationError(f"legacy entry names path {named!r}, but corridor.yaml's file is {target.path}")
        return ContentDigest.parse(str(entry.get("sha256")))
    return ArtifactRef.coerce(entry).digest_sha256


def _canonical_digest(target: ModuleFile) -> ContentDigest | None:
    if target.error is not None:
        return None
    try:
        return digest_of(target.value)
    except MsezError:
        return None


def _lawpacks(value: Any) -> LawpackCompatibility:
    if not isinstance(value, Mapping):
        return LawpackCompatibility()
    required = tuple(d for d in value.get("required_domains") or [] if isinstance(d, str))
    entries = value.get("allowed")
    if not isinstance(entries, list):
        return LawpackCompatibility(required)
    allowed: dict[tuple[str, str], frozenset[ContentDigest]] = {}
    for entry in entries:
        if isinstance(entry, Mapping):
            key = (str(entry.get("jurisdiction_id")), str(entry.get("domain")))
            allowed[key] = allowed.get(key, frozenset()) | set(_digests(entry.get("digests_sha256"), "lawpack"))
    return LawpackCompatibility(required, allowed)


def _digests(values: Any, artifact_type: str) -> list[ContentDigest]:
    """The digests of a list of hex / ArtifactRef entries; malformed entries are left to the schema check."""
    out = []
    for value in values if isinstance(values, list) else []:
        try:
            out.append(ArtifactRef.coerce(value, expected_type=artifact_type).digest_sha256)
        except MsezError:
            continue
    return out
