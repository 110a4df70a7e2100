"""Bulk actions on contacts selected by filter, end to end, against the equivalent single SQL statement.

    python bench/bulk_action.py                      # SQLite scratch file: 100k DORMANT contacts (+10k others)
    python bench/bulk_action.py --postgres           # the same in a PostgreSQL scratch database (127.0.0.1)
    python bench/bulk_action.py --contacts 20000 --delete

Two identical workspaces are seeded. In the first, each action goes through the real app: the
contract's ContactsBulkAction over HTTP (httpx + ASGI, no network), then the app's own background
JobRunner until `node(id:)` says COMPLETED; the figure runs from sending the mutation to seeing the
job completed. Meanwhile another client reads the contract's ContactProfile in a loop, and its
latency is printed against the same read with nothing else running. In the second workspace, right
after, the same change is one hand-written statement (an INSERT ... SELECT of the memberships, an
UPDATE of the contacts), which keeps no history, counts nothing and holds the whole change in one
transaction: the floor. Both sides and the ratio are printed.
"""

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
from graphql import OperationDefinitionNode, parse
from sqlalchemy import insert, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.app import create_app  # noqa: E402
from api.ids import to_global_id  # noqa: E402
from domain import models  # noqa: E402
from domain.clock import SystemClock  # noqa: E402
from domain.db import create_engine, create_postgres_database, drop_postgres_database, session_factory  # noqa: E402
from domain.enums import ContactOrigin, Role  # noqa: E402
from domain.migrate import upgrade  # noqa: E402
from domain.services.auth import mint_key  # noqa: E402

CONTRACT = (ROOT / "tests" / "contract" / "actions.graphql").read_text(encoding="utf-8")
PROFILE = (ROOT / "tests" / "contract" / "profile.graphql").read_text(encoding="utf-8")
SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def _operation(name: str) -> str:
    """One operation of the contract, cut verbatim (a document is validated whole)."""
    (op,) = [d for d in parse(CONTRACT).definitions if isinstance(d, OperationDefinitionNode) and d.name.value == name]
    return CONTRACT[op.loc.start : op.loc.end]


BULK, JOB = _operation("ContactsBulkAction"), _operation("Job")


async def seed(engine, contacts: int, others: int, slug: str) -> tuple[str, str, int, int, int]:  # type: ignore[no-untyped-def]
    """A workspace with an OPERATOR key, an AGENT key (the other client: keys are rate-limited one by
    one), a tag, `contacts` DORMANT and `others` NEW contacts: (keys, workspace id, tag id, a contact id)."""
    now = SystemClock().now()
    async with session_factory(engine)() as session, session.begin():
        ws = models.Workspace(name="Bench", slug=slug, created_at=now)
        session.add(ws)
        await session.flush()
        user = models.User(workspace_id=ws.id, name="Operator", email=f"op@{slug}.example", role=Role.OPERATOR,
                           created_at=now)
        agent = models.User(workspace_id=ws.id, name="Agent", email=f"agent@{slug}.example", role=Role.AGENT,
                            created_at=now)
        tag = models.Tag(workspace_id=ws.id, name="vip", created_at=now)
        session.add_all([user, agent, tag])
        await session.flush()
        key = await mint_key(session=session, user=user, now=now)
        agent_key = await mint_key(session=session, user=agent, now=now)
        for start in range(0, contacts + others, 10_000):
            rows = []
            for i in range(start, min(start + 10_000, contacts + others)):
                name = f"Contact {i:06d}"
                rows.append({
                    "workspace_id": ws.id, "name": name, "name_key": name.lower(), "search_text": name.lower(),
                    "email": f"c{i}@{slug}.example", "origin": ContactOrigin.IMPORT, "contact_since": now,
                    "last_activity_at": now - timedelta(days=90 if i < contacts else 3),
                    "created_at": now, "updated_at": now,
                })
            await session.execute(insert(models.Contact), rows)
        someone = (await session.execute(text("SELECT max(id) FROM contact WHERE workspace_id = :w"), {"w": ws.id})).scalar_one()
    return key, agent_key, ws.id, tag.id, someone


async def graphql(client: httpx.AsyncClient, key: str, query: str, variables: dict, operation: str) -> dict:
    body = {"query": query, "variables": variables, "operationName": operation}
    answer = (await client.post("/graphql", json=body, headers={"Authorization": f"Bearer {key}"})).json()
    assert not answer.get("errors"), answer["errors"]
    return answer["data"]


async def reader(client: httpx.AsyncClient, key: str, contact: int, stop: asyncio.Event, times: list[float]) -> None:
    """Another client: reads a profile again and again until `stop` is set."""
    variables = {"id": to_global_id("Contact", contact)}
    while not stop.is_set():
        started = time.perf_counter()
        await graphql(client, key, PROFILE, variables, "ContactProfile")
        times.append(time.perf_counter() - started)
        await asyncio.sleep(0.05)


async def run_job(client: httpx.AsyncClient, key: str, variables: dict) -> tuple[int, int, float]:
    started = time.perf_counter()
    payload = (await graphql(client, key, BULK, variables, "ContactsBulkAction"))["contactsBulkAction"]
    assert not payload["userErrors"], payload["userErrors"]
    while True:
        job = (await graphql(client, key, JOB, {"id": payload["job"]["id"]}, "Job"))["node"]
        if job["status"] in ("COMPLETED", "FAILED"):
            break
        await asyncio.sleep(0.05)
    assert job["status"] == "COMPLETED", job
    return payload["matched"], job["processed"], time.perf_counter() - started


DORMANT = "workspace_id = :ws AND discard_reason IS NULL AND last_activity_at < :newest AND last_activity_at >= :oldest"
BASELINE = {
    "ADD_TAG": "INSERT INTO contact_tag (contact_id, tag_id, workspace_id, created_at) "
               f"SELECT id, :tag, :ws, :now FROM contact WHERE {DORMANT}",
    "SUSPEND": f"UPDATE contact SET discard_reason = 'SUSPENDED', discarded_at = :now, updated_at = :now WHERE {DORMANT}",
}


async def baseline(engine, action: str, ws: int, tag: int) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    """The same change in the second workspace as one statement, in one transaction; (seconds, rows)."""
    now = SystemClock().now()
    params = {"ws": ws, "tag": tag, "now": now, "newest": now - timedelta(days=46), "oldest": now - timedelta(days=121)}
    if engine.dialect.name == "sqlite":
        params = {k: v.strftime("%Y-%m-%d %H:%M:%S.%f") if hasattr(v, "strftime") else v for k, v in params.items()}
    started = time.perf_counter()
    async with engine.begin() as c:
        changed = (await c.execute(text(BASELINE[action]), params)).rowcount
    return time.perf_counter() - started, changed


def pct(times: list[float], q: float) -> float:
    return statistics.quantiles(times, n=100)[q - 1] * 1000 if len(times) >= 2 else float("nan")


async def run(url: str, args: argparse.Namespace) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
        started = time.perf_counter()
        key, agent_key, _, tag, someone = await seed(engine, args.contacts, args.others, "bench-app")
        _, _, floor_ws, floor_tag, _ = await seed(engine, args.contacts, args.others, "bench-sql")
        print(f"seeded 2 x {args.contacts + args.others:,} contacts in {time.perf_counter() - started:.1f} s")
        if engine.dialect.name == "postgresql":
            async with engine.connect() as c:
                await (await c.get_raw_connection()).driver_connection.execute("ANALYZE")

        app = create_app(engine=engine, clock=SystemClock())
        dormant = {"ids": None, "filter": {"status": ["DORMANT"]}, "search": None}
        runs = [("ADD_TAG", dormant, to_global_id("Tag", tag)), ("SUSPEND", dormant, None)]
        if args.delete:
            runs.append(("DELETE", {"filter": {"tagIds": [to_global_id("Tag", tag)]}}, None))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=600) as client:
                idle: list[float] = []
                stop = asyncio.Event()
                task = asyncio.create_task(reader(client, agent_key, someone, stop, idle))
                await asyncio.sleep(3)
                stop.set()
                await task
                print(f"another client's ContactProfile with nothing else running: p50 {pct(idle, 50):.1f} ms, "
                      f"p95 {pct(idle, 95):.1f} ms ({len(idle)} reads)")
                for action, selection, target in runs:
                    variables = {"selection": selection, "action": action, "targetId": target, "dryRun": False}
                    busy: list[float] = []
                    stop = asyncio.Event()
                    task = asyncio.create_task(reader(client, agent_key, someone, stop, busy))
                    matched, processed, seconds = await run_job(client, key, variables)
                    stop.set()
                    await task
                    line = (f"{action:<8} by filter: {matched:,} matched, {processed:,} processed in {seconds:.2f} s "
                            f"({processed / seconds:,.0f} contacts/s); the other client meanwhile p50 "
                            f"{pct(busy, 50):.1f} ms, p95 {pct(busy, 95):.1f} ms ({len(busy)} reads)")
                    if action in BASELINE:
                        floor, changed = await baseline(engine, action, floor_ws, floor_tag)
                        line += f" | one SQL statement {floor:.2f} s ({changed:,} rows): Rapport {seconds / floor:.1f}x"
                    print(line)
    finally:
        await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=100_000, help="contacts the filter selects")
    parser.add_argument("--others", type=int, default=10_000, help="contacts it does not select")
    parser.add_argument("--delete", action="store_true", help="also DELETE the selection at the end")
    parser.add_argument("--postgres", nargs="?", const=SERVER, default=None,
                        help=f"run in a scratch database on this PostgreSQL server (default {SERVER})")
    args = parser.parse_args()
    if args.postgres:
        name = f"rapport_bulk_{uuid.uuid4().hex[:8]}"
        url = await create_postgres_database(args.postgres, name)
        print(f"PostgreSQL scratch database {name} (dropped afterwards)")
        try:
            await run(url, args)
        finally:
            await drop_postgres_database(args.postgres, name)
        return
    with tempfile.TemporaryDirectory() as scratch:
        print("SQLite scratch file")
        await run(f"sqlite+aiosqlite:///{Path(scratch) / 'bench.db'}", args)


if __name__ == "__main__":
    asyncio.run(main())
