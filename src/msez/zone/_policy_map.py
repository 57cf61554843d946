"""Policy-to-code maps (``src/policy-to-code/map.yaml``) and MUST/SHALL clause coverage (spec §50 level 1).

An entry covers a clause when it has an ``attestation.type`` and one of its ``legal_refs`` names the clause:
an object ref ``{eId, document?}`` whose ``eId`` is the clause's (and whose ``document``, when given, is the
clause's document), or a string ref equal to the ``eId`` or ending in ``#<eId>`` or ``/<eId>`` (a stable URI).
The reference matches any string *containing* the eId; we require a boundary so ``sec_1`` does not cover
``sec_10``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from msez.core import load_yaml
from msez.schema import validate
from msez.zone._akn import Clause

POLICY_MAP_PATH = "src/policy-to-code/map.yaml"


@dataclass(frozen=True)
class LegalRef:
    """One ``legal_refs`` item of entry ``entry``."""

    entry: int
    index: int
    eid: str | None
    document: str | None
    text: str | None


@dataclass(frozen=True)
class PolicyMap:
    """A schema-valid policy-to-code map; ``refs`` lists the legal refs of attested entries only."""

    path: Path
    entries: tuple[dict[str, Any], ...]
    refs: tuple[LegalRef, ...]

    def covers(self, clause: Clause) -> bool:
        return any(_matches(ref, clause) for ref in self.refs)


def read_policy_map(path: Path, *, display: str) -> PolicyMap:
    """Load and schema-validate a policy-to-code map.

    Raises:
        ValidationError: unparsable file.
        SchemaValidationError: the map violates ``policy-to-code.schema.json``.
    """
    document = load_yaml(path.read_bytes(), source=display)
    validate(document, "policy-to-code", file=display)
    entries = tuple(document["entries"])
    refs = tuple(ref for i, entry in enumerate(entries) if _attested(entry) for ref in _refs(i, entry))
    return PolicyMap(path, entries, refs)


def uncovered(clauses: Iterable[Clause], policy_map: PolicyMap | None) -> list[Clause]:
    """The clauses no attested entry of ``policy_map`` references (all of them when there is no map)."""
    return [c for c in clauses if policy_map is None or not policy_map.covers(c)]


def dangling_refs(policy_map: PolicyMap, anchors: set[str]) -> list[LegalRef]:
    """Object refs whose ``eId`` is not an anchor of any of the module's documents."""
    return [ref for ref in policy_map.refs if ref.eid is not None and ref.eid not in anchors]


def _attested(entry: dict[str, Any]) -> bool:
    attestation = entry.get("attestation")
    return isinstance(attestation, dict) and bool(attestation.get("type"))


def _refs(entry_index: int, entry: dict[str, Any]) -> list[LegalRef]:
    refs = []
    for i, ref in enumerate(entry.get("legal_refs", [])):
        if isinstance(ref, str):
            refs.append(LegalRef(entry_index, i, None, None, ref))
        else:
            refs.append(LegalRef(entry_index, i, ref.get("eId"), ref.get("document"), ref.get("uri")))
    return refs


def _matches(ref: LegalRef, clause: Clause) -> bool:
    if ref.eid is not None:
        return ref.eid == clause.eid and (ref.document is None or ref.document == clause.document)
    text = ref.text or ""
    return text == clause.eid or text.endswith((f"#{clause.eid}", f"/{clause.eid}"))
