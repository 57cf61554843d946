"""Settings from the environment, first-start bootstrap, token parsing, the Redis limiter, and `msez serve`."""

from __future__ import annotations

import asyncio
import os
import socket
import stat
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx2
import pytest

from msez.api import Authenticator, AuthError, RateLimit, Role, Settings, ensure_admin_token, ensure_zone_key
from msez.api._ratelimit import MemoryRateLimiter, RedisRateLimiter
from msez.core import ValidationError
from msez.store import Database
from tests.api.conftest import error, make_api
from tests.conftest import REPO

ZONE = REPO / "jurisdictions" / "pk-rsez" / "zone.yaml"


def test_first_start_writes_private_key_and_token_once(tmp_path: Path) -> None:
    key, created = ensure_zone_key(tmp_path / "zone-key.jwk")
    again, created_again = ensure_zone_key(tmp_path / "zone-key.jwk")
    token, token_created = ensure_admin_token(tmp_path)
    assert (created, created_again, token_created) == (True, False, True)
    assert again.verifying_key == key.verifying_key
    assert ensure_admin_token(tmp_path) == (token, False) and len(token) >= 40
    for name in ("zone-key.jwk", "admin-token"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600


def test_settings_from_the_environment(tmp_path: Path) -> None:
    key, _ = ensure_zone_key(tmp_path / "k.jwk")
    entity = str(uuid.uuid4())
    env = {
        "MSEZ_DATA_DIR": str(tmp_path),
        "MSEZ_ZONE": str(ZONE),
        "MSEZ_ZONE_KEY_FILE": str(tmp_path / "k.jwk"),
        "MSEZ_ADMIN_TOKEN": "s3cret",
        "MSEZ_API_TOKENS": f"regulator::r, entity_operator:{entity}:o",
        "MSEZ_RATE_LIMIT": "50/10",
    }
    settings = Settings.from_env(env)
    assert (settings.zone_id, settings.jurisdiction_id) == ("org.momentum.msez.zone.pk.rsez", "pk-rsez")
    assert settings.database_url == f"sqlite:///{tmp_path / 'msez.db'}"
    assert settings.zone_key.verifying_key == key.verifying_key
    assert settings.api_tokens == ("regulator::r", f"entity_operator:{entity}:o")
    assert settings.rate_limit == RateLimit(50, 10)
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        pytest.param({"MSEZ_ZONE_KEY_FILE": "/nonexistent/k.jwk"}, "cannot read the zone key", id="no-key"),
        pytest.param({"MSEZ_RATE_LIMIT": "fast"}, "rate limit must be <count>/<seconds>", id="rate"),
        pytest.param({"MSEZ_RATE_LIMIT": "0/60"}, "must be positive", id="rate-zero"),
    ],
)
def test_bad_settings_are_refused(tmp_path: Path, env: dict[str, str], message: str) -> None:
    ensure_zone_key(tmp_path / "zone-key.jwk")
    with pytest.raises(ValidationError, match=message):
        Settings.from_env({"MSEZ_DATA_DIR": str(tmp_path), "MSEZ_ZONE": str(ZONE), **env})


def test_tokens_prove_their_role_and_entity() -> None:
    entity = str(uuid.uuid4())
    auth = Authenticator(admin_token="adm", tokens=["regulator::reg", f"entity_operator:{entity}:op"])
    assert auth.authenticate("Bearer adm").role is Role.ZONE_ADMIN
    assert auth.authenticate("Bearer zone_admin::adm").role is Role.ZONE_ADMIN
    assert auth.authenticate("bearer regulator::reg").role is Role.REGULATOR
    operator = auth.authenticate(f"Bearer entity_operator:{entity.upper()}:op")
    assert (operator.role, operator.entity_id) == (Role.ENTITY_OPERATOR, entity)
    for forged in ("zone_admin::reg", f"entity_operator:{uuid.uuid4()}:op", "regulator::adm", "entity_operator::op"):
        with pytest.raises(AuthError):
            auth.authenticate(f"Bearer {forged}")


def test_malformed_configured_tokens_are_refused() -> None:
    with pytest.raises(ValidationError, match="configured API token is malformed: unknown role: root"):
        Authenticator(admin_token=None, tokens=["root::x"])


def test_the_memory_limiter_resets_per_window() -> None:
    limiter = MemoryRateLimiter(RateLimit(2, 60))
    decisions = [asyncio.run(limiter.hit("k")) for _ in range(3)]
    assert [d.allowed for d in decisions] == [True, True, False]
    assert 59 <= decisions[2].retry_after_s <= 60
    assert asyncio.run(limiter.hit("other")).allowed


def test_redis_limiters_share_one_count() -> None:
    async def scenario() -> list[bool]:
        first, second = (
            RedisRateLimiter("redis://127.0.0.1:6379/0", RateLimit(3, 30), prefix=prefix) for _ in range(2)
        )
        try:
            hits = [await first.hit("tok"), await second.hit("tok"), await first.hit("tok"), await second.hit("tok")]
        finally:
            await first.close()
            await second.close()
        return [h.allowed for h in hits]

    prefix = f"msez-test:{uuid.uuid4().hex}:"
    if not _reachable(6379):
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    assert asyncio.run(scenario()) == [True, True, True, False]


def test_msez_serve_starts_a_node(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MSEZ_")}
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "msez"),
            "serve",
            "--zone",
            str(ZONE),
            "--data-dir",
            str(tmp_path),
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**env, "PYTHONUNBUFFERED": "1"},
        text=True,
    )
    try:
        status = _wait_ready(port)
        token = (tmp_path / "admin-token").read_text().strip()
        created = httpx2.post(
            f"http://127.0.0.1:{port}/v1/entities",
            json={"entity_type": "company", "legal_name": "Indus Serve Test Ltd"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=20)
    assert status == 200
    assert created.status_code == 201
    assert created.json()["orchestration"]["credential"]["type"][-1] == "MsezFormationComplianceCredential"
    assert (tmp_path / "artifacts" / "regpack").is_dir()  # the pinned packs were built into the data dir
    assert f"admin token  {token}" in output
    assert f"http://localhost:{port}" in output
    assert "did:key:z6Mk" in output


def _wait_ready(port: int) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            return httpx2.get(f"http://127.0.0.1:{port}/health/readiness", timeout=10).status_code
        except httpx2.TransportError:
            time.sleep(0.2)
    return 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _reachable(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_an_unreachable_redis_refuses_requests_with_503(db: Database, zone: str) -> None:
    for api in make_api(db, zone, redis_url="redis://127.0.0.1:1/0"):
        response = api.get("/v1/fiscal/trial-balance")
        assert response.status_code == 503
        assert error(response) == {
            "code": "SERVICE_UNAVAILABLE",
            "message": "rate limiter unavailable: ConnectionError",
        }
