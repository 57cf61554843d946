"""The engine itself: definition validation, the four checks in order, records, guards, JSON round trips."""

from __future__ import annotations

import pytest

from msez.core import StateTransitionError, ValidationError, digest_of
from msez.state import (
    LICENCE_MACHINE,
    Evidence,
    GuardInput,
    GuardRefusedError,
    MachineDefinition,
    ManualClock,
    MissingEvidenceError,
    Refusal,
    StateMachine,
    StateSpec,
    Transition,
    TransitionContext,
    TransitionNotDefinedError,
    all_of,
    require_role,
)
from tests.state.conftest import ctx, evidence

STATES = (StateSpec("Draft", "DRAFT"), StateSpec("Live", "LIVE"), StateSpec("Gone", "GONE", terminal=True))


def finality_at_least(level: int):  # type: ignore[no-untyped-def]
    def finality(g: GuardInput) -> Refusal | None:
        found = g.context.facts.get("finality_level", -1)
        return None if found >= level else Refusal(f"finality level {level} required, got {found}")

    return finality


def corridor_like() -> MachineDefinition:
    """A small machine gated the way the corridor lifecycle v2 is: evidence types, authority and finality."""
    return MachineDefinition(
        "demo",
        states=STATES,
        initial="Draft",
        transitions=(
            Transition(
                "activate",
                "Draft",
                "Live",
                frozenset({"AgreementCredential"}),
                all_of(require_role("zone_authority"), finality_at_least(1)),
            ),
            Transition("retire", "Live", "Gone", guard=require_role("zone_authority")),
        ),
    )


@pytest.mark.parametrize(
    ("states", "initial", "transitions", "message"),
    [
        pytest.param((*STATES, StateSpec("Draft", "X")), "Draft", (), "unique", id="duplicate-name"),
        pytest.param((*STATES, StateSpec("X", "DRAFT")), "Draft", (), "unique", id="duplicate-code"),
        pytest.param(STATES, "Nowhere", (), "initial state 'Nowhere'", id="unknown-initial"),
        pytest.param(STATES, "Draft", (Transition("go", "Draft", "Moon"),), "unknown state 'Moon'", id="unknown-end"),
        pytest.param(STATES, "Draft", (Transition("back", "Gone", "Live"),), "leaves terminal", id="out-of-terminal"),
        pytest.param(
            STATES,
            "Draft",
            (Transition("a", "Draft", "Live"), Transition("b", "Draft", "Live")),
            "two transitions Draft -> Live",
            id="duplicate-pair",
        ),
        pytest.param(
            STATES,
            "Draft",
            (Transition("go", "Draft", "Live"), Transition("go", "Live", "Gone")),
            "leads to two states",
            id="name-two-targets",
        ),
    ],
)
def test_bad_definitions_are_refused(
    states: tuple[StateSpec, ...], initial: str, transitions: tuple[Transition, ...], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        MachineDefinition("bad", states=states, initial=initial, transitions=transitions)


def test_checks_run_in_order_and_name_what_is_missing() -> None:
    machine = StateMachine(corridor_like())
    with pytest.raises(TransitionNotDefinedError, match=r"Draft -> Gone: .*\(valid targets: Live\)"):
        machine.transition("Gone")
    with pytest.raises(MissingEvidenceError, match="missing: AgreementCredential") as missing:
        machine.transition("Live", TransitionContext(roles=frozenset({"zone_authority"})))
    assert missing.value.missing == ("AgreementCredential",)
    with pytest.raises(GuardRefusedError, match="authorisation 'zone_authority' required; the caller holds: regulator"):
        machine.transition("Live", TransitionContext(roles={"regulator"}, evidence=evidence("AgreementCredential")))
    with pytest.raises(GuardRefusedError, match="finality level 1 required, got 0") as refused:
        machine.transition(
            "Live",
            TransitionContext(
                roles={"zone_authority"}, evidence=evidence("AgreementCredential"), facts={"finality_level": 0}
            ),
        )
    assert refused.value.guard == "all_of(require_role(zone_authority), finality)"
    assert machine.state == "Draft" and machine.history == ()


def test_applied_transition_is_recorded_with_clock_actor_and_evidence(clock: ManualClock) -> None:
    machine = StateMachine(corridor_like(), clock=clock)
    proof = Evidence.of("AgreementCredential", {"vc": 1})
    context = TransitionContext(
        actor="did:key:z6MkZone", roles={"zone_authority"}, evidence=(proof,), facts={"finality_level": 2}, reason="go"
    )
    record = machine.transition("LIVE", context)
    assert (record.from_state, record.to_state, record.transition) == ("Draft", "Live", "activate")
    assert record.at == clock() and record.actor == "did:key:z6MkZone" and record.reason == "go"
    assert record.evidence_digests == (digest_of({"vc": 1}),)
    assert machine.code == "LIVE" and machine.valid_targets() == ("Gone",)


def test_fire_by_name() -> None:
    machine = StateMachine(LICENCE_MACHINE)
    assert machine.fire("review").to_state == "UnderReview"
    with pytest.raises(TransitionNotDefinedError, match="expire is not allowed from UnderReview") as refused:
        machine.fire("expire")
    assert (refused.value.to_state, refused.value.valid_targets) == ("Expired", ("Active", "Rejected"))
    with pytest.raises(TransitionNotDefinedError, match="no transition named 'fly'"):
        machine.fire("fly")


def test_guard_refusal_naming_evidence_is_a_missing_evidence_error() -> None:
    def needs_photo(g: GuardInput) -> Refusal | None:
        return Refusal("a photo is needed", missing_evidence=("photo",))

    definition = MachineDefinition(
        "photo", states=STATES, initial="Draft", transitions=(Transition("go", "Draft", "Live", guard=needs_photo),)
    )
    with pytest.raises(MissingEvidenceError, match="a photo is needed; missing: photo"):
        StateMachine(definition).transition("Live")


def test_all_of_refuses_to_be_empty() -> None:
    with pytest.raises(ValidationError, match="at least one guard"):
        all_of()


def test_unknown_start_state_is_refused() -> None:
    with pytest.raises(ValidationError, match="'OPERATIONAL' is not a state of the demo machine; expected one of"):
        StateMachine(corridor_like(), state="OPERATIONAL")


def test_describe_lists_the_table() -> None:
    table = corridor_like().describe()
    assert table["states"][2] == {"name": "Gone", "code": "GONE", "terminal": True}
    assert table["transitions"][0] == {
        "name": "activate",
        "from_state": "Draft",
        "to_state": "Live",
        "required_evidence": ["AgreementCredential"],
        "guard": "all_of(require_role(zone_authority), finality)",
    }


def test_evidence_parse_accepts_both_digest_forms() -> None:
    digest = digest_of({})
    assert Evidence.parse("x", str(digest)) == Evidence.parse("x", digest.hex) == Evidence("x", digest)
    with pytest.raises(ValidationError):
        Evidence.parse("x", "not-a-digest")


def test_context_facts_are_frozen_and_overridable() -> None:
    context = ctx(stage=1)
    with pytest.raises(TypeError):
        context.facts["stage"] = 2  # type: ignore[index]
    assert context.with_facts(stage=2).facts["stage"] == 2 and context.facts["stage"] == 1


def test_a_state_transition_error_is_what_callers_catch() -> None:
    with pytest.raises(StateTransitionError):
        StateMachine(corridor_like()).fire("retire")
