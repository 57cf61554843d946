"""Signing settlement artifacts (plans, anchors, proof bindings) and checking their proofs.

Every artifact's digest is its payload digest (canonical bytes without ``proof``), so a proof appended by
:func:`sign_artifact` (a ``msez.vc`` suite over that payload) never changes the digest it is stored and referenced
under, and co-signers sign independently. :func:`check_signatures` reports every proof and which required signers
have no valid proof; an unsigned artifact passes unless signers are required.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from msez.core import ContentDigest, Timestamp
from msez.settlement._wire import Wire
from msez.vc import KeyResolver, ProofResult, Signer, VerificationReport, add_proof, proofs_of, verify_proofs

_W = TypeVar("_W", bound=Wire)


def base_did(method: str) -> str:
    """A verification method or DID without its ``#fragment``."""
    return method.split("#", 1)[0]


def sign_artifact(artifact: _W, signer: Signer, *, suite: str = "msez", created: Timestamp | None = None) -> _W:
    """A copy of ``artifact`` with a proof by ``signer`` appended (earlier proofs are kept).

    Raises:
        NotFoundError: unknown suite name.
    """
    return type(artifact).load(add_proof(artifact.to_json(), signer, suite=suite, created=created))


@dataclass(frozen=True)
class SignatureReport:
    """Every proof's result, the DIDs with a valid proof, and the required signers without one."""

    proofs: tuple[ProofResult, ...]
    signers: frozenset[str]
    missing: tuple[str, ...]

    @property
    def signed(self) -> bool:
        return bool(self.proofs)

    @property
    def ok(self) -> bool:
        """No proof failed and every required signer has a valid proof (an unsigned artifact with none required
        is ok)."""
        return all(p.ok for p in self.proofs) and not self.missing

    def failures(self) -> tuple[str, ...]:
        """One line per failed proof and per missing signer."""
        bad = [f"proof[{p.index}] by {p.verification_method}: {p.reason}: {p.detail}" for p in self.proofs if not p.ok]
        return (*bad, *(f"no valid proof by required signer {did}" for did in self.missing))


def check_signatures(
    document: Mapping[str, Any], *, required: Iterable[str] = (), resolver: KeyResolver | None = None
) -> SignatureReport:
    """Verify every proof on ``document`` (over its payload) and check that each ``required`` DID signed.

    Args:
        required: DIDs (a ``#fragment`` is ignored) that must each have a valid proof.
        resolver: resolves verification methods (default ``did:key`` only).
    """
    report = verify_proofs(document, resolver=resolver) if proofs_of(document) else VerificationReport(())
    signers = frozenset(base_did(m) for m in report.valid_methods)
    wanted = dict.fromkeys(base_did(did) for did in required)
    return SignatureReport(report.proofs, signers, tuple(did for did in wanted if did not in signers))


@dataclass(frozen=True)
class ArtifactReport:
    """An artifact's digest, every content check that failed, and its signatures."""

    digest: ContentDigest
    failures: tuple[str, ...]
    signatures: SignatureReport

    @property
    def ok(self) -> bool:
        return not self.failures and self.signatures.ok

    def all_failures(self) -> tuple[str, ...]:
        """Content failures, then proof failures and missing signers."""
        return (*self.failures, *self.signatures.failures())
