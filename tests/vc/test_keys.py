"""Key files (spec X.4): OKP JWKs and wrappers, 0600 writes, no overwrite, no key material in errors."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from msez.core import ConflictError, CryptoError, ValidationError
from msez.crypto import SigningKey
from msez.vc import Signer, load_signer, signer_from_json, write_private_jwk, write_public_jwk

KEY = SigningKey.from_seed(bytes(range(32)))


@pytest.mark.parametrize(
    ("content", "method"),
    [
        pytest.param(KEY.private_jwk(kid="zone-1"), f"{KEY.verifying_key.did}#zone-1", id="jwk"),
        pytest.param({**KEY.private_jwk(), "kid": ""}, f"{KEY.verifying_key.did}#key-1", id="jwk-default-kid"),
        pytest.param(
            {"private_jwk": KEY.private_jwk(), "verificationMethod": "did:web:zone.example#k"},
            "did:web:zone.example#k",
            id="wrapper",
        ),
        pytest.param({"jwk": KEY.private_jwk(kid="a"), "vm": "did:web:z#a"}, "did:web:z#a", id="wrapper-short-names"),
    ],
)
def test_key_file_forms(content: dict[str, Any], method: str) -> None:
    loaded = signer_from_json(content)

    assert loaded.verification_method == method
    assert loaded.verifying_key == KEY.verifying_key


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        pytest.param([], CryptoError, "must hold a JSON object", id="not-object"),
        pytest.param({"kty": "RSA"}, CryptoError, "expected an OKP JWK", id="rsa"),
        pytest.param(
            {**KEY.private_jwk(), "x": SigningKey.generate().private_jwk()["x"]},
            CryptoError,
            "does not match",
            id="x-d",
        ),
        pytest.param({"private_jwk": KEY.private_jwk(), "verificationMethod": 7}, ValidationError, "DID URL", id="vm"),
    ],
)
def test_bad_key_files(content: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        signer_from_json(content)


def test_written_private_key_is_0600_and_loads(tmp_path: Path) -> None:
    path = tmp_path / "zone.jwk"

    write_private_jwk(path, KEY, kid="zone-1")

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = load_signer(path)
    assert loaded.verification_method == Signer.from_key(KEY, kid="zone-1").verification_method
    assert loaded.verifying_key == KEY.verifying_key
    assert [p.name for p in tmp_path.iterdir()] == ["zone.jwk"]


def test_existing_key_files_are_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "zone.jwk"
    write_private_jwk(path, KEY)

    with pytest.raises(ConflictError, match="exists; refusing to overwrite"):
        write_private_jwk(path, SigningKey.generate())
    assert load_signer(path).verifying_key == KEY.verifying_key
    other = SigningKey.generate()
    write_private_jwk(path, other, overwrite=True)
    assert load_signer(path).verifying_key == other.verifying_key


def test_public_jwk_has_no_private_part(tmp_path: Path) -> None:
    path = tmp_path / "zone.pub.jwk"

    write_public_jwk(path, KEY.verifying_key)

    assert json.loads(path.read_text()) == {"crv": "Ed25519", "kid": "key-1", "kty": "OKP", "x": KEY.private_jwk()["x"]}


def test_load_errors_never_quote_the_file(tmp_path: Path) -> None:
    secret = KEY.private_jwk()["d"]
    path = tmp_path / "broken.jwk"
    path.write_text(json.dumps(KEY.private_jwk())[:-5])

    with pytest.raises(CryptoError, match="key file is not valid JSON") as caught:
        load_signer(path)
    assert secret not in str(caught.value)
    with pytest.raises(CryptoError, match="cannot read key file"):
        load_signer(tmp_path / "missing.jwk")
