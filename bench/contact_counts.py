"""ContactsPage parts and FilterOptions at growing workspace sizes on PostgreSQL, with interleaved baselines.

    python bench/contact_counts.py                          # 10k and 200k contacts
    python bench/contact_counts.py --sizes 10000,200000,1000000 --rounds 15

A scratch database is created on --server (dropped at the end, also on Ctrl-C or failure), migrated,
and seeded by plain SQL (bench/contact_counts_seed.py) with one workspace per size (so tenancy is
real). Requests go through the ASGI app in-process (httpx, no network). Each round runs every case on
every size in turn, so the sizes and the baselines share the machine's state. Baselines are SQL run on
the same engine: the plain full count of the workspace, and the status counts computed by scanning
the workspace (what every page did before the maintained counts). Loopback only; bounded by --rounds.
"""

import argparse
import asyncio
import signal
import statistics
import sys
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.app import create_app  # noqa: E402
from api.ids import to_global_id  # noqa: E402
from bench.contact_counts_seed import seed_workspace  # noqa: E402
from domain.clock import FixedClock  # noqa: E402
from domain.db import (  # noqa: E402
    RequestSession, create_engine, create_postgres_database, drop_postgres_database, session_factory,
)
from domain.enums import Role  # noqa: E402
from domain.migrate import upgrade  # noqa: E402
from domain.models import Segment, Tag, User  # noqa: E402
from domain.repositories import contacts as contacts_repo  # noqa: E402
from domain.services.auth import mint_key  # noqa: E402
from domain.settings import Settings  # noqa: E402

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
CONTRACT = (ROOT / "tests" / "contract" / "contacts.graphql").read_text(encoding="utf-8")
PAGE_ONLY = "query($f: ContactFilter, $s: String) { contacts(first: 25, filter: $f, search: $s) { edges { node { id name status } } } }"
TOTAL_ONLY = "query($f: ContactFilter, $s: String) { contacts(first: 1, filter: $f, search: $s) { totalCount } }"
STATUS_ONLY = "query($f: ContactFilter, $s: String) { contactStatusCounts(filter: $f, search: $s) { total new discarded } }"


async def _scratch(server: str) -> tuple[str, str]:
    name = f"rapport_bench_counts_{uuid.uuid4().hex[:8]}"
    return await create_postgres_database(server, name), name


async def _setup(engine: Any, sizes: list[int]) -> dict[int, dict[str, Any]]:
    """Seed one workspace per size; returns per size its key and the ids the cases filter on."""
    spaces = {}
    for size in sizes:
        started = time.perf_counter()
        async with engine.begin() as connection:
            ws = await seed_workspace(connection, slug=f"bench-{size}", contacts=size, now=NOW)
        async with session_factory(engine)() as session, session.begin():
            user = User(workspace_id=ws, name="Bench", email=f"bench{size}@example.com", role=Role.AGENT, created_at=NOW)
            session.add(user)
            await session.flush()
            key = await mint_key(session=session, user=user, now=NOW)
            tags = list(await session.scalars(select(Tag.id).where(Tag.workspace_id == ws).order_by(Tag.id)))
            segment = await session.scalar(select(Segment.id).where(Segment.workspace_id == ws, Segment.name == "new vip"))
        print(f"seeded {size:,} contacts in {time.perf_counter() - started:.1f} s", flush=True)
        spaces[size] = {"ws": ws, "key": key, "tag": to_global_id("Tag", tags[3]), "segment": to_global_id("Segment", segment)}
    async with engine.connect() as connection:
        await connection.execute(text("ANALYZE"))
        await connection.commit()
    return spaces


def _cases(space: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any], str | None]]:
    """name -> (document, variables, operation name)."""
    filters = {
        "default": ({}, None), "NEW": ({"status": ["NEW"]}, None), "DORMANT": ({"status": ["DORMANT"]}, None),
        "search": ({}, "maria"), "tag": ({"tagIds": [space["tag"]]}, None), "segment": ({"segmentId": space["segment"]}, None),
    }
    cases: dict[str, tuple[str, dict[str, Any], str | None]] = {}
    for name, (f, s) in filters.items():
        cases[f"ContactsPage {name}"] = (CONTRACT, {"first": 25, "filter": f, "search": s}, "ContactsPage")
    for part, doc in (("page", PAGE_ONLY), ("totalCount", TOTAL_ONLY), ("statusCounts", STATUS_ONLY)):
        for name in ("default", "NEW", "search", "tag"):
            f, s = filters[name]
            cases[f"  {part} {name}"] = (doc, {"f": f, "s": s}, None)
    cases["FilterOptions"] = (CONTRACT, {}, "FilterOptions")
    return cases


async def _baselines(engine: Any, ws: int) -> dict[str, Any]:
    async def full_count() -> None:
        async with engine.connect() as c:
            await c.execute(text("SELECT count(*) FROM contact WHERE workspace_id = :ws"), {"ws": ws})

    async def scanned_status_counts() -> None:
        async with session_factory(engine)() as s:
            await contacts_repo.status_counts(RequestSession(s), workspace_id=ws, conditions=[], now=NOW)

    return {"baseline: SELECT count(*) of the workspace": full_count,
            "baseline: status counts by scanning": scanned_status_counts}


async def run(server: str, sizes: list[int], rounds: int) -> None:
    # SIGTERM (a `timeout`, a CI cancel) cancels like Ctrl-C does, so the finally block drops the database.
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, asyncio.current_task().cancel)  # type: ignore[union-attr]
    url, name = await _scratch(server)
    engine = create_engine(url)
    statements: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    try:
        await upgrade(engine)
        spaces = await _setup(engine, sizes)
        settings = Settings(rate_limit_burst=0, rate_limit_per_second=0, redis_url=None, rapport_env="development")
        app = create_app(settings, engine=engine, clock=FixedClock(NOW), run_jobs=False)
        times: dict[tuple[str, int], list[float]] = defaultdict(list)
        counted: dict[tuple[str, int], int] = {}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:
            async def request(space: dict[str, Any], doc: str, variables: dict[str, Any], op: str | None) -> int:
                body = {"query": doc, "variables": variables, **({"operationName": op} if op else {})}
                before = len(statements)
                r = await http.post("/graphql", json=body, headers={"Authorization": f"Bearer {space['key']}"})
                assert r.status_code == 200 and "errors" not in r.json(), r.text[:500]
                return len(statements) - before

            for size in sizes:  # warm-up (key lookups, plan caches), not timed
                for doc, variables, op in _cases(spaces[size]).values():
                    await request(spaces[size], doc, variables, op)
            for _ in range(rounds):
                for size in sizes:
                    space = spaces[size]
                    for case, (doc, variables, op) in _cases(space).items():
                        started = time.perf_counter()
                        counted[(case, size)] = await request(space, doc, variables, op)
                        times[(case, size)].append(time.perf_counter() - started)
                    for case, fn in (await _baselines(engine, space["ws"])).items():
                        started = time.perf_counter()
                        await fn()
                        times[(case, size)].append(time.perf_counter() - started)
        _report(times, counted, sizes, rounds)
    finally:
        await engine.dispose()
        await drop_postgres_database(server, name)


def _report(times: dict[tuple[str, int], list[float]], counted: dict[tuple[str, int], int], sizes: list[int],
            rounds: int) -> None:
    cases = list(dict.fromkeys(case for case, _ in times))
    head = "".join(f"{f'p50 @{s:,}':>14}{'p95':>8}" for s in sizes)
    print(f"\nPostgreSQL, {rounds} interleaved rounds, ms (statements per request in brackets)")
    print(f"{'case':<46}{head}{'growth p50':>12}")
    for case in cases:
        cells, p50s = "", []
        for size in sizes:
            samples = sorted(times[(case, size)])
            p50 = statistics.median(samples) * 1000
            p95 = samples[min(len(samples) - 1, int(0.95 * len(samples)))] * 1000
            p50s.append(p50)
            n = counted.get((case, size))
            cells += f"{p50:>10.1f}{f' [{n}]' if n is not None else '    ':>4}{p95:>8.1f}"
        print(f"{case:<46}{cells}{p50s[-1] / p50s[0]:>11.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="a PostgreSQL server on loopback; a scratch database is created and dropped there")
    parser.add_argument("--sizes", default="10000,200000", help="contacts per workspace, comma-separated")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    host = make_url(args.server).host or ""
    if host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("--server must be on loopback")
    sizes = sorted(int(s) for s in args.sizes.split(","))
    asyncio.run(run(args.server, sizes, max(1, min(args.rounds, 200))))


if __name__ == "__main__":
    main()
