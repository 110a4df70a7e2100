"""The cost of Rapport's HTTP edge: its smallest authenticated request against a bare Strawberry app.

    python bench/edge.py                    # SQLite, 8 clients, 5 interleaved rounds of 3 s per side
    python bench/edge.py --clients 32 --rounds 7 --seconds 5

Both servers run as one uvicorn process each on loopback, with the same settings (access log off,
as `rapport serve` runs them, rate limits off so the figure is the edge's, not the limiter's).
Rapport serves `{ viewer { user { id } } }` with a real API key against a migrated SQLite (or
`--postgres URL`) database; the baselines (bench/baselines/bare_strawberry.py) answer the same query
from a constant: a bare Strawberry app, and the same with Strawberry's ParserCache and
ValidationCache (Rapport skips parsing and validation of texts it has seen: that is the fairer one). Rounds alternate between the two, so both see the same machine. Load comes from
`hey` (Debian package `hey`) when installed, else from an httpx client pool in this process.
Prints requests/s and p50/p99 latency per round and side, the medians, and Rapport's ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUERY = "{ viewer { user { id } } }"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare_database(url: str) -> str:
    """Migrate `url` and give it a workspace with an ADMIN and a key; returns the key."""
    from datetime import UTC, datetime

    from domain.db import create_engine, session_factory
    from domain.enums import Role
    from domain.migrate import upgrade
    from domain.services import api_keys, users, workspaces

    async def run() -> str:
        engine = create_engine(url)
        try:
            await upgrade(engine)
            now = datetime.now(UTC)
            async with session_factory(engine)() as session:
                ws = await workspaces.create_workspace(session=session, slug=f"edge-{os.getpid()}", name="Edge", now=now)
                user = await users.create_user(session=session, principal=None, workspace_id=ws.id,
                                               email="edge@bench.example", name="Edge", role=Role.ADMIN, now=now)
                issued = await api_keys.create_key(session=session, principal=None, workspace_id=ws.id, user_id=user.id,
                                                   label="bench", expires_in_days=None, now=now)
                return issued.key
        finally:
            await engine.dispose()

    return asyncio.run(run())


def serve(target: str, port: int, env: dict[str, str]) -> subprocess.Popen:
    args = [sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port", str(port),
            "--no-access-log", "--log-level", "warning"]
    if target.endswith("create_app"):
        args.append("--factory")
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"{target} did not start:\n{process.stderr.read().decode()[-2000:]}")
            time.sleep(0.1)
    raise SystemExit(f"{target} did not start within 30 s")


def check(port: int, key: str | None) -> None:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    answer = httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": QUERY}, headers=headers).json()
    if answer.get("errors") or not answer["data"]["viewer"]["user"]["id"]:
        raise SystemExit(f"unexpected answer on port {port}: {answer}")


def load_with_hey(port: int, key: str | None, clients: int, seconds: float) -> tuple[float, float, float]:
    args = ["hey", "-z", f"{seconds}s", "-c", str(clients), "-m", "POST", "-T", "application/json",
            "-d", json.dumps({"query": QUERY})]
    if key:
        args += ["-H", f"Authorization: Bearer {key}"]
    out = subprocess.run([*args, f"http://127.0.0.1:{port}/graphql"], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = float(re.search(r"50%+ in ([\d.]+) secs", out).group(1)) * 1000
    p99 = float(re.search(r"99%+ in ([\d.]+) secs", out).group(1)) * 1000
    statuses = re.findall(r"\[(\d{3})\]\s+(\d+) responses", out)
    if any(code != "200" for code, _ in statuses):
        raise SystemExit(f"non-200 answers on port {port}: {statuses}")
    return rps, p50, p99


async def _load_with_httpx(port: int, key: str | None, clients: int, seconds: float) -> tuple[float, float, float]:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    latencies: list[float] = []
    deadline = time.monotonic() + seconds

    async def client() -> None:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                response = await http.post("/graphql", json={"query": QUERY}, headers=headers)
                response.raise_for_status()
                latencies.append((time.perf_counter() - started) * 1000)

    started = time.monotonic()
    await asyncio.gather(*(client() for _ in range(clients)))
    latencies.sort()
    return len(latencies) / (time.monotonic() - started), latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99)]


def load(port: int, key: str | None, clients: int, seconds: float) -> tuple[float, float, float]:
    if shutil.which("hey"):
        return load_with_hey(port, key, clients, seconds)
    return asyncio.run(_load_with_httpx(port, key, clients, seconds))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--postgres", help="a PostgreSQL URL to use instead of a temporary SQLite file")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        url = options.postgres or f"sqlite+aiosqlite:///{Path(scratch) / 'edge.db'}"
        key = prepare_database(url)
        env = {**os.environ, "DATABASE_URL": url, "RATE_LIMIT_BURST": "0", "PYTHONPATH": str(ROOT)}
        targets = {"rapport": "api.app:create_app", "strawberry": "bench.baselines.bare_strawberry:app",
                   "cached": "bench.baselines.bare_strawberry:cached_app"}
        ports = {side: free_port() for side in targets}
        servers = [serve(target, ports[side], env) for side, target in targets.items()]
        try:
            keys = {"rapport": key, "strawberry": None, "cached": None}
            for side, port in ports.items():
                check(port, keys[side])
                load(port, keys[side], options.clients, 1.0)  # warm-up, not counted
            figures: dict[str, list[tuple[float, float, float]]] = {side: [] for side in targets}
            loader = "hey" if shutil.which("hey") else "httpx"
            print(f"{options.clients} clients, {options.rounds} rounds of {options.seconds:g} s per side, load by {loader}")
            for round_ in range(1, options.rounds + 1):
                order = ("rapport", "strawberry", "cached") if round_ % 2 else ("cached", "strawberry", "rapport")
                for side in order:
                    figures[side].append(load(ports[side], keys[side], options.clients, options.seconds))
                    rps, p50, p99 = figures[side][-1]
                    print(f"  round {round_} {side:10s} {rps:8.0f} req/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms")
        finally:
            for server in servers:
                server.terminate()
                server.wait(10)
    medians = {side: statistics.median(f[0] for f in rows) for side, rows in figures.items()}
    print(f"median: Rapport {medians['rapport']:.0f} req/s, bare Strawberry {medians['strawberry']:.0f} req/s,"
          f" Strawberry with its caches {medians['cached']:.0f} req/s")
    for side, name in (("strawberry", "bare Strawberry"), ("cached", "Strawberry with its caches")):
        print(f"  {name} / Rapport = {medians[side] / medians['rapport']:.2f}x (goal: at most 1.5x)")


if __name__ == "__main__":
    main()
