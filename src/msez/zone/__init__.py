"""msez.zone: composing a zone from versioned modules (spec §20, §22, §30, §50, §95).

Module, profile and zone manifests and their checks; dependency resolution with semver constraints; the
parameter context and placeholder rendering; overlays as unified diffs; reproducible build bundles; ``stack.lock``
generation and checking, with a contributor hook through which the pack and corridor layers add their pins; and
the three conformance levels, including MUST/SHALL clause coverage of Akoma Ntoso texts by policy-to-code maps.
"""

from msez.zone._akn import AKN_NAMESPACE, Clause, eid_anchors, obligation_clauses, parse_akn
from msez.zone._build import BuildOutcome, build_zone
from msez.zone._check_composition import ProfileCheck, ZoneCheck, check_profile, check_zone, overlaid_tree
from msez.zone._check_module import ModuleCheck, check_module
from msez.zone._conformance import (
    ConformanceReport,
    module_conformance,
    profile_conformance,
    zone_conformance,
)
from msez.zone._documents import Overlay, Profile, ProfileModule, Zone, read_profile, read_zone
from msez.zone._files import tree_digest
from msez.zone._issues import CompositionError, Issue
from msez.zone._library import Library
from msez.zone._lock import (
    CONTRIBUTED_SECTIONS,
    STACK_SPEC_VERSION,
    LockCheck,
    LockContext,
    LockContributor,
    LockOutcome,
    compare_lock,
    compute_lock,
    lock_bytes,
    lock_path,
    lock_zone,
    resolve_generated_at,
)
from msez.zone._manifest import Dependency, ModuleManifest, Parameter, Provide, read_module
from msez.zone._overlay import OverlayError, apply_patch
from msez.zone._params import check_value, render_context, resolve_params
from msez.zone._policy_map import PolicyMap, read_policy_map
from msez.zone._render import RenderError, render_text
from msez.zone._resolve import Composition, ResolvedModule, resolve_zone
from msez.zone._version import Constraint, parse_version

__all__ = [
    "AKN_NAMESPACE",
    "CONTRIBUTED_SECTIONS",
    "STACK_SPEC_VERSION",
    "BuildOutcome",
    "Clause",
    "Composition",
    "CompositionError",
    "ConformanceReport",
    "Constraint",
    "Dependency",
    "Issue",
    "Library",
    "LockCheck",
    "LockContext",
    "LockContributor",
    "LockOutcome",
    "ModuleCheck",
    "ModuleManifest",
    "Overlay",
    "OverlayError",
    "Parameter",
    "PolicyMap",
    "Profile",
    "ProfileCheck",
    "ProfileModule",
    "Provide",
    "RenderError",
    "ResolvedModule",
    "Zone",
    "ZoneCheck",
    "apply_patch",
    "build_zone",
    "check_module",
    "check_profile",
    "check_value",
    "check_zone",
    "compare_lock",
    "compute_lock",
    "eid_anchors",
    "lock_bytes",
    "lock_path",
    "lock_zone",
    "module_conformance",
    "obligation_clauses",
    "overlaid_tree",
    "parse_akn",
    "parse_version",
    "profile_conformance",
    "read_module",
    "read_policy_map",
    "read_profile",
    "read_zone",
    "render_context",
    "render_text",
    "resolve_generated_at",
    "resolve_params",
    "resolve_zone",
    "tree_digest",
    "zone_conformance",
]
