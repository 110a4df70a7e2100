"""Revocation, expiry and deactivation reach every server process within AUTH_CACHE_SECONDS, and open WebSockets.

Two apps over one database stand for two server processes. Their clock is one the test moves, so
"within the cache time" is checked without waiting for it.
"""

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from api.app import create_app
from api.ids import to_global_id
from domain.db import session_factory
from domain.enums import Role
from domain.services import api_keys, users
from domain.settings import Settings
from tests.api.access_helpers import API_KEYS, act, viewer_role
from tests.api.test_subscriptions import live_server, receive, websocket
from tests.clocks import MovingClock
from tests.conftest import NOW
from tests.graphql_client import data_of, gql
from tests.sql_counter import counted_statements

CACHE_SECONDS = 5


@asynccontextmanager
async def process(engine, clock, models, **settings) -> AsyncIterator[httpx.AsyncClient]:
    """A client of a fresh app: one server process, with its own authentication cache."""
    settings = {"redis_url": None, "auth_cache_seconds": CACHE_SECONDS, **settings}
    app = create_app(Settings(**settings), engine=engine, clock=clock, models=models, run_jobs=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://rapport.test") as http:
        yield http


@pytest.fixture
def moving_clock() -> MovingClock:
    return MovingClock(NOW)


async def test_a_revoked_key_is_refused_at_once_here_and_within_the_cache_time_elsewhere(engine, models, workspaces, moving_clock):
    # given a key both processes have just seen authenticate
    ws = await workspaces.create()
    async with process(engine, moving_clock, models) as here, process(engine, moving_clock, models) as there:
        issued = await act(here, "ApiKeyCreate", {"input": {"label": "shared"}}, key=ws.admin_key)
        assert await viewer_role(here, issued["key"]) == await viewer_role(there, issued["key"]) == "ADMIN"

        # when it is revoked in one of them
        await act(here, "ApiKeyRevoke", {"id": issued["apiKey"]["id"]}, key=ws.admin_key)

        # then that one refuses it from the next request; the other within the cache time, not later
        assert await viewer_role(here, issued["key"]) is None
        moving_clock.advance(CACHE_SECONDS - 1)
        assert await viewer_role(there, issued["key"]) == "ADMIN"
        moving_clock.advance(1)
        assert await viewer_role(there, issued["key"]) is None


async def test_a_deactivation_or_demotion_from_the_command_line_reaches_running_servers(engine, models, workspaces, moving_clock):
    # given a running server that has seen the OPERATOR's and the AGENT's keys
    ws = await workspaces.create()
    async with process(engine, moving_clock, models) as server:
        assert await viewer_role(server, ws.keys[Role.OPERATOR]) == "OPERATOR"
        assert await viewer_role(server, ws.agent_key) == "AGENT"

        # when the operator of the installation changes them (another process: the services the CLI runs)
        async with session_factory(engine)() as session:
            await users.set_role(session=session, principal=None, workspace_id=ws.id, user_id=ws.users[Role.OPERATOR],
                                 role=Role.AGENT, now=NOW)
            await users.set_active(session=session, principal=None, workspace_id=ws.id, user_id=ws.users[Role.AGENT],
                                   active=False, now=NOW)
        moving_clock.advance(CACHE_SECONDS)

        # then
        assert await viewer_role(server, ws.keys[Role.OPERATOR]) == "AGENT"
        assert await viewer_role(server, ws.agent_key) is None


async def test_an_expired_key_is_refused_even_while_remembered(engine, models, workspaces, moving_clock):
    ws = await workspaces.create()
    async with process(engine, moving_clock, models, auth_cache_seconds=10) as server:
        issued = await act(server, "ApiKeyCreate", {"input": {"expiresInDays": 1}}, key=ws.admin_key)
        moving_clock.advance(24 * 3600 - 3)
        assert await viewer_role(server, issued["key"]) == "ADMIN"  # checked and remembered for 10 s

        moving_clock.advance(2)
        assert await viewer_role(server, issued["key"]) == "ADMIN"
        moving_clock.advance(1)  # its expiry instant, 3 s into the cache time
        assert await viewer_role(server, issued["key"]) is None
        listed = data_of(await gql(server, API_KEYS, {"first": 10}, key=ws.admin_key))["apiKeys"]["edges"]
        assert {e["node"]["id"]: e["node"]["active"] for e in listed}[issued["apiKey"]["id"]] is False


async def test_last_use_is_written_about_once_a_minute_not_per_request(engine, models, workspaces, moving_clock):
    # given a server that checks every request against the database (no cache)
    ws = await workspaces.create()
    async with process(engine, moving_clock, models, auth_cache_seconds=0) as server:
        # when the key makes ten requests within a minute, then one more a minute later
        with counted_statements(engine) as statements:
            for _ in range(10):
                assert await viewer_role(server, ws.agent_key) == "AGENT"
                moving_clock.advance(5)
            moving_clock.advance(15)
            assert await viewer_role(server, ws.agent_key) == "AGENT"
        listed = data_of(await gql(server, API_KEYS, {"first": 10}, key=ws.admin_key))["apiKeys"]["edges"]

    # then two writes in all, and the listing shows the latest
    writes = [s for s in statements if s.lstrip().upper().startswith("UPDATE API_KEY")]
    assert len(writes) == 2
    agent_key = next(e["node"] for e in listed if e["node"]["user"]["role"] == "AGENT")
    assert agent_key["lastUsedAt"] == "2026-11-20T12:01:05+00:00"


async def test_an_open_websocket_is_closed_when_its_key_is_revoked_in_this_process(engine, clock, models, workspaces):
    # given an AGENT's subscription connection and an ADMIN on the same server
    ws = await workspaces.create()
    key = await _extra_agent_key(engine, ws)
    async with live_server(engine, clock, models, auth_cache_seconds=CACHE_SECONDS) as address:
        async with websocket(address, payload={"Authorization": f"Bearer {key.key}"}) as connection:
            assert (await receive(connection))["type"] == "connection_ack"

            # when the ADMIN revokes the key over HTTP
            async with httpx.AsyncClient(base_url=f"http://{address}") as http:
                revoked = await act(http, "ApiKeyRevoke", {"id": to_global_id("ApiKey", key.row.id)}, key=ws.admin_key)
            assert revoked["userErrors"] == []

            # then the server closes the connection with 4403 (well before the cache time)
            code = await _closed_with(connection, timeout=CACHE_SECONDS - 1)

    assert code == 4403


async def test_an_open_websocket_is_closed_within_the_cache_time_when_another_process_deactivates_its_user(
    engine, clock, models, workspaces
):
    # given
    ws = await workspaces.create()
    async with live_server(engine, clock, models, auth_cache_seconds=1) as address:
        async with websocket(address, payload={"Authorization": f"Bearer {ws.agent_key}"}) as connection:
            assert (await receive(connection))["type"] == "connection_ack"

            # when the command line (another process) deactivates the AGENT
            async with session_factory(engine)() as session:
                await users.set_active(session=session, principal=None, workspace_id=ws.id,
                                       user_id=ws.users[Role.AGENT], active=False, now=NOW)

            # then
            code = await _closed_with(connection, timeout=10)

    assert code == 4403


async def test_a_websocket_with_a_valid_key_stays_open(engine, clock, models, workspaces):
    ws = await workspaces.create()
    async with live_server(engine, clock, models, auth_cache_seconds=1) as address:
        async with websocket(address, payload={"Authorization": f"Bearer {ws.agent_key}"}) as connection:
            assert (await receive(connection))["type"] == "connection_ack"
            # two re-checks later it still answers pings
            await asyncio.sleep(2.5)
            await connection.send(json.dumps({"type": "ping"}))
            assert (await receive(connection))["type"] == "pong"


async def _extra_agent_key(engine, ws) -> api_keys.IssuedKey:
    async with session_factory(engine)() as session:
        return await api_keys.create_key(session=session, principal=None, workspace_id=ws.id,
                                         user_id=ws.users[Role.AGENT], label="ws", expires_in_days=None, now=NOW)


async def _closed_with(connection, *, timeout: float) -> int | None:
    """Wait (at most `timeout` s) for the server to close the connection; its close code."""
    with pytest.raises(ConnectionClosed) as closed:
        async with asyncio.timeout(timeout):
            while True:
                await connection.recv()
    return closed.value.rcvd.code if closed.value.rcvd else None
