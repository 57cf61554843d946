"""Receipts: the next_root rule (open question 4), the fast commitment path, shape vs schema, envelopes, genesis."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msez.core import ArtifactRef, SchemaValidationError, ValidationError, digest_of, payload_bytes
from msez.corridor import (
    ReceiptRejectedError,
    RejectReason,
    StateChannelPolicy,
    check_envelope,
    check_receipt_shape,
    coerce_transition,
    compute_next_root,
    envelope_artifacts,
    genesis_root,
    genesis_roots,
    new_receipt,
    noop_envelope,
    normalize_digest_set,
    parse_duration,
    seal_receipt,
    sign_receipt,
    transition_envelope,
)
from msez.corridor._receipt import next_root_from_payload
from msez.schema import validate
from tests.corridor.state.conftest import CORRIDOR, LAWPACKS, RULESETS, T0, World, receipt

A, B = "aa" * 32, "0b" * 32


def test_next_root_is_the_digest_of_the_receipt_without_proof_and_next_root(world: World) -> None:
    signed = receipt(world, 0, genesis_root(world.policy).hex)
    preimage = {k: v for k, v in signed.items() if k not in ("proof", "next_root")}
    assert signed["next_root"] == digest_of(preimage).hex == compute_next_root(signed).hex


def test_digest_sets_are_committed_as_sorted_unique_bare_hex() -> None:
    entries = [B, {"artifact_type": "lawpack", "digest_sha256": A, "uri": "dist/x.zip"}, f"sha256:{B.upper()}"]
    assert normalize_digest_set(entries, artifact_type="lawpack") == [B, A]
    with pytest.raises(ValidationError, match="artifact_type must be 'lawpack', got 'ruleset'"):
        normalize_digest_set([{"artifact_type": "ruleset", "digest_sha256": A}], artifact_type="lawpack")
    with pytest.raises(ValidationError, match="must be a list"):
        normalize_digest_set(A, artifact_type="lawpack")


def test_artifact_refs_and_hex_give_the_same_root() -> None:
    """Open question 4: only the digest is committed, so hints never change the root."""
    base = dict(corridor_id=CORRIDOR, sequence=0, prev_root=A, timestamp=T0, ruleset_digest_set=[B])
    plain = new_receipt(lawpack_digest_set=[A, A], **base)
    refs = {**plain, "lawpack_digest_set": [{"artifact_type": "lawpack", "digest_sha256": A, "uri": "hint"}]}
    assert compute_next_root(refs).hex == plain["next_root"]
    assert plain["lawpack_digest_set"] == [A]


_text = st.text(alphabet=st.sampled_from('ab"\\,:{}[] é\n'), max_size=12)
_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | _text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text | st.just("next_root"), inner, max_size=3),
    max_leaves=8,
)


@given(payload=_json, corridor=_text.filter(bool), sets=st.lists(st.sampled_from([A, B]), max_size=3))
def test_the_fast_commitment_path_equals_the_rule(payload: Any, corridor: str, sets: list[str]) -> None:
    built = new_receipt(
        corridor_id=corridor,
        sequence=3,
        prev_root=A,
        timestamp=T0,
        lawpack_digest_set=sets,
        ruleset_digest_set=sets[::-1],
        transition=transition_envelope("k", payload=payload),
    )
    assert next_root_from_payload(payload_bytes(built).data, built) == built["next_root"]
    unsorted = {**built, "lawpack_digest_set": [A, B]}
    assert next_root_from_payload(payload_bytes(unsorted).data, unsorted) is None
    anchored = {**built, "anchor": {"chain_id": "x"}}
    assert next_root_from_payload(payload_bytes(anchored).data, anchored) is None


def test_signing_refuses_an_unsealed_receipt(world: World) -> None:
    built = new_receipt(
        corridor_id=CORRIDOR, sequence=0, prev_root=A, timestamp=T0, lawpack_digest_set=[], ruleset_digest_set=[]
    )
    with pytest.raises(ValidationError, match="next_root does not match"):
        sign_receipt({**built, "sequence": 1}, world.zone_a)
    assert seal_receipt({**built, "sequence": 1})["next_root"] != built["next_root"]


SHAPES = [
    pytest.param({}, None, id="valid"),
    pytest.param({"extra": 1}, "unknown field", id="unknown-field"),
    pytest.param({"sequence": -1}, "sequence must be an integer >= 0", id="negative-sequence"),
    pytest.param({"sequence": True}, "sequence must be an integer", id="bool-sequence"),
    pytest.param({"type": "CorridorStateReceipt"}, "type must be MSEZCorridorStateReceipt", id="wrong-type"),
    pytest.param({"type": "MEZCorridorStateReceipt"}, None, id="mez-type"),
    pytest.param({"prev_root": A.upper()}, "prev_root must be 64 lowercase hex", id="uppercase-root"),
    pytest.param({"timestamp": 1768478400}, "timestamp must be RFC 3339", id="numeric-timestamp"),
    pytest.param({"proof": []}, "proof must be an object or a non-empty list", id="empty-proof-list"),
    pytest.param(
        {"zk": {"proof_system": "groth16", "extra": 1}}, "zk must be an object of the zk fields", id="zk-open"
    ),
    pytest.param({"anchor": {"chain_id": "eth"}}, None, id="anchor"),
    pytest.param({"transition": "noop"}, "transition must be an object", id="transition-string"),
]


@pytest.mark.parametrize(("change", "problem"), SHAPES)
def test_shape_check_agrees_with_the_schema(world: World, change: dict[str, Any], problem: str | None) -> None:
    candidate = {**receipt(world, 0, A), **change}
    if problem is None:
        check_receipt_shape(candidate)
        validate(candidate, "corridor.receipt")
        return
    with pytest.raises(ReceiptRejectedError, match=problem) as caught:
        check_receipt_shape(candidate)
    assert caught.value.reason is RejectReason.MALFORMED
    with pytest.raises(SchemaValidationError):
        validate(candidate, "corridor.receipt")


def test_timestamps_must_parse(world: World) -> None:
    """The schema's date-time format is not enforced by jsonschema without extras; the shape check parses it."""
    with pytest.raises(ReceiptRejectedError, match="timestamp must be RFC 3339, got 'yesterday'"):
        check_receipt_shape({**receipt(world, 0, A), "timestamp": "yesterday"})


def test_a_missing_proof_is_its_own_reason(world: World) -> None:
    unsigned = {k: v for k, v in receipt(world, 0, A).items() if k != "proof"}
    with pytest.raises(ReceiptRejectedError, match="no-proof"):
        check_receipt_shape(unsigned)


def test_envelopes() -> None:
    assert noop_envelope()["payload_sha256"] == "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
    assert coerce_transition(None) == coerce_transition({}) == noop_envelope()
    assert coerce_transition({"kind": "mint", "amount": "5"})["payload"] == {"amount": "5"}
    assert coerce_transition([1, 2])["kind"] == "generic"
    legacy = transition_envelope("x", payload_sha256=A, attachments=[{"uri": "s3://a", "digest_sha256": B}])
    assert [(r.artifact_type, r.digest_sha256.hex) for r in envelope_artifacts(legacy)] == [("blob", B)]
    with pytest.raises(ValidationError, match="does not match the inline payload"):
        check_envelope({**noop_envelope(), "payload": {"x": 1}})
    with pytest.raises(ValidationError, match="needs a payload or a payload_sha256"):
        transition_envelope("x")
    with pytest.raises(ValidationError, match="artifact_type must be 'schema'"):
        transition_envelope(
            "x", payload={}, digests={"schema_digest_sha256": ArtifactRef.coerce(A, expected_type="ruleset")}
        )
    schema_ok = copy.deepcopy(legacy)
    validate(schema_ok, "transition-envelope")


def test_genesis_root_follows_spec_40_6(world: World) -> None:
    policy = world.policy
    expected = digest_of(
        {
            "tag": "msez.corridor.state.genesis.v1",
            "corridor_id": CORRIDOR,
            "definition_payload_sha256": "58" * 32,
            "agreement_set_sha256": "60" * 32,
            "lawpack_digest_set": sorted(LAWPACKS),
            "ruleset_digest_set": sorted(RULESETS),
        }
    )
    assert genesis_root(policy) == expected
    assert genesis_roots(policy)[1] == genesis_root(policy, tag="mez.corridor.state.genesis.v1") != expected
    no_agreement = policy.model_copy(update={"agreement_set_sha256": None})
    assert genesis_root(no_agreement) == digest_of({**_genesis_input(policy), "agreement_set_sha256": ""})


def _genesis_input(policy: StateChannelPolicy) -> dict[str, Any]:
    return {
        "tag": "msez.corridor.state.genesis.v1",
        "corridor_id": policy.corridor_id,
        "definition_payload_sha256": policy.definition_payload_sha256.hex,
        "lawpack_digest_set": sorted(d.hex for d in policy.lawpack_digest_set),
        "ruleset_digest_set": sorted(d.hex for d in policy.ruleset_digest_set),
    }


def test_policy_json_round_trip(world: World) -> None:
    data = world.policy.to_json()
    assert data["lawpack_digest_set"] == sorted(LAWPACKS)
    assert StateChannelPolicy.from_json(data) == world.policy
    with pytest.raises(ValidationError, match="threshold must be 'majority' or 'K/N'"):
        StateChannelPolicy.from_json({**data, "watcher_quorum": {"threshold": "most"}})


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        pytest.param("86400", 86400, id="seconds"),
        pytest.param("1h", 3600, id="hours"),
        pytest.param(" 15M ", 900, id="minutes"),
        pytest.param("2d", 172800, id="days"),
        pytest.param("PT1H", 3600, id="iso-hour"),
        pytest.param("PT1H30M", 5400, id="iso-hour-minute"),
        pytest.param("P1DT2S", 86402, id="iso-day-second"),
        pytest.param(3600, 3600, id="int"),
    ],
)
def test_staleness_durations(text: str | int, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "P", "PT", "1w", "1.5h", "P1DT", "-5", "PT1H1D"])
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="invalid duration"):
        parse_duration(text)
