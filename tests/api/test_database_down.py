"""The database going away: requests fail fast with SERVICE_UNAVAILABLE, and recover when it is back.

No mocks: a closed local port stands for a database that is down, and (on PostgreSQL, when
TEST_DATABASE_URL is set) a TCP proxy started here is stopped and started again in front of it.
"""

import contextlib
import os
import socket
import time
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
import strawberry
from sqlalchemy import text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from api.app import create_app
from api.errors import ClassifiedErrors
from domain.db import create_engine, database_unavailable, normalize_database_url
from domain.migrate import upgrade
from tests.conftest import NOW, _drop_postgres_database, _postgres_scratch_database
from tests.factories import WorkspaceFactory
from tests.tcp_proxy import Proxy

FAIL_FAST_SECONDS = 5.0
QUERY = {"query": "{ contacts(first: 1) { totalCount } }"}  # needs the database (viewer comes with the key check)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _down_url() -> str:
    return f"postgresql://postgres@127.0.0.1:{_closed_port()}/rapport"


@contextlib.asynccontextmanager
async def _client(engine, clock, models) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(engine=engine, clock=clock, models=models, run_jobs=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://rapport.test") as http:
        yield http


async def _post(http: httpx.AsyncClient, key: str, body: dict, **headers: str) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = await http.post("/graphql", json=body, headers={"Authorization": f"Bearer {key}", **headers})
    return response, time.monotonic() - started


@pytest.mark.asyncio
async def test_authentication_with_the_database_down_is_service_unavailable(clock, models):
    engine = create_engine(_down_url())
    try:
        async with _client(engine, clock, models) as http:
            for accept in ("application/json", "application/graphql-response+json"):
                response, elapsed = await _post(http, "rpk_" + "x" * 43, QUERY, accept=accept)
                assert elapsed < FAIL_FAST_SECONDS
                assert response.status_code == 503
                assert response.headers["retry-after"] == "5"
                assert response.headers["content-type"].startswith(accept)
                error = response.json()["errors"][0]
                assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
                assert "database is unavailable" in error["message"]
                assert "127.0.0.1" not in error["message"]  # no driver details
            ready = await http.get("/health/ready")
            assert ready.status_code == 503
    finally:
        await engine.dispose()


@pytest.mark.asyncio
async def test_a_resolver_losing_the_database_answers_service_unavailable():
    """The error classifier maps a real connection failure raised inside a resolver (not only in authentication)."""
    engine = create_engine(_down_url())

    @strawberry.type
    class Query:
        @strawberry.field
        async def answer(self) -> int:
            async with engine.connect() as connection:
                return (await connection.execute(text("SELECT 1"))).scalar_one()

    try:
        result = await strawberry.Schema(query=Query, extensions=[ClassifiedErrors]).execute("{ answer }")
    finally:
        await engine.dispose()
    assert result.errors and len(result.errors) == 1
    assert result.errors[0].extensions["code"] == "SERVICE_UNAVAILABLE"
    assert result.errors[0].message == "The database is unavailable right now; try again shortly."


@pytest.mark.asyncio
async def test_what_counts_as_the_database_being_unavailable():
    engine = create_engine(_down_url())
    try:
        with pytest.raises(Exception) as refused:
            async with engine.connect():
                pass
    finally:
        await engine.dispose()
    assert database_unavailable(refused.value)
    assert database_unavailable(TimeoutError())
    assert database_unavailable(sa_exc.TimeoutError("QueuePool limit reached"))
    try:
        raise RuntimeError("wrapped") from ConnectionResetError()
    except RuntimeError as wrapped:
        assert database_unavailable(wrapped)
    for not_ours in (ValueError("bad"), FileNotFoundError("model.joblib"), PermissionError(), KeyError("x"),
                     sa_exc.IntegrityError("INSERT", {}, Exception("duplicate key"))):
        assert not database_unavailable(not_ours)


@pytest_asyncio.fixture
async def scratch_postgres() -> AsyncIterator[str]:
    """The URL of a scratch PostgreSQL database, dropped afterwards."""
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("PostgreSQL case: set TEST_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    try:
        created = await _postgres_scratch_database()
    except OSError as exc:
        pytest.skip(f"PostgreSQL case: TEST_DATABASE_URL does not answer ({exc})")
    assert created is not None
    url, name = created
    try:
        yield url
    finally:
        await _drop_postgres_database(name)


@pytest_asyncio.fixture
async def proxied_postgres(scratch_postgres) -> AsyncIterator[tuple[Proxy, str]]:
    """The scratch database reached through a Proxy: (proxy, url through the proxy)."""
    parsed = make_url(normalize_database_url(scratch_postgres))
    proxy = Proxy(parsed.host or "127.0.0.1", parsed.port or 5432)
    await proxy.start()
    try:
        yield proxy, parsed.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    finally:
        with contextlib.suppress(AssertionError):
            await proxy.stop()


@contextlib.asynccontextmanager
async def _serving(url: str, clock, models) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """An app on the migrated database at `url`, with one workspace, that has answered once: (client, key)."""
    engine = create_engine(url)
    try:
        await upgrade(engine)
        workspace = await WorkspaceFactory(engine, now=NOW).create()
        key = next(iter(workspace.keys.values()))
        async with _client(engine, clock, models) as http:
            response, _ = await _post(http, key, QUERY)
            assert response.status_code == 200 and "errors" not in response.json(), response.text
            yield http, key
    finally:
        await engine.dispose()


@pytest.mark.asyncio
async def test_postgres_stops_and_comes_back_without_restarting_the_app(proxied_postgres, clock, models):
    proxy, url = proxied_postgres
    async with _serving(url, clock, models) as (http, key):
        await proxy.stop()  # pooled connections are cut, new ones refused
        for _ in range(3):
            response, elapsed = await _post(http, key, QUERY)
            assert elapsed < FAIL_FAST_SECONDS
            # the key's check is remembered (AUTH_CACHE_SECONDS): the resolver meets the outage and says so
            assert response.status_code == 200, response.text
            assert response.json()["data"] is None
            assert response.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        assert (await http.get("/health/ready")).status_code == 503

        await proxy.start()  # same port
        response, _ = await _post(http, key, QUERY)
        assert response.status_code == 200 and "errors" not in response.json(), response.text
        assert (await http.get("/health/ready")).status_code == 200


@pytest.mark.asyncio
async def test_a_pooled_connection_the_server_dropped_costs_the_client_nothing(scratch_postgres, clock, models):
    # given an app whose pool holds connections the server has since closed (no pre-ping at checkout)
    async with _serving(scratch_postgres, clock, models) as (http, key):
        killer = create_engine(os.environ["TEST_DATABASE_URL"])
        try:
            async with killer.connect() as connection:
                killed = (await connection.execute(
                    text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                         "WHERE datname = :db AND pid <> pg_backend_pid()"),
                    {"db": make_url(scratch_postgres).database},
                )).scalar_one()
        finally:
            await killer.dispose()
        assert killed >= 1

        # when the next requests reach for the pool
        answers = [(await _post(http, key, QUERY))[0] for _ in range(3)]

        # then each is answered: the dropped connection was replaced and the statement tried once more
        for response in answers:
            assert response.status_code == 200 and "errors" not in response.json(), response.text
