"""The corridor lifecycle (spec 40.14, v2 table) on the msez.state engine, driven by signed transition VCs.

States ``DRAFT`` (initial), ``PENDING``, ``ACTIVE``, ``HALTED``, ``SUSPENDED``, ``DEPRECATED`` (terminal); the nine
transitions of the v2 table and no others. ``PROPOSED`` and ``OPERATIONAL`` (the defective v1 names) are refused
everywhere: as a target, in a stored lifecycle, in a state-machine document.

:meth:`CorridorLifecycle.apply` takes a lifecycle-transition VC and runs, in order:

1. the VC's schema and its proofs (at least one valid); its valid signers' roles come from the policy;
2. ``corridor_id`` is this corridor's and ``from_state`` the current state; the pair is in the table (else the
   refusal lists the valid targets);
3. evidence: inline VCs, ArtifactRefs resolved through the artifact store (type ``vc``, digest re-checked) and
   the subject's ``evidence[]``; every one must verify, and their types feed the table's evidence gate. A fork
   resolution counts only if it binds (a ``zone_authority`` signer, spec open question 13);
4. the engine: required evidence types, then the guard (``zone_authority`` authorisation, or the finality gate
   ``receipt_signed`` for activation: decision on spec open question 12);
5. the state moves, ``since = transitioned_at``, and the history records the evidence digests (the transition
   VC's own payload digest included), the signer and the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from msez.core import (
    ArtifactRef,
    MsezError,
    StateTransitionError,
    Timestamp,
    ValidationError,
    VerificationError,
    load_json,
    payload_digest,
)
from msez.corridor._channel import StateChannelPolicy, base_did
from msez.corridor._finality import FinalityLevel
from msez.corridor._fork import verified_resolution
from msez.corridor._names import (
    AGREEMENT_VC,
    DEFINITION_VC,
    FORK_ALARM_VC,
    FORK_RESOLUTION_VC,
    FORK_RESOLUTION_VCS,
    LIFECYCLE_TRANSITION_TYPES,
    LIFECYCLE_TRANSITION_VC,
    LIFECYCLE_TRANSITION_VCS,
    LIFECYCLE_TYPE,
    STATE_MACHINE_TYPE,
    STATE_MACHINE_TYPES,
    msez_name,
)
from msez.crypto import ArtifactStore
from msez.schema import validate
from msez.state import (
    Evidence,
    Guard,
    GuardInput,
    Lifecycle,
    MachineDefinition,
    MachineModel,
    ManualClock,
    Refusal,
    StateMachine,
    StateSpec,
    Transition,
    TransitionContext,
    TransitionNotDefinedError,
    TransitionRecord,
    dump_machine,
    load_machine,
    parse_model,
    require_role,
)
from msez.vc import Credential, KeyResolver, verify_credential

ZONE_AUTHORITY: Final = "zone_authority"
LEGACY_STATES: Final = {"PROPOSED": "DRAFT or PENDING", "OPERATIONAL": "ACTIVE"}
FINALITY_FACT: Final = "finality_level"


def require_finality(level: FinalityLevel) -> Guard:
    """A guard allowing only when the context's ``finality_level`` fact is at least ``level``."""

    def check(g: GuardInput) -> Refusal | None:
        got = g.context.facts.get(FINALITY_FACT)
        if isinstance(got, FinalityLevel) and got >= level:
            return None
        shown = got.label if isinstance(got, FinalityLevel) else "none supplied"
        return Refusal(f"finality {level.label} required; got {shown}")

    check.__name__ = f"require_finality({level.label})"
    return check


_ZONE = require_role(ZONE_AUTHORITY)

CORRIDOR_MACHINE: Final = MachineDefinition(
    "corridor",
    states=tuple(
        StateSpec(name, name, terminal=name == "DEPRECATED")
        for name in ("DRAFT", "PENDING", "ACTIVE", "HALTED", "SUSPENDED", "DEPRECATED")
    ),
    initial="DRAFT",
    transitions=(
        Transition("submit", "DRAFT", "PENDING", frozenset({DEFINITION_VC})),
        Transition(
            "activate", "PENDING", "ACTIVE", frozenset({AGREEMENT_VC}), require_finality(FinalityLevel.RECEIPT_SIGNED)
        ),
        Transition("halt", "ACTIVE", "HALTED", frozenset({FORK_ALARM_VC})),
        Transition("suspend", "ACTIVE", "SUSPENDED", guard=_ZONE),
        Transition("resume_from_halt", "HALTED", "ACTIVE", frozenset({FORK_RESOLUTION_VC})),
        Transition("resume_from_suspension", "SUSPENDED", "ACTIVE", guard=_ZONE),
        Transition("deprecate", "ACTIVE", "DEPRECATED", guard=_ZONE),
        Transition("deprecate_from_halt", "HALTED", "DEPRECATED", guard=_ZONE),
        Transition("deprecate_from_suspension", "SUSPENDED", "DEPRECATED", guard=_ZONE),
    ),
)


def refuse_legacy_state(name: Any, *, path: str = "$") -> None:
    """Raises: ValidationError: ``name`` is ``PROPOSED`` or ``OPERATIONAL``."""
    if isinstance(name, str) and name in LEGACY_STATES:
        raise ValidationError(
            f"{name} is a v1 corridor state (use {LEGACY_STATES[name]}); the v2 lifecycle refuses it", path=path
        )


class CorridorLifecycleModel(MachineModel):
    type: str = LIFECYCLE_TYPE
    corridor_id: str
    since: Timestamp | None = None


class CorridorLifecycle(Lifecycle):
    """One corridor's lifecycle: state, ``since``, and the history of applied transition VCs."""

    __slots__ = ("_clock", "corridor_id", "since")

    def __init__(self, corridor_id: str) -> None:
        self._clock = ManualClock(Timestamp.from_unix(0))
        super().__init__(StateMachine(CORRIDOR_MACHINE, clock=self._clock))
        self.corridor_id = corridor_id
        self.since: Timestamp | None = None

    def apply(
        self,
        transition_vc: Mapping[str, Any],
        policy: StateChannelPolicy,
        *,
        evidence: Iterable[Mapping[str, Any]] = (),
        store: ArtifactStore | None = None,
        finality: FinalityLevel | None = None,
        now: Timestamp | None = None,
        resolver: KeyResolver | None = None,
    ) -> TransitionRecord:
        """Apply a lifecycle-transition VC (steps 1-5 of the module docstring).

        Side effects: changes the state, ``since`` and the history.

        Raises:
            SchemaValidationError, VerificationError: step 1 or 3. ValidationError: wrong corridor or a legacy
            state. StateTransitionError (TransitionNotDefinedError, MissingEvidenceError, GuardRefusedError):
            steps 2 and 4, naming the valid targets or what is missing.
        """
        at = now or Timestamp.now()
        self._refuse_legacy(transition_vc)
        subject, signers = self._verified_transition(transition_vc, policy, at, resolver)  # (1)
        to_state, moment = self._check_request(subject)  # (2)
        supplied = [*evidence, *self._evidence_refs(subject, store)]
        evidence_items = [_evidence_of(vc, policy, at, resolver) for vc in supplied]  # (3)
        context = TransitionContext(
            actor=min(signers) if signers else None,
            roles=frozenset(r for r in (policy.role_of(s) for s in signers) if r is not None),
            evidence=(
                Evidence(LIFECYCLE_TRANSITION_VC, payload_digest(transition_vc)),
                *(item for group in evidence_items for item in group),
            ),
            facts={FINALITY_FACT: finality} if finality is not None else {},
            reason=subject.get("reason"),
        )
        self._clock.set(moment)
        record = self.machine.transition(to_state, context)  # (4), (5)
        self.since = moment
        return record

    def _verified_transition(
        self, document: Mapping[str, Any], policy: StateChannelPolicy, now: Timestamp, resolver: KeyResolver | None
    ) -> tuple[Mapping[str, Any], frozenset[str]]:
        validate(document, "vc.corridor-lifecycle-transition")
        report = verify_credential(document, resolver=resolver, now=now)
        if not report.ok:
            raise VerificationError(f"lifecycle transition VC does not verify: {report.summary()}")
        subject = Credential.from_json(document).subjects[0]
        if subject["corridor_id"] != self.corridor_id or policy.corridor_id != self.corridor_id:
            raise ValidationError(
                f"the transition is for corridor {subject['corridor_id']!r}, not {self.corridor_id!r}"
            )
        return subject, frozenset(base_did(m) for m in report.valid_methods)

    @staticmethod
    def _refuse_legacy(document: Mapping[str, Any]) -> None:
        subject = document.get("credentialSubject")
        if isinstance(subject, Mapping):
            for name in ("from_state", "to_state"):
                refuse_legacy_state(subject.get(name), path=f"$.credentialSubject.{name}")

    def _check_request(self, subject: Mapping[str, Any]) -> tuple[str, Timestamp]:
        from_state, to_state = subject["from_state"], subject["to_state"]
        if from_state != self.state:
            raise StateTransitionError(
                f"from_state {from_state} is not the current state {self.state}",
                from_state=self.state,
                to_state=to_state,
                valid_targets=self.valid_targets(),
            )
        if CORRIDOR_MACHINE.find(self.state, to_state) is None:
            what = f"{self.state} is terminal" if self.is_terminal else "not a transition of the v2 corridor table"
            raise TransitionNotDefinedError(
                what, from_state=self.state, to_state=to_state, valid_targets=self.valid_targets()
            )
        moment = Timestamp.parse(subject["transitioned_at"])
        if self.since is not None and moment < self.since:
            raise ValidationError(f"transitioned_at {moment} precedes the current state's since {self.since}")
        return to_state, moment

    @staticmethod
    def _evidence_refs(subject: Mapping[str, Any], store: ArtifactStore | None) -> list[Mapping[str, Any]]:
        refs = list(subject.get("evidence", []))
        if not refs:
            return []
        if store is None:
            raise ValidationError("the transition names evidence by reference; an artifact store is needed")
        out = []
        for ref in refs:
            parsed = ArtifactRef.coerce(ref, default_type="vc")
            where = f"{parsed.artifact_type}/{parsed.digest_sha256.hex}"
            value = load_json(store.resolve_ref(parsed), source=where)  # the store re-checks the digest
            if not isinstance(value, Mapping):
                raise ValidationError(f"evidence {where} is not a credential")
            out.append(value)
        return out

    def to_json(self) -> dict[str, Any]:
        return dump_machine(
            self.machine, CorridorLifecycleModel, type=LIFECYCLE_TYPE, corridor_id=self.corridor_id, since=self.since
        )

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CorridorLifecycle:
        """Load the JSON form written by :meth:`to_json`.

        Raises:
            ValidationError: malformed, a legacy state name, or a history that does not chain to the state.
        """
        refuse_legacy_state(data.get("state"), path="$.state")
        for index, record in enumerate(data.get("history") or []):
            if isinstance(record, Mapping):
                for name in ("from_state", "to_state"):
                    refuse_legacy_state(record.get(name), path=f"$.history[{index}].{name}")
        parsed = parse_model(CorridorLifecycleModel, data)
        lifecycle = cls(parsed.corridor_id)
        lifecycle._machine = load_machine(CORRIDOR_MACHINE, parsed, lifecycle._clock)
        lifecycle.since = parsed.since
        return lifecycle


def _evidence_of(
    document: Mapping[str, Any], policy: StateChannelPolicy, now: Timestamp, resolver: KeyResolver | None
) -> list[Evidence]:
    """The typed evidence one VC provides, once it verifies (and, for a fork resolution, binds)."""
    try:
        credential = Credential.from_json(document)
    except MsezError as e:
        raise ValidationError(f"evidence is not a credential: {e.message}") from e
    corridor = credential.subjects[0].get("corridor_id")
    if corridor is not None and corridor != policy.corridor_id:
        raise ValidationError(f"evidence {credential.id or '(no id)'} is for corridor {corridor!r}")
    if FORK_RESOLUTION_VCS & set(credential.types):
        verified_resolution(document, policy, resolver=resolver, now=now)
    else:
        report = verify_credential(document, resolver=resolver, now=now)
        if not report.ok:
            raise VerificationError(f"evidence {credential.id or '(no id)'} does not verify: {report.summary()}")
    digest = payload_digest(document)
    skip = {"VerifiableCredential", *LIFECYCLE_TRANSITION_VCS, *LIFECYCLE_TRANSITION_TYPES}
    return [Evidence(msez_name(t), digest) for t in credential.types if t not in skip]


def machine_document() -> dict[str, Any]:
    """Our table as a ``corridor.lifecycle.state-machine.v2`` document (msez type name)."""
    rows = []
    for t in CORRIDOR_MACHINE.transitions:
        row: dict[str, Any] = {"from": t.from_state, "to": t.to_state, "kind": t.name}
        if t.required_evidence:
            row["requires_evidence_vc_types"] = sorted(t.required_evidence)
        if t.name == "activate":
            row["requires_finality_level"] = FinalityLevel.RECEIPT_SIGNED.label
        if t.guard is _ZONE:
            row["authorization"] = ZONE_AUTHORITY
        rows.append(row)
    return {
        "type": STATE_MACHINE_TYPE,
        "version": "v2",
        "supersedes": "v1",
        "states": list(CORRIDOR_MACHINE.state_names),
        "initial_state": CORRIDOR_MACHINE.initial,
        "terminal_states": sorted(CORRIDOR_MACHINE.terminal),
        "allowed_transitions": rows,
    }


def check_machine_document(document: Mapping[str, Any]) -> None:
    """Check that a state-machine document states exactly our v2 table (descriptions and notes aside).

    Raises:
        ValidationError: a legacy (v1) state, another type, or any difference in states or transitions.
    """
    if document.get("type") not in STATE_MACHINE_TYPES:
        raise ValidationError(f"not a corridor state machine: type {document.get('type')!r}")
    for index, state in enumerate(document.get("states") or []):
        refuse_legacy_state(state, path=f"$.states[{index}]")
    ours = machine_document()

    def rows(doc: Mapping[str, Any]) -> set[tuple[Any, ...]]:
        return {
            (
                r.get("from"),
                r.get("to"),
                r.get("kind"),
                tuple(sorted(msez_name(v) for v in r.get("requires_evidence_vc_types", []))),
                r.get("requires_finality_level"),
                r.get("authorization"),
            )
            for r in doc.get("allowed_transitions", [])
        }

    for name in ("states", "initial_state", "terminal_states"):
        if document.get(name) != ours[name]:
            raise ValidationError(f"{name} {document.get(name)!r} differs from the v2 table's {ours[name]!r}")
    if rows(document) != rows(ours):
        raise ValidationError(f"transitions differ from the v2 table: {sorted(rows(document) ^ rows(ours), key=str)}")
