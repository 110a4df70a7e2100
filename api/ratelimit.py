"""Rate limiting per API key: a token bucket in front of /graphql, answered with 429 and RATE_LIMITED.

Each caller has a bucket of `burst` tokens refilled at `per_second` tokens a second; a request takes
one token (a batch one per operation, all or none: the body step before counted them) or is refused
with a `Retry-After` (whole seconds, rounded up).
The caller is the SHA-256 of its bearer key (the raw key is never kept, not even in memory as a dict
key) or, without a key, its client address. A key not yet seen to authenticate also spends from its
address's bucket of new keys, so invented keys do not each get a fresh bucket.

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

from api.body_limits import OPERATIONS_STATE
from api.headers import bearer_credential, header
from api.http_errors import refuse

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
    async def take(self, key: str, tokens: int = 1) -> Decision:
        """Take `tokens` tokens from the key's bucket, all or none."""
        ...


class LocalBuckets:
    """Token buckets in this process; `now` is an injectable clock in seconds (tests move it)."""

    def __init__(self, *, burst: int, per_second: float, now: Callable[[], float] = time.monotonic) -> None:
        self.burst, self.per_second, self._now = burst, per_second, now
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, at)

    async def take(self, key: str, tokens: int = 1) -> Decision:
        now = self._now()
        held, at = self._buckets.pop(key, (float(self.burst), now))
        held = min(float(self.burst), held + max(0.0, now - at) * self.per_second)
        if held >= tokens:
            decision = Decision(True)
            held -= tokens
        else:
            decision = Decision(False, (tokens - held) / self.per_second)
        self._buckets[key] = (held, now)  # most recently used last
        while len(self._buckets) > MAX_LOCAL_BUCKETS:
            self._buckets.popitem(last=False)
        return decision


# KEYS[1] the bucket; ARGV burst, per_second, tokens wanted (all or none). Redis's own clock, so
# processes with skewed clocks agree.
# Numbers go back as strings: Redis would truncate Lua numbers to integers.
_TOKEN_BUCKET_LUA = """
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local wanted = tonumber(ARGV[3])
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
if tokens >= wanted then
  tokens = tokens - wanted
  allowed = 1
else
  retry = (wanted - tokens) / rate
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

    async def take(self, key: str, tokens: int = 1) -> Decision:
        if time.monotonic() < self._down_until:
            return await self._fallback.take(key, tokens)
        try:
            allowed, retry = await self._script(keys=[self.prefix + key], args=[self.burst, self.per_second, tokens])
        except Exception as exc:  # noqa: BLE001 - any Redis failure: limit locally rather than refuse
            self._down_until = time.monotonic() + REDIS_RETRY_SECONDS
            log.warning(
                "rate limit store (Redis) unavailable, limiting per process for %ss: %s",
                REDIS_RETRY_SECONDS, type(exc).__name__,
            )
            return await self._fallback.take(key, tokens)
        return Decision(bool(int(allowed)), float(retry))

    async def aclose(self) -> None:
        await self._redis.aclose()


def _bearer_digest(scope: Scope) -> str | None:
    """The SHA-256 (hex) of the request's bearer credential, or None without one."""
    credential = bearer_credential(header(scope, b"authorization"))
    return None if credential is None else hashlib.sha256(credential.encode("utf-8")).hexdigest()


def address_key(scope: Scope, kind: str = "ip") -> str:
    """`<kind>:<client address>` (behind a proxy, uvicorn's --proxy-headers puts the real client here)."""
    client = scope.get("client")
    return f"{kind}:{client[0] if client else 'unknown'}"


def caller_key(scope: Scope) -> str:
    """`key:<sha256 of the bearer key>`, or `ip:<client address>` without one."""
    digest = _bearer_digest(scope)
    return address_key(scope) if digest is None else "key:" + digest


def retry_after_seconds(retry_after: float) -> int:
    return max(1, math.ceil(retry_after))


_STATE_KEY = "rapport.ratelimit"
MAX_KNOWN_KEYS = 100_000


@dataclass
class _Caller:
    """What the middleware knows of the request being served, for the authentication step to fill in."""

    authenticated: bool = False


def note_authenticated(scope: Scope) -> None:
    """Called once the request's key authenticated: later requests with it skip the address bucket."""
    state = scope.get("state")
    caller = state.get(_STATE_KEY) if isinstance(state, dict) else None
    if isinstance(caller, _Caller):
        caller.authenticated = True


async def refuse_rate_limited(scope: Scope, receive: Receive, send: Send, decision: Decision) -> None:
    seconds = retry_after_seconds(decision.retry_after)
    await refuse(
        scope, receive, send, 429, f"too many requests: try again in {seconds} s",
        code=RATE_LIMITED, extensions={"retryAfter": seconds}, headers={"Retry-After": str(seconds)},
    )


class RateLimitMiddleware:
    """ASGI middleware: takes one token per HTTP request, or answers 429 RATE_LIMITED.

    A request with a key this process has not yet seen authenticate also takes a token from its
    address's bucket of new keys (`newkey:<address>`, apart from the `ip:<address>` bucket of requests
    without a key): whoever invents keys is limited per address instead of getting a fresh bucket with
    every key. A key joins the known ones (an LRU of digests) once a request with it authenticates;
    from then on only the key's own bucket counts.
    """

    def __init__(self, app: ASGIApp, *, store: BucketStore) -> None:
        self.app, self.store = app, store
        self._known: OrderedDict[str, None] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            # A WebSocket handshake takes a token (browsers send no key on it: their address's bucket);
            # refused, it is closed before being accepted, which the server answers with HTTP 403.
            if (await self.store.take(caller_key(scope))).allowed:
                await self.app(scope, receive, send)
            else:
                await send({"type": "websocket.close", "code": 1008, "reason": RATE_LIMITED})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        digest = _bearer_digest(scope)
        key = address_key(scope) if digest is None else "key:" + digest
        state = scope.setdefault("state", {})
        decision = await self.store.take(key, state.get(OPERATIONS_STATE, 1))
        if decision.allowed and digest is not None and digest not in self._known:
            decision = await self.store.take(address_key(scope, "newkey"))
        if not decision.allowed:
            await refuse_rate_limited(scope, receive, send, decision)
            return
        caller = _Caller()
        state[_STATE_KEY] = caller
        try:
            await self.app(scope, receive, send)
        finally:
            if digest is not None and caller.authenticated:
                self._remember(digest)

    def _remember(self, digest: str) -> None:
        self._known[digest] = None
        self._known.move_to_end(digest)
        while len(self._known) > MAX_KNOWN_KEYS:
            self._known.popitem(last=False)


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
