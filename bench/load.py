"""Load test of a real `rapport serve`: concurrent reads, CSV imports and ingestion, then an audit.

    python bench/load.py                                  # 50 clients, 60 s, scratch PostgreSQL database
    python bench/load.py --clients 20 --seconds 20
    python bench/load.py --postgres postgresql://postgres@127.0.0.1:5432/postgres
    python bench/load.py --sqlite                         # SQLite file in a temp dir instead

It creates a scratch database (bench_load_<random>, dropped at the end), runs `rapport migrate` and
`rapport demo --contacts 2000` against it, starts `rapport serve` (uvicorn) on a free loopback port
and runs N clients (httpx.AsyncClient) for S seconds, each picking at random:

  ContactProfile (read)  ContactsPage (read)  MessageEventsRecord (3 events with unique message ids)
  ConversationRecord (unique external id)     ContactsImport (a 20-row CSV with unique e-mails)

Every write sent and every write acknowledged is counted; afterwards the database is counted with
SQL: acknowledged <= stored <= sent for each kind of write (nothing lost, nothing doubled, and with
no failed request stored == acknowledged exactly), and no response may be a 5xx. The rate limit
(RATE_LIMIT_BURST / RATE_LIMIT_PER_SECOND, per API key) is switched off for the server subprocess;
any 429 is still counted. Prints throughput, p50/p95/p99 latency per operation and errors by code.
Exit status 0 when every check passes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, AsyncIterator

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from domain.db import create_engine, scratch_postgres_database  # noqa: E402
from domain.settings import Settings  # noqa: E402
from tests.contract.documents import document, example_variables  # noqa: E402

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
PROFILE = document("profile")
CONTACTS = document("contacts")
INGEST = document("ingest")
ACTIONS = document("actions")
IMPORT_ROWS = 20
# Relative weights of what a client does next.
MIX = (("ContactProfile", 40), ("ContactsPage", 25), ("MessageEventsRecord", 17), ("ConversationRecord", 10),
       ("ContactsImport", 8))
SEARCHES = [None, None, "maria", "ana", "gmail", "luis", "+54"]


def rapport_command() -> list[str]:
    exe = Path(sys.executable).with_name("rapport")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "api.cli"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(database_url: str) -> tuple[dict[str, str], list[str]]:
    """The server's environment: DATABASE_URL, and the per-key rate limit off when this version has one."""
    env = dict(os.environ, DATABASE_URL=database_url, PYTHONUNBUFFERED="1")
    notes = []
    fields = Settings.model_fields
    if "rate_limit_burst" in fields or "rate_limit_per_second" in fields:
        env.update(RATE_LIMIT_BURST="0", RATE_LIMIT_PER_SECOND="0")
        env.pop("REDIS_URL", None)
        notes.append("rate limit disabled for the server (RATE_LIMIT_BURST=0, RATE_LIMIT_PER_SECOND=0)")
    else:
        notes.append("this version has no rate-limit setting")
    return env, notes


# --- scratch databases -------------------------------------------------------------------------


@asynccontextmanager
async def scratch_database(postgres: str | None, prefix: str) -> AsyncIterator[str]:
    """A fresh empty database URL (PostgreSQL scratch database or SQLite temp file), removed afterwards."""
    if postgres is None:
        directory = Path(tempfile.mkdtemp(prefix=f"{prefix}_"))
        try:
            yield f"sqlite+aiosqlite:///{directory / 'rapport.db'}"
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        return
    async with scratch_postgres_database(postgres, prefix) as url:
        yield url
    print(f"scratch database of {prefix} dropped")


def prepare(env: dict[str, str], contacts: int) -> dict[str, str]:
    """`rapport migrate` and `rapport demo`; the demo's ADMIN/OPERATOR/AGENT keys."""
    subprocess.run([*rapport_command(), "migrate"], env=env, check=True, capture_output=True, timeout=300)
    demo = subprocess.run(
        [*rapport_command(), "demo", "--contacts", str(contacts)], env=env, check=True, capture_output=True, text=True,
        timeout=900,
    )
    keys = dict(re.findall(r"^(ADMIN|OPERATOR|AGENT): (rpk_\S+)$", demo.stdout, flags=re.M))
    if set(keys) != {"ADMIN", "OPERATOR", "AGENT"}:
        raise SystemExit(f"rapport demo printed no keys:\n{demo.stdout}\n{demo.stderr[-2000:]}")
    return keys


class Server:
    """`rapport serve` in a subprocess (its own process group), on a loopback port."""

    def __init__(self, env: dict[str, str], port: int, log_path: Path) -> None:
        self.env, self.port, self.log_path = env, port, log_path
        self.process: subprocess.Popen[bytes] | None = None
        self.base_url = f"http://127.0.0.1:{port}"

    async def start(self, timeout: float = 60) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [*rapport_command(), "serve", "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"],
            env=self.env, stdout=log, stderr=log, start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(base_url=self.base_url, timeout=2) as http:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise SystemExit(f"rapport serve exited with {self.process.returncode}; see {self.log_path}")
                try:
                    if (await http.get("/health/live")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        raise SystemExit(f"rapport serve did not answer within {timeout} s; see {self.log_path}")

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no rollback of anything in flight."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


# --- the load ----------------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    codes: Counter = field(default_factory=Counter)  # (operation, code)
    sent: Counter = field(default_factory=Counter)  # writes sent: events, conversations, import rows
    acked: Counter = field(default_factory=Counter)
    unknown: Counter = field(default_factory=Counter)  # writes whose outcome the client never learnt
    rejected: Counter = field(default_factory=Counter)  # writes the server said it did not store
    jobs: list[tuple[str, int]] = field(default_factory=list)  # (job global id, rows)
    transport_errors: Counter = field(default_factory=Counter)


class Client:
    def __init__(self, http: httpx.AsyncClient, keys: dict[str, str], contact_ids: list[str], run: str,
                 tally: Tally, number: int) -> None:
        self.http, self.keys, self.contact_ids, self.run, self.tally = http, keys, contact_ids, run, tally
        self.number = number
        self.serial = 0

    def next_id(self) -> str:
        self.serial += 1
        return f"load-{self.run}-{self.number}-{self.serial}"

    async def call(self, operation: str, key: str, **kwargs: Any) -> dict[str, Any] | None:
        started = time.perf_counter()
        try:
            response = await self.http.post("/graphql", headers={"Authorization": f"Bearer {self.keys[key]}"}, **kwargs)
        except httpx.TransportError as exc:
            self.tally.transport_errors[(operation, type(exc).__name__)] += 1
            self.tally.latencies[operation].append(time.perf_counter() - started)
            return None
        self.tally.latencies[operation].append(time.perf_counter() - started)
        self.tally.statuses[response.status_code] += 1
        try:
            body = response.json()
        except ValueError:
            self.tally.codes[(operation, f"HTTP {response.status_code} (not JSON)")] += 1
            return None
        for error in body.get("errors") or []:
            self.tally.codes[(operation, (error.get("extensions") or {}).get("code", "NO_CODE"))] += 1
        if response.status_code != 200 or body.get("errors"):
            return None
        payload = next(iter((body.get("data") or {}).values()), None)
        for error in (payload or {}).get("userErrors") or [] if isinstance(payload, dict) else []:
            self.tally.codes[(operation, f"userError {error.get('code')}")] += 1
        return body["data"]

    async def gql(self, operation: str, document_text: str, variables: dict[str, Any], key: str) -> dict | None:
        return await self.call(operation, key, json={"query": document_text, "operationName": operation,
                                                     "variables": variables})

    async def profile(self) -> None:
        await self.gql("ContactProfile", PROFILE, {"id": random.choice(self.contact_ids)}, random.choice(["AGENT", "OPERATOR"]))

    async def page(self) -> None:
        variables = example_variables("ContactsPage")
        variables["search"] = random.choice(SEARCHES)
        variables["filter"]["status"] = random.choice([[], ["NEW", "FREQUENT"], ["DORMANT"]])
        variables["first"] = random.choice([25, 50])
        await self.gql("ContactsPage", CONTACTS, variables, random.choice(["AGENT", "OPERATOR"]))

    async def events(self) -> None:
        message_id = self.next_id()
        contact = random.choice(self.contact_ids)
        events = [
            {"messageId": message_id, "contactId": contact, "address": None, "channel": "WHATSAPP", "type": kind,
             "occurredAt": f"2026-11-20T10:00:0{i}Z"}
            for i, kind in enumerate(("SENT", "DELIVERED", "READ"))
        ]
        self.tally.sent["message events"] += len(events)
        data = await self.gql("MessageEventsRecord", INGEST, {"events": events}, "OPERATOR")
        result = (data or {}).get("messageEventsRecord")
        if result:
            # Events may be rejected one by one (userErrors, e.g. CONFLICT: a send to an unsubscribed
            # channel); the others are stored. Rejected ones must not be in the database.
            self.tally.acked["message events"] += result["accepted"]
            self.tally.rejected["message events"] += result["rejected"]
            if result["duplicates"]:
                self.tally.codes[("MessageEventsRecord", "duplicates reported")] += result["duplicates"]
        else:
            self.tally.unknown["message events"] += len(events)

    async def conversation(self) -> None:
        variables = example_variables("ConversationRecord")
        variables["input"]["externalId"] = self.next_id()
        variables["input"]["contactId"] = random.choice(self.contact_ids)
        self.tally.sent["conversations"] += 1
        data = await self.gql("ConversationRecord", INGEST, variables, "OPERATOR")
        result = (data or {}).get("conversationRecord")
        if result and result["conversation"] and not result["userErrors"]:
            self.tally.acked["conversations"] += 1
        else:
            self.tally.unknown["conversations"] += 1

    async def import_csv(self) -> None:
        stem = self.next_id()
        rows = [f"Load {stem} {i},{stem}-{i}@load-{self.run}.example,,es" for i in range(IMPORT_ROWS)]
        body = ("name,email,phone,language\n" + "\n".join(rows) + "\n").encode()
        variables = example_variables("ContactsImport")
        variables["options"]["updateExisting"] = False
        operations = {"query": ACTIONS, "operationName": "ContactsImport", "variables": variables}
        self.tally.sent["imported contacts"] += IMPORT_ROWS
        data = await self.call(
            "ContactsImport", "ADMIN",
            data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
            files={"0": (f"{stem}.csv", body, "text/csv")},
        )
        result = (data or {}).get("contactsImport")
        if result and result["job"] and not result["userErrors"]:
            self.tally.jobs.append((result["job"]["id"], IMPORT_ROWS))  # acknowledged once the job completes
        else:
            self.tally.unknown["imported contacts"] += IMPORT_ROWS

    async def loop(self, until: float) -> None:
        actions = {"ContactProfile": self.profile, "ContactsPage": self.page, "MessageEventsRecord": self.events,
                   "ConversationRecord": self.conversation, "ContactsImport": self.import_csv}
        names = [name for name, _ in MIX]
        weights = [weight for _, weight in MIX]
        while time.monotonic() < until:
            await actions[random.choices(names, weights)[0]]()


async def contact_ids(http: httpx.AsyncClient, key: str, count: int = 500) -> list[str]:
    ids: list[str] = []
    after = None
    while len(ids) < count:
        variables = {"first": 100, "after": after, "filter": None, "search": None, "orderBy": None}
        response = await http.post("/graphql", json={"query": CONTACTS, "operationName": "ContactsPage", "variables": variables},
                                   headers={"Authorization": f"Bearer {key}"})
        connection = response.json()["data"]["contacts"]
        ids += [edge["node"]["id"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    return ids


async def wait_for_jobs(http: httpx.AsyncClient, key: str, tally: Tally, timeout: float) -> tuple[int, Counter]:
    """Poll every queued import job until it ends; (contacts its jobs created, statuses)."""
    job_query = ACTIONS
    pending = list(tally.jobs)
    created, statuses = 0, Counter()
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        still = []
        for job_id, rows in pending:
            response = await http.post("/graphql", json={"query": job_query, "operationName": "Job", "variables": {"id": job_id}},
                                       headers={"Authorization": f"Bearer {key}"})
            job = response.json()["data"]["node"]
            if job["status"] in ("PENDING", "RUNNING"):
                still.append((job_id, rows))
                continue
            statuses[job["status"]] += 1
            created += job["created"]
            if job["status"] == "COMPLETED" and job["created"] == rows:
                tally.acked["imported contacts"] += rows
        pending = still
        if pending:
            await asyncio.sleep(0.5)
    statuses["still pending after wait"] += len(pending)
    return created, statuses


async def stored_counts(url: str, run: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            events = (await connection.execute(
                text("SELECT count(*) FROM message_event WHERE message_id LIKE :p"), {"p": f"load-{run}-%"})).scalar_one()
            conversations = (await connection.execute(
                text("SELECT count(*) FROM conversation WHERE external_id LIKE :p"), {"p": f"load-{run}-%"})).scalar_one()
            contacts = (await connection.execute(
                text("SELECT count(*) FROM contact WHERE email LIKE :p"), {"p": f"%@load-{run}.example"})).scalar_one()
            distinct_events = (await connection.execute(text(
                "SELECT count(*) FROM (SELECT DISTINCT workspace_id, message_id, type FROM message_event "
                "WHERE message_id LIKE :p) d"), {"p": f"load-{run}-%"})).scalar_one()
    finally:
        await engine.dispose()
    return {"message events": events, "conversations": conversations, "imported contacts": contacts,
            "distinct message events": distinct_events}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def report(tally: Tally, elapsed: float, stored: dict[str, int], job_statuses: Counter, notes: list[str]) -> bool:
    total = sum(len(v) for v in tally.latencies.values())
    print(f"\n{total} requests in {elapsed:.1f} s: {total / elapsed:.1f} requests/s")
    print(f"{'operation':<22}{'count':>8}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for name, _ in MIX:
        values = tally.latencies.get(name, [])
        print(f"{name:<22}{len(values):>8}{len(values) / elapsed:>8.1f}"
              f"{percentile(values, .5) * 1000:>9.1f}{percentile(values, .95) * 1000:>9.1f}"
              f"{percentile(values, .99) * 1000:>9.1f}{(max(values) if values else float('nan')) * 1000:>9.1f}")
    print("HTTP statuses:", dict(sorted(tally.statuses.items())))
    print("errors by operation and code:", dict(tally.codes) or "none")
    if tally.transport_errors:
        print("transport errors:", dict(tally.transport_errors))
    print("import jobs:", dict(job_statuses))
    for note in notes:
        print("note:", note)
    checks: list[tuple[str, bool]] = []
    fivexx = sum(n for status, n in tally.statuses.items() if status >= 500)
    checks.append((f"no 5xx responses ({fivexx})", fivexx == 0))
    checks.append((f"no transport errors ({sum(tally.transport_errors.values())})", not tally.transport_errors))
    too_many = tally.statuses.get(429, 0)
    print(f"429 (rate limited): {too_many}")
    for kind in ("message events", "conversations", "imported contacts"):
        sent, acked, unknown, have = tally.sent[kind], tally.acked[kind], tally.unknown[kind], stored[kind]
        rejected = tally.rejected[kind]
        print(f"{kind:<18} sent {sent:>7}  acknowledged {acked:>7}  rejected {rejected:>4}  unacknowledged {unknown:>5}"
              f"  in database {have:>7}")
        checks.append((f"{kind}: none lost (database {have} >= acknowledged {acked})", have >= acked))
        checks.append((f"{kind}: none doubled (database {have} <= sent - rejected {sent - rejected})",
                       have <= sent - rejected))
        if unknown == 0:
            checks.append((f"{kind}: database == acknowledged", have == acked))
    checks.append(("message events: no duplicate (message id, type)",
                   stored["distinct message events"] == stored["message events"]))
    ok = True
    for label, passed in checks:
        ok &= passed
        print(f"{'PASS' if passed else 'FAIL'}  {label}")
    return ok


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--contacts", type=int, default=2000, help="demo contacts in the main workspace")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="server URL for the scratch database")
    parser.add_argument("--sqlite", action="store_true", help="use a SQLite file instead of PostgreSQL")
    parser.add_argument("--job-timeout", type=float, default=300, help="how long to wait for queued imports")
    args = parser.parse_args()
    run = uuid.uuid4().hex[:8]
    async with scratch_database(None if args.sqlite else args.postgres, "bench_load") as url:
        print(f"database: {make_url(url).get_backend_name()} {make_url(url).database}")
        env, notes = server_environment(url)
        started = time.monotonic()
        keys = prepare(env, args.contacts)
        print(f"migrated and loaded {args.contacts} demo contacts in {time.monotonic() - started:.1f} s")
        log_path = Path(tempfile.gettempdir()) / f"bench_load_{run}.log"
        server = Server(env, free_port(), log_path)
        await server.start()
        print(f"rapport serve on {server.base_url} (log: {log_path}); {args.clients} clients for {args.seconds:.0f} s")
        try:
            limits = httpx.Limits(max_connections=args.clients + 5, max_keepalive_connections=args.clients + 5)
            async with httpx.AsyncClient(base_url=server.base_url, timeout=30, limits=limits) as http:
                ids = await contact_ids(http, keys["ADMIN"])
                tally = Tally()
                started = time.monotonic()
                until = started + args.seconds
                await asyncio.gather(*(Client(http, keys, ids, run, tally, n).loop(until) for n in range(args.clients)))
                elapsed = time.monotonic() - started
                waited = time.monotonic()
                created, job_statuses = await wait_for_jobs(http, keys["ADMIN"], tally, args.job_timeout)
                print(f"import jobs finished {time.monotonic() - waited:.1f} s after the load; they created {created} contacts")
            stored = await stored_counts(url, run)
        finally:
            server.stop()
        ok = report(tally, elapsed, stored, job_statuses, notes)
        if created != stored["imported contacts"]:
            print(f"FAIL  import jobs' created ({created}) != imported contacts in database ({stored['imported contacts']})")
            ok = False
        else:
            print(f"PASS  import jobs' created == imported contacts in database ({created})")
    print("RESULT:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
