"""Measurements of bench/peers.py: interleaved latency, statements per request, throughput with `hey`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.handwritten import LIST_DOCUMENT
from bench.peers_cases import Case

# A cheap request that authenticates (and fills per-process caches) before statements are counted.
WARM_UP = {"query": LIST_DOCUMENT, "operationName": "ContactsWithTags", "variables": {}}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


@dataclass
class Latencies:
    seconds: dict[str, list[float]] = field(default_factory=dict)  # server -> one per request
    errors: dict[str, int] = field(default_factory=dict)


async def post(http: httpx.AsyncClient, url: str, body: dict[str, Any], key: str) -> dict[str, Any]:
    """The answer's JSON; a timeout or a broken connection is an answer with an error, never a crash."""
    try:
        response = await http.post(url, json=body, headers={"Authorization": f"Bearer {key}"})
    except httpx.TransportError as exc:
        return {"errors": [{"message": f"{type(exc).__name__} (no answer within the client's timeout)"}]}
    try:
        return response.json()
    except ValueError:
        return {"errors": [{"message": f"HTTP {response.status_code}, not JSON"}]}


async def interleaved(case: Case, urls: dict[str, str], key: str, *, requests: int, seconds: float,
                      timeout: float) -> Latencies:
    """Request i of the case on every server in turn (the first server rotates), until N requests or the time."""
    result = Latencies()
    servers = [s for s in urls if case.body(s, 0) is not None and s not in case.excluded]
    for server in servers:
        result.seconds[server], result.errors[server] = [], 0
    async with httpx.AsyncClient(timeout=timeout) as http:
        for server in servers:  # warm-up: connection, prepared statements, caches
            await post(http, urls[server], case.body(server, 0), key)
        deadline = time.monotonic() + seconds
        for i in range(requests):
            if i and time.monotonic() > deadline:  # at least one round, however slow the case
                break
            for j in range(len(servers)):
                server = servers[(i + j) % len(servers)]
                started = time.perf_counter()
                answer = await post(http, urls[server], case.body(server, i), key)
                result.seconds[server].append(time.perf_counter() - started)
                if answer.get("errors"):
                    result.errors[server] += 1
    return result


@dataclass
class Throughput:
    requests_per_second: float
    non_200: int
    note: str = ""


def hey_path() -> str | None:
    return shutil.which("hey")


def run_hey(url: str, body: dict[str, Any], key: str, *, clients: int, seconds: float, scratch: Path) -> Throughput:
    """`hey -z` with `clients` workers posting the same body (one light load generator for every server)."""
    body_file = scratch / f"hey_body_{abs(hash(json.dumps(body, sort_keys=True)))}.json"
    body_file.write_text(json.dumps(body), encoding="utf-8")
    command = ["hey", "-z", f"{seconds:g}s", "-c", str(clients), "-m", "POST", "-T", "application/json",
               "-H", f"Authorization: Bearer {key}", "-D", str(body_file), url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    match = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    statuses = {int(code): int(n) for code, n in re.findall(r"\[(\d{3})\]\s+(\d+) responses", done.stdout)}
    errors = re.search(r"Error distribution:(.*)", done.stdout, flags=re.S)
    note = "transport errors" if errors and errors.group(1).strip() else ""
    if match is None:
        return Throughput(float("nan"), 0, f"hey failed: {done.stderr[-200:]}")
    return Throughput(float(match.group(1)), sum(n for code, n in statuses.items() if code != 200), note)


async def rapport_statements(database_url: str, bodies: list[dict[str, Any]], key: str) -> list[int]:
    """Statements Rapport runs per request, counted in process (its ASGI app, one engine, httpx's ASGI transport)."""
    from api.app import create_app
    from domain.db import create_engine
    from domain.settings import Settings
    from tests.sql_counter import counted_statements

    engine = create_engine(database_url)
    try:
        settings = Settings(database_url=database_url, rate_limit_burst=0, rate_limit_per_second=0)
        app = create_app(settings, engine=engine, run_jobs=False)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://rapport.bench", timeout=600) as http:
            await post(http, "/graphql", WARM_UP, key)  # the key's lookup and caches are not per request
            counts = []
            for body in bodies:
                with counted_statements(engine) as statements:
                    await post(http, "/graphql", body, key)
                counts.append(len(statements))
        return counts
    finally:
        await engine.dispose()


async def handwritten_statements(database_url: str, bodies: list[dict[str, Any]], key: str) -> list[int]:
    """The same count for the hand-written endpoint (its driver counts every statement it sends)."""
    from bench.handwritten import HandwrittenApp

    app = HandwrittenApp(database_url)
    await app.db.open()
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://handwritten.bench", timeout=600) as http:
            await post(http, "/graphql", WARM_UP, key)
            counts = []
            for body in bodies:
                before = app.db.statements
                await post(http, "/graphql", body, key)
                counts.append(app.db.statements - before)
        return counts
    finally:
        await app.db.close()
