"""`rapport serve --workers N` as an operator runs it: a real process on a loopback port, several
worker processes answering GraphQL, and nothing left running after SIGTERM or SIGINT (Linux /proc)."""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from api.cli import app as cli
from domain.db import create_engine
from domain.enums import Role
from domain.migrate import upgrade
from tests.factories import WorkspaceFactory
from tests.scratch import scratch_database

RAPPORT = Path(sys.executable).parent / "rapport"
STARTUP_SECONDS = 180
pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def processes_in_group(group: int) -> list[int]:
    """Live (non-zombie) processes of a process group."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            if int(fields[2]) == group and fields[0] != "Z":
                found.append(int(entry.name))
    return found


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request, tmp_path):
    """(database URL, an ADMIN key) of a migrated scratch database with one workspace."""
    async with scratch_database(request.param, tmp_path) as url:
        engine = create_engine(url)
        try:
            await upgrade(engine)
            workspace = await WorkspaceFactory(engine, now=datetime.now(UTC)).create("Served")
        finally:
            await engine.dispose()
        yield url, workspace.keys[Role.ADMIN]


async def wait_until_live(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    async with httpx.AsyncClient(base_url=base) as http:
        while time.monotonic() < deadline:
            assert server.poll() is None, "the server exited during startup"
            try:
                if (await http.get("/health/live")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise AssertionError("the server did not come up")


def answering_pids(log: Path) -> set[int]:
    pids = set()
    for line in log.read_text().splitlines():
        entry = json.loads(line) if line.startswith("{") else {}
        if entry.get("logger") == "rapport.request" and entry.get("operation") == "Viewer":
            pids.add(entry["pid"])
    return pids


async def test_two_workers_answer_graphql_and_a_signal_stops_every_process(database, tmp_path):
    url, key = database
    # Each engine's run stops the server with the other signal an operator uses (a run costs ~15 s).
    stop = signal.SIGINT if url.startswith("sqlite") else signal.SIGTERM
    port = free_port()
    log = tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "PORT", "HOST")}
    env.update(DATABASE_URL=url)
    with log.open("w") as stderr:
        # Its own process group: what is left of it afterwards is exactly what the server left behind.
        server = subprocess.Popen(
            [str(RAPPORT), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
            env=env, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        await wait_until_live(base, server)

        # when clients send requests, each on a connection of its own, until two processes have answered
        body = {"query": "query Viewer { viewer { workspace { name } } }"}
        headers = {"Authorization": f"Bearer {key}"}
        names = []
        for _ in range(40):
            async def one() -> str:
                async with httpx.AsyncClient(base_url=base) as http:
                    response = await http.post("/graphql", json=body, headers=headers)
                    return response.json()["data"]["viewer"]["workspace"]["name"]

            names += await asyncio.gather(*(one() for _ in range(8)))
            if len(answering_pids(log)) >= 2:
                break

        # then the answers are right and came from two worker processes of this server
        assert set(names) == {"Served"}
        pids = answering_pids(log)
        assert len(pids) == 2, pids
        assert {parent_of(pid) for pid in pids} == {server.pid}

        # when the operator stops it
        server.send_signal(stop)
        server.wait(timeout=60)

        # then no process of it is left (a worker may still be finishing its exit when the master returns)
        deadline = time.monotonic() + 30
        while processes_in_group(server.pid) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        assert processes_in_group(server.pid) == []
        assert all(parent_of(pid) is None for pid in pids)
    finally:
        if server.poll() is None or processes_in_group(server.pid):
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


def test_reload_with_several_workers_is_refused_with_a_reason():
    result = CliRunner().invoke(cli, ["serve", "--reload", "--workers", "2"])

    assert result.exit_code == 2
    assert "--reload" in result.output and "--workers" in result.output
