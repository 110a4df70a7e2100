"""Rate limit per API key: a token bucket per key (or client address), 429 RATE_LIMITED with Retry-After.

The in-process buckets run on the app's injected clock, so refilling is tested by moving the clock.
The Redis cases run against TEST_REDIS_URL (default redis://127.0.0.1:6379/0) when it answers and are
skipped otherwise; each test uses its own key prefix and deletes its keys afterwards.
"""

import hashlib
import logging
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
import pytest_asyncio

from api.app import create_app
from domain.settings import Settings
from tests.clocks import MovingClock
from tests.conftest import NOW

VIEWER = "query Viewer { viewer { user { role } } }"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@asynccontextmanager
async def serve(settings: Settings, engine, clock, models) -> AsyncIterator[httpx.AsyncClient]:
    """A client of a fresh app (one server process) built from `settings`."""
    app = create_app(settings=settings, engine=engine, clock=clock, models=models)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://rapport.test") as http:
            yield http
    finally:
        await app.state.edge.aclose()


def limited(burst: int, per_second: float, **extra) -> Settings:
    return Settings(rate_limit_burst=burst, rate_limit_per_second=per_second, **({"redis_url": None} | extra))


async def ask(http: httpx.AsyncClient, key: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return await http.post("/graphql", json={"query": VIEWER}, headers=headers)


def assert_rate_limited(response: httpx.Response, retry_after: int) -> None:
    assert response.status_code == 429
    assert response.headers["Retry-After"] == str(retry_after)
    ((error,),) = [response.json()["errors"]]
    assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfter": retry_after}
    assert "too many requests" in error["message"]


async def test_the_request_after_the_burst_is_refused_with_retry_after(engine, clock, models, workspaces):
    # given a burst of 3 requests, refilled at 2 a second
    ws = await workspaces.create()
    async with serve(limited(3, 2), engine, clock, models) as http:
        # when the key makes 4 requests at the same instant
        answers = [await ask(http, ws.admin_key) for _ in range(4)]

    # then the first 3 are served and the 4th waits for half a second, rounded up to 1
    assert [a.status_code for a in answers[:3]] == [200, 200, 200]
    assert answers[0].json()["data"]["viewer"]["user"]["role"] == "ADMIN"
    assert_rate_limited(answers[3], retry_after=1)


async def test_retry_after_rounds_the_wait_up_to_whole_seconds(engine, clock, models, workspaces):
    # given one request per 4 seconds
    ws = await workspaces.create()
    async with serve(limited(1, 0.25), engine, clock, models) as http:
        # when
        await ask(http, ws.admin_key)
        refused = await ask(http, ws.admin_key)

    # then
    assert_rate_limited(refused, retry_after=4)


async def test_another_key_has_its_own_bucket(engine, clock, models, workspaces):
    # given the ADMIN key has used its whole burst
    ws, other = await workspaces.create(), await workspaces.create()
    async with serve(limited(3, 1), engine, clock, models) as http:
        for _ in range(3):
            await ask(http, ws.admin_key)
        assert (await ask(http, ws.admin_key)).status_code == 429

        # when other keys (same workspace, another workspace) ask
        answers = [await ask(http, key) for key in (ws.agent_key, other.admin_key, other.admin_key)]

    # then they are served
    assert [a.status_code for a in answers] == [200, 200, 200]


async def test_tokens_refill_with_time(engine, models, workspaces):
    # given a key that used its burst of 2 (refilled at 1 a second)
    ws = await workspaces.create()
    clock = MovingClock(NOW)
    async with serve(limited(2, 1), engine, clock, models) as http:
        for _ in range(2):
            await ask(http, ws.admin_key)
        assert (await ask(http, ws.admin_key)).status_code == 429

        # when half a second passes, then one second, then a long pause
        clock.advance(0.5)
        early = await ask(http, ws.admin_key)
        clock.advance(0.5)
        refilled = [await ask(http, ws.admin_key) for _ in range(2)]
        clock.advance(3600)
        after_pause = [await ask(http, ws.admin_key) for _ in range(3)]

    # then a token is back after a second, and a long pause refills no more than the burst
    assert_rate_limited(early, retry_after=1)
    assert [r.status_code for r in refilled] == [200, 429]
    assert [r.status_code for r in after_pause] == [200, 200, 429]


async def test_invented_keys_are_limited_by_client_address(engine, clock, models, workspaces):
    # given a burst of 3 and an ADMIN key that has authenticated once
    ws = await workspaces.create()
    async with serve(limited(3, 1), engine, clock, models) as http:
        assert (await ask(http, ws.admin_key)).status_code == 200

        # when one address sends five requests, each with a key it made up
        invented = [await ask(http, f"rpk_{uuid.uuid4().hex}") for _ in range(5)]
        # and then the known key, a request without a key, and an invented key from another address ask
        known = await ask(http, ws.admin_key)
        anonymous = await ask(http, None)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=http._transport.app, client=("203.0.113.9", 4000)),
            base_url="http://rapport.test",
        ) as elsewhere:
            other_address = await ask(elsewhere, f"rpk_{uuid.uuid4().hex}")

    # then the invented keys share the address's 3 new-key tokens, one of which the ADMIN key's first
    # request took: three of the five are refused; nobody else is affected
    assert [r.status_code for r in invented] == [200, 200, 429, 429, 429]
    assert invented[0].json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert_rate_limited(invented[2], retry_after=1)
    assert known.status_code == 200 and known.json()["data"]["viewer"]["user"]["role"] == "ADMIN"
    assert anonymous.status_code == 200
    assert other_address.status_code == 200


async def test_requests_without_a_key_are_limited_by_client_address(engine, clock, models, workspaces):
    # given a burst of 2 and a key that is not valid
    ws = await workspaces.create()
    async with serve(limited(2, 1), engine, clock, models) as http:
        # when the same address asks three times without a key, then with a valid key
        anonymous = [await ask(http, None) for _ in range(3)]
        keyed = await ask(http, ws.admin_key)

    # then the anonymous third is refused; the key has its own bucket
    assert [r.status_code for r in anonymous] == [200, 200, 429]
    assert anonymous[0].json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert keyed.status_code == 200


@pytest.mark.parametrize(("burst", "per_second"), [(0, 1), (1, 0)], ids=["burst-0", "rate-0"])
async def test_zero_disables_the_limit(engine, clock, models, workspaces, burst, per_second):
    # given
    ws = await workspaces.create()
    async with serve(limited(burst, per_second), engine, clock, models) as http:
        # when
        answers = [await ask(http, ws.admin_key) for _ in range(5)]

    # then
    assert {a.status_code for a in answers} == {200}


async def test_health_checks_are_not_limited(engine, clock, models):
    # given
    async with serve(limited(1, 1), engine, clock, models) as http:
        # when
        answers = [await http.get("/health/live") for _ in range(3)]

    # then
    assert {a.status_code for a in answers} == {200}


async def test_default_settings_allow_a_burst_of_120_then_refill_20_a_second():
    # given / when
    settings = Settings(_env_file=None)

    # then
    assert (settings.rate_limit_burst, settings.rate_limit_per_second) == (120, 20)


# --- Redis: one bucket per key shared by every server process ---------------------------------------


@pytest_asyncio.fixture
async def redis_prefix() -> AsyncIterator[str]:
    """A key prefix of this test on the test Redis (skipped when Redis does not answer); keys deleted after."""
    from redis.asyncio import Redis

    redis = Redis.from_url(REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5)
    try:
        await redis.ping()
    except Exception as exc:  # noqa: BLE001 - any failure: no Redis to test against
        await redis.aclose()
        pytest.skip(f"Redis case: {REDIS_URL} does not answer ({type(exc).__name__}); set TEST_REDIS_URL")
    prefix = f"rapport-test:{uuid.uuid4().hex}:"
    try:
        yield prefix
    finally:
        keys = [k async for k in redis.scan_iter(match=prefix + "*")]
        if keys:
            await redis.delete(*keys)
        await redis.aclose()


async def test_two_processes_share_one_bucket_per_key_on_redis(engine, clock, models, workspaces, redis_prefix):
    # given two server processes on one Redis, with a burst of 4 refilled every 10 seconds
    ws = await workspaces.create()
    settings = limited(4, 0.1, redis_url=REDIS_URL, rate_limit_redis_prefix=redis_prefix)
    async with serve(settings, engine, clock, models) as one, serve(settings, engine, clock, models) as two:
        # when the key alternates between them
        answers = [await ask(http, ws.admin_key) for http in (one, two, one, two, one, two)]
        other_key = await ask(two, ws.agent_key)

    # then together they allow 4; the 5th waits for a whole token (10 s, at most); other keys are unaffected
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429, 429]
    retry = answers[4].json()["errors"][0]["extensions"]["retryAfter"]
    assert answers[4].json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert 9 <= retry <= 10 and answers[4].headers["Retry-After"] == str(retry)
    assert other_key.status_code == 200


async def test_redis_keeps_only_the_hash_of_the_key(engine, clock, models, workspaces, redis_prefix):
    from redis.asyncio import Redis

    # given
    ws = await workspaces.create()
    settings = limited(4, 1, redis_url=REDIS_URL, rate_limit_redis_prefix=redis_prefix)

    # when
    async with serve(settings, engine, clock, models) as http:
        await ask(http, ws.admin_key)

    # then the bucket is named after the SHA-256 of the key and expires once it would be full again
    redis = Redis.from_url(REDIS_URL)
    try:
        keys = sorted([k.decode() async for k in redis.scan_iter(match=redis_prefix + "*")])
        digest = hashlib.sha256(ws.admin_key.encode()).hexdigest()
        # the key's bucket, and its address's bucket of keys not yet seen to authenticate
        assert keys == [f"{redis_prefix}key:{digest}", f"{redis_prefix}newkey:127.0.0.1"]
        assert not any(ws.admin_key in key for key in keys)
        assert 0 < await redis.pttl(keys[0]) <= 5000
    finally:
        await redis.aclose()


async def test_an_unreachable_redis_fails_open_to_per_process_buckets(engine, clock, models, workspaces, caplog):
    # given REDIS_URL points at a port where nothing listens
    ws = await workspaces.create()
    settings = limited(2, 1, redis_url="redis://127.0.0.1:1/0")

    # when
    with caplog.at_level(logging.WARNING, logger="api.ratelimit"):
        async with serve(settings, engine, clock, models) as http:
            answers = [await ask(http, ws.admin_key) for _ in range(3)]

    # then requests are served (and still limited, by this process's buckets), with a warning logged
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert any("Redis" in r.getMessage() and "unavailable" in r.getMessage() for r in caplog.records)
