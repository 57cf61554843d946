"""Per-token rate limits: a fixed window, in memory or shared through Redis.

Fixed window, as the reference (§12.4): a counter per token per window, refused once it reaches the limit,
``Retry-After`` the seconds left in the window. In memory the counters live in the event-loop thread of one
worker (no lock needed); with Redis one Lua script does ``INCR`` + ``PEXPIRE`` + ``PTTL`` atomically, so every
worker and node shares the count. Stale in-memory windows are pruned once the table passes 10,000 keys.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Final, Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from msez.api._settings import RateLimit
from msez.core import MsezError

_PRUNE_AT: Final = 10_000
_SCRIPT: Final = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}
"""


class LimiterError(MsezError):
    """The shared rate-limit store cannot be reached (requests are refused with 503, not let through)."""


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after_s: int = 0


class RateLimiter(Protocol):
    async def hit(self, key: str) -> Decision:
        """Count one request for ``key`` and say whether it may proceed."""
        ...

    async def close(self) -> None: ...


class MemoryRateLimiter:
    """Counters in this process (each worker limits on its own)."""

    def __init__(self, limit: RateLimit) -> None:
        self._limit = limit
        self._windows: dict[str, tuple[float, int]] = {}

    async def hit(self, key: str) -> Decision:
        now = time.monotonic()
        start, count = self._windows.get(key, (now, 0))
        if now - start >= self._limit.window_s:
            start, count = now, 0
        if count >= self._limit.requests:
            return Decision(False, max(1, math.ceil(start + self._limit.window_s - now)))
        if len(self._windows) >= _PRUNE_AT:
            self._prune(now)
        self._windows[key] = (start, count + 1)
        return Decision(True)

    async def close(self) -> None:
        self._windows.clear()

    def _prune(self, now: float) -> None:
        window = self._limit.window_s
        self._windows = {k: v for k, v in self._windows.items() if now - v[0] < window}


class RedisRateLimiter:
    """Counters in Redis, shared by every worker."""

    def __init__(self, url: str, limit: RateLimit, *, prefix: str = "msez:ratelimit:") -> None:
        self._limit = limit
        self._prefix = prefix
        self._redis: Redis = Redis.from_url(url)
        self._script = self._redis.register_script(_SCRIPT)

    async def hit(self, key: str) -> Decision:
        try:
            count, ttl_ms = await self._script(keys=[self._prefix + key], args=[self._limit.window_s * 1000])
        except RedisError as e:
            raise LimiterError(f"rate limiter unavailable: {type(e).__name__}") from e
        if int(count) > self._limit.requests:
            return Decision(False, max(1, math.ceil(int(ttl_ms) / 1000)))
        return Decision(True)

    async def close(self) -> None:
        await self._redis.aclose()


def rate_limiter(limit: RateLimit, redis_url: str | None) -> RateLimiter:
    """Redis-backed when ``redis_url`` is set, in memory otherwise."""
    return RedisRateLimiter(redis_url, limit) if redis_url else MemoryRateLimiter(limit)
