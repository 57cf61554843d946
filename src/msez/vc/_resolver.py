"""Key resolution: verification method (a DID URL) -> Ed25519 public key, offline.

``did:key`` is decoded directly (any fragment is ignored, as the reference does). Every other DID method is
answered from a local registry of DID documents that the caller loaded beforehand; nothing is fetched at
verification time. A registry document authorises a method for a purpose only when the method is listed in
that verification relationship (``assertionMethod``, ``authentication``, ...).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

import base58

from msez.core import CryptoError, Did, NotFoundError, ValidationError
from msez.crypto import VerifyingKey

RELATIONSHIPS = ("authentication", "assertionMethod", "keyAgreement", "capabilityInvocation", "capabilityDelegation")


class KeyResolver(Protocol):
    """Resolves a verification method for a proof purpose."""

    def resolve(self, verification_method: str, *, purpose: str) -> VerifyingKey:
        """The Ed25519 key behind ``verification_method``.

        Raises:
            NotFoundError: the DID or the method is unknown.
            CryptoError: it is not a usable Ed25519 key, or not authorised for ``purpose``.
        """
        ...


class DidKeyResolver:
    """``did:key`` only: the key is in the identifier itself."""

    def resolve(self, verification_method: str, *, purpose: str) -> VerifyingKey:
        if not verification_method.startswith("did:key:"):
            raise NotFoundError(f"{verification_method[:80]!r} is not a did:key")
        return VerifyingKey.from_did(verification_method)


class DidDocumentRegistry:
    """A local registry of DID documents; resolution never leaves this process."""

    def __init__(self, documents: Iterable[Mapping[str, Any]] = ()) -> None:
        self._methods: dict[str, dict[str, tuple[VerifyingKey, frozenset[str]]]] = {}
        for document in documents:
            self.add(document)

    def add(self, document: Mapping[str, Any]) -> Did:
        """Register (or replace) a DID document; returns its DID.

        Raises:
            ValidationError: no DID ``id``, or a malformed verification method or relationship.
            CryptoError: a method's key is not an Ed25519 key.
        """
        raw_id = document.get("id")
        if not isinstance(raw_id, str) or "#" in raw_id:
            raise ValidationError("a DID document needs an `id` that is a DID without fragment")
        did = Did(raw_id)
        declared = {m_id: key for m_id, key in _methods(did, document.get("verificationMethod", []))}
        purposes: dict[str, set[str]] = {m_id: set() for m_id in declared}
        for relationship in RELATIONSHIPS:
            for entry in _as_list(document.get(relationship, []), relationship):
                if isinstance(entry, Mapping):
                    ((m_id, key),) = _methods(did, [entry])
                    declared.setdefault(m_id, key)
                else:
                    m_id = _absolute(did, entry, relationship)
                    if m_id not in declared:
                        raise ValidationError(f"{did}: {relationship} names undeclared method {m_id!r}")
                purposes.setdefault(m_id, set()).add(relationship)
        self._methods[did] = {m_id: (key, frozenset(purposes[m_id])) for m_id, key in declared.items()}
        return did

    def __contains__(self, did: object) -> bool:
        return did in self._methods

    def resolve(self, verification_method: str, *, purpose: str) -> VerifyingKey:
        did, _, fragment = verification_method.partition("#")
        methods = self._methods.get(did)
        if methods is None:
            raise NotFoundError(f"no DID document registered for {did[:80]!r}")
        if not fragment:
            usable = [m_id for m_id, (_, purposes) in methods.items() if purpose in purposes]
            if len(usable) != 1:
                raise NotFoundError(f"{did} has {len(usable)} methods for {purpose}; name one with #fragment")
            verification_method = usable[0]
        if verification_method not in methods:
            raise NotFoundError(f"{did} has no verification method {verification_method!r}")
        key, purposes = methods[verification_method]
        if purpose not in purposes:
            raise CryptoError(f"{verification_method} is not authorised for {purpose}")
        return key


class DidResolver:
    """The default resolver: ``did:key`` built in, every other method from a :class:`DidDocumentRegistry`."""

    def __init__(self, documents: DidDocumentRegistry | None = None) -> None:
        self.documents = documents if documents is not None else DidDocumentRegistry()
        self._did_key = DidKeyResolver()

    def resolve(self, verification_method: str, *, purpose: str) -> VerifyingKey:
        if verification_method.startswith("did:key:"):
            return self._did_key.resolve(verification_method, purpose=purpose)
        return self.documents.resolve(verification_method, purpose=purpose)


def _as_list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise ValidationError(f"DID document `{what}` must be a list")
    return value


def _absolute(did: str, ref: Any, what: str) -> str:
    if not isinstance(ref, str) or not ref:
        raise ValidationError(f"DID document `{what}` entries must be method ids or method objects")
    return did + ref if ref.startswith("#") else ref


def _methods(did: str, entries: Any) -> list[tuple[str, VerifyingKey]]:
    out = []
    for entry in _as_list(entries, "verificationMethod"):
        if not isinstance(entry, Mapping):
            raise ValidationError(f"{did}: a verification method must be an object")
        m_id = _absolute(did, entry.get("id"), "verificationMethod")
        if not m_id.startswith(did + "#"):
            raise ValidationError(f"{did}: method {m_id!r} does not belong to this DID")
        out.append((m_id, _method_key(m_id, entry)))
    return out


def _method_key(m_id: str, method: Mapping[str, Any]) -> VerifyingKey:
    try:
        if isinstance(method.get("publicKeyMultibase"), str):
            return VerifyingKey.from_did("did:key:" + method["publicKeyMultibase"])
        if isinstance(method.get("publicKeyBase58"), str):
            return VerifyingKey(base58.b58decode(method["publicKeyBase58"]))
        if isinstance(method.get("publicKeyJwk"), Mapping):
            return VerifyingKey.from_jwk(dict(method["publicKeyJwk"]))
    except (CryptoError, ValueError) as e:
        raise CryptoError(f"{m_id}: not an Ed25519 key: {e}") from e
    raise CryptoError(f"{m_id}: no publicKeyMultibase, publicKeyBase58 or publicKeyJwk")
