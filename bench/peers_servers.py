"""The three servers bench/peers.py compares, as subprocesses on loopback ports, stopped whatever happens.

Rapport (`rapport serve`, optionally `--workers N`), the hand-written endpoint (bench/handwritten.py)
and PostGraphile v4 (installed from the npm registry into a scratch folder at run time, never kept).
Each runs in its own session (process group), so stopping it stops its workers too.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
POSTGRAPHILE_VERSION = "4"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rapport_command() -> list[str]:
    exe = Path(sys.executable).with_name("rapport")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "api.cli"]


def rapport_has_workers() -> bool:
    """Whether this version's `rapport serve` takes --workers (added by another change)."""
    shown = subprocess.run([*rapport_command(), "serve", "--help"], capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, COLUMNS="200"))
    return "--workers" in shown.stdout


class Server:
    """One server process: started, waited for until it answers, stopped (TERM, then KILL)."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], port: int, log_dir: Path,
                 probe: dict | None = None, cwd: Path | None = None) -> None:
        self.name, self.command, self.env, self.port, self.cwd = name, command, env, port, cwd
        self.log_path = log_dir / f"{name.replace(' ', '_')}.log"
        self.url = f"http://127.0.0.1:{port}/graphql"
        self.probe = probe or {"query": "{ __typename }"}
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self, timeout: float = 120) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(self.command, env=self.env, stdout=log, stderr=log, cwd=self.cwd,
                                        start_new_session=True)
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(timeout=5) as http:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise SystemExit(f"{self.name} exited with {self.process.returncode}; see {self.log_path}")
                try:
                    await http.post(self.url, json=self.probe)
                    return
                except httpx.TransportError:
                    await asyncio.sleep(0.3)
        raise SystemExit(f"{self.name} did not answer within {timeout:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.process.pid, sig)  # the group of the process we started, nothing else
            except ProcessLookupError:
                return
            try:
                self.process.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue


def rapport_server(database_url: str, log_dir: Path, *, workers: int | None = None,
                   has_workers: bool = False) -> Server:
    """`rapport serve`: one process (`--workers 1` where the option exists, its default being the cores), or N."""
    env = dict(os.environ, DATABASE_URL=database_url, PYTHONUNBUFFERED="1", LOG_LEVEL="warning",
               RATE_LIMIT_BURST="0", RATE_LIMIT_PER_SECOND="0")  # a bench client is not abuse
    env.pop("REDIS_URL", None)
    port = free_port()
    command = [*rapport_command(), "serve", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    if workers or has_workers:
        command += ["--workers", str(workers or 1)]
    name = f"Rapport x{workers}" if workers else "Rapport"
    return Server(name, command, env, port, log_dir, cwd=ROOT)


def handwritten_server(database_url: str, log_dir: Path) -> Server:
    port = free_port()
    command = [sys.executable, str(ROOT / "bench" / "handwritten.py"), "--database-url", database_url,
               "--port", str(port)]
    return Server("hand-written", command, dict(os.environ, PYTHONUNBUFFERED="1"), port, log_dir, cwd=ROOT)


def install_postgraphile(scratch: Path) -> Path:
    """`npm install postgraphile@4` into a scratch folder; the path of its CLI."""
    folder = scratch / "postgraphile"
    folder.mkdir()
    (folder / "package.json").write_text('{"name": "bench-peers-postgraphile", "private": true}\n')
    started = time.monotonic()
    done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error",
                           f"postgraphile@{POSTGRAPHILE_VERSION}"], cwd=folder, capture_output=True, text=True,
                          timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"npm install postgraphile@{POSTGRAPHILE_VERSION} failed: {done.stderr[-500:]}")
    cli = folder / "node_modules" / ".bin" / "postgraphile"
    version = subprocess.run([str(cli), "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
    print(f"PostGraphile {version} installed from npm in {time.monotonic() - started:.0f} s (scratch folder)")
    return cli


def postgraphile_server(cli: Path, database_url: str, log_dir: Path) -> Server:
    """One PostGraphile process on the same database, tuned the documented ways for a read benchmark."""
    port = free_port()
    dsn = "postgres://" + database_url.split("://", 1)[1]
    command = [str(cli), "--connection", dsn, "--schema", "public", "--host", "127.0.0.1", "--port", str(port),
               "--disable-query-log", "--disable-default-mutations", "--legacy-relations", "omit",
               "--no-setof-functions-contain-nulls"]
    env = dict(os.environ, NODE_ENV="production")
    return Server("PostGraphile", command, env, port, log_dir, cwd=cli.parents[2])


def scratch_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="bench_peers_"))


def remove_scratch(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
