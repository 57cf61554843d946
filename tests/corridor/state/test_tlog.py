"""Checkpoints as C2SP tlog-checkpoint signed notes: round trip, tampering, witnesses' cosignatures."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest

from msez.core import ValidationError, VerificationError
from msez.corridor import NoteKey, TlogCheckpoint, add_signature, sign_note, verify_checkpoint_note, verify_note
from msez.crypto import SigningKey
from tests.corridor.state.conftest import CORRIDOR, T0, World, verified

ORIGIN = f"msez.corridor/{CORRIDOR}"


def _note(world: World, checkpoint: dict[str, Any]) -> tuple[str, NoteKey]:
    body = TlogCheckpoint.from_checkpoint(verified(world, checkpoint), origin=ORIGIN).body()
    return sign_note(body, "zone-a", world.zone_a.key), NoteKey("zone-a", world.zone_a.verifying_key)


def test_round_trip(world: World, every_hundred: list[dict[str, Any]]) -> None:
    last = verified(world, every_hundred[-1])
    note, key = _note(world, every_hundred[-1])
    body, signatures = note.split("\n\n")
    assert body.split("\n") == [ORIGIN, "1000", base64.b64encode(bytes.fromhex(last.root)).decode()]
    assert signatures.startswith("\u2014 zone-a ") and signatures.endswith("\n")
    assert len(base64.b64decode(signatures.split()[-1])) == 4 + 64
    parsed, names = verify_checkpoint_note(note, {"zone-a": NoteKey.parse(key.vkey())}, checkpoint=last)
    assert (parsed.origin, parsed.size, parsed.root_hash.hex(), names) == (ORIGIN, 1000, last.root, ("zone-a",))


def test_key_id_follows_signed_note() -> None:
    key = SigningKey.from_seed(bytes(32)).verifying_key
    expected = hashlib.sha256(b"example.com/log\n\x01" + key.raw).digest()[:4]
    assert NoteKey("example.com/log", key).key_id == expected
    encoded = NoteKey("a", key).vkey().split("+")[2]
    assert NoteKey.parse(f"a+{NoteKey('a', key).key_id.hex()}+{encoded}").key == key
    with pytest.raises(ValidationError, match="key id 00000000 does not match"):
        NoteKey.parse(f"a+00000000+{encoded}")


@pytest.mark.parametrize(
    ("tamper", "error", "message"),
    [
        pytest.param(lambda n: n.replace("\n1000\n", "\n1001\n"), VerificationError, "does not verify", id="size"),
        pytest.param(
            lambda n: n.replace("msez.corridor", "msez.corridor2", 1), VerificationError, "does not verify", id="origin"
        ),
        pytest.param(
            lambda n: n[:-6] + ("AAAA" if n[-6:-2] != "AAAA" else "BBBB") + n[-2:],
            VerificationError,
            "does not verify",
            id="signature",
        ),
        pytest.param(lambda n: n.replace("\n\n", "\n"), ValidationError, "blank line", id="no-blank-line"),
        pytest.param(lambda n: n.replace("\u2014", "-"), ValidationError, "malformed note signature line", id="dash"),
    ],
)
def test_tampered_notes_fail(
    world: World, every_hundred: list[dict[str, Any]], tamper: Any, error: type[Exception], message: str
) -> None:
    note, key = _note(world, every_hundred[-1])
    with pytest.raises(error, match=message):
        verify_note(tamper(note), {"zone-a": key})


def test_unknown_signers_are_ignored_but_someone_known_must_sign(
    world: World, every_hundred: list[dict[str, Any]]
) -> None:
    note, key = _note(world, every_hundred[-1])
    other = NoteKey("zone-b", world.zone_b.verifying_key)
    with pytest.raises(VerificationError, match="not signed by any of: zone-b"):
        verify_note(note, {"zone-b": other})
    both = add_signature(note, "zone-b", world.zone_b.key)
    assert verify_note(both, {"zone-a": key, "zone-b": other})[1] == ("zone-a", "zone-b")


def test_a_witness_cosigns(world: World, every_hundred: list[dict[str, Any]]) -> None:
    note, key = _note(world, every_hundred[-1])
    witness = world.watchers[0]
    cosigned = add_signature(note, "witness.example", witness.key, cosign_at=T0)
    witness_key = NoteKey("witness.example", witness.verifying_key, 0x04)
    assert verify_note(cosigned, {"zone-a": key, "witness.example": witness_key})[1] == ("zone-a", "witness.example")
    with pytest.raises(VerificationError, match=r"witness\.example does not verify"):
        verify_note(cosigned.replace("\n1000\n", "\n1001\n"), {"witness.example": witness_key})


def test_a_note_must_match_its_checkpoint(world: World, every_hundred: list[dict[str, Any]]) -> None:
    note, key = _note(world, every_hundred[-1])
    with pytest.raises(VerificationError, match=r"the note \(size 1000\) is not the checkpoint \(size 900\)"):
        verify_checkpoint_note(note, {"zone-a": key}, checkpoint=verified(world, every_hundred[-2]))
    with pytest.raises(ValidationError, match="without spaces"):
        TlogCheckpoint.from_checkpoint(verified(world, every_hundred[0]), origin="two words")
