"""Lawpack verification: recompute everything from the zip and name the member that is wrong (spec 96).

Steps, each naming the member it checks:
  (1) membership: ``lawpack.yaml``, ``index.json``, ``digest.sha256`` and at least one ``akn/**/*.xml``; nothing
      else but ``raw/**``;
  (2) every member is stored in canonical form (C14N for XML, MCF for JSON) and ``lawpack.yaml`` is schema-valid;
  (3) ``index.json`` equals the index recomputed from the AKN members and ``lawpack.yaml``;
  (4) with a lock: every component digest matches;
  (5) the digest recomputed under an accepted tag equals ``digest.sha256`` and the expected digest.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from msez.core import ContentDigest, MsezError, canonical_bytes, load_json, load_yaml, sha256_bytes
from msez.pack._common import LAWPACK_TAGS, PackIntegrityError, compare_members
from msez.pack._lawpack import DIGEST_MEMBER, INDEX_JSON, LAWPACK_YAML, build_index, lawpack_digest
from msez.pack._xml import AknDocument, index_document
from msez.pack._zip import read_zip
from msez.schema import validate

_DIGEST_FILE = re.compile(rb"[0-9a-f]{64}\n\Z")
Problems = list[tuple[str, str]]


@dataclass(frozen=True)
class LawpackVerification:
    """A verified lawpack: its digest, the tag it was made with, and what it pins."""

    digest: ContentDigest
    tag: str
    jurisdiction_id: str
    domain: str
    as_of_date: str
    members: Mapping[str, bytes]


def verify_lawpack_zip(
    data: bytes, *, expected: ContentDigest | None = None, lock: Mapping[str, Any] | None = None
) -> LawpackVerification:
    """Verify a lawpack zip (see the module docstring for the steps).

    Args:
        expected: the digest the caller trusts (a stack.lock pin, the CAS file name).
        lock: a ``lawpack.lock.json`` value; its components name the exact member that changed.

    Raises:
        PackIntegrityError: every problem found, each with the member it concerns.
        IntegrityError: the bytes are not a readable zip.
    """
    members = read_zip(data, what="lawpack zip")
    problems: Problems = []
    # (1)
    _check_membership(members, problems)
    if problems:
        raise PackIntegrityError(problems)
    # (2)
    documents = _canonical_documents(members, problems)
    metadata = _canonical_json(members, LAWPACK_YAML, problems, yaml=True)
    index = _canonical_json(members, INDEX_JSON, problems, yaml=False)
    if metadata is not None:
        _check_schema(metadata, problems)
    # (3)
    if not problems and isinstance(metadata, dict):
        _check_index(metadata, index, documents, problems)
    # (4)
    if lock is not None:
        problems.extend(compare_members(_lock_components(lock), _zip_components(members)))
    if problems:
        raise PackIntegrityError(problems)
    # (5)
    digest, tag = _check_digest(members, expected, lock, problems)
    if problems:
        raise PackIntegrityError(problems)
    assert isinstance(metadata, dict)
    hashed = {k: v for k, v in members.items() if _is_hashed(k)}
    return LawpackVerification(
        digest, tag, metadata["jurisdiction_id"], metadata["domain"], metadata["as_of_date"], hashed
    )


def lawpack_zip_digest(data: bytes) -> ContentDigest:
    """The artifact-store digest rule for type ``lawpack``: the verified lawpack digest of a zip.

    Raises:
        PackIntegrityError, IntegrityError: the bytes are not an intact lawpack.
    """
    return verify_lawpack_zip(data).digest


def _is_hashed(name: str) -> bool:
    return name in (LAWPACK_YAML, INDEX_JSON) or (name.startswith("akn/") and name.endswith(".xml"))


def _check_membership(members: Mapping[str, bytes], problems: Problems) -> None:
    for required in (LAWPACK_YAML, INDEX_JSON, DIGEST_MEMBER):
        if required not in members:
            problems.append((required, "missing from the zip"))
    if not any(name.startswith("akn/") and name.endswith(".xml") for name in members):
        problems.append(("akn/", "no Akoma Ntoso document (akn/**/*.xml) in the zip"))
    for name in sorted(members):
        if not (_is_hashed(name) or name == DIGEST_MEMBER or name.startswith("raw/")):
            problems.append((name, "unexpected member"))


def _canonical_documents(members: Mapping[str, bytes], problems: Problems) -> list[AknDocument]:
    documents = []
    for name in sorted(members):
        if not (name.startswith("akn/") and name.endswith(".xml")):
            continue
        try:
            document = index_document(name, members[name])
        except MsezError as e:
            problems.append((name, str(e).removeprefix(f"{name}: ")))
            continue
        if document.canonical != members[name]:
            problems.append((name, "stored bytes are not the document's Exclusive C14N form"))
        documents.append(document)
    return documents


def _canonical_json(members: Mapping[str, bytes], name: str, problems: Problems, *, yaml: bool) -> Any:
    try:
        value = load_yaml(members[name], source=name) if yaml else load_json(members[name], source=name)
        canonical = canonical_bytes(value).data
    except MsezError as e:
        problems.append((name, str(e).removeprefix(f"{name}: ")))
        return None
    if canonical != members[name]:
        problems.append((name, "stored bytes are not in canonical form (MCF)"))
    return value


def _check_schema(metadata: Any, problems: Problems) -> None:
    try:
        validate(metadata, "lawpack")
    except MsezError as e:
        problems.append((LAWPACK_YAML, f"does not match the lawpack schema: {e}"))


def _check_index(metadata: dict[str, Any], index: Any, documents: list[AknDocument], problems: Problems) -> None:
    expected = build_index(metadata["jurisdiction_id"], metadata["domain"], documents)
    if index == expected:
        return
    recorded = index.get("documents") if isinstance(index, dict) else None
    recorded = recorded if isinstance(recorded, dict) else {}
    named = False
    for document in documents:
        if recorded.get(document.member) != document.index_entry:
            problems.append((document.member, f"does not match its entry in {INDEX_JSON}"))
            named = True
    if not named:
        problems.append((INDEX_JSON, f"differs from the index recomputed from the AKN members and {LAWPACK_YAML}"))


def _lock_components(lock: Mapping[str, Any]) -> dict[str, str]:
    components = lock.get("components") or {}
    flat = {
        LAWPACK_YAML: components.get("lawpack_yaml_sha256"),
        INDEX_JSON: components.get("index_json_sha256"),
        **(components.get("akn_sha256") or {}),
    }
    return {k: v for k, v in flat.items() if isinstance(v, str)}


def _zip_components(members: Mapping[str, bytes]) -> dict[str, str]:
    return {name: sha256_bytes(data).hex for name, data in members.items() if _is_hashed(name)}


def _check_digest(
    members: Mapping[str, bytes], expected: ContentDigest | None, lock: Mapping[str, Any] | None, problems: Problems
) -> tuple[ContentDigest, str]:
    recorded_bytes = members[DIGEST_MEMBER]
    if not _DIGEST_FILE.match(recorded_bytes):
        problems.append((DIGEST_MEMBER, "must hold 64 lowercase hex characters and one LF"))
        return lawpack_digest({}), LAWPACK_TAGS.emit
    recorded = ContentDigest(recorded_bytes[:64].decode())
    if expected is None and lock is not None and isinstance(lock.get("lawpack_digest_sha256"), str):
        expected = ContentDigest.parse(lock["lawpack_digest_sha256"])
    hashed = {k: v for k, v in members.items() if _is_hashed(k)}
    by_tag = {tag: lawpack_digest(hashed, tag=tag) for tag in LAWPACK_TAGS.accepted}
    for tag, digest in by_tag.items():
        if digest == recorded and (expected is None or digest == expected):
            return digest, tag
    computed = by_tag[LAWPACK_TAGS.emit]
    if expected is not None and recorded != expected and expected in by_tag.values():
        problems.append((DIGEST_MEMBER, f"records {recorded.hex} but the members hash to {expected.hex}"))
    elif expected is not None and recorded == expected:
        problems.append((LAWPACK_YAML, f"changed: the members hash to {computed.hex}, not {expected.hex}"))
    elif expected is not None:
        problems.append((DIGEST_MEMBER, f"records {recorded.hex}; expected {expected.hex}"))
    else:
        problems.append(
            (DIGEST_MEMBER, f"records {recorded.hex} but the members hash to {computed.hex} (or lawpack.yaml changed)")
        )
    return computed, LAWPACK_TAGS.emit
