"""msez.pack: lawpacks, regpacks and licensepacks, the content-addressed legal and regulatory inputs of a zone.

* Lawpacks (spec 96): an Akoma Ntoso corpus parsed with a hardened parser, Exclusive C14N, an ``@eId`` fragment
  index, the tagged lawpack digest, a deterministic zip and ``lawpack.lock.json``; verification recomputes all of
  it from the zip and names the member that is wrong.
* Regpacks (spec 96b): regulators, sanctions snapshot and entries, licence types, compliance calendar; the
  reference digest plus component digests; sanctions screening (the reference scoring, indexed, with folding).
* Licensepacks (spec 98): licence registries; digest in the reference-impl A 6.3 order; compliance evaluation,
  holder verification, deltas and staleness.
* Lock entries for ``stack.lock`` and the artifact-store digest rules (:data:`PACK_DIGEST_RULES`).
"""

from collections.abc import Mapping

from msez.crypto import DigestRule
from msez.pack._common import (
    LAWPACK_TAGS,
    LICENSEPACK_TAGS,
    REGPACK_TAGS,
    STACK_SPEC_VERSION,
    PackIntegrityError,
    TagFamily,
)
from msez.pack._diff import Change, diff_documents
from msez.pack._lawpack import LawpackBuild, build_index, build_lawpack, lawpack_digest
from msez.pack._lawpack_io import (
    LawpackOutput,
    check_lawpack,
    existing_tool_version,
    lawpack_lock,
    verify_lawpack_path,
    write_lawpack,
)
from msez.pack._lawpack_verify import LawpackVerification, lawpack_zip_digest, verify_lawpack_zip
from msez.pack._license_eval import (
    LicenseCheck,
    LicenseComplianceState,
    LicenseEvaluation,
    LicensepackDelta,
    LicenseRecord,
    LicenseStatus,
    RefreshPolicy,
    Staleness,
    evaluate_compliance,
    licensepack_delta,
    permits_activity,
    refresh_policy,
    staleness,
    verify_license,
)
from msez.pack._licensepack import licensepack_digest, licensepack_members, licensepack_metadata
from msez.pack._licensepack_build import (
    LICENSEPACK,
    Licensepack,
    LicensepackVerification,
    build_licensepack,
    licensepack_digest_rule,
    verify_licensepack,
)
from msez.pack._lock import (
    MISSING,
    jurisdiction_layers,
    lawpack_lock_entries,
    lawpack_lock_path,
    licensepack_lock_entries,
    regpack_lock_entries,
)
from msez.pack._names import fold as fold_name
from msez.pack._names import normalise as normalise_name
from msez.pack._packio import JsonPackKind, LoadedPack, PackOutput, check_pack, load_pack, pack_lock, write_pack
from msez.pack._regpack import regpack_component_digests, regpack_digest, regpack_members, regpack_metadata
from msez.pack._regpack_build import (
    REGPACK,
    RegpackVerification,
    build_regpack,
    diff_regpacks,
    regpack_delta,
    regpack_digest_rule,
    verify_regpack,
)
from msez.pack._sanctions import (
    MatchField,
    MatchRule,
    ReferenceSanctionsChecker,
    SanctionsEntry,
    SanctionsMatch,
    ScreeningResult,
    fuzzy_score,
)
from msez.pack._screening import SanctionsScreener
from msez.pack._xml import AknDocument, c14n, index_document, parse_xml
from msez.pack._zip import deterministic_zip, read_zip

PACK_DIGEST_RULES: Mapping[str, DigestRule] = {
    "lawpack": lawpack_zip_digest,
    "regpack": regpack_digest_rule,
    "licensepack": licensepack_digest_rule,
}
"""Artifact-store digest rules for the pack types: ``FileArtifactStore(roots, rules=PACK_DIGEST_RULES)``."""

__all__ = [
    "LAWPACK_TAGS",
    "LICENSEPACK",
    "LICENSEPACK_TAGS",
    "MISSING",
    "PACK_DIGEST_RULES",
    "REGPACK",
    "REGPACK_TAGS",
    "STACK_SPEC_VERSION",
    "AknDocument",
    "Change",
    "JsonPackKind",
    "LawpackBuild",
    "LawpackOutput",
    "LawpackVerification",
    "LicenseCheck",
    "LicenseComplianceState",
    "LicenseEvaluation",
    "LicenseRecord",
    "LicenseStatus",
    "Licensepack",
    "LicensepackDelta",
    "LicensepackVerification",
    "LoadedPack",
    "MatchField",
    "MatchRule",
    "PackIntegrityError",
    "PackOutput",
    "ReferenceSanctionsChecker",
    "RefreshPolicy",
    "RegpackVerification",
    "SanctionsEntry",
    "SanctionsMatch",
    "SanctionsScreener",
    "ScreeningResult",
    "Staleness",
    "TagFamily",
    "build_index",
    "build_lawpack",
    "build_licensepack",
    "build_regpack",
    "c14n",
    "check_lawpack",
    "check_pack",
    "deterministic_zip",
    "diff_documents",
    "diff_regpacks",
    "evaluate_compliance",
    "existing_tool_version",
    "fold_name",
    "fuzzy_score",
    "index_document",
    "jurisdiction_layers",
    "lawpack_digest",
    "lawpack_lock",
    "lawpack_lock_entries",
    "lawpack_lock_path",
    "lawpack_zip_digest",
    "licensepack_delta",
    "licensepack_digest",
    "licensepack_digest_rule",
    "licensepack_lock_entries",
    "licensepack_members",
    "licensepack_metadata",
    "load_pack",
    "normalise_name",
    "pack_lock",
    "parse_xml",
    "permits_activity",
    "read_zip",
    "refresh_policy",
    "regpack_component_digests",
    "regpack_delta",
    "regpack_digest",
    "regpack_digest_rule",
    "regpack_lock_entries",
    "regpack_members",
    "regpack_metadata",
    "staleness",
    "verify_lawpack_path",
    "verify_lawpack_zip",
    "verify_license",
    "verify_licensepack",
    "verify_regpack",
    "write_lawpack",
    "write_pack",
]
