"""Acceptance 4: sign/verify round trip over random JSON subjects (no floats), for every suite."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msez.core import payload_digest
from msez.vc import DEFAULT_SUITES, Reason, add_proof, verify_credential
from tests.vc.conftest import NOW, credential, signer

_text = st.text(st.characters(codec="utf-8"), max_size=12)
_scalars = st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1) | _text
subjects = st.dictionaries(
    _text,
    st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4)),
    max_size=6,
)


@pytest.mark.parametrize("suite", DEFAULT_SUITES.names)
@given(subject=subjects)
def test_round_trip_over_random_subjects(suite: str, subject: dict[str, Any]) -> None:
    document = {**credential(signer(1)), "credentialSubject": subject}

    signed = add_proof(add_proof(document, signer(1), suite=suite, created=NOW), signer(2), suite=suite, created=NOW)
    reread = json.loads(json.dumps(signed, ensure_ascii=False))

    assert verify_credential(reread, now=NOW).ok
    assert payload_digest(reread) == payload_digest(document)
    tampered = {**reread, "credentialSubject": {**subject, "\x00tampered-by-test": True}}
    assert verify_credential(tampered, now=NOW).reasons == (Reason.BAD_SIGNATURE,)
