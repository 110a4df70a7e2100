"""Counts that combine a status with one tag: contactStatusCounts under a tag filter, segment sizes in
FilterOptions, ContactsPage of a status + tag segment, on a database loaded by bench/seed.py.

    python bench/seed.py --database-url postgresql://postgres@127.0.0.1:5432/rapport_hist_200k \\
        --contacts 200000 --other-contacts 10000
    python bench/segment_counts.py --database-url postgresql://postgres@127.0.0.1:5432/rapport_hist_200k \\
        --contacts 200000 --other-contacts 10000

The seed is reused (same parameters: only fresh keys are made). Requests go through the ASGI app
in-process (httpx, no network). The tag filtered on is the main workspace's largest tag. Each round
runs every case once, in turn; the report gives p50/p95 in ms, the SQL statements per request, and
the 1-minute load average before and after the case's rounds (other work shares the cores). The
baseline counts the same contacts' statuses by reading their rows (what a status + tag count did
before the membership activity histogram). Every count shown is first checked against that baseline.
"""

import argparse
import asyncio
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event, select, text

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from api.app import create_app  # noqa: E402
from api.ids import to_global_id  # noqa: E402
from bench.seed import ensure_seeded  # noqa: E402
from domain.clock import FixedClock  # noqa: E402
from domain.db import RequestSession, create_engine, session_factory  # noqa: E402
from domain.filters import ContactFilter, ContactQuery  # noqa: E402
from domain.models import Segment  # noqa: E402
from domain.repositories import contacts as contacts_repo  # noqa: E402
from domain.settings import Settings  # noqa: E402

CONTRACT = (ROOT / "tests" / "contract" / "contacts.graphql").read_text(encoding="utf-8")
STATUS_COUNTS = "query($f: ContactFilter) { contactStatusCounts(filter: $f) { total new frequent dormant expired inactive discarded suspended } }"
SEGMENT_SIZES = "{ segments(first: 100) { edges { node { id name contactCount } } } }"
TOTAL = "query($f: ContactFilter) { contacts(first: 1, filter: $f) { totalCount } }"


async def _largest_tag(engine: Any, workspace_id: int) -> int:
    async with engine.connect() as connection:
        return (await connection.execute(text(
            "SELECT tag_id FROM contact_tag WHERE workspace_id = :ws GROUP BY tag_id ORDER BY count(*) DESC LIMIT 1"),
            {"ws": workspace_id})).scalar_one()


async def _baseline(engine: Any, workspace_id: int, query: ContactQuery, now: datetime) -> dict[str, int]:
    async with session_factory(engine)() as session:
        conditions = contacts_repo.query_conditions(query, workspace_id=workspace_id, now=now)
        return await contacts_repo.status_counts(RequestSession(session), workspace_id=workspace_id,
                                                 conditions=conditions, now=now)


async def run(args: argparse.Namespace) -> None:
    seeded = await ensure_seeded(args.database_url, contacts=args.contacts, other_contacts=args.other_contacts,
                                 seed=args.seed)
    engine = create_engine(seeded.database_url)
    statements: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    now = datetime.now(UTC)
    ws = seeded.workspace_id
    try:
        tag = await _largest_tag(engine, ws)
        async with engine.connect() as connection:
            segments = {name: (sid, f) for sid, name, f in await connection.execute(
                select(Segment.id, Segment.name, Segment.filter).where(Segment.workspace_id == ws))}
        vip_id, vip_filter = segments["VIP activos"]
        tag_filter = {"tagIds": [to_global_id("Tag", tag)]}
        cases: dict[str, tuple[str, dict[str, Any], str | None]] = {
            "contactStatusCounts(tag)": (STATUS_COUNTS, {"f": tag_filter}, None),
            "totalCount(NEW+FREQUENT, tag)": (TOTAL, {"f": {**tag_filter, "status": ["NEW", "FREQUENT"]}}, None),
            "segments { contactCount }": (SEGMENT_SIZES, {}, None),
            "FilterOptions": (CONTRACT, {}, "FilterOptions"),
            "ContactsPage(segment VIP activos)": (
                CONTRACT, {"first": 25, "filter": {"segmentId": to_global_id("Segment", vip_id)}}, "ContactsPage"),
            "ContactsPage(tag)": (CONTRACT, {"first": 25, "filter": tag_filter}, "ContactsPage"),
        }
        settings = Settings(rate_limit_burst=0, rate_limit_per_second=0, redis_url=None, rapport_env="development")
        app = create_app(settings, engine=engine, clock=FixedClock(now), run_jobs=False)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:
            async def request(doc: str, variables: dict[str, Any], op: str | None) -> tuple[dict[str, Any], int]:
                before = len(statements)
                body = {"query": doc, "variables": variables, **({"operationName": op} if op else {})}
                r = await http.post("/graphql", json=body, headers={"Authorization": f"Bearer {seeded.agent_key}"})
                payload = r.json()
                assert r.status_code == 200 and "errors" not in payload, r.text[:500]
                return payload["data"], len(statements) - before

            # The answers first: the counts equal the rows' own count.
            expected = await _baseline(engine, ws, ContactQuery(filter=ContactFilter(tag_ids=(tag,))), now)
            shown, _ = await request(STATUS_COUNTS, {"f": tag_filter}, None)
            assert shown["contactStatusCounts"] == expected, (shown, expected)
            vip = await _baseline(engine, ws, ContactQuery(filter=ContactFilter.from_json(vip_filter)), now)
            sizes, _ = await request(SEGMENT_SIZES, {}, None)
            vip_size = {e["node"]["name"]: e["node"]["contactCount"] for e in sizes["segments"]["edges"]}["VIP activos"]
            assert vip_size == vip["total"], (vip_size, vip)
            print(f"checked: tag {tag} has {expected['total']:,} contacts ({expected}); VIP activos {vip_size:,}")

            for doc, variables, op in cases.values():  # warm-up: key lookup, plan caches
                await request(doc, variables, op)
            times: dict[str, list[float]] = {case: [] for case in [*cases, "baseline: status counts by reading rows"]}
            counted: dict[str, int] = {}
            loads: dict[str, tuple[float, float]] = {}
            for case, (doc, variables, op) in cases.items():
                load_before = os.getloadavg()[0]
                for _ in range(args.rounds):
                    started = time.perf_counter()
                    _, counted[case] = await request(doc, variables, op)
                    times[case].append(time.perf_counter() - started)
                loads[case] = (load_before, os.getloadavg()[0])
            case = "baseline: status counts by reading rows"
            load_before = os.getloadavg()[0]
            for _ in range(args.rounds):
                started = time.perf_counter()
                await _baseline(engine, ws, ContactQuery(filter=ContactFilter(tag_ids=(tag,))), now)
                times[case].append(time.perf_counter() - started)
            loads[case] = (load_before, os.getloadavg()[0])
    finally:
        await engine.dispose()
    print(f"\nPostgreSQL, {seeded.contacts:,} contacts, {args.rounds} rounds per case, ms "
          f"(statements per request; 1-min load average before -> after, {os.cpu_count()} cores)")
    for case, samples in times.items():
        samples.sort()
        p50 = statistics.median(samples) * 1000
        p95 = samples[min(len(samples) - 1, int(0.95 * len(samples)))] * 1000
        n = f"[{counted[case]}]" if case in counted else ""
        print(f"{case:<42}{p50:>9.1f}{p95:>9.1f} {n:>5}   load {loads[case][0]:.2f} -> {loads[case][1]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="a database loaded by bench/seed.py (loaded if not)")
    parser.add_argument("--contacts", type=int, default=200_000)
    parser.add_argument("--other-contacts", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
