"""The msez error hierarchy: one root, a shallow tree, context carried as attributes.

    MsezError
    ├── CanonicalizationError     value cannot be put in canonical form (.path, .file)
    ├── ValidationError           malformed input: identifiers, documents, schemas (.path)
    │   └── SchemaValidationError     a JSON Schema failure (.file, .path)
    ├── IntegrityError            bytes do not match the digest that names them
    ├── CryptoError               keys, signatures, proofs
    │   └── VerificationError         a signature or proof did not verify
    ├── StateTransitionError      a lifecycle refused a transition (.from_state, .to_state, .valid_targets)
    ├── NotFoundError             a referenced thing does not exist
    ├── ConflictError             the operation clashes with existing state (ambiguity, duplicates, overwrite)
    └── PolicyError               a policy refused the operation (sovereignty, authorisation)

Library code raises these and never prints; the CLI and the API render them. Foreign exceptions are
translated at the boundary with ``raise ... from e``.
"""

from __future__ import annotations

from collections.abc import Sequence


class MsezError(Exception):
    """Root of every error msez raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class CanonicalizationError(MsezError):
    """A value cannot be canonicalised; ``path`` is the JSON path of the offending value, ``file`` its source."""

    def __init__(self, message: str, *, path: str = "$", file: str | None = None) -> None:
        super().__init__(f"{file}: {path}: {message}" if file else f"{path}: {message}")
        self.path = path
        self.file = file
        self.reason = message


class ValidationError(MsezError):
    """Input is malformed; ``path`` names where, when known."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.reason = message


class SchemaValidationError(ValidationError):
    """A document does not satisfy its JSON Schema."""

    def __init__(self, message: str, *, file: str | None = None, path: str = "$") -> None:
        self.file = file
        super().__init__(message, path=f"{file}:{path}" if file else path)
        self.path = path


class IntegrityError(MsezError):
    """Stored or transmitted bytes do not match the digest that names them."""


class CryptoError(MsezError):
    """A key, signature or proof is malformed or unusable."""


class VerificationError(CryptoError):
    """A signature or proof did not verify."""


class StateTransitionError(MsezError):
    """A state machine refused a transition."""

    def __init__(
        self,
        message: str,
        *,
        from_state: str,
        to_state: str,
        valid_targets: Sequence[str] = (),
    ) -> None:
        targets = ", ".join(valid_targets) if valid_targets else "none"
        super().__init__(f"{from_state} -> {to_state}: {message} (valid targets: {targets})")
        self.from_state = from_state
        self.to_state = to_state
        self.valid_targets = tuple(valid_targets)
        self.reason = message


class NotFoundError(MsezError):
    """A referenced object does not exist."""


class ConflictError(MsezError):
    """The operation clashes with existing state."""


class PolicyError(MsezError):
    """A policy (data sovereignty, authorisation) refused the operation."""
