"""Rate limiting per API key: a token bucket in front of /graphql, answered with 429 and RATE_LIMITED.

Each caller has a bucket of `burst` tokens refilled at `per_second` tokens a second; a request takes
one token or is refused with a `Retry-After` (whole seconds, rounded up). The caller is the SHA-256
of its bearer key (the raw key is never kept, not even in memory as a dict key) or, without a key,
its client address.

Buckets live in this process unless REDIS_URL is set: then one atomic Lua script on Redis keeps
them, so every server process shares one bucket per caller. If Redis does not answer, requests are
limited by this process's own buckets (a warning is logged, Redis is tried again a few seconds later):
an outage of a cache must not take the API down (failing closed would refuse every request), and
falling back to local buckets keeps a per-process limit instead of none at all.
"""

import hashlib
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from starlette.types import ASGIApp, Receive, Scope, Send

from api.http_errors import graphql_error_response

log = logging.getLogger(__name__)

RATE_LIMITED = "RATE_LIMITED"
# Redis keys expire once a full bucket would have refilled; in-process, idle buckets beyond this are dropped.
MAX_LOCAL_BUCKETS = 100_000
REDIS_RETRY_SECONDS = 5.0


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: float = 0.0  # seconds until one token is back (0 when allowed)


class BucketStore(Protocol):
    async def take(self, key: str) -> Decision: ...


class LocalBuckets:
    """Token buckets in this process; `now` is an injectable clock in seconds (tests move it)."""

    def __init__(self, *, burst: int, per_second: float, now: Callable[[], float] = time.monotonic) -> None:
        self.burst, self.per_second, self._now = burst, per_second, now
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, at)

    async def take(self, key: str) -> Decision:
        now = self._now()
        tokens, at = self._buckets.pop(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + max(0.0, now - at) * self.per_second)
        if tokens >= 1:
            decision = Decision(True)
            tokens -= 1
        else:
            decision = Decision(False, (1 - tokens) / self.per_second)
        self._buckets[key] = (tokens, now)  # most recently used last
        while len(self._buckets) > MAX_LOCAL_BUCKETS:
            self._buckets.popitem(last=False)
        return decision


# KEYS[1] the bucket; ARGV burst, per_second. Redis's own clock, so processes with skewed clocks agree.
# Numbers go back as strings: Redis would truncate Lua numbers to integers.
_TOKEN_BUCKET_LUA = """
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = burst
  at = now
end
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local allowed = 0
local retry = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retry = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {allowed, tostring(retry)}
"""


class RedisBuckets:
    """The same buckets on Redis, shared by every process; falls back to `fallback` while Redis is down."""

    def __init__(
        self, *, url: str, burst: int, per_second: float, fallback: BucketStore, prefix: str = "rapport:ratelimit:"
    ) -> None:
        from redis.asyncio import Redis

        self.burst, self.per_second, self.prefix, self._fallback = burst, per_second, prefix, fallback
        # Short timeouts: a Redis that hangs must not hold requests for long before the fallback answers.
        self._redis = Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        self._script = self._redis.register_script(_TOKEN_BUCKET_LUA)
        self._down_until = 0.0

    async def take(self, key: str) -> Decision:
        if time.monotonic() < self._down_until:
            return await self._fallback.take(key)
        try:
            allowed, retry = await self._script(keys=[self.prefix + key], args=[self.burst, self.per_second])
        except Exception as exc:  # noqa: BLE001 - any Redis failure: limit locally rather than refuse
            self._down_until = time.monotonic() + REDIS_RETRY_SECONDS
            log.warning(
                "rate limit store (Redis) unavailable, limiting per process for %ss: %s: %s",
                REDIS_RETRY_SECONDS, type(exc).__name__, exc,
            )
            return await self._fallback.take(key)
        return Decision(bool(int(allowed)), float(retry))

    async def aclose(self) -> None:
        await self._redis.aclose()


def caller_key(scope: Scope) -> str:
    """`key:<sha256 of the bearer key>`, or `ip:<client address>` without one."""
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, key = value.decode("latin-1").partition(" ")
            key = key.strip()
            if scheme.lower() == "bearer" and key:
                return "key:" + hashlib.sha256(key.encode("utf-8")).hexdigest()
            break
    client = scope.get("client")
    return f"ip:{client[0] if client else 'unknown'}"


def retry_after_seconds(retry_after: float) -> int:
    return max(1, math.ceil(retry_after))


class RateLimitMiddleware:
    """ASGI middleware: takes one token per HTTP request, or answers 429 RATE_LIMITED."""

    def __init__(self, app: ASGIApp, *, store: BucketStore) -> None:
        self.app, self.store = app, store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        decision = await self.store.take(caller_key(scope))
        if decision.allowed:
            await self.app(scope, receive, send)
            return
        seconds = retry_after_seconds(decision.retry_after)
        response = graphql_error_response(
            429,
            f"too many requests: try again in {seconds} s",
            code=RATE_LIMITED,
            extensions={"retryAfter": seconds},
            headers={"Retry-After": str(seconds)},
        )
        await response(scope, receive, send)


def bucket_store(
    *, burst: int, per_second: float, redis_url: str | None, now: Callable[[], float] = time.monotonic,
    redis_prefix: str = "rapport:ratelimit:",
) -> BucketStore | None:
    """The store the settings ask for; None when rate limiting is off (burst or rate 0)."""
    if burst <= 0 or per_second <= 0:
        return None
    local = LocalBuckets(burst=burst, per_second=per_second, now=now)
    if not redis_url:
        return local
    return RedisBuckets(url=redis_url, burst=burst, per_second=per_second, fallback=local, prefix=redis_prefix)
