"""`jobProgress` over a real WebSocket (graphql-transport-ws) to a real uvicorn server, and the origin allow-list.

The server runs in this test's event loop on a free loopback port; the client is the `websockets`
library (installed with uvicorn[standard]). Jobs are queued over HTTP and worked off by the runner's
own `run_batch`, as the server's runner does, so each test decides when the job moves.
"""

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import uvicorn
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from api.app import create_app
from api.ids import parse_global_id
from domain.db import session_factory
from domain.imports.handler import ImportHandler
from domain.jobs import registry
from domain.enums import JobKind
from domain.jobs.runner import JobRunner
from domain.settings import Settings
from tests.api.test_import import GOOD, upload

PROGRESS = "subscription Progress($id: ID!) { jobProgress(id: $id) { id status total processed failed finishedAt error } }"
ALLOWED = "https://app.example.com"


@asynccontextmanager
async def live_server(engine, clock, models, **settings: Any) -> AsyncIterator[str]:
    """A uvicorn server of a fresh app on a free loopback port; yields its host:port."""
    app = create_app(
        settings=Settings(redis_url=None, job_progress_poll_seconds=0.02, cors_origins=[ALLOWED], **settings),
        engine=engine, clock=clock, models=models, run_jobs=False,
    )
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            assert not task.done(), "the server did not start"
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


@asynccontextmanager
async def websocket(address: str, *, payload: dict | None = None, origin: str | None = None) -> AsyncIterator[ClientConnection]:
    """A graphql-transport-ws connection, initialised with `payload`."""
    headers = {"Origin": origin} if origin else None
    async with connect(
        f"ws://{address}/graphql", subprotocols=["graphql-transport-ws"], additional_headers=headers, open_timeout=5
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": payload or {}}))
        yield ws


async def receive(ws: ClientConnection) -> dict:
    return json.loads(await asyncio.wait_for(ws.recv(), 5))


async def queued_import(address: str, key: str) -> str:
    async with httpx.AsyncClient(base_url=f"http://{address}") as http:
        payload = await upload(http, key, GOOD)
    assert payload["userErrors"] == [] and payload["job"]["status"] == "PENDING"
    return payload["job"]["id"]


async def test_job_progress_sends_the_state_then_each_change_until_the_job_has_finished(
    engine, clock, models, workspaces, monkeypatch
):
    # given an import of 3 rows queued, worked off one row per batch
    ws = await workspaces.create()
    monkeypatch.setitem(registry._HANDLERS, JobKind.IMPORT, ImportHandler(batch_rows=1, parallel_min_rows=10**9))
    runner = JobRunner(session_factory(engine), clock)
    async with live_server(engine, clock, models) as address:
        job_id = await queued_import(address, ws.admin_key)

        # when an AGENT subscribes, and the job moves one batch at a time
        async with websocket(address, payload={"Authorization": f"Bearer {ws.agent_key}"}) as connection:
            assert (await receive(connection))["type"] == "connection_ack"
            await connection.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": PROGRESS, "variables": {"id": job_id}}}))
            states = [(await receive(connection))["payload"]["data"]["jobProgress"]]
            done = False
            while not done:
                done = await runner.run_batch(parse_global_id(job_id)[1])
                states.append((await receive(connection))["payload"]["data"]["jobProgress"])
            final = await receive(connection)

    # then it saw the job queued, each batch's progress, and the end; then the subscription completed
    assert states[0] == {
        "id": job_id, "status": "PENDING", "total": 3, "processed": 0, "failed": 0, "finishedAt": None, "error": None
    }
    assert [(s["status"], s["processed"]) for s in states[1:]] == [
        ("RUNNING", 1), ("RUNNING", 2), ("RUNNING", 3), ("COMPLETED", 3)
    ]
    assert states[-1]["finishedAt"] and states[-2]["finishedAt"] is None
    assert final == {"id": "1", "type": "complete"}


async def test_another_workspace_cannot_follow_the_job(engine, clock, models, workspaces):
    # given a job of one workspace
    ws, other = await workspaces.create(), await workspaces.create()
    async with live_server(engine, clock, models) as address:
        job_id = await queued_import(address, ws.admin_key)

        # when another workspace's ADMIN subscribes to it
        async with websocket(address, payload={"Authorization": f"Bearer {other.admin_key}"}) as connection:
            await receive(connection)
            await connection.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": PROGRESS, "variables": {"id": job_id}}}))
            answer = await receive(connection)

    # then it is as if the job did not exist
    assert answer["type"] == "next"
    assert answer["payload"]["data"] is None
    assert answer["payload"]["errors"][0]["extensions"] == {"code": "NOT_FOUND", "field": "id"}


@pytest.mark.parametrize("payload", [{}, {"Authorization": "Bearer rpk_not-a-key"}], ids=["no key", "unknown key"])
async def test_a_connection_without_a_valid_key_is_closed(engine, clock, models, payload):
    # given / when
    async with live_server(engine, clock, models) as address:
        async with websocket(address, payload=payload) as connection:
            with pytest.raises(ConnectionClosed) as closed:
                await receive(connection)

    # then
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403


async def test_a_key_in_the_handshake_header_works_for_non_browser_clients(engine, clock, models, workspaces):
    # given
    ws = await workspaces.create()
    async with live_server(engine, clock, models) as address:
        job_id = await queued_import(address, ws.admin_key)
        # when
        async with connect(
            f"ws://{address}/graphql", subprotocols=["graphql-transport-ws"],
            additional_headers={"Authorization": f"Bearer {ws.agent_key}"}, open_timeout=5,
        ) as connection:
            await connection.send(json.dumps({"type": "connection_init"}))
            ack = await receive(connection)
            await connection.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": PROGRESS, "variables": {"id": job_id}}}))
            first = await receive(connection)

    # then
    assert ack["type"] == "connection_ack"
    assert first["payload"]["data"]["jobProgress"]["status"] == "PENDING"


async def test_queries_go_over_http_and_subscriptions_over_websocket(engine, clock, models, workspaces):
    # given
    ws = await workspaces.create()
    async with live_server(engine, clock, models) as address:
        job_id = await queued_import(address, ws.admin_key)
        # when a query is sent over the WebSocket, and the subscription over HTTP
        async with websocket(address, payload={"Authorization": f"Bearer {ws.admin_key}"}) as connection:
            await receive(connection)
            await connection.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": "{ viewer { user { role } } }"}}))
            over_websocket = await receive(connection)
        async with httpx.AsyncClient(base_url=f"http://{address}") as http:
            over_http = await http.post(
                "/graphql", json={"query": PROGRESS, "variables": {"id": job_id}},
                headers={"Authorization": f"Bearer {ws.admin_key}"},
            )

    # then each is refused with a pointer to the other transport
    assert over_websocket["payload"]["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "over HTTP" in over_websocket["payload"]["errors"][0]["message"]
    assert over_http.status_code == 200 and "data" not in over_http.json()
    assert over_http.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "over WebSocket" in over_http.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("origin", "opens"),
    [(ALLOWED, True), ("https://evil.example.net", False), (None, True)],
    ids=["allowed origin", "other origin", "no origin (not a browser)"],
)
async def test_websocket_origins_come_from_the_allow_list(engine, clock, models, workspaces, origin, opens):
    # given CORS_ORIGINS lists https://app.example.com
    ws = await workspaces.create()
    async with live_server(engine, clock, models) as address:
        # when a page on `origin` opens the WebSocket
        if opens:
            async with websocket(address, payload={"Authorization": f"Bearer {ws.agent_key}"}, origin=origin) as connection:
                answer = await receive(connection)
        else:
            with pytest.raises(InvalidStatus) as refused:
                async with websocket(address, payload={"Authorization": f"Bearer {ws.agent_key}"}, origin=origin):
                    pass

    # then the handshake is accepted, or refused with 403 before any message
    if opens:
        assert answer["type"] == "connection_ack"
    else:
        assert refused.value.response.status_code == 403


async def test_websocket_handshakes_take_rate_limit_tokens(engine, clock, models, workspaces):
    # given a burst of 2 and a refill far slower than the test
    ws = await workspaces.create()
    async with live_server(engine, clock, models, rate_limit_burst=2, rate_limit_per_second=0.01) as address:
        # when the same client opens three WebSockets
        async with websocket(address, payload={"Authorization": f"Bearer {ws.agent_key}"}) as first:
            assert (await receive(first))["type"] == "connection_ack"
        async with websocket(address, payload={"Authorization": f"Bearer {ws.agent_key}"}) as second:
            assert (await receive(second))["type"] == "connection_ack"
        with pytest.raises(InvalidStatus) as refused:
            async with websocket(address, payload={"Authorization": f"Bearer {ws.agent_key}"}):
                pass

    # then the third handshake is refused
    assert refused.value.response.status_code == 403
